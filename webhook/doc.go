// Package webhook receives Stripe webhooks: it verifies the signature of a
// delivery, decodes its event, and dispatches it to typed functions from an
// http.Handler that deduplicates deliveries.
//
// # Verifying
//
// [ConstructEvent] checks the Stripe-Signature header of a delivery against
// the endpoint's signing secret and returns the [Event]:
//
//	payload, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
//	ev, err := webhook.ConstructEvent(payload, r.Header.Get("Stripe-Signature"),
//		os.Getenv("STRIPE_WEBHOOK_SECRET"))
//	if err != nil { ... answer 400 ... }
//
// The header is "t=<unix seconds>,v1=<hex>[,v1=<hex>...]"; a delivery is
// accepted when one v1 value is the HMAC-SHA256 of "<t>.<payload>" under the
// secret (or under one of those of [WithSecrets], while rolling a secret),
// and its timestamp is within five minutes of the clock in either direction
// ([WithTolerance], [WithClock]). Each kind of failure wraps a sentinel
// error: [ErrNoSecret], [ErrMissingHeader], [ErrInvalidHeader],
// [ErrNoValidSignature], [ErrTimestampOutOfTolerance], [ErrInvalidPayload],
// [ErrAPIVersionMismatch]. [SignHeader] produces the header, for tests and
// emulators.
//
// # Events
//
// Event embeds the generated [events.Event] (ID, Type, Created, Livemode,
// Account, PendingWebhooks, Request, Data) and adds
// [Event.APIVersionMismatch], set when the event was rendered in another API
// version than [embedfin.APIVersion], the one the SDK's types follow
// ([WithStrictAPIVersion] rejects such events instead). Type is an
// [events.EventType], with a constant for every event type of the SDK's
// products. [Data] and [PreviousAttributes] decode data.object and
// data.previous_attributes into typed values:
//
//	acct, err := webhook.Data[financialconnections.Account](ev)
//
// # Handling
//
// [Handler] is an [net/http.Handler]: it limits the body size, verifies,
// and calls the function registered for the event's type, with
// [Handler.Handle] (untyped) or [On] (with data.object decoded). It answers
// 2xx only when the function succeeded, so that Stripe retries failed
// deliveries; a panic in a function is recovered and answered with 500.
// With [WithDedupe], a [DedupeStore] (such as [MemoryStore]) keeps an event
// from being processed twice, even by two concurrent deliveries, without
// marking failed processing as done.
//
// # Options
//
// [ConstructEvent] and [NewHandler] take the same [Option]s, functions that
// report an invalid value (a tolerance of zero, a nil clock, store or hook)
// as a *embedfin.ValidationError naming the option: ConstructEvent returns
// it, NewHandler panics with it. The Handler options (WithMaxBodyBytes,
// WithDedupe, WithErrorHook) are refused by ConstructEvent.
//
// Neither errors, response bodies nor the printed form of any value of this
// package contain secrets; response bodies never repeat the payload.
package webhook
