package stripetest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// idem sends a POST with an Idempotency-Key (and extra header pairs).
func idem(t *testing.T, srv *stripetest.Server, path, apiKey, key, body string, hdr ...string) (int, string, http.Header) {
	t.Helper()
	return raw(t, srv, http.MethodPost, path, apiKey, body, append([]string{"Idempotency-Key", key}, hdr...)...)
}

// objectID returns the "id" of a JSON object body.
func objectID(t *testing.T, body string) string {
	t.Helper()
	var o struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(body), &o), body)
	return o.ID
}

// countCustomers lists the default key's customers (up to 100).
func countCustomers(t *testing.T, srv *stripetest.Server) int {
	t.Helper()
	lp := &customers.CustomerListParams{}
	lp.Limit = embedfin.Ptr(int64(100))
	page, err := customers.New(srv.Client()).Customers.List(ctx, lp)
	require.NoError(t, err)
	return len(page.Data)
}

// assertFresh checks a response executed now: 200, the key echoed, not a
// replay.
func assertFresh(t *testing.T, status int, body string, hdr http.Header, key string) string {
	t.Helper()
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, key, hdr.Get("Idempotency-Key"))
	assert.Empty(t, hdr.Get("Idempotent-Replayed"), "a first execution is no replay")
	assert.Equal(t, hdr.Get("Request-Id"), hdr.Get("Original-Request"))
	return objectID(t, body)
}

// assertReplay checks a replay: same status and body, the key echoed,
// Idempotent-Replayed: true, Original-Request naming the first request.
func assertReplay(t *testing.T, status int, body string, hdr http.Header, key string, wantStatus int, wantBody, firstRequest string) {
	t.Helper()
	assert.Equal(t, wantStatus, status)
	assert.Equal(t, wantBody, body)
	assert.Equal(t, key, hdr.Get("Idempotency-Key"))
	assert.Equal(t, "true", hdr.Get("Idempotent-Replayed"))
	assert.Equal(t, firstRequest, hdr.Get("Original-Request"))
	assert.NotEqual(t, firstRequest, hdr.Get("Request-Id"), "a replay is a request of its own")
}

// TestIdempotencyValidationFailuresNotSaved: a request refused before its
// endpoint runs (unknown or missing parameters, bad values, an unparsable
// body, non-UTF-8) saves nothing, so the corrected request with the same
// key executes.
func TestIdempotencyValidationFailuresNotSaved(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	k := stripetest.DefaultKey
	cases := []struct {
		name, path, bad, good, code, param string
	}{
		{"unknown parameter", "/v1/customers", "email=a%40example.com&nickname=x", "email=a%40example.com", "parameter_unknown", "nickname"},
		{"invalid value", "/v1/customers", "balance=abc", "balance=100", "parameter_invalid_integer", "balance"},
		{"missing parameter", "/v1/financial_connections/sessions", "permissions[]=balances",
			"", "parameter_missing", "account_holder"},
		{"unparsable body", "/v1/customers", "email=%zz", "email=b%40example.com", "", ""},
		{"not UTF-8", "/v1/customers", "name=%ff", "name=Jenny", "", "name"},
	}
	for i, tc := range cases {
		key := "validation-" + string(rune('a'+i))
		status, body, hdr := idem(t, srv, tc.path, k, key, tc.bad)
		require.Equal(t, http.StatusBadRequest, status, "%s: %s", tc.name, body)
		f := errorFields(t, body)
		assert.Equal(t, "invalid_request_error", f["type"], tc.name)
		if tc.code != "" {
			assert.Equal(t, tc.code, f["code"], tc.name)
		}
		if tc.param != "" {
			assert.Equal(t, tc.param, f["param"], tc.name)
		}
		assert.Equal(t, key, hdr.Get("Idempotency-Key"), "%s: the key is echoed on errors too", tc.name)
		assert.Empty(t, hdr.Get("Idempotent-Replayed"), tc.name)

		good := tc.good
		if tc.path == "/v1/financial_connections/sessions" {
			_, cb, _ := raw(t, srv, "POST", "/v1/customers", k, "")
			good = "account_holder[type]=customer&account_holder[customer]=" + objectID(t, cb) + "&permissions[]=balances"
		}
		status, body, hdr = idem(t, srv, tc.path, k, key, good)
		id := assertFresh(t, status, body, hdr, key)
		first := hdr.Get("Request-Id")
		// And from now on the key is taken: same request replays, another
		// one is refused.
		status2, body2, hdr2 := idem(t, srv, tc.path, k, key, good)
		assertReplay(t, status2, body2, hdr2, key, http.StatusOK, body, first)
		assert.Equal(t, id, objectID(t, body2))
		status, body, _ = idem(t, srv, tc.path, k, key, good+"&metadata[x]=y")
		assert.Equal(t, http.StatusBadRequest, status, tc.name)
		assert.Equal(t, "idempotency_error", errorFields(t, body)["type"], tc.name)
	}
}

// TestIdempotencyRefusalsBeforeExecutionNotSaved: authentication failures,
// an unknown Stripe-Account and an unknown route save nothing.
func TestIdempotencyRefusalsBeforeExecutionNotSaved(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	const key = "before-execution"
	for _, tc := range []struct {
		name, path, apiKey string
		hdr                []string
		status             int
	}{
		{"no API key", "/v1/customers", "", nil, http.StatusUnauthorized},
		{"live key", "/v1/customers", "sk_live_abcdefghijkl", nil, http.StatusUnauthorized},
		{"unknown account", "/v1/customers", stripetest.DefaultKey, []string{"Stripe-Account", "acct_nope"}, http.StatusForbidden},
		{"unknown route", "/v1/customerz", stripetest.DefaultKey, nil, http.StatusNotFound},
	} {
		status, body, hdr := idem(t, srv, tc.path, tc.apiKey, key, "email=a%40example.com", tc.hdr...)
		require.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		assert.Equal(t, key, hdr.Get("Idempotency-Key"), tc.name)
		assert.Empty(t, hdr.Get("Idempotent-Replayed"), tc.name)
	}
	assert.Zero(t, countCustomers(t, srv))
	status, body, hdr := idem(t, srv, "/v1/customers", stripetest.DefaultKey, key, "email=a%40example.com")
	assertFresh(t, status, body, hdr, key)
	assert.Equal(t, 1, countCustomers(t, srv))
}

// TestIdempotencyErrorsAfterExecutionSaved: an error raised once the
// endpoint runs is saved and replayed, like a success.
func TestIdempotencyErrorsAfterExecutionSaved(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	const key = "refresh-missing"
	path := "/v1/financial_connections/accounts/fca_missing/refresh"
	status, body, hdr := idem(t, srv, path, stripetest.DefaultKey, key, "features[]=balance")
	require.Equal(t, http.StatusNotFound, status, body)
	assert.Equal(t, "resource_missing", errorFields(t, body)["code"])
	assert.Empty(t, hdr.Get("Idempotent-Replayed"))
	first := hdr.Get("Request-Id")
	assert.Equal(t, first, hdr.Get("Original-Request"))

	status2, body2, hdr2 := idem(t, srv, path, stripetest.DefaultKey, key, "features[]=balance")
	assertReplay(t, status2, body2, hdr2, key, http.StatusNotFound, body, first)

	status, body, _ = idem(t, srv, path, stripetest.DefaultKey, key, "features[]=ownership")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "idempotency_error", errorFields(t, body)["type"])
}

// TestIdempotencyKeyLength: 255 characters are accepted, 256 (and an
// 8 KiB key, and an empty one) refused with a 400 before anything runs.
func TestIdempotencyKeyLength(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ok := strings.Repeat("k", 255)
	status, body, hdr := idem(t, srv, "/v1/customers", stripetest.DefaultKey, ok, "email=a%40example.com")
	assertFresh(t, status, body, hdr, ok)
	status, _, hdr = idem(t, srv, "/v1/customers", stripetest.DefaultKey, ok, "email=a%40example.com")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "true", hdr.Get("Idempotent-Replayed"))
	// Characters, not bytes.
	status, body, _ = idem(t, srv, "/v1/customers", stripetest.DefaultKey, strings.Repeat("é", 255), "email=b%40example.com")
	assert.Equal(t, http.StatusOK, status, body)

	for _, n := range []int{256, 8 << 10} {
		long := strings.Repeat("k", n)
		status, body, hdr := idem(t, srv, "/v1/customers", stripetest.DefaultKey, long, "email=c%40example.com")
		require.Equal(t, http.StatusBadRequest, status, "%d characters", n)
		f := errorFields(t, body)
		assert.Equal(t, "invalid_request_error", f["type"])
		assert.NotContains(t, f, "code")
		assert.Contains(t, f["message"], "255")
		assert.Equal(t, long, hdr.Get("Idempotency-Key"))
	}
	status, body, _ = raw(t, srv, "POST", "/v1/customers", stripetest.DefaultKey, "email=d%40example.com", "Idempotency-Key", "")
	assert.Equal(t, http.StatusBadRequest, status, body)
	assert.Equal(t, 2, countCustomers(t, srv), "refused keys created nothing")

	// A GET ignores the key (it is echoed all the same).
	status, _, hdr = raw(t, srv, "GET", "/v1/customers", stripetest.DefaultKey, "", "Idempotency-Key", strings.Repeat("k", 300))
	assert.Equal(t, http.StatusOK, status)
	assert.Empty(t, hdr.Get("Idempotent-Replayed"))
}

// testClock is a clock tests move by hand.
type testClock struct{ ns atomic.Int64 }

func newTestClock() *testClock {
	c := &testClock{}
	c.ns.Store(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *testClock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// TestIdempotencyKeysExpireAfter24Hours on the emulator's clock: a key is
// replayed until 24 hours after its first use, then runs anew (and may
// carry other parameters).
func TestIdempotencyKeysExpireAfter24Hours(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	srv := newServer(t, stripetest.WithClock(clock.now))
	const key = "daily"
	status, body, hdr := idem(t, srv, "/v1/customers", stripetest.DefaultKey, key, "email=a%40example.com")
	first := assertFresh(t, status, body, hdr, key)

	clock.advance(24*time.Hour - time.Second)
	status, body, hdr = idem(t, srv, "/v1/customers", stripetest.DefaultKey, key, "email=a%40example.com")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "true", hdr.Get("Idempotent-Replayed"))
	assert.Equal(t, first, objectID(t, body))

	clock.advance(time.Second)
	status, body, hdr = idem(t, srv, "/v1/customers", stripetest.DefaultKey, key, "email=other%40example.com")
	second := assertFresh(t, status, body, hdr, key)
	assert.NotEqual(t, first, second)
	assert.Equal(t, 2, countCustomers(t, srv))
}

// TestIdempotencyKeyEchoedThroughSDK: the SDK's own key comes back on the
// response, a replay is marked.
func TestIdempotencyKeyEchoedThroughSDK(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cs := customers.New(srv.Client()).Customers
	a, err := cs.Create(ctx, nil)
	require.NoError(t, err)
	assert.NotEmpty(t, a.LastResponse.IdempotencyKey)
	assert.Equal(t, a.LastResponse.IdempotencyKey, a.LastResponse.Header.Get("Idempotency-Key"))
	assert.Empty(t, a.LastResponse.Header.Get("Idempotent-Replayed"))
	b, err := cs.Create(ctx, nil, embedfin.WithIdempotencyKey(a.LastResponse.IdempotencyKey))
	require.NoError(t, err)
	assert.Equal(t, a.ID, b.ID)
	assert.Equal(t, "true", b.LastResponse.Header.Get("Idempotent-Replayed"))
}
