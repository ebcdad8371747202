package stripetest_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pipeliner is a client that writes n requests on one connection without
// ever reading a response, with a small receive buffer: the server's
// writes to it block once the socket buffers are full.
func pipeliner(t *testing.T, srv *stripetest.Server, n int, path string) (sent *atomic.Int64) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	if tc, ok := conn.(*net.TCPConn); ok {
		require.NoError(t, tc.SetReadBuffer(4096))
	}
	req := "GET " + path + " HTTP/1.1\r\nHost: emulator\r\nAuthorization: Bearer " + stripetest.DefaultKey + "\r\n\r\n"
	sent = &atomic.Int64{}
	go func() {
		for range n {
			if _, err := io.WriteString(conn, req); err != nil {
				return
			}
			sent.Add(1)
		}
	}()
	return sent
}

// emulatorClient sends requests with a shared transport and a generous
// timeout, reporting the status and body.
type emulatorClient struct {
	srv *stripetest.Server
	hc  *http.Client
}

func newEmulatorClient(srv *stripetest.Server) *emulatorClient {
	tr := &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128, IdleConnTimeout: time.Minute}
	return &emulatorClient{srv: srv, hc: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

func (c *emulatorClient) do(method, path string, form url.Values, hdr ...string) (int, []byte, error) {
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(form.Encode())
	} else if len(form) > 0 {
		path += "?" + form.Encode()
	}
	req, err := http.NewRequest(method, c.srv.URL+path, body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+stripetest.DefaultKey)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// mustID sends a request that must succeed and returns the object's ID.
func (c *emulatorClient) mustID(t *testing.T, method, path string, form url.Values) string {
	t.Helper()
	status, b, err := c.do(method, path, form)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, "%s %s: %s", method, path, b)
	var o struct{ ID string }
	require.NoError(t, json.Unmarshal(b, &o))
	return o.ID
}

// linkFCAccount makes a customer and links a Financial Connections account
// with balances and transactions for it; it returns the account and the
// customer.
func linkFCAccount(t *testing.T, c *emulatorClient) (account, customer string) {
	t.Helper()
	cus := c.mustID(t, "POST", "/v1/customers", url.Values{"name": {"Jenny Rosen"}})
	sess := c.mustID(t, "POST", "/v1/financial_connections/sessions", url.Values{
		"account_holder[type]": {"customer"}, "account_holder[customer]": {cus},
		"permissions[]": {"balances", "transactions"},
	})
	status, b, err := c.do("POST", "/v1/test_helpers/financial_connections/sessions/"+sess+"/complete", nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, "%s", b)
	var res struct {
		Accounts struct{ Data []struct{ ID string } }
	}
	require.NoError(t, json.Unmarshal(b, &res))
	require.NotEmpty(t, res.Accounts.Data)
	return res.Accounts.Data[0].ID, cus
}

// TestPipeliningClientDoesNotFreezeOthers: a client that pipelines large
// responses without reading them blocks its own connection only; other
// clients are served meanwhile (before, the state lock was held while
// writing, and every other client waited for that client to go away).
func TestPipeliningClientDoesNotFreezeOthers(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := newEmulatorClient(srv)
	for i := range 100 {
		c.mustID(t, "POST", "/v1/customers", url.Values{"name": {fmt.Sprintf("Customer %d", i)}, "description": {strings.Repeat("x", 500)}})
	}
	sent := pipeliner(t, srv, 2000, "/v1/customers?limit=100")
	for i := range 100 {
		status, b, err := c.do("GET", "/v1/customers", url.Values{"limit": {"10"}})
		require.NoError(t, err, "request %d while a client pipelines (%d sent)", i, sent.Load())
		require.Equal(t, http.StatusOK, status, "%s", b)
		c.mustID(t, "POST", "/v1/customers", nil)
	}
}

// rssKiB reads the process's resident set size (Linux), or -1.
func rssKiB() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kib int64
		if _, err := fmt.Sscanf(sc.Text(), "VmRSS: %d kB", &kib); err == nil {
			return kib
		}
	}
	return -1
}

// heapSample is the live heap after a forced collection.
type heapSample struct {
	at              time.Duration // since the clients started
	alloc, inuse    uint64        // HeapAlloc, HeapInuse
	rss             int64         // KiB
	customers, reqs int64
}

// sampleHeap collects garbage and returns freed memory to the OS
// (debug.FreeOSMemory), so that RSS samples compare too.
func sampleHeap(at time.Duration) heapSample {
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return heapSample{at: at, alloc: ms.HeapAlloc, inuse: ms.HeapInuse, rss: rssKiB()}
}

// latencies is a histogram of durations in buckets 1% wide from 1 µs to
// about 700 s: percentiles within 1%, in memory that does not grow with the
// run (the heap is sampled during it).
type latencies struct {
	counts [2048]uint32
	n      int
	max    time.Duration
}

func (h *latencies) add(d time.Duration) {
	i := 0
	if d > time.Microsecond {
		i = min(int(math.Log(float64(d)/float64(time.Microsecond))/math.Log(1.01))+1, len(h.counts)-1)
	}
	h.counts[i]++
	h.n++
	h.max = max(h.max, d)
}

func (h *latencies) merge(o *latencies) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// pct returns the upper edge of the bucket holding the p-th quantile.
func (h *latencies) pct(p float64) time.Duration {
	rank, seen := int(math.Ceil(p*float64(h.n))), 0
	for i, c := range h.counts {
		if seen += int(c); seen >= rank {
			return min(time.Duration(float64(time.Microsecond)*math.Pow(1.01, float64(i))), h.max)
		}
	}
	return h.max
}

// TestLoadMixedWithPipeliningClient runs 64 clients for 30 s over
// loopback, mixing creates (with idempotency keys), list pages (customers,
// from the top and after a cursor; an account's Financial Connections
// transactions) and Financial Connections refreshes, while another client
// pipelines requests without reading. Every client must finish with no
// failed request. With a retention bound low enough that the 5 s warm-up
// fills it (customers, events, saved idempotent results and FC
// transactions all pass 1,000 within a few seconds; a slow run waits for
// twice the bound's worth of customers), the live heap after a forced
// collection, sampled every 5 s from the end of the warm-up, must end
// within 1.3x of its first sample: memory is flat. The latencies
// (p50/p90/p99/max) and the process's heap and RSS (emulator and clients
// together) are logged; p99 has a sanity bound.
func TestLoadMixedWithPipeliningClient(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped with -short")
	}
	const (
		clients     = 64
		duration    = 30 * time.Second
		warmUp      = 5 * time.Second
		sampleEvery = 5 * time.Second
		// Low enough that the warm-up fills every bound: customers, and
		// each linked account's transactions (they count per account;
		// an account's history starts near 125 and grows per refresh).
		retention = 200
		flat      = 1.3 // the last heap sample within this factor of the first
	)
	srv := newServer(t, stripetest.WithRefreshDelay(20*time.Millisecond), stripetest.WithRetention(retention))
	c := newEmulatorClient(srv)
	for i := range 200 {
		c.mustID(t, "POST", "/v1/customers", url.Values{"email": {fmt.Sprintf("seed%d@example.com", i)}})
	}
	// The accounts' customers are pinned (named by the accounts): cursors
	// that outlive the bound.
	accounts, pinned := make([]string, clients), make([]string, clients)
	for i := range accounts {
		accounts[i], pinned[i] = linkFCAccount(t, c)
	}
	sent := pipeliner(t, srv, 5000, "/v1/customers?limit=100")

	type result struct {
		latencies latencies
		failures  []string
		ops       map[string]int
	}
	results := make([]result, clients)
	var created, requests atomic.Int64
	start := time.Now()
	deadline := start.Add(duration)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		results[i].ops = map[string]int{}
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 13))
			res := &results[i]
			acct := accounts[i]
			var last string // the customer this client created last, and at which of its requests
			var lastAt int
			for n := 0; time.Now().Before(deadline); n++ {
				var op string
				var status int
				var body []byte
				var err error
				t0 := time.Now()
				switch p := rng.IntN(100); {
				case p < 35:
					op = "create"
					status, body, err = c.do("POST", "/v1/customers", url.Values{"email": {fmt.Sprintf("load%d-%d@example.com", i, n)}},
						"Idempotency-Key", fmt.Sprintf("load-%d-%d", i, n))
					if err == nil && status == http.StatusOK {
						var o struct{ ID string }
						if json.Unmarshal(body, &o) == nil {
							last, lastAt = o.ID, n
							created.Add(1)
						}
					}
				case p < 55:
					op = "list customers"
					status, body, err = c.do("GET", "/v1/customers", url.Values{"limit": {"10"}})
				case p < 70:
					op = "list customers after a cursor"
					// A pinned customer, or this client's last one if it
					// created it with its previous request: the other
					// clients created about 63 x 35% = 22 customers meanwhile,
					// whatever the speed, well within the bound.
					cursor := pinned[rng.IntN(len(pinned))]
					if last != "" && rng.IntN(2) == 0 && n-lastAt == 1 {
						cursor = last
					}
					status, body, err = c.do("GET", "/v1/customers", url.Values{"limit": {"10"}, "starting_after": {cursor}})
				case p < 90:
					op = "list transactions"
					status, body, err = c.do("GET", "/v1/financial_connections/transactions", url.Values{"account": {acct}, "limit": {"10"}})
				default:
					op = "refresh"
					status, body, err = c.do("POST", "/v1/financial_connections/accounts/"+acct+"/refresh",
						url.Values{"features[]": {"balance", "transactions"}})
				}
				d := time.Since(t0)
				requests.Add(1)
				res.ops[op]++
				if t0.Sub(start) >= warmUp {
					res.latencies.add(d)
				}
				if err != nil || status != http.StatusOK {
					if len(res.failures) < 5 {
						res.failures = append(res.failures, fmt.Sprintf("%s: %v %d %.200s", op, err, status, body))
					}
				}
			}
		}()
	}

	// Sample the heap every 5 s from the end of the warm-up (5 s, and
	// twice the bound's worth of customers created, for a slow run), and
	// once the clients are done; wait for them with a bound far past the
	// run's length, so that a freeze fails instead of hanging.
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var samples []heapSample
	sample := func() {
		h := sampleHeap(time.Since(start))
		h.customers, h.reqs = created.Load(), requests.Load()
		samples = append(samples, h)
	}
	next := time.NewTimer(warmUp)
	defer next.Stop()
	limit := time.After(duration + 45*time.Second)
wait:
	for {
		select {
		case <-done:
			break wait
		case <-next.C:
			if len(samples) == 0 && created.Load() < 2*retention {
				next.Reset(100 * time.Millisecond)
				continue
			}
			sample()
			next.Reset(sampleEvery)
		case <-limit:
			t.Fatalf("the clients did not finish: the emulator froze (the pipelining client sent %d requests)", sent.Load())
		}
	}
	elapsed := time.Since(start)
	sample()

	var all latencies
	ops := map[string]int{}
	for i := range results {
		r := &results[i]
		assert.Empty(t, r.failures, "client %d", i)
		all.merge(&r.latencies)
		for k, v := range r.ops {
			ops[k] += v
		}
	}
	require.NotZero(t, all.n)
	pct := all.pct
	total := 0
	for _, v := range ops {
		total += v
	}
	t.Logf("%d clients, %v: %d requests (%.0f/s) %v; %d customers created; the pipelining client sent %d requests",
		clients, elapsed.Round(time.Millisecond), total, float64(total)/elapsed.Seconds(), ops, created.Load(), sent.Load())
	t.Logf("latency after %v warm-up: p50 %v, p90 %v, p99 %v, max %v (%d requests)",
		warmUp, pct(0.50).Round(time.Microsecond), pct(0.90).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), all.max.Round(time.Microsecond), all.n)
	for _, h := range samples {
		t.Logf("at %5.1fs (%6d customers created, %7d requests): heap %6.1f MiB live, %6.1f MiB in use; RSS %6.1f MiB",
			h.at.Seconds(), h.customers, h.reqs, float64(h.alloc)/(1<<20), float64(h.inuse)/(1<<20), float64(h.rss)/1024)
	}
	require.GreaterOrEqual(t, len(samples), 3, "too slow a run to fill the bound during the warm-up")
	first, last := samples[0], samples[len(samples)-1]
	require.Greater(t, last.customers-first.customers, int64(2*retention), "the run after the warm-up went well past the bound")
	assert.LessOrEqual(t, float64(last.alloc), flat*float64(first.alloc),
		"the live heap grew from %.1f to %.1f MiB after the warm-up: memory is not flat", float64(first.alloc)/(1<<20), float64(last.alloc)/(1<<20))
	assert.Less(t, pct(0.99), 2*time.Second, "p99 sanity bound (a freeze)")
}
