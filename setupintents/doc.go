// Package setupintents calls Stripe's SetupIntents API
// ([SetupIntentService]): create, retrieve, update, list, confirm and
// cancel [SetupIntent] objects, and verify the microdeposits of a bank
// account.
//
// A SetupIntent saves a payment method for later use without moving money.
// In the embedded-finance flow it attaches a connected account's external
// US bank account to that account itself (AttachToSelf, FlowDirections
// inbound and outbound, payment method type us_bank_account), so that
// Treasury inbound and outbound transfers can use it; the account is then
// verified with [SetupIntentService.VerifyMicrodeposits] (amounts or a
// descriptor code) or
// instantly through Financial Connections. In the bank-data flows, the
// us_bank_account payment method options take Financial Connections
// permissions and prefetch (ownership, payment_method...), which link a
// Financial Connections account while the payment method is saved.
//
//	c, err := embedfin.NewClient(os.Getenv("STRIPE_SECRET_KEY"))
//	if err != nil { ... }
//	si := setupintents.New(c)
//	intent, err := si.SetupIntents.Create(ctx, &setupintents.SetupIntentCreateParams{
//		AttachToSelf:       embedfin.Ptr(true),
//		FlowDirections:     []setupintents.SetupIntentFlowDirection{setupintents.SetupIntentFlowDirectionInbound},
//		PaymentMethodTypes: []string{"us_bank_account"},
//		PaymentMethod:      embedfin.Ptr("pm_123"),
//		Confirm:            embedfin.Ptr(true),
//	}, embedfin.WithStripeAccount("acct_123"))
//	// intent.NextAction.VerifyWithMicrodeposits.HostedVerificationURL
//
// IDs are positional arguments checked before sending; optional fields are
// pointers set with [embedfin.Ptr]; List returns one page and All iterates.
// [SetupIntent.Customer] and [SetupIntent.OnBehalfOf] are
// [embedfin.Expandable] references to [connect.Customer] and
// [connect.Account]; payment methods, mandates and setup attempts are
// outside the SDK's scope and arrive as [embedfin.RawObject]. The client
// secret of a SetupIntent belongs to the browser or app that confirms it,
// and is masked in the SDK's logs and errors.
package setupintents
