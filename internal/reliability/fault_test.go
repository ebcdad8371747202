package reliability

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	faultRate     = 0.30
	faultSeed     = 20260826
	clientTimeout = 300 * time.Millisecond
	slowDelay     = time.Second
)

// faultyClient returns a client that reaches srv through a fault proxy,
// retrying up to retries times with short waits, and the transport to close
// afterwards.
func faultyClient(t *testing.T, proxy *faultProxy, key string, retries int) (*embedfin.Client, *http.Transport) {
	t.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}
	c, err := embedfin.NewClient(key,
		embedfin.WithBaseURL(proxy.URL()),
		embedfin.WithHTTPClient(&http.Client{Timeout: clientTimeout, Transport: tr}),
		embedfin.WithBackoff(time.Millisecond, 20*time.Millisecond),
		embedfin.WithMaxRetries(retries),
		embedfin.WithRetryRateLimited(true),
	)
	require.NoError(t, err)
	return c, tr
}

// directClient talks to the emulator without the proxy, on a transport
// the test closes.
func directClient(srv *stripetest.Server, key string) (*embedfin.Client, *http.Transport) {
	tr := &http.Transport{DisableCompression: true}
	return srv.ClientWithKey(key, embedfin.WithHTTPClient(&http.Client{Timeout: 30 * time.Second, Transport: tr})), tr
}

// errorKind names the typed error err is, or "" when it is none of the
// SDK's types for a failed call.
func errorKind(err error) string {
	var (
		apiErr  *embedfin.Error
		connErr *embedfin.ConnectionError
		decErr  *embedfin.DecodeError
	)
	switch {
	case errors.As(err, &apiErr):
		return fmt.Sprintf("api_error_%d", apiErr.HTTPStatusCode)
	case errors.As(err, &connErr):
		return "connection_error"
	case errors.As(err, &decErr):
		return "decode_error"
	}
	return ""
}

// createStats are the counts of TestFaultConcurrentCreates.
type createStats struct {
	mu           sync.Mutex
	calls        int            // SDK calls, user-level retries included
	permanent    map[string]int // calls that failed after the SDK's retries, by error type
	untyped      []string       // failures that were not a typed error (must stay empty)
	maxUserTries int
	successTries int // attempts of the successful calls, from LastResponse
	ids          map[string]string
	duplicateIDs int
}

func TestFaultConcurrentCreates(t *testing.T) {
	leaks := newLeakCheck()
	const (
		total   = 2000
		workers = 16
		key     = "sk_test_reliability_creates"
	)
	srv := stripetest.NewServer()
	proxy := newFaultProxy(srv.URL, faultRate, faultSeed, slowDelay)
	client, clientTr := faultyClient(t, proxy, key, 8)
	cs := customers.New(client).Customers

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	st := &createStats{permanent: map[string]int{}, ids: map[string]string{}}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= total || ctx.Err() != nil {
					return
				}
				email := fmt.Sprintf("customer-%04d@reliability.test", i)
				params := &customers.CustomerCreateParams{
					Email:    embedfin.Ptr(email),
					Name:     embedfin.Ptr(fmt.Sprintf("Customer %d", i)),
					Metadata: map[string]string{"logical_create": fmt.Sprint(i)},
				}
				// One idempotency key per logical create, reused by the
				// SDK's own retries and by the user-level retries below.
				idem := fmt.Sprintf("reliability-create-%d-%d", faultSeed, i)
				for try := 1; ; try++ {
					cust, err := cs.Create(ctx, params, embedfin.WithIdempotencyKey(idem))
					st.mu.Lock()
					st.calls++
					if err == nil {
						st.successTries += cust.LastResponse.Attempts
						st.maxUserTries = max(st.maxUserTries, try)
						if prev, dup := st.ids[cust.ID]; dup && prev != email {
							st.duplicateIDs++
						}
						st.ids[cust.ID] = email
						st.mu.Unlock()
						break
					}
					kind := errorKind(err)
					if kind == "" {
						st.untyped = append(st.untyped, fmt.Sprintf("%T: %v", err, err))
					} else {
						st.permanent[kind]++
					}
					st.mu.Unlock()
					if kind == "" || try >= 20 || ctx.Err() != nil {
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	require.NoError(t, ctx.Err(), "the creates did not finish in time")

	proxy.Close()
	clientTr.CloseIdleConnections()

	// Count what the emulator holds, bypassing the proxy.
	direct, directTr := directClient(srv, key)
	emails := map[string]int{}
	listed := 0
	for cust, err := range customers.New(direct).Customers.All(ctx, &customers.CustomerListParams{ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(100))}}) {
		require.NoError(t, err)
		listed++
		emails[embedfin.Deref(cust.Email)]++
		assert.Equal(t, embedfin.Deref(cust.Email), st.ids[cust.ID], "the emulator's %s is the one the create returned", cust.ID)
	}
	duplicates := 0
	for _, n := range emails {
		duplicates += n - 1
	}
	missing := 0
	for i := range total {
		if emails[fmt.Sprintf("customer-%04d@reliability.test", i)] == 0 {
			missing++
		}
	}

	attempts, faults := proxy.stats()
	injected := 0
	for f, n := range faults {
		if f != faultNone {
			injected += n
		}
	}
	permanent := 0
	for _, n := range st.permanent {
		permanent += n
	}
	t.Logf("creates: %d logical, %d goroutines, fault rate %.0f%%, seed %d", total, workers, 100*faultRate, faultSeed)
	t.Logf("attempts seen by the proxy: %d (SDK calls %d, so %d retries by the SDK); faults injected: %d", attempts, st.calls, attempts-st.calls, injected)
	logCounts(t, "faults by kind", faults)
	t.Logf("calls failed after the SDK's retries (re-issued with the same idempotency key): %d (%s); most calls for one create: %d", permanent, formatCounts(st.permanent), st.maxUserTries)
	t.Logf("objects on the emulator: %d, distinct emails: %d, duplicates: %d, missing: %d, untyped errors: %d", listed, len(emails), duplicates, missing, len(st.untyped))

	assert.Empty(t, st.untyped, "every failed call returns *embedfin.Error, *embedfin.ConnectionError or *embedfin.DecodeError")
	assert.Len(t, st.ids, total, "every logical create succeeded once")
	assert.Zero(t, st.duplicateIDs)
	assert.Equal(t, total, listed, "exactly one object per logical create")
	assert.Zero(t, duplicates)
	assert.Zero(t, missing)
	for _, f := range allFaults {
		assert.Positive(t, faults[f], "fault %s was injected", f)
	}
	assert.Positive(t, permanent, "some calls outlived the SDK's retries (decode errors, Should-Retry: false)")
	assert.LessOrEqual(t, st.permanent["decode_error"], faults[faultTruncated]+faults[faultHTMLPage],
		"a *DecodeError only for a complete 2xx body that is not JSON: cut and stalled bodies are retried")

	directTr.CloseIdleConnections()
	srv.Close()
	leaks.verify(t, 10*time.Second)
}

// syncStore is an idempotent transaction store, as SyncTransactions
// requires: an upsert by ID.
type syncStore struct {
	mu      sync.Mutex
	txns    map[string]*fc.Transaction
	inserts int
	upserts int
}

func (s *syncStore) upsert(_ context.Context, txn *fc.Transaction) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.txns[txn.ID]; !ok {
		s.inserts++
	}
	s.txns[txn.ID] = txn
	s.upserts++
	return nil
}

var fastWait = &fc.WaitOptions{MinInterval: 2 * time.Millisecond, MaxInterval: 20 * time.Millisecond, Timeout: 30 * time.Second}

func TestFaultTransactionSync(t *testing.T) {
	leaks := newLeakCheck()
	const (
		key      = "sk_test_reliability_sync"
		accounts = 6
		cycles   = 4 // refresh-then-sync cycles after the first full sync
	)
	srv := stripetest.NewServer(stripetest.WithRefreshDelay(5 * time.Millisecond))
	proxy := newFaultProxy(srv.URL, faultRate, faultSeed+1, slowDelay)
	client, clientTr := faultyClient(t, proxy, key, 8)
	direct, directTr := directClient(srv, key)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// Link accounts and fetch their history directly on the emulator.
	dfc := fc.New(direct)
	var ids []string
	for i := range accounts {
		cust, err := customers.New(direct).Customers.Create(ctx, &customers.CustomerCreateParams{Email: embedfin.Ptr(fmt.Sprintf("sync-%d@reliability.test", i))})
		require.NoError(t, err)
		sess, err := dfc.Sessions.Create(ctx, &fc.SessionCreateParams{
			AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
			Permissions:   []fc.Permission{fc.PermissionTransactions},
		})
		require.NoError(t, err)
		_, err = direct.RawRequest(ctx, http.MethodPost, "/v1/test_helpers/financial_connections/sessions/"+sess.ID+"/complete", url.Values{})
		require.NoError(t, err)
		list, err := dfc.Accounts.List(ctx, &fc.AccountListParams{Session: embedfin.Ptr(sess.ID)})
		require.NoError(t, err)
		require.Len(t, list.Data, 1)
		ids = append(ids, list.Data[0].ID)
		_, err = dfc.Accounts.RefreshAndWait(ctx, list.Data[0].ID, fc.AccountFeatureTransactions, fastWait)
		require.NoError(t, err)
	}

	store := &syncStore{txns: map[string]*fc.Transaction{}}
	txs := fc.New(client).Transactions
	failures := map[string]int{}
	var untyped []string
	record := func(err error) {
		if k := errorKind(err); k != "" {
			failures[k]++
		} else {
			untyped = append(untyped, fmt.Sprintf("%T: %v", err, err))
		}
	}

	// One account alone: re-run from the stored cursor until a pass completes.
	cursors := make([]string, accounts)
	runs := 0
	for {
		runs++
		require.Less(t, runs, 100, "SyncTransactions never completed")
		res := txs.SyncTransactions(ctx, ids[0], cursors[0], store.upsert)
		if res.Err == nil {
			cursors[0] = res.Cursor
			break
		}
		assert.Equal(t, cursors[0], res.Cursor, "a failed sync keeps the old cursor")
		record(res.Err)
	}

	// All accounts with SyncMany, twice: the full history, then what a
	// second refresh added or changed.
	syncAll := func() int {
		rounds := 0
		pending := make([]int, 0, accounts)
		for i := range accounts {
			pending = append(pending, i)
		}
		for len(pending) > 0 {
			rounds++
			require.Less(t, rounds, 100, "SyncMany never completed")
			targets := make([]fc.SyncTarget, len(pending))
			for j, i := range pending {
				targets[j] = fc.SyncTarget{Account: ids[i], Cursor: cursors[i]}
			}
			results := txs.SyncMany(ctx, targets, 3, store.upsert)
			var again []int
			for j, res := range results {
				i := pending[j]
				if res.Err != nil {
					assert.Equal(t, cursors[i], res.Cursor, "a failed sync keeps the old cursor")
					record(res.Err)
					again = append(again, i)
					continue
				}
				cursors[i] = res.Cursor
			}
			pending = again
		}
		return rounds
	}
	rounds := []int{syncAll()}
	for range cycles {
		for _, id := range ids {
			_, err := dfc.Accounts.RefreshAndWait(ctx, id, fc.AccountFeatureTransactions, fastWait)
			require.NoError(t, err)
		}
		rounds = append(rounds, syncAll())
	}

	proxy.Close()
	clientTr.CloseIdleConnections()

	// The store must hold exactly the emulator's transactions, as they are now.
	want := map[string]*fc.Transaction{}
	for i, id := range ids {
		acct, err := dfc.Accounts.Retrieve(ctx, id, nil)
		require.NoError(t, err)
		require.NotNil(t, acct.TransactionRefresh)
		assert.Equal(t, acct.TransactionRefresh.ID, cursors[i], "the cursor of %s is its latest transaction refresh", id)
		for txn, err := range dfc.Transactions.All(ctx, &fc.TransactionListParams{Account: embedfin.Ptr(id)}) {
			require.NoError(t, err)
			_, dup := want[txn.ID]
			require.False(t, dup, "the emulator lists %s once", txn.ID)
			want[txn.ID] = txn
		}
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	assert.Len(t, store.txns, len(want), "the store has exactly the emulator's transactions")
	assert.Equal(t, len(want), store.inserts, "each transaction stored once")
	for id, w := range want {
		got, ok := store.txns[id]
		if !assert.True(t, ok, "transaction %s stored", id) {
			continue
		}
		assert.Equal(t, w.TransactionRefresh, got.TransactionRefresh, id)
		assert.Equal(t, w.Status, got.Status, id)
		assert.Equal(t, w.Amount, got.Amount, id)
	}
	assert.Empty(t, untyped, "every failed sync reports a typed error")

	_, faults := proxy.stats()
	assert.LessOrEqual(t, failures["decode_error"], faults[faultTruncated]+faults[faultHTMLPage],
		"a *DecodeError only for a complete 2xx body that is not JSON: cut and stalled bodies are retried")

	attempts, _ := proxy.stats()
	t.Logf("sync: %d accounts, %d transactions stored (%d upserts), %d proxy requests", accounts, len(store.txns), store.upserts, attempts)
	logCounts(t, "faults by kind", faults)
	t.Logf("failed sync passes re-run from the stored cursor: %d single-account runs, SyncMany rounds per cycle %v; failures: %s", runs, rounds, formatCounts(failures))

	directTr.CloseIdleConnections()
	srv.Close()
	leaks.verify(t, 10*time.Second)
}
