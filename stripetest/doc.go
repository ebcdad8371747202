// Package stripetest is a stateful emulator of the Stripe API surfaces
// this SDK covers, for tests and for running the examples offline. Start
// one like an httptest server, with [NewServer] (or [Start] on an address
// of your choice), and get a client for it with [Server.Client]:
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
// Objects come back in the API's default shape (a table generated from
// the spec and stripe-mock's fixtures): fields Stripe returns only when
// expanded, such as a customer's sources or a card's number, are absent
// until expand[] names them; a field of several possible types shows only
// the keys of the one it holds; expand[] works for every expandable field
// whose object the emulator holds, with data. prefixes on lists and up to
// four levels, and an unknown or non-expandable path is a 400.
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
//   - Connect: an account created through the API is controlled by the
//     platform (controller.is_controller, controller.type application, the
//     controller properties asked for or their defaults). Its capabilities
//     hash holds the requested capabilities, inactive until the account
//     holds what they need, listed in requirements (currently_due, also
//     past_due while nothing is verified, disabled_reason): the business
//     type and profile, the company and its representative or the
//     individual, a bank account (external_account), the services
//     agreement, and the card_issuing and treasury terms. The platform may
//     send them through the Accounts API; the account holder enters them on
//     the hosted onboarding page at an account link's URL. Test data
//     verifies at once: a capability whose needs are met is active. Changes
//     emit account.updated and capability.updated on the connected account.
//     Not emulated: the Persons and Capabilities endpoints, verification
//     that fails or stays pending, future requirements, and account links'
//     collect option (the page always asks for everything).
//   - Financial Connections: linking accounts needs a browser in the real
//     product, so POST /v1/test_helpers/financial_connections/sessions/{id}/complete
//     ([CompleteSession]) links accounts as a user would, from one of the test
//     institutions below. Refreshes go pending, then succeeded or failed
//     after a delay; subscribing to transactions starts one. Linked accounts
//     carry months of realistic transactions, and later refreshes add and
//     update some, so transaction_refresh[after] works as documented.
//   - SetupIntents: a bank account typed in is verified with microdeposits,
//     through verify_microdeposits or the hosted page at
//     hosted_verification_url (descriptor code SM11AA, or the amounts 32
//     and 45 cents).
//   - Ownership Match (beta header required) scores the owner data you send
//     against the account's owners in the guide's bands.
//   - Treasury and Issuing move money: received credits fund cash; an
//     authorization moves its amount from cash to outbound_pending (or is
//     declined when funds are short); a capture creates the transaction and
//     clears outbound_pending.
//   - Every state change is an event, listed by the events endpoints and,
//     with [WithWebhook], delivered signed ([webhook.SignHeader]) with
//     retries.
//
// The emulator speaks the wire format of the real API: its responses are
// the SDK's generated types, encoded. cmd/embedfin-emulator serves it
// stand-alone.
//
// # Retention
//
// What the emulator keeps is bounded, so that its memory stays flat under
// a steady load however long it runs ([WithRetention], -retention on the
// command). Each account (a key's platform, each connected account) keeps
// its newest [DefaultRetention] (10,000) objects of each kind, and the
// results of its last 10,000 idempotent requests. Once a request is over,
// older objects are evicted, oldest first, with their index entries and
// what is keyed by them: a connected account takes its own objects, its
// rate limit and saved results with it; a card its number and CVC; a
// Financial Connections account its bank-side state; a Financial
// Connections transaction its record at the bank (a posted amount moves
// into the opening balance, so balances do not change). An evicted object
// is gone as if it had never existed: retrieving it is a 404
// resource_missing, and a list cursor naming it the 400 of an unknown
// cursor. An object that a retained object of a dependent kind still names
// is pinned: kept, beside the 10,000, until nothing retained names it —
// a customer named by Financial Connections accounts or sessions,
// SetupIntents, payment methods or outbound payments; a connected account
// named by Financial Connections accounts, sessions or account links; a
// Financial Connections account by its transactions or payment methods,
// and its current ownership by it; a cardholder or card by cards,
// authorizations and Issuing transactions; a financial account by its
// Treasury objects and cards; a Treasury transaction by its entries and
// flows; a payment method by SetupIntents and transfers. Events pin
// nothing, and leave 30 days after their creation on the emulator's clock
// as on Stripe. A Financial Connections account keeps its last 10,000
// transaction refreshes (those transaction_refresh[after] may name); one
// whose transactions were all evicted still gets new ones at its next
// refresh. Timers of an evicted object's refresh or feature activation
// fire and find nothing.
//
// # Hosted pages
//
// Where Stripe sends a person to a page, the emulator serves a plain HTML
// form on its own address, so that a browser (or a test posting the form)
// goes through the same steps:
//
//   - /setup/s/{token}, an account link's URL: the onboarding form, filled
//     with Stripe's test values. A link opens once and expires 300 s after
//     its creation; opened again, expired, or for an account gone, it
//     redirects to refresh_url. The form submitted completes the
//     requirements and redirects to return_url (so does leaving it, with
//     nothing changed); a refused field comes back with the form (422).
//   - /microdeposit/{token}, a SetupIntent's hosted_verification_url: the
//     descriptor code or the two amounts. A wrong entry counts as one made
//     through the API: the 10th ends the verification (the intent returns
//     to requires_payment_method with last_setup_error and setup_failed),
//     as do entries after the microdeposits expire, 10 days after they
//     were sent.
//
// # Test helpers
//
// These endpoints exist only in the emulator, for programs without a
// browser; each has a Go function:
//
//   - POST /v1/test_helpers/accounts/{account}/onboard ([OnboardAccount])
//     completes onboarding as the hosted page does, with Stripe's test
//     data (business_type=individual for an individual).
//   - POST /v1/test_helpers/financial_connections/sessions/{session}/complete
//     ([CompleteSession]) links a session's accounts.
//
// # Financial Connections test institutions
//
// The institution parameter of the session helper (an [Institution]) picks
// the bank the test user links from, as Stripe's test mode offers them;
// each carries on into refreshes:
//
//   - test_institution, test_oauth_institution: a checking and a savings
//     account; refreshes succeed.
//   - ownership_accounts: an account of the holder, a joint one, someone
//     else's, and one without ownership data (ownership refreshes fail).
//   - invalid_payment_accounts: an account unusable for ACH payments (no
//     supported_payment_method_types; a PaymentMethod from it is refused).
//   - down_bank_scheduled: down for an hour after linking (emulator clock);
//     refreshes fail with next_refresh_available_at at the end of the
//     downtime, then succeed.
//   - down_bank_unscheduled: down with nothing announced; refreshes fail.
//   - down_bank_error: unknown errors; refreshes fail and succeed in turn.
//   - inactive_account: the account was closed; its first refresh fails
//     and deactivates it (financial_connections.account.deactivated).
//   - disconnected_account: access was withdrawn at the bank; its first
//     refresh fails and disconnects it.
//
// Without one, a session links a checking account at "Test Bank", which
// refreshes. [WithRefreshOutcome] can fail any refresh besides.
//
// # Options
//
// The options ([Option]) follow the SDK's: each WithX returns a function
// that reports an invalid value (a negative delay, a nil function, a
// webhook URL that is not http or https) as a *embedfin.ValidationError
// naming it; Start returns that error and NewServer panics with it.
package stripetest
