package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"sync"

	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/internal/redact"
)

// Errors a Handler passes to its ErrorHook, besides those of ConstructEvent,
// of the DedupeStore and of the handler functions.
var (
	// ErrMethodNotAllowed: the request was not a POST (answered 405).
	ErrMethodNotAllowed = errors.New("webhook: method not allowed")
	// ErrBodyTooLarge: the body exceeded the Handler's limit (answered 413).
	ErrBodyTooLarge = errors.New("webhook: request body too large")
	// ErrInProgress: another delivery of the same event is being processed
	// (answered 409, so that Stripe delivers it again later).
	ErrInProgress = errors.New("webhook: event already being processed")
)

// HandlerFunc processes one verified event. Returning an error, or
// panicking, makes the Handler answer 500 so that Stripe delivers the event
// again later; a panic with http.ErrAbortHandler still aborts the response,
// as net/http defines. ctx is the request's context.
type HandlerFunc func(ctx context.Context, ev Event) error

// Handler is an http.Handler for a Stripe webhook endpoint. For each POST
// it reads the body (up to a limit), verifies it with ConstructEvent, and
// calls the function registered for the event's type:
//
//	h := webhook.NewHandler(os.Getenv("STRIPE_WEBHOOK_SECRET"),
//		webhook.WithDedupe(webhook.NewMemoryStore(0)))
//	webhook.On(h, events.EventTypeFinancialConnectionsAccountRefreshedTransactions,
//		func(ctx context.Context, ev webhook.Event, acct *financialconnections.Account) error {
//			return syncTransactions(ctx, acct)
//		})
//	http.Handle("/stripe/webhook", h)
//
// Answers, all with a short fixed text body that never repeats the payload:
//
//   - 200 when the function succeeded; when the event was already processed
//     (with WithDedupe); when no function handles its type (it is ignored,
//     unless a fallback is set with HandleFallback).
//   - 400 when verification fails: bad or missing signature, stale
//     timestamp, a payload that is not a JSON event, or an API version
//     mismatch under WithStrictAPIVersion.
//   - 405 for any method but POST; 413 for a body over the limit
//     (WithMaxBodyBytes).
//   - 409 when another delivery of the event is being processed.
//   - 500 when the function fails or panics, or the DedupeStore fails.
//
// Stripe delivers again whatever is not answered with 2xx. Register
// functions before serving; registration is nonetheless safe for concurrent
// use. Printing a Handler shows its configuration, never its secrets.
type Handler struct {
	// verify holds the secrets, hidden from fmt.
	verify  hidden[verifyConfig]
	maxBody int64
	store   DedupeStore
	onError ErrorHook

	mu       sync.RWMutex
	routes   map[events.EventType]HandlerFunc
	fallback HandlerFunc
}

// NewHandler returns a Handler that verifies deliveries with secret (and
// the secrets of WithSecrets) and the other options. Like Handle, it
// panics on a programming error: with the *embedfin.ValidationError of the
// first invalid option.
func NewHandler(secret string, opts ...Option) *Handler {
	cfg := config{verify: verifyConfig{secret: secret}, handler: true}
	if err := cfg.apply(opts); err != nil {
		panic(err)
	}
	if cfg.maxBody <= 0 {
		cfg.maxBody = DefaultMaxBodyBytes
	}
	return &Handler{
		verify:  hide(cfg.verify),
		maxBody: cfg.maxBody,
		store:   cfg.store,
		onError: cfg.onError,
		routes:  make(map[events.EventType]HandlerFunc),
	}
}

// Handle registers fn for events of type t. It panics if fn is nil or a
// function is already registered for t, like http.ServeMux does for
// patterns.
func (h *Handler) Handle(t events.EventType, fn HandlerFunc) {
	if fn == nil {
		panic("webhook: nil HandlerFunc for " + string(t))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, dup := h.routes[t]; dup {
		panic("webhook: a HandlerFunc is already registered for " + string(t))
	}
	h.routes[t] = fn
}

// HandleFallback registers fn for events of every type that has no function
// of its own. Without a fallback those events are acknowledged and ignored.
// A nil fn removes the fallback.
func (h *Handler) HandleFallback(fn HandlerFunc) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fallback = fn
}

// On registers fn for events of type t, giving it data.object decoded into a
// new T (see Data). A payload that does not decode into T is a failure of
// the delivery (500), like an error of fn. It panics like Handler.Handle.
func On[T any](h *Handler, t events.EventType, fn func(ctx context.Context, ev Event, obj *T) error) {
	if fn == nil {
		panic("webhook: nil function for " + string(t))
	}
	h.Handle(t, func(ctx context.Context, ev Event) error {
		obj, err := Data[T](ev)
		if err != nil {
			return err
		}
		return fn(ctx, ev, obj)
	})
}

func (h *Handler) route(t events.EventType) HandlerFunc {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if fn, ok := h.routes[t]; ok {
		return fn
	}
	return h.fallback
}

// Format describes the Handler without its secrets, for every verb.
func (h *Handler) Format(f fmt.State, _ rune) {
	if h == nil || h.verify == nil {
		fmt.Fprint(f, "webhook.Handler(nil)")
		return
	}
	h.mu.RLock()
	routes, fallback := len(h.routes), h.fallback != nil
	h.mu.RUnlock()
	secrets, cfg := 0, h.verify()
	if cfg.secret != "" {
		secrets++
	}
	for _, s := range cfg.extra {
		if s != "" {
			secrets++
		}
	}
	fmt.Fprintf(f, "webhook.Handler{secrets: %d, routes: %d, fallback: %t, dedupe: %t, maxBodyBytes: %d}",
		secrets, routes, fallback, h.store != nil, h.maxBody)
}

// PanicError is the error a Handler reports, to its ErrorHook, when a
// handler function panicked. The panic is recovered and answered with 500.
type PanicError struct {
	// Value is the value passed to panic.
	Value any
	// Stack is the goroutine's stack trace at the panic.
	Stack []byte
}

// Error describes the panic value, with anything that looks like a secret
// key masked.
func (e *PanicError) Error() string {
	return "webhook: handler panicked: " + redact.String(fmt.Sprint(e.Value))
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.fail(w, r, nil, http.StatusMethodNotAllowed, ErrMethodNotAllowed)
		return
	}
	body, err := h.readBody(w, r)
	if err != nil {
		if errors.Is(err, ErrBodyTooLarge) {
			// The rest of the body is left unread: over HTTP/1, close the
			// connection rather than let the server drain it (HTTP/2 resets
			// the stream by itself).
			if r.ProtoMajor == 1 {
				w.Header().Set("Connection", "close")
			}
			h.fail(w, r, nil, http.StatusRequestEntityTooLarge, err)
			return
		}
		h.fail(w, r, nil, http.StatusBadRequest, err)
		return
	}
	cfg := h.verify()
	ev, err := constructEvent(body, r.Header.Get(SignatureHeader), &cfg)
	if err != nil {
		h.fail(w, r, nil, http.StatusBadRequest, err)
		return
	}
	fn := h.route(ev.Type)
	if fn == nil {
		reply(w, http.StatusOK, "ignored")
		return
	}
	ctx := r.Context()
	store := h.store
	if store != nil {
		res, err := store.Claim(ctx, ev.ID)
		switch {
		case err != nil:
			h.fail(w, r, &ev, http.StatusInternalServerError, fmt.Errorf("webhook: claiming event %s: %w", ev.ID, err))
			return
		case res == ClaimDone:
			reply(w, http.StatusOK, "duplicate")
			return
		case res == ClaimBusy:
			h.fail(w, r, &ev, http.StatusConflict, ErrInProgress)
			return
		case res != ClaimAcquired:
			h.fail(w, r, &ev, http.StatusInternalServerError, fmt.Errorf("webhook: claiming event %s: unknown result %v", ev.ID, res))
			return
		}
	}
	// Recording the outcome must not fail because the client went away.
	bg := context.WithoutCancel(ctx)
	if err := call(ctx, fn, ev); err != nil {
		if store != nil {
			if rerr := store.Release(bg, ev.ID); rerr != nil {
				err = errors.Join(err, fmt.Errorf("webhook: releasing event %s: %w", ev.ID, rerr))
			}
		}
		var pe *PanicError
		if errors.As(err, &pe) && pe.Value == http.ErrAbortHandler {
			panic(http.ErrAbortHandler)
		}
		h.fail(w, r, &ev, http.StatusInternalServerError, err)
		return
	}
	if store != nil {
		if err := store.Complete(bg, ev.ID); err != nil {
			h.report(r, &ev, fmt.Errorf("webhook: completing event %s: %w", ev.ID, err))
		}
	}
	reply(w, http.StatusOK, "ok")
}

// readBody reads the whole body, or fails with ErrBodyTooLarge as soon as it
// is known to exceed the limit.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	limit := h.maxBody
	if r.ContentLength > limit {
		return nil, ErrBodyTooLarge
	}
	if r.Body == nil {
		return nil, nil
	}
	rd := http.MaxBytesReader(w, r.Body, limit)
	var body []byte
	if r.ContentLength > 0 {
		// One read into an exactly sized buffer, plus one to see EOF.
		body = make([]byte, 0, r.ContentLength+1)
	} else {
		body = make([]byte, 0, 4096)
	}
	for {
		if len(body) == cap(body) {
			body = append(body, 0)[:len(body)]
		}
		n, err := rd.Read(body[len(body):cap(body)])
		body = body[:len(body)+n]
		if err == io.EOF {
			return body, nil
		}
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return nil, ErrBodyTooLarge
			}
			return nil, fmt.Errorf("webhook: reading the request body: %w", err)
		}
	}
}

// call runs fn, turning a panic into a *PanicError.
func call(ctx context.Context, fn HandlerFunc, ev Event) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return fn(ctx, ev)
}

func (h *Handler) report(r *http.Request, ev *Event, err error) {
	if h.onError != nil {
		h.onError(r, ev, err)
	}
}

// fail reports err and answers with status and its standard text.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, ev *Event, status int, err error) {
	h.report(r, ev, err)
	reply(w, status, http.StatusText(status))
}

// reply writes a short fixed text: never the payload, never a secret.
func reply(w http.ResponseWriter, status int, text string) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/plain; charset=utf-8")
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text+"\n")
}
