// Package embedfin is the core of a typed Go client for Stripe's bank-data
// and embedded-finance APIs: Financial Connections, Ownership Match,
// Treasury, Issuing, Customers, Connect, SetupIntents and events.
//
// This package holds what every resource package shares: the [Client] (key,
// base URL, retries, rate limit, logging; see [NewClient] and its
// [Option]s), per-call [RequestOption]s, the error types, pagination and
// small helpers. The endpoints themselves live in one package per product,
// each built on a Client:
//
//	c, err := embedfin.NewClient(os.Getenv("STRIPE_SECRET_KEY"))
//	if err != nil { ... }
//	fc := financialconnections.New(c)
//	acct, err := fc.Accounts.Retrieve(ctx, "fca_123", nil)
//
// # Requests
//
// Every call takes a context first, IDs next, then a params pointer and
// optional RequestOptions ([WithStripeAccount], [WithIdempotencyKey],
// [WithBetaVersion], [WithHeader]); [Client.With] sets them once for every
// call made through the client it returns. Optional fields are pointers,
// set with [Ptr]. Calls never modify their params.
//
// # Retries
//
// Connection failures, 409, 429 lock_timeout and 5xx responses are retried
// (twice by default) with exponential backoff and jitter; a
// Stripe-Should-Retry header overrides those rules and Retry-After is
// honoured up to the backoff cap. Each POST and DELETE carries one
// Idempotency-Key, reused by all its attempts, so a retry never creates a
// second object.
//
// # Errors
//
// An API failure is an [*Error] (status, type, code, parameter, message,
// request ID; redirects, which are never followed, are one too); bad input
// caught before sending is a [*ValidationError]; a call whose attempts all
// failed without a usable response (no response, or a body cut short or
// stalled) is a [*ConnectionError]; a complete 2xx body that cannot be
// decoded is a [*DecodeError]; a context that ended returns ctx.Err().
// Neither error strings nor any fmt verb or slog handler show keys, client
// secrets or account numbers.
//
// A *ConnectionError whose [ConnectionError.MaybeApplied] reports true
// leaves the outcome unknown: some attempt reached the server. Re-issue the
// call with the key its attempts carried; Stripe then carries it out once,
// or replays the saved result:
//
//	var ce *embedfin.ConnectionError
//	if errors.As(err, &ce) && ce.MaybeApplied() {
//		cus, err = svc.Create(ctx, params, embedfin.WithIdempotencyKey(ce.IdempotencyKey))
//	}
//
// # Lists
//
// List methods return one [*List] page; All methods return an iterator that
// fetches pages as the loop needs them (see [Paginate]):
//
//	for cust, err := range customers.New(c).Customers.All(ctx, nil) {
//		if err != nil { return err }
//		fmt.Println(cust.ID)
//	}
package embedfin
