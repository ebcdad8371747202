package embedfin

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// unmasked finds secrets that redaction should have masked, at the same
// word boundaries redaction uses.
var unmasked = regexp.MustCompile(`(?:^|[^A-Za-z0-9_])(?:(?:sk|rk|pk|ek)_(?:test|live)_|whsec_)[A-Za-z0-9]|_secret_[A-Za-z0-9]|\d{12}`)

// FuzzErrorBody decodes arbitrary error responses: newAPIError must never
// panic, must keep the status, request ID and body, must use Stripe's
// message when the body is its error object, and its Error() must show no
// secret.
func FuzzErrorBody(f *testing.F) {
	f.Add(402, []byte(`{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","param":"amount","message":"Your card has insufficient funds.","doc_url":"https://stripe.com/docs/error-codes/card-declined"}}`), "req_123", "application/json", false)
	f.Add(401, []byte(`{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_live_abcdefghijkl"}}`), "req_1", "application/json", false)
	f.Add(400, []byte(`{"error":{"message":"secret seti_1_secret_abc, account 000123456789, account_number=12345678"}}`), "", "", false)
	f.Add(502, []byte("<html><body>Bad Gateway</body></html>"), "req_html", "text/html", false)
	f.Add(500, []byte(`{"error":{"type":"api_error","mess`), "", "application/json", true)
	f.Add(404, []byte(``), "req_empty", "", false)
	f.Add(429, []byte(`{"error":null}`), "", "application/json", false)
	f.Add(409, []byte(`{"error":{"message":"\u0073k_test_escaped123"}}`), "", "", false)
	f.Add(0, []byte(`[]`), "sk_test_inrequestid", "", false)
	f.Add(-1, []byte(`{"error":{"code":{"nested":1}}}`), "", "", false)
	f.Fuzz(func(t *testing.T, status int, body []byte, requestID, contentType string, truncated bool) {
		header := http.Header{}
		if requestID != "" {
			header.Set("Request-Id", requestID)
		}
		if contentType != "" {
			header.Set("Content-Type", contentType)
		}
		issue := ""
		if truncated {
			issue = "a body cut short (3 of 9 bytes arrived)"
		}
		e := newAPIError(status, header, body, issue)
		if e == nil {
			t.Fatal("nil error")
		}
		if e.HTTPStatusCode != status || !bytes.Equal(e.RawBody, body) || e.RequestID != header.Get("Request-Id") {
			t.Fatalf("status, body or request ID lost: %+v", e)
		}
		msg := e.Error()
		if !strings.HasPrefix(msg, "embedfin: "+strconv.Itoa(status)) {
			t.Fatalf("Error() = %q does not start with the status", msg)
		}
		if m := unmasked.FindString(msg); m != "" {
			t.Fatalf("Error() = %q shows a secret (%q)", msg, m)
		}
		var env struct {
			Error *Error `json:"error"`
		}
		redirect := status >= 300 && status <= 399
		stripeShape := !truncated && !redirect && json.Unmarshal(body, &env) == nil && env.Error != nil
		switch {
		case stripeShape:
			if e.Message != env.Error.Message || e.Code != env.Error.Code || e.Type != env.Error.Type || e.Param != env.Error.Param {
				t.Fatalf("fields of Stripe's error object lost: got %+v, body says %+v", e, env.Error)
			}
		case e.Message == "":
			t.Fatal("a body that is not Stripe's error object must be described in Message")
		}
	})
}
