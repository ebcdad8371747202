package stripetest_test

import (
	"encoding/json"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errorFields decodes the error object of a response body into its keys.
func errorFields(t *testing.T, body string) map[string]any {
	t.Helper()
	var env map[string]map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &env), body)
	require.Contains(t, env, "error", body)
	return env["error"]
}

// TestErrorDocURL checks doc_url: present, with the code's dashed form,
// for codes that have a reference page; absent for errors without a code
// and for codes without one.
func TestErrorDocURL(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cases := []struct {
		name, method, path, key, body string
		hdr                           []string
		status                        int
		code                          string // "" for none
		doc                           string // "" for no doc_url key
	}{
		{name: "resource_missing", method: "GET", path: "/v1/customers/cus_nope", key: stripetest.DefaultKey,
			status: 404, code: "resource_missing", doc: "https://docs.stripe.com/error-codes/resource-missing"},
		{name: "parameter_unknown", method: "POST", path: "/v1/customers", key: stripetest.DefaultKey, body: "nickname=x",
			status: 400, code: "parameter_unknown", doc: "https://docs.stripe.com/error-codes/parameter-unknown"},
		{name: "parameter_missing", method: "POST", path: "/v1/financial_connections/sessions", key: stripetest.DefaultKey, body: "permissions[]=balances",
			status: 400, code: "parameter_missing", doc: "https://docs.stripe.com/error-codes/parameter-missing"},
		{name: "parameter_invalid_integer", method: "GET", path: "/v1/customers?limit=500", key: stripetest.DefaultKey,
			status: 400, code: "parameter_invalid_integer", doc: "https://docs.stripe.com/error-codes/parameter-invalid-integer"},
		{name: "account_invalid", method: "GET", path: "/v1/customers", key: stripetest.DefaultKey, hdr: []string{"Stripe-Account", "acct_nope"},
			status: 403, code: "account_invalid", doc: "https://docs.stripe.com/error-codes/account-invalid"},
		{name: "no code: authentication", method: "GET", path: "/v1/customers", status: 401},
		{name: "no code: unknown route", method: "GET", path: "/v1/nope", key: stripetest.DefaultKey, status: 404},
		{name: "code without a page", method: "GET", path: "/v1/customers/search?query=bogus", key: stripetest.DefaultKey,
			status: 400, code: "parameter_invalid"},
	}
	for _, tc := range cases {
		status, body, _ := raw(t, srv, tc.method, tc.path, tc.key, tc.body, tc.hdr...)
		require.Equal(t, tc.status, status, "%s: %s", tc.name, body)
		f := errorFields(t, body)
		if tc.code == "" {
			assert.NotContains(t, f, "code", tc.name)
		} else {
			assert.Equal(t, tc.code, f["code"], tc.name)
		}
		if tc.doc == "" {
			assert.NotContains(t, f, "doc_url", "%s: %s", tc.name, body)
		} else {
			assert.Equal(t, tc.doc, f["doc_url"], tc.name)
		}
	}

	// An idempotency_error has no code, hence no doc_url.
	key := []string{"Idempotency-Key", "doc-url-key"}
	status, _, _ := raw(t, srv, "POST", "/v1/customers", stripetest.DefaultKey, "email=a%40example.com", key...)
	require.Equal(t, 200, status)
	status, body, _ := raw(t, srv, "POST", "/v1/customers", stripetest.DefaultKey, "email=b%40example.com", key...)
	require.Equal(t, 400, status)
	f := errorFields(t, body)
	assert.Equal(t, "idempotency_error", f["type"])
	assert.NotContains(t, f, "doc_url")

	// Through the SDK, the typed error carries it.
	_, err := customers.New(srv.Client()).Customers.Retrieve(ctx, "cus_missing", nil)
	var ae *embedfin.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "https://docs.stripe.com/error-codes/resource-missing", ae.DocURL)
}
