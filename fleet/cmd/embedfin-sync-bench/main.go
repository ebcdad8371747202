package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/fleet/ratelimit"
	"github.com/embedfin/embedfin-go/fleet/txsync"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

// The environment of a worker process (this program run again).
const (
	envWorker   = "EMBEDFIN_SYNC_BENCH_WORKER" // "1"
	envDatabase = "EMBEDFIN_SYNC_BENCH_DATABASE"
	envAPI      = "EMBEDFIN_SYNC_BENCH_API"
	envRedis    = "EMBEDFIN_SYNC_BENCH_REDIS"
	envPrefix   = "EMBEDFIN_SYNC_BENCH_PREFIX"
	envRate     = "EMBEDFIN_SYNC_BENCH_RATE"
	envBurst    = "EMBEDFIN_SYNC_BENCH_BURST"
	envJobs     = "EMBEDFIN_SYNC_BENCH_JOBS"
	envSample   = "EMBEDFIN_SYNC_BENCH_SAMPLE"
)

func main() {
	if os.Getenv(envWorker) == "1" {
		if err := worker(os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command's flags.
type options struct {
	database string
	redis    string
	accounts int
	workers  []int
	rates    []float64
	jobs     int
	burst    int
	latency  time.Duration
	sample   time.Duration
	timeout  time.Duration
	seed     int64
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("embedfin-sync-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `embedfin-sync-bench measures the transaction sync of package txsync on
PostgreSQL: accounts linked on an in-process emulator, worker processes (this
program run again) on one schema, every account's jobs enqueued at once, the
time until the last is done. It prints accounts and transactions synced per
second, the requests sent, how close a rate-limited run came to what the limit
allows, and each worker's memory sampled over the run.

Usage: embedfin-sync-bench [flags]

`)
		fs.PrintDefaults()
	}
	var workers, rates string
	fs.StringVar(&o.database, "database", envOr("EMBEDFIN_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostgreSQL URL (each run works in a schema of its own, dropped after it)")
	fs.StringVar(&o.redis, "redis", envOr("EMBEDFIN_TEST_REDIS", "redis://127.0.0.1:6379/0"), "Redis URL of the shared rate limit (rate-limited runs)")
	fs.IntVar(&o.accounts, "accounts", 200, "accounts linked on the emulator (about 125 transactions each)")
	fs.StringVar(&workers, "workers", "1,4", "worker processes, one run per count")
	fs.StringVar(&rates, "rates", "0,25", "requests per second shared by the workers through Redis and enforced by the emulator; 0: unlimited")
	fs.IntVar(&o.jobs, "jobs", 4, "jobs each worker process works at once (txsync.Config.Workers)")
	fs.IntVar(&o.burst, "burst", 2, "burst of the shared limiter (see fleet/ratelimit)")
	fs.DurationVar(&o.latency, "latency", 0, "added to every API response the workers get")
	fs.DurationVar(&o.sample, "sample", 250*time.Millisecond, "how often each worker's memory is sampled")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "bound of each run")
	fs.Int64Var(&o.seed, "seed", 1, "the emulator's seed (the same histories each time)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	for f := range strings.SplitSeq(workers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 32 {
			return nil, fmt.Errorf("-workers: %q is not a count from 1 to 32", f)
		}
		o.workers = append(o.workers, n)
	}
	for f := range strings.SplitSeq(rates, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || r < 0 || r > 10_000 {
			return nil, fmt.Errorf("-rates: %q is not a rate from 0 to 10000", f)
		}
		o.rates = append(o.rates, r)
	}
	if o.accounts < 1 || o.accounts > 5_000 || o.jobs < 1 || o.jobs > 64 || o.burst < 1 || o.sample < 10*time.Millisecond {
		return nil, errors.New("-accounts must be 1 to 5000, -jobs 1 to 64, -burst 1 or more, -sample 10ms or more")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "embedfin-sync-bench:", err)
		return 2
	}
	results, err := bench(ctx, o, stdout)
	if len(results) > 0 {
		printTable(stdout, o, results)
	}
	if err != nil {
		fmt.Fprintln(stderr, "embedfin-sync-bench:", err)
		return 1
	}
	return 0
}

// result is one run.
type result struct {
	workers      int
	rate         float64
	accounts     int
	transactions int64
	requests     int64 // answered 2xx
	limited      int64 // answered 429
	failed       int64 // answered anything else
	elapsed      time.Duration
	mem          []memory // one per worker process
}

// memory is what one worker process used over the run.
type memory struct {
	samples            int
	heapMin, heapMax   uint64 // runtime.MemStats.HeapInuse
	heapFirst, heapEnd uint64
	rssFirst, rssEnd   uint64 // VmRSS
	rssMax             uint64
}

// counter counts the workers' requests by answer.
type counter struct {
	ok, limited, other atomic.Int64
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

// bench runs every (rate, workers) pair: one emulator per rate, whose
// accounts are linked once; one schema per run.
func bench(ctx context.Context, o *options, log io.Writer) ([]result, error) {
	ropt, err := redis.ParseURL(o.redis)
	if err != nil {
		return nil, fmt.Errorf("-redis: %w", err)
	}
	var results []result
	for _, rate := range o.rates {
		prefix := "embedfin-sync-bench:" + token() + ":"
		emuOpts := []stripetest.Option{stripetest.WithRefreshDelay(20 * time.Millisecond), stripetest.WithSeed(o.seed)}
		var setupOpts []embedfin.Option
		if rate > 0 {
			emuOpts = append(emuOpts, stripetest.WithRateLimit(rate))
			rdb := redis.NewClient(ropt)
			lim, err := ratelimit.New(rdb, rate, o.burst, ratelimit.WithKeyPrefix(prefix))
			if err != nil {
				return results, err
			}
			defer rdb.Close()
			if err := rdb.Ping(ctx).Err(); err != nil {
				return results, fmt.Errorf("Redis: %w", err)
			}
			// The set-up spends the same budget as the workers.
			setupOpts = append(setupOpts, embedfin.WithLimiter(lim))
		}
		emu := stripetest.NewServer(emuOpts...)
		var cnt counter
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if o.latency > 0 {
				time.Sleep(o.latency)
			}
			rec := &statusRecorder{ResponseWriter: w}
			emu.ServeHTTP(rec, r)
			switch {
			case rec.status < 300:
				cnt.ok.Add(1)
			case rec.status == http.StatusTooManyRequests:
				cnt.limited.Add(1)
			default:
				cnt.other.Add(1)
			}
		}))
		client := emu.Client(append(setupOpts, embedfin.WithMaxRetries(5))...)
		fmt.Fprintf(log, "rate %s: linking %d accounts\n", rateName(rate), o.accounts)
		refreshes, err := link(ctx, client, o.accounts)
		if err != nil {
			api.Close()
			emu.Close()
			return results, err
		}
		for _, w := range o.workers {
			r, err := oneRun(ctx, o, rate, w, api.URL, prefix, refreshes, &cnt)
			if err != nil {
				api.Close()
				emu.Close()
				return results, fmt.Errorf("%d workers at %s: %w", w, rateName(rate), err)
			}
			fmt.Fprintf(log, "rate %s, %d worker processes: %d accounts, %d transactions in %v\n", rateName(rate), w, r.accounts, r.transactions, r.elapsed.Round(time.Millisecond))
			results = append(results, r)
		}
		api.Close()
		emu.Close()
	}
	return results, nil
}

func rateName(rate float64) string {
	if rate <= 0 {
		return "unlimited"
	}
	return strconv.FormatFloat(rate, 'f', -1, 64) + " req/s"
}

func token() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// link links n accounts (in sessions of 50) and subscribes each to
// transactions, then waits for the refreshes to succeed and returns each
// account's refresh.
func link(ctx context.Context, client *embedfin.Client, n int) (map[string]string, error) {
	fcc := fc.New(client)
	cust, err := customers.New(client).Customers.Create(ctx, &customers.CustomerCreateParams{Email: embedfin.Ptr("jenny.rosen@example.com")})
	if err != nil {
		return nil, err
	}
	linked := 0
	for linked < n {
		batch := min(50, n-linked)
		sess, err := fcc.Sessions.Create(ctx, &fc.SessionCreateParams{
			AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
			Permissions:   []fc.Permission{fc.PermissionTransactions},
		})
		if err != nil {
			return nil, err
		}
		describe := &stripetest.CompleteSessionParams{}
		for i := range batch {
			describe.Accounts = append(describe.Accounts, &stripetest.LinkedAccountParams{DisplayName: embedfin.Ptr(fmt.Sprintf("Checking %d", linked+i+1))})
		}
		accts, err := stripetest.CompleteSession(ctx, client, sess.ID, describe)
		if err != nil {
			return nil, err
		}
		for _, acct := range accts {
			if _, err := fcc.Accounts.Subscribe(ctx, acct.ID, &fc.AccountSubscribeParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}}); err != nil {
				return nil, err
			}
			linked++
		}
	}
	for range 600 { // bounded: 60 s
		out := map[string]string{}
		params := &fc.AccountListParams{}
		params.Limit = embedfin.Ptr(int64(100))
		for acct, err := range fcc.Accounts.All(ctx, params) {
			if err != nil {
				return nil, err
			}
			if r := acct.TransactionRefresh; r != nil && r.Status == fc.RefreshStatusSucceeded {
				out[acct.ID] = r.ID
			}
		}
		if len(out) == n {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil, errors.New("the accounts' refreshes did not succeed within 60 s")
}

// proc is a worker process.
type proc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	ready chan struct{}
	done  chan struct{}

	mu      sync.Mutex
	heap    []uint64
	rss     []uint64
	stderr  strings.Builder
	running atomic.Bool // samples are kept while set
}

// oneRun starts the workers on a fresh schema, enqueues every account's
// transactions job at once and waits for the last to finish.
func oneRun(ctx context.Context, o *options, rate float64, workers int, api, prefix string, refreshes map[string]string, cnt *counter) (result, error) {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	res := result{workers: workers, rate: rate, accounts: len(refreshes)}
	connURL, drop, err := freshSchema(ctx, o.database)
	if err != nil {
		return res, fmt.Errorf("PostgreSQL: %w", err)
	}
	defer drop()
	pool, err := pgxpool.New(ctx, connURL)
	if err != nil {
		return res, err
	}
	defer pool.Close()
	db := txsync.Postgres(pool, "")
	if err := txsync.Migrate(ctx, db); err != nil {
		return res, err
	}
	enq, err := txsync.New(db, nil, &txsync.Config{})
	if err != nil {
		return res, err
	}

	procs := make([]*proc, workers)
	defer func() {
		for _, p := range procs {
			if p != nil {
				p.stop()
			}
		}
	}()
	env := append(os.Environ(), envWorker+"=1", envDatabase+"="+connURL, envAPI+"="+api, envRedis+"="+o.redis,
		envPrefix+"="+prefix, envRate+"="+strconv.FormatFloat(rate, 'f', -1, 64), envBurst+"="+strconv.Itoa(o.burst),
		envJobs+"="+strconv.Itoa(o.jobs), envSample+"="+o.sample.String())
	self, err := os.Executable()
	if err != nil {
		return res, err
	}
	for i := range procs {
		p, err := startProc(self, env)
		if err != nil {
			return res, err
		}
		procs[i] = p
	}
	for _, p := range procs {
		select {
		case <-p.ready:
		case <-p.done:
			return res, fmt.Errorf("a worker exited: %s", p.stderrText())
		case <-ctx.Done():
			return res, ctx.Err()
		}
	}
	// Let the emulator's bucket fill again after the set-up.
	time.Sleep(time.Second)

	ok0, lim0, other0 := cnt.ok.Load(), cnt.limited.Load(), cnt.other.Load()
	for _, p := range procs {
		p.running.Store(true)
	}
	start := time.Now()
	for id, refresh := range refreshes {
		if _, _, err := enq.Enqueue(ctx, txsync.JobArgs{Account: id, Feature: txsync.FeatureTransactions, Refresh: refresh}); err != nil {
			return res, err
		}
	}
	rssTick := time.NewTicker(o.sample)
	defer rssTick.Stop()
	for {
		st, err := enq.Stats(ctx)
		if err != nil {
			return res, err
		}
		if st.Cursors == int64(len(refreshes)) {
			n, err := enq.Pending(ctx, 1)
			if err != nil {
				return res, err
			}
			if n == 0 {
				res.elapsed = time.Since(start)
				res.transactions = st.Transactions
				break
			}
		}
		for _, p := range procs {
			select {
			case <-p.done:
				return res, fmt.Errorf("a worker exited: %s", p.stderrText())
			default:
			}
		}
		select {
		case <-ctx.Done():
			return res, fmt.Errorf("%d/%d accounts synced: %w", st.Cursors, len(refreshes), ctx.Err())
		case <-rssTick.C:
			for _, p := range procs {
				p.sampleRSS()
			}
		case <-time.After(20 * time.Millisecond):
		}
	}
	for _, p := range procs {
		p.running.Store(false)
		p.sampleRSS()
	}
	res.requests, res.limited, res.failed = cnt.ok.Load()-ok0, cnt.limited.Load()-lim0, cnt.other.Load()-other0
	for _, p := range procs {
		res.mem = append(res.mem, p.memory())
	}
	return res, nil
}

func startProc(self string, env []string) (*proc, error) {
	cmd := exec.Command(self)
	cmd.Env = env
	p := &proc{cmd: cmd, ready: make(chan struct{}), done: make(chan struct{})}
	cmd.Stderr = &lockedWriter{p: p}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "ready":
				close(p.ready)
			case strings.HasPrefix(line, "heap "):
				if v, err := strconv.ParseUint(strings.TrimPrefix(line, "heap "), 10, 64); err == nil && p.running.Load() {
					p.mu.Lock()
					p.heap = append(p.heap, v)
					p.mu.Unlock()
				}
			}
		}
		_ = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

type lockedWriter struct{ p *proc }

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	if w.p.stderr.Len() < 64<<10 {
		w.p.stderr.Write(b)
	}
	return len(b), nil
}

func (p *proc) stderrText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// sampleRSS reads the process's resident set from /proc (Linux; nothing
// elsewhere).
func (p *proc) sampleRSS() {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				p.mu.Lock()
				p.rss = append(p.rss, kb<<10)
				p.mu.Unlock()
			}
		}
	}
}

func (p *proc) memory() memory {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := memory{samples: len(p.heap)}
	if len(p.heap) > 0 {
		m.heapMin, m.heapMax = slices.Min(p.heap), slices.Max(p.heap)
		m.heapFirst, m.heapEnd = p.heap[0], p.heap[len(p.heap)-1]
	}
	if len(p.rss) > 0 {
		m.rssFirst, m.rssEnd, m.rssMax = p.rss[0], p.rss[len(p.rss)-1], slices.Max(p.rss)
	}
	return m
}

// stop ends the worker: its stdin closes (it stops its Syncer and exits),
// and after 10 s it is killed.
func (p *proc) stop() {
	_ = p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// freshSchema creates a schema and returns a URL whose search_path is it,
// and its dropper.
func freshSchema(ctx context.Context, dsn string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", nil, err
	}
	defer conn.Close(ctx)
	schema := "embedfin_sync_bench_" + token()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, err
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, dsn); err == nil {
			_, _ = c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			_ = c.Close(ctx)
		}
	}, nil
}

const mib = 1 << 20

// printTable prints one row per run.
func printTable(w io.Writer, o *options, results []result) {
	fmt.Fprintf(w, "\n%d accounts, %d jobs per worker process, API latency %v; memory sampled every %v over the run\n\n", o.accounts, o.jobs, o.latency, o.sample)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workers\trate limit\taccounts\ttransactions\tseconds\taccounts/s\ttransactions/s\trequests\treq/account\treq/s\tof the limit\t429\theap in use MiB (min-max)\tRSS MiB (start->end)\t")
	for _, r := range results {
		secs := r.elapsed.Seconds()
		of := "-"
		if r.rate > 0 {
			// What the limit allows: the requests sent, at the rate.
			of = fmt.Sprintf("%.1f%%", 100*float64(r.requests)/r.rate/secs)
		}
		var heap, rss []string
		for _, m := range r.mem {
			heap = append(heap, fmt.Sprintf("%.1f-%.1f", float64(m.heapMin)/mib, float64(m.heapMax)/mib))
			rss = append(rss, fmt.Sprintf("%.0f->%.0f", float64(m.rssFirst)/mib, float64(m.rssEnd)/mib))
		}
		limited := strconv.FormatInt(r.limited, 10)
		if r.failed > 0 {
			limited += fmt.Sprintf(" (+%d other errors)", r.failed)
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%.2f\t%.1f\t%.0f\t%d\t%.2f\t%.1f\t%s\t%s\t%s\t%s\t\n",
			r.workers, rateName(r.rate), r.accounts, r.transactions, secs, float64(r.accounts)/secs, float64(r.transactions)/secs,
			r.requests, float64(r.requests)/float64(r.accounts), float64(r.requests)/secs, of, limited,
			strings.Join(heap, " "), strings.Join(rss, " "))
	}
	_ = tw.Flush()
}
