// Package financialconnections calls Stripe's Financial Connections API:
// sessions ([SessionService]), in which a user links external bank accounts
// through Stripe.js; the linked accounts ([AccountService]) with their
// balance, ownership and transaction refreshes and subscriptions; the
// [AccountOwner]s read from them; and their transactions
// ([TransactionService]).
//
// Collecting bank data starts with a Session for an account holder (a
// customer or a connected account) and the permissions the product needs;
// its [Session.ClientSecret] goes to Stripe.js, and the linked accounts are
// listed with [AccountService.All] and Session set. To keep transactions
// current, call [AccountService.Subscribe] or [AccountService.Refresh];
// refreshes are asynchronous, so wait for the
// financial_connections.account.refreshed_transactions event (package
// events) or use [AccountService.RefreshAndWait] /
// [AccountService.WaitForRefresh], then fetch only what changed with
// TransactionRefresh.After, which [TransactionService.SyncTransactions] and
// [TransactionService.SyncMany] do for you. For ownership checks, request
// the "ownership" permission and read the account's [Account.Ownership]
// (expanded) or [AccountService.AllOwners]; Ownership Match, a private
// beta, is in package ownershipmatch.
//
//	c, err := embedfin.NewClient(os.Getenv("STRIPE_SECRET_KEY"))
//	if err != nil { ... }
//	fc := financialconnections.New(c)
//	sess, err := fc.Sessions.Create(ctx, &financialconnections.SessionCreateParams{
//		AccountHolder: &financialconnections.SessionAccountHolderParams{
//			Type:     embedfin.Ptr(financialconnections.AccountHolderTypeCustomer),
//			Customer: embedfin.Ptr("cus_NffrFeUfNV2Hib"),
//		},
//		Permissions: []financialconnections.Permission{financialconnections.PermissionTransactions},
//		Prefetch:    []financialconnections.SessionPrefetch{financialconnections.SessionPrefetchTransactions},
//	})
//	// ... the user links an account in the browser with *sess.ClientSecret ...
//	for txn, err := range fc.Transactions.All(ctx, &financialconnections.TransactionListParams{
//		Account: embedfin.Ptr("fca_1LDYuMGxLVUXRs6HW0lrat9T"),
//	}) {
//		if err != nil { ... }
//		fmt.Println(txn.ID, txn.Amount, txn.Status)
//	}
//
// As in every resource package, IDs are positional arguments and required
// parameters are checked before anything is sent (failures are
// [*embedfin.ValidationError]); optional fields are pointers set with
// [embedfin.Ptr]; List returns one page and All iterates over every page.
// References such as [Account.Ownership] and [AccountHolder.Customer] are
// [embedfin.Expandable] pointers, holding the object only when expanded
// with [embedfin.Params.AddExpand]; objects outside the SDK's scope are
// [embedfin.RawObject].
package financialconnections
