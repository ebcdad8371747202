package dedupe_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/fleet/dedupe"
	"github.com/embedfin/embedfin-go/fleet/internal/testenv"
	"github.com/embedfin/embedfin-go/webhook"
)

// The environment of a receiver process (the test binary run again).
const (
	envRole    = "EMBEDFIN_DEDUPE_TEST_ROLE" // "receiver"
	envStore   = "EMBEDFIN_DEDUPE_TEST_STORE"
	envPG      = "EMBEDFIN_DEDUPE_TEST_PG"
	envPrefix  = "EMBEDFIN_DEDUPE_TEST_PREFIX"
	envProcess = "EMBEDFIN_DEDUPE_TEST_PROCESS"
	envSecret  = "EMBEDFIN_DEDUPE_TEST_SECRET"
)

func TestMain(m *testing.M) {
	if os.Getenv(envRole) == "receiver" {
		if err := runReceiver(); err != nil {
			fmt.Fprintln(os.Stderr, "receiver:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runReceiver is one replica of a webhook endpoint: a webhook.Handler with
// the store named by the environment, whose side effect is a row in
// effects. It prints its address, serves until its stdin closes, and
// exits.
func runReceiver() error {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv(envPG))
	if err != nil {
		return err
	}
	defer pool.Close()
	opts := []dedupe.Option{dedupe.WithClaimTimeout(30 * time.Second)}
	var store webhook.DedupeStore
	switch kind := os.Getenv(envStore); kind {
	case "postgres":
		store, err = dedupe.NewPostgresStore(pool, opts[0])
	case "redis":
		ropt, perr := redis.ParseURL(testenv.RedisURL())
		if perr != nil {
			return perr
		}
		rdb := redis.NewClient(ropt)
		defer rdb.Close()
		store, err = dedupe.NewRedisStore(rdb, opts[0], dedupe.WithKeyPrefix(os.Getenv(envPrefix)))
	default:
		err = fmt.Errorf("unknown store %q", kind)
	}
	if err != nil {
		return err
	}
	process := os.Getenv(envProcess)
	h := webhook.NewHandler(os.Getenv(envSecret), webhook.WithDedupe(store))
	h.HandleFallback(func(ctx context.Context, ev webhook.Event) error {
		// Hold the claim a little, so that concurrent copies find it busy,
		// and fail some attempts before the side effect, so that claims are
		// released and taken again (maybe by another process).
		time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
		if rand.IntN(100) < 3 {
			return errors.New("injected failure before the side effect")
		}
		_, err := pool.Exec(ctx, `INSERT INTO effects (event_id, process) VALUES ($1, $2)`, ev.ID, process)
		return err
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	fmt.Println(ln.Addr().String())
	_, _ = io.Copy(io.Discard, os.Stdin) // until the test closes it, or dies
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// lockedBuffer collects a child's stderr.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startReceiver runs the test binary as a receiver and returns its URL.
// The process ends when the test does.
func startReceiver(t *testing.T, env ...string) *url.URL {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{envRole + "=receiver"}, env...)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		_ = stdin.Close()
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("receiver %v: %v\n%s", env, err, stderr)
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("receiver %v did not exit; killed\n%s", env, stderr)
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			addr <- sc.Text()
		}
		_, _ = io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()
	select {
	case a := <-addr:
		return &url.URL{Scheme: "http", Host: a}
	case <-time.After(30 * time.Second):
		t.Fatalf("receiver %v did not start\n%s", env, stderr)
	}
	return nil
}

// TestCrossProcessDedupe runs 3 receiver processes behind a round-robin
// proxy and delivers 5,000 distinct events 2 or 3 times each, a third of
// them with two copies sent at the same instant, redelivering whatever is
// not answered 2xx: every event must have exactly one side effect.
func TestCrossProcessDedupe(t *testing.T) {
	for _, kind := range []string{"postgres", "redis"} {
		t.Run(kind, func(t *testing.T) { crossProcess(t, kind) })
	}
}

func crossProcess(t *testing.T, kind string) {
	const (
		processes = 3
		events    = 5000
		senders   = 48
		secret    = "whsec_crossProcessDedupeTest"
	)
	pool, connURL, _ := testenv.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := pool.Exec(ctx, `CREATE TABLE effects (event_id text NOT NULL, process text NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	var check webhook.DedupeStore // the parent's own handle, for the final check
	env := []string{envStore + "=" + kind, envPG + "=" + connURL, envSecret + "=" + secret}
	switch kind {
	case "postgres":
		s, err := dedupe.NewPostgresStore(pool)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		check = s
	case "redis":
		rdb, prefix := testenv.Redis(t)
		s, err := dedupe.NewRedisStore(rdb, dedupe.WithKeyPrefix(prefix))
		if err != nil {
			t.Fatal(err)
		}
		env = append(env, envPrefix+"="+prefix)
		check = s
	}

	backends := make([]*url.URL, processes)
	for i := range backends {
		backends[i] = startReceiver(t, append(env, fmt.Sprintf("%s=p%d", envProcess, i))...)
	}
	transport := &http.Transport{MaxIdleConnsPerHost: 2 * senders, IdleConnTimeout: 30 * time.Second}
	t.Cleanup(transport.CloseIdleConnections)
	var next atomic.Uint64
	proxy := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(backends[next.Add(1)%processes])
		},
		Transport: transport,
	})
	t.Cleanup(proxy.Close)

	payloads := make([][]byte, events)
	for i := range payloads {
		payloads[i] = fmt.Appendf(nil, `{"id":"evt_xproc_%05d","object":"event","api_version":%q,"created":%d,`+
			`"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},`+
			`"type":"customer.updated","data":{"object":{"id":"cus_xproc_%05d","object":"customer"}}}`,
			i, embedfin.APIVersion, time.Now().Unix(), i)
	}
	// A job is one delivery, or copies of one event sent at the same
	// instant; the jobs are shuffled, so the other copies of an event come
	// at random moments, through random processes.
	type job struct {
		event  int
		copies int
	}
	var jobs []job
	totalCopies := 0
	for i := range events {
		copies := 2 + i%2
		totalCopies += copies
		if i%3 == 0 {
			jobs = append(jobs, job{i, 2})
			copies -= 2
		}
		for range copies {
			jobs = append(jobs, job{i, 1})
		}
	}
	rand.Shuffle(len(jobs), func(a, b int) { jobs[a], jobs[b] = jobs[b], jobs[a] })

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * senders}, Timeout: 30 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	var (
		mu         sync.Mutex
		statuses   = map[string]int{} // "200 ok", "409", ...
		deliveries atomic.Int64
		failures   []error
	)
	// deliver sends one copy until it is answered 2xx, as Stripe would
	// (at most 100 attempts, with a growing pause).
	deliver := func(i int) {
		for attempt := 0; ; attempt++ {
			if attempt == 100 || ctx.Err() != nil {
				mu.Lock()
				failures = append(failures, fmt.Errorf("event %d: no 2xx after %d attempts (%v)", i, attempt, ctx.Err()))
				mu.Unlock()
				return
			}
			deliveries.Add(1)
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, proxy.URL, bytes.NewReader(payloads[i]))
			if err != nil {
				panic(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(webhook.SignatureHeader, webhook.SignHeader(payloads[i], secret, time.Now()))
			key := ""
			resp, err := client.Do(req)
			if err != nil {
				key = "transport error"
			} else {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				key = fmt.Sprint(resp.StatusCode)
				if resp.StatusCode/100 == 2 {
					key += " " + strings.TrimSpace(string(body))
				}
			}
			mu.Lock()
			statuses[key]++
			mu.Unlock()
			if strings.HasPrefix(key, "2") {
				return
			}
			time.Sleep(time.Duration(min(5*(attempt+1), 100)) * time.Millisecond)
		}
	}

	start := time.Now()
	work := make(chan job)
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for j := range work {
				if j.copies == 1 {
					deliver(j.event)
					continue
				}
				var ready, done sync.WaitGroup
				gate := make(chan struct{})
				for range j.copies {
					ready.Add(1)
					done.Go(func() {
						ready.Done()
						<-gate
						deliver(j.event)
					})
				}
				ready.Wait()
				close(gate)
				done.Wait()
			}
		})
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	wg.Wait()
	elapsed := time.Since(start)
	for _, err := range failures {
		t.Error(err)
	}

	var total, distinct int
	if err := pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT event_id) FROM effects`).Scan(&total, &distinct); err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `SELECT event_id, count(*) FROM effects GROUP BY event_id HAVING count(*) <> 1 ORDER BY event_id LIMIT 10`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		t.Errorf("%s has %d side effects, want 1", id, n)
	}
	rows.Close()
	perProcess := map[string]int{}
	rows, err = pool.Query(ctx, `SELECT process, count(*) FROM effects GROUP BY process ORDER BY process`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			t.Fatal(err)
		}
		perProcess[p] = n
	}
	rows.Close()
	if total != events || distinct != events {
		t.Errorf("effects: %d rows for %d distinct events, want %d and %d", total, distinct, events, events)
	}
	if len(perProcess) != processes {
		t.Errorf("effects by process %v: want all %d processes to have processed events", perProcess, processes)
	}
	if statuses["200 ok"] != events {
		t.Errorf("%d deliveries answered 200 ok, want one per event (%d)", statuses["200 ok"], events)
	}
	// Every event is now done in the store, for any process.
	var notDone atomic.Int64
	var cw sync.WaitGroup
	for w := range 16 {
		cw.Go(func() {
			for i := w; i < events; i += 16 {
				r, err := check.Claim(ctx, fmt.Sprintf("evt_xproc_%05d", i))
				if err != nil || r != webhook.ClaimDone {
					notDone.Add(1)
				}
			}
		})
	}
	cw.Wait()
	if n := notDone.Load(); n > 0 {
		t.Errorf("%d events are not done in the store", n)
	}
	t.Logf("%s: %d events, %d copies, %d HTTP deliveries in %v through %d processes; answers %v; effects %d (%d distinct), by process %v",
		kind, events, totalCopies, deliveries.Load(), elapsed.Round(time.Millisecond), processes, statuses, total, distinct, perProcess)
}
