package issuing_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/issuing"
)

// printRequest shows what the fake API received: the request line, the
// connected account it acts for, then the form values sorted by key.
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

func ExampleCardholderService_Create() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"ich_1Nv0JH2eZvKYlo2C","object":"issuing.cardholder","type":"individual",
			"name":"Jenny Rosen","email":"jenny.rosen@example.com","status":"active","livemode":false,
			"billing":{"address":{"line1":"510 Townsend St","line2":null,"city":"San Francisco",
			 "state":"CA","postal_code":"94103","country":"US"}},
			"requirements":{"disabled_reason":null,"past_due":[]}}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	is := issuing.New(c)

	ch, err := is.Cardholders.Create(context.Background(), &issuing.CardholderCreateParams{
		Type:  embedfin.Ptr(issuing.CardholderTypeIndividual),
		Name:  embedfin.Ptr("Jenny Rosen"),
		Email: embedfin.Ptr("jenny.rosen@example.com"),
		Billing: &issuing.CardholderBillingParams{Address: &embedfin.AddressParams{
			Line1:      embedfin.Ptr("510 Townsend St"),
			City:       embedfin.Ptr("San Francisco"),
			State:      embedfin.Ptr("CA"),
			PostalCode: embedfin.Ptr("94103"),
			Country:    embedfin.Ptr("US"),
		}},
	}, embedfin.WithStripeAccount("acct_1Nv0FGQ9RKHgCVdK"))
	if err != nil {
		panic(err)
	}
	fmt.Println(ch.ID, ch.Status, len(ch.Requirements.PastDue))
	// Output:
	// POST /v1/issuing/cardholders as acct_1Nv0FGQ9RKHgCVdK
	//   billing[address][city]=San Francisco
	//   billing[address][country]=US
	//   billing[address][line1]=510 Townsend St
	//   billing[address][postal_code]=94103
	//   billing[address][state]=CA
	//   email=jenny.rosen@example.com
	//   name=Jenny Rosen
	//   type=individual
	// ich_1Nv0JH2eZvKYlo2C active 0
}

func ExampleCardService_Create() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"ic_1Nv0JY2eZvKYlo2C","object":"issuing.card","type":"virtual","status":"active",
			"brand":"Visa","currency":"usd","last4":"4242","exp_month":8,"exp_year":2029,
			"financial_account":"fa_1Nv0IL2eZvKYlo2C",
			"cardholder":{"id":"ich_1Nv0JH2eZvKYlo2C","object":"issuing.cardholder","name":"Jenny Rosen","type":"individual"}}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	is := issuing.New(c)

	// A virtual card spending from the connected account's financial account.
	card, err := is.Cards.Create(context.Background(), &issuing.CardCreateParams{
		Cardholder:       embedfin.Ptr("ich_1Nv0JH2eZvKYlo2C"),
		FinancialAccount: embedfin.Ptr("fa_1Nv0IL2eZvKYlo2C"),
		Currency:         embedfin.Ptr("usd"),
		Type:             embedfin.Ptr(issuing.CardTypeVirtual),
	}, embedfin.WithStripeAccount("acct_1Nv0FGQ9RKHgCVdK"))
	if err != nil {
		panic(err)
	}
	fmt.Println(card.ID, card.Status, card.Last4, card.Cardholder.Name)
	// Output:
	// POST /v1/issuing/cards as acct_1Nv0FGQ9RKHgCVdK
	//   cardholder=ich_1Nv0JH2eZvKYlo2C
	//   currency=usd
	//   financial_account=fa_1Nv0IL2eZvKYlo2C
	//   type=virtual
	// ic_1Nv0JY2eZvKYlo2C active 4242 Jenny Rosen
}

func ExampleTestHelpersAuthorizationService_Create() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"iauth_1NvPyY2SSJdH5vn2xZQE8C7k","object":"issuing.authorization","amount":1000,
			"currency":"usd","approved":true,"status":"pending","authorization_method":"chip","transactions":[],
			"card":{"id":"ic_1Nv0JY2eZvKYlo2C","object":"issuing.card","last4":"4242"},
			"merchant_data":{"category":"taxicabs_limousines","name":"Rocket Rides","city":"San Francisco","country":"US"}}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	is := issuing.New(c)

	// A simulated purchase; test-mode keys only.
	auth, err := is.TestHelpers.Authorizations.Create(context.Background(), &issuing.AuthorizationTestCreateParams{
		Card:                embedfin.Ptr("ic_1Nv0JY2eZvKYlo2C"),
		Amount:              embedfin.Ptr(int64(1000)),
		AuthorizationMethod: embedfin.Ptr(issuing.AuthorizationAuthorizationMethodChip),
		MerchantData: &issuing.AuthorizationMerchantDataParams{
			Category: embedfin.Ptr(issuing.MerchantCategoryTaxicabsLimousines),
			Name:     embedfin.Ptr("Rocket Rides"),
			City:     embedfin.Ptr("San Francisco"),
			Country:  embedfin.Ptr("US"),
		},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(auth.ID, auth.Status, auth.Approved, auth.Amount, auth.Currency)
	// Output:
	// POST /v1/test_helpers/issuing/authorizations
	//   amount=1000
	//   authorization_method=chip
	//   card=ic_1Nv0JY2eZvKYlo2C
	//   merchant_data[category]=taxicabs_limousines
	//   merchant_data[city]=San Francisco
	//   merchant_data[country]=US
	//   merchant_data[name]=Rocket Rides
	// iauth_1NvPyY2SSJdH5vn2xZQE8C7k pending true 1000 usd
}

func ExampleTestHelpersAuthorizationService_Capture() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"iauth_1NvPyY2SSJdH5vn2xZQE8C7k","object":"issuing.authorization","amount":0,
			"currency":"usd","approved":true,"status":"closed",
			"card":{"id":"ic_1Nv0JY2eZvKYlo2C","object":"issuing.card","last4":"4242"},
			"transactions":[{"id":"ipi_1NvQ0b2SSJdH5vn2Afx0kDsL","object":"issuing.transaction","type":"capture",
			 "amount":-1000,"currency":"usd","authorization":"iauth_1NvPyY2SSJdH5vn2xZQE8C7k","card":"ic_1Nv0JY2eZvKYlo2C"}]}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	is := issuing.New(c)

	// Capturing closes the authorization and records an Issuing transaction.
	auth, err := is.TestHelpers.Authorizations.Capture(context.Background(), "iauth_1NvPyY2SSJdH5vn2xZQE8C7k", nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(auth.Status)
	for _, txn := range auth.Transactions {
		fmt.Println(txn.ID, txn.Type, txn.Amount, txn.Authorization.ID)
	}
	// Output:
	// POST /v1/test_helpers/issuing/authorizations/iauth_1NvPyY2SSJdH5vn2xZQE8C7k/capture
	// closed
	// ipi_1NvQ0b2SSJdH5vn2Afx0kDsL capture -1000 iauth_1NvPyY2SSJdH5vn2xZQE8C7k
}
