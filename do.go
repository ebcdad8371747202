package embedfin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/embedfin/embedfin-go/form"
	"github.com/embedfin/embedfin-go/internal/idempotency"
	"github.com/embedfin/embedfin-go/internal/redact"
	"github.com/embedfin/embedfin-go/internal/retry"
	"github.com/embedfin/embedfin-go/internal/stripeversion"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Do is the single request path under every typed method: it encodes params
// with package form (a query string for GET, a form body for POST and
// DELETE), sets the headers, sends the request through the retry engine, and
// decodes a 2xx JSON body into out with Unmarshal (out may be nil to discard
// it). Non-2xx responses return *Error; a context that ended returns
// ctx.Err(); no response at all returns *ConnectionError; an undecodable body
// returns *DecodeError; bad arguments return *ValidationError before
// anything is sent. params is never modified.
//
// path is the request path ("/v1/customers/cus_123"); build it with Path so
// IDs are checked and escaped. Resource packages call Do; applications use
// the typed methods, or RawRequest for endpoints not typed yet.
func (c *Client) Do(ctx context.Context, method, path string, params, out any, opts ...RequestOption) error {
	resp, meta, err := c.send(ctx, method, path, params, opts)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, c.maxResponseBytes))
		return nil
	}
	buf := bufPool.Get().(*bodyBuffer)
	defer putBuf(buf)
	if err := c.readBody(resp, &buf.Buffer, &buf.limit); err != nil {
		return err
	}
	if err := c.unmarshal(buf.Bytes(), out); err != nil {
		return &DecodeError{StatusCode: resp.StatusCode, RequestID: meta.RequestID, ContentType: resp.Header.Get("Content-Type"), Err: err}
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
	resp, meta, err := c.send(ctx, method, path, params, opts)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if err := c.readBody(resp, &buf, new(io.LimitedReader)); err != nil {
		return nil, err
	}
	return &RawResponse{Response: *meta, Body: buf.Bytes()}, nil
}

// bodyBuffer is a pooled response buffer with the limited reader that
// fills it, so that reading a body allocates nothing once the pool is warm.
type bodyBuffer struct {
	bytes.Buffer
	limit io.LimitedReader
}

var bufPool = sync.Pool{New: func() any { return new(bodyBuffer) }}

// putBuf returns a buffer to the pool unless it grew unusually large.
func putBuf(b *bodyBuffer) {
	b.limit = io.LimitedReader{}
	if b.Cap() > 4<<20 {
		return
	}
	b.Reset()
	bufPool.Put(b)
}

// readBody reads a 2xx body into buf through lr, enforcing the size limit
// and refusing an empty body.
func (c *Client) readBody(resp *http.Response, buf *bytes.Buffer, lr *io.LimitedReader) error {
	fail := func(err error) error {
		return &DecodeError{StatusCode: resp.StatusCode, RequestID: resp.Header.Get("Request-Id"), ContentType: resp.Header.Get("Content-Type"), Err: err}
	}
	if resp.ContentLength > c.maxResponseBytes {
		return fail(ErrResponseTooLarge)
	}
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	*lr = io.LimitedReader{R: resp.Body, N: c.maxResponseBytes + 1}
	n, err := buf.ReadFrom(lr)
	switch {
	case err != nil:
		return fail(fmt.Errorf("reading the body: %w", err))
	case n > c.maxResponseBytes:
		return fail(ErrResponseTooLarge)
	case n == 0:
		return fail(ErrEmptyResponse)
	}
	return nil
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

// callKey finds the *callState of a request context, so that the transport
// can count the attempts of one logical call.
type callKey struct{}

// callState is the context of one logical call: the caller's context plus
// what its attempts share (their count, the body, the idempotency header),
// in one allocation.
type callState struct {
	context.Context
	attempts int
	idem     [1]string
	body     []byte
	rd       bytes.Reader
	readers  int
}

// Value returns the state itself for callKey and defers to the caller's
// context otherwise.
func (s *callState) Value(key any) any {
	if _, ok := key.(callKey); ok {
		return s
	}
	return s.Context.Value(key)
}

// reader is the body's retryablehttp.ReaderFunc. Its first two results
// are the state's own reader, rewound: retryablehttp asks once for the
// length, then once per attempt. Later attempts (and net/http's rewinds
// through GetBody) get readers of their own, since a failed attempt's
// transport may still hold the previous one. A *bytes.Reader (which
// retryablehttp wraps in io.NopCloser) is a body net/http knows to be in
// memory, so it writes headers and body in one go rather than flushing the
// headers first.
func (s *callState) reader() (io.Reader, error) {
	s.readers++
	if s.readers <= 2 {
		s.rd.Reset(s.body)
		return &s.rd, nil
	}
	return bytes.NewReader(s.body), nil
}

// emptyBody replays as http.NoBody, so a POST without params is sent with
// Content-Length: 0 rather than chunked.
var emptyBody = retryablehttp.ReaderFunc(func() (io.Reader, error) { return http.NoBody, nil })

// send builds and sends the request and turns every failure into the SDK's
// error types. On success the caller owns resp.Body.
func (c *Client) send(ctx context.Context, method, path string, params any, opts []RequestOption) (*http.Response, *Response, error) {
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
	var cc callConfig
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cc); err != nil {
			return nil, nil, err
		}
	}

	hasBody := method != http.MethodGet
	var body []byte
	var target string
	if hasBody {
		var err error
		if body, err = encodeBody(params); err != nil {
			return nil, nil, invalid("params", "%v", err)
		}
		target = c.baseURL + path
	} else {
		var err error
		if target, err = c.queryURL(path, params); err != nil {
			return nil, nil, invalid("params", "%v", err)
		}
	}

	state := &callState{Context: ctx, body: body}
	ctx = state
	var raw any
	if hasBody {
		raw = emptyBody
		if len(body) > 0 {
			raw = retryablehttp.ReaderFunc(state.reader)
		}
	}
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
			drainClose(resp.Body)
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, ctxErr
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its URL may hold query values
		}
		return nil, nil, &ConnectionError{Method: method, Path: path, Attempts: state.attempts, Err: err}
	}
	meta.StatusCode = resp.StatusCode
	meta.Header = resp.Header
	meta.RequestID = resp.Header.Get("Request-Id")
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, truncated, rerr := readCapped(resp.Body, maxErrorBody)
		drainClose(resp.Body)
		if rerr != nil && ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, newAPIError(resp.StatusCode, resp.Header, data, truncated || rerr != nil)
	}
	return resp, meta, nil
}

var formContentType = []string{"application/x-www-form-urlencoded"}

func readCapped(r io.Reader, limit int64) (data []byte, truncated bool, err error) {
	data, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(data)) > limit {
		return data[:limit], true, err
	}
	return data, false, err
}

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

// attemptTransport runs around every attempt: it bounds the attempt by the
// HTTP client's Timeout, waits for the rate limit, counts the attempt, and
// writes the debug log line.
//
// The timeout is applied here, and the http.Client the SDK uses has none:
// net/http runs a client Timeout cheaply (a context deadline) only when the
// client's transport is an *http.Transport; around any other RoundTripper,
// such as this one, it falls back to its pre-context mechanism, which costs a
// goroutine, a timer, two channels and a handful of allocations per attempt.
type attemptTransport struct {
	next    http.RoundTripper
	limiter *rate.Limiter
	logger  *slog.Logger
	timeout time.Duration // the caller's http.Client.Timeout
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.timeout <= 0 {
		return t.attempt(req)
	}
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.attempt(req.WithContext(ctx))
	if err != nil {
		cancel()
		if ctx.Err() == context.DeadlineExceeded && req.Context().Err() == nil {
			err = &attemptTimeoutError{limit: t.timeout, err: err}
		}
		return nil, err
	}
	resp.Body = &attemptBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// attemptBody ends the attempt's deadline once the body is read or closed:
// as with http.Client.Timeout, the deadline covers reading the body.
type attemptBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *attemptBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.cancel()
	}
	return n, err
}

func (b *attemptBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// attemptTimeoutError is an attempt that outlasted the HTTP client's
// Timeout. Like net/http's own, it is a timeout (a net.Error) and matches
// context.DeadlineExceeded; the retry policy retries it.
type attemptTimeoutError struct {
	limit time.Duration
	err   error
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("attempt timed out after %v (the HTTP client's Timeout): %v", e.limit, e.err)
}
func (e *attemptTimeoutError) Unwrap() error        { return e.err }
func (e *attemptTimeoutError) Timeout() bool        { return true }
func (e *attemptTimeoutError) Temporary() bool      { return true }
func (e *attemptTimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

func (t *attemptTransport) attempt(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if t.limiter != nil {
		if err := t.limiter.Wait(ctx); err != nil {
			if req.Body != nil {
				_ = req.Body.Close()
			}
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, ctxErr
			}
			// The limiter refuses a wait that would outlast the deadline.
			return nil, retry.Permanent(fmt.Errorf("waiting for the client rate limit: %w", context.DeadlineExceeded))
		}
	}
	st, _ := ctx.Value(callKey{}).(*callState)
	attempt := 1
	if st != nil {
		st.attempts++
		attempt = st.attempts
	}
	if t.logger == nil || !t.logger.Enabled(ctx, slog.LevelDebug) {
		return t.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", redact.String(req.URL.Path)),
	}
	if req.URL.RawQuery != "" {
		attrs = append(attrs, slog.String("query", redact.Query(req.URL.RawQuery)))
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode), slog.String("request_id", resp.Header.Get("Request-Id")))
	}
	attrs = append(attrs, slog.Int("attempt", attempt), slog.Duration("duration", time.Since(start)))
	if err != nil {
		attrs = append(attrs, slog.String("error", redact.String(err.Error())))
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "embedfin: request", attrs...)
	return resp, err
}
