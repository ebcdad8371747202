package stripetest

import (
	"fmt"
	"math"
	"net/http"
	neturl "net/url"
	"time"

	"github.com/embedfin/embedfin-go"
)

// Option configures a Server. Like the options of embedfin.NewClient, it is
// a function over an unexported configuration that reports an invalid
// value as a *embedfin.ValidationError naming the option
// ("stripetest.WithRefreshDelay"): Start returns that error, and NewServer
// panics with it. A nil Option is ignored.
type Option func(*config) error

// invalid is the error of an option given a bad value.
func invalid(option, format string, args ...any) error {
	return &embedfin.ValidationError{Param: "stripetest." + option, Reason: fmt.Sprintf(format, args...)}
}

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
	retention       int
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
		retention:       DefaultRetention,
	}
}

// WithRefreshDelay sets how long a Financial Connections refresh stays
// pending (default 1 s). Zero completes refreshes right after the request
// that started them; a negative delay is invalid.
func WithRefreshDelay(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return invalid("WithRefreshDelay", "%v is negative", d)
		}
		c.refreshDelay = d
		return nil
	}
}

// WithRefreshOutcome decides how each refresh ends (default: all succeed).
// feature is "balance", "ownership" or "transactions". f must not be nil.
func WithRefreshOutcome(f func(accountID, feature string) RefreshOutcome) Option {
	return func(c *config) error {
		if f == nil {
			return invalid("WithRefreshOutcome", "function must not be nil")
		}
		c.refreshOutcome = f
		return nil
	}
}

// WithFeatureActivationDelay sets how long requested Treasury financial
// account features stay pending before they activate (default 1 s). Zero
// activates them at once; a negative delay is invalid.
func WithFeatureActivationDelay(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return invalid("WithFeatureActivationDelay", "%v is negative", d)
		}
		c.featureDelay = d
		return nil
	}
}

// WithClock sets the clock used for timestamps (default time.Now). Delays
// still run in real time. now must not be nil.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return invalid("WithClock", "clock must not be nil")
		}
		c.clock = now
		return nil
	}
}

// WithSeed makes IDs and generated data deterministic for a given sequence
// of requests (default seed 1).
func WithSeed(seed int64) Option {
	return func(c *config) error {
		c.seed = seed
		return nil
	}
}

// WithWebhook delivers every event to url, signed with secret as Stripe
// does (Stripe-Signature). A delivery that does not get a 2xx is retried
// with exponential backoff. url must be an absolute http or https URL and
// secret must not be empty.
func WithWebhook(url, secret string) Option {
	return func(c *config) error {
		if u, err := neturl.Parse(url); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return invalid("WithWebhook", "%q is not an absolute http or https URL", url)
		}
		if secret == "" {
			return invalid("WithWebhook", "the signing secret must not be empty")
		}
		c.webhookURL, c.webhookSecret = url, secret
		return nil
	}
}

// WithWebhookRetries sets how many times a delivery is attempted (default
// 5) and the first backoff (default 200 ms, doubling). It needs at least
// one attempt and a backoff of at least 1 ms.
func WithWebhookRetries(attempts int, backoff time.Duration) Option {
	return func(c *config) error {
		if attempts < 1 || backoff < time.Millisecond {
			return invalid("WithWebhookRetries", "need attempts >= 1 and backoff >= 1ms, got %d and %v", attempts, backoff)
		}
		c.webhookAttempts, c.webhookBackoff = attempts, backoff
		return nil
	}
}

// WithRateLimit makes the emulator enforce a rate limit of perSecond
// requests per second per account (each secret key's platform, and each
// connected account it acts for through Stripe-Account, has its own), as a
// token bucket holding perSecond requests. Past it, a request is answered
// as Stripe answers one over its limit: 429 with an error of code
// rate_limit and a Stripe-Rate-Limited-Reason header, before anything runs
// (and before idempotency is considered). Zero (the default) enforces
// none; a negative or not finite rate is invalid. The limit runs on real
// time, not WithClock's.
func WithRateLimit(perSecond float64) Option {
	return func(c *config) error {
		if perSecond < 0 || math.IsNaN(perSecond) || math.IsInf(perSecond, 0) {
			return invalid("WithRateLimit", "%v is not a finite rate of zero or more", perSecond)
		}
		c.rateLimit = perSecond
		return nil
	}
}

// WithRetention bounds what the emulator keeps, so that its memory stays
// flat however long it serves: each account (a key's platform, or a
// connected account) keeps its newest n objects of each kind (customers,
// events, Financial Connections transactions, Treasury transactions...)
// and the results of its last n idempotent requests. Once a request is
// over, the oldest objects of a kind past n are evicted with what is keyed
// by them (a connected account takes its own objects, a card its
// secrets); an evicted object is gone as if it never existed: retrieving
// it is a 404 resource_missing, a list cursor naming it a 400. An object
// still named by a retained object that depends on it (a customer by its
// Financial Connections accounts, sessions or SetupIntents; an FC account
// by its transactions; a card by its authorizations) is kept beside the n
// until nothing retained names it. A Financial Connections account keeps
// its last n transaction refreshes. Events also leave 30 days after their
// creation on the emulator's clock, as Stripe keeps them, whatever n. The
// default is DefaultRetention (10,000: about 30 MiB for an account at the
// bound with customers, their events and idempotent results); zero keeps
// everything; a negative n is invalid.
func WithRetention(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return invalid("WithRetention", "%d is not a count of zero or more", n)
		}
		c.retention = n
		return nil
	}
}
