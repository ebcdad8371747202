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
	"reflect"
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
	"github.com/google/go-querystring/query"
	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Do is the single request path under every typed method: it encodes params
// (a query string for GET via go-querystring, a form body for POST and
// DELETE via package form), sets the headers, sends the request through the
// retry engine, and decodes a 2xx JSON body into out (which may be nil to
// discard it). Non-2xx responses return *Error; a context that ended returns
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
	buf := bufPool.Get().(*bytes.Buffer)
	defer putBuf(buf)
	if err := c.readBody(resp, buf); err != nil {
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
	if err := c.readBody(resp, &buf); err != nil {
		return nil, err
	}
	return &RawResponse{Response: *meta, Body: buf.Bytes()}, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putBuf returns a buffer to the pool unless it grew unusually large.
func putBuf(b *bytes.Buffer) {
	if b.Cap() > 4<<20 {
		return
	}
	b.Reset()
	bufPool.Put(b)
}

// readBody reads a 2xx body into buf, enforcing the size limit and
// refusing an empty body.
func (c *Client) readBody(resp *http.Response, buf *bytes.Buffer) error {
	fail := func(err error) error {
		return &DecodeError{StatusCode: resp.StatusCode, RequestID: resp.Header.Get("Request-Id"), ContentType: resp.Header.Get("Content-Type"), Err: err}
	}
	if resp.ContentLength > c.maxResponseBytes {
		return fail(ErrResponseTooLarge)
	}
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, c.maxResponseBytes+1))
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
	if err := json.Unmarshal(data, out); err != nil {
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

// callKey carries a *callState in the request context so that the transport
// can count the attempts of one logical call.
type callKey struct{}

type callState struct{ attempts int }

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
	target := c.baseURL + path
	if hasBody {
		var err error
		if body, err = encodeBody(params); err != nil {
			return nil, nil, invalid("params", "%v", err)
		}
	} else {
		q, err := encodeQuery(params)
		if err != nil {
			return nil, nil, invalid("params", "%v", err)
		}
		if q != "" {
			target += "?" + q
		}
	}

	state := &callState{}
	ctx = context.WithValue(ctx, callKey{}, state)
	var raw any
	if hasBody {
		raw = emptyBody
		if len(body) > 0 {
			raw = body
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
	h["Authorization"] = c.authHeader
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
		h["Idempotency-Key"] = []string{meta.IdempotencyKey}
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

// encodeQuery turns params into a query string with go-querystring, then
// appends any Params extras.
func encodeQuery(params any) (string, error) {
	switch p := params.(type) {
	case nil:
		return "", nil
	case url.Values:
		return p.Encode(), nil
	}
	if isNilPointer(params) {
		return "", nil
	}
	vals, err := query.Values(params)
	if err != nil {
		return "", err
	}
	q := vals.Encode()
	if ep, ok := params.(form.ExtraProvider); ok {
		for _, pair := range ep.FormExtra() {
			if q != "" {
				q += "&"
			}
			q += url.QueryEscape(pair.Key) + "=" + url.QueryEscape(pair.Value)
		}
	}
	return q, nil
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// attemptTransport runs around every attempt: it waits for the rate limit,
// counts the attempt, and writes the debug log line.
type attemptTransport struct {
	next    http.RoundTripper
	limiter *rate.Limiter
	logger  *slog.Logger
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
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
