package customers_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
)

// printRequest shows what the fake API received: the request line, then the
// form or query values sorted by key.
func printRequest(r *http.Request) {
	_ = r.ParseForm()
	fmt.Println(r.Method, r.URL.Path)
	for _, k := range slices.Sorted(maps.Keys(r.Form)) {
		fmt.Printf("  %s=%s\n", k, strings.Join(r.Form[k], ","))
	}
}

func ExampleCustomerService_Create() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"cus_NffrFeUfNV2Hib","object":"customer","created":1651783000,"livemode":false,
			"name":"Jenny Rosen","email":"jennyrosen@example.com","phone":"+1 212-555-5555",
			"address":{"line1":"354 Oyster Point Blvd","line2":null,"city":"South San Francisco",
			 "state":"CA","postal_code":"94080","country":"US"}}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	cs := customers.New(c)

	// Everything Ownership Match can later compare with the bank's records.
	cust, err := cs.Customers.Create(context.Background(), &customers.CustomerCreateParams{
		Name:  embedfin.Ptr("Jenny Rosen"),
		Email: embedfin.Ptr("jennyrosen@example.com"),
		Phone: embedfin.Ptr("+1 212-555-5555"),
		Address: &embedfin.AddressParams{
			Line1:      embedfin.Ptr("354 Oyster Point Blvd"),
			City:       embedfin.Ptr("South San Francisco"),
			State:      embedfin.Ptr("CA"),
			PostalCode: embedfin.Ptr("94080"),
			Country:    embedfin.Ptr("US"),
		},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(cust.ID, *cust.Name, *cust.Address.City, cust.Address.Line2 == nil)
	// Output:
	// POST /v1/customers
	//   address[city]=South San Francisco
	//   address[country]=US
	//   address[line1]=354 Oyster Point Blvd
	//   address[postal_code]=94080
	//   address[state]=CA
	//   email=jennyrosen@example.com
	//   name=Jenny Rosen
	//   phone=+1 212-555-5555
	// cus_NffrFeUfNV2Hib Jenny Rosen South San Francisco true
}

func ExampleCustomerService_SearchAll() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		if r.URL.Query().Get("page") == "" {
			fmt.Fprint(w, `{"object":"search_result","url":"/v1/customers/search","has_more":true,"next_page":"page_2",
				"data":[{"id":"cus_NffrFeUfNV2Hib","object":"customer","email":"jennyrosen@example.com","name":"Jenny Rosen"}]}`)
			return
		}
		fmt.Fprint(w, `{"object":"search_result","url":"/v1/customers/search","has_more":false,"next_page":null,
			"data":[{"id":"cus_OtdrTbPCGAbnIs","object":"customer","email":"jennyrosen@example.com","name":"J. Rosen"}]}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	cs := customers.New(c)

	// Find an existing customer before creating one; SearchAll follows
	// next_page as the loop asks for more.
	params := &customers.CustomerSearchParams{}
	params.Query = "email:'jennyrosen@example.com'"
	for cust, err := range cs.Customers.SearchAll(context.Background(), params) {
		if err != nil {
			panic(err)
		}
		fmt.Println(cust.ID, *cust.Name)
	}
	// Output:
	// GET /v1/customers/search
	//   query=email:'jennyrosen@example.com'
	// cus_NffrFeUfNV2Hib Jenny Rosen
	// GET /v1/customers/search
	//   page=page_2
	//   query=email:'jennyrosen@example.com'
	// cus_OtdrTbPCGAbnIs J. Rosen
}

func ExampleCustomerService_Retrieve() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"cus_NffrFeUfNV2Hib","object":"customer","deleted":true}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	cs := customers.New(c)

	// A deleted customer still retrieves, as a stub with Deleted set.
	cust, err := cs.Customers.Retrieve(context.Background(), "cus_NffrFeUfNV2Hib", nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(cust.ID, cust.Deleted)
	// Output:
	// GET /v1/customers/cus_NffrFeUfNV2Hib
	// cus_NffrFeUfNV2Hib true
}
