package events_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/financialconnections"
)

// printRequest shows what the fake API received: the request line, then the
// query values sorted by key.
func printRequest(r *http.Request) {
	_ = r.ParseForm()
	fmt.Println(r.Method, r.URL.Path)
	for _, k := range slices.Sorted(maps.Keys(r.Form)) {
		fmt.Printf("  %s=%s\n", k, strings.Join(r.Form[k], ","))
	}
}

func ExampleEventService_List() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"object":"list","url":"/v1/events","has_more":false,"data":[
			{"id":"evt_1NtIAABHO5VeT9SU","object":"event","type":"financial_connections.account.refreshed_transactions",
			 "created":1706742900,"livemode":false,"pending_webhooks":0,"api_version":"2026-08-26.dahlia",
			 "data":{"object":{"id":"fca_1LDYuMGxLVUXRs6HW0lrat9T","object":"financial_connections.account",
			  "status":"active","transaction_refresh":{"id":"fctxnref_1aaaxqEitUZY8Svm4QdcWZKt",
			  "last_attempted_at":1706742786,"next_refresh_available_at":null,"status":"succeeded"}}}}]}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	ev := events.New(c)

	page, err := ev.Events.List(context.Background(), &events.EventListParams{
		Type: embedfin.Ptr(events.EventTypeFinancialConnectionsAccountRefreshedTransactions),
	})
	if err != nil {
		panic(err)
	}
	for _, e := range page.Data {
		switch e.Type {
		case events.EventTypeFinancialConnectionsAccountRefreshedTransactions:
			// data.object is raw JSON: decode it into the type the event names.
			var acct financialconnections.Account
			if err := json.Unmarshal(e.Data.Object, &acct); err != nil {
				panic(err)
			}
			// The refresh ID is the cursor for Transactions.All (TransactionRefresh.After).
			fmt.Println(e.ID, acct.ID, acct.TransactionRefresh.Status, acct.TransactionRefresh.ID)
		}
	}
	fmt.Println("more:", page.HasMore)
	// Output:
	// GET /v1/events
	//   type=financial_connections.account.refreshed_transactions
	// evt_1NtIAABHO5VeT9SU fca_1LDYuMGxLVUXRs6HW0lrat9T succeeded fctxnref_1aaaxqEitUZY8Svm4QdcWZKt
	// more: false
}

func ExampleEventService_All() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		if r.URL.Query().Get("starting_after") == "" {
			fmt.Fprint(w, `{"object":"list","url":"/v1/events","has_more":true,"data":[
				{"id":"evt_3","object":"event","type":"issuing_authorization.created","created":1706743000,
				 "account":"acct_1Nv0FGQ9RKHgCVdK","data":{"object":{"id":"iauth_1NvPyY2SSJdH5vn2xZQE8C7k","object":"issuing.authorization"}}}]}`)
			return
		}
		fmt.Fprint(w, `{"object":"list","url":"/v1/events","has_more":false,"data":[
			{"id":"evt_2","object":"event","type":"treasury.financial_account.features_status_updated","created":1706742950,
			 "account":"acct_1Nv0FGQ9RKHgCVdK","data":{"object":{"id":"fa_1Nv0IL2eZvKYlo2C","object":"treasury.financial_account"}}}]}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	ev := events.New(c)

	// Every event of two types since a point in time, across pages.
	params := &events.EventListParams{
		Types:        []events.EventType{events.EventTypeIssuingAuthorizationCreated, events.EventTypeTreasuryFinancialAccountFeaturesStatusUpdated},
		CreatedRange: &embedfin.RangeQueryParams{GreaterThanOrEqual: embedfin.Ptr(int64(1706742000))},
	}
	params.Limit = embedfin.Ptr(int64(1))
	for e, err := range ev.Events.All(context.Background(), params) {
		if err != nil {
			panic(err)
		}
		fmt.Println(e.ID, e.Type, *e.Account)
	}
	// Output:
	// GET /v1/events
	//   created[gte]=1706742000
	//   limit=1
	//   types[]=issuing_authorization.created,treasury.financial_account.features_status_updated
	// evt_3 issuing_authorization.created acct_1Nv0FGQ9RKHgCVdK
	// GET /v1/events
	//   created[gte]=1706742000
	//   limit=1
	//   starting_after=evt_3
	//   types[]=issuing_authorization.created,treasury.financial_account.features_status_updated
	// evt_2 treasury.financial_account.features_status_updated acct_1Nv0FGQ9RKHgCVdK
}
