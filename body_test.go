package embedfin_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/internal/badinput"
)

// The body is part of the attempt: a response whose body is cut short is a
// failed attempt, retried (POSTs under the same Idempotency-Key) like a
// connection reset.

// cutServer answers its first cuts requests with the status, headers and a
// Content-Length of full, but only the first part bytes of it, then drops
// the connection; later requests get full whole. It records each request's
// Idempotency-Key.
type cutServer struct {
	*httptest.Server
	mu   sync.Mutex
	keys []string
}

func newCutServer(t *testing.T, status int, full string, part, cuts int, header map[string]string) *cutServer {
	t.Helper()
	s := &cutServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		s.mu.Lock()
		s.keys = append(s.keys, r.Header.Get("Idempotency-Key"))
		n := len(s.keys)
		s.mu.Unlock()
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Request-Id", "req_cut"+strconv.Itoa(n))
		if n > cuts {
			w.WriteHeader(status)
			_, _ = io.WriteString(w, full)
			return
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", status, http.StatusText(status), len(full))
		_, _ = buf.WriteString("Request-Id: req_cut" + strconv.Itoa(n) + "\r\n")
		for k, v := range header {
			_, _ = buf.WriteString(k + ": " + v + "\r\n")
		}
		_, _ = buf.WriteString("\r\n" + full[:part])
		_ = buf.Flush()
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // a reset, not a clean close
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *cutServer) requestKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.keys...)
}

func bodyClient(t *testing.T, url string, retries int) *embedfin.Client {
	t.Helper()
	c, err := embedfin.NewClient(testKey, embedfin.WithBaseURL(url),
		embedfin.WithMaxRetries(retries), embedfin.WithBackoff(time.Millisecond, 2*time.Millisecond))
	require.NoError(t, err)
	return c
}

func TestCutBodyIsRetriedUnderTheSameKey(t *testing.T) {
	t.Parallel()
	const full = `{"id":"cus_1","object":"customer","email":"jenny@example.com"}`
	srv := newCutServer(t, 200, full, 20, 2, nil)
	var out struct {
		embedfin.APIResource
		ID string `json:"id"`
	}
	err := bodyClient(t, srv.URL, 3).Do(context.Background(), http.MethodPost, "/v1/customers", nil, &out)
	require.NoError(t, err)
	assert.Equal(t, "cus_1", out.ID)
	assert.Equal(t, 3, out.LastResponse.Attempts)
	keys := srv.requestKeys()
	require.Len(t, keys, 3, "two cut bodies, then a whole one")
	assert.NotEmpty(t, keys[0])
	assert.Equal(t, []string{keys[0], keys[0], keys[0]}, keys, "every attempt carries the same key")
	assert.Equal(t, keys[0], out.LastResponse.IdempotencyKey)
}

func TestCutBodyExhaustedIsAConnectionErrorWithTheKey(t *testing.T) {
	t.Parallel()
	srv := newCutServer(t, 200, `{"id":"cus_1","object":"customer"}`, 10, 100, nil)
	c := bodyClient(t, srv.URL, 2)
	err := c.Do(context.Background(), http.MethodPost, "/v1/customers", nil, new(map[string]any))
	var ce *embedfin.ConnectionError
	require.ErrorAs(t, err, &ce, "got %v", err)
	keys := srv.requestKeys()
	require.Len(t, keys, 3)
	assert.Equal(t, 3, ce.Attempts)
	assert.Equal(t, 200, ce.StatusCode)
	assert.True(t, ce.MaybeApplied())
	assert.Equal(t, keys[0], ce.IdempotencyKey)
	assert.Contains(t, ce.Error(), "10 of 34 bytes arrived")
	var de *embedfin.DecodeError
	assert.NotErrorAs(t, err, &de, "a cut body is not a decoding failure")

	// The recipe: re-issue with the key.
	err = c.Do(context.Background(), http.MethodPost, "/v1/customers", nil, new(map[string]any), embedfin.WithIdempotencyKey(ce.IdempotencyKey))
	require.Error(t, err) // this server cuts every body
	assert.Equal(t, ce.IdempotencyKey, srv.requestKeys()[3])
}

func TestCutBodyHonoursStripeShouldRetry(t *testing.T) {
	t.Parallel()
	srv := newCutServer(t, 200, `{"id":"cus_1","object":"customer"}`, 10, 100, map[string]string{"Stripe-Should-Retry": "false"})
	err := bodyClient(t, srv.URL, 3).Do(context.Background(), http.MethodPost, "/v1/customers", nil, nil)
	var ce *embedfin.ConnectionError
	require.ErrorAs(t, err, &ce)
	assert.Len(t, srv.requestKeys(), 1, "Stripe-Should-Retry: false stops the retries")
}

func TestTruncatedErrorBody(t *testing.T) {
	t.Parallel()
	full := `{"error":{"type":"invalid_request_error","code":"parameter_unknown","param":"bogus","message":"Received unknown parameter: bogus. Did you mean something else? The rest of this message is long enough to be cut."}}`
	require.Greater(t, len(full), 60)
	srv := newCutServer(t, 400, full, 60, 100, nil)
	err := bodyClient(t, srv.URL, 0).Do(context.Background(), http.MethodGet, "/v1/customers", nil, nil)
	var apiErr *embedfin.Error
	require.ErrorAs(t, err, &apiErr, "got %v", err)
	assert.Equal(t, 400, apiErr.HTTPStatusCode)
	assert.Equal(t, full[:60], string(apiErr.RawBody), "what arrived is kept")
	want := "cut short (60 of " + strconv.Itoa(len(full)) + " bytes arrived)"
	assert.Contains(t, apiErr.Message, want)
	assert.NotContains(t, apiErr.Message, "1 MiB")
	assert.Equal(t, "req_cut1", apiErr.RequestID)

	// Like any cut body, it is retried first.
	srv2 := newCutServer(t, 400, full, 60, 100, nil)
	err = bodyClient(t, srv2.URL, 2).Do(context.Background(), http.MethodGet, "/v1/customers", nil, nil)
	require.ErrorAs(t, err, &apiErr)
	assert.Len(t, srv2.requestKeys(), 3)
	assert.Contains(t, apiErr.Message, want)
}

// TestBodyMemoryAtTheLimit measures the bytes allocated by a call whose
// body is exactly at the size limit: at most 1.5 times the limit, with and
// without a Content-Length. (Not parallel: it reads the process's
// allocation counter.)
func TestBodyMemoryAtTheLimit(t *testing.T) {
	const limit = 16 << 20
	for _, declare := range []bool{true, false} {
		tr := roundTripFunc(func(*http.Request) (*http.Response, error) {
			return badinput.StreamResponse(badinput.NewStream(limit), declare), nil
		})
		c := badinput.NewClient(t, tr, embedfin.WithMaxResponseBytes(limit))
		// Warm up pools and caches with a small call.
		_, _ = c.RawRequest(context.Background(), http.MethodGet, "/v1/x", nil)

		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		resp, err := c.RawRequest(context.Background(), http.MethodGet, "/v1/x", nil)
		runtime.ReadMemStats(&after)
		require.NoError(t, err)
		require.Len(t, resp.Body, limit)
		allocated := after.TotalAlloc - before.TotalAlloc
		t.Logf("Content-Length declared=%t: %d bytes allocated for a %d-byte body (%.2fx)", declare, allocated, limit, float64(allocated)/limit)
		assert.LessOrEqual(t, float64(allocated), 1.5*limit, "declared=%t", declare)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestAPIErrorCarriesTheIdempotencyKey(t *testing.T) {
	t.Parallel()
	var got []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("Idempotency-Key"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"error":{"type":"api_error","message":"Something went wrong."}}`)
	}))
	defer srv.Close()
	err := bodyClient(t, srv.URL, 1).Do(context.Background(), http.MethodPost, "/v1/customers", nil, nil)
	var apiErr *embedfin.Error
	require.ErrorAs(t, err, &apiErr)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 2)
	assert.Equal(t, got[0], got[1])
	assert.Equal(t, got[0], apiErr.IdempotencyKey, "a 5xx may have been applied: the key to re-issue with is on the error")
}
