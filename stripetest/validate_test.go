package stripetest_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go/connect"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/internal/apimap"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// metadataBody returns n metadata keys k0..k(n-1) as form pairs.
func metadataBody(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "&metadata[k%d]=v", i)
	}
	return b.String()[1:]
}

// validationCase is one request and the 400 it must get.
type validationCase struct {
	name, method, path, body string
	code                     string // "" for none
	param                    string
	message                  string // a part of the message, when it matters
}

// checkRefused sends tc and asserts Stripe's error shape.
func checkRefused(t *testing.T, srv *stripetest.Server, tc validationCase) {
	t.Helper()
	status, body, _ := raw(t, srv, tc.method, tc.path, stripetest.DefaultKey, tc.body)
	require.Equal(t, http.StatusBadRequest, status, "%s: %s", tc.name, body)
	f := errorFields(t, body)
	assert.Equal(t, "invalid_request_error", f["type"], tc.name)
	if tc.code == "" {
		assert.NotContains(t, f, "code", "%s: %s", tc.name, body)
	} else {
		assert.Equal(t, tc.code, f["code"], "%s: %s", tc.name, body)
	}
	assert.Equal(t, tc.param, f["param"], "%s: %s", tc.name, body)
	if tc.message != "" {
		assert.Contains(t, f["message"], tc.message, tc.name)
	}
}

// TestValidationFromSpec checks each rule the spec's facts give, on
// several endpoints, bodies and queries alike.
func TestValidationFromSpec(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	long := func(n int) string { return strings.Repeat("x", n) }
	for _, tc := range []validationCase{
		// Unknown parameters, at any depth.
		{name: "unknown top-level", method: "POST", path: "/v1/customers", body: "nickname=x", code: "parameter_unknown", param: "nickname"},
		{name: "unknown nested", method: "POST", path: "/v1/customers", body: "address[planet]=Mars", code: "parameter_unknown", param: "address[planet]"},
		{name: "unknown under a scalar", method: "POST", path: "/v1/customers", body: "email[x]=a", code: "parameter_unknown", param: "email[x]"},
		{name: "unknown in an array element", method: "POST", path: "/v1/customers", body: "tax_id_data[0][kind]=x", code: "parameter_unknown", param: "tax_id_data[0][kind]"},
		{name: "unknown in a query", method: "GET", path: "/v1/customers?nickname=x", code: "parameter_unknown", param: "nickname"},
		{name: "unknown on a retrieve", method: "GET", path: "/v1/issuing/cards/ic_x?foo=1", code: "parameter_unknown", param: "foo"},

		// Required parameters: top level, nested, in array elements.
		{name: "missing top-level", method: "POST", path: "/v1/financial_connections/sessions", body: "permissions[]=balances", code: "parameter_missing", param: "account_holder"},
		{name: "missing nested", method: "POST", path: "/v1/financial_connections/sessions", body: "account_holder[customer]=cus_x&permissions[]=balances", code: "parameter_missing", param: "account_holder[type]"},
		{name: "missing in an array element", method: "POST", path: "/v1/customers", body: "tax_id_data[0][type]=eu_vat", code: "parameter_missing", param: "tax_id_data[0][value]"},
		{name: "missing in a query", method: "GET", path: "/v1/financial_connections/transactions?limit=3", code: "parameter_missing", param: "account"},
		{name: "missing array", method: "POST", path: "/v1/financial_connections/accounts/fca_x/refresh", body: "", code: "parameter_missing", param: "features"},
		{name: "missing object in an object", method: "POST", path: "/v1/customers", body: "shipping[name]=Jenny", code: "parameter_missing", param: "shipping[address]"},
		{name: "missing beside an object", method: "POST", path: "/v1/customers", body: "shipping[address][city]=Paris", code: "parameter_missing", param: "shipping[name]"},
		{name: "missing deep in a feature", method: "POST", path: "/v1/treasury/financial_accounts", body: "supported_currencies[]=usd&features[financial_addresses][aba]=", code: "parameter_invalid_empty", param: "features[financial_addresses][aba]"},

		// Empty strings: allowed where the spec says so, refused elsewhere.
		{name: "empty non-emptyable string", method: "POST", path: "/v1/customers", body: "email=", code: "parameter_invalid_empty", param: "email"},
		{name: "empty integer", method: "POST", path: "/v1/customers", body: "balance=", code: "parameter_invalid_empty", param: "balance"},
		{name: "empty array element", method: "POST", path: "/v1/financial_connections/accounts/fca_x/refresh", body: "features[]=", code: "parameter_invalid_empty", param: "features[]"},
		{name: "empty indexed element", method: "POST", path: "/v1/financial_connections/accounts/fca_x/refresh", body: "features[0]=balance&features[1]=", code: "parameter_invalid_empty", param: "features[1]"},
		{name: "empty object", method: "POST", path: "/v1/customers", body: "invoice_settings=", code: "parameter_invalid_empty", param: "invoice_settings"},

		// Enumerations.
		{name: "enum in a body", method: "POST", path: "/v1/customers", body: "tax_exempt=bogus", param: "tax_exempt", message: "exempt, none or reverse"},
		{name: "enum in an array", method: "POST", path: "/v1/financial_connections/accounts/fca_x/refresh", body: "features[]=bogus", param: "features[]", message: "balance, ownership or transactions"},
		{name: "enum among several", method: "POST", path: "/v1/financial_connections/accounts/fca_x/refresh", body: "features[]=balance&features[]=bogus", param: "features[1]"},
		{name: "enum nested", method: "POST", path: "/v1/financial_connections/sessions", body: "account_holder[type]=person&permissions[]=balances", param: "account_holder[type]"},
		{name: "enum in a query", method: "GET", path: "/v1/issuing/cards?status=shredded", param: "status"},
		{name: "enum of one value", method: "POST", path: "/v1/financial_connections/accounts/fca_x/subscribe", body: "features[]=balance", param: "features[]", message: "transactions"},

		// Maximum lengths.
		{name: "length in a body", method: "POST", path: "/v1/customers", body: "name=" + long(257), param: "name", message: "at most 256"},
		{name: "length nested", method: "POST", path: "/v1/customers", body: "address[line1]=" + long(5001), param: "address[line1]", message: "at most 5000"},
		{name: "length in a query", method: "GET", path: "/v1/customers?email=" + long(513), param: "email", message: "at most 512"},
		{name: "length counts characters", method: "POST", path: "/v1/customers", body: "name=" + strings.Repeat("%C3%A9", 257), param: "name"},

		// Integers: syntax, 64-bit range, the ranges the spec states.
		{name: "not an integer", method: "POST", path: "/v1/customers", body: "balance=12.5", code: "parameter_invalid_integer", param: "balance"},
		{name: "integer overflow", method: "POST", path: "/v1/customers", body: "balance=99999999999999999999", code: "parameter_invalid_integer", param: "balance"},
		{name: "limit too small", method: "GET", path: "/v1/customers?limit=0", code: "parameter_invalid_integer", param: "limit", message: "between 1 and 100"},
		{name: "limit too large", method: "GET", path: "/v1/treasury/transactions?financial_account=fa_x&limit=101", code: "parameter_invalid_integer", param: "limit"},
		{name: "limit not a number", method: "GET", path: "/v1/events?limit=ten", code: "parameter_invalid_integer", param: "limit"},
		{name: "described range", method: "POST", path: "/v1/issuing/cards", body: "cardholder=ich_x&currency=usd&type=virtual&exp_month=13", code: "parameter_invalid_integer", param: "exp_month", message: "between 1 and 12"},
		{name: "range in a query", method: "GET", path: "/v1/issuing/authorizations?created[gt]=soon", code: "parameter_invalid_integer", param: "created[gt]"},

		// Booleans and decimal numbers.
		{name: "boolean", method: "POST", path: "/v1/treasury/financial_accounts", body: "supported_currencies[]=usd&features[card_issuing][requested]=yes", param: "features[card_issuing][requested]", message: "true or false"},

		// Shapes: a hash or a list sent as a plain value.
		{name: "hash as a string", method: "POST", path: "/v1/customers", body: "address=Paris", param: "address", message: "hash"},
		{name: "list as a string", method: "POST", path: "/v1/customers", body: "preferred_locales=fr", param: "preferred_locales", message: "list"},

		// Metadata: 50 keys, keys of 40 characters, values of 500.
		{name: "51 metadata keys", method: "POST", path: "/v1/customers", body: metadataBody(51), param: "metadata", message: "50"},
		{name: "41-character key", method: "POST", path: "/v1/customers", body: "metadata[" + long(41) + "]=v", param: "metadata"},
		{name: "501-character value", method: "POST", path: "/v1/issuing/cardholders/ich_x", body: "metadata[k]=" + long(501), param: "metadata"},
		{name: "nested metadata", method: "POST", path: "/v1/setup_intents", body: "payment_method_data[type]=us_bank_account&payment_method_data[metadata][" + long(41) + "]=v", param: "payment_method_data[metadata]"},
		{name: "metadata value as a hash", method: "POST", path: "/v1/customers", body: "metadata[a][b]=c", param: "metadata"},
	} {
		checkRefused(t, srv, tc)
	}
}

// TestValidationAccepts checks that what the spec allows still passes:
// limits reached exactly, empty values where they unset, every enum value.
func TestValidationAccepts(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ok := func(method, path, body string) string {
		t.Helper()
		status, b, _ := raw(t, srv, method, path, stripetest.DefaultKey, body)
		require.Equal(t, http.StatusOK, status, "%s %s %s: %s", method, path, body, b)
		return b
	}
	cus := objectID(t, ok("POST", "/v1/customers", metadataBody(50)+"&name="+strings.Repeat("x", 256)+"&metadata[k0]="+strings.Repeat("v", 500)))
	ok("POST", "/v1/customers", "metadata["+strings.Repeat("k", 40)+"]=v&email="+strings.Repeat("e", 512))
	ok("POST", "/v1/customers/"+cus, "metadata=&address=&shipping=&tax_exempt=")
	ok("POST", "/v1/customers/"+cus, "metadata[k1]=") // unsets one key
	ok("GET", "/v1/customers?limit=1&created[gte]=0&email=a%40b.c", "")
	ok("GET", "/v1/customers?limit=100&expand[]=data.default_source", "")
	for _, v := range []string{"none", "exempt", "reverse"} {
		ok("POST", "/v1/customers", "tax_exempt="+v)
	}
}

// TestTaxExemptKeptAsSent: an enum value sent is the value stored.
func TestTaxExemptKeptAsSent(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cs := customers.New(srv.Client()).Customers
	cu, err := cs.Create(ctx, &customers.CustomerCreateParams{TaxExempt: embedfin.Ptr(connect.CustomerTaxExemptExempt)})
	require.NoError(t, err)
	assert.Equal(t, connect.CustomerTaxExemptExempt, *cu.TaxExempt)
	cu, err = cs.Retrieve(ctx, cu.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, connect.CustomerTaxExemptExempt, *cu.TaxExempt)
	cu, err = cs.Update(ctx, cu.ID, &customers.CustomerUpdateParams{TaxExempt: embedfin.Ptr(connect.CustomerTaxExemptReverse)})
	require.NoError(t, err)
	assert.Equal(t, connect.CustomerTaxExemptReverse, *cu.TaxExempt)
	cu, err = cs.Update(ctx, cu.ID, &customers.CustomerUpdateParams{TaxExempt: embedfin.Ptr(connect.CustomerTaxExempt(""))})
	require.NoError(t, err)
	assert.Equal(t, connect.CustomerTaxExemptNone, *cu.TaxExempt, "unset")
	cu, err = cs.Create(ctx, &customers.CustomerCreateParams{})
	require.NoError(t, err)
	assert.Equal(t, connect.CustomerTaxExemptNone, *cu.TaxExempt, "the default")
}

// rawHTTP writes a request line by hand, for queries a client library
// would refuse to send, and returns the status and body.
func rawHTTP(t *testing.T, srv *stripetest.Server, target string) (int, string) {
	t.Helper()
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n", target, u.Host, stripetest.DefaultKey)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = bufio.NewReader(resp.Body).WriteTo(&b)
	return resp.StatusCode, b.String()
}

// TestQueryParsedStrictly: a query that does not parse is refused as a
// body would be, never answered with its bad pairs dropped.
func TestQueryParsedStrictly(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	many := strings.Repeat("expand[]=data&", 10001)
	for name, q := range map[string]string{
		"bad escape":       "email=%zz",
		"bare percent":     "email=a%",
		"semicolon":        "limit=1;email=a",
		"10,001 pairs":     many[:len(many)-1],
		"bad escape (key)": "em%zzail=a",
	} {
		status, body := rawHTTP(t, srv, "/v1/customers?"+q)
		require.Equal(t, http.StatusBadRequest, status, "%s: %s", name, body)
		f := errorFields(t, body)
		assert.Equal(t, "invalid_request_error", f["type"], name)
		assert.Contains(t, f["message"], "Invalid query string", name)

		// The same pairs in a POST body get the same error.
		status, body, _ = raw(t, srv, "POST", "/v1/customers", stripetest.DefaultKey, q)
		require.Equal(t, http.StatusBadRequest, status, "%s (body): %s", name, body)
		g := errorFields(t, body)
		assert.Equal(t, f["type"], g["type"], name)
		assert.Equal(t, f["code"], g["code"], name)
	}
	// 10,000 pairs are still fine.
	status, body := rawHTTP(t, srv, "/v1/customers?"+strings.Repeat("expand[]=data&", 9999)+"limit=1")
	assert.Equal(t, http.StatusOK, status, body)
}

// TestEveryEndpointValidated: every typed endpoint has its facts in the
// table and the emulator checks them (an unknown parameter is refused
// with parameter_unknown, not served or routed elsewhere).
func TestEveryEndpointValidated(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	have := map[string]bool{}
	for _, ep := range apimap.Validation {
		have[ep.Method+" "+ep.Path] = true
	}
	for _, ep := range apimap.Endpoints {
		require.True(t, have[ep.Method+" "+ep.Path], "%s %s has no validation entry", ep.Method, ep.Path)
		path := ep.Path
		for strings.Contains(path, "{") {
			i, j := strings.IndexByte(path, '{'), strings.IndexByte(path, '}')
			path = path[:i] + "x_1" + path[j+1:]
		}
		var status int
		var body string
		if ep.Method == "GET" {
			status, body, _ = raw(t, srv, ep.Method, path+"?zz_unknown=1", stripetest.DefaultKey, "")
		} else {
			status, body, _ = raw(t, srv, ep.Method, path, stripetest.DefaultKey, "zz_unknown=1")
		}
		require.Equal(t, http.StatusBadRequest, status, "%s %s: %s", ep.Method, path, body)
		f := errorFields(t, body)
		assert.Equal(t, "parameter_unknown", f["code"], "%s %s", ep.Method, path)
		assert.Equal(t, "zz_unknown", f["param"], "%s %s", ep.Method, path)
	}
}

// TestValidationFailuresLeaveIdempotencyKeyFree: refusals by the spec's
// facts and by the rules between parameters happen before the endpoint
// runs, so the corrected request may reuse the key.
func TestValidationFailuresLeaveIdempotencyKeyFree(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	acct, cust := linkAccount(t, srv, []fc.Permission{fc.PermissionBalances, fc.PermissionTransactions}, nil, nil)
	refresh := "/v1/financial_connections/accounts/" + acct.ID + "/refresh"
	for i, tc := range []struct {
		name, path, bad, good, code, param string
	}{
		{"refresh without features", refresh, "", "features[]=balance", "parameter_missing", "features"},
		{"refresh with an empty feature", refresh, "features[]=", "features[]=balance", "parameter_invalid_empty", "features[]"},
		{"refresh with an unknown feature", refresh, "features[]=credit_score", "features[]=balance", "", "features[]"},
		{"enum", "/v1/customers", "tax_exempt=bogus", "tax_exempt=exempt", "", "tax_exempt"},
		{"metadata", "/v1/customers", metadataBody(51), metadataBody(50), "", "metadata"},
		{"length", "/v1/customers", "name=" + strings.Repeat("n", 300), "name=Jenny", "", "name"},
		{"rule between parameters", "/v1/financial_connections/sessions", "account_holder[type]=customer&permissions[]=balances",
			"account_holder[type]=customer&account_holder[customer]=" + cust.ID + "&permissions[]=balances", "parameter_missing", "account_holder[customer]"},
	} {
		key := fmt.Sprintf("validation-key-%d", i)
		status, body, hdr := idem(t, srv, tc.path, stripetest.DefaultKey, key, tc.bad)
		require.Equal(t, http.StatusBadRequest, status, "%s: %s", tc.name, body)
		f := errorFields(t, body)
		if tc.code != "" {
			assert.Equal(t, tc.code, f["code"], tc.name)
		}
		assert.Equal(t, tc.param, f["param"], tc.name)
		assert.Equal(t, key, hdr.Get("Idempotency-Key"), tc.name)
		assert.Empty(t, hdr.Get("Original-Request"), "%s: nothing saved", tc.name)

		status, body, hdr = idem(t, srv, tc.path, stripetest.DefaultKey, key, tc.good)
		assertFresh(t, status, body, hdr, key)
	}
}

// TestRulesBetweenParametersRunFirst: cross-parameter rules answer before
// any stored object is looked up.
func TestRulesBetweenParametersRunFirst(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, tc := range []validationCase{
		{name: "increment", method: "POST", path: "/v1/test_helpers/issuing/authorizations/iauth_x/increment", body: "increment_amount=0", code: "parameter_invalid_integer", param: "increment_amount"},
		{name: "capture", method: "POST", path: "/v1/test_helpers/issuing/authorizations/iauth_x/capture", body: "capture_amount=-1", code: "parameter_invalid_integer", param: "capture_amount"},
		{name: "received credit", method: "POST", path: "/v1/test_helpers/treasury/received_credits", body: "financial_account=fa_x&amount=0&currency=usd&network=ach", code: "parameter_invalid_integer", param: "amount"},
		{name: "physical card", method: "POST", path: "/v1/issuing/cards", body: "cardholder=ich_x&currency=usd&type=physical", code: "parameter_missing", param: "shipping"},
		{name: "microdeposits", method: "POST", path: "/v1/setup_intents/seti_x/verify_microdeposits", body: "", code: "parameter_missing", param: "descriptor_code"},
		{name: "microdeposits both", method: "POST", path: "/v1/setup_intents/seti_x/verify_microdeposits", body: "descriptor_code=SM11AA&amounts[]=32&amounts[]=45", code: "parameter_invalid", param: "amounts"},
		{name: "outbound transfer", method: "POST", path: "/v1/treasury/outbound_transfers", body: "financial_account=fa_x&amount=5&currency=usd", code: "parameter_missing", param: "destination_payment_method"},
	} {
		checkRefused(t, srv, tc)
	}
}
