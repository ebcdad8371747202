package embedfin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewClientRejectsBadKeys(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"", "pk_test_abc123", "abc", "sk_", "sk_test", "sk_test_ abc", "sk_test_abc\n", "Bearer sk_test_abc"} {
		c, err := embedfin.NewClient(key)
		assert.Nil(t, c, key)
		var ve *embedfin.ValidationError
		require.ErrorAs(t, err, &ve, key)
		assert.Equal(t, "key", ve.Param)
		if len(key) > 8 {
			assert.NotContains(t, err.Error(), key[3:], "error must not quote the key")
		}
	}
	for _, key := range []string{"sk_test_123abc", "sk_live_123abc", "rk_test_123abc", "rk_live_123abc"} {
		_, err := embedfin.NewClient(key)
		assert.NoError(t, err, key)
	}
}

func TestNewClientValidatesOptions(t *testing.T) {
	t.Parallel()
	bad := map[string]embedfin.Option{
		"http non-loopback":  embedfin.WithBaseURL("http://api.stripe.com"),
		"ftp":                embedfin.WithBaseURL("ftp://127.0.0.1"),
		"relative":           embedfin.WithBaseURL("/v1"),
		"credentials":        embedfin.WithBaseURL("https://user:pass@api.stripe.com"),
		"query":              embedfin.WithBaseURL("https://api.stripe.com/?x=1"),
		"nil http client":    embedfin.WithHTTPClient(nil),
		"negative retries":   embedfin.WithMaxRetries(-1),
		"zero backoff":       embedfin.WithBackoff(0, time.Second),
		"inverted backoff":   embedfin.WithBackoff(time.Second, time.Millisecond),
		"nil logger":         embedfin.WithLogger(nil),
		"bad version":        embedfin.WithAPIVersion("dahlia"),
		"bad beta":           embedfin.WithAPIVersion("2026-08-26.dahlia; x=1"),
		"app without name":   embedfin.WithAppInfo(embedfin.AppInfo{Version: "1"}),
		"app with newline":   embedfin.WithAppInfo(embedfin.AppInfo{Name: "a\r\nX-Evil: 1"}),
		"zero rate":          embedfin.WithRateLimit(0, 1),
		"zero burst":         embedfin.WithRateLimit(10, 0),
		"zero response size": embedfin.WithMaxResponseBytes(0),
	}
	for name, opt := range bad {
		_, err := embedfin.NewClient(testKey, opt)
		var ve *embedfin.ValidationError
		assert.ErrorAs(t, err, &ve, name)
	}
	for _, base := range []string{"http://127.0.0.1:12111", "http://localhost:8080/", "http://[::1]:1", "https://api.stripe.com"} {
		c, err := embedfin.NewClient(testKey, embedfin.WithBaseURL(base))
		require.NoError(t, err, base)
		assert.False(t, strings.HasSuffix(c.BaseURL(), "/"))
	}
	c, err := embedfin.NewClient(testKey, nil, embedfin.WithMaxRetries(0))
	require.NoError(t, err, "nil options are skipped")
	assert.Equal(t, embedfin.DefaultBaseURL, c.BaseURL())
	assert.Equal(t, embedfin.APIVersion, c.APIVersion())
	assert.Nil(t, c.Limiter())
}

func TestClientFormattingNeverShowsKey(t *testing.T) {
	t.Parallel()
	c, err := embedfin.NewClient(testKey)
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		out := fmt.Sprintf(verb, c)
		assert.NotContains(t, out, "4eC39HqLyjWDarjtT1zdp7dc", verb)
		assert.Contains(t, out, "sk_test_***", verb)
	}
	var nilClient *embedfin.Client
	assert.Equal(t, "embedfin.Client(nil)", nilClient.String())
}

func TestHeadersOnPost(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t, embedfin.WithAppInfo(embedfin.AppInfo{Name: "ledgerly", Version: "2.1", URL: "https://ledgerly.example", PartnerID: "pp_1"}))
	api.script("POST", "/v1/widgets", ok(`{"id":"w_1"}`))
	require.NoError(t, c.Do(bg, "POST", "/v1/widgets", nil, nil, embedfin.WithStripeAccount("acct_123"), embedfin.WithHeader("X-Trace", "abc")))
	reqs := api.requests()
	require.Len(t, reqs, 1)
	h := reqs[0].Header
	assert.Equal(t, "/prefix/v1/widgets", reqs[0].Path)
	assert.Equal(t, "Bearer "+testKey, h.Get("Authorization"))
	assert.Equal(t, "2026-08-26.dahlia", h.Get("Stripe-Version"))
	assert.Equal(t, "acct_123", h.Get("Stripe-Account"))
	assert.Equal(t, "application/x-www-form-urlencoded", h.Get("Content-Type"))
	assert.Equal(t, "abc", h.Get("X-Trace"))
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, h.Get("Idempotency-Key"))
	assert.Equal(t, fmt.Sprintf("embedfin-go/%s (%s; %s/%s) ledgerly/2.1 (https://ledgerly.example)", embedfin.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH), h.Get("User-Agent"))
	var cua map[string]any
	require.NoError(t, json.Unmarshal([]byte(h.Get("X-Stripe-Client-User-Agent")), &cua))
	assert.Equal(t, embedfin.Version, cua["bindings_version"])
	assert.Equal(t, "go", cua["lang"])
	assert.Equal(t, runtime.Version(), cua["lang_version"])
	assert.Equal(t, runtime.GOOS+"/"+runtime.GOARCH, cua["uname"])
	assert.Equal(t, map[string]any{"name": "ledgerly", "version": "2.1", "url": "https://ledgerly.example", "partner_id": "pp_1"}, cua["application"])
	assert.Empty(t, reqs[0].Body)
	assert.Equal(t, int64(0), reqs[0].ContentLength, "an empty POST has a known zero length, not chunked")
}

func TestHeadersOnGetHaveNoIdempotencyKeyOrContentType(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("GET", "/v1/widgets/w_1", ok(`{"id":"w_1"}`))
	require.NoError(t, c.Do(bg, "GET", "/v1/widgets/w_1", nil, nil, embedfin.WithIdempotencyKey("ignored-on-get")))
	h := api.requests()[0].Header
	assert.Empty(t, h.Values("Idempotency-Key"))
	assert.Empty(t, h.Values("Content-Type"))
	assert.Empty(t, h.Values("Stripe-Account"))
	assert.Equal(t, "Bearer "+testKey, h.Get("Authorization"))
}

func TestBetaVersionsMergeNumerically(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t, embedfin.WithAPIVersion("2026-08-26.dahlia; feature_a=v9; feature_b=v2"))
	api.script("POST", "/v1/x", ok(`{}`))
	require.NoError(t, c.Do(bg, "POST", "/v1/x", nil, nil,
		embedfin.WithBetaVersion("feature_a", "v10"),
		embedfin.WithBetaVersion("feature_b", "v1"),
		embedfin.WithBetaVersion("feature_c", "v3"),
		embedfin.WithBetaVersion("feature_c", "v2")))
	assert.Equal(t, "2026-08-26.dahlia; feature_a=v10; feature_b=v2; feature_c=v3", api.requests()[0].Header.Get("Stripe-Version"))
	assert.Equal(t, "2026-08-26.dahlia; feature_a=v9; feature_b=v2", c.APIVersion(), "per-call betas do not stick to the client")

	// Without per-call betas, the client's own version goes out unchanged.
	require.NoError(t, c.Do(bg, "POST", "/v1/x", nil, nil))
	assert.Equal(t, "2026-08-26.dahlia; feature_a=v9; feature_b=v2", api.requests()[1].Header.Get("Stripe-Version"))
}

func TestInvalidRequestOptionsSendNothing(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("POST", "/v1/x", ok(`{}`))
	cases := map[string]embedfin.RequestOption{
		"empty account":        embedfin.WithStripeAccount(""),
		"account with space":   embedfin.WithStripeAccount("acct 1"),
		"empty idempotency":    embedfin.WithIdempotencyKey(""),
		"long idempotency":     embedfin.WithIdempotencyKey(strings.Repeat("k", 256)),
		"bad beta version":     embedfin.WithBetaVersion("x", "1"),
		"bad beta name":        embedfin.WithBetaVersion("x;y", "v1"),
		"reserved header":      embedfin.WithHeader("authorization", "Bearer sk_live_x"),
		"reserved version":     embedfin.WithHeader("Stripe-Version", "2020-01-01"),
		"header with newline":  embedfin.WithHeader("X-A", "a\r\nb"),
		"bad header name":      embedfin.WithHeader("X A", "v"),
		"reserved idempotency": embedfin.WithHeader("Idempotency-Key", "k"),
	}
	for name, opt := range cases {
		err := c.Do(bg, "POST", "/v1/x", nil, nil, opt)
		var ve *embedfin.ValidationError
		assert.ErrorAs(t, err, &ve, name)
		assert.NotContains(t, err.Error(), "sk_live_x", name)
	}
	_, err := c.RawRequest(bg, "POST", "/v1/x", nil, embedfin.WithIdempotencyKey(strings.Repeat("k", 255)))
	assert.NoError(t, err, "255 characters is the limit, inclusive")
	assert.Len(t, api.requests(), 1, "only the valid call reached the server")
}

func TestDoRejectsBadArguments(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	var ve *embedfin.ValidationError
	//nolint:staticcheck // a nil context is the point of the test
	assert.ErrorAs(t, c.Do(nil, "GET", "/v1/x", nil, nil), &ve) //lint:ignore SA1012 testing nil ctx
	assert.ErrorAs(t, c.Do(bg, "PATCH", "/v1/x", nil, nil), &ve)
	assert.ErrorAs(t, c.Do(bg, "GET", "v1/x", nil, nil), &ve)
	assert.ErrorAs(t, c.Do(bg, "GET", "/v1/x?a=b", nil, nil), &ve)
	assert.ErrorAs(t, c.Do(bg, "POST", "/v1/x", 42, nil), &ve, "params must be a struct")
	assert.ErrorAs(t, c.Do(bg, "GET", "/v1/x", "nope", nil), &ve, "params must be a struct")
	assert.Empty(t, api.requests())
}

func TestIdempotencyKeyGivenByCallerIsSent(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("POST", "/v1/x", ok(`{"id":"x_1"}`))
	var out obj
	require.NoError(t, c.Do(bg, "POST", "/v1/x", nil, &out, embedfin.WithIdempotencyKey("order-42")))
	assert.Equal(t, "order-42", api.requests()[0].Header.Get("Idempotency-Key"))
	assert.Equal(t, "order-42", out.LastResponse.IdempotencyKey)
}

func TestEachPostGetsItsOwnKey(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("POST", "/v1/x", ok(`{}`))
	api.script("DELETE", "/v1/x", ok(`{}`))
	require.NoError(t, c.Do(bg, "POST", "/v1/x", nil, nil))
	require.NoError(t, c.Do(bg, "POST", "/v1/x", nil, nil))
	require.NoError(t, c.Do(bg, "DELETE", "/v1/x", nil, nil))
	reqs := api.requests()
	require.Len(t, reqs, 3)
	keys := map[string]bool{}
	for _, r := range reqs {
		k := r.Header.Get("Idempotency-Key")
		assert.NotEmpty(t, k, r.Method)
		keys[k] = true
	}
	assert.Len(t, keys, 3, "one key per logical call, DELETE included")
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("POST", "/v1/x", status(500, `{}`), ok(`{"id":"x"}`))
	api.script("GET", "/v1/x", ok(`{"id":"x"}`))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			method := "GET"
			if i%2 == 0 {
				method = "POST"
			}
			var out obj
			if err := c.Do(bg, method, "/v1/x", &objParams{Amount: embedfin.Ptr(int64(i))}, &out); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	keys := map[string]bool{}
	for _, r := range api.requests() {
		if r.Method == "POST" {
			keys[r.Header.Get("Idempotency-Key")] = true
		}
	}
	assert.GreaterOrEqual(t, len(keys), 32, "every logical POST has its own key")
}

// captureHandler is a slog.Handler that keeps records for inspection.
type captureHandler struct {
	mu    sync.Mutex
	lines []map[string]string
}

func (h *captureHandler) Enabled(_ context.Context, l slog.Level) bool { return true }
func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	m := map[string]string{"msg": r.Message, "level": r.Level.String()}
	r.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.String(); return true })
	h.mu.Lock()
	h.lines = append(h.lines, m)
	h.mu.Unlock()
	return nil
}
func (h *captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *captureHandler) WithGroup(string) slog.Handler      { return h }

func TestDebugLogOneLinePerAttemptRedacted(t *testing.T) {
	t.Parallel()
	h := &captureHandler{}
	c, api := newTestClient(t, embedfin.WithLogger(slog.New(h)))
	api.script("GET", "/v1/sessions/fcsess_1", status(500, `{}`), reply{status: 200, body: `{}`, header: http.Header{"Request-Id": {"req_ok"}}})
	params := url.Values{"client_secret": {"fcsess_1_secret_abcdef"}, "limit": {"3"}}
	require.NoError(t, c.Do(bg, "GET", "/v1/sessions/fcsess_1", params, nil))
	require.Len(t, h.lines, 2)
	first, second := h.lines[0], h.lines[1]
	assert.Equal(t, "DEBUG", first["level"])
	assert.Equal(t, "GET", first["method"])
	assert.Equal(t, "/prefix/v1/sessions/fcsess_1", first["path"])
	assert.Equal(t, "client_secret=***&limit=***", first["query"])
	assert.Equal(t, "500", first["status"])
	assert.Equal(t, "1", first["attempt"])
	assert.Equal(t, "2", second["attempt"])
	assert.Equal(t, "req_ok", second["request_id"])
	assert.NotEmpty(t, second["duration"])
	for _, l := range h.lines {
		for _, v := range l {
			assert.NotContains(t, v, "abcdef")
			assert.NotContains(t, v, "4eC39HqLyjWDarjtT1zdp7dc")
		}
	}
}
