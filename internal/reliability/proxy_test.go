package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
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

	// The body faults cut a committed 2xx on the wire: the emulator has
	// handled the request, the client gets its real status line and headers
	// (with the true Content-Length), then less than the body.
	faultCutBody      fault = "2xx_body_cut"            // forwarded, half the body, then the connection closes
	faultStallBody    fault = "2xx_body_stall"          // forwarded, half the body, then silence until the client hangs up (past its timeout)
	faultResetHeaders fault = "2xx_reset_after_headers" // forwarded, the headers, then a connection reset
)

// allFaults are the faults the proxy chooses from, uniformly.
var allFaults = []fault{
	faultResetBefore, faultResetAfter, fault500, fault502HTMLAfter, fault503, fault503HTML,
	faultLockTimeout, faultRateLimit, faultSlow, faultTruncated, faultHTMLPage,
	faultShouldRetryTrue, faultShouldRetryFalse,
	faultCutBody, faultStallBody, faultResetHeaders,
}

// transientFaults are the faults a retry can get past: the network and
// gateway failures and the retryable API errors, body cuts included. They
// leave out the faults that answer with a complete but wrong 2xx body
// (truncated_json, 200_html: a *DecodeError, by design not retried) and the
// committed 503 that forbids a retry (503_should_retry_false), which
// TestFaultConcurrentCreates covers.
var transientFaults = []fault{
	faultResetBefore, faultResetAfter, fault500, fault502HTMLAfter, fault503, fault503HTML,
	faultLockTimeout, faultRateLimit, faultSlow, faultShouldRetryTrue,
	faultCutBody, faultStallBody, faultResetHeaders,
}

// forwardedFaults are the faults injected after the emulator handled the
// request: the call may have been applied although it failed.
var forwardedFaults = map[fault]bool{
	faultResetAfter: true, fault502HTMLAfter: true, faultSlow: true, faultTruncated: true,
	faultShouldRetryFalse: true, faultCutBody: true, faultStallBody: true, faultResetHeaders: true,
}

// bodyFaults cut the body of a 2xx after its headers.
var bodyFaults = map[fault]bool{faultCutBody: true, faultStallBody: true, faultResetHeaders: true}

// keyRecord is what the proxy saw of the requests that carried one
// Idempotency-Key.
type keyRecord struct {
	n         string  // the request's metadata[n], when it has one
	attempts  int     // requests that arrived with the key
	forwarded int     // of which the proxy forwarded to the emulator
	faults    []fault // the fault (or none) of each request, in arrival order
	ids       map[string]bool
}

// faultProxy is an http.Handler in front of an emulator that injects a
// fault into a share of the requests.
type faultProxy struct {
	target    string // the emulator's base URL
	upstream  *http.Transport
	faults    []fault
	rate      float64
	seed      uint64
	slowDelay time.Duration
	stop      chan struct{} // closed to cut slow responses short at shutdown

	mu       sync.Mutex
	rng      *rand.Rand
	streams  map[string]*rand.Rand // per metadata[n]: the draws of one logical create
	requests int
	counts   map[fault]int
	byKey    map[string]*keyRecord
	keysOfN  map[string][]string
	srv      *httptest.Server

	// Connections taken over by the body faults: the HTTP server no longer
	// tracks them, so Close closes them and waits for their handlers.
	hijacked map[net.Conn]struct{}
	closing  bool
	handlers sync.WaitGroup
}

// newFaultProxy starts a proxy to target that injects one of allFaults
// into rate of the requests, chosen with a generator seeded by seed.
// Responses held by faultSlow, and bodies stalled by faultStallBody, wait
// at most slowDelay.
func newFaultProxy(target string, rate float64, seed uint64, slowDelay time.Duration) *faultProxy {
	return newFaultProxyOf(target, allFaults, rate, seed, slowDelay)
}

// newFaultProxyOf is newFaultProxy with the faults to choose from.
//
// A request whose form body has metadata[n] draws its fault from a
// generator of its own n (seeded by seed and n), so that the faults each
// logical create meets, attempt after attempt, do not depend on how the
// goroutines interleave: the figures of a run are reproducible. Other
// requests share one generator.
func newFaultProxyOf(target string, faults []fault, rate float64, seed uint64, slowDelay time.Duration) *faultProxy {
	p := &faultProxy{
		target:    target,
		upstream:  &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true},
		faults:    faults,
		rate:      rate,
		seed:      seed,
		slowDelay: slowDelay,
		stop:      make(chan struct{}),
		rng:       rand.New(rand.NewPCG(seed, seed^0x5bd1e995)),
		streams:   map[string]*rand.Rand{},
		counts:    map[fault]int{},
		byKey:     map[string]*keyRecord{},
		keysOfN:   map[string][]string{},
		hijacked:  map[net.Conn]struct{}{},
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
	p.mu.Lock()
	p.closing = true
	for conn := range p.hijacked {
		_ = conn.Close()
	}
	p.mu.Unlock()
	p.srv.Close()
	p.handlers.Wait()
	p.upstream.CloseIdleConnections()
}

// record returns a copy of what the proxy saw under an Idempotency-Key.
func (p *faultProxy) record(key string) (keyRecord, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r, ok := p.byKey[key]
	if !ok {
		return keyRecord{}, false
	}
	out := *r
	out.faults = append([]fault(nil), r.faults...)
	out.ids = make(map[string]bool, len(r.ids))
	for id := range r.ids {
		out.ids[id] = true
	}
	return out, true
}

// keysFor returns the Idempotency-Keys of the requests with metadata[n],
// in the order they first arrived.
func (p *faultProxy) keysFor(n string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.keysOfN[n]...)
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

// pick draws the fault of a request and records it under the request's
// Idempotency-Key (key) and metadata[n] (n), either of which may be "".
func (p *faultProxy) pick(key, n string) fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	rng := p.rng
	if n != "" {
		rng = p.streams[n]
		if rng == nil {
			h := fnv.New64a()
			_, _ = io.WriteString(h, n)
			rng = rand.New(rand.NewPCG(p.seed, h.Sum64()))
			p.streams[n] = rng
		}
	}
	f := faultNone
	if rng.Float64() < p.rate {
		f = p.faults[rng.IntN(len(p.faults))]
	}
	p.counts[f]++
	if key != "" {
		rec := p.byKey[key]
		if rec == nil {
			rec = &keyRecord{n: n, ids: map[string]bool{}}
			p.byKey[key] = rec
			if n != "" {
				p.keysOfN[n] = append(p.keysOfN[n], key)
			}
		}
		rec.attempts++
		rec.faults = append(rec.faults, f)
	}
	return f
}

// forwarding notes that a request with key goes to the emulator.
func (p *faultProxy) forwarding(key string) {
	if key == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.byKey[key].forwarded++
}

// answered notes the ID of the object the emulator returned for key.
func (p *faultProxy) answered(key string, resp *upstreamResponse) {
	if key == "" || resp.status/100 != 2 {
		return
	}
	var obj struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(resp.body, &obj) != nil || obj.ID == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.byKey[key].ids[obj.ID] = true
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	key := r.Header.Get("Idempotency-Key")
	var n string
	if r.Method == http.MethodPost {
		if form, err := url.ParseQuery(string(body)); err == nil {
			n = form.Get("metadata[n]")
		}
	}
	f := p.pick(key, n)
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

	p.forwarding(key)
	resp, err := p.forward(r, body)
	if err != nil {
		writeHTML(w, http.StatusBadGateway, "<html><body>proxy: "+err.Error()+"</body></html>")
		return
	}
	p.answered(key, resp)
	if bodyFaults[f] && resp.status/100 == 2 {
		p.cutBody(w, f, resp)
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

// cutBody answers with the emulator's status line and headers, with the
// true Content-Length, on the raw connection, then cuts the body the way f
// says:
//
//   - faultCutBody: half the body, then the connection closes (the client
//     reads a body shorter than its Content-Length);
//   - faultStallBody: half the body, then nothing until the client hangs up
//     (its per-attempt timeout), the proxy closes, or slowDelay passes;
//   - faultResetHeaders: no body, and a TCP reset.
func (p *faultProxy) cutBody(w http.ResponseWriter, f fault, resp *upstreamResponse) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	p.mu.Lock()
	if p.closing {
		p.mu.Unlock()
		_ = conn.Close()
		return
	}
	p.hijacked[conn] = struct{}{}
	p.handlers.Add(1)
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.hijacked, conn)
		p.mu.Unlock()
		_ = conn.Close()
		p.handlers.Done()
	}()

	h := resp.header.Clone()
	for _, k := range []string{"Content-Length", "Transfer-Encoding", "Connection"} {
		h.Del(k)
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	fmt.Fprintf(brw, "HTTP/1.1 %d %s\r\n", resp.status, http.StatusText(resp.status))
	_ = h.Write(brw)
	_, _ = brw.WriteString("\r\n")
	if f != faultResetHeaders {
		_, _ = brw.Write(resp.body[:len(resp.body)/2])
	}
	if brw.Flush() != nil {
		return
	}
	switch f {
	case faultResetHeaders:
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
	case faultStallBody:
		// The client sends nothing more on this connection; the read ends
		// when it closes (EOF), when Close closes the connection, or at the
		// deadline.
		_ = conn.SetReadDeadline(time.Now().Add(p.slowDelay))
		_, _ = io.Copy(io.Discard, brw.Reader)
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
