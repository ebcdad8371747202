// Package stripetest is a stateful emulator of the Stripe API surfaces
// this SDK covers, for tests and for running the examples offline. Start
// one like an httptest server:
//
//	srv := stripetest.NewServer()
//	defer srv.Close()
//	c := srv.Client() // an *embedfin.Client for srv.URL with a test key
//	cust, err := customers.New(c).Customers.Create(ctx, &customers.CustomerCreateParams{...})
//
// Unlike stripe-mock, which answers every call with a fixture, the emulator
// remembers: objects created are retrieved, listed and updated; state is
// kept per secret key (each key is its own Stripe account) and per connected
// account (Stripe-Account); IDs of another account are 404. It validates
// parameters with Stripe's error shapes, bodies and queries alike, from
// the facts of the OpenAPI spec (a table generated beside the SDK's
// params): unknown and missing parameters, empty values where a parameter
// cannot be unset, enum values, string lengths, integers and their stated
// ranges, booleans, metadata limits (50 keys, keys of 40 characters, values
// of 500); a query or body that does not parse is refused, never read in
// part. It answers 401 without a test key, puts doc_url on errors whose
// code has a reference page, paginates lists, and runs the asynchronous
// parts of the products listed below. Not emulated: checks on the format of
// values (currencies, emails, URLs), limits that depend on stored objects
// beyond those the handlers make (a metadata hash growing past 50 keys
// over several updates). Idempotency follows Stripe's contract: the result of a POST
// with an Idempotency-Key (at most 255 characters) is saved once its
// endpoint begins to run, so a request refused by authentication, the
// account, the rate limit or parameter validation can be corrected and
// sent again with the same key; a saved result is replayed (with
// Idempotent-Replayed: true) for 24 hours on the emulator's clock; every
// response echoes the request's Idempotency-Key. Saved results take at most
// 64 MiB, the oldest leaving first.
//
// One server can be shared by many clients: responses are written after
// the state lock is released, connections have read, write and idle
// deadlines, and the cost of a list page does not grow with the number of
// objects stored (indexes by position, by created time and by the filters
// the list endpoints take, such as a transaction's account), only with the
// objects a filter without an index (a status) passes over.
//
// What it runs:
//
//   - Financial Connections: linking accounts needs a browser in the real
//     product, so POST /v1/test_helpers/financial_connections/sessions/{id}/complete
//     links accounts as a user would. Refreshes go pending, then succeeded or
//     failed after a delay; subscribing to transactions starts one. Linked
//     accounts carry months of realistic transactions, and later refreshes
//     add and update some, so transaction_refresh[after] works as documented.
//   - Ownership Match (beta header required) scores the owner data you send
//     against the account's owners in the guide's bands.
//   - Treasury and Issuing move money: received credits fund cash; an
//     authorization moves its amount from cash to outbound_pending (or is
//     declined when funds are short); a capture creates the transaction and
//     clears outbound_pending.
//   - Every state change is an event, listed by the events endpoints and,
//     with WithWebhook, delivered signed (webhook.SignHeader) with retries.
//
// The emulator speaks the wire format of the real API: its responses are
// the SDK's generated types, encoded. cmd/embedfin-emulator serves it
// stand-alone.
package stripetest
