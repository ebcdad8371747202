package embedfin_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const lockTimeout = `{"error":{"type":"invalid_request_error","code":"lock_timeout","message":"locked"}}`
const rateLimit = `{"error":{"type":"invalid_request_error","code":"rate_limit","message":"slow down"}}`

func TestRetryRules(t *testing.T) {
	t.Parallel()
	reset := &url.Error{Op: "Post", URL: testBase + "/v1/x", Err: syscall.ECONNRESET}
	cases := []struct {
		name      string
		opts      []embedfin.Option
		replies   []reply
		attempts  int
		wantErr   bool
		errStatus int
	}{
		{"500 then success", nil, []reply{status(500, `{}`), ok(`{"id":"x"}`)}, 2, false, 0},
		{"502 html then success", nil, []reply{status(502, `<html>bad gateway</html>`, "Content-Type", "text/html"), ok(`{}`)}, 2, false, 0},
		{"503 three times gives up", nil, []reply{status(503, `{}`)}, 3, true, 503},
		{"409 retried", nil, []reply{status(409, `{"error":{"type":"invalid_request_error"}}`), ok(`{}`)}, 2, false, 0},
		{"429 lock_timeout retried", nil, []reply{status(429, lockTimeout), ok(`{}`)}, 2, false, 0},
		{"429 rate limit not retried by default", nil, []reply{status(429, rateLimit, "Stripe-Rate-Limited-Reason", "global-rate"), ok(`{}`)}, 1, true, 429},
		{"429 rate limit retried when enabled", []embedfin.Option{embedfin.WithRetryRateLimited(true)}, []reply{status(429, rateLimit, "Stripe-Rate-Limited-Reason", "global-rate"), ok(`{}`)}, 2, false, 0},
		{"400 not retried", nil, []reply{status(400, `{"error":{"type":"invalid_request_error"}}`), ok(`{}`)}, 1, true, 400},
		{"404 not retried", nil, []reply{status(404, `{"error":{"type":"invalid_request_error","code":"resource_missing"}}`)}, 1, true, 404},
		{"501 not retried", nil, []reply{status(501, `{}`), ok(`{}`)}, 1, true, 501},
		{"Stripe-Should-Retry false beats 500", nil, []reply{status(500, `{}`, "Stripe-Should-Retry", "false"), ok(`{}`)}, 1, true, 500},
		{"Stripe-Should-Retry false beats 409", nil, []reply{status(409, `{}`, "Stripe-Should-Retry", "false"), ok(`{}`)}, 1, true, 409},
		{"Stripe-Should-Retry true beats 400", nil, []reply{status(400, `{}`, "Stripe-Should-Retry", "true"), ok(`{}`)}, 2, false, 0},
		{"connection reset then success", nil, []reply{{err: reset}, ok(`{}`)}, 2, false, 0},
		{"max retries 0", []embedfin.Option{embedfin.WithMaxRetries(0)}, []reply{status(500, `{}`), ok(`{}`)}, 1, true, 500},
		{"max retries 4", []embedfin.Option{embedfin.WithMaxRetries(4)}, []reply{status(500, `{}`)}, 5, true, 500},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, api := newTestClient(t, tc.opts...)
			api.script("POST", "/v1/x", tc.replies...)
			var out obj
			err := c.Do(bg, "POST", "/v1/x", &objParams{Amount: embedfin.Ptr(int64(2500))}, &out)
			reqs := api.requests()
			assert.Len(t, reqs, tc.attempts)
			if tc.wantErr {
				var apiErr *embedfin.Error
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.errStatus, apiErr.HTTPStatusCode)
				assert.Equal(t, "req_test123", apiErr.RequestID)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.attempts, out.LastResponse.Attempts)
			}
			// One idempotency key and one body for every attempt.
			for _, r := range reqs {
				assert.Equal(t, reqs[0].Header.Get("Idempotency-Key"), r.Header.Get("Idempotency-Key"))
				assert.Equal(t, "amount=2500", r.Body)
			}
		})
	}
}

func TestRetriedGetHasNoIdempotencyKey(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("GET", "/v1/x", status(500, `{}`), status(503, `{}`), ok(`{}`))
	require.NoError(t, c.Do(bg, "GET", "/v1/x", &objListParams{Customer: embedfin.Ptr("cus_1")}, nil))
	reqs := api.requests()
	require.Len(t, reqs, 3)
	for _, r := range reqs {
		assert.Empty(t, r.Header.Values("Idempotency-Key"))
		assert.Equal(t, "cus_1", r.Query.Get("customer"))
		assert.Empty(t, r.Body)
	}
}

func TestConnectionErrorAfterRetries(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("POST", "/v1/x", reply{err: syscall.ECONNREFUSED})
	err := c.Do(bg, "POST", "/v1/x?", nil, nil)
	var ve *embedfin.ValidationError
	require.ErrorAs(t, err, &ve, "a query in the path is refused")

	err = c.Do(bg, "POST", "/v1/x", nil, nil)
	var ce *embedfin.ConnectionError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 3, ce.Attempts)
	assert.Equal(t, "POST", ce.Method)
	assert.Equal(t, "/v1/x", ce.Path)
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	assert.NotContains(t, err.Error(), "https://", "the URL is not repeated in the error")
	assert.Len(t, api.requests(), 3)
}

func TestNonRetryableTransportErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	for name, cause := range map[string]error{
		"unknown certificate authority": x509.UnknownAuthorityError{},
		"redirect loop":                 errors.New("stopped after 10 redirects"),
	} {
		c, api := newTestClient(t)
		api.script("GET", "/v1/y", reply{err: cause})
		err := c.Do(bg, "GET", "/v1/y", nil, nil)
		var ce *embedfin.ConnectionError
		require.ErrorAs(t, err, &ce, name)
		assert.Equal(t, 1, ce.Attempts, name)
		assert.Len(t, api.requests(), 1, name)
	}
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	t.Parallel()
	// A long backoff: the call can only end early if cancellation interrupts the wait.
	c, api := newTestClient(t, embedfin.WithBackoff(time.Hour, time.Hour))
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	api.script("POST", "/v1/x", status(500, `{}`))
	api.RegisterResponder("POST", testBase+"/v1/x", func(r *http.Request) (*http.Response, error) {
		api.record(r)
		go cancel() // cancel while the client waits to retry
		resp := &http.Response{StatusCode: 500, Header: http.Header{}, Body: http.NoBody, Request: r}
		return resp, nil
	})
	err := c.Do(ctx, "POST", "/v1/x", nil, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Same(t, context.Canceled, err, "the context's own error is returned")
	assert.Len(t, api.requests(), 1, "no attempt after cancellation")
}

func TestContextAlreadyCancelled(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("GET", "/v1/x", ok(`{}`))
	ctx, cancel := context.WithCancel(bg)
	cancel()
	err := c.Do(ctx, "GET", "/v1/x", nil, nil)
	assert.Same(t, context.Canceled, err)
}

func TestContextDeadlineDuringAttempt(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	ctx, cancel := context.WithTimeout(bg, time.Hour)
	api.RegisterResponder("POST", testBase+"/v1/x", func(r *http.Request) (*http.Response, error) {
		api.record(r)
		cancel()
		return nil, r.Context().Err()
	})
	err := c.Do(ctx, "POST", "/v1/x", nil, nil)
	assert.Same(t, context.Canceled, err)
	assert.Len(t, api.requests(), 1)
}

func TestRetryAfterIsCappedByMaxBackoff(t *testing.T) {
	t.Parallel()
	// Retry-After asks for an hour; the cap (2 ms here) bounds it, so the
	// call completes. Without the cap this test would hang until its timeout.
	c, api := newTestClient(t)
	api.script("POST", "/v1/x", status(503, `{}`, "Retry-After", "3600"), ok(`{"id":"x_1"}`))
	var out obj
	require.NoError(t, c.Do(bg, "POST", "/v1/x", nil, &out))
	assert.Equal(t, "x_1", out.ID)
	assert.Equal(t, 2, out.LastResponse.Attempts)
}

func TestRateLimitBoundsAttempts(t *testing.T) {
	t.Parallel()
	// One token, refilled every ~17 minutes: the first call passes, the
	// second cannot get a token before its deadline and fails without being sent.
	c, api := newTestClient(t, embedfin.WithRateLimit(0.001, 1))
	require.NotNil(t, c.Limiter())
	api.script("GET", "/v1/x", ok(`{}`))
	require.NoError(t, c.Do(bg, "GET", "/v1/x", nil, nil))
	ctx, cancel := context.WithTimeout(bg, time.Minute)
	defer cancel()
	err := c.Do(ctx, "GET", "/v1/x", nil, nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var ce *embedfin.ConnectionError
	require.ErrorAs(t, err, &ce)
	assert.Len(t, api.requests(), 1)
}
