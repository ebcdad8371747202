package embedfin

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/embedfin/embedfin-go/internal/redact"
	"github.com/embedfin/embedfin-go/internal/retry"
)

// attemptTransport is one attempt of a call, the RoundTripper under the
// retry engine (go-retryablehttp), which runs it once per attempt. Its
// RoundTrip reads, in order, as the attempt happens: wait for the rate
// limit, start the attempt's deadline, send, read the whole body, write the
// log line. Because the body is read here, a body cut short or stalled is a
// failed attempt, retried by the engine like a connection reset (under the
// same Idempotency-Key), and the response handed back holds its body in
// memory.
//
// The attempt's deadline is the http.Client's Timeout, applied here (the
// http.Client the SDK uses has none): net/http runs a client Timeout cheaply
// only when the client's transport is an *http.Transport; around any other
// RoundTripper, such as this one, it costs a goroutine, a timer and two
// channels per attempt.
type attemptTransport struct {
	next    http.RoundTripper
	limiter Limiter
	logger  *slog.Logger
	timeout time.Duration // the caller's http.Client.Timeout
	maxBody int64         // limit of 2xx bodies (WithMaxResponseBytes)
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	st, _ := ctx.Value(callKey{}).(*callState)

	// 1. Rate limit. A refused wait is not an attempt.
	if err := t.waitTurn(ctx, req); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	n := st.countAttempt()
	logging := t.logger != nil && t.logger.Enabled(ctx, slog.LevelDebug)
	var start time.Time
	if logging {
		start = time.Now()
	}

	// 2. Deadline: it covers sending and reading the body.
	actx := ctx
	if t.timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, t.timeout)
		defer cancel()
		req = req.WithContext(actx)
	}

	// 3. Send.
	resp, err := t.next.RoundTrip(req)

	// 4. Read the body.
	if err == nil {
		resp, err = t.readBody(resp)
	}
	if err != nil && t.timeout > 0 && actx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
		err = &attemptTimeoutError{limit: t.timeout, err: err}
	}
	st.noteOutcome(resp, err)

	// 5. Log line.
	if logging {
		t.log(ctx, req, resp, err, n, time.Since(start))
	}
	return resp, err
}

// waitTurn waits for the client's limiter, if any, as the account the
// request is made as.
func (t *attemptTransport) waitTurn(ctx context.Context, req *http.Request) error {
	if t.limiter == nil {
		return nil
	}
	if err := t.limiter.Wait(ctx, req.Header.Get("Stripe-Account")); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		// The limiter's own refusal (a wait past the deadline, a store
		// that is down) is not retried: the call fails unsent.
		return retry.Permanent(fmt.Errorf("rate limiter: %w", err))
	}
	return nil
}

// readBody reads the whole body of resp (see readLimited) and closes it.
// The response returned holds the body in memory (*memBody). A body that
// could not be read in full is a *bodyError and no response.
func (t *attemptTransport) readBody(resp *http.Response) (*http.Response, error) {
	limit, length := t.maxBody, resp.ContentLength
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		limit = maxErrorBody
		if length > limit {
			length = -1 // an error body over the limit: keep its first part
		}
	}
	// A body over the limit is closed unread past it: the connection is
	// dropped rather than spending the time to drain it.
	data, over, err := readLimited(resp.Body, length, limit)
	_ = resp.Body.Close()
	if err != nil {
		return nil, &bodyError{status: resp.StatusCode, header: resp.Header, partial: data, length: resp.ContentLength, err: err}
	}
	resp.Body = &memBody{data: data, over: over}
	return resp, nil
}

// log writes the attempt's debug line; nothing in it can hold a secret
// (paths and errors are redacted, query values masked).
func (t *attemptTransport) log(ctx context.Context, req *http.Request, resp *http.Response, err error, attempt int, took time.Duration) {
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
	attrs = append(attrs, slog.Int("attempt", attempt), slog.Duration("duration", took))
	if err != nil {
		attrs = append(attrs, slog.String("error", redact.String(err.Error())))
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "embedfin: request", attrs...)
}

// memBody is a response body read in full by its attempt.
type memBody struct {
	data []byte
	off  int
	over bool // the body held more than its limit; data is its first part
}

func (b *memBody) Read(p []byte) (int, error) {
	if b.off >= len(b.data) {
		return 0, io.EOF
	}
	n := copy(p, b.data[b.off:])
	b.off += n
	return n, nil
}

// Bytes returns the whole body; the retry policy reads 429 bodies through
// it without consuming them.
func (b *memBody) Bytes() []byte { return b.data }

// Close returns the buffer to the pool unless take was called.
func (b *memBody) Close() error {
	putBuf(b.data)
	b.data = nil
	return nil
}

// take hands the body over to the caller, who keeps it.
func (b *memBody) take() []byte {
	d := b.data
	b.data = nil
	return d
}

// bodyError is an attempt whose response arrived but whose body could not
// be read in full: the connection was reset or closed early, or the body
// stalled past the attempt's deadline. The retry policy retries it like a
// connection failure, and reads Stripe-Should-Retry from its header.
type bodyError struct {
	status  int
	header  http.Header
	partial []byte // what arrived
	length  int64  // Content-Length, -1 when unknown
	err     error
}

func (e *bodyError) Error() string {
	return fmt.Sprintf("reading the body of a %d response: %v; %s", e.status, e.err, e.describe())
}

func (e *bodyError) Unwrap() error { return e.err }

// ResponseHeader returns the headers that arrived before the body failed.
func (e *bodyError) ResponseHeader() http.Header { return e.header }

// describe says what arrived of the body.
func (e *bodyError) describe() string {
	if e.length >= 0 {
		return fmt.Sprintf("a body cut short (%d of %d bytes arrived)", len(e.partial), e.length)
	}
	return fmt.Sprintf("a body cut short (%d bytes arrived, length not announced)", len(e.partial))
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

// notSent reports whether a failed attempt certainly never reached the
// server: it failed while resolving, connecting or in the TLS handshake.
// Anything else (a reset after the request was written, a timeout, a
// response cut short) may have been carried out.
func notSent(err error) bool {
	var (
		opErr     *net.OpError
		dnsErr    *net.DNSError
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		certErr   x509.CertificateInvalidError
		verifyErr *tls.CertificateVerificationError
		recordErr tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return true
	case errors.As(err, &dnsErr), errors.As(err, &unknownCA), errors.As(err, &hostErr),
		errors.As(err, &certErr), errors.As(err, &verifyErr), errors.As(err, &recordErr):
		return true
	}
	return false
}
