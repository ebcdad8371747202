package retry

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func response(status int, body string, hdr ...string) *http.Response {
	h := http.Header{}
	for i := 0; i+1 < len(hdr); i += 2 {
		h.Set(hdr[i], hdr[i+1])
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body))}
}

func TestCheckRetryStatusRules(t *testing.T) {
	t.Parallel()
	lock := `{"error":{"type":"invalid_request_error","code":"lock_timeout"}}`
	rate := `{"error":{"type":"invalid_request_error","code":"rate_limit"}}`
	cases := []struct {
		name   string
		policy Policy
		resp   *http.Response
		want   bool
	}{
		{"200", Policy{}, response(200, "{}"), false},
		{"400", Policy{}, response(400, "{}"), false},
		{"401", Policy{}, response(401, "{}"), false},
		{"402", Policy{}, response(402, "{}"), false},
		{"404", Policy{}, response(404, "{}"), false},
		{"409", Policy{}, response(409, "{}"), true},
		{"429 lock_timeout", Policy{}, response(429, lock), true},
		{"429 rate limit, not enabled", Policy{}, response(429, rate, HeaderRateLimitedReason, "global-rate"), false},
		{"429 rate limit, enabled by header", Policy{RetryRateLimited: true}, response(429, "{}", HeaderRateLimitedReason, "global-rate"), true},
		{"429 rate limit, enabled by code", Policy{RetryRateLimited: true}, response(429, rate), true},
		{"429 other code", Policy{RetryRateLimited: true}, response(429, `{"error":{"code":"other"}}`), false},
		{"429 html", Policy{}, response(429, "<html>"), false},
		{"500", Policy{}, response(500, "{}"), true},
		{"501", Policy{}, response(501, "{}"), false},
		{"502", Policy{}, response(502, "<html>bad gateway</html>"), true},
		{"503", Policy{}, response(503, ""), true},
		{"599", Policy{}, response(599, ""), true},
		{"should-retry true on 400", Policy{}, response(400, "{}", HeaderShouldRetry, "true"), true},
		{"should-retry false on 500", Policy{}, response(500, "{}", HeaderShouldRetry, "false"), false},
		{"should-retry false on 409", Policy{}, response(409, "{}", HeaderShouldRetry, "false"), false},
		{"should-retry false on lock_timeout", Policy{}, response(429, lock, HeaderShouldRetry, "false"), false},
		{"should-retry garbage ignored", Policy{}, response(500, "{}", HeaderShouldRetry, "maybe"), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.policy.CheckRetry(context.Background(), tc.resp, nil)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestCheckRetryKeepsBodyReadable(t *testing.T) {
	t.Parallel()
	body := `{"error":{"code":"lock_timeout","message":"m"}}`
	resp := response(429, body)
	_, _ = Policy{}.CheckRetry(context.Background(), resp, nil)
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, body, string(got))
	require.NoError(t, resp.Body.Close())
}

func TestCheckRetryTransportErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := Policy{}
	retryable := []error{
		&url.Error{Op: "Post", URL: "https://api.stripe.com", Err: syscall.ECONNRESET},
		&url.Error{Op: "Post", URL: "https://api.stripe.com", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}},
		io.ErrUnexpectedEOF,
	}
	for _, err := range retryable {
		ok, cerr := p.CheckRetry(ctx, nil, err)
		assert.NoError(t, cerr)
		assert.True(t, ok, err.Error())
	}
	final := []error{
		&url.Error{Op: "Get", URL: "ftp://x", Err: errors.New("unsupported protocol scheme \"ftp\"")},
		&url.Error{Op: "Get", URL: "https://x", Err: x509.UnknownAuthorityError{}},
		&url.Error{Op: "Get", URL: "https://x", Err: errors.New("stopped after 10 redirects")},
	}
	for _, err := range final {
		ok, cerr := p.CheckRetry(ctx, nil, err)
		assert.NoError(t, cerr)
		assert.False(t, ok, err.Error())
	}
}

func TestCheckRetryStopsWhenContextEnded(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ok, err := Policy{}.CheckRetry(ctx, response(500, ""), nil)
	assert.False(t, ok)
	assert.ErrorIs(t, err, context.Canceled)

	ctx2, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	ok, err = Policy{}.CheckRetry(ctx2, nil, syscall.ECONNRESET)
	assert.False(t, ok)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestBackoffExponentialWithEqualJitter(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	lowest := func(int64) int64 { return 0 }
	highest := func(n int64) int64 { return n - 1 }
	wants := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}
	for attempt, d := range wants {
		assert.Equal(t, d/2, Backoff(DefaultMinWait, DefaultMaxWait, attempt, nil, now, lowest), "attempt %d low", attempt)
		assert.Equal(t, d, Backoff(DefaultMinWait, DefaultMaxWait, attempt, nil, now, highest), "attempt %d high", attempt)
	}
	// Huge attempt numbers must not overflow into tiny or negative waits.
	for _, attempt := range []int{40, 62, 63, 64, 1000} {
		assert.Equal(t, DefaultMaxWait, Backoff(DefaultMinWait, DefaultMaxWait, attempt, nil, now, highest), attempt)
	}
	// The default random source stays within bounds.
	for i := 0; i < 1000; i++ {
		d := Backoff(DefaultMinWait, DefaultMaxWait, 2, nil, now, nil)
		assert.True(t, d >= time.Second && d <= 2*time.Second, d)
	}
}

func TestBackoffHonoursRetryAfterUpToCap(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	r := func(h string) *http.Response { return response(429, "", HeaderRetryAfter, h) }
	assert.Equal(t, 3*time.Second, Backoff(DefaultMinWait, DefaultMaxWait, 0, r("3"), now, nil))
	assert.Equal(t, 1500*time.Millisecond, Backoff(DefaultMinWait, DefaultMaxWait, 0, r("1.5"), now, nil))
	assert.Equal(t, DefaultMaxWait, Backoff(DefaultMinWait, DefaultMaxWait, 0, r("3600"), now, nil))
	assert.Equal(t, DefaultMaxWait, Backoff(DefaultMinWait, DefaultMaxWait, 0, r("1e300"), now, nil))
	assert.Equal(t, time.Duration(0), Backoff(DefaultMinWait, DefaultMaxWait, 3, r("-5"), now, nil))
	assert.Equal(t, 5*time.Second, Backoff(DefaultMinWait, DefaultMaxWait, 0, r(now.Add(5*time.Second).UTC().Format(http.TimeFormat)), now, nil))
	assert.Equal(t, DefaultMaxWait, Backoff(DefaultMinWait, DefaultMaxWait, 0, r(now.Add(time.Hour).UTC().Format(http.TimeFormat)), now, nil))
	assert.Equal(t, time.Duration(0), Backoff(DefaultMinWait, DefaultMaxWait, 0, r(now.Add(-time.Hour).UTC().Format(http.TimeFormat)), now, nil))
	// Unparseable values fall back to the schedule.
	assert.Equal(t, 250*time.Millisecond, Backoff(DefaultMinWait, DefaultMaxWait, 0, r("soon"), now, func(int64) int64 { return 0 }))
}
