package embedfin_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPathFillsAndEscapes(t *testing.T) {
	t.Parallel()
	p, err := embedfin.Path("/v1/customers/{customer}", "cus_123")
	require.NoError(t, err)
	assert.Equal(t, "/v1/customers/cus_123", p)

	p, err = embedfin.Path("/v1/a/{a}/b/{b}/c", "x:1", "y.2")
	require.NoError(t, err)
	assert.Equal(t, "/v1/a/x:1/b/y.2/c", p)

	p, err = embedfin.Path("/v1/events")
	require.NoError(t, err)
	assert.Equal(t, "/v1/events", p)
}

func TestPathRejectsBadIDs(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", "a/b", "a?b", "a#b", "a b", "a\nb", "a%2F", "a\\b", "\x00", strings.Repeat("x", 256)} {
		_, err := embedfin.Path("/v1/customers/{customer}", id)
		var ve *embedfin.ValidationError
		require.ErrorAs(t, err, &ve, "%q", id)
		assert.Equal(t, "customer", ve.Param)
	}
	_, err := embedfin.Path("/v1/a/{a}/b/{b}", "x")
	assert.ErrorContains(t, err, "invalid b")
	_, err = embedfin.Path("/v1/a/{a}", "x", "y")
	assert.ErrorContains(t, err, "1 placeholder(s) but 2")
	_, err = embedfin.Path("/v1/a/{a", "x")
	assert.ErrorContains(t, err, "unbalanced")
}

func TestPostBodyEncoding(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("POST", "/v1/x", ok(`{}`))
	params := &objParams{
		Amount:   embedfin.Ptr(int64(2500)),
		Currency: embedfin.Ptr(""),
		Metadata: map[string]string{"order": "42", "b": ""},
	}
	params.Address = &struct {
		City *string `url:"city,omitempty"`
	}{City: embedfin.Ptr("Paris")}
	params.AddExpand("customer", "latest_attempt")
	params.AddExtra("beta_field[x]", "1")
	params.Unset("tax_ids")
	require.NoError(t, c.Do(bg, "POST", "/v1/x", params, nil))
	body := api.requests()[0].Body
	assert.Equal(t, url.Values{
		"amount":          {"2500"},
		"currency":        {""},
		"metadata[order]": {"42"},
		"metadata[b]":     {""},
		"address[city]":   {"Paris"},
		"expand[]":        {"customer", "latest_attempt"},
		"beta_field[x]":   {"1"},
		"tax_ids":         {""},
	}, formOf(t, body))
	assert.True(t, strings.HasSuffix(body, "beta_field[x]=1&tax_ids="), "extras come last, in order: %s", body)
	assert.Equal(t, []string{"customer", "latest_attempt"}, params.Expand, "params unchanged")
}

func TestGetQueryEncoding(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("GET", "/v1/x", ok(`{}`))
	params := &objListParams{
		Customer: embedfin.Ptr("cus_1"),
		Created:  &embedfin.RangeQueryParams{GreaterThanOrEqual: embedfin.Ptr(int64(1700000000)), LesserThan: embedfin.Ptr(int64(1800000000))},
	}
	params.Limit = embedfin.Ptr(int64(100))
	params.AddExpand("data.account")
	params.AddExtra("transaction_refresh[after]", "fctxnref_1")
	require.NoError(t, c.Do(bg, "GET", "/v1/x", params, nil))
	r := api.requests()[0]
	assert.Equal(t, url.Values{
		"customer":                   {"cus_1"},
		"created[gte]":               {"1700000000"},
		"created[lt]":                {"1800000000"},
		"limit":                      {"100"},
		"expand[]":                   {"data.account"},
		"transaction_refresh[after]": {"fctxnref_1"},
	}, r.Query)
	assert.Empty(t, r.Body)
	assert.Equal(t, int64(0), r.ContentLength)
}

func TestNilParamsSendNothing(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("GET", "/v1/x", ok(`{}`))
	api.script("POST", "/v1/x", ok(`{}`))
	require.NoError(t, c.Do(bg, "GET", "/v1/x", (*objListParams)(nil), nil))
	require.NoError(t, c.Do(bg, "POST", "/v1/x", (*objParams)(nil), nil))
	require.NoError(t, c.Do(bg, "POST", "/v1/x", nil, nil))
	for _, r := range api.requests() {
		assert.Empty(t, r.Query)
		assert.Empty(t, r.Body)
	}
}

func TestResultRecordsResponse(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("POST", "/v1/x", status(500, `{}`), status(200, `{"id":"x_1","object":"widget","amount":10,"note":"hi"}`, "Request-Id", "req_42"))
	var out obj
	require.NoError(t, c.Do(bg, "POST", "/v1/x", nil, &out))
	assert.Equal(t, "x_1", out.ID)
	assert.Equal(t, int64(10), out.Amount)
	assert.Equal(t, "hi", *out.Note)
	require.NotNil(t, out.LastResponse)
	assert.Equal(t, 200, out.LastResponse.StatusCode)
	assert.Equal(t, "req_42", out.LastResponse.RequestID)
	assert.Equal(t, 2, out.LastResponse.Attempts)
	assert.Equal(t, api.requests()[0].Header.Get("Idempotency-Key"), out.LastResponse.IdempotencyKey)
	assert.Equal(t, "req_42", out.LastResponse.Header.Get("Request-Id"))
}

func TestRawRequest(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("POST", "/v1/financial_connections/ownership_match", status(200, `{"id":"fcom_1"}`, "Request-Id", "req_raw"))
	api.script("GET", "/v1/y", status(404, `{"error":{"type":"invalid_request_error","code":"resource_missing"}}`))
	res, err := c.RawRequest(bg, "POST", "/v1/financial_connections/ownership_match",
		url.Values{"financial_connections_account": {"fca_1"}},
		embedfin.WithBetaVersion("financial_connections_ownership_match_api_preview", "v1"))
	require.NoError(t, err)
	assert.Equal(t, `{"id":"fcom_1"}`, string(res.Body))
	assert.Equal(t, "req_raw", res.RequestID)
	assert.Equal(t, 1, res.Attempts)
	r := api.requests()[0]
	assert.Equal(t, "financial_connections_account=fca_1", r.Body)
	assert.Equal(t, "2026-08-26.dahlia; financial_connections_ownership_match_api_preview=v1", r.Header.Get("Stripe-Version"))

	_, err = c.RawRequest(bg, "GET", "/v1/y", url.Values{"a": {"1"}})
	assert.True(t, embedfin.IsNotFound(err))
	assert.Equal(t, "1", api.requests()[1].Query.Get("a"))
}

func TestPtrAndDeref(t *testing.T) {
	t.Parallel()
	p := embedfin.Ptr(int64(3))
	assert.Equal(t, int64(3), *p)
	assert.Equal(t, int64(3), embedfin.Deref(p))
	assert.Equal(t, "", embedfin.Deref[string](nil))
}
