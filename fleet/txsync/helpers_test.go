package txsync

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/fleet/internal/testenv"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

const testSecret = "whsec_txsync_test"

// database is one backend under test.
type database struct {
	name string
	db   Database
	// url is the PostgreSQL connection URL ("" for SQLite).
	url string
}

// sqliteDB returns a migrated SQLite database in t's temporary directory.
func sqliteDB(t testing.TB) database {
	t.Helper()
	sdb, err := OpenSQLite(filepath.Join(t.TempDir(), "sync.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sdb.Close() })
	db := SQLite(sdb)
	if err := Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return database{name: "sqlite", db: db}
}

// postgresDB returns a migrated PostgreSQL database in a schema of t's
// own (skipped outside CI when PostgreSQL is unreachable).
func postgresDB(t testing.TB) database {
	t.Helper()
	connURL, _ := testenv.PostgresSchema(t)
	cfg, err := pgxpool.ParseConfig(connURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 24
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := Postgres(pool, "")
	if err := Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return database{name: "postgres", db: db, url: connURL}
}

// eachDatabase runs f on SQLite and on PostgreSQL, in parallel subtests.
func eachDatabase(t *testing.T, f func(t *testing.T, d database)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		f(t, sqliteDB(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		f(t, postgresDB(t))
	})
}

// testConfig is a Config for quick tests.
func testConfig() *Config {
	return &Config{
		Workers:       4,
		PollInterval:  50 * time.Millisecond,
		LockWait:      200 * time.Millisecond,
		PendingSnooze: 50 * time.Millisecond,
		RetryPolicy:   fastRetry{},
	}
}

// fastRetry retries after 50 ms.
type fastRetry struct{}

func (fastRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(50 * time.Millisecond) }

// env is an emulator delivering webhooks to a Syncer's receiver.
type env struct {
	emu      *stripetest.Server
	client   *embedfin.Client
	fc       *fc.Client
	syncer   *Syncer
	receiver *httptest.Server
}

// envOpts tunes newEnv.
type envOpts struct {
	cfg       *Config
	noStart   bool // do not start the workers
	noWebhook bool // the emulator delivers no webhooks
	emu       []stripetest.Option
}

// newEnv starts an emulator whose webhooks go to the receiver of a Syncer
// on d, and the Syncer's workers.
func newEnv(t *testing.T, d database, o envOpts) *env {
	t.Helper()
	var handler atomic.Pointer[http.Handler]
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := handler.Load(); h != nil {
			(*h).ServeHTTP(w, r)
			return
		}
		http.Error(w, "not ready", http.StatusServiceUnavailable)
	}))
	t.Cleanup(recv.Close)
	opts := []stripetest.Option{
		stripetest.WithRefreshDelay(30 * time.Millisecond),
		stripetest.WithSeed(time.Now().UnixNano()),
	}
	if !o.noWebhook {
		opts = append(opts, stripetest.WithWebhook(recv.URL, testSecret), stripetest.WithWebhookRetries(8, 20*time.Millisecond))
	}
	emu := stripetest.NewServer(append(opts, o.emu...)...)
	t.Cleanup(emu.Close)
	client := emu.Client()
	cfg := o.cfg
	if cfg == nil {
		cfg = testConfig()
	}
	s, err := New(d.db, client, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = s.Receiver(testSecret)
	handler.Store(&h)
	e := &env{emu: emu, client: client, fc: fc.New(client), syncer: s, receiver: recv}
	if !o.noStart {
		e.start(t, s)
	}
	return e
}

// start starts s's workers until t ends.
func (e *env) start(t testing.TB, s *Syncer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		_ = s.Stop(stop)
		cancel()
	})
}

// waitRefreshed waits until no refresh of the accounts is pending.
func (e *env) waitRefreshed(t testing.TB, ids []string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, id := range ids {
		for {
			acct, err := e.fc.Accounts.Retrieve(context.Background(), id, nil)
			if err != nil {
				t.Fatal(err)
			}
			pending := false
			for _, f := range []fc.AccountFeature{fc.AccountFeatureTransactions, fc.AccountFeatureBalance, fc.AccountFeatureOwnership} {
				if st, ok := acct.RefreshOf(f); ok && st.Status == fc.RefreshStatusPending {
					pending = true
				}
			}
			if !pending {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still refreshing after 20 s", id)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// link links n accounts with every permission through the emulator's test
// helper, prefetching balances and owners, and subscribes each to
// transactions (which starts a transaction refresh).
func (e *env) link(t testing.TB, n int) []string {
	t.Helper()
	ctx := context.Background()
	cust, err := customers.New(e.client).Customers.Create(ctx, &customers.CustomerCreateParams{Email: embedfin.Ptr("jenny.rosen@example.com"), Name: embedfin.Ptr("Jenny Rosen")})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := e.fc.Sessions.Create(ctx, &fc.SessionCreateParams{
		AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
		Permissions:   []fc.Permission{fc.PermissionTransactions, fc.PermissionBalances, fc.PermissionOwnership},
		Prefetch:      []fc.SessionPrefetch{fc.SessionPrefetchBalances, fc.SessionPrefetchOwnership},
	})
	if err != nil {
		t.Fatal(err)
	}
	describe := url.Values{}
	for i := range n {
		describe.Set(fmt.Sprintf("accounts[%d][display_name]", i), fmt.Sprintf("Checking %d", i))
		describe.Set(fmt.Sprintf("accounts[%d][owners][0][name]", i), fmt.Sprintf("Owner %d", i))
	}
	if _, err := e.client.RawRequest(ctx, "POST", "/v1/test_helpers/financial_connections/sessions/"+sess.ID+"/complete", describe); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for acct, err := range e.fc.Accounts.All(ctx, &fc.AccountListParams{Session: embedfin.Ptr(sess.ID)}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, acct.ID)
	}
	if len(ids) != n {
		t.Fatalf("linked %d accounts, want %d", len(ids), n)
	}
	for _, id := range ids {
		if _, err := e.fc.Accounts.Subscribe(ctx, id, &fc.AccountSubscribeParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}}); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// refresh starts a transaction refresh of each account.
func (e *env) refresh(t testing.TB, ids []string) {
	t.Helper()
	for _, id := range ids {
		if _, err := e.fc.Accounts.Refresh(context.Background(), id, &fc.AccountRefreshParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}}); err != nil {
			t.Fatal(err)
		}
	}
}

// waitSynced waits until every account's cursor is its latest succeeded
// transaction refresh and no job is left.
func (e *env) waitSynced(t testing.TB, ids []string) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(45 * time.Second)
	for {
		ok := true
		for _, id := range ids {
			acct, err := e.fc.Accounts.Retrieve(ctx, id, nil)
			if err != nil {
				t.Fatal(err)
			}
			cur, err := e.syncer.Cursor(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			r := acct.TransactionRefresh
			if r == nil || r.Status != fc.RefreshStatusSucceeded || cur != r.ID {
				ok = false
				break
			}
		}
		if ok {
			n, err := e.syncer.Pending(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("accounts not synced within 45 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// apiTransactions lists every transaction of the account from the API.
func (e *env) apiTransactions(t testing.TB, id string) []*fc.Transaction {
	t.Helper()
	var out []*fc.Transaction
	params := &fc.TransactionListParams{Account: embedfin.Ptr(id)}
	params.Limit = embedfin.Ptr(int64(100))
	for txn, err := range e.fc.Transactions.All(context.Background(), params) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, txn)
	}
	return out
}

// assertMatchesAPI checks that the stored transactions of each account
// are exactly the API's (ids, amounts, statuses, updated), each once, and
// that its cursor is the latest refresh.
func (e *env) assertMatchesAPI(t testing.TB, ids []string) (total int) {
	t.Helper()
	ctx := context.Background()
	for _, id := range ids {
		api := e.apiTransactions(t, id)
		stored, err := e.syncer.Transactions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != len(api) {
			t.Fatalf("%s: %d stored transactions, the API lists %d", id, len(stored), len(api))
		}
		byID := map[string]Transaction{}
		for _, s := range stored {
			if _, dup := byID[s.ID]; dup {
				t.Fatalf("%s: transaction %s stored twice", id, s.ID)
			}
			byID[s.ID] = s
		}
		for _, a := range api {
			s, ok := byID[a.ID]
			if !ok {
				t.Fatalf("%s: transaction %s missing", id, a.ID)
			}
			if s.Amount != a.Amount || s.Status != string(a.Status) || s.Updated != a.Updated || s.TransactionRefresh != a.TransactionRefresh ||
				s.Description != a.Description || s.TransactedAt != a.TransactedAt || s.Account != a.Account {
				t.Fatalf("%s: transaction %s stored as %+v, the API has %+v", id, a.ID, s, a)
			}
		}
		acct, err := e.fc.Accounts.Retrieve(ctx, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		cur, err := e.syncer.Cursor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if cur != acct.TransactionRefresh.ID {
			t.Fatalf("%s: cursor %s, latest refresh %s", id, cur, acct.TransactionRefresh.ID)
		}
		total += len(api)
	}
	return total
}

// statuses counts stored transactions by status.
func statuses(t testing.TB, s *Syncer, ids []string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, id := range ids {
		txns, err := s.Transactions(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range txns {
			out[x.Status]++
		}
	}
	return out
}

// jobsOf lists the sync jobs in any state.
func jobsOf(t testing.TB, s *Syncer) []*rivertype.JobRow {
	t.Helper()
	res, err := s.river.JobList(context.Background(), river.NewJobListParams().Kinds(JobKind).States(
		rivertype.JobStateAvailable, rivertype.JobStateCancelled, rivertype.JobStateCompleted, rivertype.JobStateDiscarded,
		rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled,
	).First(10_000))
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(res.Jobs, func(i, j int) bool { return res.Jobs[i].ID < res.Jobs[j].ID })
	return res.Jobs
}
