package benchmarks

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	stripe "github.com/stripe/stripe-go/v85"
)

// fakeStripe answers both SDKs with canned bodies rendered once, so that its
// own share of a round trip is as small as net/http allows: it drains the
// request, sets three headers and writes bytes.
type fakeStripe struct {
	session []byte
	pages   map[string][]byte // starting_after ("" for the first page) → page
}

var (
	fakeOnce sync.Once
	fake     *fakeStripe
)

func theFake() *fakeStripe {
	fakeOnce.Do(func() {
		f := &fakeStripe{session: []byte(sessionJSON), pages: map[string][]byte{}}
		for first := 0; first < transactionsTotal; first += pageSize {
			cursor := ""
			if first > 0 {
				cursor = txID(first - 1)
			}
			f.pages[cursor] = transactionPage(first, pageSize, transactionsTotal)
		}
		fake = f
	})
	return fake
}

var (
	jsonType  = []string{"application/json"}
	requestID = []string{"req_bench0000001"}
)

func (f *fakeStripe) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	var body []byte
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/financial_connections/sessions":
		body = f.session
	case r.Method == http.MethodGet && r.URL.Path == "/v1/financial_connections/transactions":
		body = f.pages[r.URL.Query().Get("starting_after")]
	}
	if body == nil {
		http.Error(w, `{"error":{"type":"invalid_request_error","message":"no such route"}}`, http.StatusNotFound)
		return
	}
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Request-Id"] = requestID
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	_, _ = w.Write(body)
}

// startServer starts the fake on a loopback listener (keep-alive on).
func startServer(tb testing.TB) *httptest.Server {
	srv := httptest.NewServer(theFake())
	tb.Cleanup(srv.Close)
	return srv
}

// httpClient is the HTTP client both SDKs get, configured alike: one
// transport each, enough idle connections for the concurrent benchmark, the
// same timeout.
func httpClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 128
	return &http.Client{Timeout: 80 * time.Second, Transport: tr}
}

func newEmbedfin(tb testing.TB, srv *httptest.Server) *embedfin.Client {
	c, err := embedfin.NewClient(testKey, embedfin.WithBaseURL(srv.URL), embedfin.WithHTTPClient(httpClient()))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func newStripeGo(tb testing.TB, srv *httptest.Server) *stripe.Client {
	backends := stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		HTTPClient:    httpClient(),
		URL:           stripe.String(srv.URL),
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	})
	return stripe.NewClient(testKey, stripe.WithBackends(backends))
}

// memTransport answers in memory, without sockets: it reads the request
// body, as a server would, and returns the canned answer. With it, a call
// costs only what the SDK and net/http's client side do, which is how the
// SDK's own cost per round trip is measured (see README.md).
type memTransport struct{ f *fakeStripe }

type memBody struct {
	b   []byte
	off int
}

func (m *memBody) Read(p []byte) (int, error) {
	if m.off >= len(m.b) {
		return 0, io.EOF
	}
	n := copy(p, m.b[m.off:])
	m.off += n
	return n, nil
}

func (m *memBody) Close() error { return nil }

func (t memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	var body []byte
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/financial_connections/sessions":
		body = t.f.session
	case r.Method == http.MethodGet && r.URL.Path == "/v1/financial_connections/transactions":
		body = t.f.pages[r.URL.Query().Get("starting_after")]
	}
	status := http.StatusOK
	if body == nil {
		status, body = http.StatusNotFound, []byte(`{"error":{"type":"invalid_request_error","message":"no such route"}}`)
	}
	return &http.Response{
		Status:        http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": jsonType, "Request-Id": requestID},
		Body:          &memBody{b: body},
		ContentLength: int64(len(body)),
		Request:       r,
	}, nil
}

const memBase = "https://api.stripe.test"

func newEmbedfinMem(tb testing.TB) *embedfin.Client {
	hc := &http.Client{Timeout: 80 * time.Second, Transport: memTransport{theFake()}}
	c, err := embedfin.NewClient(testKey, embedfin.WithBaseURL(memBase), embedfin.WithHTTPClient(hc))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func newStripeGoMem() *stripe.Client {
	hc := &http.Client{Timeout: 80 * time.Second, Transport: memTransport{theFake()}}
	backends := stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		HTTPClient:    hc,
		URL:           stripe.String(memBase),
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	})
	return stripe.NewClient(testKey, stripe.WithBackends(backends))
}
