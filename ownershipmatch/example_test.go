package ownershipmatch_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/ownershipmatch"
)

func ExampleOwnershipMatchService_Create() {
	// A stand-in for Stripe that answers with the guide's example.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		fmt.Println("Stripe-Version:", r.Header.Get("Stripe-Version"))
		fmt.Println("type:", r.PostForm.Get("type"), "customer:", r.PostForm.Get("customer"))
		fmt.Fprint(w, seedResponse)
	}))
	defer srv.Close()
	c, _ := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))

	res, err := ownershipmatch.New(c).OwnershipMatches.Create(context.Background(), &ownershipmatch.CreateParams{
		FinancialConnectionsAccount: embedfin.Ptr("fca_1MwVK82eZvKYlo2Cjw8FMxXf"),
		Type:                        embedfin.Ptr(ownershipmatch.TypeCustomer),
		Customer:                    embedfin.Ptr("cus_NffrFeUfNV2Hib"),
	})
	if err != nil {
		panic(err)
	}
	for _, f := range ownershipmatch.Fields {
		if score, ok := res.Results.Field(f).Score(); ok {
			fmt.Printf("%s: %d (%s)\n", f, score, ownershipmatch.Interpret(f, score))
		} else {
			fmt.Printf("%s: no data\n", f)
		}
	}
	// Output:
	// Stripe-Version: 2026-08-26.dahlia; financial_connections_ownership_match_api_preview=v1
	// type: customer customer: cus_NffrFeUfNV2Hib
	// name: 85 (very_strong)
	// email: 65 (possible)
	// phone: no data
	// address: 100 (exact)
}

func ExampleInterpret() {
	fmt.Println(ownershipmatch.Interpret(ownershipmatch.FieldName, 72))
	fmt.Println(ownershipmatch.Interpret(ownershipmatch.FieldPhone, 72)) // phones: a wrong digit
	fmt.Println(ownershipmatch.Interpret(ownershipmatch.FieldPhone, 30)) // phones: same area code only
	// Output:
	// strong
	// possible
	// unlikely
}

func ExamplePolicy_Decide() {
	score := func(n int64) *ownershipmatch.FieldResult {
		return &ownershipmatch.FieldResult{MatchScore: &n}
	}
	results := &ownershipmatch.Results{
		Name:    score(85),
		Email:   score(65),
		Address: score(100),
		Phone:   &ownershipmatch.FieldResult{MissingData: true},
	}
	// Names matter most here; the phone has no data and is left out.
	p := ownershipmatch.Policy{
		Weights:   map[ownershipmatch.Field]float64{"name": 2, "email": 1, "phone": 1, "address": 1},
		ProceedAt: 80,
		StepUpAt:  60,
	}
	a, err := p.Decide(results)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s at %.2f using %v, skipping %v\n", a.Decision, a.Score, a.Used, a.Skipped)
	// Output: proceed at 83.75 using [name email address], skipping [phone]
}
