package financialconnections_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/financialconnections"
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

func ExampleNew() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"object":"list","url":"/v1/financial_connections/accounts","has_more":false,"data":[
			{"id":"fca_456","object":"financial_connections.account","category":"cash","subcategory":"checking",
			 "display_name":"Premium Checking","institution_name":"Test Bank","last4":"4242","status":"active",
			 "permissions":["ownership","transactions"]}]}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	fc := financialconnections.New(c)

	// The accounts the user linked during a session.
	params := &financialconnections.AccountListParams{Session: embedfin.Ptr("fcsess_123")}
	for acct, err := range fc.Accounts.All(context.Background(), params) {
		if err != nil {
			panic(err)
		}
		fmt.Println(acct.ID, acct.InstitutionName, *acct.DisplayName, *acct.Last4, acct.Permissions)
	}
	// Output:
	// GET /v1/financial_connections/accounts
	//   session=fcsess_123
	// fca_456 Test Bank Premium Checking 4242 [ownership transactions]
}

func ExampleSessionService_Create() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"fcsess_1MwuUJ2eZvKYlo2C","object":"financial_connections.session","livemode":false,
			"client_secret":"fcsess_client_secret_KRJTeXrHb5WUmMZcpyTz8yZb",
			"account_holder":{"type":"customer","customer":"cus_NffrFeUfNV2Hib"},
			"permissions":["ownership","transactions"],"prefetch":["transactions"],
			"accounts":{"object":"list","data":[],"has_more":false,"url":"/v1/financial_connections/accounts"}}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	fc := financialconnections.New(c)

	sess, err := fc.Sessions.Create(context.Background(), &financialconnections.SessionCreateParams{
		AccountHolder: &financialconnections.SessionAccountHolderParams{
			Type:     embedfin.Ptr(financialconnections.AccountHolderTypeCustomer),
			Customer: embedfin.Ptr("cus_NffrFeUfNV2Hib"),
		},
		Permissions: []financialconnections.Permission{
			financialconnections.PermissionOwnership,
			financialconnections.PermissionTransactions,
		},
		Prefetch: []financialconnections.SessionPrefetch{financialconnections.SessionPrefetchTransactions},
	})
	if err != nil {
		panic(err)
	}
	// The client secret goes to Stripe.js, which runs the linking flow.
	fmt.Println(sess.ID, sess.AccountHolder.Customer.ID, *sess.ClientSecret != "")
	// Output:
	// POST /v1/financial_connections/sessions
	//   account_holder[customer]=cus_NffrFeUfNV2Hib
	//   account_holder[type]=customer
	//   permissions[0]=ownership
	//   permissions[1]=transactions
	//   prefetch[0]=transactions
	// fcsess_1MwuUJ2eZvKYlo2C cus_NffrFeUfNV2Hib true
}

func ExampleAccountService_Refresh() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"fca_1LDYuMGxLVUXRs6HW0lrat9T","object":"financial_connections.account",
			"display_name":"Savings","institution_name":"Test Bank","status":"active",
			"permissions":["transactions"],"subscriptions":["transactions"],
			"transaction_refresh":{"id":"fctxnref_1aaaxqEitUZY8Svm4QdcWZKt","last_attempted_at":1706742786,
			 "next_refresh_available_at":null,"status":"pending"}}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	fc := financialconnections.New(c)
	ctx := context.Background()

	params := &financialconnections.AccountRefreshParams{
		Features: []financialconnections.AccountFeature{financialconnections.AccountFeatureTransactions},
	}
	acct, err := fc.Accounts.Refresh(ctx, "fca_1LDYuMGxLVUXRs6HW0lrat9T", params)
	if err != nil {
		panic(err)
	}
	// The refresh runs in the background: wait for the
	// financial_connections.account.refreshed_transactions event.
	tr := acct.TransactionRefresh
	fmt.Println(tr.ID, tr.Status, tr.NextRefreshAvailableAt == nil)

	// IDs are checked before anything is sent.
	_, err = fc.Accounts.Refresh(ctx, "", params)
	fmt.Println(err)
	// Output:
	// POST /v1/financial_connections/accounts/fca_1LDYuMGxLVUXRs6HW0lrat9T/refresh
	//   features[0]=transactions
	// fctxnref_1aaaxqEitUZY8Svm4QdcWZKt pending true
	// embedfin: invalid account: must not be empty
}

func ExampleAccountService_Retrieve() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"fca_1MwVK82eZvKYlo2C","object":"financial_connections.account","status":"active",
			"account_holder":{"type":"customer","customer":"cus_NffrFeUfNV2Hib"},
			"permissions":["ownership","payment_method"],
			"ownership_refresh":{"status":"succeeded","last_attempted_at":1651784999,"next_refresh_available_at":1651785000},
			"ownership":{"id":"fcaowns_1NtI9uBHO5VeT9SU","object":"financial_connections.account_ownership","created":1651784999,
			 "owners":{"object":"list","has_more":false,"url":"/v1/financial_connections/accounts/fca_1MwVK82eZvKYlo2C/owners",
			  "data":[{"id":"fcaown_1","object":"financial_connections.account_owner","name":"Jennifer Rosen",
			   "email":"jennyrosen@test.com","phone":null,"ownership":"fcaowns_1NtI9uBHO5VeT9SU",
			   "raw_address":"354 Oyster Point Blvd South San Francisco, CA 94080 USA","refreshed_at":1651784999}]}}}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	fc := financialconnections.New(c)

	// Ownership is an ID unless expanded.
	params := &financialconnections.AccountRetrieveParams{}
	params.AddExpand("ownership")
	acct, err := fc.Accounts.Retrieve(context.Background(), "fca_1MwVK82eZvKYlo2C", params)
	if err != nil {
		panic(err)
	}
	fmt.Println(acct.OwnershipRefresh.Status, acct.Ownership.ID, acct.Ownership.Expanded())
	for _, owner := range acct.Ownership.Object.Owners.Data {
		fmt.Println(owner.Name, "|", *owner.RawAddress)
	}
	// Output:
	// GET /v1/financial_connections/accounts/fca_1MwVK82eZvKYlo2C
	//   expand[]=ownership
	// succeeded fcaowns_1NtI9uBHO5VeT9SU true
	// Jennifer Rosen | 354 Oyster Point Blvd South San Francisco, CA 94080 USA
}

func ExampleTransactionService_All() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		if r.URL.Query().Get("starting_after") == "" {
			fmt.Fprint(w, `{"object":"list","url":"/v1/financial_connections/transactions","has_more":true,"data":[
				{"id":"fctxn_3","object":"financial_connections.transaction","account":"fca_1LDYuMGxLVUXRs6HW0lrat9T",
				 "amount":-1000,"currency":"usd","description":"Rocket Rides","status":"posted",
				 "transacted_at":1651784999,"transaction_refresh":"fctxnref_1LXp8WGxLVUXRs6Hkc5PNUXf","updated":1651784999},
				{"id":"fctxn_2","object":"financial_connections.transaction","account":"fca_1LDYuMGxLVUXRs6HW0lrat9T",
				 "amount":250000,"currency":"usd","description":"Payroll","status":"pending",
				 "transacted_at":1651698599,"transaction_refresh":"fctxnref_1LXp8WGxLVUXRs6Hkc5PNUXf","updated":1651698599}]}`)
			return
		}
		fmt.Fprint(w, `{"object":"list","url":"/v1/financial_connections/transactions","has_more":false,"data":[
			{"id":"fctxn_1","object":"financial_connections.transaction","account":"fca_1LDYuMGxLVUXRs6HW0lrat9T",
			 "amount":-4599,"currency":"usd","description":"Grocery","status":"void",
			 "transacted_at":1651612199,"transaction_refresh":"fctxnref_1LXp8WGxLVUXRs6Hkc5PNUXf","updated":1651612199}]}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	fc := financialconnections.New(c)

	// Only the transactions added or changed since the last refresh this
	// program processed; All fetches the next page when the loop needs it.
	params := &financialconnections.TransactionListParams{
		Account: embedfin.Ptr("fca_1LDYuMGxLVUXRs6HW0lrat9T"),
		TransactionRefresh: &financialconnections.TransactionTransactionRefreshParams{
			After: embedfin.Ptr("fctxnref_1LDYuMGxLVUXRs6HaRefr3sh"),
		},
	}
	params.Limit = embedfin.Ptr(int64(2))
	for txn, err := range fc.Transactions.All(context.Background(), params) {
		if err != nil {
			panic(err)
		}
		fmt.Println(txn.ID, txn.Amount, txn.Currency, txn.Status, txn.Description)
	}
	// Output:
	// GET /v1/financial_connections/transactions
	//   account=fca_1LDYuMGxLVUXRs6HW0lrat9T
	//   limit=2
	//   transaction_refresh[after]=fctxnref_1LDYuMGxLVUXRs6HaRefr3sh
	// fctxn_3 -1000 usd posted Rocket Rides
	// fctxn_2 250000 usd pending Payroll
	// GET /v1/financial_connections/transactions
	//   account=fca_1LDYuMGxLVUXRs6HW0lrat9T
	//   limit=2
	//   starting_after=fctxn_2
	//   transaction_refresh[after]=fctxnref_1LDYuMGxLVUXRs6HaRefr3sh
	// fctxn_1 -4599 usd void Grocery
}
