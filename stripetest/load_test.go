package stripetest_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
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
// with balances and transactions for it.
func linkFCAccount(t *testing.T, c *emulatorClient) string {
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
	return res.Accounts.Data[0].ID
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

// TestLoadMixedWithPipeliningClient runs 64 clients for 15 s over
// loopback, mixing creates (with idempotency keys), list pages (customers,
// from the top and after a cursor; an account's Financial Connections
// transactions) and Financial Connections refreshes, while another client
// pipelines requests without reading. Every client must finish with no
// failed request; the latencies and the process's RSS (emulator and
// clients) are logged, with only a generous sanity bound on p99 to catch
// a freeze.
func TestLoadMixedWithPipeliningClient(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped with -short")
	}
	const (
		clients  = 64
		duration = 15 * time.Second
		warmUp   = 3 * time.Second
	)
	srv := newServer(t, stripetest.WithRefreshDelay(20*time.Millisecond))
	c := newEmulatorClient(srv)
	var seeded []string
	for i := range 200 {
		seeded = append(seeded, c.mustID(t, "POST", "/v1/customers", url.Values{"email": {fmt.Sprintf("seed%d@example.com", i)}}))
	}
	accounts := make([]string, clients)
	for i := range accounts {
		accounts[i] = linkFCAccount(t, c)
	}
	sent := pipeliner(t, srv, 5000, "/v1/customers?limit=100")

	type result struct {
		latencies []time.Duration
		failures  []string
		ops       map[string]int
	}
	results := make([]result, clients)
	start := time.Now()
	deadline := start.Add(duration)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 13))
			res := &results[i]
			res.ops = map[string]int{}
			acct := accounts[i]
			var mine []string
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
							mine = append(mine, o.ID)
						}
					}
				case p < 55:
					op = "list customers"
					status, body, err = c.do("GET", "/v1/customers", url.Values{"limit": {"10"}})
				case p < 70:
					op = "list customers after a cursor"
					cursor := seeded[rng.IntN(len(seeded))]
					if len(mine) > 0 && rng.IntN(2) == 0 {
						cursor = mine[rng.IntN(len(mine))]
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
				res.ops[op]++
				if t0.Sub(start) >= warmUp {
					res.latencies = append(res.latencies, d)
				}
				if err != nil || status != http.StatusOK {
					if len(res.failures) < 5 {
						res.failures = append(res.failures, fmt.Sprintf("%s: %v %d %.200s", op, err, status, body))
					}
				}
			}
		}()
	}

	// Sample the RSS once a second; wait for the clients with a bound far
	// past the run's length, so that a freeze fails instead of hanging.
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var rss []int64
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	limit := time.After(duration + 45*time.Second)
wait:
	for {
		select {
		case <-done:
			break wait
		case <-tick.C:
			rss = append(rss, rssKiB())
		case <-limit:
			t.Fatalf("the clients did not finish: the emulator froze (the pipelining client sent %d requests)", sent.Load())
		}
	}
	elapsed := time.Since(start)

	var all []time.Duration
	ops := map[string]int{}
	for i, r := range results {
		assert.Empty(t, r.failures, "client %d", i)
		all = append(all, r.latencies...)
		for k, v := range r.ops {
			ops[k] += v
		}
	}
	require.NotEmpty(t, all)
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(float64(len(all))*p))] }
	total := 0
	for _, v := range ops {
		total += v
	}
	t.Logf("%d clients, %v: %d requests (%.0f/s) %v; the pipelining client sent %d requests",
		clients, elapsed.Round(time.Millisecond), total, float64(total)/elapsed.Seconds(), ops, sent.Load())
	t.Logf("latency after %v warm-up: p50 %v, p90 %v, p99 %v, max %v (%d requests)",
		warmUp, pct(0.50).Round(time.Microsecond), pct(0.90).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), all[len(all)-1].Round(time.Microsecond), len(all))
	if len(rss) > 0 && rss[0] >= 0 {
		w := min(int(warmUp/time.Second), len(rss)-1)
		t.Logf("RSS (emulator and clients in one process), once a second: %v KiB; after warm-up %d MiB, at the end %d MiB",
			rss, rss[w]>>10, rss[len(rss)-1]>>10)
	}
	assert.Less(t, pct(0.99), 2*time.Second, "p99 sanity bound (a freeze)")
}
