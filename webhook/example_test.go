package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/webhook"
)

// The endpoint's signing secret, as shown in the Dashboard (a made-up one).
const endpointSecret = "whsec_ExampleExampleExampleExample00"

// A delivery as Stripe sends it: the event, and the moment it was signed.
var (
	signedAt = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	payload  = []byte(`{"id":"evt_1ExampleRefresh","object":"event","api_version":"2026-08-26.dahlia",
"created":1767268790,"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},
"type":"financial_connections.account.refreshed_transactions",
"data":{"object":{"id":"fca_1Example","object":"financial_connections.account","status":"active",
"institution_name":"StripeBank","transaction_refresh":{"id":"fctxnref_1Example","last_attempted_at":1767268780,
"next_refresh_available_at":null,"status":"succeeded"}}}}`)
)

// The examples verify at the moment of signing; real code uses the default
// clock.
var atSigningTime = webhook.WithClock(func() time.Time { return signedAt.Add(2 * time.Second) })

func ExampleConstructEvent() {
	header := webhook.SignHeader(payload, endpointSecret, signedAt) // what Stripe sends

	ev, err := webhook.ConstructEvent(payload, header, endpointSecret, atSigningTime)
	if err != nil {
		fmt.Println("rejected:", err)
		return
	}
	fmt.Println(ev.ID, ev.Type)
	fmt.Println("API version mismatch:", ev.APIVersionMismatch)

	// A tampered body, or a replay ten minutes later, is rejected.
	tampered := []byte(strings.Replace(string(payload), "StripeBank", "EvilBank", 1))
	_, err = webhook.ConstructEvent(tampered, header, endpointSecret, atSigningTime)
	fmt.Println(errors.Is(err, webhook.ErrNoValidSignature))
	later := webhook.WithClock(func() time.Time { return signedAt.Add(10 * time.Minute) })
	_, err = webhook.ConstructEvent(payload, header, endpointSecret, later)
	fmt.Println(err)
	// Output:
	// evt_1ExampleRefresh financial_connections.account.refreshed_transactions
	// API version mismatch: false
	// true
	// webhook: signature timestamp outside the tolerance: signed 10m0s ago, tolerance 5m0s
}

func ExampleSignHeader() {
	fmt.Println(webhook.SignHeader([]byte(`{"object":"event"}`), endpointSecret, signedAt))
	// Output:
	// t=1767268800,v1=77e3ef56760a54b7e8c7bc83a57c9750daa055839d9d86c67f9d9cf4bc78b087
}

func ExampleWithSecrets() {
	// While an endpoint's secret is rolled, Stripe signs with both secrets;
	// accept either until the old one expires.
	newSecret := "whsec_NewNewNewNewNewNewNewNewNewNew00"
	header := webhook.SignHeader(payload, newSecret, signedAt)

	ev, err := webhook.ConstructEvent(payload, header, endpointSecret, webhook.WithSecrets(newSecret), atSigningTime)
	fmt.Println(ev.ID, err)
	// Output:
	// evt_1ExampleRefresh <nil>
}

func ExampleData() {
	ev, err := webhook.ConstructEvent(payload, webhook.SignHeader(payload, endpointSecret, signedAt), endpointSecret, atSigningTime)
	if err != nil {
		panic(err)
	}
	acct, err := webhook.Data[financialconnections.Account](ev)
	if err != nil {
		panic(err)
	}
	fmt.Println(acct.ID, acct.InstitutionName, acct.Status)
	fmt.Println("sync transactions after refresh", acct.TransactionRefresh.ID)
	// Output:
	// fca_1Example StripeBank active
	// sync transactions after refresh fctxnref_1Example
}

func ExampleHandler() {
	h := webhook.NewHandler(endpointSecret,
		webhook.WithDedupe(webhook.NewMemoryStore(0)),
		webhook.WithErrorHook(func(_ *http.Request, _ *webhook.Event, err error) {
			fmt.Println("not acknowledged:", err)
		}),
		atSigningTime)
	webhook.On(h, events.EventTypeFinancialConnectionsAccountRefreshedTransactions,
		func(_ context.Context, ev webhook.Event, acct *financialconnections.Account) error {
			fmt.Println("processing", ev.ID, "for", acct.ID)
			return nil
		})
	// In a server: http.Handle("/stripe/webhook", h)

	deliver := func(body []byte, header string) {
		r := httptest.NewRequest(http.MethodPost, "/stripe/webhook", strings.NewReader(string(body)))
		r.Header.Set("Stripe-Signature", header)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	header := webhook.SignHeader(payload, endpointSecret, signedAt)
	deliver(payload, header)
	deliver(payload, header) // Stripe delivered it twice
	deliver(payload, "t=1767268800,v1=forged")
	// Output:
	// processing evt_1ExampleRefresh for fca_1Example
	// 200 ok
	// 200 duplicate
	// not acknowledged: webhook: no valid signature
	// 400 Bad Request
}

func ExampleHandler_Handle() {
	h := webhook.NewHandler(endpointSecret, atSigningTime)
	h.Handle(events.EventTypeFinancialConnectionsAccountRefreshedTransactions,
		func(_ context.Context, ev webhook.Event) error {
			fmt.Printf("%s: %d bytes of data.object\n", ev.Type, len(ev.Data.Object))
			return errors.New("database unavailable") // Stripe will deliver it again
		})
	h.HandleFallback(func(_ context.Context, ev webhook.Event) error {
		fmt.Println("no specific handler for", ev.Type)
		return nil
	})

	r := httptest.NewRequest(http.MethodPost, "/stripe/webhook", strings.NewReader(string(payload)))
	r.Header.Set("Stripe-Signature", webhook.SignHeader(payload, endpointSecret, signedAt))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code)
	// Output:
	// financial_connections.account.refreshed_transactions: 248 bytes of data.object
	// 500
}

func ExampleMemoryStore() {
	ctx := context.Background()
	store := webhook.NewMemoryStore(72 * time.Hour)

	first, _ := store.Claim(ctx, "evt_1")
	concurrent, _ := store.Claim(ctx, "evt_1")
	fmt.Println(first, concurrent)

	_ = store.Release(ctx, "evt_1") // processing failed: let the next delivery retry
	retry, _ := store.Claim(ctx, "evt_1")
	_ = store.Complete(ctx, "evt_1") // processing succeeded
	again, _ := store.Claim(ctx, "evt_1")
	fmt.Println(retry, again)
	// Output:
	// acquired busy
	// acquired done
}
