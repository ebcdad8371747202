package main

import (
	"context"
	"fmt"
	"io"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/examples/internal/demo"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/stripetest"
)

func main() { demo.Main(run) }

func run(ctx context.Context, out io.Writer) error {
	env, err := demo.Setup(out, demo.Config{})
	if err != nil {
		return err
	}
	defer env.Close()
	client := fc.New(env.Client)

	env.Step("Create the account holder (a Customer with an email, so Link can shorten the flow)")
	cust, err := customers.New(env.Client).Customers.Create(ctx, &customers.CustomerCreateParams{
		Name:  embedfin.Ptr("Jenny Rosen"),
		Email: embedfin.Ptr("jennyrosen@example.com"),
	})
	if err != nil {
		return err
	}
	env.Printf("customer %s", cust.ID)

	env.Step("Create a Financial Connections session for the customer")
	sess, err := client.Sessions.Create(ctx, &fc.SessionCreateParams{
		AccountHolder: &fc.SessionAccountHolderParams{
			Type:     embedfin.Ptr(fc.AccountHolderTypeCustomer),
			Customer: embedfin.Ptr(cust.ID),
		},
		Permissions: []fc.Permission{fc.PermissionBalances, fc.PermissionOwnership, fc.PermissionTransactions},
		Prefetch:    []fc.SessionPrefetch{fc.SessionPrefetchBalances},
	})
	if err != nil {
		return err
	}
	env.Printf("session %s; hand its client secret to Stripe.js (never log or store it)", sess.ID)

	env.Step("The user links an account")
	accts, err := env.LinkAccounts(ctx, sess.ID, &stripetest.CompleteSessionParams{
		Accounts: []*stripetest.LinkedAccountParams{{DisplayName: embedfin.Ptr("Premium Checking"), Last4: embedfin.Ptr("4242")}},
	})
	if err != nil {
		return err
	}
	acct := accts[0]
	env.Printf("%s: %s at %s, ending %s (%s/%s)", acct.ID, embedfin.Deref(acct.DisplayName), acct.InstitutionName, embedfin.Deref(acct.Last4), acct.Category, acct.Subcategory)

	env.Step("Balance (prefetched at link time: wait for it to land)")
	acct, err = client.Accounts.WaitForRefresh(ctx, acct.ID, fc.AccountFeatureBalance, nil)
	if err != nil {
		return err
	}
	if b := acct.Balance; b != nil {
		env.Printf("current %s, available %s (as of %d)", demo.Money(b.Current["usd"]), demo.Money(b.Cash.Available["usd"]), b.AsOf)
	}

	env.Step("Ownership: refresh it, then list the owners the bank reports")
	acct, err = client.Accounts.RefreshAndWait(ctx, acct.ID, fc.AccountFeatureOwnership, nil)
	if err != nil {
		return err
	}
	for owner, err := range client.Accounts.AllOwners(ctx, acct.ID, &fc.AccountListOwnersParams{Ownership: embedfin.Ptr(acct.Ownership.ID)}) {
		if err != nil {
			return err
		}
		env.Printf("owner %q, email %s, address %s", owner.Name, embedfin.Deref(owner.Email), embedfin.Deref(owner.RawAddress))
	}

	env.Step("Transactions: refresh them, then list the latest")
	acct, err = client.Accounts.RefreshAndWait(ctx, acct.ID, fc.AccountFeatureTransactions, nil)
	if err != nil {
		return err
	}
	params := &fc.TransactionListParams{Account: embedfin.Ptr(acct.ID)}
	params.Limit = embedfin.Ptr(int64(5))
	page, err := client.Transactions.List(ctx, params)
	if err != nil {
		return err
	}
	for _, t := range page.Data {
		env.Printf("%-9s %10s  %s", t.Status, demo.Money(t.Amount), t.Description)
	}
	total := 0
	for _, err := range client.Transactions.All(ctx, &fc.TransactionListParams{Account: embedfin.Ptr(acct.ID)}) {
		if err != nil {
			return err
		}
		total++
	}
	env.Printf("%d transactions in the history fetched by refresh %s", total, acct.TransactionRefresh.ID)
	if total == 0 {
		return fmt.Errorf("no transactions came back")
	}
	return nil
}
