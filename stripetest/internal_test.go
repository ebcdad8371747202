package stripetest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serveLocal answers one request in memory.
func serveLocal(s *Server, method, path, body string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+DefaultKey)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func (s *Server) savedResults() (n, bytes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.idem.len(), s.idem.bytes
}

// TestIdempotencyRateLimitedNotSaved: a 429 from WithRateLimit saves
// nothing under the key.
func TestIdempotencyRateLimitedNotSaved(t *testing.T) {
	t.Parallel()
	s := NewServer(WithRateLimit(0.001)) // a bucket of one, refilled every 1,000 s
	defer s.Close()
	require.Equal(t, http.StatusOK, serveLocal(s, "GET", "/v1/customers", "").Code)
	w := serveLocal(s, "POST", "/v1/customers", "email=a%40example.com", "Idempotency-Key", "limited")
	require.Equal(t, http.StatusTooManyRequests, w.Code, w.Body.String())
	assert.Equal(t, "limited", w.Header().Get("Idempotency-Key"))
	assert.Contains(t, w.Body.String(), `"code":"rate_limit"`)
	n, _ := s.savedResults()
	assert.Zero(t, n)

	s.mu.Lock()
	s.cfg.rateLimit = 0
	s.mu.Unlock()
	w = serveLocal(s, "POST", "/v1/customers", "email=b%40example.com", "Idempotency-Key", "limited")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Empty(t, w.Header().Get("Idempotent-Replayed"))
	assert.Contains(t, w.Body.String(), "b@example.com")
}

// TestIdempotencyFailingWorkloadHoldsNothing: 5,000 failing POSTs with
// 8 KiB keys (refused for their length) and 5,000 with short keys that
// fail validation leave no saved result and no heap behind.
func TestIdempotencyFailingWorkloadHoldsNothing(t *testing.T) {
	// Not parallel: it measures the heap.
	s := NewServer()
	defer s.Close()
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	long := strings.Repeat("k", 8<<10)
	for i := range 5000 {
		w := serveLocal(s, "POST", "/v1/customers", "email=a%40example.com", "Idempotency-Key", fmt.Sprintf("%s%d", long, i))
		require.Equal(t, http.StatusBadRequest, w.Code)
		w = serveLocal(s, "POST", "/v1/customers", "nickname=x", "Idempotency-Key", fmt.Sprintf("short-%d", i))
		require.Equal(t, http.StatusBadRequest, w.Code)
	}
	n, bytes := s.savedResults()
	assert.Zero(t, n)
	assert.Zero(t, bytes)
	after := heap()
	growth := int64(after) - int64(before)
	t.Logf("heap growth after 10,000 failing POSTs: %d KiB", growth>>10)
	assert.Less(t, growth, int64(4<<20), "the failing workload holds no memory")
}

// TestIdempotencyStoreBounded: saved results leave after 24 hours on the
// emulator's clock, and the oldest leave early when the store is full.
func TestIdempotencyStoreBounded(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	s := NewServer(WithClock(clock))
	defer s.Close()
	for i := range 100 {
		w := serveLocal(s, "POST", "/v1/customers", "", "Idempotency-Key", fmt.Sprintf("k%d", i))
		require.Equal(t, http.StatusOK, w.Code)
	}
	n, _ := s.savedResults()
	assert.Equal(t, 100, n)
	now.Add(int64(24 * time.Hour))
	w := serveLocal(s, "POST", "/v1/customers", "", "Idempotency-Key", "k0")
	require.Equal(t, http.StatusOK, w.Code)
	assert.Empty(t, w.Header().Get("Idempotent-Replayed"), "expired: runs again")
	n, _ = s.savedResults()
	assert.Equal(t, 1, n, "expired results are pruned")

	// The memory bound, on a small store.
	st := &idemStore{limit: 100 << 10}
	at := clock()
	for i := range 1000 {
		st.save(&idemRecord{id: idemID{"sk", "", fmt.Sprint(i)}, body: make([]byte, 1024), saved: at})
		assert.LessOrEqual(t, st.bytes, st.limit)
	}
	assert.Positive(t, st.len())
	assert.Less(t, st.len(), 100)
	assert.NotNil(t, st.lookup(idemID{"sk", "", "999"}, at), "the newest stay")
	assert.Nil(t, st.lookup(idemID{"sk", "", "0"}, at), "the oldest left")
	assert.LessOrEqual(t, len(st.queue), 2*st.len()+1, "the queue is compacted")
}

// TestTimersPruned: the timers of finished refreshes leave the server.
func TestTimersPruned(t *testing.T) {
	t.Parallel()
	s := NewServer(WithRefreshDelay(time.Millisecond))
	defer s.Close()
	w := serveLocal(s, "POST", "/v1/customers", "name=Jenny")
	require.Equal(t, http.StatusOK, w.Code)
	cus := strings.Split(strings.Split(w.Body.String(), `"id":"`)[1], `"`)[0]
	w = serveLocal(s, "POST", "/v1/financial_connections/sessions",
		"account_holder[type]=customer&account_holder[customer]="+cus+"&permissions[]=balances&permissions[]=transactions")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	sess := strings.Split(strings.Split(w.Body.String(), `"id":"`)[1], `"`)[0]
	w = serveLocal(s, "POST", "/v1/test_helpers/financial_connections/sessions/"+sess+"/complete", "")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	acct := strings.Split(strings.Split(w.Body.String(), `"id":"fca_`)[1], `"`)[0]
	started := 0
	for range 50 {
		w = serveLocal(s, "POST", "/v1/financial_connections/accounts/fca_"+acct+"/refresh", "features[]=balance&features[]=transactions")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		started++
		for i := 0; i < 2000 && s.pendingTimers() > 0; i++ {
			time.Sleep(time.Millisecond)
		}
	}
	assert.Zero(t, s.pendingTimers(), "every finished timer left (%d refreshes started)", started)
}
