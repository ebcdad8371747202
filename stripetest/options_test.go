package stripetest_test

import (
	"math"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOptionsValidated(t *testing.T) {
	t.Parallel()
	bad := []struct {
		name string
		opt  stripetest.Option
	}{
		{"stripetest.WithRefreshDelay", stripetest.WithRefreshDelay(-time.Second)},
		{"stripetest.WithRefreshOutcome", stripetest.WithRefreshOutcome(nil)},
		{"stripetest.WithFeatureActivationDelay", stripetest.WithFeatureActivationDelay(-1)},
		{"stripetest.WithClock", stripetest.WithClock(nil)},
		{"stripetest.WithWebhook", stripetest.WithWebhook("not a url", "whsec_x")},
		{"stripetest.WithWebhook", stripetest.WithWebhook("ftp://127.0.0.1/hook", "whsec_x")},
		{"stripetest.WithWebhook", stripetest.WithWebhook("http://127.0.0.1/hook", "")},
		{"stripetest.WithWebhookRetries", stripetest.WithWebhookRetries(0, time.Second)},
		{"stripetest.WithWebhookRetries", stripetest.WithWebhookRetries(3, 0)},
		{"stripetest.WithRateLimit", stripetest.WithRateLimit(-1)},
		{"stripetest.WithRateLimit", stripetest.WithRateLimit(math.NaN())},
	}
	for _, tc := range bad {
		srv, err := stripetest.Start("127.0.0.1:0", stripetest.WithSeed(7), tc.opt)
		var ve *embedfin.ValidationError
		require.ErrorAs(t, err, &ve, tc.name)
		assert.Nil(t, srv)
		assert.Equal(t, tc.name, ve.Param)
		assert.Panics(t, func() { stripetest.NewServer(tc.opt) }, tc.name)
	}

	// Zero delays and rate limits are valid; nil options are ignored.
	srv, err := stripetest.Start("127.0.0.1:0", nil, stripetest.WithRefreshDelay(0),
		stripetest.WithFeatureActivationDelay(0), stripetest.WithRateLimit(0),
		stripetest.WithWebhook("http://127.0.0.1:1/hook", "whsec_x"), stripetest.WithWebhookRetries(1, time.Millisecond))
	require.NoError(t, err)
	srv.Close()
}
