package embedfin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/embedfin/embedfin-go/form"
	"github.com/embedfin/embedfin-go/internal/idempotency"
	"github.com/embedfin/embedfin-go/internal/stripeversion"
	"github.com/hashicorp/go-retryablehttp"
)

// Do is the single request path under every typed method: it encodes params
// with package form (a query string for GET, a form body for POST and
// DELETE), sets the headers, sends the request through the retry engine
// (each attempt reads the whole body; see attemptTransport), and decodes a
// 2xx JSON body into out with Unmarshal (out may be nil to discard it).
// Non-2xx responses, redirects included (they are never followed), return
// *Error; a context that ended returns ctx.Err(); attempts that all failed
// without a usable response return *ConnectionError (see its MaybeApplied);
// a complete 2xx body that cannot be decoded returns *DecodeError; bad
// arguments return *ValidationError before anything is sent. params is
// never modified.
//
// path is the request path ("/v1/customers/cus_123"); build it with Path so
// IDs are checked and escaped. Resource packages call Do; applications use
// the typed methods, or RawRequest for endpoints not typed yet.
func (c *Client) Do(ctx context.Context, method, path string, params, out any, opts ...RequestOption) error {
	body, meta, err := c.send(ctx, method, path, params, opts)
	if err != nil {
		return err
	}
	defer body.Close()
	if out == nil {
		return nil
	}
	if err := c.checkBody(body, meta); err != nil {
		return err
	}
	if err := c.unmarshal(body.data, out); err != nil {
		return &DecodeError{StatusCode: meta.StatusCode, RequestID: meta.RequestID, ContentType: meta.Header.Get("Content-Type"), Err: err}
	}
	if r, ok := out.(responseRecorder); ok {
		r.setLastResponse(meta)
	}
	return nil
}

// RawResponse is the undecoded result of RawRequest.
type RawResponse struct {
	Response
	// Body is the response body, at most the client's response size limit.
	Body []byte
}

// RawRequest calls an endpoint this SDK does not type yet, with the same
// encoding, headers, retries and errors as the typed methods. params may be
// a params struct (with url tags), url.Values, or nil. Non-2xx responses
// still return *Error.
func (c *Client) RawRequest(ctx context.Context, method, path string, params any, opts ...RequestOption) (*RawResponse, error) {
	body, meta, err := c.send(ctx, method, path, params, opts)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	if err := c.checkBody(body, meta); err != nil {
		return nil, err
	}
	return &RawResponse{Response: *meta, Body: body.take()}, nil
}

// checkBody refuses a 2xx body over the size limit or empty.
func (c *Client) checkBody(body *memBody, meta *Response) error {
	var err error
	switch {
	case body.over:
		err = ErrResponseTooLarge
	case len(body.data) == 0:
		err = ErrEmptyResponse
	default:
		return nil
	}
	return &DecodeError{StatusCode: meta.StatusCode, RequestID: meta.RequestID, ContentType: meta.Header.Get("Content-Type"), Err: err}
}

func (c *Client) unmarshal(data []byte, out any) error {
	if err := Unmarshal(data, out); err != nil {
		return err
	}
	if c.strict {
		return checkKnownFields(data, out)
	}
	return nil
}

// checkKnownFields finds fields of the response that the decoded value does
// not hold. It encodes out back to JSON and compares key sets: response
// types encode every field they know (nulls included), so any key of the
// response missing from the re-encoding has no field. Unlike
// json.Decoder.DisallowUnknownFields, this sees through the custom decoders
// of expandable fields and unions.
func checkKnownFields(raw []byte, out any) error {
	back, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("re-encoding for the strict check: %w", err)
	}
	var a, b any
	if err := json.Unmarshal(raw, &a); err != nil {
		return err
	}
	if err := json.Unmarshal(back, &b); err != nil {
		return err
	}
	var unknown []string
	diffKeys("", a, b, &unknown)
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	if len(unknown) > 20 {
		unknown = append(unknown[:20], fmt.Sprintf("... (%d more)", len(unknown)-20))
	}
	return fmt.Errorf("unknown field(s) %s", strings.Join(unknown, ", "))
}

func diffKeys(path string, a, b any, out *[]string) {
	switch av := a.(type) {
	case map[string]any:
		bv, _ := b.(map[string]any)
		for k, v := range av {
			bvv, ok := bv[k]
			if !ok {
				*out = append(*out, strconv.Quote(path+k))
				continue
			}
			diffKeys(path+k+".", v, bvv, out)
		}
	case []any:
		bv, _ := b.([]any)
		for i, v := range av {
			if i < len(bv) {
				diffKeys(path+"["+strconv.Itoa(i)+"].", v, bv[i], out)
			}
		}
	}
}

// callKey finds the *callState of a request context, so that the attempt
// transport can count the attempts of one logical call.
type callKey struct{}

// callState is the context of one logical call: the caller's context plus
// what its attempts share (their count, whether any reached the server, the
// idempotency header), in one allocation.
type callState struct {
	context.Context
	attempts int
	reached  bool
	idem     [1]string
}

// Value returns the state itself for callKey and defers to the caller's
// context otherwise.
func (s *callState) Value(key any) any {
	if _, ok := key.(callKey); ok {
		return s
	}
	return s.Context.Value(key)
}

// countAttempt counts an attempt about to be sent and returns its number.
func (s *callState) countAttempt() int {
	if s == nil {
		return 1
	}
	s.attempts++
	return s.attempts
}

// noteOutcome records whether an attempt may have reached the server.
func (s *callState) noteOutcome(resp *http.Response, err error) {
	if s != nil && (resp != nil || (err != nil && !notSent(err))) {
		s.reached = true
	}
}

// send builds and sends the request and turns every failure into the SDK's
// error types. On success the caller owns the body, which holds a 2xx
// response read in full (or its first part when over the size limit).
func (c *Client) send(ctx context.Context, method, path string, params any, opts []RequestOption) (*memBody, *Response, error) {
	if ctx == nil {
		return nil, nil, invalid("ctx", "context must not be nil")
	}
	switch method {
	case http.MethodGet, http.MethodPost, http.MethodDelete:
	default:
		return nil, nil, invalid("method", "%q is not one of GET, POST, DELETE", method)
	}
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?# \t\r\n") {
		return nil, nil, invalid("path", "%q must start with / and hold no query, fragment or whitespace", path)
	}
	if c.defaultsErr != nil {
		return nil, nil, c.defaultsErr
	}
	cc, err := applyOptions(opts)
	if err != nil {
		return nil, nil, err
	}
	if len(c.defaults) > 0 {
		cc = c.base.with(&cc)
	}

	hasBody := method != http.MethodGet
	var raw any // the body for the retry engine: nil, or []byte it replays per attempt
	var target string
	if hasBody {
		body, err := encodeBody(params)
		if err != nil {
			return nil, nil, invalid("params", "%v", err)
		}
		if len(body) > 0 {
			raw = body
		}
		target = c.baseURL + path
	} else {
		var err error
		if target, err = c.queryURL(path, params); err != nil {
			return nil, nil, invalid("params", "%v", err)
		}
	}

	state := &callState{Context: ctx}
	ctx = state
	req, err := retryablehttp.NewRequestWithContext(ctx, method, target, raw)
	if err != nil {
		return nil, nil, invalid("path", "cannot build a request: %v", err)
	}
	h := req.Header
	for k, v := range cc.header {
		h[k] = v
	}
	h["Authorization"] = c.authHeader()
	h["User-Agent"] = c.userAgent
	h["X-Stripe-Client-User-Agent"] = c.clientUA
	if len(cc.betas) > 0 {
		h["Stripe-Version"] = []string{stripeversion.Compose(c.apiVersion, c.betas, cc.betas)}
	} else {
		h["Stripe-Version"] = c.versionHeader
	}
	if cc.stripeAccount != "" {
		h["Stripe-Account"] = []string{cc.stripeAccount}
	}
	meta := &Response{}
	if hasBody {
		h["Content-Type"] = formContentType
		meta.IdempotencyKey = cc.idempotencyKey
		if meta.IdempotencyKey == "" {
			meta.IdempotencyKey = idempotency.NewKey()
		}
		state.idem[0] = meta.IdempotencyKey
		h["Idempotency-Key"] = state.idem[:]
	}

	resp, err := c.rc.Do(req)
	meta.Attempts = state.attempts
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, ctxErr
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its URL may hold query values
		}
		ce := &ConnectionError{Method: method, Path: path, Attempts: state.attempts, IdempotencyKey: meta.IdempotencyKey, ReachedServer: state.reached, Err: err}
		var be *bodyError
		if errors.As(err, &be) {
			if be.status < 200 || be.status > 299 {
				// The status is known and says the call failed: report it,
				// with what arrived of its body.
				e := newAPIError(be.status, be.header, be.partial, be.describe())
				e.IdempotencyKey = meta.IdempotencyKey
				return nil, nil, e
			}
			ce.StatusCode = be.status
		}
		return nil, nil, ce
	}
	body, ok := resp.Body.(*memBody)
	if !ok {
		// Only the attempt transport makes responses; this is a defect.
		_ = resp.Body.Close()
		return nil, nil, &ConnectionError{Method: method, Path: path, Attempts: state.attempts, IdempotencyKey: meta.IdempotencyKey, ReachedServer: true,
			Err: fmt.Errorf("response body of type %T was not read by the attempt", resp.Body)}
	}
	meta.StatusCode = resp.StatusCode
	meta.Header = resp.Header
	meta.RequestID = resp.Header.Get("Request-Id")
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		kind := ""
		if body.over {
			kind = "a body over 1 MiB (its first MiB is kept)"
		}
		e := newAPIError(resp.StatusCode, resp.Header, body.take(), kind)
		e.IdempotencyKey = meta.IdempotencyKey
		return nil, nil, e
	}
	return body, meta, nil
}

var formContentType = []string{"application/x-www-form-urlencoded"}

func drainClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// encodeBody turns params into a form body: url.Values as they are, params
// structs through package form (which appends Params extras).
func encodeBody(params any) ([]byte, error) {
	switch p := params.(type) {
	case nil:
		return nil, nil
	case url.Values:
		return []byte(p.Encode()), nil
	}
	return form.Marshal(params)
}

// queryURL returns the URL of a GET: the base URL and path, then the
// params as a query string. Params structs are encoded by package form,
// straight into the URL, with the same pairs go-querystring gives for them
// (form's differential tests hold it to that) and Params extras after them;
// url.Values are encoded as they are.
func (c *Client) queryURL(path string, params any) (string, error) {
	switch p := params.(type) {
	case nil:
		return c.baseURL + path, nil
	case url.Values:
		if len(p) == 0 {
			return c.baseURL + path, nil
		}
		return c.baseURL + path + "?" + p.Encode(), nil
	}
	buf := make([]byte, 0, len(c.baseURL)+len(path)+96)
	buf = append(append(append(buf, c.baseURL...), path...), '?')
	n := len(buf)
	buf, err := form.AppendMarshal(buf, params)
	if err != nil {
		return "", err
	}
	if len(buf) == n {
		buf = buf[:n-1] // no pairs: no '?'
	}
	return string(buf), nil
}
