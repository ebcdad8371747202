package badinput

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
)

// Method is one typed API method: (ctx[, id], params *P, opts...) returning
// (*R, error) or an iterator (iter.Seq2[*T, error]).
type Method struct {
	// Name is "Service.Method", e.g. "Accounts.Retrieve".
	Name string
	fn   reflect.Value
	// HasID reports whether the method takes an object ID.
	HasID bool
	// Params is the params type, a pointer to a struct.
	Params reflect.Type
	// Iter reports whether the method returns an iterator over every page.
	Iter bool
	// Result is the type of the first result (*R, or the iterator's *T).
	Result reflect.Type
}

var (
	ctxType    = reflect.TypeFor[context.Context]()
	errType    = reflect.TypeFor[error]()
	optType    = reflect.TypeFor[[]embedfin.RequestOption]()
	stringType = reflect.TypeFor[string]()
)

// Methods returns the typed API methods of a resource package's Client
// (what its New returns), including those of nested services such as
// TestHelpers, sorted by name. skipped names the exported methods whose
// signature is another one (workflow helpers such as WaitForRefresh); the
// caller tests those by hand.
func Methods(client any) (methods []Method, skipped []string) {
	seen := map[reflect.Type]bool{}
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		if v.Kind() != reflect.Pointer || v.IsNil() || seen[v.Type()] {
			return
		}
		seen[v.Type()] = true
		t := v.Type()
		for i := range t.NumMethod() {
			m := t.Method(i)
			name := strings.TrimPrefix(prefix+"."+m.Name, ".")
			if meth, ok := classify(name, v.Method(i)); ok {
				methods = append(methods, meth)
			} else if !ignoredMethod(m.Name) {
				skipped = append(skipped, name)
			}
		}
		e := v.Elem()
		if e.Kind() != reflect.Struct {
			return
		}
		for i := range e.NumField() {
			f := e.Type().Field(i)
			if f.IsExported() {
				walk(strings.TrimPrefix(prefix+"."+f.Name, "."), e.Field(i))
			}
		}
	}
	walk("", reflect.ValueOf(client))
	sort.Slice(methods, func(i, j int) bool { return methods[i].Name < methods[j].Name })
	sort.Strings(skipped)
	return methods, skipped
}

// ignoredMethod names methods that are not API calls.
func ignoredMethod(name string) bool {
	switch name {
	case "String", "GoString", "Format", "GetID":
		return true
	}
	return false
}

func classify(name string, fn reflect.Value) (Method, bool) {
	t := fn.Type()
	m := Method{Name: name, fn: fn}
	if !t.IsVariadic() || t.NumIn() < 3 || t.In(0) != ctxType || t.In(t.NumIn()-1) != optType {
		return m, false
	}
	switch t.NumIn() {
	case 3:
	case 4:
		if t.In(1) != stringType {
			return m, false
		}
		m.HasID = true
	default:
		return m, false
	}
	m.Params = t.In(t.NumIn() - 2)
	if m.Params.Kind() != reflect.Pointer || m.Params.Elem().Kind() != reflect.Struct {
		return m, false
	}
	switch {
	case t.NumOut() == 2 && t.Out(1) == errType && t.Out(0).Kind() == reflect.Pointer:
		m.Result = t.Out(0)
	case t.NumOut() == 1 && isSeq2(t.Out(0)):
		m.Iter = true
		m.Result = t.Out(0).In(0).In(0)
	default:
		return m, false
	}
	return m, true
}

// isSeq2 reports whether t is func(yield func(*T, error) bool).
func isSeq2(t reflect.Type) bool {
	if t.Kind() != reflect.Func || t.NumIn() != 1 || t.NumOut() != 0 {
		return false
	}
	y := t.In(0)
	return y.Kind() == reflect.Func && y.NumIn() == 2 && y.In(1) == errType && y.NumOut() == 1 && y.Out(0).Kind() == reflect.Bool
}

// ListLike reports whether the method's response is a list page (List or
// search result) rather than one object.
func (m Method) ListLike() bool {
	if m.Iter {
		return true
	}
	n := m.Result.Elem().Name()
	return strings.HasPrefix(n, "List[") || strings.HasPrefix(n, "SearchResult[")
}

// Search reports whether the method reads a search endpoint.
func (m Method) Search() bool {
	return strings.HasPrefix(m.Result.Elem().Name(), "SearchResult[") || strings.Contains(m.Name, "Search")
}

// Nil returns a nil params pointer of the method's type.
func (m Method) Nil() reflect.Value { return reflect.Zero(m.Params) }

// Empty returns a pointer to zero params.
func (m Method) Empty() reflect.Value { return reflect.New(m.Params.Elem()) }

// Required reports whether zero params fail validation, which means the
// method has required parameters.
func (m Method) Required() bool { return validate(m.Empty()) != nil }

// Result of one call.
type Result struct {
	// Value is the first result (nil for iterators and on error).
	Value any
	// Err is the error returned, or the first error an iterator yielded.
	Err error
	// Items counts the objects an iterator yielded before it ended.
	Items int
	// Panic is what the call panicked with, if it did.
	Panic any
}

// Call calls the method with id (ignored when it takes none) and params.
// An iterator is ranged over (at most maxItems objects). A panic is
// recovered into Result.Panic.
func (m Method) Call(ctx context.Context, id string, params reflect.Value, opts ...embedfin.RequestOption) (res Result) {
	defer func() {
		if r := recover(); r != nil {
			res.Panic = r
		}
	}()
	args := []reflect.Value{reflect.Zero(ctxType)}
	if ctx != nil {
		args[0] = reflect.ValueOf(ctx)
	}
	if m.HasID {
		args = append(args, reflect.ValueOf(id))
	}
	args = append(args, params)
	for _, o := range opts {
		args = append(args, reflect.ValueOf(o))
	}
	out := m.fn.Call(args)
	if !m.Iter {
		if e := out[1].Interface(); e != nil {
			res.Err = e.(error)
		}
		if !out[0].IsNil() {
			res.Value = out[0].Interface()
		}
		return res
	}
	const maxItems = 1000
	yield := reflect.MakeFunc(out[0].Type().In(0), func(in []reflect.Value) []reflect.Value {
		if e := in[1].Interface(); e != nil {
			res.Err = e.(error)
			return []reflect.Value{reflect.ValueOf(false)}
		}
		if in[0].IsNil() {
			res.Panic = "the iterator yielded a nil object without an error"
			return []reflect.Value{reflect.ValueOf(false)}
		}
		res.Items++
		return []reflect.Value{reflect.ValueOf(res.Items < maxItems)}
	})
	out[0].Call([]reflect.Value{yield})
	return res
}

func validate(params reflect.Value) error {
	v, ok := params.Interface().(interface{ Validate() error })
	if !ok {
		return nil
	}
	return v.Validate()
}

// Filled returns params for the method with every required parameter set
// to a placeholder value, found by following the *ValidationError that
// Validate returns, so that a call passes validation and is sent.
func (m Method) Filled() (reflect.Value, error) {
	p := m.Empty()
	for range 200 {
		err := validate(p)
		if err == nil {
			return p, nil
		}
		var ve *embedfin.ValidationError
		if !errors.As(err, &ve) || ve.Reason != "is required" {
			return p, fmt.Errorf("%s: cannot satisfy %v", m.Name, err)
		}
		if !fill(p.Elem(), splitParam(ve.Param)) {
			return p, fmt.Errorf("%s: cannot fill %q", m.Name, ve.Param)
		}
	}
	return p, fmt.Errorf("%s: too many required parameters", m.Name)
}

// splitParam turns "a[b][0]" into [a b 0].
func splitParam(p string) []string {
	p = strings.ReplaceAll(p, "]", "")
	return strings.Split(p, "[")
}

// fill sets the parameter at path under struct v to a placeholder. It
// reports false when it cannot.
func fill(v reflect.Value, path []string) bool {
	f, ok := fieldByTag(v, path[0])
	if !ok {
		return false
	}
	rest := path[1:]
	if len(rest) == 0 {
		return setPlaceholder(f)
	}
	switch f.Kind() {
	case reflect.Pointer:
		if f.IsNil() {
			f.Set(reflect.New(f.Type().Elem()))
		}
		if f.Elem().Kind() != reflect.Struct {
			return false
		}
		return fill(f.Elem(), rest)
	case reflect.Struct:
		return fill(f, rest)
	case reflect.Slice:
		i, err := strconv.Atoi(rest[0])
		if err != nil || i > 100 {
			return false
		}
		for f.Len() <= i {
			f.Set(reflect.Append(f, placeholder(f.Type().Elem())))
		}
		el := f.Index(i)
		if len(rest) == 1 {
			return setPlaceholder(el)
		}
		if el.Kind() == reflect.Pointer {
			if el.IsNil() {
				el.Set(reflect.New(el.Type().Elem()))
			}
			el = el.Elem()
		}
		return el.Kind() == reflect.Struct && fill(el, rest[1:])
	}
	return false
}

// fieldByTag finds the field with url tag name in struct v, looking into
// embedded structs.
func fieldByTag(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(sf.Tag.Get("url"), ",")
		if tag == name {
			return v.Field(i), true
		}
		if sf.Anonymous && sf.Type.Kind() == reflect.Struct {
			if f, ok := fieldByTag(v.Field(i), name); ok {
				return f, true
			}
		}
	}
	return reflect.Value{}, false
}

// setPlaceholder sets an unset field; it reports false when the field was
// already set (so validation complains of something else).
func setPlaceholder(f reflect.Value) bool {
	if !f.IsZero() && !(f.Kind() == reflect.Slice && f.Len() == 0) {
		return false
	}
	f.Set(placeholder(f.Type()))
	return true
}

func placeholder(t reflect.Type) reflect.Value {
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if t.Elem().Kind() != reflect.Struct {
			p.Elem().Set(placeholder(t.Elem()))
		}
		return p
	case reflect.String:
		return reflect.ValueOf("placeholder_1").Convert(t)
	case reflect.Int, reflect.Int64, reflect.Int32:
		return reflect.ValueOf(int64(1)).Convert(t)
	case reflect.Float64:
		return reflect.ValueOf(1.0).Convert(t)
	case reflect.Bool:
		return reflect.ValueOf(true).Convert(t)
	case reflect.Slice:
		return reflect.Append(reflect.MakeSlice(t, 0, 1), placeholder(t.Elem()))
	case reflect.Map:
		m := reflect.MakeMap(t)
		m.SetMapIndex(placeholder(t.Key()), placeholder(t.Elem()))
		return m
	}
	return reflect.Zero(t)
}

// BadIDs are IDs no Stripe object can have: every method taking an ID
// must refuse them with a *ValidationError before sending anything.
var BadIDs = []string{
	"", " ", "cus 1", "cus_1 ", "\tcus_1", "cus_1\n", "a/b", "../cus_1", "a?b=c", "a#b", "a%2Fb", `a\b`,
	"a\x00b", "a\x7fb", strings.Repeat("x", 256),
}

// Transport is an http.RoundTripper that counts requests and answers each
// with Respond.
type Transport struct {
	// Respond builds the response to a request; nil answers 500.
	Respond func(*http.Request) *http.Response
	n       atomic.Int64
	mu      sync.Mutex
	last    []string
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	t.mu.Lock()
	t.last = append(t.last, r.Method+" "+r.URL.RequestURI())
	t.mu.Unlock()
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	var resp *http.Response
	if t.Respond != nil {
		resp = t.Respond(r)
	}
	if resp == nil {
		resp = JSON(http.StatusInternalServerError, `{"error":{"type":"api_error","message":"no response scripted"}}`)
	}
	resp.Request = r
	return resp, nil
}

// Count returns how many requests were sent.
func (t *Transport) Count() int { return int(t.n.Load()) }

// Requests returns the method and URI of every request sent.
func (t *Transport) Requests() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.last...)
}

// Response builds a response with a body and content type.
func Response(status int, contentType string, body []byte) *http.Response {
	h := http.Header{"Request-Id": {"req_badinput"}}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
}

// JSON builds a JSON response.
func JSON(status int, body string) *http.Response {
	return Response(status, "application/json", []byte(body))
}

// Stream is a response body of n bytes generated on demand: "{"id":"x","pad":"xxxx...
// which is never valid JSON. Served counts the bytes handed out.
type Stream struct {
	n, off int64
	// Served counts the bytes handed out so far.
	Served atomic.Int64
}

// NewStream returns a body of n generated bytes.
func NewStream(n int64) *Stream { return &Stream{n: n} }

const streamHead = `{"id":"obj_1","pad":"`

var pad = bytes.Repeat([]byte{'x'}, 32<<10)

// Read implements io.Reader.
func (s *Stream) Read(p []byte) (int, error) {
	if s.off >= s.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), s.n-s.off)]
	k := 0
	if s.off < int64(len(streamHead)) {
		k = copy(p, streamHead[s.off:])
	}
	for k < len(p) {
		k += copy(p[k:], pad)
	}
	s.off += int64(k)
	s.Served.Add(int64(k))
	return k, nil
}

// Close implements io.Closer.
func (s *Stream) Close() error { return nil }

// StreamResponse answers 200 with a generated body of n bytes, declaring
// its length or not.
func StreamResponse(s *Stream, declareLength bool) *http.Response {
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}, "Request-Id": {"req_big"}}, Body: s, ContentLength: -1}
	if declareLength {
		resp.ContentLength = s.n
	}
	return resp
}

// NewClient returns an SDK client whose requests go to tr, with no retries
// (one attempt per call) unless opts say otherwise.
func NewClient(tb testing.TB, tr http.RoundTripper, opts ...embedfin.Option) *embedfin.Client {
	tb.Helper()
	all := append([]embedfin.Option{
		embedfin.WithHTTPClient(&http.Client{Transport: tr, Timeout: 30 * time.Second}),
		embedfin.WithBaseURL("https://api.stripe.test"),
		embedfin.WithMaxRetries(0),
	}, opts...)
	c, err := embedfin.NewClient("sk_test_badinput123", all...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// ValidBody is a well-formed 200 body for the method: an empty list page
// or search result, or a small object.
func (m Method) ValidBody() string {
	switch {
	case m.Search():
		return `{"object":"search_result","data":[],"has_more":false,"next_page":null,"url":"/v1/x/search"}`
	case m.ListLike():
		return `{"object":"list","data":[],"has_more":false,"url":"/v1/x"}`
	}
	return `{"id":"obj_1"}`
}
