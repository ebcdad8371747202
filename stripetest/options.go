package stripetest

import (
	"net/http"
	"time"
)

// Option configures a Server.
type Option func(*config)

// RefreshOutcome is how an emulated Financial Connections refresh ends.
type RefreshOutcome string

// Refresh outcomes.
const (
	RefreshSucceeds RefreshOutcome = "succeeded"
	RefreshFails    RefreshOutcome = "failed"
)

type config struct {
	refreshDelay    time.Duration
	refreshOutcome  func(account, feature string) RefreshOutcome
	featureDelay    time.Duration
	clock           func() time.Time
	seed            int64
	webhookURL      string
	webhookSecret   string
	webhookAttempts int
	webhookBackoff  time.Duration
	webhookClient   *http.Client
	rateLimit       float64
}

func defaultConfig() config {
	return config{
		refreshDelay:    time.Second,
		refreshOutcome:  func(string, string) RefreshOutcome { return RefreshSucceeds },
		featureDelay:    time.Second,
		clock:           time.Now,
		seed:            1,
		webhookAttempts: 5,
		webhookBackoff:  200 * time.Millisecond,
		webhookClient:   &http.Client{Timeout: 10 * time.Second},
	}
}

// WithRefreshDelay sets how long a Financial Connections refresh stays
// pending (default 1 s). Zero completes refreshes right after the request
// that started them.
func WithRefreshDelay(d time.Duration) Option {
	return func(c *config) { c.refreshDelay = max(d, 0) }
}

// WithRefreshOutcome decides how each refresh ends (default: all succeed).
// feature is "balance", "ownership" or "transactions".
func WithRefreshOutcome(f func(accountID, feature string) RefreshOutcome) Option {
	return func(c *config) {
		if f != nil {
			c.refreshOutcome = f
		}
	}
}

// WithFeatureActivationDelay sets how long requested Treasury financial
// account features stay pending before they activate (default 1 s).
func WithFeatureActivationDelay(d time.Duration) Option {
	return func(c *config) { c.featureDelay = max(d, 0) }
}

// WithClock sets the clock used for timestamps (default time.Now). Delays
// still run in real time.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.clock = now
		}
	}
}

// WithSeed makes IDs and generated data deterministic for a given sequence
// of requests (default seed 1).
func WithSeed(seed int64) Option {
	return func(c *config) { c.seed = seed }
}

// WithWebhook delivers every event to url, signed with secret as Stripe
// does (Stripe-Signature). A delivery that does not get a 2xx is retried
// with exponential backoff.
func WithWebhook(url, secret string) Option {
	return func(c *config) { c.webhookURL, c.webhookSecret = url, secret }
}

// WithWebhookRetries sets how many times a delivery is attempted (default
// 5) and the first backoff (default 200 ms, doubling).
func WithWebhookRetries(attempts int, backoff time.Duration) Option {
	return func(c *config) {
		c.webhookAttempts = max(attempts, 1)
		c.webhookBackoff = max(backoff, time.Millisecond)
	}
}

// WithRateLimit makes the emulator enforce a rate limit of perSecond
// requests per second per account (each secret key's platform, and each
// connected account it acts for through Stripe-Account, has its own), as a
// token bucket holding perSecond requests. Past it, a request is answered
// as Stripe answers one over its limit: 429 with an error of code
// rate_limit and a Stripe-Rate-Limited-Reason header, before anything runs
// (and before idempotency is considered). Zero or less (the default)
// enforces none. The limit runs on real time, not WithClock's.
func WithRateLimit(perSecond float64) Option {
	return func(c *config) { c.rateLimit = max(perSecond, 0) }
}
