// Package events calls Stripe's Events API ([EventService]): list and
// retrieve the [Event] objects that record changes to an account's objects,
// the same objects Stripe sends to webhook endpoints.
//
// The bank-data and embedded-finance flows finish asynchronously and report
// through events: financial_connections.account.refreshed_balance,
// refreshed_ownership and refreshed_transactions when a refresh ends,
// treasury.financial_account.features_status_updated when features
// activate, issuing_authorization.created and issuing_transaction.created
// when cards are used, setup_intent.succeeded when a bank account is
// verified. [Event.Type] names the event (an [EventType], with a constant
// per known type) and Event.Data.Object ([EventData.Object]) holds the
// object as raw JSON: decode it into the matching type of the resource
// package (financialconnections.Account, treasury.FinancialAccount,
// issuing.Authorization, setupintents.SetupIntent...). [Event.Account] is
// set when the event happened on a connected account.
//
//	c, err := embedfin.NewClient(os.Getenv("STRIPE_SECRET_KEY"))
//	if err != nil { ... }
//	ev := events.New(c)
//	params := &events.EventListParams{Types: []events.EventType{events.EventTypeFinancialConnectionsAccountRefreshedTransactions}}
//	for e, err := range ev.Events.All(ctx, params) {
//		if err != nil { ... }
//		if e.Type != events.EventTypeFinancialConnectionsAccountRefreshedTransactions { continue }
//		var acct financialconnections.Account
//		if err := json.Unmarshal(e.Data.Object, &acct); err != nil { ... }
//		// sync the transactions of acct.ID after acct.TransactionRefresh.ID
//	}
//
// IDs are positional arguments checked before sending; optional fields are
// pointers set with [embedfin.Ptr]. List returns one page, newest first,
// and All iterates over every page. The package does not verify webhook
// signatures (package webhook does); fetching an event received by webhook
// with [EventService.Retrieve] confirms that Stripe sent it.
package events
