package embedfin_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/internal/badinput"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bothCalls runs Do and RawRequest with the same arguments.
func bothCalls(c *embedfin.Client, ctx context.Context, method, path string, params any, opts ...embedfin.RequestOption) map[string]func() error {
	return map[string]func() error{
		"Do": func() error {
			var out obj
			return c.Do(ctx, method, path, params, &out, opts...)
		},
		"RawRequest": func() error {
			_, err := c.RawRequest(ctx, method, path, params, opts...)
			return err
		},
	}
}

func TestBadInputDoAndRawRequestArguments(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		t.Errorf("nothing may be sent, got %s %s", r.Method, r.URL)
		return httpmock.NewStringResponse(500, ""), nil
	})
	var nilCtx context.Context
	type chanParams struct {
		embedfin.Params
		C chan int `url:"c"`
	}
	type funcParams struct {
		embedfin.Params
		F func() `url:"f"`
	}
	type floatParams struct {
		embedfin.Params
		F *float64 `url:"f"`
	}
	cases := []struct {
		name         string
		ctx          context.Context
		method, path string
		params       any
		opts         []embedfin.RequestOption
	}{
		{"nil ctx", nilCtx, "GET", "/v1/x", nil, nil},
		{"empty method", bg, "", "/v1/x", nil, nil},
		{"lower-case method", bg, "get", "/v1/x", nil, nil},
		{"PUT", bg, "PUT", "/v1/x", nil, nil},
		{"empty path", bg, "GET", "", nil, nil},
		{"relative path", bg, "GET", "v1/x", nil, nil},
		{"path with query", bg, "GET", "/v1/x?a=1", nil, nil},
		{"path with fragment", bg, "GET", "/v1/x#f", nil, nil},
		{"path with space", bg, "GET", "/v1/x y", nil, nil},
		{"path with newline", bg, "POST", "/v1/x\n", nil, nil},
		{"int params", bg, "POST", "/v1/x", 42, nil},
		{"string params on GET", bg, "GET", "/v1/x", "a=1", nil},
		{"slice params", bg, "POST", "/v1/x", []string{"a"}, nil},
		{"map params", bg, "POST", "/v1/x", map[string]string{"a": "b"}, nil},
		{"chan field", bg, "POST", "/v1/x", &chanParams{C: make(chan int)}, nil},
		{"func field", bg, "POST", "/v1/x", &funcParams{F: func() {}}, nil},
		{"NaN", bg, "POST", "/v1/x", &floatParams{F: embedfin.Ptr(math.NaN())}, nil},
		{"+Inf", bg, "POST", "/v1/x", &floatParams{F: embedfin.Ptr(math.Inf(1))}, nil},
		{"metadata key with brackets", bg, "POST", "/v1/x", &objParams{Metadata: map[string]string{"a[b]": "v"}}, nil},
		{"empty metadata key", bg, "POST", "/v1/x", &objParams{Metadata: map[string]string{"": "v"}}, nil},
		{"bad option", bg, "POST", "/v1/x", nil, []embedfin.RequestOption{nil, embedfin.WithStripeAccount("")}},
	}
	for _, tc := range cases {
		for name, call := range bothCalls(c, tc.ctx, tc.method, tc.path, tc.params, tc.opts...) {
			var err error
			require.NotPanics(t, func() { err = call() }, "%s: %s", name, tc.name)
			var ve *embedfin.ValidationError
			require.ErrorAs(t, err, &ve, "%s: %s", name, tc.name)
			assert.NotEmpty(t, ve.Param)
		}
	}
	assert.Empty(t, api.requests())
}

// streamed registers a responder on GET /v1/big answering status with a
// generated body of n bytes (its length declared or not).
func streamed(api *fakeAPI, status int, n int64, declare bool) *badinput.Stream {
	s := badinput.NewStream(n)
	api.RegisterResponder("GET", testBase+"/v1/big", func(r *http.Request) (*http.Response, error) {
		resp := badinput.StreamResponse(s, declare)
		resp.StatusCode = status
		resp.Request = r
		return resp, nil
	})
	return s
}

func TestBadInputResponseBodies(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		rep reply
		is  error
	}{
		"empty":         {rep: ok("")},
		"whitespace":    {rep: ok(" \n\t ")},
		"not JSON":      {rep: status(200, "<html><body>Sign in</body></html>", "Content-Type", "text/html")},
		"truncated":     {rep: ok(`{"id":"x_1","amount":12`)},
		"array":         {rep: ok(`[{"id":"x_1"}]`)},
		"string":        {rep: ok(`"x_1"`)},
		"two objects":   {rep: ok(`{"id":"x_1"}{"id":"x_2"}`)},
		"bad types":     {rep: ok(`{"id":{"nested":true},"amount":"12"}`)},
		"huge number":   {rep: ok(`{"amount":1e400}`)},
		"deep nesting":  {rep: ok(`{"note":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`)},
		"non-UTF-8 key": {rep: ok("{\"\xff\":1,\"id\":}")},
	}
	for name, tc := range cases {
		c, api := newTestClient(t)
		api.script("GET", "/v1/x", tc.rep)
		var out obj
		var err error
		require.NotPanics(t, func() { err = c.Do(bg, "GET", "/v1/x", nil, &out) }, name)
		var de *embedfin.DecodeError
		require.ErrorAs(t, err, &de, name)
		assert.Equal(t, 200, de.StatusCode, name)
		assert.Equal(t, "req_test123", de.RequestID, name)
	}

	// RawRequest does not decode, but refuses an empty body too.
	c, api := newTestClient(t)
	api.script("GET", "/v1/x", ok(""))
	_, err := c.RawRequest(bg, "GET", "/v1/x", nil)
	assert.ErrorIs(t, err, embedfin.ErrEmptyResponse)
}

// A body of another object type decodes into the fields both share; the
// Object field tells what arrived. null and {} give the zero value.
func TestBadInputWrongObjectType(t *testing.T) {
	t.Parallel()
	for body, object := range map[string]string{
		`{"id":"cus_1","object":"customer","email":"jenny@example.com","amount":5}`: "customer",
		`{"object":"list","data":[{"id":"x_1"}],"has_more":false,"url":"/v1/x"}`:    "list",
		`{}`:   "",
		`null`: "",
	} {
		c, api := newTestClient(t)
		api.script("GET", "/v1/x", ok(body))
		var out obj
		require.NoError(t, c.Do(bg, "GET", "/v1/x", nil, &out), body)
		assert.Equal(t, object, out.Object, body)
	}
	c, api := newTestClient(t, embedfin.WithStrictDecoding())
	api.script("GET", "/v1/x", ok(`{"id":"cus_1","object":"customer","email":"jenny@example.com"}`))
	var out obj
	var de *embedfin.DecodeError
	require.ErrorAs(t, c.Do(bg, "GET", "/v1/x", nil, &out), &de, "strict decoding refuses fields the type does not have")
}

func TestBadInputHugeBodies(t *testing.T) {
	t.Parallel()
	const hundredMiB = 100 << 20
	for _, declare := range []bool{false, true} {
		// The default cap, 32 MiB, for Do and RawRequest.
		for name := range bothCalls(nil, bg, "", "", nil) {
			c, api := newTestClient(t)
			s := streamed(api, 200, hundredMiB, declare)
			err := bothCalls(c, bg, "GET", "/v1/big", nil)[name]()
			var de *embedfin.DecodeError
			require.ErrorAs(t, err, &de, name)
			require.ErrorIs(t, err, embedfin.ErrResponseTooLarge, name)
			if declare {
				assert.Zero(t, s.Served.Load(), "%s: a declared length over the cap is refused unread", name)
			} else {
				assert.LessOrEqual(t, s.Served.Load(), int64(embedfin.DefaultMaxResponseBytes+1), "%s: read no further than the cap", name)
			}
		}

		// Error bodies are read up to 1 MiB and the rest is left unread
		// (a little is drained to reuse the connection).
		c, api := newTestClient(t, embedfin.WithMaxRetries(0))
		s := streamed(api, 500, hundredMiB, declare)
		err := c.Do(bg, "GET", "/v1/big", nil, nil)
		var apiErr *embedfin.Error
		require.ErrorAs(t, err, &apiErr)
		assert.Len(t, apiErr.RawBody, 1<<20)
		assert.Contains(t, apiErr.Message, "over 1 MiB")
		assert.LessOrEqual(t, s.Served.Load(), int64(1<<20+1+64<<10))
	}

	// A retried 503 with a huge body: every attempt's body is drained only
	// a little before the next.
	c, api := newTestClient(t, embedfin.WithMaxRetries(2))
	s := streamed(api, 503, hundredMiB, false)
	var apiErr *embedfin.Error
	require.ErrorAs(t, c.Do(bg, "GET", "/v1/big", nil, nil), &apiErr)
	assert.Less(t, s.Served.Load(), int64(hundredMiB/10))
}

func TestBadInputPagination(t *testing.T) {
	t.Parallel()
	params := &objListParams{}
	id := func(o *obj) string { return o.ID }
	collectAll := func(seq func(yield func(*obj, error) bool)) (ids []string, err error) {
		for o, e := range seq {
			if e != nil {
				return ids, e
			}
			require.NotNil(t, o, "no nil object without an error")
			ids = append(ids, o.ID)
		}
		return ids, nil
	}

	// Nil functions.
	_, err := collectAll(embedfin.Paginate[obj](bg, params, nil, id))
	var ve *embedfin.ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = collectAll(embedfin.Paginate(bg, params, func(context.Context, *objListParams) (*embedfin.List[obj], error) { return nil, nil }, nil))
	require.ErrorAs(t, err, &ve)
	for o, err := range embedfin.PaginateSearch[obj, searchParams](bg, nil, nil) {
		assert.Nil(t, o)
		require.ErrorAs(t, err, &ve)
	}

	// A fetch that returns neither a page nor an error.
	_, err = collectAll(embedfin.Paginate(bg, params, func(context.Context, *objListParams) (*embedfin.List[obj], error) { return nil, nil }, id))
	var de *embedfin.DecodeError
	require.ErrorAs(t, err, &de)

	// Pages from the API that are not pages, or hold nulls.
	for body, want := range map[string]struct {
		ids []string
		err error
	}{
		`{}`:                                 {err: &embedfin.DecodeError{}},
		`null`:                               {err: &embedfin.DecodeError{}},
		`{"id":"cus_1","object":"customer"}`: {err: &embedfin.DecodeError{}},
		`{"object":"list","data":[null,{"id":"w_1"},null],"has_more":false}`: {ids: []string{"w_1"}},
		`{"object":"list","data":[{"id":"w_1"},null],"has_more":true}`:       {ids: []string{"w_1"}, err: embedfin.ErrPaginationStalled},
		`{"object":"list","data":null,"has_more":true}`:                      {err: embedfin.ErrPaginationStalled},
		`{"object":"search_result","data":[{"id":"w_1"}],"has_more":false}`:  {err: &embedfin.DecodeError{}},
	} {
		c, api := newTestClient(t)
		api.script("GET", "/v1/widgets", ok(body))
		ids, err := collectAll(listWidgets(c, params))
		assert.Equal(t, want.ids, ids, body)
		switch w := want.err.(type) {
		case nil:
			assert.NoError(t, err, body)
		case *embedfin.DecodeError:
			require.ErrorAs(t, err, &de, body)
			assert.Equal(t, 200, de.StatusCode, body)
		default:
			assert.ErrorIs(t, err, w, body)
		}
	}
}

func TestBadInputSmallHelpers(t *testing.T) {
	t.Parallel()
	var e embedfin.Expandable[obj]
	for _, in := range []string{``, ` `, `[]`, `5`, `{"id":5}`, `"unterminated`} {
		require.NotPanics(t, func() { _ = e.UnmarshalJSON([]byte(in)) }, in)
		assert.Error(t, json.Unmarshal([]byte(`{"x":`+in+`}`), &struct {
			X embedfin.Expandable[obj] `json:"x"`
		}{}), in)
	}
	var nilExp *embedfin.Expandable[obj]
	assert.False(t, nilExp.Expanded())

	var nilRaw *embedfin.RawObject
	assert.Error(t, nilRaw.Decode(&obj{}))
	assert.Empty(t, nilRaw.GetID())
	assert.Error(t, (&embedfin.RawObject{}).Decode(&obj{}))
	raw := &embedfin.RawObject{Raw: json.RawMessage(`{"id":"x"}`)}
	assert.Error(t, raw.Decode(nil))
	assert.Error(t, raw.Decode(obj{}), "a non-pointer target")

	assert.Equal(t, "", embedfin.Deref[string](nil))
	assert.Equal(t, int64(0), embedfin.Deref[int64](nil))

	// Non-UTF-8 IDs are escaped, not refused: they simply match nothing.
	p, err := embedfin.Path("/v1/customers/{customer}", "cus_\xff")
	require.NoError(t, err)
	assert.Equal(t, "/v1/customers/cus_%FF", p)
	for _, tmpl := range []string{"/v1/{a", "/v1/{a}/{b}"} {
		_, err := embedfin.Path(tmpl, "x")
		var ve *embedfin.ValidationError
		assert.ErrorAs(t, err, &ve, tmpl)
	}
	_, err = embedfin.Path("/v1/x", "extra")
	assert.Error(t, err)

	// url.Values with odd content are encoded as they are.
	c, api := newTestClient(t)
	api.script("POST", "/v1/x", ok(`{}`))
	_, err = c.RawRequest(bg, "POST", "/v1/x", url.Values{"a[b]": {"\xff"}, "": {""}})
	require.NoError(t, err)
	assert.Equal(t, "=&a%5Bb%5D=%FF", api.requests()[0].Body)
}
