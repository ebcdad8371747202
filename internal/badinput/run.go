package badinput

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Build returns a resource package's Client over c (its New).
type Build func(c *embedfin.Client) any

// find returns the method called name of the package client over c.
func find(t *testing.T, build Build, c *embedfin.Client, name string) Method {
	t.Helper()
	methods, _ := Methods(build(c))
	for _, m := range methods {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("no method %s", name)
	return Method{}
}

// RunAll runs the standard bad-input table on every typed method of the
// package client that build makes. handwritten must list the exported
// methods with other signatures (workflow helpers): the caller tests those
// itself, and a new one makes this fail until it is listed.
//
// For every method, in parallel subtests:
//   - a nil context, and each of BadIDs, is a *ValidationError and sends
//     nothing;
//   - nil and zero params send nothing and fail with a *ValidationError when
//     the method has required parameters, and are sent otherwise;
//   - with valid params, responses that are empty, not JSON, truncated,
//     another JSON type, 100 MiB (over the client's limit, with and without
//     a Content-Length), or error statuses give a *DecodeError or *Error
//     after exactly one request, and never a panic;
//   - a body of another object type decodes without panic (see
//     WrongObject).
func RunAll(t *testing.T, build Build, handwritten ...string) {
	t.Helper()
	methods, skipped := Methods(build(NewClient(t, &Transport{})))
	require.NotEmpty(t, methods)
	assert.ElementsMatch(t, handwritten, skipped, "exported methods with other signatures, tested by hand")
	for _, m := range methods {
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			checkMethod(t, build, m.Name)
		})
	}
}

func checkMethod(t *testing.T, build Build, name string) {
	ctx := context.Background()
	tr := &Transport{}
	const limit = 1 << 20
	c := NewClient(t, tr, embedfin.WithMaxResponseBytes(limit))
	m := find(t, build, c, name)
	sent := func(want int, what string) {
		t.Helper()
		require.Equal(t, want, tr.Count(), "%s: requests sent (%v)", what, tr.Requests())
	}
	noPanic := func(r Result, what string) {
		t.Helper()
		require.Nil(t, r.Panic, "%s panicked", what)
	}

	// A nil context.
	params, err := m.Filled()
	require.NoError(t, err)
	//lint:ignore SA1012 a nil context is the bad input under test
	r := m.Call(nil, "obj_1", params)
	noPanic(r, "a nil context")
	var ve *embedfin.ValidationError
	require.ErrorAs(t, r.Err, &ve, "a nil context")
	assert.Equal(t, "ctx", ve.Param)
	sent(0, "a nil context")

	// Bad IDs.
	if m.HasID {
		for _, id := range BadIDs {
			r := m.Call(ctx, id, m.Empty())
			noPanic(r, "a bad ID")
			var ve *embedfin.ValidationError
			require.ErrorAs(t, r.Err, &ve, "ID %q", id)
			assert.NotEmpty(t, ve.Param)
			sent(0, "bad ID "+id)
		}
	}

	// Nil and zero params.
	tr.Respond = func(*http.Request) *http.Response { return JSON(200, m.ValidBody()) }
	for _, p := range []reflect.Value{m.Nil(), m.Empty()} {
		before := tr.Count()
		r := m.Call(ctx, "obj_1", p)
		noPanic(r, "nil or zero params")
		if m.Required() {
			var ve *embedfin.ValidationError
			require.ErrorAs(t, r.Err, &ve, "params %v of a method with required parameters", p)
			assert.NotEmpty(t, ve.Param)
			sent(before, "params missing a required field")
		} else {
			require.NoError(t, r.Err)
			sent(before+1, "optional params")
		}
	}

	// Bad responses to a valid call.
	expectDecodeError := func(what string, resp func() *http.Response, is error) {
		t.Helper()
		tr.Respond = func(*http.Request) *http.Response { return resp() }
		before := tr.Count()
		r := m.Call(ctx, "obj_1", params)
		noPanic(r, what)
		var de *embedfin.DecodeError
		require.ErrorAs(t, r.Err, &de, what)
		assert.Equal(t, 200, de.StatusCode, what)
		if is != nil {
			require.ErrorIs(t, r.Err, is, what)
		}
		assert.NotEmpty(t, r.Err.Error())
		sent(before+1, what)
	}
	expectDecodeError("an empty body", func() *http.Response { return JSON(200, "") }, embedfin.ErrEmptyResponse)
	expectDecodeError("an HTML page", func() *http.Response {
		return Response(200, "text/html", []byte("<!DOCTYPE html><html><body>Sign in</body></html>"))
	}, nil)
	expectDecodeError("truncated JSON", func() *http.Response { return JSON(200, `{"id":"obj_1","object":"x","data":[{"id":`) }, nil)
	for _, other := range []string{`[{"id":"obj_1"}]`, `"obj_1"`, `42`, `true`, `{"id":"obj_1"} {"id":"obj_2"}`} {
		expectDecodeError("a body of another JSON type "+other, func() *http.Response { return JSON(200, other) }, nil)
	}
	big := NewStream(100 << 20)
	expectDecodeError("a 100 MiB body", func() *http.Response { return StreamResponse(big, false) }, embedfin.ErrResponseTooLarge)
	assert.LessOrEqual(t, big.Served.Load(), int64(limit+1), "read no further than the limit")
	declared := NewStream(100 << 20)
	expectDecodeError("a 100 MiB body with Content-Length", func() *http.Response { return StreamResponse(declared, true) }, embedfin.ErrResponseTooLarge)
	assert.Zero(t, declared.Served.Load(), "a declared length over the limit is refused unread")

	for _, e := range []struct {
		status int
		body   *http.Response
	}{
		{404, JSON(404, `{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such object: 'obj_1'"}}`)},
		{500, Response(500, "text/html", []byte("<html>Internal Server Error</html>"))},
		{400, JSON(400, "")},
	} {
		tr.Respond = func(*http.Request) *http.Response { return e.body }
		before := tr.Count()
		r := m.Call(ctx, "obj_1", params)
		noPanic(r, "an error status")
		var apiErr *embedfin.Error
		require.ErrorAs(t, r.Err, &apiErr)
		assert.Equal(t, e.status, apiErr.HTTPStatusCode)
		sent(before+1, "an error status")
	}

	// Another object type, and null.
	for _, body := range []string{WrongObject(m), "null", "{}"} {
		tr.Respond = func(*http.Request) *http.Response { return JSON(200, body) }
		r := m.Call(ctx, "obj_1", params)
		noPanic(r, "a body of another object type")
		CheckWrongObject(t, m, r, body)
	}
}

// WrongObject is a 200 body of another object type than the method
// returns: one object for list methods, a list page for the others.
func WrongObject(m Method) string {
	if m.ListLike() {
		return `{"id":"evt_1","object":"event","type":"customer.created","data":{"object":{"id":"cus_1"}}}`
	}
	return `{"object":"list","data":[{"id":"evt_1","object":"event"}],"has_more":false,"url":"/v1/events"}`
}

// CheckWrongObject checks what the SDK does with a 200 body of another
// object type, null or {}: a typed call returns a *DecodeError when the
// shapes clash, and otherwise the requested type with only the fields both
// share (its Object field tells the type that arrived, "" for null or {});
// an iterator refuses a page that is not a list with a *DecodeError rather
// than ending as if the list were empty.
func CheckWrongObject(t *testing.T, m Method, r Result, body string) {
	t.Helper()
	if m.Iter {
		var de *embedfin.DecodeError
		require.ErrorAs(t, r.Err, &de, "an iterator given %s", body)
		assert.Zero(t, r.Items)
		return
	}
	if r.Err != nil {
		var de *embedfin.DecodeError
		require.ErrorAs(t, r.Err, &de, "a typed call given %s", body)
		return // the shapes clash (an event's data object is not a list's data array)
	}
	require.NotNil(t, r.Value)
	obj := reflect.ValueOf(r.Value).Elem().FieldByName("Object")
	if !obj.IsValid() {
		return // a type without an object field (features of a financial account)
	}
	want := ""
	switch {
	case body == "null" || body == "{}":
	case m.ListLike():
		want = "event"
	default:
		want = "list"
	}
	assert.Equal(t, want, obj.String(), "the Object field shows what arrived")
}

// EmulatorNegativeLimits calls every list method that has a limit with
// limit -1 against the emulator: the SDK sends it (it does not check
// ranges) and the API's 400 comes back as a typed *embedfin.Error.
func EmulatorNegativeLimits(t *testing.T, build Build) {
	t.Helper()
	srv := stripetest.NewServer()
	t.Cleanup(srv.Close)
	methods, _ := Methods(build(srv.Client(embedfin.WithMaxRetries(0))))
	n := 0
	for _, m := range methods {
		if !m.ListLike() {
			continue
		}
		params, err := m.Filled()
		require.NoError(t, err)
		lim := limitField(params.Elem())
		if !lim.IsValid() {
			continue
		}
		lim.Set(reflect.ValueOf(embedfin.Ptr(int64(-1))))
		n++
		r := m.Call(context.Background(), "placeholder_1", params)
		require.Nil(t, r.Panic, m.Name)
		var apiErr *embedfin.Error
		require.ErrorAs(t, r.Err, &apiErr, m.Name)
		if !m.Required() && !m.HasID {
			assert.Equal(t, http.StatusBadRequest, apiErr.HTTPStatusCode, m.Name)
			assert.Equal(t, "limit", apiErr.Param, m.Name)
		} else {
			assert.GreaterOrEqual(t, apiErr.HTTPStatusCode, 400, m.Name)
		}
	}
	require.Positive(t, n, "some list method has a limit")
}

// limitField finds the Limit *int64 of ListParams or SearchParams.
func limitField(v reflect.Value) reflect.Value {
	f, ok := fieldByTag(v, "limit")
	if !ok || f.Type() != reflect.TypeFor[*int64]() {
		return reflect.Value{}
	}
	return f
}

// IsTyped reports whether err is one of the SDK's error types for a call.
func IsTyped(err error) bool {
	var (
		a *embedfin.Error
		b *embedfin.ConnectionError
		c *embedfin.DecodeError
		d *embedfin.ValidationError
	)
	return errors.As(err, &a) || errors.As(err, &b) || errors.As(err, &c) || errors.As(err, &d)
}
