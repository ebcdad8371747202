package stripetest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go/connect"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/embedfin/embedfin-go/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWebhookDeliverySignedAndRetried has an endpoint refuse the first two
// attempts: the emulator must retry, in order, with a valid signature.
func TestWebhookDeliverySignedAndRetried(t *testing.T) {
	t.Parallel()
	const secret = "whsec_emulator_test_secret"
	var mu sync.Mutex
	attempts := 0
	var delivered []webhook.Event
	got := make(chan struct{}, 8)
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		attempts++
		if attempts <= 2 {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		ev, err := webhook.ConstructEvent(body, r.Header.Get(webhook.SignatureHeader), secret)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		delivered = append(delivered, ev)
		got <- struct{}{}
	}))
	defer endpoint.Close()
	srv := newServer(t, stripetest.WithWebhook(endpoint.URL, secret), stripetest.WithWebhookRetries(5, time.Millisecond))

	cs := customers.New(srv.Client()).Customers
	cust, err := cs.Create(ctx, &customers.CustomerCreateParams{Email: embedfin.Ptr("a@example.com")}, embedfin.WithIdempotencyKey("create-a"))
	require.NoError(t, err)
	_, err = cs.Update(ctx, cust.ID, &customers.CustomerUpdateParams{Name: embedfin.Ptr("Ada")})
	require.NoError(t, err)
	for range 2 {
		select {
		case <-got:
		case <-time.After(30 * time.Second):
			t.Fatal("webhook not delivered")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 4, attempts, "two refusals, then both events")
	require.Len(t, delivered, 2)
	assert.Equal(t, events.EventTypeCustomerCreated, delivered[0].Type, "in order")
	assert.Equal(t, events.EventTypeCustomerUpdated, delivered[1].Type)
	assert.Equal(t, "create-a", embedfin.Deref(delivered[0].Request.IdempotencyKey))
	assert.False(t, delivered[0].APIVersionMismatch)
	obj, err := webhook.Data[connect.Customer](delivered[1])
	require.NoError(t, err)
	assert.Equal(t, "Ada", embedfin.Deref(obj.Name))
	prev, err := webhook.PreviousAttributes[map[string]any](delivered[1])
	require.NoError(t, err)
	assert.Contains(t, *prev, "name")

	// The same events are listed by the API, newest first.
	page, err := events.New(srv.Client()).Events.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 2)
	assert.Equal(t, delivered[1].ID, page.Data[0].ID)
	assert.Equal(t, int64(1), page.Data[0].PendingWebhooks)
}
