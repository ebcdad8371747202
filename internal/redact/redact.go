package redact

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Mask replaces the secret part of a match.
const Mask = "***"

var (
	// sk_/rk_/pk_/ek_ keys, test or live, and webhook secrets.
	keyRE = regexp.MustCompile(`\b((?:sk|rk|pk|ek)_(?:test|live)_|whsec_)[A-Za-z0-9+/=_]+`)
	// Client secrets of SetupIntents, PaymentIntents and Financial Connections
	// sessions ("seti_123_secret_abc", "fcsess_client_secret_abc").
	clientSecretRE = regexp.MustCompile(`(_secret_)[A-Za-z0-9]+`)
	// JSON or form fields that hold account numbers, the JSON ones also
	// when quoted again inside a string (\"account_number\":\"...\").
	accountFieldRE = regexp.MustCompile(`((?:"account_number\\*"\s*:\s*\\*")|(?:account_number\]?=))([^"&\s\\]+)`)
	// Twelve or more consecutive digits: shorter runs are amounts, timestamps
	// and routing numbers far more often than account numbers.
	longDigitsRE = regexp.MustCompile(`\d{12,}`)
)

// String returns s with every recognised secret masked. It keeps the prefix
// that tells a reader what kind of value was there ("sk_test_***").
func String(s string) string {
	if s == "" {
		return s
	}
	s = keyRE.ReplaceAllString(s, "${1}"+Mask)
	s = clientSecretRE.ReplaceAllString(s, "${1}"+Mask)
	s = accountFieldRE.ReplaceAllString(s, "${1}"+Mask)
	s = longDigitsRE.ReplaceAllStringFunc(s, func(d string) string { return Mask + d[len(d)-4:] })
	return s
}

// Key describes an API key without revealing it: its kind and mode only,
// such as "sk_test_***". Anything unrecognised becomes "***".
func Key(key string) string {
	for _, p := range []string{"sk_test_", "sk_live_", "rk_test_", "rk_live_"} {
		if strings.HasPrefix(key, p) {
			return p + Mask
		}
	}
	return Mask
}

// Query renders a raw query string with every value masked, keeping the
// parameter names in sorted order: "customer=***&limit=***".
func Query(raw string) string {
	if raw == "" {
		return ""
	}
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return Mask
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for i, k := range keys {
		if i > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(String(k))
		sb.WriteString("=" + Mask)
	}
	return sb.String()
}

// URL renders a URL for a message or a log line: credentials in it are
// dropped, every query value is masked (Query) and the rest goes through
// String. Text that does not parse as a URL is passed through String.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return String(raw)
	}
	u.User = nil
	q := u.RawQuery
	u.RawQuery = ""
	u.Fragment = ""
	u.RawFragment = ""
	s := String(u.String())
	if q != "" {
		s += "?" + Query(q)
	}
	return s
}
