// Package issuing calls Stripe's Issuing API: cardholders
// ([CardholderService]), the cards issued to them ([CardService]), the
// authorizations a card purchase creates ([AuthorizationService]: approve,
// decline, update) and the transactions that captures, refunds and other
// movements record ([TransactionService]). [TestHelpers] drives test-mode
// authorizations through their life: create, increment, reverse, expire,
// finalize the amount, capture.
//
// In the embedded-finance flow a connected account (package connect) with
// the card_issuing capability creates a [Cardholder] (the employee or
// contractor allowed to spend, with a billing address) and a [Card] attached
// to the account's Treasury financial account, whose balance funds the
// spending. Calls on behalf of the account take
// [embedfin.WithStripeAccount](accountID). In test mode, a simulated
// purchase ([TestHelpersAuthorizationService.Create]) holds funds in the
// financial account's outbound_pending balance until
// [TestHelpersAuthorizationService.Capture] turns it into an Issuing
// [Transaction].
//
//	c, err := embedfin.NewClient(os.Getenv("STRIPE_SECRET_KEY"))
//	if err != nil { ... }
//	is := issuing.New(c)
//	card, err := is.Cards.Create(ctx, &issuing.CardCreateParams{
//		Cardholder:       embedfin.Ptr("ich_1Nv0JH2eZvKYlo2C"),
//		FinancialAccount: embedfin.Ptr("fa_123"),
//		Currency:         embedfin.Ptr("usd"),
//		Type:             embedfin.Ptr(issuing.CardTypeVirtual),
//	}, embedfin.WithStripeAccount("acct_123"))
//	auth, err := is.TestHelpers.Authorizations.Create(ctx, &issuing.AuthorizationTestCreateParams{
//		Card:   &card.ID,
//		Amount: embedfin.Ptr(int64(1000)),
//	}, embedfin.WithStripeAccount("acct_123"))
//	auth, err = is.TestHelpers.Authorizations.Capture(ctx, auth.ID, nil, embedfin.WithStripeAccount("acct_123"))
//
// IDs are positional arguments and required parameters are checked before
// sending; optional fields are pointers set with [embedfin.Ptr]; List
// returns one page and All iterates. Stripe serves the TestHelpers endpoints
// only to test-mode keys. References such as [Authorization.Cardholder] and
// [Transaction.Card] are [embedfin.Expandable] pointers; disputes, tokens
// and personalization designs are outside the SDK's scope and arrive as
// [embedfin.RawObject].
package issuing
