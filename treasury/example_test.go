package treasury_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/treasury"
)

// printRequest shows what the fake API received: the request line, the
// connected account it acts for, then the form or query values sorted by
// key.
func printRequest(r *http.Request) {
	_ = r.ParseForm()
	if acct := r.Header.Get("Stripe-Account"); acct != "" {
		fmt.Println(r.Method, r.URL.Path, "as", acct)
	} else {
		fmt.Println(r.Method, r.URL.Path)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Form)) {
		fmt.Printf("  %s=%s\n", k, strings.Join(r.Form[k], ","))
	}
}

func ExampleFinancialAccountService_Create() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"fa_1Nv0IL2eZvKYlo2C","object":"treasury.financial_account","created":1612927106,
			"country":"US","supported_currencies":["usd"],"status":"open","livemode":false,
			"active_features":["card_issuing"],"pending_features":["financial_addresses.aba","inbound_transfers.ach"],
			"restricted_features":[],"financial_addresses":[],
			"balance":{"cash":{"usd":0},"inbound_pending":{"usd":0},"outbound_pending":{"usd":0}}}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	tr := treasury.New(c)

	requested := embedfin.Ptr(true)
	fa, err := tr.FinancialAccounts.Create(context.Background(), &treasury.FinancialAccountCreateParams{
		SupportedCurrencies: []string{"usd"},
		Features: &treasury.FinancialAccountFeaturesParams{
			CardIssuing:        &embedfin.AccessParams{Requested: requested},
			FinancialAddresses: &treasury.FinancialAccountFeaturesFinancialAddressesParams{ABA: &embedfin.AccessParams{Requested: requested}},
			InboundTransfers:   &treasury.FinancialAccountFeaturesInboundTransfersParams{ACH: &embedfin.AccessParams{Requested: requested}},
		},
	}, embedfin.WithStripeAccount("acct_1Nv0FGQ9RKHgCVdK"))
	if err != nil {
		panic(err)
	}
	// Some features activate at once, others after a while.
	fmt.Println(fa.ID, fa.Status)
	fmt.Println("active:", fa.ActiveFeatures, "pending:", fa.PendingFeatures)
	// Output:
	// POST /v1/treasury/financial_accounts as acct_1Nv0FGQ9RKHgCVdK
	//   features[card_issuing][requested]=true
	//   features[financial_addresses][aba][requested]=true
	//   features[inbound_transfers][ach][requested]=true
	//   supported_currencies[0]=usd
	// fa_1Nv0IL2eZvKYlo2C open
	// active: [card_issuing] pending: [financial_addresses.aba inbound_transfers.ach]
}

func ExampleFinancialAccountService_RetrieveFeatures() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"object":"treasury.financial_account_features",
			"card_issuing":{"requested":true,"status":"active","status_details":[]},
			"financial_addresses":{"aba":{"requested":true,"status":"pending",
			 "status_details":[{"code":"activating","resolution":null}]}},
			"inbound_transfers":{"ach":{"requested":true,"status":"active","status_details":[]}}}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	tr := treasury.New(c)

	f, err := tr.FinancialAccounts.RetrieveFeatures(context.Background(), "fa_1Nv0IL2eZvKYlo2C", nil,
		embedfin.WithStripeAccount("acct_1Nv0FGQ9RKHgCVdK"))
	if err != nil {
		panic(err)
	}
	fmt.Println("card_issuing:", f.CardIssuing.Status)
	fmt.Println("financial_addresses.aba:", f.FinancialAddresses.ABA.Status, f.FinancialAddresses.ABA.StatusDetails[0].Code)
	fmt.Println("inbound_transfers.ach:", f.InboundTransfers.ACH.Status)
	// Output:
	// GET /v1/treasury/financial_accounts/fa_1Nv0IL2eZvKYlo2C/features as acct_1Nv0FGQ9RKHgCVdK
	// card_issuing: active
	// financial_addresses.aba: pending activating
	// inbound_transfers.ach: active
}

// In test mode, a ReceivedCredit funds a financial account as an incoming
// ACH credit would.
func ExampleTestHelpersReceivedCreditService_Create() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		if r.Method == http.MethodPost {
			fmt.Fprint(w, `{"id":"rc_1Nv0KT2eZvKYlo2C","object":"treasury.received_credit","amount":20000,
				"currency":"usd","network":"ach","status":"succeeded","financial_account":"fa_1Nv0IL2eZvKYlo2C",
				"description":"Initial funding","transaction":"trxn_1Nv0KT2eZvKYlo2C"}`)
			return
		}
		fmt.Fprint(w, `{"id":"fa_1Nv0IL2eZvKYlo2C","object":"treasury.financial_account","status":"open",
			"balance":{"cash":{"usd":20000},"inbound_pending":{"usd":0},"outbound_pending":{"usd":0}}}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	tr := treasury.New(c)
	ctx := context.Background()
	asAccount := embedfin.WithStripeAccount("acct_1Nv0FGQ9RKHgCVdK")

	rc, err := tr.TestHelpers.ReceivedCredits.Create(ctx, &treasury.ReceivedCreditTestCreateParams{
		FinancialAccount: embedfin.Ptr("fa_1Nv0IL2eZvKYlo2C"),
		Amount:           embedfin.Ptr(int64(20000)),
		Currency:         embedfin.Ptr("usd"),
		Network:          embedfin.Ptr(treasury.ReceivedCreditNetworkACH),
		Description:      embedfin.Ptr("Initial funding"),
	}, asAccount)
	if err != nil {
		panic(err)
	}
	fmt.Println(rc.ID, rc.Status, rc.Transaction.ID)

	fa, err := tr.FinancialAccounts.Retrieve(ctx, "fa_1Nv0IL2eZvKYlo2C", nil, asAccount)
	if err != nil {
		panic(err)
	}
	fmt.Println("cash:", fa.Balance.Cash["usd"], "outbound pending:", fa.Balance.OutboundPending["usd"])
	// Output:
	// POST /v1/test_helpers/treasury/received_credits as acct_1Nv0FGQ9RKHgCVdK
	//   amount=20000
	//   currency=usd
	//   description=Initial funding
	//   financial_account=fa_1Nv0IL2eZvKYlo2C
	//   network=ach
	// rc_1Nv0KT2eZvKYlo2C succeeded trxn_1Nv0KT2eZvKYlo2C
	// GET /v1/treasury/financial_accounts/fa_1Nv0IL2eZvKYlo2C as acct_1Nv0FGQ9RKHgCVdK
	// cash: 20000 outbound pending: 0
}
