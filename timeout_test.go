package embedfin_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedfin/embedfin-go"
)

// The HTTP client's Timeout bounds each attempt (the SDK applies it itself,
// around its own transport): a slow attempt is abandoned and retried, a
// stalled body fails the call, and the error reads as a timeout.

func timeoutClient(t *testing.T, url string, timeout time.Duration, retries int) *embedfin.Client {
	t.Helper()
	c, err := embedfin.NewClient(testKey, embedfin.WithBaseURL(url),
		embedfin.WithHTTPClient(&http.Client{Timeout: timeout}),
		embedfin.WithMaxRetries(retries), embedfin.WithBackoff(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	return c
}

func TestAttemptTimeoutIsRetried(t *testing.T) {
	var n atomic.Int32
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			select { // first attempt: never answers in time
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		_, _ = w.Write([]byte(`{"id":"cus_1","object":"customer"}`))
	}))
	defer srv.Close()

	var out struct {
		embedfin.APIResource
		ID string `json:"id"`
	}
	err := timeoutClient(t, srv.URL, 100*time.Millisecond, 2).Do(context.Background(), http.MethodPost, "/v1/customers", nil, &out)
	require.NoError(t, err)
	assert.Equal(t, "cus_1", out.ID)
	assert.Equal(t, 2, out.LastResponse.Attempts)
}

func TestAttemptTimeoutError(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()

	start := time.Now()
	err := timeoutClient(t, srv.URL, 50*time.Millisecond, 1).Do(context.Background(), http.MethodGet, "/v1/customers", nil, nil)
	var ce *embedfin.ConnectionError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 2, ce.Attempts)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a timeout reads as one")
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout())
	assert.Contains(t, err.Error(), "Timeout")
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestAttemptTimeoutCoversTheBody(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		_, _ = w.Write([]byte(`{"id":`))
		w.(http.Flusher).Flush()
		select { // the rest of the body never comes
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()

	// A stalled body is a failed attempt: retried, then reported as a
	// connection failure that names the status that did arrive.
	c := timeoutClient(t, srv.URL, 100*time.Millisecond, 1)
	var out map[string]any
	err := c.Do(context.Background(), http.MethodGet, "/v1/customers", nil, &out)
	var ce *embedfin.ConnectionError
	require.ErrorAs(t, err, &ce, "got %v", err)
	assert.Equal(t, 2, ce.Attempts)
	assert.Equal(t, http.StatusOK, ce.StatusCode)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
	assert.False(t, ce.MaybeApplied(), "a GET changes nothing")
	assert.Empty(t, ce.IdempotencyKey)

	// A POST whose 2xx body stalled may have been applied: the error says
	// so and carries the key every attempt used.
	err = c.Do(context.Background(), http.MethodPost, "/v1/customers", nil, &out, embedfin.WithIdempotencyKey("key-stall-1"))
	require.ErrorAs(t, err, &ce, "got %v", err)
	assert.True(t, ce.MaybeApplied())
	assert.Equal(t, "key-stall-1", ce.IdempotencyKey)
	assert.Contains(t, ce.Error(), "may have been applied")
}

// TestCallerDeadlineWins checks that the caller's own deadline is reported
// as the context's error, not as an attempt timeout.
func TestCallerDeadlineWins(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := timeoutClient(t, srv.URL, time.Minute, 3).Do(ctx, http.MethodGet, "/v1/customers", nil, nil)
	assert.Equal(t, context.DeadlineExceeded, err)
}
