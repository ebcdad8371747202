package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/fleet/internal/testenv"
	"github.com/embedfin/embedfin-go/fleet/txsync"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/jackc/pgx/v5/pgxpool"
)

// envChild makes the test binary run the command (main) instead of the
// tests: the fleet tests start their worker processes that way, so the
// processes are the command itself, with its flags.
const envChild = "EMBEDFIN_SYNC_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		main() // exits
	}
	os.Exit(m.Run())
}

const fleetSecret = "whsec_fleet_test"

// lockedBuffer collects a child's output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// child is one embedfin-sync process.
type child struct {
	name string
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
	err  error // Wait's, once done is closed
}

// startChild runs the command with args in a process of its own.
func startChild(t *testing.T, name string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), envChild+"=1")
	c := &child{name: name, cmd: cmd, out: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.out, c.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		c.stop()
		if t.Failed() {
			t.Logf("output of %s (pid %d):\n%s", c.name, c.cmd.Process.Pid, c.out.String())
		}
	})
	return c
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// kill ends the process with SIGKILL and waits for it.
func (c *child) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}

// stop asks the process to end (SIGTERM), then kills it after 15 s.
func (c *child) stop() {
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		c.kill()
	}
}

// waitOutput waits until the output matches re and returns the first
// submatch.
func (c *child) waitOutput(t *testing.T, re *regexp.Regexp, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if m := re.FindStringSubmatch(c.out.String()); m != nil {
			return m[1]
		}
		select {
		case <-c.done:
			t.Fatalf("%s exited (%v) before printing %s:\n%s", c.name, c.err, re, c.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s printed no %s within %v:\n%s", c.name, re, within, c.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive fails t when the process has exited.
func (c *child) alive(t *testing.T) {
	t.Helper()
	select {
	case <-c.done:
		t.Fatalf("%s exited: %v\n%s", c.name, c.err, c.out.String())
	default:
	}
}

// fleetEmulator is an emulator whose webhooks go to receiverURL, and the
// URL the workers use: the emulator behind a few milliseconds of latency,
// as a real API has, so that jobs are in flight long enough to be killed
// mid-run. requests counts what the workers send.
type fleetEmulator struct {
	emu      *stripetest.Server
	client   *embedfin.Client
	fc       *fc.Client
	apiURL   string
	requests atomic.Int64
}

func newFleetEmulator(t *testing.T, receiverURL string, latency time.Duration) *fleetEmulator {
	t.Helper()
	seed := time.Now().UnixNano()
	t.Logf("emulator seed %d", seed)
	emu := stripetest.NewServer(
		stripetest.WithWebhook(receiverURL, fleetSecret),
		// 100 ms doubling, 12 attempts: a delivery keeps being retried for
		// minutes while a receiver is down.
		stripetest.WithWebhookRetries(12, 100*time.Millisecond),
		stripetest.WithRefreshDelay(200*time.Millisecond),
		stripetest.WithSeed(seed))
	t.Cleanup(emu.Close)
	f := &fleetEmulator{emu: emu}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		time.Sleep(latency)
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(api.Close)
	f.apiURL = api.URL
	f.client = emu.Client(embedfin.WithMaxRetries(3))
	f.fc = fc.New(f.client)
	return f
}

// link links n accounts with every permission (balances and owners
// prefetched), in sessions of at most 50, and subscribes each to
// transactions, which starts its first transaction refresh. It returns
// the accounts and the transaction refresh each was left with.
func (f *fleetEmulator) link(t *testing.T, n int) ([]string, map[string]string) {
	t.Helper()
	ctx := context.Background()
	cust, err := customers.New(f.client).Customers.Create(ctx, &customers.CustomerCreateParams{Email: embedfin.Ptr("jenny.rosen@example.com"), Name: embedfin.Ptr("Jenny Rosen")})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	refresh := map[string]string{}
	for len(ids) < n {
		batch := min(50, n-len(ids))
		sess, err := f.fc.Sessions.Create(ctx, &fc.SessionCreateParams{
			AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
			Permissions:   []fc.Permission{fc.PermissionTransactions, fc.PermissionBalances, fc.PermissionOwnership},
			Prefetch:      []fc.SessionPrefetch{fc.SessionPrefetchBalances, fc.SessionPrefetchOwnership},
		})
		if err != nil {
			t.Fatal(err)
		}
		describe := url.Values{}
		for i := range batch {
			describe.Set(fmt.Sprintf("accounts[%d][display_name]", i), fmt.Sprintf("Checking %d", len(ids)+i+1))
		}
		if _, err := f.client.RawRequest(ctx, "POST", "/v1/test_helpers/financial_connections/sessions/"+sess.ID+"/complete", describe); err != nil {
			t.Fatal(err)
		}
		for acct, err := range f.fc.Accounts.All(ctx, &fc.AccountListParams{Session: embedfin.Ptr(sess.ID)}) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, acct.ID)
			sub, err := f.fc.Accounts.Subscribe(ctx, acct.ID, &fc.AccountSubscribeParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}})
			if err != nil {
				t.Fatal(err)
			}
			refresh[acct.ID] = sub.TransactionRefresh.ID
		}
	}
	if len(ids) != n {
		t.Fatalf("linked %d accounts, want %d", len(ids), n)
	}
	return ids, refresh
}

// refresh starts a transaction refresh of every account and returns the
// refresh each was left with.
func (f *fleetEmulator) refresh(t *testing.T, ids []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, id := range ids {
		acct, err := f.fc.Accounts.Refresh(context.Background(), id, &fc.AccountRefreshParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}})
		if err != nil {
			t.Fatal(err)
		}
		out[id] = acct.TransactionRefresh.ID
	}
	return out
}

// probe reads the fleet's database directly: what the public API of
// txsync does not show (River's job rows, every cursor at once).
type probe interface {
	// cursors maps each account to its stored transaction refresh.
	cursors(ctx context.Context) (map[string]string, error)
	// running counts the running jobs, of the process with that pid
	// (0: of any process).
	running(ctx context.Context, pid int) (int, error)
	// jobStates counts the sync jobs by state, and those rescued by
	// River's rescuer (a killed worker's).
	jobStates(ctx context.Context) (states map[string]int, rescued int, err error)
}

type pgProbe struct{ pool *pgxpool.Pool }

func (p pgProbe) cursors(ctx context.Context) (map[string]string, error) {
	return scanPairs(p.pool.Query(ctx, `SELECT account, transaction_refresh FROM fc_cursors`))
}

func (p pgProbe) running(ctx context.Context, pid int) (int, error) {
	var n int
	by := "%" // the client ID of a command's process has its pid between underscores
	if pid != 0 {
		by = fmt.Sprintf(`%%\_%d\_%%`, pid)
	}
	err := p.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state = 'running' AND kind = $1
	AND attempted_by[array_upper(attempted_by, 1)] LIKE $2`, txsync.JobKind, by).Scan(&n)
	return n, err
}

func (p pgProbe) jobStates(ctx context.Context) (map[string]int, int, error) {
	states, err := scanCounts(p.pool.Query(ctx, `SELECT state::text, count(*) FROM river_job WHERE kind = $1 GROUP BY state`, txsync.JobKind))
	if err != nil {
		return nil, 0, err
	}
	var rescued int
	err = p.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = $1 AND errors::text LIKE '%Stuck job rescued%'`, txsync.JobKind).Scan(&rescued)
	return states, rescued, err
}

type sqliteProbe struct{ db *sql.DB }

func (p sqliteProbe) cursors(ctx context.Context) (map[string]string, error) {
	rows, err := p.db.QueryContext(ctx, `SELECT account, transaction_refresh FROM fc_cursors`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var a, r string
		if err := rows.Scan(&a, &r); err != nil {
			return nil, err
		}
		out[a] = r
	}
	return out, rows.Err()
}

func (p sqliteProbe) running(ctx context.Context, _ int) (int, error) {
	var n int
	err := p.db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE state = 'running' AND kind = $1`, txsync.JobKind).Scan(&n)
	return n, err
}

func (p sqliteProbe) jobStates(ctx context.Context) (map[string]int, int, error) {
	rows, err := p.db.QueryContext(ctx, `SELECT state, count(*) FROM river_job WHERE kind = $1 GROUP BY state`, txsync.JobKind)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	states := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, 0, err
		}
		states[s] = n
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var rescued int
	err = p.db.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = $1 AND CAST(errors AS TEXT) LIKE '%Stuck job rescued%'`, txsync.JobKind).Scan(&rescued)
	return states, rescued, err
}

// pgRows is what scanPairs and scanCounts read.
type pgRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

func scanPairs[R pgRows](rows R, err error) (map[string]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return nil, err
		}
		out[a] = b
	}
	return out, rows.Err()
}

func scanCounts[R pgRows](rows R, err error) (map[string]int, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var a string
		var n int
		if err := rows.Scan(&a, &n); err != nil {
			return nil, err
		}
		out[a] = n
	}
	return out, rows.Err()
}

// synced counts the accounts whose cursor is the expected refresh.
func synced(ctx context.Context, p probe, want map[string]string) (int, error) {
	cur, err := p.cursors(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for id, r := range want {
		if cur[id] == r {
			n++
		}
	}
	return n, nil
}

// waitSynced waits until every account's cursor is the expected refresh
// and no sync job is left to run, in any process; check runs on each
// poll (a child still alive).
func waitSynced(t *testing.T, p probe, s *txsync.Syncer, want map[string]string, within time.Duration, check func()) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(within)
	for {
		check()
		n, err := synced(ctx, p, want)
		if err != nil {
			t.Fatal(err)
		}
		if n == len(want) {
			pending, err := s.Pending(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if pending == 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			states, rescued, _ := p.jobStates(ctx)
			t.Fatalf("after %v: %d/%d accounts at their latest refresh; jobs %v (%d rescued)", within, n, len(want), states, rescued)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// killMidRun waits until at least minSynced accounts are synced, fewer
// than all, and the process has a job running, then kills it with SIGKILL.
// It returns how many accounts were synced at the kill.
func killMidRun(t *testing.T, p probe, c *child, want map[string]string, minSynced int) int {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c.alive(t)
		n, err := synced(ctx, p, want)
		if err != nil {
			t.Fatal(err)
		}
		if n == len(want) {
			t.Fatalf("every account synced before %s could be killed mid-run", c.name)
		}
		if n >= minSynced {
			running, err := p.running(ctx, c.pid())
			if err != nil {
				t.Fatal(err)
			}
			if running > 0 {
				c.kill()
				t.Logf("killed %s (pid %d) with SIGKILL: %d jobs of its running, %d/%d accounts synced", c.name, c.pid(), running, n, len(want))
				return n
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no moment to kill it mid-run within 60 s (%d/%d synced)", c.name, n, len(want))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// assertTableIsAPI checks that the stored transactions are exactly the
// API's: every account's, the same IDs, amounts, statuses, transitions,
// refresh and updated, each once, no other row; and that every cursor is
// its account's latest transaction refresh, succeeded. It returns the
// number of transactions and their statuses.
func assertTableIsAPI(t *testing.T, f *fleetEmulator, s *txsync.Syncer, ids []string, want map[string]string) (int, map[string]int) {
	t.Helper()
	ctx := context.Background()
	total := 0
	byStatus := map[string]int{}
	for _, id := range ids {
		stored, err := s.Transactions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		byID := make(map[string]txsync.Transaction, len(stored))
		for _, x := range stored {
			if _, dup := byID[x.ID]; dup {
				t.Fatalf("%s: transaction %s stored twice", id, x.ID)
			}
			byID[x.ID] = x
		}
		params := &fc.TransactionListParams{Account: embedfin.Ptr(id)}
		params.Limit = embedfin.Ptr(int64(100))
		n := 0
		for a, err := range f.fc.Transactions.All(ctx, params) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			x, ok := byID[a.ID]
			if !ok {
				t.Fatalf("%s: transaction %s (%s) missing from the table", id, a.ID, a.Status)
			}
			if x.Account != a.Account || x.Amount != a.Amount || x.Currency != a.Currency || x.Status != string(a.Status) ||
				x.Updated != a.Updated || x.TransactionRefresh != a.TransactionRefresh || x.TransactedAt != a.TransactedAt ||
				!samePtr(x.PostedAt, a.StatusTransitions.PostedAt) || !samePtr(x.VoidAt, a.StatusTransitions.VoidAt) {
				t.Fatalf("%s: transaction %s stored as %+v; the API has %+v", id, a.ID, x, a)
			}
			byStatus[x.Status]++
		}
		if n != len(stored) {
			t.Fatalf("%s: %d transactions stored, the API lists %d", id, len(stored), n)
		}
		total += n
		acct, err := f.fc.Accounts.Retrieve(ctx, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		cur, err := s.Cursor(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		r := acct.TransactionRefresh
		if r == nil || r.ID != want[id] || r.Status != fc.RefreshStatusSucceeded || cur != r.ID {
			t.Fatalf("%s: cursor %q; latest refresh %+v, expected %s", id, cur, r, want[id])
		}
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Transactions != int64(total) || st.Cursors != int64(len(ids)) || st.Failures != 0 {
		t.Fatalf("stats %+v: want %d transactions, %d cursors, no failure", st, total, len(ids))
	}
	return total, byStatus
}

func samePtr(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// TestFleetPostgres is issue 12's fleet test: 200 accounts linked on the
// emulator (over 20,000 transactions), webhooks to a receiver in this
// process, 4 worker processes of the command on one PostgreSQL schema;
// one of them is killed with SIGKILL mid-run and started again, and River
// rescues its jobs. Then a second refresh of every account (pending
// transactions post, some are voided, new ones arrive). At the end the
// table is exactly the API's transactions, each once, and every cursor is
// the account's latest refresh.
func TestFleetPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("the fleet test takes about a minute; skipped with -short")
	}
	t.Parallel()
	const accounts, workers = 200, 4
	start := time.Now()
	connURL, schema := testenv.PostgresSchema(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, connURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	db := txsync.Postgres(pool, "")
	if err := txsync.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	// The receiver: this process (nil client: it only records events and
	// enqueues jobs).
	recv, err := txsync.New(db, nil, &txsync.Config{})
	if err != nil {
		t.Fatal(err)
	}
	rs := httptest.NewServer(recv.Receiver(fleetSecret))
	t.Cleanup(rs.Close)
	f := newFleetEmulator(t, rs.URL, 5*time.Millisecond)

	// The workers: the command, as txsync's README runs a worker of a
	// fleet (no -webhook-secret: it only works jobs). A killed worker's
	// jobs are rescued after -rescue-after, on River's rescuer's next
	// look (every 30 s).
	args := []string{"-database", connURL, "-api-base", f.apiURL, "-workers", "4", "-serve", "-backfill=false",
		"-rate", "-1", "-job-timeout", "10s", "-rescue-after", "12s", "-timeout", "10m"}
	procs := make([]*child, workers)
	for i := range procs {
		procs[i] = startChild(t, fmt.Sprintf("worker %d", i+1), args...)
	}
	for _, p := range procs {
		p.waitOutput(t, regexp.MustCompile(`(serving until interrupted)`), 60*time.Second)
	}
	allAlive := func() {
		for _, p := range procs {
			p.alive(t)
		}
	}
	t.Logf("schema %s, %d worker processes ready after %v", schema, workers, time.Since(start).Round(time.Millisecond))

	ids, want := f.link(t, accounts)
	linked := time.Now()
	pr := pgProbe{pool}
	victim := procs[1]
	killedAt := killMidRun(t, pr, victim, want, accounts/10)
	time.Sleep(time.Second)
	// Started again. It prints "serving" only once no job is left
	// anywhere (the killed process's included), so wait for its first line.
	procs[1] = startChild(t, "worker 2 (restarted)", args...)
	procs[1].waitOutput(t, regexp.MustCompile(`(receiver: off)`), 60*time.Second)

	verifyRounds(t, f, pr, recv, ids, want, 150*time.Second, allAlive, accounts, killedAt, linked, start)
}

// TestFleetSQLite is the fleet test on SQLite: one process of the command
// (SQLite has one writer) receiving the webhooks and working the jobs,
// killed with SIGKILL mid-run and started again on the same file; then the
// second refresh; the table is exactly the API's and every cursor the
// latest refresh.
func TestFleetSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("the fleet test takes about a minute; skipped with -short")
	}
	t.Parallel()
	const accounts = 200
	start := time.Now()
	state := t.TempDir()

	// The emulator delivers to this forwarder, which passes each delivery
	// to the process running now (503 while there is none: the emulator
	// retries).
	var target atomic.Pointer[string]
	fwd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		to := target.Load()
		if to == nil {
			http.Error(w, "no receiver", http.StatusServiceUnavailable)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, *to, bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(fwd.Close)
	f := newFleetEmulator(t, fwd.URL, 5*time.Millisecond)

	args := []string{"-state", state, "-api-base", f.apiURL, "-webhook-secret", fleetSecret, "-listen", "127.0.0.1:0",
		"-workers", "4", "-serve", "-backfill=false", "-rate", "-1", "-job-timeout", "5s", "-rescue-after", "8s", "-timeout", "10m"}
	receiverLine := regexp.MustCompile(`receiver: (http://\S+)`)
	// launch starts the process and points the forwarder at its receiver
	// once it listens (its workers start right after; it prints "serving"
	// only once no job is left, which after a kill waits for River's
	// rescuer).
	launch := func(name string) *child {
		c := startChild(t, name, args...)
		u := c.waitOutput(t, receiverLine, 60*time.Second)
		target.Store(&u)
		return c
	}
	proc := launch("sync")

	// This process reads the same file (WAL: readers do not block the
	// writer) to watch the sync; it writes nothing.
	sdb, err := txsync.OpenSQLite(filepath.Join(state, "sync.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sdb.Close() })
	reader, err := txsync.New(txsync.SQLite(sdb), nil, &txsync.Config{})
	if err != nil {
		t.Fatal(err)
	}
	pr := sqliteProbe{sdb}
	alive := func() { proc.alive(t) }

	ids, want := f.link(t, accounts)
	linked := time.Now()
	killedAt := killMidRun(t, pr, proc, want, accounts/10)
	target.Store(nil)
	time.Sleep(time.Second)
	proc = launch("sync (restarted)")

	// The dead process's jobs wait for River's rescuer and then for their
	// accounts' leases (JobTimeout + 30 s) to expire.
	verifyRounds(t, f, pr, reader, ids, want, 150*time.Second, alive, accounts, killedAt, linked, start)
	if strings.Contains(proc.out.String(), "panic:") {
		t.Fatalf("the process panicked:\n%s", proc.out.String())
	}
}

// verifyRounds is what both fleet tests check once a worker was killed and
// restarted: round 1 syncs within firstWithin (the dead worker's jobs
// rescued), the table equals the API's transactions (at least 20,000, some
// pending); then a second refresh posts, voids and adds transactions and
// the table follows, with no job discarded or cancelled.
func verifyRounds(t *testing.T, f *fleetEmulator, pr probe, s *txsync.Syncer, ids []string, want map[string]string,
	firstWithin time.Duration, alive func(), accounts, killedAt int, linked, start time.Time) {
	t.Helper()
	ctx := context.Background()
	waitSynced(t, pr, s, want, firstWithin, alive)
	round1 := time.Since(linked)
	states, rescued, err := pr.jobStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rescued == 0 {
		t.Fatalf("no job was rescued after the kill (jobs %v)", states)
	}
	first, before := assertTableIsAPI(t, f, s, ids, want)
	if first < 20_000 || before["pending"] == 0 {
		t.Fatalf("first refresh: %d transactions (%v); want at least 20,000 with pending ones", first, before)
	}
	t.Logf("round 1: %d accounts, %d transactions %v, synced %v after linking; killed at %d/%d synced; jobs %v, %d rescued",
		accounts, first, before, round1.Round(time.Millisecond), killedAt, accounts, states, rescued)

	refreshed := time.Now()
	want = f.refresh(t, ids)
	waitSynced(t, pr, s, want, 90*time.Second, alive)
	round2 := time.Since(refreshed)
	second, after := assertTableIsAPI(t, f, s, ids, want)
	if second <= first || after["void"] <= before["void"] || after["posted"] <= before["posted"] {
		t.Fatalf("second refresh: %d then %d transactions, %v then %v: want new ones, voids and postings", first, second, before, after)
	}
	states, _, err = pr.jobStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if states["discarded"] != 0 || states["cancelled"] != 0 {
		t.Fatalf("jobs %v: none should be discarded or cancelled", states)
	}
	t.Logf("round 2: %d transactions %v, synced %v after the refresh; jobs %v; %d API requests by the workers; total %v",
		second, after, round2.Round(time.Millisecond), states, f.requests.Load(), time.Since(start).Round(time.Millisecond))
}
