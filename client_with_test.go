package embedfin_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedfin/embedfin-go"
)

func TestClientWithAppliesOptionsToEveryCall(t *testing.T) {
	t.Parallel()
	lim := &recordingLimiter{}
	c, api := newTestClient(t, embedfin.WithLimiter(lim))
	api.script("POST", "/v1/x", ok(`{}`))
	api.script("GET", "/v1/x", ok(`{}`))

	acct := c.With(embedfin.WithStripeAccount("acct_1"), embedfin.WithHeader("X-Team", "ledger"),
		embedfin.WithBetaVersion("some_beta", "v2"))
	require.NoError(t, acct.Do(bg, "POST", "/v1/x", nil, nil))
	require.NoError(t, acct.Do(bg, "GET", "/v1/x", nil, nil,
		embedfin.WithStripeAccount("acct_2"), embedfin.WithHeader("X-Team", "payouts")))
	require.NoError(t, c.Do(bg, "GET", "/v1/x", nil, nil))

	reqs := api.requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "acct_1", reqs[0].Header.Get("Stripe-Account"))
	assert.Equal(t, []string{"ledger"}, reqs[0].Header.Values("X-Team"))
	assert.Contains(t, reqs[0].Header.Get("Stripe-Version"), "; some_beta=v2")
	assert.NotEmpty(t, reqs[0].Header.Get("Idempotency-Key"))

	assert.Equal(t, "acct_2", reqs[1].Header.Get("Stripe-Account"), "the call's own option wins")
	assert.Equal(t, []string{"payouts"}, reqs[1].Header.Values("X-Team"), "header by header")
	assert.Contains(t, reqs[1].Header.Get("Stripe-Version"), "; some_beta=v2")

	assert.Empty(t, reqs[2].Header.Get("Stripe-Account"), "the original client is unchanged")
	assert.Empty(t, reqs[2].Header.Get("X-Team"))
	assert.NotContains(t, reqs[2].Header.Get("Stripe-Version"), "some_beta")

	// Shared machinery: the same limiter saw all three attempts, with the
	// account each was made as.
	assert.Same(t, c.Limiter(), acct.Limiter())
	assert.Equal(t, []string{"acct_1", "acct_2", ""}, lim.seen())

	// With on a derived client adds to its options.
	both := acct.With(embedfin.WithHeader("X-Other", "1"))
	require.NoError(t, both.Do(bg, "GET", "/v1/x", nil, nil))
	last := api.requests()[3]
	assert.Equal(t, "acct_1", last.Header.Get("Stripe-Account"))
	assert.Equal(t, "1", last.Header.Get("X-Other"))
}

func TestClientWithRefusesBadOptionsOnEveryCall(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("POST", "/v1/x", ok(`{}`))
	for name, bad := range map[string]*embedfin.Client{
		"idempotency key": c.With(embedfin.WithIdempotencyKey("order-1")),
		"invalid header":  c.With(embedfin.WithHeader("Authorization", "Bearer sk_test_other")),
		"empty account":   c.With(embedfin.WithStripeAccount("")),
	} {
		err := bad.Do(bg, "POST", "/v1/x", nil, nil)
		var ve *embedfin.ValidationError
		require.ErrorAs(t, err, &ve, name)
	}
	assert.Empty(t, api.requests(), "nothing is sent")
	require.NoError(t, c.Do(bg, "POST", "/v1/x", nil, nil), "the original client still works")
}
