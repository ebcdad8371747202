// Package connect calls Stripe's Connect API for platforms: connected
// accounts ([AccountService]: create, retrieve, update, delete, list),
// account links for Stripe-hosted onboarding ([AccountLinkService]), and
// account sessions for the embedded components (financial account, Issuing
// cards list, onboarding...; [AccountSessionService]). It also holds the
// objects those calls return or embed: [Person], [BankAccount], [Card],
// [TaxID] and [Token].
//
// It is the first step of the embedded-finance flow: create a connected
// account for each business customer with the Controller the platform
// needs (no Stripe dashboard, fees and losses on the application) and the
// card_issuing, treasury, transfers and us_bank_account_ach_payments
// capabilities requested; onboard it with an account_onboarding AccountLink;
// then act as that account in packages treasury, setupintents and issuing
// by passing [embedfin.WithStripeAccount](acct.ID) to their calls, or by
// building their clients on [embedfin.Client.With].
//
// Get the package client from an *embedfin.Client:
//
//	c, err := embedfin.NewClient(os.Getenv("STRIPE_SECRET_KEY"))
//	if err != nil { ... }
//	cn := connect.New(c)
//	acct, err := cn.Accounts.Create(ctx, &connect.AccountCreateParams{
//		Country: embedfin.Ptr("US"),
//		Capabilities: &connect.AccountCapabilitiesParams{
//			Treasury:    &embedfin.AccessParams{Requested: embedfin.Ptr(true)},
//			CardIssuing: &embedfin.AccessParams{Requested: embedfin.Ptr(true)},
//		},
//	})
//	link, err := cn.AccountLinks.Create(ctx, &connect.AccountLinkCreateParams{
//		Account:    &acct.ID,
//		Type:       embedfin.Ptr(connect.AccountLinkTypeAccountOnboarding),
//		RefreshURL: embedfin.Ptr("https://example.com/reauth"),
//		ReturnURL:  embedfin.Ptr("https://example.com/return"),
//	})
//	// redirect the signed-in user to link.URL
//
// IDs are positional arguments checked before sending; required parameters
// are checked too, and optional fields are pointers set with [embedfin.Ptr].
// List returns one page, All iterates over every page. Delete returns a
// [DeletedAccount]. [Account.ExternalAccounts] holds bank accounts and cards
// as the [ExternalAccount] union; objects outside the SDK's scope are
// [embedfin.RawObject].
package connect
