package webhook

import (
	"fmt"
	"net/http"
	"time"
)

// Option configures how deliveries are verified. Options are accepted both
// by ConstructEvent and by NewHandler (every Option is also a
// HandlerOption). A nil Option is ignored.
type Option interface {
	HandlerOption
	applyVerify(*verifyConfig)
}

// HandlerOption configures a Handler. Handler-specific options
// (WithMaxBodyBytes, WithDedupe, WithErrorHook) are HandlerOptions only; the
// verification Options are HandlerOptions too. A nil HandlerOption is ignored.
type HandlerOption interface {
	applyHandler(*handlerConfig)
}

// verifyOption adapts a function to Option.
type verifyOption func(*verifyConfig)

func (o verifyOption) applyVerify(c *verifyConfig)   { o(c) }
func (o verifyOption) applyHandler(c *handlerConfig) { o(&c.verify) }

// handlerOption adapts a function to HandlerOption.
type handlerOption func(*handlerConfig)

func (o handlerOption) applyHandler(c *handlerConfig) { o(c) }

// WithTolerance sets how far a signature's timestamp may be from the clock,
// in the past or in the future. A value of zero or less keeps
// DefaultTolerance; to verify a payload signed long ago (a stored fixture),
// set the clock with WithClock instead.
func WithTolerance(d time.Duration) Option {
	return verifyOption(func(c *verifyConfig) { c.tolerance = d })
}

// WithClock sets the function that gives the current time, used for the
// tolerance check (the default is time.Now). A nil function keeps the
// default.
func WithClock(now func() time.Time) Option {
	return verifyOption(func(c *verifyConfig) { c.now = now })
}

// WithStrictAPIVersion rejects events rendered in another API version than
// embedfin.APIVersion with ErrAPIVersionMismatch, instead of accepting them
// with Event.APIVersionMismatch set. Versions are compared without any
// "; beta=vN" suffix.
func WithStrictAPIVersion() Option {
	return verifyOption(func(c *verifyConfig) { c.strict = true })
}

// WithSecrets adds signing secrets to the one passed to ConstructEvent or
// NewHandler; a delivery is accepted when it is signed with any of them. Use
// it while rolling an endpoint's secret, when Stripe signs with the old and
// the new one. Empty strings are skipped. Options with secrets print as
// "webhook.WithSecrets(N secrets)", never the secrets themselves.
func WithSecrets(secrets ...string) Option {
	return secretsOption{secrets: hide(append([]string(nil), secrets...)), n: len(secrets)}
}

// secretsOption is the Option of WithSecrets. It formats itself without the
// secrets, which it keeps out of fmt's reach even when fmt cannot call its
// methods (through an unexported field).
type secretsOption struct {
	secrets hidden[[]string]
	n       int
}

func (o secretsOption) applyVerify(c *verifyConfig) {
	c.extra = append(c.extra[:len(c.extra):len(c.extra)], o.secrets()...)
}

func (o secretsOption) applyHandler(c *handlerConfig) { o.applyVerify(&c.verify) }

// Format prints the number of secrets only, for every verb.
func (o secretsOption) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "webhook.WithSecrets(%d secrets)", o.n)
}

// hidden holds a value that fmt must never print: a function prints as an
// address under every verb, even when fmt walks a value by reflection, which
// is how it prints unexported fields (including their pointers, under a
// verb such as %s).
type hidden[T any] func() T

func hide[T any](v T) hidden[T] { return func() T { return v } }

// DefaultMaxBodyBytes is the largest request body a Handler reads unless
// WithMaxBodyBytes says otherwise: 1 MiB, far above the size of any event.
const DefaultMaxBodyBytes = 1 << 20

// WithMaxBodyBytes sets the largest request body a Handler reads. A larger
// body is answered with 413 Request Entity Too Large without reading the
// rest. A value of zero or less keeps DefaultMaxBodyBytes.
func WithMaxBodyBytes(n int64) HandlerOption {
	return handlerOption(func(c *handlerConfig) { c.maxBody = n })
}

// WithDedupe makes the Handler skip events it has already processed, and
// events being processed by a concurrent delivery, using store (for example
// a MemoryStore, or an implementation over a shared database for several
// instances). Without it every delivery is processed. A nil store disables
// deduplication.
func WithDedupe(store DedupeStore) HandlerOption {
	return handlerOption(func(c *handlerConfig) { c.store = store })
}

// ErrorHook is told why a delivery was not acknowledged with 2xx, or that a
// store failed after a successful delivery. r is the request (its body is
// already consumed); ev is the verified event, or nil when the failure
// happened before verification succeeded.
type ErrorHook func(r *http.Request, ev *Event, err error)

// WithErrorHook sets a function called for every delivery the Handler does
// not acknowledge with 2xx (the error wraps ErrMethodNotAllowed,
// ErrBodyTooLarge, a ConstructEvent error, ErrInProgress, a store error, the
// handler function's error, or a *PanicError), and when DedupeStore.Complete
// fails after the handler succeeded (the answer is then still 2xx). It runs
// before the response is written. Errors never contain secrets.
func WithErrorHook(hook ErrorHook) HandlerOption {
	return handlerOption(func(c *handlerConfig) { c.onError = hook })
}
