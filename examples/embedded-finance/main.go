package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/examples/internal/demo"
	"github.com/embedfin/embedfin-go/issuing"
	"github.com/embedfin/embedfin-go/treasury"
)

func main() { demo.Main(run) }

func run(ctx context.Context, out io.Writer) error {
	env, err := demo.Setup(out, demo.Config{})
	if err != nil {
		return err
	}
	defer env.Close()
	yes := embedfin.Ptr(true)

	env.Step("Create the connected account (platform-controlled, Treasury and Issuing requested)")
	acct, err := connect.New(env.Client).Accounts.Create(ctx, &connect.AccountCreateParams{
		Country: embedfin.Ptr("US"),
		Email:   embedfin.Ptr("jenny.rosen@example.com"),
		Controller: &connect.AccountControllerParams{
			StripeDashboard:       &connect.AccountControllerStripeDashboardParams{Type: embedfin.Ptr(connect.AccountControllerStripeDashboardTypeNone)},
			Fees:                  &connect.AccountControllerFeesParams{Payer: embedfin.Ptr(connect.AccountControllerFeesPayerApplication)},
			Losses:                &connect.AccountControllerLossesParams{Payments: embedfin.Ptr(connect.ResponsiblePartyApplication)},
			RequirementCollection: embedfin.Ptr(connect.ResponsiblePartyApplication),
		},
		Capabilities: &connect.AccountCapabilitiesParams{
			Transfers:                &embedfin.AccessParams{Requested: yes},
			CardIssuing:              &embedfin.AccessParams{Requested: yes},
			Treasury:                 &embedfin.AccessParams{Requested: yes},
			USBankAccountACHPayments: &embedfin.AccessParams{Requested: yes},
		},
	})
	if err != nil {
		return err
	}
	env.Printf("account %s; treasury capability %s, card_issuing %s", acct.ID, embedfin.Deref(acct.Capabilities.Treasury), embedfin.Deref(acct.Capabilities.CardIssuing))
	onBehalf := embedfin.WithStripeAccount(acct.ID)

	env.Step("Send the account holder through onboarding")
	link, err := connect.New(env.Client).AccountLinks.Create(ctx, &connect.AccountLinkCreateParams{
		Account:    embedfin.Ptr(acct.ID),
		RefreshURL: embedfin.Ptr("https://example.com/reauth"),
		ReturnURL:  embedfin.Ptr("https://example.com/return"),
		Type:       embedfin.Ptr(connect.AccountLinkTypeAccountOnboarding),
	})
	if err != nil {
		return err
	}
	env.Printf("onboarding link (valid until %s): %s", time.Unix(link.ExpiresAt, 0).UTC().Format(time.TimeOnly), link.URL)
	env.Printf("currently due: %v", acct.Requirements.CurrentlyDue)
	acct, err = env.Onboard(ctx, acct.ID, link)
	if err != nil {
		return err
	}
	env.Printf("onboarded: treasury capability %s, card_issuing %s, nothing due %v",
		embedfin.Deref(acct.Capabilities.Treasury), embedfin.Deref(acct.Capabilities.CardIssuing), len(acct.Requirements.CurrentlyDue) == 0)

	env.Step("Open a financial account for it, requesting features")
	tr := treasury.New(env.Client)
	fa, err := tr.FinancialAccounts.Create(ctx, &treasury.FinancialAccountCreateParams{
		SupportedCurrencies: []string{"usd"},
		Features: &treasury.FinancialAccountFeaturesParams{
			CardIssuing:        &embedfin.AccessParams{Requested: yes},
			DepositInsurance:   &embedfin.AccessParams{Requested: yes},
			FinancialAddresses: &treasury.FinancialAccountFeaturesFinancialAddressesParams{ABA: &embedfin.AccessParams{Requested: yes}},
			InboundTransfers:   &treasury.FinancialAccountFeaturesInboundTransfersParams{ACH: &embedfin.AccessParams{Requested: yes}},
			IntraStripeFlows:   &embedfin.AccessParams{Requested: yes},
		},
	}, onBehalf)
	if err != nil {
		return err
	}
	env.Printf("financial account %s: active %v, pending %v", fa.ID, fa.ActiveFeatures, fa.PendingFeatures)
	fa, err = tr.FinancialAccounts.WaitForFeatures(ctx, fa.ID,
		[]treasury.Feature{treasury.FeatureCardIssuing, treasury.FeatureFinancialAddressesABA}, nil, onBehalf)
	if err != nil {
		return err
	}
	env.Printf("features now active: %v", fa.ActiveFeatures)
	for _, addr := range fa.FinancialAddresses {
		if addr.ABA != nil {
			env.Printf("ABA address: routing %s, account ending %s", addr.ABA.RoutingNumber, addr.ABA.AccountNumberLast4)
		}
	}

	balance := func(label string) (treasury.Balance, error) {
		cur, err := tr.FinancialAccounts.Retrieve(ctx, fa.ID, nil, onBehalf)
		if err != nil {
			return treasury.Balance{}, err
		}
		b := cur.BalanceIn("usd")
		env.Printf("%s: cash %s, outbound pending %s, inbound pending %s", label, demo.Money(b.Cash), demo.Money(b.OutboundPending), demo.Money(b.InboundPending))
		return b, nil
	}

	env.Step("Fund it (a test received credit of $200.00)")
	credit, err := tr.TestHelpers.ReceivedCredits.Create(ctx, &treasury.ReceivedCreditTestCreateParams{
		FinancialAccount: embedfin.Ptr(fa.ID),
		Amount:           embedfin.Ptr(int64(20000)),
		Currency:         embedfin.Ptr("usd"),
		Network:          embedfin.Ptr(treasury.ReceivedCreditNetworkACH),
	}, onBehalf)
	if err != nil {
		return err
	}
	env.Printf("received credit %s (%s)", credit.ID, credit.Status)
	if _, err := balance("balance"); err != nil {
		return err
	}

	env.Step("Issue a virtual card to a cardholder, spending from the financial account")
	is := issuing.New(env.Client)
	holder, err := is.Cardholders.Create(ctx, &issuing.CardholderCreateParams{
		Type:  embedfin.Ptr(issuing.CardholderTypeIndividual),
		Name:  embedfin.Ptr("Jenny Rosen"),
		Email: embedfin.Ptr("jenny.rosen@example.com"),
		Billing: &issuing.CardholderBillingParams{Address: &embedfin.AddressParams{
			Line1: embedfin.Ptr("1234 Main Street"), City: embedfin.Ptr("San Francisco"),
			State: embedfin.Ptr("CA"), PostalCode: embedfin.Ptr("94111"), Country: embedfin.Ptr("US"),
		}},
	}, onBehalf)
	if err != nil {
		return err
	}
	card, err := is.Cards.Create(ctx, &issuing.CardCreateParams{
		Cardholder:       embedfin.Ptr(holder.ID),
		Currency:         embedfin.Ptr("usd"),
		Type:             embedfin.Ptr(issuing.CardTypeVirtual),
		Status:           embedfin.Ptr(issuing.CardStatusActive),
		FinancialAccount: embedfin.Ptr(fa.ID),
	}, onBehalf)
	if err != nil {
		return err
	}
	env.Printf("cardholder %s, card %s (%s ending %s)", holder.ID, card.ID, card.Brand, card.Last4)

	env.Step("A $10.00 ride: the card is authorized")
	auth, err := is.TestHelpers.Authorizations.Create(ctx, &issuing.AuthorizationTestCreateParams{
		Card:                embedfin.Ptr(card.ID),
		Amount:              embedfin.Ptr(int64(1000)),
		AuthorizationMethod: embedfin.Ptr(issuing.AuthorizationAuthorizationMethodChip),
		MerchantData: &issuing.AuthorizationMerchantDataParams{
			Category:   embedfin.Ptr(issuing.MerchantCategoryTaxicabsLimousines),
			City:       embedfin.Ptr("San Francisco"),
			Country:    embedfin.Ptr("US"),
			Name:       embedfin.Ptr("Rocket Rides"),
			NetworkID:  embedfin.Ptr("1234567890"),
			PostalCode: embedfin.Ptr("94107"),
			State:      embedfin.Ptr("CA"),
		},
	}, onBehalf)
	if err != nil {
		return err
	}
	env.Printf("authorization %s: approved=%v, status %s", auth.ID, auth.Approved, auth.Status)
	afterAuth, err := balance("balance")
	if err != nil {
		return err
	}

	env.Step("The merchant captures it")
	captured, err := is.TestHelpers.Authorizations.Capture(ctx, auth.ID, nil, onBehalf)
	if err != nil {
		return err
	}
	env.Printf("authorization %s is %s", captured.ID, captured.Status)
	for txn, err := range is.Transactions.All(ctx, &issuing.TransactionListParams{Card: embedfin.Ptr(card.ID)}, onBehalf) {
		if err != nil {
			return err
		}
		env.Printf("issuing transaction %s: %s %s at %s", txn.ID, txn.Type, demo.Money(txn.Amount), embedfin.Deref(txn.MerchantData.Name))
	}
	afterCapture, err := balance("balance")
	if err != nil {
		return err
	}

	env.Step("A $500.00 purchase is more than the account holds: declined")
	big, err := is.TestHelpers.Authorizations.Create(ctx, &issuing.AuthorizationTestCreateParams{
		Card: embedfin.Ptr(card.ID), Amount: embedfin.Ptr(int64(50000)),
	}, onBehalf)
	if err != nil {
		return err
	}
	env.Printf("authorization %s: approved=%v, status %s", big.ID, big.Approved, big.Status)
	if _, err := balance("balance (unchanged)"); err != nil {
		return err
	}

	if afterAuth.Cash != 19000 || afterAuth.OutboundPending != 1000 || afterCapture.Cash != 19000 || afterCapture.OutboundPending != 0 || big.Approved {
		return fmt.Errorf("unexpected balances: after authorization %+v, after capture %+v, big approved %v", afterAuth, afterCapture, big.Approved)
	}
	return nil
}
