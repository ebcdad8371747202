package treasury_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/treasury"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const base = "https://api.stripe.test/v"

var fast = &treasury.FeatureWaitOptions{MinInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond}

func faJSON(active, pending, restricted []string) string {
	q := func(xs []string) string {
		if len(xs) == 0 {
			return "[]"
		}
		return `["` + strings.Join(xs, `","`) + `"]`
	}
	return fmt.Sprintf(`{"id":"fa_1","object":"treasury.financial_account","active_features":%s,"pending_features":%s,"restricted_features":%s,"balance":{"cash":{"usd":19000},"inbound_pending":{"usd":0},"outbound_pending":{"usd":1000}},"status":"open","supported_currencies":["usd"]}`,
		q(active), q(pending), q(restricted))
}

func newClient(t *testing.T, bodies ...string) (*treasury.Client, *atomic.Int32, *[]http.Header) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	var calls atomic.Int32
	var mu sync.Mutex
	var headers []http.Header
	mock.RegisterResponder("GET", base+"/v1/treasury/financial_accounts/fa_1", func(r *http.Request) (*http.Response, error) {
		n := int(calls.Add(1)) - 1
		// httpmock may run a responder on its own goroutine when the
		// request's context can end: guard what it records.
		mu.Lock()
		headers = append(headers, r.Header.Clone())
		mu.Unlock()
		return httpmock.NewStringResponse(200, bodies[min(n, len(bodies)-1)]), nil
	})
	c, err := embedfin.NewClient("sk_test_123", embedfin.WithHTTPClient(&http.Client{Transport: mock}), embedfin.WithBaseURL(base))
	require.NoError(t, err)
	return treasury.New(c), &calls, &headers
}

func TestWaitForFeaturesActivates(t *testing.T) {
	t.Parallel()
	c, calls, headers := newClient(t,
		faJSON([]string{"card_issuing"}, []string{"financial_addresses.aba", "inbound_transfers.ach"}, nil),
		faJSON([]string{"card_issuing", "financial_addresses.aba"}, []string{"inbound_transfers.ach"}, nil),
		faJSON([]string{"card_issuing", "financial_addresses.aba", "inbound_transfers.ach"}, nil, nil))
	fa, err := c.FinancialAccounts.WaitForFeatures(context.Background(), "fa_1",
		[]treasury.Feature{treasury.FeatureFinancialAddressesABA, treasury.FeatureInboundTransfersACH},
		fast, embedfin.WithStripeAccount("acct_1"))
	require.NoError(t, err)
	assert.Equal(t, int32(3), calls.Load())
	assert.Equal(t, treasury.FeatureActive, fa.StateOf(treasury.FeatureInboundTransfersACH))
	assert.Equal(t, "acct_1", (*headers)[0].Get("Stripe-Account"), "request options reach every poll")
}

func TestWaitForFeaturesRestricted(t *testing.T) {
	t.Parallel()
	c, calls, _ := newClient(t,
		faJSON(nil, []string{"card_issuing"}, nil),
		faJSON(nil, nil, []string{"card_issuing"}))
	_, err := c.FinancialAccounts.WaitForFeatures(context.Background(), "fa_1",
		[]treasury.Feature{treasury.FeatureCardIssuing}, fast)
	require.ErrorIs(t, err, treasury.ErrFeaturesRestricted)
	var fr *treasury.FeaturesRestrictedError
	require.ErrorAs(t, err, &fr)
	assert.Equal(t, []treasury.Feature{treasury.FeatureCardIssuing}, fr.Restricted)
	assert.Empty(t, fr.NotRequested)
	assert.Equal(t, "treasury: financial account fa_1 features cannot activate (restricted: card_issuing)", err.Error())
	assert.Equal(t, int32(2), calls.Load(), "pending is waited on, restricted ends the wait")

	// A feature that was never requested cannot activate: the first poll says so.
	c2, calls2, _ := newClient(t, faJSON(nil, nil, []string{"card_issuing"}))
	_, err = c2.FinancialAccounts.WaitForFeatures(context.Background(), "fa_1",
		[]treasury.Feature{treasury.FeatureCardIssuing, treasury.FeatureDepositInsurance}, fast)
	require.ErrorAs(t, err, &fr)
	assert.Equal(t, []treasury.Feature{treasury.FeatureDepositInsurance}, fr.NotRequested)
	assert.Equal(t, "treasury: financial account fa_1 features cannot activate (restricted: card_issuing; not requested: deposit_insurance)", err.Error())
	assert.Equal(t, int32(1), calls2.Load())
}

func TestWaitForFeaturesTimeoutAndCancel(t *testing.T) {
	t.Parallel()
	c, _, _ := newClient(t, faJSON(nil, []string{"card_issuing"}, nil))
	opts := *fast
	opts.Timeout = 10 * time.Millisecond
	_, err := c.FinancialAccounts.WaitForFeatures(context.Background(), "fa_1", []treasury.Feature{treasury.FeatureCardIssuing}, &opts)
	assert.ErrorIs(t, err, treasury.ErrFeatureWaitTimeout)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.FinancialAccounts.WaitForFeatures(ctx, "fa_1", []treasury.Feature{treasury.FeatureCardIssuing}, nil)
	assert.ErrorIs(t, err, context.Canceled)

	_, err = c.FinancialAccounts.WaitForFeatures(context.Background(), "fa_1", nil, nil)
	var ve *embedfin.ValidationError
	assert.ErrorAs(t, err, &ve)
	_, err = c.FinancialAccounts.WaitForFeatures(context.Background(), "", []treasury.Feature{treasury.FeatureCardIssuing}, nil)
	assert.ErrorAs(t, err, &ve)
}

func TestBalances(t *testing.T) {
	t.Parallel()
	var fa treasury.FinancialAccount
	require.NoError(t, json.Unmarshal([]byte(`{"id":"fa_1","balance":{"cash":{"usd":19000,"eur":5},"inbound_pending":{"usd":250},"outbound_pending":{"usd":1000}}}`), &fa))
	assert.Equal(t, treasury.Balance{Currency: "usd", Cash: 19000, InboundPending: 250, OutboundPending: 1000}, fa.BalanceIn("usd"))
	assert.Equal(t, treasury.Balance{Currency: "gbp"}, fa.BalanceIn("gbp"))
	assert.Equal(t, []treasury.Balance{{Currency: "eur", Cash: 5}, {Currency: "usd", Cash: 19000, InboundPending: 250, OutboundPending: 1000}}, fa.Balances())
	var empty *treasury.FinancialAccount
	assert.Nil(t, empty.Balances())
	assert.Equal(t, treasury.Balance{Currency: "usd"}, empty.BalanceIn("usd"))
	assert.Equal(t, treasury.FeatureNotRequested, empty.StateOf(treasury.FeatureCardIssuing))
}
