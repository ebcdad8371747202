package embedfin

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go/internal/redact"
	"github.com/embedfin/embedfin-go/internal/retry"
	"github.com/embedfin/embedfin-go/internal/stripeversion"
	"github.com/hashicorp/go-retryablehttp"
)

// Client is the shared transport every resource package uses: it holds the
// key, the base URL, the retry policy and the HTTP connection pool. Create one
// per key with NewClient and share it; it is safe for concurrent use and
// immutable once built.
type Client struct {
	// key and authHeader hold the secret key. They are functions so that fmt
	// prints them as addresses even when it walks a Client value (not a
	// pointer) by reflection, where Format is not called.
	key        hidden[string]
	baseURL    string
	apiVersion string
	betas      []stripeversion.Beta

	// Header values computed once.
	authHeader    hidden[[]string]
	versionHeader []string
	userAgent     []string
	clientUA      []string

	rc               *retryablehttp.Client
	logger           *slog.Logger
	limiter          Limiter
	maxResponseBytes int64
	strict           bool

	// defaults are the request options of With and base what they set,
	// laid under each call's own options; defaultsErr is why they cannot
	// be used, returned by every call.
	defaults    []RequestOption
	base        callConfig
	defaultsErr error
}

// NewClient returns a client for the secret (sk_) or restricted (rk_) key.
// An empty or malformed key, or an invalid option, is a *ValidationError;
// the message never quotes the key.
func NewClient(key string, opts ...Option) (*Client, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	cfg := config{
		baseURL:          DefaultBaseURL,
		maxRetries:       DefaultMaxRetries,
		minWait:          retry.DefaultMinWait,
		maxWait:          retry.DefaultMaxWait,
		apiVersion:       APIVersion,
		maxResponseBytes: DefaultMaxResponseBytes,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	c := &Client{
		key:              hide(key),
		baseURL:          cfg.baseURL,
		apiVersion:       cfg.apiVersion,
		betas:            cfg.betas,
		authHeader:       hide([]string{"Bearer " + key}),
		versionHeader:    []string{stripeversion.Compose(cfg.apiVersion, cfg.betas)},
		logger:           cfg.logger,
		limiter:          cfg.limiter,
		maxResponseBytes: cfg.maxResponseBytes,
		strict:           cfg.strict,
	}
	c.userAgent, c.clientUA = userAgents(cfg.app)

	hc := cfg.httpClient
	if hc == nil {
		hc = defaultHTTPClient()
	}
	inner := *hc
	next := inner.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	// The attempt transport applies the Timeout itself (see attemptTransport).
	inner.Transport = &attemptTransport{next: next, limiter: cfg.limiter, logger: cfg.logger, timeout: inner.Timeout, maxBody: cfg.maxResponseBytes}
	inner.Timeout = 0
	// Redirects are never followed: the 3xx comes back as an *Error.
	// Following one would send the key (net/http keeps Authorization when
	// only the port differs), and the body of a 307/308, to the Location,
	// even from https to plain http. The caller's client is not modified.
	inner.CheckRedirect = refuseRedirect

	policy := retry.Policy{RetryRateLimited: cfg.retryRateLimited}
	c.rc = &retryablehttp.Client{
		HTTPClient:   &inner,
		Logger:       nil, // ours logs per attempt, redacted; retryablehttp's would print URLs
		RetryWaitMin: cfg.minWait,
		RetryWaitMax: cfg.maxWait,
		RetryMax:     cfg.maxRetries,
		CheckRetry:   policy.CheckRetry,
		Backoff: func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
			return retry.Backoff(minWait, maxWait, attempt, resp, time.Now(), nil)
		},
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return c, nil
}

// refuseRedirect makes net/http hand back a redirect response as it is.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// checkKey accepts sk_ and rk_ keys with a non-empty, printable body.
func checkKey(key string) error {
	if key == "" {
		return invalid("key", "the API key is empty")
	}
	if !strings.HasPrefix(key, "sk_") && !strings.HasPrefix(key, "rk_") {
		if strings.HasPrefix(key, "pk_") {
			return invalid("key", "a publishable key (pk_) cannot call the API from a server; use a secret (sk_) or restricted (rk_) key")
		}
		return invalid("key", "an API key starts with sk_ or rk_")
	}
	if len(key) < 8 || !printable(key) {
		return invalid("key", "the API key is malformed (too short, or holds spaces or control characters)")
	}
	return nil
}

// defaultHTTPClient has a per-attempt timeout and keeps enough idle
// connections for many goroutines calling one host.
func defaultHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 128
	tr.IdleConnTimeout = 90 * time.Second
	return &http.Client{Timeout: 80 * time.Second, Transport: tr}
}

func userAgents(app *AppInfo) (ua, clientUA []string) {
	s := fmt.Sprintf("embedfin-go/%s (%s; %s/%s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if app != nil {
		s += " " + app.Name
		if app.Version != "" {
			s += "/" + app.Version
		}
		if app.URL != "" {
			s += " (" + app.URL + ")"
		}
	}
	payload := struct {
		BindingsVersion string   `json:"bindings_version"`
		Lang            string   `json:"lang"`
		LangVersion     string   `json:"lang_version"`
		Publisher       string   `json:"publisher"`
		Uname           string   `json:"uname"`
		Application     *AppInfo `json:"application,omitempty"`
	}{Version, "go", runtime.Version(), "embedfin", runtime.GOOS + "/" + runtime.GOARCH, app}
	b, _ := json.Marshal(payload) // plain strings: cannot fail
	return []string{s}, []string{string(b)}
}

// With returns a client that applies opts to every call, before the call's
// own options (so a call's WithStripeAccount or WithHeader wins over the
// client's). It shares c's connection pool, retries, limiter and
// everything else; c itself is unchanged. Services built on the returned
// client inherit the options:
//
//	acct := c.With(embedfin.WithStripeAccount("acct_1032D82eZvKYlo2C"))
//	fa, err := treasury.New(acct).FinancialAccounts.Create(ctx, params)
//
// Options are checked here: an invalid one, or WithIdempotencyKey (a key
// belongs to one call, never to all of them), makes every call of the
// returned client fail with that *ValidationError, unsent.
func (c *Client) With(opts ...RequestOption) *Client {
	nc := *c
	nc.defaults = append(c.defaults[:len(c.defaults):len(c.defaults)], opts...)
	cc, err := applyOptions(nc.defaults)
	switch {
	case err != nil:
		nc.defaultsErr = err
	case cc.idempotencyKey != "":
		nc.defaultsErr = invalid("With", "WithIdempotencyKey applies to one call; it cannot be set for every call of a client")
	default:
		nc.defaultsErr = nil
		nc.base = cc
	}
	return &nc
}

// BaseURL returns the API root requests go to.
func (c *Client) BaseURL() string { return c.baseURL }

// APIVersion returns the Stripe-Version sent with every request, betas
// included.
func (c *Client) APIVersion() string { return c.versionHeader[0] }

// Limiter returns the client's rate limiter (a *TokenBucket after
// WithRateLimit, the caller's after WithLimiter), or nil when there is none.
func (c *Client) Limiter() Limiter { return c.limiter }

// String describes the client without its key: only the key's kind and
// mode are shown ("sk_test_***").
func (c *Client) String() string {
	if c == nil {
		return "embedfin.Client(nil)"
	}
	return fmt.Sprintf("embedfin.Client{base: %s, version: %s, key: %s}", c.baseURL, c.versionHeader[0], redact.Key(c.key()))
}

// GoString is String, so %#v does not reveal the key either.
func (c *Client) GoString() string { return c.String() }

// Format makes every fmt verb (%v, %+v, %#v, %s, %q) print String.
func (c *Client) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", c.String())
		return
	}
	_, _ = f.Write([]byte(c.String()))
}

// hidden holds a value fmt must never print: a function prints as an
// address under every verb.
type hidden[T any] func() T

func hide[T any](v T) hidden[T] { return func() T { return v } }
