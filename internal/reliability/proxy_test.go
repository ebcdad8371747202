package reliability

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// fault is one kind of failure the proxy injects.
type fault string

// The faults. "before" faults never reach the emulator; "after" faults are
// injected once the emulator has handled the request, so the object exists
// although the client saw a failure.
const (
	faultNone             fault = "none"
	faultResetBefore      fault = "reset_before"           // connection reset, request not forwarded
	faultResetAfter       fault = "reset_after"            // forwarded, then the connection is reset instead of answering
	fault500              fault = "500_json"               // 500 api_error, not forwarded
	fault502HTMLAfter     fault = "502_html_after"         // forwarded, then a gateway's HTML 502 page instead of the answer
	fault503              fault = "503_json"               // 503, not forwarded
	fault503HTML          fault = "503_html"               // a proxy's HTML 503 page, not forwarded
	faultLockTimeout      fault = "429_lock_timeout"       // 429 lock_timeout, not forwarded
	faultRateLimit        fault = "429_rate_limit"         // 429 rate_limit with Retry-After, not forwarded
	faultSlow             fault = "slow_past_timeout"      // held past the client timeout, then forwarded (handled late)
	faultTruncated        fault = "truncated_json"         // forwarded, 200 with half of the JSON body
	faultHTMLPage         fault = "200_html"               // a captive portal's HTML page with 200, not forwarded
	faultShouldRetryTrue  fault = "400_should_retry_true"  // 400 with Stripe-Should-Retry: true, not forwarded
	faultShouldRetryFalse fault = "503_should_retry_false" // forwarded, then 503 with Stripe-Should-Retry: false
)

// allFaults are the faults the proxy chooses from, uniformly.
var allFaults = []fault{
	faultResetBefore, faultResetAfter, fault500, fault502HTMLAfter, fault503, fault503HTML,
	faultLockTimeout, faultRateLimit, faultSlow, faultTruncated, faultHTMLPage,
	faultShouldRetryTrue, faultShouldRetryFalse,
}

// faultProxy is an http.Handler in front of an emulator that injects a
// fault into a share of the requests.
type faultProxy struct {
	target    string // the emulator's base URL
	upstream  *http.Transport
	rate      float64
	slowDelay time.Duration
	stop      chan struct{} // closed to cut slow responses short at shutdown

	mu       sync.Mutex
	rng      *rand.Rand
	requests int
	counts   map[fault]int
	srv      *httptest.Server
}

// newFaultProxy starts a proxy to target that injects a fault into rate of
// the requests, chosen with a generator seeded by seed. Responses held by
// faultSlow wait slowDelay.
func newFaultProxy(target string, rate float64, seed uint64, slowDelay time.Duration) *faultProxy {
	p := &faultProxy{
		target:    target,
		upstream:  &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true},
		rate:      rate,
		slowDelay: slowDelay,
		stop:      make(chan struct{}),
		rng:       rand.New(rand.NewPCG(seed, seed^0x5bd1e995)),
		counts:    map[fault]int{},
	}
	p.srv = httptest.NewServer(p)
	return p
}

// URL is the proxy's base URL.
func (p *faultProxy) URL() string { return p.srv.URL }

// Close stops the proxy: held responses end early, the listener and every
// connection close, and the upstream connections are released. It returns
// once every request in flight has finished.
func (p *faultProxy) Close() {
	close(p.stop)
	p.srv.Close()
	p.upstream.CloseIdleConnections()
}

// stats returns the number of requests seen and the faults injected.
func (p *faultProxy) stats() (int, map[fault]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[fault]int, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return p.requests, out
}

func (p *faultProxy) pick() fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	f := faultNone
	if p.rng.Float64() < p.rate {
		f = allFaults[p.rng.IntN(len(allFaults))]
	}
	p.counts[f]++
	return f
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	f := p.pick()
	switch f {
	case faultResetBefore:
		resetConn(w)
		return
	case fault500:
		writeStripeError(w, http.StatusInternalServerError, "api_error", "", "An unknown error occurred on our servers.")
		return
	case fault503:
		writeStripeError(w, http.StatusServiceUnavailable, "api_error", "", "The service is temporarily unavailable.")
		return
	case fault503HTML:
		writeHTML(w, http.StatusServiceUnavailable, "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>")
		return
	case faultLockTimeout:
		writeStripeError(w, http.StatusTooManyRequests, "invalid_request_error", "lock_timeout", "This object cannot be accessed right now because another API request or Stripe process is currently accessing it.")
		return
	case faultRateLimit:
		w.Header().Set("Retry-After", "1")
		writeStripeError(w, http.StatusTooManyRequests, "invalid_request_error", "rate_limit", "Request rate limit exceeded.")
		return
	case faultHTMLPage:
		writeHTML(w, http.StatusOK, "<!DOCTYPE html><html><body><h1>Sign in to the guest Wi-Fi</h1></body></html>")
		return
	case faultShouldRetryTrue:
		w.Header().Set("Stripe-Should-Retry", "true")
		writeStripeError(w, http.StatusBadRequest, "invalid_request_error", "", "A transient condition; retry this request.")
		return
	case faultSlow:
		t := time.NewTimer(p.slowDelay)
		select {
		case <-t.C:
		case <-p.stop:
			t.Stop()
		}
	}

	resp, err := p.forward(r, body)
	if err != nil {
		writeHTML(w, http.StatusBadGateway, "<html><body>proxy: "+err.Error()+"</body></html>")
		return
	}
	switch f {
	case faultResetAfter:
		resetConn(w)
	case fault502HTMLAfter:
		writeHTML(w, http.StatusBadGateway, "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>")
	case faultShouldRetryFalse:
		w.Header().Set("Stripe-Should-Retry", "false")
		writeStripeError(w, http.StatusServiceUnavailable, "api_error", "", "The request could not be completed; do not retry it as is.")
	case faultTruncated:
		cut := resp.body[:len(resp.body)/2]
		copyHeader(w.Header(), resp.header)
		w.Header().Set("Content-Length", fmt.Sprint(len(cut)))
		w.WriteHeader(resp.status)
		_, _ = w.Write(cut)
	default:
		copyHeader(w.Header(), resp.header)
		w.WriteHeader(resp.status)
		_, _ = w.Write(resp.body)
	}
}

type upstreamResponse struct {
	status int
	header http.Header
	body   []byte
}

// forward sends the request to the emulator. It does not use the client's
// context: a request held past the client's timeout still reaches the
// emulator, as it would behind a slow gateway.
func (p *faultProxy) forward(r *http.Request, body []byte) (*upstreamResponse, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 30*time.Second)
	defer cancel()
	target := p.target + r.URL.Path
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	resp, err := p.upstream.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &upstreamResponse{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// resetConn drops the connection without an answer; with SO_LINGER 0 the
// client sees a TCP reset rather than a clean close.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func writeStripeError(w http.ResponseWriter, status int, typ, code, msg string) {
	body := fmt.Sprintf(`{"error":{"type":%q,"message":%q`, typ, msg)
	if code != "" {
		body += fmt.Sprintf(`,"code":%q`, code)
	}
	body += "}}"
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", "req_fault")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func writeHTML(w http.ResponseWriter, status int, page string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, page)
}

func copyHeader(dst, src http.Header) {
	for k, v := range src {
		if strings.EqualFold(k, "Content-Length") {
			continue
		}
		dst[k] = v
	}
}

// formatCounts renders a count map in a stable order.
func formatCounts[K ~string](m map[K]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	var sb strings.Builder
	for i, k := range keys {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "%s=%d", k, m[K(k)])
	}
	return sb.String()
}

// logCounts is a helper for tests that report their numbers.
func logCounts(t *testing.T, label string, m map[fault]int) {
	t.Helper()
	t.Logf("%s: %s", label, formatCounts(m))
}
