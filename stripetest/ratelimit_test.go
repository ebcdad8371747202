package stripetest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRateLimitPerAccount(t *testing.T) {
	t.Parallel()
	// 3 requests per second: a bucket of 3, refilled every third of a
	// second. Far fewer than that pass in a tight loop of 10.
	srv := newServer(t, stripetest.WithRateLimit(3))
	c := srv.Client(embedfin.WithMaxRetries(0))
	svc := customers.New(c).Customers

	passed, limited := 0, 0
	for range 10 {
		_, err := svc.List(ctx, nil)
		switch {
		case err == nil:
			passed++
		case embedfin.IsRateLimited(err):
			limited++
			var e *embedfin.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, http.StatusTooManyRequests, e.HTTPStatusCode)
			assert.Equal(t, embedfin.ErrorCodeRateLimit, e.Code)
			assert.Equal(t, embedfin.ErrorTypeInvalidRequest, e.Type)
			assert.NotEmpty(t, e.Header.Get("Stripe-Rate-Limited-Reason"))
			assert.NotEmpty(t, e.RequestID)
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	assert.GreaterOrEqual(t, passed, 3, "the bucket's burst passes")
	assert.Less(t, passed, 10)
	assert.Equal(t, int64(limited), srv.RateLimited())

	// Another key is another account with its own budget; a refused
	// request created nothing and saved no idempotent result.
	other := srv.ClientWithKey("sk_test_another_account_key", embedfin.WithMaxRetries(0))
	_, err := customers.New(other).Customers.List(ctx, nil)
	require.NoError(t, err)

	code, body, hdr := raw(t, srv, http.MethodPost, "/v1/customers", stripetest.DefaultKey, "email=a@example.com", "Idempotency-Key", "rl-1")
	if code == http.StatusTooManyRequests {
		var env struct {
			Error struct{ Code string } `json:"error"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &env))
		assert.Equal(t, "rate_limit", env.Error.Code)
		assert.Equal(t, "global-rate", hdr.Get("Stripe-Rate-Limited-Reason"))
		assert.Empty(t, hdr.Get("Idempotent-Replayed"))
	}
}

func TestNoRateLimitByDefault(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client(embedfin.WithMaxRetries(0))
	for range 50 {
		_, err := customers.New(c).Customers.List(ctx, nil)
		require.NoError(t, err)
	}
	assert.Zero(t, srv.RateLimited())
}
