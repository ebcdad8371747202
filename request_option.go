package embedfin

import (
	"net/http"
	"net/textproto"
	"strings"

	"github.com/embedfin/embedfin-go/internal/idempotency"
	"github.com/embedfin/embedfin-go/internal/stripeversion"
)

// RequestOption adjusts one call. Invalid options fail the call with a
// *ValidationError before anything is sent.
type RequestOption func(*callConfig) error

// callConfig is what the request options of one call fill in.
type callConfig struct {
	stripeAccount  string
	idempotencyKey string
	betas          []stripeversion.Beta
	header         http.Header
}

// applyOptions fills a callConfig from opts, skipping nil ones.
func applyOptions(opts []RequestOption) (callConfig, error) {
	var cc callConfig
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cc); err != nil {
			return callConfig{}, err
		}
	}
	return cc, nil
}

// with returns the options of one call laid over a client's (Client.With):
// what the call sets wins, header by header; betas of both are merged. c,
// the client's, is shared by every call and left unchanged.
func (c callConfig) with(call *callConfig) callConfig {
	if call.stripeAccount != "" {
		c.stripeAccount = call.stripeAccount
	}
	if call.idempotencyKey != "" {
		c.idempotencyKey = call.idempotencyKey
	}
	if len(call.betas) > 0 {
		c.betas = append(c.betas[:len(c.betas):len(c.betas)], call.betas...)
	}
	if len(call.header) > 0 {
		h := c.header.Clone()
		if h == nil {
			h = http.Header{}
		}
		for k, v := range call.header {
			h[k] = v
		}
		c.header = h
	}
	return c
}

// WithStripeAccount makes the call on behalf of a connected account (the
// Stripe-Account header), e.g. "acct_1032D82eZvKYlo2C".
func WithStripeAccount(accountID string) RequestOption {
	return func(c *callConfig) error {
		if accountID == "" || !printable(accountID) {
			return invalid("WithStripeAccount", "account ID must be non-empty printable ASCII")
		}
		c.stripeAccount = accountID
		return nil
	}
}

// WithIdempotencyKey sets the Idempotency-Key of a POST or DELETE instead of
// the random one the client generates. Use a key derived from your own
// operation (an order ID) to make a call safe to repeat across process
// restarts. At most 255 characters. Ignored on GET.
func WithIdempotencyKey(key string) RequestOption {
	return func(c *callConfig) error {
		if key == "" || len(key) > idempotency.MaxKeyLen || !printable(key) {
			return invalid("WithIdempotencyKey", "key must be 1 to %d printable ASCII characters", idempotency.MaxKeyLen)
		}
		c.idempotencyKey = key
		return nil
	}
}

// WithBetaVersion adds a beta feature to this call's Stripe-Version header,
// e.g. WithBetaVersion("financial_connections_ownership_match_api_preview", "v1").
// If the same beta is given twice (here, by the client's API version, or by a
// package that needs it), the higher version wins, compared as numbers.
func WithBetaVersion(name, version string) RequestOption {
	return func(c *callConfig) error {
		b, err := stripeversion.ParseBeta(name, version)
		if err != nil {
			return invalid("WithBetaVersion", "%v", err)
		}
		c.betas = append(c.betas, b)
		return nil
	}
}

// reservedHeaders are set by the client or by a dedicated option.
var reservedHeaders = map[string]string{
	"Authorization":     "the client's key",
	"Content-Type":      "the client",
	"Content-Length":    "the client",
	"Host":              "the base URL",
	"Stripe-Version":    "WithAPIVersion or WithBetaVersion",
	"Stripe-Account":    "WithStripeAccount",
	"Idempotency-Key":   "WithIdempotencyKey",
	"User-Agent":        "WithAppInfo",
	"Transfer-Encoding": "the client",
}

// WithHeader adds a header to the call. Headers that the client manages
// (Authorization, Stripe-Version, Stripe-Account, Idempotency-Key, ...) are
// refused with a pointer to the option that sets them.
func WithHeader(name, value string) RequestOption {
	return func(c *callConfig) error {
		canon := textproto.CanonicalMIMEHeaderKey(name)
		if by, ok := reservedHeaders[canon]; ok {
			return invalid("WithHeader", "%s is set by %s", canon, by)
		}
		if name == "" || !validHeaderName(name) {
			return invalid("WithHeader", "%q is not a valid header name", name)
		}
		if strings.ContainsAny(value, "\r\n\x00") {
			return invalid("WithHeader", "value of %s must not contain line breaks", canon)
		}
		if c.header == nil {
			c.header = http.Header{}
		}
		c.header.Add(canon, value)
		return nil
	}
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func validHeaderName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
