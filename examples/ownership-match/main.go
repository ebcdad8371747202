package main

import (
	"context"
	"fmt"
	"io"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/examples/internal/demo"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	om "github.com/embedfin/embedfin-go/ownershipmatch"
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
	matcher := om.New(env.Client).OwnershipMatches

	env.Step("The customer you know (recommended: Stripe compares without you handling the data)")
	cust, err := customers.New(env.Client).Customers.Create(ctx, &customers.CustomerCreateParams{
		Name:  embedfin.Ptr("Jenny Rosen"),
		Email: embedfin.Ptr("jennyrosen@example.com"),
		Phone: embedfin.Ptr("+1 212-555-5555"),
		Address: &embedfin.AddressParams{
			Line1: embedfin.Ptr("354 Oyster Point Blvd"), City: embedfin.Ptr("South San Francisco"),
			State: embedfin.Ptr("CA"), PostalCode: embedfin.Ptr("94080"), Country: embedfin.Ptr("US"),
		},
	})
	if err != nil {
		return err
	}
	env.Printf("customer %s", cust.ID)

	env.Step("Link an account with the ownership permission, prefetching ownership")
	sess, err := client.Sessions.Create(ctx, &fc.SessionCreateParams{
		AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
		Permissions:   []fc.Permission{fc.PermissionOwnership, fc.PermissionPaymentMethod},
		Prefetch:      []fc.SessionPrefetch{fc.SessionPrefetchOwnership},
	})
	if err != nil {
		return err
	}
	// The bank knows the owner under a slightly different name and email.
	accts, err := env.LinkAccounts(ctx, sess.ID, &stripetest.CompleteSessionParams{
		Accounts: []*stripetest.LinkedAccountParams{{Owners: []*stripetest.LinkedOwnerParams{{
			Name:       embedfin.Ptr("Jennifer Rosen"),
			Email:      embedfin.Ptr("jennyrosen@test.com"),
			RawAddress: embedfin.Ptr("354 Oyster Point Blvd South San Francisco, CA 94080 USA"),
		}}}},
	})
	if err != nil {
		return err
	}
	acct, err := client.Accounts.WaitForRefresh(ctx, accts[0].ID, fc.AccountFeatureOwnership, nil)
	if err != nil {
		return err
	}
	env.Printf("account %s, ownership %s", acct.ID, acct.Ownership.ID)

	show := func(label string, m *om.OwnershipMatch) {
		env.Printf("%s -> %s", label, m.ID)
		for _, f := range om.Fields {
			r := m.Results.Field(f)
			switch s, ok := r.Score(); {
			case r == nil:
				env.Printf("  %-8s not compared", f)
			case !ok:
				env.Printf("  %-8s no data", f)
			default:
				env.Printf("  %-8s %3d  %s", f, s, om.Interpret(f, s))
			}
		}
	}

	env.Step("Mode 1: only the account; Stripe compares with the customer holding it")
	m1, err := matcher.Create(ctx, &om.CreateParams{FinancialConnectionsAccount: embedfin.Ptr(acct.ID)})
	if err != nil {
		return err
	}
	show("account holder", m1)

	env.Step("Mode 2: an explicit customer (type=customer)")
	m2, err := matcher.Create(ctx, &om.CreateParams{
		FinancialConnectionsAccount: embedfin.Ptr(acct.ID),
		Type:                        embedfin.Ptr(om.TypeCustomer),
		Customer:                    embedfin.Ptr(cust.ID),
	})
	if err != nil {
		return err
	}
	show("customer", m2)

	env.Step("Mode 3: owner data you collected yourself (type=owner_information)")
	m3, err := matcher.Create(ctx, &om.CreateParams{
		FinancialConnectionsAccount: embedfin.Ptr(acct.ID),
		Type:                        embedfin.Ptr(om.TypeOwnerInformation),
		OwnerInformation: &om.OwnerInformationParams{
			Name:  embedfin.Ptr("Jenny Rosen"),
			Email: embedfin.Ptr("jennyrosen@example.com"),
			Phone: embedfin.Ptr("+1 212-555-5555"),
			Address: &om.AddressParams{
				Line1: embedfin.Ptr("354 Oyster Point Blvd"), Line2: embedfin.Ptr(""),
				City: embedfin.Ptr("South San Francisco"), State: embedfin.Ptr("CA"),
				PostalCode: embedfin.Ptr("94080"), Country: embedfin.Ptr("US"),
			},
		},
	})
	if err != nil {
		return err
	}
	show("owner information", m3)

	env.Step("Decide: the name counts double; fields without data are left out, not scored 0")
	policy := om.Policy{
		Weights:   map[om.Field]float64{om.FieldName: 2, om.FieldEmail: 1, om.FieldPhone: 1, om.FieldAddress: 1},
		ProceedAt: 70,
		StepUpAt:  60,
	}
	a, err := policy.Decide(&m3.Results)
	if err != nil {
		return err
	}
	env.Printf("weighted score %.1f over %v (skipped %v): %s", a.Score, a.Used, a.Skipped, a.Decision)
	switch a.Decision {
	case om.Proceed:
		env.Printf("=> proceed with the payment")
	case om.StepUp:
		env.Printf("=> ask for more proof (an ID document) before going on")
	default:
		env.Printf("=> cancel")
	}
	if a.Decision == "" {
		return fmt.Errorf("no decision")
	}
	return nil
}
