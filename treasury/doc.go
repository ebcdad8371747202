// Package treasury calls Stripe's Treasury API (Financial Accounts for
// platforms): financial accounts ([FinancialAccountService]) with their
// features and balance, and the money movements that change that balance:
// inbound transfers ([InboundTransferService], pulled from the account's
// own bank account), outbound payments ([OutboundPaymentService], to third
// parties), outbound transfers ([OutboundTransferService], to the account's
// own external account), received credits and debits
// ([ReceivedCreditService], [ReceivedDebitService]: initiated by someone
// else, such as an incoming ACH credit) and the transactions that record
// every movement ([TransactionService]), Issuing card spending included
// (flow type issuing_authorization). [TestHelpers] moves test-mode
// transfers and payments to their final states and creates received
// credits and debits.
//
// In the embedded-finance flow, a connected account (package connect) whose
// treasury capability is active gets a [FinancialAccount]: create it on
// behalf of the account ([embedfin.WithStripeAccount]) with the currencies
// and the features it needs (card_issuing, financial_addresses.aba,
// inbound_transfers.ach, outbound_payments.ach...). Some features activate
// at once, others stay pending for a while: [FinancialAccount.StateOf] or
// [FinancialAccountService.RetrieveFeatures] tell where each stands, and
// [FinancialAccountService.WaitForFeatures] polls until the ones needed are
// active. Funds then arrive by [InboundTransfer] from a bank account saved
// with a SetupIntent (package setupintents) or as [ReceivedCredit]s, and
// Issuing cards (package issuing) spend from the balance.
//
//	c, err := embedfin.NewClient(os.Getenv("STRIPE_SECRET_KEY"))
//	if err != nil { ... }
//	tr := treasury.New(c)
//	fa, err := tr.FinancialAccounts.Create(ctx, &treasury.FinancialAccountCreateParams{
//		SupportedCurrencies: []string{"usd"},
//		Features: &treasury.FinancialAccountFeaturesParams{
//			CardIssuing: &embedfin.AccessParams{Requested: embedfin.Ptr(true)},
//		},
//	}, embedfin.WithStripeAccount("acct_123"))
//	fmt.Println(fa.ID, fa.BalanceIn("usd").Cash) // cents
//
// IDs are positional arguments and required parameters are checked before
// sending; optional fields are pointers set with [embedfin.Ptr]; List
// returns one page and All iterates. Balances are maps from currency to an
// amount in the smallest unit; [FinancialAccount.BalanceIn] reads one
// currency. Stripe serves the TestHelpers endpoints only to test-mode keys.
// Transaction references are [embedfin.Expandable] pointers; objects
// outside the SDK's scope are [embedfin.RawObject].
package treasury
