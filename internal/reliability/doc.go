// Package reliability holds the SDK's fault-injection and secret-leak
// tests; it has no API of its own.
//
// The fault tests (TestFault...) put a proxy between a client and the
// stripetest emulator. The proxy decides per request, from a seeded
// generator, whether to pass it through or to inject a fault: a connection
// reset before the request reaches the emulator or after the emulator
// handled it, a 500, 502 or 503 (JSON or an HTML page), a 429 lock_timeout,
// a 429 rate limit with Retry-After, a response slower than the client's
// timeout, truncated JSON, a Stripe-Should-Retry header that overrides the
// usual rules, or a committed 2xx whose body is cut: the real status and
// headers (with the true Content-Length), then half the body and a closed
// connection, half the body and a stall past the client's timeout, or a
// reset right after the headers. Under those faults the tests check that
// bulk creates end with exactly one object per logical create (idempotency
// keys prevent duplicates, retries prevent loss), that every failed call is
// one of the SDK's typed errors, that an incremental transaction sync ends
// with exactly the emulator's transactions and the right cursor, and that
// no goroutine outlives the test.
//
// The cut-body tests (TestFaultCutBodies...) run 2,000 creates from 32
// goroutines at 30% transient faults with 3 retries. Without any re-issue,
// every failed call is a *ConnectionError carrying its Idempotency-Key
// (MaybeApplied when an attempt was forwarded) or an API *Error, never a
// *DecodeError; re-issued with their keys, the creates end with exactly
// one customer each. A caller that re-issues without a key gets
// duplicates only from calls that exhausted their attempts, under 1% of
// the creates; the tests log the figures.
//
// The secret tests check that keys, webhook secrets, client secrets and
// account numbers never appear in debug logs, error strings, panics or the
// formatting of the client and of options.
//
// Run them with:
//
//	go test -race -v -run 'TestFault' ./internal/reliability
package reliability
