package embedfin

import (
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go/internal/stripeversion"
)

// Option configures a Client. Options are checked by NewClient, which
// returns a *ValidationError naming the first one that is invalid.
type Option func(*config) error

// AppInfo identifies the application built on this SDK. Stripe shows it in
// request logs; set it if you are a plugin or platform.
type AppInfo struct {
	// Name of the application; required.
	Name string `json:"name"`
	// Version of the application.
	Version string `json:"version,omitempty"`
	// URL of the application's website.
	URL string `json:"url,omitempty"`
	// PartnerID is a Stripe partner ID, if you have one.
	PartnerID string `json:"partner_id,omitempty"`
}

// config is what the options fill in before NewClient builds the Client.
type config struct {
	baseURL          string
	httpClient       *http.Client
	maxRetries       int
	minWait, maxWait time.Duration
	logger           *slog.Logger
	apiVersion       string
	betas            []stripeversion.Beta
	app              *AppInfo
	limiter          Limiter
	retryRateLimited bool
	maxResponseBytes int64
	strict           bool
}

// DefaultMaxRetries is how many times a failed request is retried unless
// WithMaxRetries says otherwise.
const DefaultMaxRetries = 2

// DefaultMaxResponseBytes caps successful response bodies unless
// WithMaxResponseBytes says otherwise.
const DefaultMaxResponseBytes = 32 << 20

// WithBaseURL sends requests to another API root, such as an emulator or a
// proxy. It must be an absolute https URL; plain http is accepted only for
// loopback hosts (localhost, 127.0.0.0/8, ::1). A path prefix is kept.
func WithBaseURL(raw string) Option {
	return func(c *config) error {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || u.Scheme == "" {
			return invalid("WithBaseURL", "%q is not an absolute URL", raw)
		}
		if u.User != nil {
			return invalid("WithBaseURL", "credentials in the URL are not allowed")
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return invalid("WithBaseURL", "%q must not have a query or fragment", raw)
		}
		switch u.Scheme {
		case "https":
		case "http":
			if !isLoopback(u.Hostname()) {
				return invalid("WithBaseURL", "%q: plain http is allowed only for loopback hosts; use https", raw)
			}
		default:
			return invalid("WithBaseURL", "%q: scheme must be https (or http on loopback)", raw)
		}
		c.baseURL = strings.TrimRight(u.String(), "/")
		return nil
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WithHTTPClient sets the HTTP client that sends each attempt. The SDK uses a
// shallow copy whose Transport is wrapped (for the rate limit, the body read
// of each attempt, per-attempt logging and attempt counting) and whose
// CheckRedirect refuses every redirect (a 3xx comes back as an *Error); hc
// itself is not modified, and changes made to it afterwards are not seen. Its Timeout bounds each attempt, not the whole call; bound the whole
// call with the context. The default has an 80 s timeout and a transport
// tuned for many concurrent calls to one host.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return invalid("WithHTTPClient", "client must not be nil")
		}
		c.httpClient = hc
		return nil
	}
}

// WithMaxRetries sets how many times a failed request is retried (0 disables
// retries). The default is 2.
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return invalid("WithMaxRetries", "%d is negative", n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithBackoff sets the wait before the first retry and the longest wait
// between attempts. Waits double per attempt with jitter; a Retry-After
// header is honoured up to maxWait. The defaults are 0.5 s and 8 s.
func WithBackoff(minWait, maxWait time.Duration) Option {
	return func(c *config) error {
		if minWait <= 0 || maxWait < minWait {
			return invalid("WithBackoff", "need 0 < min <= max, got %v and %v", minWait, maxWait)
		}
		c.minWait, c.maxWait = minWait, maxWait
		return nil
	}
}

// WithLogger logs one debug line per attempt (method, path, status, request
// ID, attempt, duration) to logger. Query values and secrets are masked;
// bodies are never logged. The default logs nothing.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) error {
		if logger == nil {
			return invalid("WithLogger", "logger must not be nil")
		}
		c.logger = logger
		return nil
	}
}

// WithAPIVersion overrides the Stripe-Version sent with every request. It
// may carry beta versions ("2026-08-26.dahlia; some_beta=v2"), which are
// merged with those given per call by WithBetaVersion. Types in this SDK
// match APIVersion; another version may return fields they do not hold.
func WithAPIVersion(version string) Option {
	return func(c *config) error {
		base, betas, err := stripeversion.Parse(version)
		if err != nil {
			return invalid("WithAPIVersion", "%v", err)
		}
		c.apiVersion, c.betas = base, betas
		return nil
	}
}

// WithAppInfo adds the application to the User-Agent and
// X-Stripe-Client-User-Agent headers.
func WithAppInfo(app AppInfo) Option {
	return func(c *config) error {
		if strings.TrimSpace(app.Name) == "" {
			return invalid("WithAppInfo", "Name is required")
		}
		for _, s := range []string{app.Name, app.Version, app.URL, app.PartnerID} {
			if strings.ContainsAny(s, "\r\n") {
				return invalid("WithAppInfo", "fields must not contain line breaks")
			}
		}
		c.app = &app
		return nil
	}
}

// WithRateLimit makes every attempt (retries included) wait for a token from
// a bucket refilled at perSecond with room for burst, shared by all
// goroutines using the client. Stripe allows about 25 requests per second in
// test mode and 100 in live mode; staying under that avoids 429s in bulk
// work. A wait is bounded by the call's context. It is WithLimiter with a
// TokenBucket; for a budget shared by several processes, use WithLimiter.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(c *config) error {
		if !(perSecond > 0) || burst < 1 {
			return invalid("WithRateLimit", "need perSecond > 0 and burst >= 1, got %v and %d", perSecond, burst)
		}
		b, err := NewTokenBucket(perSecond, burst)
		if err != nil {
			return err
		}
		c.limiter = b
		return nil
	}
}

// WithRetryRateLimited also retries 429 responses that are rate limits (not
// only lock timeouts), with the usual backoff. Off by default: a rate limit
// usually means the caller should slow down (see WithRateLimit).
func WithRetryRateLimited(enabled bool) Option {
	return func(c *config) error {
		c.retryRateLimited = enabled
		return nil
	}
}

// WithMaxResponseBytes caps the size of a successful response body; larger
// ones fail with a *DecodeError wrapping ErrResponseTooLarge. The default is
// 32 MiB. Error bodies are always capped at 1 MiB.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n < 1 {
			return invalid("WithMaxResponseBytes", "%d is not positive", n)
		}
		c.maxResponseBytes = n
		return nil
	}
}

// WithStrictDecoding makes a response field that the SDK's types do not hold
// a *DecodeError instead of being ignored. The conformance tests use it to
// prove the types complete; it also catches API drift early.
func WithStrictDecoding() Option {
	return func(c *config) error {
		c.strict = true
		return nil
	}
}
