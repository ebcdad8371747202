package embedfin_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedfin/embedfin-go"
)

// recordingLimiter records the account of every Wait and can refuse.
type recordingLimiter struct {
	mu       sync.Mutex
	accounts []string
	refuse   error
}

func (l *recordingLimiter) Wait(_ context.Context, account string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.accounts = append(l.accounts, account)
	return l.refuse
}

func (l *recordingLimiter) seen() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.accounts...)
}

func TestLimiterIsCalledOncePerAttemptWithTheAccount(t *testing.T) {
	t.Parallel()
	lim := &recordingLimiter{}
	c, api := newTestClient(t, embedfin.WithLimiter(lim))
	assert.Same(t, lim, c.Limiter())
	api.script("POST", "/v1/x", status(503, `{}`), ok(`{"id":"x_1"}`))
	api.script("GET", "/v1/y", ok(`{"id":"y_1"}`))

	require.NoError(t, c.Do(bg, "POST", "/v1/x", nil, nil, embedfin.WithStripeAccount("acct_123")))
	require.NoError(t, c.Do(bg, "GET", "/v1/y", nil, nil))
	assert.Equal(t, []string{"acct_123", "acct_123", ""}, lim.seen(),
		"two attempts as the connected account, then one as the platform")
	assert.Len(t, api.requests(), 3)
}

func TestLimiterRefusalFailsTheCallUnsent(t *testing.T) {
	t.Parallel()
	down := errors.New("limiter store unreachable")
	lim := &recordingLimiter{refuse: down}
	c, api := newTestClient(t, embedfin.WithLimiter(lim))
	api.script("POST", "/v1/x", ok(`{}`))
	err := c.Do(bg, "POST", "/v1/x", nil, nil)
	require.ErrorIs(t, err, down)
	var ce *embedfin.ConnectionError
	require.ErrorAs(t, err, &ce)
	assert.False(t, ce.ReachedServer)
	assert.False(t, ce.MaybeApplied())
	assert.Empty(t, api.requests(), "nothing is sent")
	assert.Len(t, lim.seen(), 1, "a refusal is not retried")
}

func TestWithRateLimitIsATokenBucket(t *testing.T) {
	t.Parallel()
	c, err := embedfin.NewClient(testKey, embedfin.WithRateLimit(25, 5))
	require.NoError(t, err)
	b, ok := c.Limiter().(*embedfin.TokenBucket)
	require.True(t, ok)
	assert.Equal(t, 25.0, b.Limit())
	assert.Equal(t, 5, b.Burst())

	c, err = embedfin.NewClient(testKey, embedfin.WithRateLimit(25, 5), embedfin.WithLimiter(nil))
	require.NoError(t, err)
	assert.Nil(t, c.Limiter(), "WithLimiter(nil) removes the limiter")

	_, err = embedfin.NewTokenBucket(0, 1)
	var ve *embedfin.ValidationError
	require.ErrorAs(t, err, &ve)
}
