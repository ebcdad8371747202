package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestString(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"Invalid API Key provided: sk_test_51abcDEF123":           "Invalid API Key provided: sk_test_***",
		"rk_live_ZZZ9 and sk_live_x":                              "rk_live_*** and sk_live_***",
		"secret whsec_abc+/=123 end":                              "secret whsec_*** end",
		"seti_1Nabc_secret_XyZ123 ok":                             "seti_1Nabc_secret_*** ok",
		"fcsess_client_secret_abcdef":                             "fcsess_client_secret_***",
		`{"account_number":"000123456789","routing":"110000000"}`: `{"account_number":"***","routing":"110000000"}`,
		"us_bank_account[account_number]=000123456789&x=1":        "us_bank_account[account_number]=***&x=1",
		`quoted "{\"account_number\":\"11223344\"}"`:              `quoted "{\"account_number\":\"***\"}"`,
		`twice \\\"account_number\\\": \\\"11223344\\\"`:          `twice \\\"account_number\\\": \\\"***\\\"`,
		"number 000123456789012 here":                             "number ***9012 here",
		"created 1700000000 amount 2500 routing 110000000":        "created 1700000000 amount 2500 routing 110000000",
		"cus_123 acct_1Nxyz fca_123":                              "cus_123 acct_1Nxyz fca_123",
		"":                                                        "",
	}
	for in, want := range cases {
		assert.Equal(t, want, String(in), in)
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "sk_test_***", Key("sk_test_123"))
	assert.Equal(t, "rk_live_***", Key("rk_live_123"))
	assert.Equal(t, "***", Key("pk_test_123"))
	assert.Equal(t, "***", Key(""))
}

func TestQuery(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "", Query(""))
	assert.Equal(t, "client_secret=***&limit=***&transaction_refresh[after]=***", Query("limit=3&client_secret=abc&transaction_refresh%5Bafter%5D=fctxnref_1"))
	assert.Equal(t, Mask, Query("%zz"))
}

func TestURL(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"https://user:sk_test_abcdef123@evil.example:8443/v1/x?key=sk_test_abcdef123&a=1#frag": "https://evil.example:8443/v1/x?a=***&key=***",
		"http://127.0.0.1:9/v1/sk_live_zzzzzzzz/":                                              "http://127.0.0.1:9/v1/sk_live_***",
		"/relative/path?client_secret=seti_1_secret_abc":                                       "/relative/path?client_secret=***",
		"%zz not a url sk_test_12345678":                                                       "%zz not a url sk_test_***",
	}
	for in, want := range cases {
		assert.Equal(t, want, URL(in), in)
	}
}
