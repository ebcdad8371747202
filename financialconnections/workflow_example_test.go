package financialconnections_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/financialconnections"
)

// fakeFC serves one account whose transaction refresh is pending for the
// first two reads, and a transactions list that honours
// transaction_refresh[after].
func fakeFC() *httptest.Server {
	var reads atomic.Int32
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == "POST" && strings.HasSuffix(r.URL.Path, "/refresh"):
			fmt.Fprint(w, accountJSON("fca_1", "active", "transaction_refresh", "pending", "fctxnref_2"))
		case r.URL.Path == "/v1/financial_connections/accounts/fca_1":
			status := "pending"
			if reads.Add(1) > 2 {
				status = "succeeded"
			}
			fmt.Fprint(w, accountJSON("fca_1", "active", "transaction_refresh", status, "fctxnref_2"))
		case strings.HasPrefix(r.URL.Path, "/v1/financial_connections/accounts/"):
			id := strings.TrimPrefix(r.URL.Path, "/v1/financial_connections/accounts/")
			fmt.Fprint(w, accountJSON(id, "active", "transaction_refresh", "succeeded", "fctxnref_2"))
		case r.URL.Path == "/v1/financial_connections/transactions":
			txn := func(id, ref string) string {
				return fmt.Sprintf(`{"id":%q,"object":"financial_connections.transaction","account":%q,"amount":-1000,"currency":"usd","description":"Rocket Rides","livemode":false,"status":"posted","status_transitions":{"posted_at":1651784999,"void_at":null},"transacted_at":1651784999,"transaction_refresh":%q,"updated":1651784999}`, id, r.URL.Query().Get("account"), ref)
			}
			items := []string{txn("fctxn_new", "fctxnref_2")}
			if r.URL.Query().Get("transaction_refresh[after]") == "" {
				items = append(items, txn("fctxn_old", "fctxnref_1"))
			}
			fmt.Fprintf(w, `{"object":"list","url":"/v1/financial_connections/transactions","has_more":false,"data":[%s]}`, strings.Join(items, ","))
		default:
			http.NotFound(w, r)
		}
	}))
}

func ExampleAccountService_WaitForRefresh() {
	srv := fakeFC()
	defer srv.Close()
	c, _ := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	fc := financialconnections.New(c)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	acct, err := fc.Accounts.WaitForRefresh(ctx, "fca_1", financialconnections.AccountFeatureTransactions,
		&financialconnections.WaitOptions{MinInterval: time.Millisecond})
	if err != nil {
		panic(err)
	}
	state, _ := acct.RefreshOf(financialconnections.AccountFeatureTransactions)
	fmt.Println(state.Status, state.ID)
	// Output: succeeded fctxnref_2
}

func ExampleAccountService_RefreshAndWait() {
	srv := fakeFC()
	defer srv.Close()
	c, _ := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	fc := financialconnections.New(c)

	acct, err := fc.Accounts.RefreshAndWait(context.Background(), "fca_1", financialconnections.AccountFeatureTransactions,
		&financialconnections.WaitOptions{MinInterval: time.Millisecond, Timeout: time.Minute})
	switch {
	case err == nil:
		state, _ := acct.RefreshOf(financialconnections.AccountFeatureTransactions)
		fmt.Println("refreshed:", state.ID)
	default:
		fmt.Println("refresh did not complete:", err)
	}
	// Output: refreshed: fctxnref_2
}

func ExampleTransactionService_SyncTransactions() {
	srv := fakeFC()
	defer srv.Close()
	c, _ := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	fc := financialconnections.New(c)

	// Your store: here a map keyed by transaction ID (an upsert).
	stored := map[string]int64{}
	upsert := func(_ context.Context, t *financialconnections.Transaction) error {
		stored[t.ID] = t.Amount
		return nil
	}
	// The cursor comes from your store (or from the
	// financial_connections.account.refreshed_transactions event).
	res := fc.Transactions.SyncTransactions(context.Background(), "fca_2", "fctxnref_1", upsert)
	if res.Err != nil {
		panic(res.Err)
	}
	fmt.Println("upserted", res.Upserted, "new cursor", res.Cursor, "stored", len(stored))
	// Output: upserted 1 new cursor fctxnref_2 stored 1
}

func ExampleTransactionService_SyncMany() {
	srv := fakeFC()
	defer srv.Close()
	// The client's rate limit bounds the requests of every worker together.
	c, _ := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL), embedfin.WithRateLimit(25, 5))
	fc := financialconnections.New(c)

	var mu sync.Mutex
	stored := map[string]bool{}
	upsert := func(_ context.Context, t *financialconnections.Transaction) error {
		mu.Lock()
		defer mu.Unlock()
		stored[t.Account+"/"+t.ID] = true
		return nil
	}
	targets := []financialconnections.SyncTarget{
		{Account: "fca_a", Cursor: ""},           // never synced: full history
		{Account: "fca_b", Cursor: "fctxnref_1"}, // only what changed since
		{Account: "fca_c", Cursor: "fctxnref_2"}, // already up to date
	}
	for _, r := range fc.Transactions.SyncMany(context.Background(), targets, 2, upsert) {
		fmt.Println(r.Account, r.Upserted, r.Cursor, r.Err)
	}
	keys := make([]string, 0, len(stored))
	for k := range stored {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println(keys)
	// Output:
	// fca_a 2 fctxnref_2 <nil>
	// fca_b 1 fctxnref_2 <nil>
	// fca_c 0 fctxnref_2 <nil>
	// [fca_a/fctxn_new fca_a/fctxn_old fca_b/fctxn_new]
}
