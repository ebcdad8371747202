package txsync

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/fleet/internal/testenv"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/rivertype"
)

// tcpProxy forwards loopback TCP connections to a target. cut closes every
// connection and stops listening (new connections are refused); restore
// listens again on the same address. It stands in for a database that
// goes away, without touching the machine's PostgreSQL, which other tests
// share.
type tcpProxy struct {
	target string
	addr   string

	mu      sync.Mutex
	ln      net.Listener
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup
	dropped atomic.Int64
}

func startProxy(t testing.TB, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{target: target, addr: ln.Addr().String(), ln: ln, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve(ln)
	t.Cleanup(func() {
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return // closed by cut
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.pipe(c)
		}()
	}
}

// track registers c, or closes it and reports false when the proxy is cut.
func (p *tcpProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		_ = c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *tcpProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	_ = c.Close()
}

func (p *tcpProxy) pipe(client net.Conn) {
	if !p.track(client) {
		return
	}
	defer p.untrack(client)
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		return
	}
	if !p.track(server) {
		return
	}
	defer p.untrack(server)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(server, client); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, server); done <- struct{}{} }()
	<-done // one side ended: end both
}

// cut closes the listener and every connection.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
		p.dropped.Add(1)
	}
}

// restore listens again on the proxy's address.
func (p *tcpProxy) restore(t testing.TB) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("listening again on %s: %v", p.addr, err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Add(1)
	go p.serve(ln)
}

// viaProxy returns connURL with its host replaced by the proxy's address.
func viaProxy(t testing.TB, connURL, proxy string) string {
	t.Helper()
	u, err := url.Parse(connURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = proxy
	return u.String()
}

// pgTarget is host:port of the test PostgreSQL.
func pgTarget(t testing.TB, connURL string) string {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(connURL)
	if err != nil {
		t.Fatal(err)
	}
	return net.JoinHostPort(cfg.ConnConfig.Host, strconv.Itoa(int(cfg.ConnConfig.Port)))
}

// TestDatabaseOutage: PostgreSQL goes away mid-sync. The receiver and two
// worker Syncers reach it through a loopback proxy; after part of the
// accounts are synced the proxy drops every connection and refuses new
// ones for 4 seconds, then lets them through again. Webhooks delivered
// meanwhile are answered 500 (the emulator delivers them again), job
// attempts fail on the database and River retries them with its backoff:
// at the end the table is exactly the API's transactions, each once,
// every cursor at the latest refresh, no job discarded or cancelled, no
// failure recorded.
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("the outage test takes about half a minute; skipped with -short")
	}
	const accounts = 60
	ctx := context.Background()
	connURL, _ := testenv.PostgresSchema(t)
	direct, err := pgxpool.New(ctx, connURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(direct.Close)
	if err := Migrate(ctx, Postgres(direct, "")); err != nil {
		t.Fatal(err)
	}
	// This test's own view of the database, not through the proxy.
	verifier, err := New(Postgres(direct, ""), nil, &Config{})
	if err != nil {
		t.Fatal(err)
	}

	proxy := startProxy(t, pgTarget(t, connURL))
	proxied := viaProxy(t, connURL, proxy.addr)
	openProxied := func() *pgxpool.Pool {
		cfg, err := pgxpool.ParseConfig(proxied)
		if err != nil {
			t.Fatal(err)
		}
		cfg.MaxConns = 12
		cfg.ConnConfig.ConnectTimeout = 3 * time.Second
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		return pool
	}

	// River logs every failed connection while the database is away: count
	// them rather than print them.
	riverLog := &lineCounter{}
	logger := slog.New(slog.NewTextHandler(riverLog, &slog.HandlerOptions{Level: slog.LevelWarn}))

	// The receiver, through the proxy.
	recv, err := New(Postgres(openProxied(), ""), nil, &Config{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	var refused atomic.Int64
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		recv.Receiver(testSecret).ServeHTTP(sw, r)
		if sw.status >= 500 {
			refused.Add(1)
		}
	}))
	t.Cleanup(rs.Close)
	emu := stripetest.NewServer(stripetest.WithWebhook(rs.URL, testSecret), stripetest.WithWebhookRetries(12, 100*time.Millisecond),
		stripetest.WithRefreshDelay(100*time.Millisecond), stripetest.WithSeed(time.Now().UnixNano()))
	t.Cleanup(emu.Close)
	// The workers' API answers after 20 ms, so that the sync lasts long
	// enough to be cut in the middle.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(api.Close)

	// Two worker Syncers, each with a pool of its own through the proxy,
	// River's own retry policy (attempt⁴ seconds).
	var retries atomic.Int64
	for range 2 {
		client, err := embedfin.NewClient(stripetest.DefaultKey, embedfin.WithBaseURL(api.URL))
		if err != nil {
			t.Fatal(err)
		}
		s, err := New(Postgres(openProxied(), ""), client, &Config{
			Workers: 4, PollInterval: 100 * time.Millisecond, PendingSnooze: 100 * time.Millisecond,
			JobTimeout: 10 * time.Second, RescueStuckJobsAfter: 15 * time.Second, Logger: logger,
			OnJob: func(r JobReport) {
				if r.Outcome == OutcomeRetry {
					retries.Add(1)
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		(&env{}).start(t, s)
	}

	e := &env{emu: emu, client: emu.Client(), syncer: verifier}
	e.fc = fc.New(e.client)
	ids := e.link(t, accounts)
	start := time.Now()

	// Cut once a sixth of the accounts are synced.
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, err := verifier.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Cursors >= accounts/6 {
			if st.Cursors == accounts {
				t.Fatal("every account synced before the database could be cut")
			}
			t.Logf("cutting the database after %v: %d/%d accounts synced, %d transactions", time.Since(start).Round(time.Millisecond), st.Cursors, accounts, st.Transactions)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d/%d accounts synced after 60 s", st.Cursors, accounts)
		}
		time.Sleep(5 * time.Millisecond)
	}
	proxy.cut()
	// Accounts already synced are refreshed again while the database is
	// away: their webhooks are answered 500 until it is back.
	again := 0
	for _, id := range ids {
		if cur, err := verifier.Cursor(ctx, id); err != nil {
			t.Fatal(err)
		} else if cur != "" && again < 5 {
			e.refresh(t, []string{id})
			again++
		}
	}
	time.Sleep(4 * time.Second)
	mid, err := verifier.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	proxy.restore(t)
	t.Logf("restored after 4 s: %d connections dropped, %d synced accounts refreshed meanwhile; %d/%d accounts synced then", proxy.dropped.Load(), again, mid.Cursors, accounts)
	if mid.Cursors == accounts {
		t.Fatal("every account was synced during the outage: nothing was cut mid-sync")
	}

	// Every cursor at its latest refresh, and no job left. A job whose
	// completion River could not record waits for the rescuer (15 s +
	// up to 30 s).
	deadline = time.Now().Add(120 * time.Second)
	for {
		done, err := allSynced(ctx, e, ids)
		if err != nil {
			t.Fatal(err)
		}
		if done {
			if n, err := verifier.Pending(ctx, 1); err != nil {
				t.Fatal(err)
			} else if n == 0 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not synced 120 s after the database came back; jobs %v", jobStateCounts(jobsOf(t, verifier)))
		}
		time.Sleep(200 * time.Millisecond)
	}
	total := e.assertMatchesAPI(t, ids)

	jobs := jobsOf(t, verifier)
	retried, rescued := 0, 0
	for _, j := range jobs {
		if j.State != rivertype.JobStateCompleted {
			t.Fatalf("job %d (%s) ended %s after %d attempts: %v", j.ID, j.EncodedArgs, j.State, j.Attempt, j.Errors)
		}
		if len(j.Errors) > 0 {
			retried++
		}
		for _, je := range j.Errors {
			if strings.Contains(je.Error, "Stuck job rescued") {
				rescued++
			}
		}
	}
	if retried == 0 || refused.Load() == 0 {
		t.Fatalf("the outage failed %d jobs' attempts and %d deliveries: want some of each", retried, refused.Load())
	}
	fails, err := verifier.Failures(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(fails) != 0 {
		t.Fatalf("the outage was recorded as permanent failures: %+v", fails)
	}
	for _, id := range ids {
		acct, err := verifier.Account(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if acct == nil || acct.Balance == nil || acct.Ownership == "" {
			t.Fatalf("account row %+v: the balance or ownership refresh was lost", acct)
		}
	}
	t.Logf("synced %d accounts, %d transactions, %v after linking; %d jobs, %d retried by River (%d failed attempts seen, %d rescued); %d deliveries answered 5xx and delivered again; River logged %d warnings and errors",
		accounts, total, time.Since(start).Round(time.Millisecond), len(jobs), retried, retries.Load(), rescued, refused.Load(), riverLog.lines.Load())
}

// allSynced reports whether every account's cursor is its latest
// transaction refresh, succeeded.
func allSynced(ctx context.Context, e *env, ids []string) (bool, error) {
	for _, id := range ids {
		cur, err := e.syncer.Cursor(ctx, id)
		if err != nil {
			return false, err
		}
		if cur == "" {
			return false, nil
		}
		acct, err := e.fc.Accounts.Retrieve(ctx, id, nil)
		if err != nil {
			return false, err
		}
		r := acct.TransactionRefresh
		if r == nil || r.Status != fc.RefreshStatusSucceeded || r.ID != cur {
			return false, nil
		}
	}
	return true, nil
}

func jobStateCounts(jobs []*rivertype.JobRow) map[rivertype.JobState]int {
	out := map[rivertype.JobState]int{}
	for _, j := range jobs {
		out[j.State]++
	}
	return out
}

// lineCounter counts the lines written to it.
type lineCounter struct{ lines atomic.Int64 }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.lines.Add(int64(strings.Count(string(p), "\n")))
	return len(p), nil
}

// statusWriter records the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// TestInactiveAccount: a job for an account the API reports inactive (the
// emulator has no way to make one; a stub API answers) ends at its first
// attempt, cancelled, with ReasonAccountInactive recorded: one request,
// no retry storm. (A disconnected account: TestDisconnectedAccount; a bad
// signature: TestReceiver.)
func TestInactiveAccount(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		var requests atomic.Int64
		stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			if r.Method != http.MethodGet || r.URL.Path != "/v1/financial_connections/accounts/fca_inactive" {
				http.Error(w, `{"error":{"type":"invalid_request_error","message":"unexpected"}}`, http.StatusNotFound)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"id":"fca_inactive","object":"financial_connections.account","status":"inactive",
"category":"cash","subcategory":"checking","institution_name":"Test Bank","livemode":false,"created":1700000000,
"transaction_refresh":{"id":"fctxnref_1","status":"succeeded","last_attempted_at":1700000000}}`)
		}))
		defer stub.Close()
		client, err := embedfin.NewClient(stripetest.DefaultKey, embedfin.WithBaseURL(stub.URL))
		if err != nil {
			t.Fatal(err)
		}
		var attempts atomic.Int64
		cfg := testConfig()
		cfg.OnJob = func(JobReport) { attempts.Add(1) }
		s, err := New(d.db, client, cfg)
		if err != nil {
			t.Fatal(err)
		}
		(&env{}).start(t, s)
		ctx := context.Background()
		id, _, err := s.Enqueue(ctx, JobArgs{Account: "fca_inactive", Feature: FeatureTransactions, Refresh: "fctxnref_1"})
		if err != nil {
			t.Fatal(err)
		}
		j := waitJob(t, s, id, rivertype.JobStateCancelled, rivertype.JobStateCompleted, rivertype.JobStateDiscarded)
		if j.State != rivertype.JobStateCancelled || j.Attempt != 1 {
			t.Fatalf("job ended %s after %d attempts; want cancelled after 1", j.State, j.Attempt)
		}
		fails, err := s.Failures(ctx, "fca_inactive")
		if err != nil {
			t.Fatal(err)
		}
		if len(fails) != 1 || fails[0].Reason != ReasonAccountInactive || fails[0].JobID != id {
			t.Fatalf("failures %+v", fails)
		}
		if len(j.Errors) != 1 || !strings.Contains(j.Errors[0].Error, string(ReasonAccountInactive)) {
			t.Fatalf("job errors %+v", j.Errors)
		}
		if err := s.WaitIdle(ctx, 20*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if a := attempts.Load(); a != 1 || requests.Load() != 1 {
			t.Fatalf("%d attempts, %d requests; want 1 and 1", a, requests.Load())
		}
		acct, err := s.Account(ctx, "fca_inactive")
		if err != nil {
			t.Fatal(err)
		}
		if acct == nil || acct.Status != string(fc.AccountStatusInactive) {
			t.Fatalf("account row %+v: want inactive", acct)
		}
	})
}
