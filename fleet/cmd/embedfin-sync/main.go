package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/fleet/ratelimit"
	"github.com/embedfin/embedfin-go/fleet/txsync"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command's flags.
type options struct {
	state         string
	database      string
	redis         string
	rate          float64
	stripeKey     string
	apiBase       string
	webhookSecret string
	listen        string
	workers       int
	serve         bool
	backfill      bool
	demoAccounts  int
	refreshEvery  time.Duration
	timeout       time.Duration
	jobTimeout    time.Duration
	rescueAfter   time.Duration
	verbose       bool
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("embedfin-sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `embedfin-sync keeps Financial Connections transactions, balances and owners in a
database: a webhook receiver and River workers (package fleet/txsync).

With no flags it runs on its own: SQLite in the state directory and an embedded
Stripe emulator that links a few demo accounts and delivers their webhooks; it
syncs them, refreshes them once more, verifies the table against the API and exits.

Usage: embedfin-sync [flags]

`)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.state, "state", defaultState(), "state directory (the SQLite database)")
	fs.StringVar(&o.database, "database", "", "postgres://... to use PostgreSQL (one replica of many); default SQLite in -state")
	fs.StringVar(&o.redis, "redis", "", "redis://... to share the Stripe rate limit with every replica (fleet/ratelimit)")
	fs.Float64Var(&o.rate, "rate", 0, "requests per second per Stripe account (0: 25 with -redis or a Stripe key or -api-base, none on the embedded emulator; -1: none)")
	fs.StringVar(&o.stripeKey, "stripe-key", "", "Stripe test-mode secret key (default $STRIPE_SECRET_KEY); none: the embedded emulator")
	fs.StringVar(&o.apiBase, "api-base", "", "API base URL, e.g. a running cmd/embedfin-emulator (its key is the default without -stripe-key)")
	fs.StringVar(&o.webhookSecret, "webhook-secret", "", "webhook signing secret (default $STRIPE_WEBHOOK_SECRET; generated for the embedded emulator)")
	fs.StringVar(&o.listen, "listen", "127.0.0.1:0", "address of the webhook receiver (POST /webhook)")
	fs.IntVar(&o.workers, "workers", 4, "jobs worked at once by this process (0: receive and enqueue only)")
	fs.BoolVar(&o.serve, "serve", false, "keep running (until interrupted) instead of exiting after one pass")
	fs.BoolVar(&o.backfill, "backfill", true, "enqueue a sync of every linked account at start")
	fs.IntVar(&o.demoAccounts, "demo-accounts", 3, "accounts to link on the embedded emulator")
	fs.DurationVar(&o.refreshEvery, "refresh-every", 30*time.Second, "with -serve on the embedded emulator, refresh the demo accounts this often")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "bound of one pass")
	fs.DurationVar(&o.jobTimeout, "job-timeout", 2*time.Minute, "bound of one attempt of a job")
	fs.DurationVar(&o.rescueAfter, "rescue-after", 0, "run again the jobs of a replica that died, after this long (default -job-timeout plus one minute; River checks every 30 s)")
	fs.BoolVar(&o.verbose, "v", false, "log every job and River's info messages")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	// Secrets come from the environment after parsing, so that -h never
	// prints them as defaults.
	if o.stripeKey == "" {
		o.stripeKey = os.Getenv("STRIPE_SECRET_KEY")
	}
	if o.webhookSecret == "" {
		o.webhookSecret = os.Getenv("STRIPE_WEBHOOK_SECRET")
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if o.workers < 0 || o.demoAccounts < 1 || o.demoAccounts > 100 {
		return nil, errors.New("-workers must be 0 or more, -demo-accounts 1 to 100")
	}
	if o.stripeKey != "" && !strings.Contains(o.stripeKey, "_test_") {
		return nil, errors.New("-stripe-key must be a test-mode key (sk_test_... or rk_test_...)")
	}
	return o, nil
}

// defaultState is the user's cache directory, or ./embedfin-sync-state.
func defaultState() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "embedfin-sync")
	}
	return "embedfin-sync-state"
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "embedfin-sync:", err)
		return 2
	}
	if err := (&app{o: o, out: stdout, errOut: stderr}).run(ctx); err != nil {
		fmt.Fprintln(stderr, "embedfin-sync:", err)
		return 1
	}
	return 0
}

// app is one run of the command.
type app struct {
	o      *options
	out    io.Writer
	errOut io.Writer
	logger *slog.Logger

	emu      *stripetest.Server
	client   *embedfin.Client
	syncer   *txsync.Syncer
	demo     []string
	upserted atomic.Int64
}

func (a *app) printf(format string, args ...any) {
	fmt.Fprintf(a.out, format+"\n", args...)
}

func (a *app) run(ctx context.Context) error {
	level := slog.LevelWarn
	if a.o.verbose {
		level = slog.LevelInfo
	}
	a.logger = slog.New(slog.NewTextHandler(a.errOut, &slog.HandlerOptions{Level: level}))
	embedded := a.o.stripeKey == "" && a.o.apiBase == ""

	db, closeDB, where, err := a.openDatabase(ctx, embedded)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := txsync.MigrateWithLogger(ctx, db, a.logger); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", a.o.listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", a.o.listen, err)
	}
	receiverURL := "http://" + ln.Addr().String() + "/webhook"
	secret := a.o.webhookSecret
	if embedded && secret == "" {
		secret = "whsec_" + fmt.Sprint(time.Now().UnixNano())
	}

	opts, err := a.limiter(embedded)
	if err != nil {
		ln.Close()
		return err
	}
	switch {
	case embedded:
		a.emu, err = stripetest.Start("127.0.0.1:0",
			stripetest.WithWebhook(receiverURL, secret),
			stripetest.WithRefreshDelay(200*time.Millisecond),
			stripetest.WithSeed(time.Now().UnixNano()))
		if err != nil {
			ln.Close()
			return err
		}
		defer a.emu.Close()
		a.client = a.emu.Client(opts...)
	default:
		key := a.o.stripeKey
		if key == "" {
			key = stripetest.DefaultKey
		}
		if a.o.apiBase != "" {
			opts = append(opts, embedfin.WithBaseURL(a.o.apiBase))
		}
		if a.client, err = embedfin.NewClient(key, opts...); err != nil {
			ln.Close()
			return err
		}
	}

	workers := max(a.o.workers, 1)
	cfg := &txsync.Config{
		Workers: workers, Logger: a.logger, PollInterval: 200 * time.Millisecond, OnJob: a.onJob,
		JobTimeout: a.o.jobTimeout, RescueStuckJobsAfter: a.o.rescueAfter,
	}
	if embedded {
		cfg.PendingSnooze = 100 * time.Millisecond // the emulator refreshes in 200 ms
	}
	a.syncer, err = txsync.New(db, a.client, cfg)
	if err != nil {
		ln.Close()
		return err
	}

	mux := http.NewServeMux()
	if secret != "" {
		mux.Handle("POST /webhook", a.syncer.Receiver(secret))
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()

	api := "Stripe"
	switch {
	case embedded:
		api = "the embedded emulator at " + a.emu.URL
	case a.o.apiBase != "":
		api = a.o.apiBase
	}
	a.printf("embedfin-sync: %s; API: %s", where, api)
	if secret != "" {
		a.printf("receiver: %s", receiverURL)
	} else {
		a.printf("receiver: off (no -webhook-secret)")
	}

	if a.o.workers > 0 {
		if err := a.syncer.Start(ctx); err != nil {
			return err
		}
		defer func() {
			stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_ = a.syncer.Stop(stop)
		}()
	}

	pass, cancel := context.WithTimeout(ctx, a.o.timeout)
	defer cancel()
	if err := a.onePass(pass, embedded); err != nil {
		return err
	}
	if !a.o.serve {
		return nil
	}
	a.printf("serving until interrupted")
	return a.serveLoop(ctx, embedded)
}

// openDatabase opens SQLite in the state directory or PostgreSQL.
func (a *app) openDatabase(ctx context.Context, embedded bool) (txsync.Database, func(), string, error) {
	dsn := a.o.database
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, nil, "", fmt.Errorf("-database: %w", err)
		}
		if need := int32(a.o.workers + 6); cfg.MaxConns < need {
			cfg.MaxConns = need
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, nil, "", fmt.Errorf("-database: %w", err)
		}
		if err := pool.Ping(ctx); err != nil {
			pool.Close()
			return nil, nil, "", fmt.Errorf("-database: %w", err)
		}
		return txsync.Postgres(pool, ""), pool.Close, "PostgreSQL " + redactURL(dsn), nil
	}
	if dsn != "" {
		return nil, nil, "", errors.New("-database takes a postgres:// URL (SQLite is the default, in -state)")
	}
	name := "sync.db"
	if embedded {
		// The embedded emulator starts empty each run: so does its store.
		name = "emulator.db"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(filepath.Join(a.o.state, name+suffix)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, nil, "", err
			}
		}
	}
	path := filepath.Join(a.o.state, name)
	sqlDB, err := txsync.OpenSQLite(path)
	if err != nil {
		return nil, nil, "", err
	}
	return txsync.SQLite(sqlDB), func() { _ = sqlDB.Close() }, "SQLite " + path, nil
}

// limiter returns the client options of the rate limit.
func (a *app) limiter(embedded bool) ([]embedfin.Option, error) {
	rate := a.o.rate
	if rate == 0 && (a.o.redis != "" || !embedded) {
		rate = 25
	}
	if rate <= 0 {
		return nil, nil
	}
	if a.o.redis == "" {
		return []embedfin.Option{embedfin.WithRateLimit(rate, 1)}, nil
	}
	ropt, err := redis.ParseURL(a.o.redis)
	if err != nil {
		return nil, fmt.Errorf("-redis: %w", err)
	}
	lim, err := ratelimit.New(redis.NewClient(ropt), rate, 1)
	if err != nil {
		return nil, fmt.Errorf("-redis: %w", err)
	}
	return []embedfin.Option{embedfin.WithLimiter(lim)}, nil
}

func (a *app) onJob(r txsync.JobReport) {
	if r.Args.Feature == txsync.FeatureTransactions && r.Outcome == txsync.OutcomeSynced {
		a.upserted.Add(int64(r.Upserted))
	}
	if !a.o.verbose {
		return
	}
	line := fmt.Sprintf("job %d (%s %s, attempt %d): %s", r.JobID, r.Args.Feature, r.Args.Account, r.Attempt, r.Outcome)
	if r.Upserted > 0 {
		line += fmt.Sprintf(", %d stored", r.Upserted)
	}
	if r.Err != nil {
		line += ": " + r.Err.Error()
	}
	a.printf("%s", line)
}

// onePass links the demo accounts (embedded emulator), backfills, waits
// for the work to end and prints the store; on the emulator it then
// refreshes the accounts once more and verifies the table against the API.
func (a *app) onePass(ctx context.Context, embedded bool) error {
	if embedded {
		ids, err := a.linkDemo(ctx)
		if err != nil {
			return err
		}
		a.demo = ids
		a.printf("linked %d demo accounts: %s", len(ids), strings.Join(ids, ", "))
	}
	if a.o.backfill {
		if _, err := a.syncer.Backfill(ctx, &txsync.BackfillOptions{Progress: txsync.ProgressTo(a.out), NoWait: a.o.workers == 0}); err != nil {
			return err
		}
	}
	if embedded {
		if err := a.waitDemo(ctx); err != nil {
			return err
		}
		if err := a.printStats(ctx, "pass 1"); err != nil {
			return err
		}
		before := a.upserted.Load()
		if err := a.refreshDemo(ctx); err != nil {
			return err
		}
		if err := a.waitDemo(ctx); err != nil {
			return err
		}
		a.printf("refresh 2: %d new or updated transactions synced (transaction_refresh[after] the cursor)", a.upserted.Load()-before)
		if err := a.printStats(ctx, "pass 2"); err != nil {
			return err
		}
		return a.verify(ctx)
	}
	if a.o.workers > 0 {
		if err := a.syncer.WaitIdle(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
	return a.printStats(ctx, "store")
}

func (a *app) printStats(ctx context.Context, label string) error {
	st, err := a.syncer.Stats(ctx)
	if err != nil {
		return err
	}
	a.printf("%s: %d accounts, %d transactions, %d owners, %d events, %d failures", label, st.Accounts, st.Transactions, st.Owners, st.Events, st.Failures)
	return nil
}

// linkDemo links the demo accounts on the emulator, with every
// permission, and subscribes each to transactions (which starts a
// refresh; balances and owners are prefetched).
func (a *app) linkDemo(ctx context.Context) ([]string, error) {
	fcc := fc.New(a.client)
	cust, err := customers.New(a.client).Customers.Create(ctx, &customers.CustomerCreateParams{
		Email: embedfin.Ptr("jenny.rosen@example.com"), Name: embedfin.Ptr("Jenny Rosen"),
	})
	if err != nil {
		return nil, err
	}
	sess, err := fcc.Sessions.Create(ctx, &fc.SessionCreateParams{
		AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
		Permissions:   []fc.Permission{fc.PermissionTransactions, fc.PermissionBalances, fc.PermissionOwnership},
		Prefetch:      []fc.SessionPrefetch{fc.SessionPrefetchBalances, fc.SessionPrefetchOwnership},
	})
	if err != nil {
		return nil, err
	}
	names := []string{"Everyday Checking", "Savings", "Joint Checking", "Business Checking"}
	describe := &stripetest.CompleteSessionParams{}
	for i := range a.o.demoAccounts {
		describe.Accounts = append(describe.Accounts, &stripetest.LinkedAccountParams{DisplayName: embedfin.Ptr(names[i%len(names)])})
	}
	linked, err := stripetest.CompleteSession(ctx, a.client, sess.ID, describe)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, acct := range linked {
		ids = append(ids, acct.ID)
	}
	for _, id := range ids {
		if _, err := fcc.Accounts.Subscribe(ctx, id, &fc.AccountSubscribeParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}}); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// refreshDemo starts a transaction refresh of each demo account.
func (a *app) refreshDemo(ctx context.Context) error {
	fcc := fc.New(a.client)
	for _, id := range a.demo {
		_, err := fcc.Accounts.Refresh(ctx, id, &fc.AccountRefreshParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}})
		if err != nil {
			return err
		}
	}
	return nil
}

// waitDemo waits until no refresh of a demo account is pending, every
// cursor is its account's latest refresh, and no job is left.
func (a *app) waitDemo(ctx context.Context) error {
	fcc := fc.New(a.client)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		done, err := a.demoDone(ctx, fcc)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the demo accounts to sync: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

func (a *app) demoDone(ctx context.Context, fcc *fc.Client) (bool, error) {
	for _, id := range a.demo {
		acct, err := fcc.Accounts.Retrieve(ctx, id, nil)
		if err != nil {
			return false, err
		}
		for _, f := range []fc.AccountFeature{fc.AccountFeatureTransactions, fc.AccountFeatureBalance, fc.AccountFeatureOwnership} {
			if st, ok := acct.RefreshOf(f); ok && st.Status == fc.RefreshStatusPending {
				return false, nil
			}
		}
		cursor, err := a.syncer.Cursor(ctx, id)
		if err != nil {
			return false, err
		}
		if acct.TransactionRefresh == nil || cursor != acct.TransactionRefresh.ID {
			return false, nil
		}
	}
	n, err := a.syncer.Pending(ctx, 1)
	return err == nil && n == 0, err
}

// verify compares the stored transactions of each demo account with the
// API's: the same IDs, amounts and statuses, each once.
func (a *app) verify(ctx context.Context) error {
	fcc := fc.New(a.client)
	for _, id := range a.demo {
		stored, err := a.syncer.Transactions(ctx, id)
		if err != nil {
			return err
		}
		byID := make(map[string]txsync.Transaction, len(stored))
		for _, t := range stored {
			byID[t.ID] = t
		}
		params := &fc.TransactionListParams{Account: embedfin.Ptr(id)}
		params.Limit = embedfin.Ptr(int64(100))
		n := 0
		for t, err := range fcc.Transactions.All(ctx, params) {
			if err != nil {
				return err
			}
			n++
			s, ok := byID[t.ID]
			if !ok || s.Amount != t.Amount || s.Status != string(t.Status) || s.Updated != t.Updated {
				return fmt.Errorf("verify: %s: transaction %s differs from the API's", id, t.ID)
			}
		}
		if n != len(stored) {
			return fmt.Errorf("verify: %s: %d transactions stored, the API lists %d", id, len(stored), n)
		}
	}
	a.printf("verified: the stored transactions of every account are the API's, each once; cursors at the latest refresh")
	return nil
}

// serveLoop runs until ctx ends; on the embedded emulator it refreshes
// the demo accounts every -refresh-every.
func (a *app) serveLoop(ctx context.Context, embedded bool) error {
	if !embedded || a.o.refreshEvery <= 0 {
		<-ctx.Done()
		return nil
	}
	t := time.NewTicker(a.o.refreshEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			before := a.upserted.Load()
			if err := a.refreshDemo(ctx); err != nil && ctx.Err() == nil {
				a.printf("refresh: %v", err)
				continue
			}
			wait, cancel := context.WithTimeout(ctx, a.o.timeout)
			err := a.waitDemo(wait)
			cancel()
			if err != nil && ctx.Err() == nil {
				a.printf("refresh: %v", err)
				continue
			}
			a.printf("refresh: %d new or updated transactions synced", a.upserted.Load()-before)
		}
	}
}

// redactURL drops the password of a URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
