package financialconnections_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const base = "https://api.stripe.test/v"

var fast = &fc.WaitOptions{MinInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond}

// newClient returns a client on a fresh mock transport.
func newClient(t *testing.T, opts ...embedfin.Option) (*fc.Client, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	all := append([]embedfin.Option{
		embedfin.WithHTTPClient(&http.Client{Transport: mock}),
		embedfin.WithBaseURL(base),
		embedfin.WithBackoff(time.Millisecond, 2*time.Millisecond),
	}, opts...)
	c, err := embedfin.NewClient("sk_test_123", all...)
	require.NoError(t, err)
	return fc.New(c), mock
}

func accountJSON(id, status, refreshField, refreshStatus, refreshID string) string {
	refresh := "null"
	if refreshStatus != "" {
		idPart := ""
		if refreshID != "" {
			idPart = fmt.Sprintf(`"id":%q,`, refreshID)
		}
		refresh = fmt.Sprintf(`{%s"last_attempted_at":1706742786,"next_refresh_available_at":null,"status":%q}`, idPart, refreshStatus)
	}
	fields := map[string]string{"balance_refresh": "null", "ownership_refresh": "null", "transaction_refresh": "null"}
	if refreshField != "" {
		fields[refreshField] = refresh
	}
	return fmt.Sprintf(`{"id":%q,"object":"financial_connections.account","status":%q,"category":"cash","subcategory":"checking","institution_name":"Test Bank","livemode":false,"created":1706742000,"permissions":["transactions"],"subscriptions":[],"supported_payment_method_types":["us_bank_account"],"status_details":null,"balance_refresh":%s,"ownership_refresh":%s,"transaction_refresh":%s}`,
		id, status, fields["balance_refresh"], fields["ownership_refresh"], fields["transaction_refresh"])
}

// sequence answers with bodies in order, repeating the last; it counts calls.
func sequence(calls *atomic.Int32, bodies ...string) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		n := int(calls.Add(1)) - 1
		return httpmock.NewStringResponse(200, bodies[min(n, len(bodies)-1)]), nil
	}
}

func TestWaitForRefreshSucceeds(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t)
	var calls atomic.Int32
	mock.RegisterResponder("GET", base+"/v1/financial_connections/accounts/fca_1", sequence(&calls,
		accountJSON("fca_1", "active", "transaction_refresh", "pending", "fctxnref_1"),
		accountJSON("fca_1", "active", "transaction_refresh", "pending", "fctxnref_1"),
		accountJSON("fca_1", "active", "transaction_refresh", "succeeded", "fctxnref_1")))
	acct, err := c.Accounts.WaitForRefresh(context.Background(), "fca_1", fc.AccountFeatureTransactions, fast)
	require.NoError(t, err)
	assert.Equal(t, int32(3), calls.Load())
	state, ok := acct.RefreshOf(fc.AccountFeatureTransactions)
	require.True(t, ok)
	assert.Equal(t, fc.RefreshStatusSucceeded, state.Status)
	assert.Equal(t, "fctxnref_1", state.ID)
	assert.Nil(t, state.NextRefreshAvailableAt, "null stays distinct from 0")
}

func TestWaitForRefreshFails(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t)
	var calls atomic.Int32
	mock.RegisterResponder("GET", base+"/v1/financial_connections/accounts/fca_1", sequence(&calls,
		accountJSON("fca_1", "active", "balance_refresh", "pending", ""),
		accountJSON("fca_1", "active", "balance_refresh", "failed", "")))
	_, err := c.Accounts.WaitForRefresh(context.Background(), "fca_1", fc.AccountFeatureBalance, fast)
	require.ErrorIs(t, err, fc.ErrRefreshFailed)
	var rf *fc.RefreshFailedError
	require.ErrorAs(t, err, &rf)
	assert.Equal(t, "fca_1", rf.Account.ID)
	assert.Equal(t, fc.AccountFeatureBalance, rf.Feature)
	assert.Equal(t, "financialconnections: balance refresh of account fca_1 failed", err.Error())
}

func TestWaitForRefreshTimesOut(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t)
	var calls atomic.Int32
	mock.RegisterResponder("GET", base+"/v1/financial_connections/accounts/fca_1", sequence(&calls,
		accountJSON("fca_1", "active", "ownership_refresh", "pending", "")))
	opts := *fast
	opts.Timeout = 20 * time.Millisecond
	_, err := c.Accounts.WaitForRefresh(context.Background(), "fca_1", fc.AccountFeatureOwnership, &opts)
	assert.ErrorIs(t, err, fc.ErrWaitTimeout)
	assert.Greater(t, calls.Load(), int32(1))

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = c.Accounts.WaitForRefresh(ctx, "fca_1", fc.AccountFeatureOwnership, fast)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the caller's deadline is reported as such")
}

func TestWaitForRefreshCancelled(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	mock.RegisterResponder("GET", base+"/v1/financial_connections/accounts/fca_1", func(r *http.Request) (*http.Response, error) {
		calls.Add(1)
		cancel()
		return httpmock.NewStringResponse(200, accountJSON("fca_1", "active", "transaction_refresh", "pending", "fctxnref_1")), nil
	})
	_, err := c.Accounts.WaitForRefresh(ctx, "fca_1", fc.AccountFeatureTransactions, &fc.WaitOptions{MinInterval: time.Hour})
	assert.Same(t, context.Canceled, err)
	assert.Equal(t, int32(1), calls.Load())
}

func TestWaitForRefreshFailsFastOnInactiveAccount(t *testing.T) {
	t.Parallel()
	for _, status := range []string{"inactive", "disconnected"} {
		c, mock := newClient(t)
		var calls atomic.Int32
		mock.RegisterResponder("GET", base+"/v1/financial_connections/accounts/fca_1", sequence(&calls,
			accountJSON("fca_1", status, "transaction_refresh", "pending", "fctxnref_1")))
		_, err := c.Accounts.WaitForRefresh(context.Background(), "fca_1", fc.AccountFeatureTransactions, fast)
		require.ErrorIs(t, err, fc.ErrAccountNotActive, status)
		assert.Contains(t, err.Error(), status)
		assert.Equal(t, int32(1), calls.Load(), "no polling of a dead account")
	}
}

func TestWaitForRefreshBadInput(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t)
	_, err := c.Accounts.WaitForRefresh(context.Background(), "fca_1", "everything", fast)
	var ve *embedfin.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "feature", ve.Param)
	_, err = c.Accounts.WaitForRefresh(context.Background(), "", fc.AccountFeatureBalance, fast)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, 0, mock.GetTotalCallCount())

	var calls atomic.Int32
	mock.RegisterResponder("GET", base+"/v1/financial_connections/accounts/fca_2", sequence(&calls, accountJSON("fca_2", "active", "", "", "")))
	_, err = c.Accounts.WaitForRefresh(context.Background(), "fca_2", fc.AccountFeatureBalance, fast)
	assert.ErrorIs(t, err, fc.ErrNoRefresh)
}

func TestRefreshAndWait(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t)
	var body url.Values
	mock.RegisterResponder("POST", base+"/v1/financial_connections/accounts/fca_1/refresh", func(r *http.Request) (*http.Response, error) {
		_ = r.ParseForm()
		body = r.PostForm
		return httpmock.NewStringResponse(200, accountJSON("fca_1", "active", "balance_refresh", "pending", "")), nil
	})
	var calls atomic.Int32
	mock.RegisterResponder("GET", base+"/v1/financial_connections/accounts/fca_1", sequence(&calls,
		accountJSON("fca_1", "active", "", "", ""),
		accountJSON("fca_1", "active", "balance_refresh", "succeeded", "")))
	acct, err := c.Accounts.RefreshAndWait(context.Background(), "fca_1", fc.AccountFeatureBalance, fast)
	require.NoError(t, err)
	assert.Equal(t, "fca_1", acct.ID)
	assert.Equal(t, url.Values{"features[0]": {"balance"}}, body)
	// One retrieve for the status check before the refresh, one poll after.
	assert.Equal(t, int32(2), calls.Load())
}

func TestRefreshAndWaitOnInactiveAccount(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t)
	mock.RegisterResponder("POST", base+"/v1/financial_connections/accounts/fca_1/refresh",
		httpmock.NewStringResponder(400, `{"error":{"type":"invalid_request_error","message":"You cannot refresh an inactive account."}}`))
	var calls atomic.Int32
	mock.RegisterResponder("GET", base+"/v1/financial_connections/accounts/fca_1", sequence(&calls, accountJSON("fca_1", "inactive", "", "", "")))
	_, err := c.Accounts.RefreshAndWait(context.Background(), "fca_1", fc.AccountFeatureBalance, fast)
	require.ErrorIs(t, err, fc.ErrAccountNotActive)
	// The status is checked before the refresh is requested.
	assert.Equal(t, 0, mock.GetCallCountInfo()["POST "+base+"/v1/financial_connections/accounts/fca_1/refresh"])

	// An account that turns inactive between the check and the refresh:
	// Stripe's 400 is reported as the inactive account it is.
	c3, mock3 := newClient(t)
	mock3.RegisterResponder("POST", base+"/v1/financial_connections/accounts/fca_1/refresh",
		httpmock.NewStringResponder(400, `{"error":{"type":"invalid_request_error","message":"You cannot refresh an inactive account."}}`))
	var calls3 atomic.Int32
	mock3.RegisterResponder("GET", base+"/v1/financial_connections/accounts/fca_1", sequence(&calls3,
		accountJSON("fca_1", "active", "", "", ""), accountJSON("fca_1", "inactive", "", "", "")))
	_, err = c3.Accounts.RefreshAndWait(context.Background(), "fca_1", fc.AccountFeatureBalance, fast)
	require.ErrorIs(t, err, fc.ErrAccountNotActive)
	assert.Equal(t, 1, mock3.GetCallCountInfo()["POST "+base+"/v1/financial_connections/accounts/fca_1/refresh"])

	// A 400 for another reason is returned as it is.
	c2, mock2 := newClient(t)
	mock2.RegisterResponder("POST", base+"/v1/financial_connections/accounts/fca_1/refresh",
		httpmock.NewStringResponder(400, `{"error":{"type":"invalid_request_error","message":"Too soon."}}`))
	var calls2 atomic.Int32
	mock2.RegisterResponder("GET", base+"/v1/financial_connections/accounts/fca_1", sequence(&calls2, accountJSON("fca_1", "active", "", "", "")))
	_, err = c2.Accounts.RefreshAndWait(context.Background(), "fca_1", fc.AccountFeatureBalance, fast)
	var apiErr *embedfin.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "Too soon.", apiErr.Message)
}

// ---- incremental sync ----

// txnAPI fakes the transactions list: each transaction belongs to a
// refresh; transaction_refresh[after]=X returns those of refreshes after X.
type txnAPI struct {
	mu       sync.Mutex
	refresh  []string          // refresh IDs in order
	txns     map[string]string // txn ID -> refresh ID
	order    []string          // txn IDs, newest first
	lists    []url.Values
	failList int // fail the Nth list call (1-based) with 500s
	nList    int
}

func (a *txnAPI) register(mock *httpmock.MockTransport, accountStatus, refreshStatus string) {
	mock.RegisterResponder("GET", base+"/v1/financial_connections/accounts/fca_1", func(r *http.Request) (*http.Response, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		last := a.refresh[len(a.refresh)-1]
		return httpmock.NewStringResponse(200, accountJSON("fca_1", accountStatus, "transaction_refresh", refreshStatus, last)), nil
	})
	mock.RegisterResponder("GET", base+"/v1/financial_connections/transactions", func(r *http.Request) (*http.Response, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		q := r.URL.Query()
		a.lists = append(a.lists, q)
		a.nList++
		if a.nList == a.failList {
			return httpmock.NewStringResponse(500, `{"error":{"type":"api_error"}}`), nil
		}
		after := q.Get("transaction_refresh[after]")
		rank := map[string]int{}
		for i, id := range a.refresh {
			rank[id] = i
		}
		var sel []string
		for _, id := range a.order {
			if after == "" || rank[a.txns[id]] > rank[after] {
				sel = append(sel, id)
			}
		}
		start := 0
		if sa := q.Get("starting_after"); sa != "" {
			for i, id := range sel {
				if id == sa {
					start = i + 1
				}
			}
		}
		end := min(start+2, len(sel)) // pages of 2
		items := make([]string, 0, end-start)
		for _, id := range sel[start:end] {
			items = append(items, fmt.Sprintf(`{"id":%q,"object":"financial_connections.transaction","account":"fca_1","amount":-1000,"currency":"usd","description":"Rocket Rides","livemode":false,"status":"posted","status_transitions":{"posted_at":1651784999,"void_at":null},"transacted_at":1651784999,"transaction_refresh":%q,"updated":1651784999}`, id, a.txns[id]))
		}
		return httpmock.NewStringResponse(200, fmt.Sprintf(`{"object":"list","url":"/v1/financial_connections/transactions","has_more":%t,"data":[%s]}`, end < len(sel), strings.Join(items, ","))), nil
	})
}

func newTxnAPI() *txnAPI {
	return &txnAPI{
		refresh: []string{"fctxnref_1", "fctxnref_2"},
		txns:    map[string]string{"fctxn_a": "fctxnref_1", "fctxn_b": "fctxnref_1", "fctxn_c": "fctxnref_1", "fctxn_d": "fctxnref_2", "fctxn_e": "fctxnref_2"},
		order:   []string{"fctxn_e", "fctxn_d", "fctxn_c", "fctxn_b", "fctxn_a"},
	}
}

type store struct {
	mu   sync.Mutex
	txns map[string]string
	n    int
	fail string // fail when asked to store this ID
}

func (s *store) upsert(_ context.Context, t *fc.Transaction) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.ID == s.fail {
		return errors.New("disk full")
	}
	if s.txns == nil {
		s.txns = map[string]string{}
	}
	s.txns[t.ID] = t.TransactionRefresh
	s.n++
	return nil
}

func TestSyncFullThenIncremental(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t)
	api := newTxnAPI()
	api.refresh = api.refresh[:1]
	api.order = []string{"fctxn_c", "fctxn_b", "fctxn_a"}
	api.register(mock, "active", "succeeded")
	st := &store{}

	res := c.Transactions.SyncTransactions(context.Background(), "fca_1", "", st.upsert)
	require.NoError(t, res.Err)
	assert.Equal(t, "fctxnref_1", res.Cursor)
	assert.Equal(t, 3, res.Upserted)
	assert.Len(t, api.lists, 2, "three transactions over pages of two")
	assert.Empty(t, api.lists[0].Get("transaction_refresh[after]"), "a full pull has no cursor")
	assert.Equal(t, "fca_1", api.lists[0].Get("account"))
	assert.Equal(t, "fctxn_b", api.lists[1].Get("starting_after"))

	// A new refresh adds two transactions: only they are listed.
	api.mu.Lock()
	api.refresh = append(api.refresh, "fctxnref_2")
	api.order = []string{"fctxn_e", "fctxn_d", "fctxn_c", "fctxn_b", "fctxn_a"}
	api.lists = nil
	api.mu.Unlock()
	res = c.Transactions.SyncTransactions(context.Background(), "fca_1", res.Cursor, st.upsert)
	require.NoError(t, res.Err)
	assert.Equal(t, "fctxnref_2", res.Cursor)
	assert.Equal(t, 2, res.Upserted)
	assert.Equal(t, "fctxnref_1", api.lists[0].Get("transaction_refresh[after]"))
	assert.Len(t, st.txns, 5)

	// Replaying with the same cursor changes nothing and lists nothing.
	before := st.n
	res = c.Transactions.SyncTransactions(context.Background(), "fca_1", "fctxnref_2", st.upsert)
	require.NoError(t, res.Err)
	assert.Equal(t, "fctxnref_2", res.Cursor)
	assert.Equal(t, before, st.n)
	assert.Len(t, api.lists, 1)

	// Replaying an older cursor re-delivers the same rows; the store is unchanged.
	res = c.Transactions.SyncTransactions(context.Background(), "fca_1", "fctxnref_1", st.upsert)
	require.NoError(t, res.Err)
	assert.Equal(t, 2, res.Upserted)
	assert.Len(t, st.txns, 5)
}

func TestSyncCursorOnlyAdvancesOnSuccess(t *testing.T) {
	t.Parallel()
	c, mock := newClient(t)
	api := newTxnAPI()
	api.register(mock, "active", "succeeded")
	st := &store{fail: "fctxn_c"}
	res := c.Transactions.SyncTransactions(context.Background(), "fca_1", "", st.upsert)
	var ue *fc.UpsertError
	require.ErrorAs(t, res.Err, &ue)
	assert.Equal(t, "fctxn_c", ue.TransactionID)
	assert.EqualError(t, errors.Unwrap(res.Err), "disk full")
	assert.Equal(t, "", res.Cursor, "the cursor stays where it was")
	assert.Equal(t, 2, res.Upserted)

	// A list failure midway (after retries) also keeps the cursor.
	c2, mock2 := newClient(t, embedfin.WithMaxRetries(0))
	api2 := newTxnAPI()
	api2.refresh = []string{"fctxnref_0", "fctxnref_1", "fctxnref_2"}
	api2.failList = 2
	api2.register(mock2, "active", "succeeded")
	st2 := &store{}
	res = c2.Transactions.SyncTransactions(context.Background(), "fca_1", "fctxnref_0", st2.upsert)
	var apiErr *embedfin.Error
	require.ErrorAs(t, res.Err, &apiErr)
	assert.Equal(t, "fctxnref_0", res.Cursor)
	assert.Equal(t, 2, res.Upserted)
}

func TestSyncRefusesUnfinishedRefreshes(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		account, refresh string
		is               error
	}{
		"pending":      {"active", "pending", fc.ErrRefreshPending},
		"failed":       {"active", "failed", fc.ErrRefreshFailed},
		"inactive":     {"inactive", "succeeded", fc.ErrAccountNotActive},
		"disconnected": {"disconnected", "succeeded", fc.ErrAccountNotActive},
	}
	for name, tc := range cases {
		c, mock := newClient(t)
		api := newTxnAPI()
		api.register(mock, tc.account, tc.refresh)
		st := &store{}
		res := c.Transactions.SyncTransactions(context.Background(), "fca_1", "fctxnref_1", st.upsert)
		assert.ErrorIs(t, res.Err, tc.is, name)
		assert.Equal(t, "fctxnref_1", res.Cursor, name)
		assert.Empty(t, api.lists, name)
	}
	c, _ := newClient(t)
	res := c.Transactions.SyncTransactions(context.Background(), "fca_1", "", nil)
	var ve *embedfin.ValidationError
	assert.ErrorAs(t, res.Err, &ve)
	res = c.Transactions.SyncTransactions(context.Background(), "", "", (&store{}).upsert)
	assert.ErrorAs(t, res.Err, &ve)
}

func TestSyncManyBoundsConcurrencyAndRate(t *testing.T) {
	t.Parallel()
	const accounts, concurrency = 12, 3
	mock := httpmock.NewMockTransport()
	cl, err := embedfin.NewClient("sk_test_123", embedfin.WithHTTPClient(&http.Client{Transport: mock}),
		embedfin.WithBaseURL(base), embedfin.WithRateLimit(200, 2))
	require.NoError(t, err)
	c := fc.New(cl)

	var inFlight, peak atomic.Int32
	var mu sync.Mutex
	var stamps []time.Time
	track := func(body string) httpmock.Responder {
		return func(r *http.Request) (*http.Response, error) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			mu.Lock()
			stamps = append(stamps, time.Now())
			mu.Unlock()
			time.Sleep(time.Millisecond) // hold the slot so overlaps can show
			return httpmock.NewStringResponse(200, body), nil
		}
	}
	targets := make([]fc.SyncTarget, accounts)
	for i := range targets {
		id := fmt.Sprintf("fca_%d", i)
		targets[i] = fc.SyncTarget{Account: id, Cursor: "fctxnref_0"}
		mock.RegisterResponder("GET", base+"/v1/financial_connections/accounts/"+id,
			track(accountJSON(id, "active", "transaction_refresh", "succeeded", "fctxnref_1")))
	}
	mock.RegisterResponder("GET", base+"/v1/financial_connections/transactions", track(
		`{"object":"list","url":"/v1/financial_connections/transactions","has_more":false,"data":[{"id":"fctxn_1","object":"financial_connections.transaction","account":"fca_0","amount":-1000,"currency":"usd","description":"Rocket Rides","livemode":false,"status":"posted","status_transitions":{"posted_at":1,"void_at":null},"transacted_at":1,"transaction_refresh":"fctxnref_1","updated":1}]}`))
	st := &store{}
	results := c.Transactions.SyncMany(context.Background(), targets, concurrency, st.upsert)
	require.Len(t, results, accounts)
	for i, r := range results {
		require.NoError(t, r.Err)
		assert.Equal(t, targets[i].Account, r.Account, "results keep the targets' order")
		assert.Equal(t, "fctxnref_1", r.Cursor)
	}
	assert.LessOrEqual(t, peak.Load(), int32(concurrency), "never more accounts in flight than allowed")
	assert.Equal(t, 2*accounts, len(stamps))
	// The token bucket (200/s, burst 2) bounds every window: request k
	// cannot start before (k-2)/200 s after the first.
	for k, ts := range stamps {
		earliest := time.Duration(float64(max(k-2+1, 0))/200*float64(time.Second)) - 2*time.Millisecond
		assert.GreaterOrEqual(t, ts.Sub(stamps[0]), earliest, "request %d came too early", k)
	}
}

func TestSyncManyCancelled(t *testing.T) {
	t.Parallel()
	c, _ := newClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	results := c.Transactions.SyncMany(ctx, []fc.SyncTarget{{Account: "fca_1", Cursor: "x"}, {Account: "fca_2"}}, 0, (&store{}).upsert)
	for _, r := range results {
		assert.ErrorIs(t, r.Err, context.Canceled)
	}
	assert.Equal(t, "x", results[0].Cursor)
	assert.Empty(t, c.Transactions.SyncMany(ctx, nil, 4, (&store{}).upsert))
}
