package webhook

import (
	"fmt"
	"net/http"
	"time"

	"github.com/embedfin/embedfin-go"
)

// Option configures ConstructEvent or a Handler (NewHandler). Like the
// options of embedfin.NewClient, it is a function over an unexported
// configuration that reports an invalid value as a
// *embedfin.ValidationError naming the option ("webhook.WithTolerance"):
// ConstructEvent returns that error, and NewHandler panics with it.
//
// The verification options (WithTolerance, WithClock, WithStrictAPIVersion,
// WithSecrets) apply to both. The Handler options (WithMaxBodyBytes,
// WithDedupe, WithErrorHook) apply to NewHandler only; ConstructEvent
// refuses them. A nil Option is ignored. An Option prints as a function
// (an address), never as the secrets it may hold.
type Option func(*config) error

// config is what the Options fill in. It holds the secrets, so no value of
// it may ever be printed.
type config struct {
	verify verifyConfig
	// handler is set while NewHandler applies the options; the
	// Handler options refuse to apply without it.
	handler bool
	maxBody int64
	store   DedupeStore
	onError ErrorHook
}

// apply runs the non-nil options in turn and returns the first error.
func (c *config) apply(opts []Option) error {
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return err
		}
	}
	return nil
}

// invalid is the error of an option given a bad value.
func invalid(option, format string, args ...any) error {
	return &embedfin.ValidationError{Param: "webhook." + option, Reason: fmt.Sprintf(format, args...)}
}

// handlerOnly makes an Option that sets a Handler field, and that
// ConstructEvent refuses.
func handlerOnly(option string, set func(*config)) Option {
	return func(c *config) error {
		if !c.handler {
			return invalid(option, "configures a Handler (NewHandler); ConstructEvent does not use it")
		}
		set(c)
		return nil
	}
}

// WithTolerance sets how far a signature's timestamp may be from the clock,
// in the past or in the future (DefaultTolerance unless set). It must be
// positive; to verify a payload signed long ago (a stored fixture), set the
// clock with WithClock instead.
func WithTolerance(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return invalid("WithTolerance", "%v is not positive", d)
		}
		c.verify.tolerance = d
		return nil
	}
}

// WithClock sets the function that gives the current time, used for the
// tolerance check (the default is time.Now). It must not be nil.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return invalid("WithClock", "clock must not be nil")
		}
		c.verify.now = now
		return nil
	}
}

// WithStrictAPIVersion rejects events rendered in another API version than
// embedfin.APIVersion with ErrAPIVersionMismatch, instead of accepting them
// with Event.APIVersionMismatch set. Versions are compared without any
// "; beta=vN" suffix.
func WithStrictAPIVersion() Option {
	return func(c *config) error {
		c.verify.strict = true
		return nil
	}
}

// WithSecrets adds signing secrets to the one passed to ConstructEvent or
// NewHandler; a delivery is accepted when it is signed with any of them. Use
// it while rolling an endpoint's secret, when Stripe signs with the old and
// the new one. Empty strings are skipped, so that an unset variable for the
// old secret leaves only the new one. The Option holds the secrets in its
// closure, out of fmt's reach: it prints as an address.
func WithSecrets(secrets ...string) Option {
	secrets = append([]string(nil), secrets...)
	return func(c *config) error {
		c.verify.extra = append(c.verify.extra[:len(c.verify.extra):len(c.verify.extra)], secrets...)
		return nil
	}
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
// rest. It must be positive.
func WithMaxBodyBytes(n int64) Option {
	if n < 1 {
		return func(*config) error { return invalid("WithMaxBodyBytes", "%d is not positive", n) }
	}
	return handlerOnly("WithMaxBodyBytes", func(c *config) { c.maxBody = n })
}

// WithDedupe makes the Handler skip events it has already processed, and
// events being processed by a concurrent delivery, using store (for example
// a MemoryStore, or an implementation over a shared database for several
// instances). Without it every delivery is processed. The store must not
// be nil.
func WithDedupe(store DedupeStore) Option {
	if store == nil {
		return func(*config) error { return invalid("WithDedupe", "store must not be nil") }
	}
	return handlerOnly("WithDedupe", func(c *config) { c.store = store })
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
// before the response is written. Errors never contain secrets. The hook
// must not be nil.
func WithErrorHook(hook ErrorHook) Option {
	if hook == nil {
		return func(*config) error { return invalid("WithErrorHook", "hook must not be nil") }
	}
	return handlerOnly("WithErrorHook", func(c *config) { c.onError = hook })
}
