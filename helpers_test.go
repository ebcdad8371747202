package embedfin_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
)

// testBase has a path prefix so that a request built from an absolute path
// instead of the base URL misses every responder and fails loudly.
const (
	testBase = "https://api.stripe.test/prefix"
	testKey  = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
)

// recorded is one request as the server saw it.
type recorded struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   string
	// ContentLength is -1 when the body would be sent chunked.
	ContentLength int64
}

// fakeAPI is a per-test httpmock transport that records every attempt.
type fakeAPI struct {
	*httpmock.MockTransport
	mu   sync.Mutex
	reqs []recorded
}

func (f *fakeAPI) record(r *http.Request) {
	var body string
	if r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		body = string(b)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body, ContentLength: r.ContentLength})
}

func (f *fakeAPI) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// reply is one scripted response; err set means a transport failure.
type reply struct {
	status int
	body   string
	header http.Header
	err    error
}

// script answers method+path with the replies in order, repeating the last.
func (f *fakeAPI) script(method, path string, replies ...reply) {
	var mu sync.Mutex
	n := 0
	f.RegisterResponder(method, testBase+path, func(r *http.Request) (*http.Response, error) {
		f.record(r)
		mu.Lock()
		rep := replies[min(n, len(replies)-1)]
		n++
		mu.Unlock()
		if rep.err != nil {
			return nil, rep.err
		}
		resp := httpmock.NewStringResponse(rep.status, rep.body)
		for k, v := range rep.header {
			resp.Header[k] = v
		}
		if resp.Header.Get("Content-Type") == "" {
			resp.Header.Set("Content-Type", "application/json")
		}
		if resp.Header.Get("Request-Id") == "" {
			resp.Header.Set("Request-Id", "req_test123")
		}
		resp.Request = r
		return resp, nil
	})
}

func ok(body string) reply { return reply{status: 200, body: body} }

func status(code int, body string, kv ...string) reply {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return reply{status: code, body: body, header: h}
}

// newTestClient returns a client whose inner http.Client uses a fresh mock
// transport, with tiny backoff waits so retries run fast.
func newTestClient(t *testing.T, opts ...embedfin.Option) (*embedfin.Client, *fakeAPI) {
	t.Helper()
	f := &fakeAPI{MockTransport: httpmock.NewMockTransport()}
	base := []embedfin.Option{
		embedfin.WithHTTPClient(&http.Client{Transport: f}),
		embedfin.WithBaseURL(testBase),
		embedfin.WithBackoff(time.Millisecond, 2*time.Millisecond),
	}
	c, err := embedfin.NewClient(testKey, append(base, opts...)...)
	require.NoError(t, err)
	return c, f
}

func formOf(t *testing.T, body string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(body)
	require.NoError(t, err)
	return v
}

// obj is a small API object for decoding tests.
type obj struct {
	embedfin.APIResource
	ID     string  `json:"id"`
	Object string  `json:"object"`
	Amount int64   `json:"amount"`
	Note   *string `json:"note"`
}

func objID(o *obj) string { return o.ID }

// objParams is a params struct shaped like the generated ones.
type objParams struct {
	embedfin.Params
	Amount   *int64            `url:"amount,omitempty"`
	Currency *string           `url:"currency,omitempty"`
	Metadata map[string]string `url:"metadata,omitempty"`
	Address  *struct {
		City *string `url:"city,omitempty"`
	} `url:"address,omitempty"`
}

type objListParams struct {
	embedfin.ListParams
	Customer *string                    `url:"customer,omitempty"`
	Created  *embedfin.RangeQueryParams `url:"created,omitempty"`
}

var bg = context.Background()
