package retry

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Default backoff bounds: the first retry waits about MinWait, each later one
// twice as long, never more than MaxWait.
const (
	DefaultMinWait = 500 * time.Millisecond
	DefaultMaxWait = 8 * time.Second
)

// Headers read by the policy.
const (
	HeaderShouldRetry       = "Stripe-Should-Retry"
	HeaderRetryAfter        = "Retry-After"
	HeaderRateLimitedReason = "Stripe-Rate-Limited-Reason"
)

// peekLimit caps how much of a 429 body is read to find its error code.
const peekLimit = 1 << 20

// Policy decides whether an attempt is retried.
type Policy struct {
	// RetryRateLimited also retries 429 responses that are rate limits (code
	// rate_limit or a Stripe-Rate-Limited-Reason header). 429 lock_timeout is
	// always retried.
	RetryRateLimited bool
}

// CheckRetry has the signature go-retryablehttp expects. It returns the
// context's error once the context has ended, so no attempt follows it. A
// Stripe-Should-Retry header decides before any other rule; after it:
// connection errors (except those a retry cannot fix), 409, 429 lock_timeout
// (and rate limits when enabled) and 5xx other than 501 are retried.
func (p Policy) CheckRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if err != nil {
		var perm permanentError
		if errors.As(err, &perm) {
			return false, nil
		}
		// A response whose body was cut: its headers still speak first.
		var cut interface{ ResponseHeader() http.Header }
		if errors.As(err, &cut) {
			switch cut.ResponseHeader().Get(HeaderShouldRetry) {
			case "true":
				return true, nil
			case "false":
				return false, nil
			}
		}
		return retryableTransportError(err), nil
	}
	if resp == nil {
		return false, nil
	}
	switch resp.Header.Get(HeaderShouldRetry) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	switch code := resp.StatusCode; {
	case code == http.StatusConflict:
		return true, nil
	case code == http.StatusTooManyRequests:
		errCode := PeekErrorCode(resp)
		if errCode == "lock_timeout" {
			return true, nil
		}
		if p.RetryRateLimited && (errCode == "rate_limit" || resp.Header.Get(HeaderRateLimitedReason) != "") {
			return true, nil
		}
		return false, nil
	case code == http.StatusNotImplemented:
		// The method is not supported: asking again cannot succeed.
		return false, nil
	case code >= 500 && code <= 599:
		return true, nil
	}
	return false, nil
}

// retryableTransportError reports whether a failed round trip may succeed on
// another attempt. TLS verification failures, bad URLs and redirect loops will
// not.
func retryableTransportError(err error) bool {
	var (
		unknownAuth   x509.UnknownAuthorityError
		certInvalid   x509.CertificateInvalidError
		hostname      x509.HostnameError
		verifyErr     *tls.CertificateVerificationError
		recordHdrErr  tls.RecordHeaderError
		invalidURLErr url.InvalidHostError
	)
	switch {
	case errors.As(err, &unknownAuth), errors.As(err, &certInvalid), errors.As(err, &hostname),
		errors.As(err, &verifyErr), errors.As(err, &recordHdrErr), errors.As(err, &invalidURLErr):
		return false
	}
	msg := err.Error()
	for _, s := range []string{"unsupported protocol scheme", "stopped after", "invalid header", "net/http: invalid"} {
		if strings.Contains(msg, s) {
			return false
		}
	}
	return true
}

// PeekErrorCode reads the "error.code" of a JSON error body, leaving the
// body readable. A body already in memory (one with a Bytes method, as the
// SDK's attempts make) is read in place; any other is read and put back. It
// returns "" when the body holds none.
func PeekErrorCode(resp *http.Response) string {
	if resp.Body == nil || resp.Body == http.NoBody {
		return ""
	}
	var data []byte
	if mem, ok := resp.Body.(interface{ Bytes() []byte }); ok {
		data = mem.Bytes()
	} else {
		var err error
		data, err = io.ReadAll(io.LimitReader(resp.Body, peekLimit))
		rest := resp.Body
		resp.Body = &replayBody{Reader: io.MultiReader(bytes.NewReader(data), rest), closer: rest}
		if err != nil {
			return ""
		}
	}
	var env struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &env) != nil {
		return ""
	}
	return env.Error.Code
}

type replayBody struct {
	io.Reader
	closer io.Closer
}

func (r *replayBody) Close() error { return r.closer.Close() }

// Backoff returns the wait before retry number attempt+1 (attempt counts from
// 0). A Retry-After header (seconds, or an HTTP date relative to now) is
// honoured but never beyond maxWait. Otherwise the wait doubles from minWait
// per attempt up to maxWait, and is spread by "equal jitter": a random point
// in [d/2, d], so concurrent clients do not retry in lockstep while none
// retries sooner than half the schedule. rnd returns a uniform value in [0, n);
// nil uses math/rand/v2.
func Backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response, now time.Time, rnd func(n int64) int64) time.Duration {
	if maxWait < minWait {
		maxWait = minWait
	}
	if resp != nil {
		if d, ok := RetryAfter(resp.Header, now); ok {
			return min(d, maxWait)
		}
	}
	d := maxWait
	if attempt < 62 {
		if shifted := minWait << uint(attempt); shifted > 0 && shifted>>uint(attempt) == minWait && shifted < maxWait {
			d = shifted
		}
	}
	if rnd == nil {
		rnd = rand.Int64N
	}
	half := d / 2
	return half + time.Duration(rnd(int64(d-half)+1))
}

// RetryAfter parses a Retry-After header: delay seconds (integer or decimal)
// or an HTTP date. Negative and past values give zero.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get(HeaderRetryAfter))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs != secs || secs <= 0 { // NaN or not positive
			return 0, true
		}
		if secs > float64(365*24*time.Hour/time.Second) {
			return 365 * 24 * time.Hour, true
		}
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// permanentError marks a transport failure that must not be retried.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that CheckRetry never retries it.
func Permanent(err error) error { return permanentError{err} }
