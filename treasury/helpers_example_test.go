package treasury_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/treasury"
)

func ExampleFinancialAccountService_WaitForFeatures() {
	// card_issuing activates on the third read.
	var reads atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if reads.Add(1) < 3 {
			fmt.Fprint(w, faJSON([]string{"financial_addresses.aba"}, []string{"card_issuing"}, nil))
			return
		}
		fmt.Fprint(w, faJSON([]string{"financial_addresses.aba", "card_issuing"}, nil, nil))
	}))
	defer srv.Close()
	c, _ := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))

	fa, err := treasury.New(c).FinancialAccounts.WaitForFeatures(context.Background(), "fa_1",
		[]treasury.Feature{treasury.FeatureCardIssuing},
		&treasury.FeatureWaitOptions{MinInterval: time.Millisecond, Timeout: time.Minute},
		embedfin.WithStripeAccount("acct_1"))
	if err != nil {
		panic(err)
	}
	fmt.Println(fa.StateOf(treasury.FeatureCardIssuing))
	// Output: active
}

func ExampleFinancialAccount_BalanceIn() {
	var fa treasury.FinancialAccount
	_ = json.Unmarshal([]byte(`{"id":"fa_1","balance":{"cash":{"usd":19000},"inbound_pending":{"usd":0},"outbound_pending":{"usd":1000}}}`), &fa)
	b := fa.BalanceIn("usd")
	fmt.Printf("cash %d, outbound pending %d\n", b.Cash, b.OutboundPending)
	// Output: cash 19000, outbound pending 1000
}

func ExampleFinancialAccount_Balances() {
	var fa treasury.FinancialAccount
	_ = json.Unmarshal([]byte(`{"id":"fa_1","balance":{"cash":{"usd":19000,"eur":500},"inbound_pending":{"usd":2500},"outbound_pending":{}}}`), &fa)
	for _, b := range fa.Balances() {
		fmt.Printf("%s: cash %d, inbound %d, outbound %d\n", b.Currency, b.Cash, b.InboundPending, b.OutboundPending)
	}
	// Output:
	// eur: cash 500, inbound 0, outbound 0
	// usd: cash 19000, inbound 2500, outbound 0
}
