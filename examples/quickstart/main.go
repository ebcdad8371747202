package main

import (
	"context"
	"fmt"
	"io"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/examples/internal/demo"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/issuing"
	om "github.com/embedfin/embedfin-go/ownershipmatch"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/embedfin/embedfin-go/treasury"
)

func main() { demo.Main(run) }

func run(ctx context.Context, out io.Writer) error {
	env, err := demo.Setup(out, demo.Config{})
	if err != nil {
		return err
	}
	defer env.Close()
	bank := fc.New(env.Client)

	env.Step("A customer links their bank account")
	cust, err := customers.New(env.Client).Customers.Create(ctx, &customers.CustomerCreateParams{
		Name: embedfin.Ptr("Jenny Rosen"), Email: embedfin.Ptr("jennyrosen@example.com"), Phone: embedfin.Ptr("+1 212-555-5555"),
	})
	if err != nil {
		return err
	}
	sess, err := bank.Sessions.Create(ctx, &fc.SessionCreateParams{
		AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
		Permissions:   []fc.Permission{fc.PermissionBalances, fc.PermissionOwnership, fc.PermissionTransactions},
		Prefetch:      []fc.SessionPrefetch{fc.SessionPrefetchBalances, fc.SessionPrefetchOwnership},
	})
	if err != nil {
		return err
	}
	accts, err := env.LinkAccounts(ctx, sess.ID, &stripetest.CompleteSessionParams{
		Accounts: []*stripetest.LinkedAccountParams{{Owners: []*stripetest.LinkedOwnerParams{{Name: embedfin.Ptr("Jenny Rosen"), Email: embedfin.Ptr("jennyrosen@example.com")}}}},
	})
	if err != nil {
		return err
	}
	acct := accts[0]
	env.Printf("customer %s linked %s (%s at %s)", cust.ID, acct.ID, embedfin.Deref(acct.DisplayName), acct.InstitutionName)

	env.Step("Balance and transactions")
	acct, err = bank.Accounts.WaitForRefresh(ctx, acct.ID, fc.AccountFeatureBalance, nil)
	if err != nil {
		return err
	}
	env.Printf("available balance %s", demo.Money(acct.Balance.Cash.Available["usd"]))
	if _, err := bank.Accounts.RefreshAndWait(ctx, acct.ID, fc.AccountFeatureTransactions, nil); err != nil {
		return err
	}
	stored := map[string]int64{}
	res := bank.Transactions.SyncTransactions(ctx, acct.ID, "", func(_ context.Context, t *fc.Transaction) error {
		stored[t.ID] = t.Amount
		return nil
	})
	if res.Err != nil {
		return res.Err
	}
	env.Printf("%d transactions stored; next sync starts after refresh %s", res.Upserted, res.Cursor)

	env.Step("Does the customer own the account? (Ownership Match, beta)")
	if _, err := bank.Accounts.WaitForRefresh(ctx, acct.ID, fc.AccountFeatureOwnership, nil); err != nil {
		return err
	}
	match, err := om.New(env.Client).OwnershipMatches.Create(ctx, &om.CreateParams{FinancialConnectionsAccount: embedfin.Ptr(acct.ID)})
	if err != nil {
		return err
	}
	decision, err := om.DefaultPolicy().Decide(&match.Results)
	if err != nil {
		return err
	}
	env.Printf("score %.0f over %v: %s", decision.Score, decision.Used, decision.Decision)

	env.Step("Embedded finance: a connected account with a funded financial account")
	yes := embedfin.Ptr(true)
	biz, err := connect.New(env.Client).Accounts.Create(ctx, &connect.AccountCreateParams{
		Country: embedfin.Ptr("US"),
		Capabilities: &connect.AccountCapabilitiesParams{
			Transfers: &embedfin.AccessParams{Requested: yes}, Treasury: &embedfin.AccessParams{Requested: yes}, CardIssuing: &embedfin.AccessParams{Requested: yes},
		},
	})
	if err != nil {
		return err
	}
	link, err := connect.New(env.Client).AccountLinks.Create(ctx, &connect.AccountLinkCreateParams{
		Account: embedfin.Ptr(biz.ID), Type: embedfin.Ptr(connect.AccountLinkTypeAccountOnboarding),
		RefreshURL: embedfin.Ptr("https://example.com/reauth"), ReturnURL: embedfin.Ptr("https://example.com/return"),
	})
	if err != nil {
		return err
	}
	if biz, err = env.Onboard(ctx, biz.ID, link); err != nil {
		return err
	}
	onBehalf := embedfin.WithStripeAccount(biz.ID)
	tr := treasury.New(env.Client)
	fa, err := tr.FinancialAccounts.Create(ctx, &treasury.FinancialAccountCreateParams{
		SupportedCurrencies: []string{"usd"},
		Features:            &treasury.FinancialAccountFeaturesParams{CardIssuing: &embedfin.AccessParams{Requested: yes}},
	}, onBehalf)
	if err != nil {
		return err
	}
	if _, err := tr.FinancialAccounts.WaitForFeatures(ctx, fa.ID, []treasury.Feature{treasury.FeatureCardIssuing}, nil, onBehalf); err != nil {
		return err
	}
	if _, err := tr.TestHelpers.ReceivedCredits.Create(ctx, &treasury.ReceivedCreditTestCreateParams{
		FinancialAccount: embedfin.Ptr(fa.ID), Amount: embedfin.Ptr(int64(20000)), Currency: embedfin.Ptr("usd"),
		Network: embedfin.Ptr(treasury.ReceivedCreditNetworkACH),
	}, onBehalf); err != nil {
		return err
	}
	env.Printf("connected account %s, financial account %s funded with %s", biz.ID, fa.ID, demo.Money(20000))

	env.Step("Issue a card and spend $10.00 with it")
	is := issuing.New(env.Client)
	holder, err := is.Cardholders.Create(ctx, &issuing.CardholderCreateParams{
		Type: embedfin.Ptr(issuing.CardholderTypeIndividual), Name: embedfin.Ptr("Jenny Rosen"),
		Billing: &issuing.CardholderBillingParams{Address: &embedfin.AddressParams{
			Line1: embedfin.Ptr("1234 Main Street"), City: embedfin.Ptr("San Francisco"), State: embedfin.Ptr("CA"),
			PostalCode: embedfin.Ptr("94111"), Country: embedfin.Ptr("US"),
		}},
	}, onBehalf)
	if err != nil {
		return err
	}
	card, err := is.Cards.Create(ctx, &issuing.CardCreateParams{
		Cardholder: embedfin.Ptr(holder.ID), Currency: embedfin.Ptr("usd"), Type: embedfin.Ptr(issuing.CardTypeVirtual),
		Status: embedfin.Ptr(issuing.CardStatusActive), FinancialAccount: embedfin.Ptr(fa.ID),
	}, onBehalf)
	if err != nil {
		return err
	}
	auth, err := is.TestHelpers.Authorizations.Create(ctx, &issuing.AuthorizationTestCreateParams{Card: embedfin.Ptr(card.ID), Amount: embedfin.Ptr(int64(1000))}, onBehalf)
	if err != nil {
		return err
	}
	if _, err := is.TestHelpers.Authorizations.Capture(ctx, auth.ID, nil, onBehalf); err != nil {
		return err
	}
	fa, err = tr.FinancialAccounts.Retrieve(ctx, fa.ID, nil, onBehalf)
	if err != nil {
		return err
	}
	b := fa.BalanceIn("usd")
	env.Printf("card %s ending %s: authorization %s approved=%v, captured", card.ID, card.Last4, auth.ID, auth.Approved)
	env.Printf("financial account balance: cash %s, outbound pending %s", demo.Money(b.Cash), demo.Money(b.OutboundPending))
	if b.Cash != 19000 || b.OutboundPending != 0 {
		return fmt.Errorf("unexpected balance %+v", b)
	}
	return nil
}
