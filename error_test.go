package embedfin_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func doErr(t *testing.T, rep reply) (*embedfin.Error, error) {
	t.Helper()
	c, api := newTestClient(t, embedfin.WithMaxRetries(0))
	api.script("GET", "/v1/x", rep)
	err := c.Do(bg, "GET", "/v1/x", nil, nil)
	var apiErr *embedfin.Error
	require.ErrorAs(t, err, &apiErr)
	return apiErr, err
}

func TestErrorDecodesStripeJSON(t *testing.T) {
	t.Parallel()
	body := `{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","param":"amount","message":"Your card has insufficient funds.","doc_url":"https://stripe.com/docs/error-codes/card-declined","request_log_url":"https://dashboard.stripe.com/test/logs/req_abc"}}`
	e, err := doErr(t, status(402, body, "Request-Id", "req_abc"))
	assert.Equal(t, 402, e.HTTPStatusCode)
	assert.Equal(t, embedfin.ErrorTypeCard, e.Type)
	assert.Equal(t, embedfin.ErrorCode("card_declined"), e.Code)
	assert.Equal(t, "insufficient_funds", e.DeclineCode)
	assert.Equal(t, "amount", e.Param)
	assert.Equal(t, "Your card has insufficient funds.", e.Message)
	assert.Equal(t, "https://stripe.com/docs/error-codes/card-declined", e.DocURL)
	assert.Equal(t, "https://dashboard.stripe.com/test/logs/req_abc", e.RequestLogURL)
	assert.Equal(t, "req_abc", e.RequestID)
	assert.Equal(t, body, string(e.RawBody))
	assert.Equal(t, "embedfin: 402 card_error (code=card_declined, decline_code=insufficient_funds, param=amount): Your card has insufficient funds. [request req_abc]", err.Error())
}

func TestErrorFromHTMLBody(t *testing.T) {
	t.Parallel()
	e, _ := doErr(t, status(502, "<html><body>Bad Gateway</body></html>", "Content-Type", "text/html", "Request-Id", "req_html"))
	assert.Equal(t, 502, e.HTTPStatusCode)
	assert.Equal(t, "req_html", e.RequestID)
	assert.Equal(t, embedfin.ErrorTypeAPI, e.Type)
	assert.Contains(t, e.Message, "502 Bad Gateway")
	assert.Contains(t, e.Message, "text/html")
	assert.Equal(t, "<html><body>Bad Gateway</body></html>", string(e.RawBody))
}

func TestErrorFromEmptyAndTruncatedBodies(t *testing.T) {
	t.Parallel()
	e, _ := doErr(t, status(400, ""))
	assert.Equal(t, 400, e.HTTPStatusCode)
	assert.Equal(t, "req_test123", e.RequestID)
	assert.Contains(t, e.Message, "empty body")
	assert.Empty(t, e.Type)

	e, _ = doErr(t, status(404, `{"error":{"type":"invalid_request_error","mess`))
	assert.Equal(t, 404, e.HTTPStatusCode)
	assert.Contains(t, e.Message, "not a Stripe error object")
	assert.True(t, embedfin.IsNotFound(e), "404 is not found even when the body is unreadable")

	e, _ = doErr(t, status(400, `{"no_error_key":true}`))
	assert.Contains(t, e.Message, "not a Stripe error object")
}

func TestErrorBodyCappedAtOneMiB(t *testing.T) {
	t.Parallel()
	big := `{"error":{"message":"` + strings.Repeat("x", 2<<20) + `"}}`
	e, _ := doErr(t, status(500, big))
	assert.Len(t, e.RawBody, 1<<20)
	assert.Contains(t, e.Message, "over 1 MiB")
}

func TestErrorStringMasksSecrets(t *testing.T) {
	t.Parallel()
	body := `{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_live_abcdefghijk; secret seti_1_secret_zzz; account 000123456789"}}`
	_, err := doErr(t, status(401, body))
	msg := err.Error()
	assert.NotContains(t, msg, "abcdefghijk")
	assert.NotContains(t, msg, "zzz")
	assert.NotContains(t, msg, "000123456789")
	assert.Contains(t, msg, "sk_live_***")
}

func TestErrorHelpers(t *testing.T) {
	t.Parallel()
	mk := func(status int, typ embedfin.ErrorType, code embedfin.ErrorCode) error {
		return fmt.Errorf("wrapped: %w", &embedfin.Error{HTTPStatusCode: status, Type: typ, Code: code})
	}
	assert.True(t, embedfin.IsNotFound(mk(404, embedfin.ErrorTypeInvalidRequest, embedfin.ErrorCodeResourceMissing)))
	assert.False(t, embedfin.IsNotFound(mk(400, embedfin.ErrorTypeInvalidRequest, "")))
	assert.True(t, embedfin.IsRateLimited(mk(429, embedfin.ErrorTypeInvalidRequest, embedfin.ErrorCodeRateLimit)))
	assert.False(t, embedfin.IsRateLimited(mk(429, embedfin.ErrorTypeInvalidRequest, embedfin.ErrorCodeLockTimeout)))
	assert.True(t, embedfin.IsLockTimeout(mk(429, embedfin.ErrorTypeInvalidRequest, embedfin.ErrorCodeLockTimeout)))
	assert.True(t, embedfin.IsIdempotencyError(mk(400, embedfin.ErrorTypeIdempotency, "")))
	assert.True(t, embedfin.IsIdempotencyError(mk(409, embedfin.ErrorTypeInvalidRequest, embedfin.ErrorCodeIdempotencyKeyInUse)))
	assert.False(t, embedfin.IsIdempotencyError(mk(400, embedfin.ErrorTypeInvalidRequest, "")))
	assert.True(t, embedfin.IsAuthenticationError(mk(401, embedfin.ErrorTypeInvalidRequest, "")))
	assert.True(t, embedfin.IsPermissionError(mk(403, embedfin.ErrorTypeInvalidRequest, "")))
	assert.True(t, embedfin.IsInvalidRequest(mk(400, embedfin.ErrorTypeInvalidRequest, embedfin.ErrorCodeParameterUnknown)))
	assert.False(t, embedfin.IsInvalidRequest(mk(404, embedfin.ErrorTypeInvalidRequest, embedfin.ErrorCodeResourceMissing)))
	for _, f := range []func(error) bool{embedfin.IsNotFound, embedfin.IsRateLimited, embedfin.IsLockTimeout, embedfin.IsIdempotencyError, embedfin.IsAuthenticationError, embedfin.IsPermissionError, embedfin.IsInvalidRequest} {
		assert.False(t, f(errors.New("plain")))
		assert.False(t, f(nil))
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		rep  reply
		opts []embedfin.Option
		is   error
		text string
	}{
		"non-JSON":        {rep: status(200, "<html>captive portal</html>", "Content-Type", "text/html"), text: "text/html"},
		"truncated":       {rep: ok(`{"id":"x_1","amount":`), text: "unexpected end of JSON input"},
		"empty":           {rep: ok(""), is: embedfin.ErrEmptyResponse},
		"wrong shape":     {rep: ok(`{"id":42}`), text: "cannot unmarshal"},
		"too large":       {rep: ok(`{"id":"` + strings.Repeat("x", 2048) + `"}`), opts: []embedfin.Option{embedfin.WithMaxResponseBytes(1024)}, is: embedfin.ErrResponseTooLarge},
		"unknown, strict": {rep: ok(`{"id":"x","surprise":1,"nested":{"a":1}}`), opts: []embedfin.Option{embedfin.WithStrictDecoding()}, text: `unknown field(s) "nested", "surprise"`},
		"trailing":        {rep: ok(`{"id":"x"} {"id":"y"}`), text: "after top-level value"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, api := newTestClient(t, tc.opts...)
			api.script("GET", "/v1/x", tc.rep)
			var out obj
			err := c.Do(bg, "GET", "/v1/x", nil, &out)
			var de *embedfin.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, 200, de.StatusCode)
			assert.Equal(t, "req_test123", de.RequestID)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			assert.Contains(t, err.Error(), tc.text)
			assert.Nil(t, out.LastResponse)
		})
	}
}

func TestUnknownFieldsIgnoredByDefault(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("GET", "/v1/x", ok(`{"id":"x","surprise":1,"note":null}`))
	var out obj
	require.NoError(t, c.Do(bg, "GET", "/v1/x", nil, &out))
	assert.Equal(t, "x", out.ID)
	assert.Nil(t, out.Note)
}

func TestValidationErrorText(t *testing.T) {
	t.Parallel()
	err := &embedfin.ValidationError{Param: "customer", Reason: "must not be empty"}
	assert.Equal(t, "embedfin: invalid customer: must not be empty", err.Error())
}
