package embedfin_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/form"
)

func ExampleNewClient() {
	c, err := embedfin.NewClient("sk_test_4eC39HqLyjWDarjtT1zdp7dc",
		embedfin.WithMaxRetries(3),
		embedfin.WithRateLimit(25, 5),
		embedfin.WithAppInfo(embedfin.AppInfo{Name: "ledgerly", Version: "1.4.0"}),
	)
	if err != nil {
		panic(err)
	}
	// Printing a client never shows its key.
	fmt.Println(c)

	_, err = embedfin.NewClient("pk_test_123")
	fmt.Println(err)
	// Output:
	// embedfin.Client{base: https://api.stripe.com, version: 2026-08-26.dahlia, key: sk_test_***}
	// embedfin: invalid key: a publishable key (pk_) cannot call the API from a server; use a secret (sk_) or restricted (rk_) key
}

// widget stands in for a generated resource type.
type widget struct {
	embedfin.APIResource
	ID     string `json:"id"`
	Amount int64  `json:"amount"`
}

type widgetParams struct {
	embedfin.Params
	Amount   *int64            `url:"amount,omitempty"`
	Metadata map[string]string `url:"metadata,omitempty"`
}

func ExampleClient_Do() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Request-Id", "req_demo")
		fmt.Fprintf(w, `{"id":"wdg_1","amount":%s}`, r.PostForm.Get("amount"))
	}))
	defer srv.Close()

	c, _ := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	var out widget
	err := c.Do(context.Background(), http.MethodPost, "/v1/widgets",
		&widgetParams{Amount: embedfin.Ptr(int64(2500))}, &out,
		embedfin.WithIdempotencyKey("order-42"))
	if err != nil {
		panic(err)
	}
	fmt.Println(out.ID, out.Amount, out.LastResponse.RequestID, out.LastResponse.IdempotencyKey)
	// Output: wdg_1 2500 req_demo order-42
}

func ExampleIsNotFound() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Request-Id", "req_404")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"type":"invalid_request_error","code":"resource_missing","param":"id","message":"No such widget: 'wdg_x'"}}`)
	}))
	defer srv.Close()

	c, _ := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	err := c.Do(context.Background(), http.MethodGet, "/v1/widgets/wdg_x", nil, &widget{})
	fmt.Println(embedfin.IsNotFound(err))
	var apiErr *embedfin.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.HTTPStatusCode, apiErr.Code, apiErr.RequestID)
	}
	fmt.Println(err)
	// Output:
	// true
	// 404 resource_missing req_404
	// embedfin: 404 invalid_request_error (code=resource_missing, param=id): No such widget: 'wdg_x' [request req_404]
}

func ExampleWithBetaVersion() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Header.Get("Stripe-Version"))
		fmt.Fprint(w, `{}`)
	}))
	defer srv.Close()

	c, _ := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL),
		embedfin.WithAPIVersion("2026-08-26.dahlia; some_preview=v9"))
	_ = c.Do(context.Background(), http.MethodPost, "/v1/widgets", nil, nil,
		embedfin.WithBetaVersion("some_preview", "v10"),
		embedfin.WithBetaVersion("other_preview", "v1"))
	// Output: 2026-08-26.dahlia; some_preview=v10; other_preview=v1
}

func ExamplePath() {
	p, err := embedfin.Path("/v1/financial_connections/accounts/{account}/refresh", "fca_1MwVK8")
	fmt.Println(p, err)
	_, err = embedfin.Path("/v1/financial_connections/accounts/{account}", "")
	fmt.Println(err)
	// Output:
	// /v1/financial_connections/accounts/fca_1MwVK8/refresh <nil>
	// embedfin: invalid account: must not be empty
}

func ExampleParams_Unset() {
	p := &widgetParams{Metadata: map[string]string{"order": "42", "stale": ""}}
	p.Unset("description") // clear a field the struct does not type
	p.AddExpand("customer")
	body, _ := form.Marshal(p)
	fmt.Println(string(body))
	// Output: metadata[order]=42&metadata[stale]=&expand[]=customer&description=
}

type widgetListParams struct {
	embedfin.ListParams
}

func ExamplePaginate() {
	// A fake list endpoint with five widgets, two per page.
	all := []*widget{{ID: "w1"}, {ID: "w2"}, {ID: "w3"}, {ID: "w4"}, {ID: "w5"}}
	fetch := func(_ context.Context, p *widgetListParams) (*embedfin.List[widget], error) {
		start := 0
		if p.StartingAfter != nil {
			for i, w := range all {
				if w.ID == *p.StartingAfter {
					start = i + 1
				}
			}
		}
		end := min(start+2, len(all))
		return &embedfin.List[widget]{Data: all[start:end], HasMore: end < len(all)}, nil
	}
	for w, err := range embedfin.Paginate(context.Background(), &widgetListParams{}, fetch, func(w *widget) string { return w.ID }) {
		if err != nil {
			panic(err)
		}
		fmt.Print(w.ID, " ")
	}
	fmt.Println()
	// Output: w1 w2 w3 w4 w5
}

// A create whose answer is lost (here: the server drops every response
// after carrying the request out, until the network heals) ends with a
// *ConnectionError that says the outcome is unknown and carries the key.
// Re-issuing with that key returns the object created the first time.
func ExampleConnectionError_MaybeApplied() {
	var healed atomic.Bool
	var mu sync.Mutex
	created := map[string]string{} // Idempotency-Key -> widget ID
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		mu.Lock()
		if _, ok := created[key]; !ok {
			created[key] = fmt.Sprintf("wid_%d", len(created)+1)
		}
		id := created[key]
		mu.Unlock()
		if !healed.Load() {
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.Close() // the work is done, the answer is lost
			return
		}
		fmt.Fprintf(w, `{"id":%q,"amount":500}`, id)
	}))
	defer srv.Close()
	c, _ := embedfin.NewClient("sk_test_4eC39HqLyjWDarjtT1zdp7dc", embedfin.WithBaseURL(srv.URL),
		embedfin.WithMaxRetries(1), embedfin.WithBackoff(time.Millisecond, time.Millisecond))

	ctx := context.Background()
	var w widget
	err := c.Do(ctx, http.MethodPost, "/v1/widgets", &widgetParams{Amount: embedfin.Ptr(int64(500))}, &w)
	var ce *embedfin.ConnectionError
	if errors.As(err, &ce) && ce.MaybeApplied() {
		fmt.Println("outcome unknown after", ce.Attempts, "attempts")
		healed.Store(true)
		err = c.Do(ctx, http.MethodPost, "/v1/widgets", &widgetParams{Amount: embedfin.Ptr(int64(500))}, &w, embedfin.WithIdempotencyKey(ce.IdempotencyKey))
	}
	mu.Lock()
	defer mu.Unlock()
	fmt.Println(w.ID, err, len(created))
	// Output:
	// outcome unknown after 2 attempts
	// wid_1 <nil> 1
}

// A platform working for one connected account sets the account once.
func ExampleClient_With() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"id":"wdg_1","amount":1}`)
		fmt.Println(r.Method, r.URL.Path, "as", r.Header.Get("Stripe-Account"))
	}))
	defer srv.Close()
	c, _ := embedfin.NewClient("sk_test_4eC39HqLyjWDarjtT1zdp7dc", embedfin.WithBaseURL(srv.URL))

	acct := c.With(embedfin.WithStripeAccount("acct_1032D82eZvKYlo2C"))
	var w widget
	_ = acct.Do(context.Background(), http.MethodGet, "/v1/widgets/wdg_1", nil, &w)
	_ = acct.Do(context.Background(), http.MethodGet, "/v1/widgets/wdg_1", nil, &w, embedfin.WithStripeAccount("acct_other"))
	// Output:
	// GET /v1/widgets/wdg_1 as acct_1032D82eZvKYlo2C
	// GET /v1/widgets/wdg_1 as acct_other
}
