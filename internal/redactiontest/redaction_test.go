package redactiontest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/treasury"
	"github.com/embedfin/embedfin-go/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The secrets every subject holds. Their distinctive bodies (the part after
// the prefix that tells what they are) must never be printed.
const (
	testKey      = "sk_test_51RedactTestKeyAa11Bb22"
	liveKey      = "sk_live_51RedactLiveKeyCc33Dd44"
	webhookSec   = "whsec_RedactWebhookSecretEe55"
	sessionSec   = "fcsess_1Abc_secret_RedactSessionSecretFf66"
	setupSec     = "seti_1Abc_secret_RedactSetiSecretGg77"
	acctNumber   = "000123456789"
	fieldAcctNum = "11223344" // short enough to be caught only as a field value
)

var secretBodies = []string{
	"51RedactTestKeyAa11Bb22", "51RedactLiveKeyCc33Dd44", "RedactWebhookSecretEe55",
	"RedactSessionSecretFf66", "RedactSetiSecretGg77", acctNumber, "00012345", fieldAcctNum,
}

// A message, a URL, a header and a body holding every secret.
var (
	secretMsg = "keys " + testKey + " and " + liveKey + "; signing secret " + webhookSec +
		"; session " + sessionSec + "; setup intent " + setupSec + "; account " + acctNumber +
		`; body {"account_number":"` + fieldAcctNum + `"}`
	secretURL = "https://user:" + liveKey + "@dashboard.example/logs/" + testKey +
		"?client_secret=" + setupSec + "&session=" + sessionSec + "&whsec=" + webhookSec +
		"&us_bank_account[account_number]=" + fieldAcctNum + "&n=" + acctNumber
)

func secretHeader(requestID string) http.Header {
	return http.Header{
		"Request-Id":       {requestID},
		"Authorization":    {"Bearer " + liveKey},
		"Stripe-Signature": {"t=1,v1=" + webhookSec},
		"X-Echo":           {secretMsg},
		"Location":         {secretURL},
		"X-" + testKey:     {"header named after a key"},
	}
}

func secretBody() []byte {
	b, err := json.Marshal(map[string]any{
		"error":          map[string]string{"message": secretMsg, "doc_url": secretURL},
		"account_number": fieldAcctNum,
		"key":            testKey,
	})
	if err != nil {
		panic(err)
	}
	return b
}

func secretResponse(requestID string) *embedfin.Response {
	return &embedfin.Response{StatusCode: 200, Header: secretHeader(requestID), RequestID: requestID, IdempotencyKey: "idem-last", Attempts: 1}
}

// subject is one type to print: a value holding every secret, as T and as
// *T, its zero value and a nil *T.
type subject struct {
	name    string
	goName  string // what %#v must start with
	value   any    // T
	ptr     any    // *T
	zero    any    // T{}
	zeroPtr any    // &T{}
	nilPtr  any    // (*T)(nil)
	facts   []string
}

func subjectOf[T any](name, goName string, v T, facts ...string) subject {
	return subject{
		name: name, goName: goName, value: v, ptr: &v,
		zero: *new(T), zeroPtr: new(T), nilPtr: (*T)(nil), facts: facts,
	}
}

func subjects() []subject {
	fcAccount := func(id string) *fc.Account {
		return &fc.Account{
			APIResource:     embedfin.APIResource{LastResponse: secretResponse("req_fc_" + id)},
			ID:              id,
			Status:          fc.AccountStatus("inactive"),
			DisplayName:     &secretMsg,
			InstitutionName: secretMsg,
			Last4:           embedfin.Ptr(acctNumber),
		}
	}
	return []subject{
		subjectOf("Error", "embedfin.Error{", embedfin.Error{
			HTTPStatusCode: 402,
			Type:           embedfin.ErrorTypeInvalidRequest,
			Code:           embedfin.ErrorCodeAccountInvalid,
			DeclineCode:    "generic " + setupSec,
			Param:          "us_bank_account[account_number] " + acctNumber,
			Message:        secretMsg,
			DocURL:         secretURL,
			RequestLogURL:  secretURL,
			RequestID:      "req_ErrFact1",
			Header:         secretHeader("req_ErrFact1"),
			RawBody:        secretBody(),
		}, "req_ErrFact1", "402"),
		subjectOf("ValidationError", "embedfin.ValidationError{", embedfin.ValidationError{
			Param:  "WithBaseURL",
			Reason: "must use https, got " + secretURL + ": " + secretMsg,
		}, "WithBaseURL"),
		subjectOf("ConnectionError", "embedfin.ConnectionError{", embedfin.ConnectionError{
			Method:         http.MethodPost,
			Path:           "/v1/customers/" + acctNumber + "/" + testKey + "/" + sessionSec,
			Attempts:       4,
			IdempotencyKey: "idem-Fact-42",
			StatusCode:     200,
			ReachedServer:  true,
			Err:            &url.Error{Op: "Post", URL: secretURL, Err: errors.New(secretMsg)},
		}, "idem-Fact-42", "/v1/customers/"),
		subjectOf("DecodeError", "embedfin.DecodeError{", embedfin.DecodeError{
			StatusCode:  200,
			RequestID:   "req_DecFact3",
			ContentType: "text/html; note=" + liveKey,
			Err:         fmt.Errorf("invalid character in %q: %w", secretMsg, embedfin.ErrResponseTooLarge),
		}, "req_DecFact3"),
		subjectOf("Response", "embedfin.Response{", *secretResponse("req_RespFact4"), "req_RespFact4", "200"),
		subjectOf("RawResponse", "embedfin.RawResponse{", embedfin.RawResponse{
			Response: *secretResponse("req_RawFact5"),
			Body:     secretBody(),
		}, "req_RawFact5"),
		subjectOf("PanicError", "webhook.PanicError{", webhook.PanicError{
			Value: errors.New("boomFact6 " + secretMsg),
			Stack: []byte("goroutine 1 [running]:\nmain.handle(" + secretMsg + ")\n\t/src/" + testKey + ".go:12"),
		}, "boomFact6"),
		subjectOf("PanicError/map", "webhook.PanicError{", webhook.PanicError{
			Value: map[string]string{"boomFact6b": secretURL, "key": liveKey, "secret": webhookSec},
			Stack: []byte(secretMsg),
		}, "boomFact6b"),
		subjectOf("AccountNotActiveError", "financialconnections.AccountNotActiveError{", fc.AccountNotActiveError{
			Account: fcAccount("fca_NotActiveFact7"),
		}, "fca_NotActiveFact7"),
		subjectOf("RefreshFailedError", "financialconnections.RefreshFailedError{", fc.RefreshFailedError{
			Feature: fc.AccountFeature("transactions"),
			Account: fcAccount("fca_RefreshFact8"),
		}, "fca_RefreshFact8", "transactions"),
		subjectOf("UpsertError", "financialconnections.UpsertError{", fc.UpsertError{
			TransactionID: "fctxn_UpsertFact9",
			Err:           fmt.Errorf("db insert %s: %s", secretURL, secretMsg),
		}, "fctxn_UpsertFact9"),
		subjectOf("FeaturesRestrictedError", "treasury.FeaturesRestrictedError{", treasury.FeaturesRestrictedError{
			Restricted:   []treasury.Feature{"outbound_payments.ach"},
			NotRequested: []treasury.Feature{"card_issuing"},
			Account: &treasury.FinancialAccount{
				APIResource: embedfin.APIResource{LastResponse: secretResponse("req_fa")},
				ID:          "fa_TreasuryFact10",
				Status:      treasury.FinancialAccountStatus("open"),
				Nickname:    &secretMsg,
				Metadata:    map[string]string{"note": secretMsg},
			},
		}, "fa_TreasuryFact10", "outbound_payments.ach"),
	}
}

// verbs are the fmt directives every subject is printed with.
var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%-12s"}

// render prints v every way a program might: each fmt verb, slog's JSON and
// text handlers, and, for an error, Error() and wrapping by fmt.Errorf.
func render(v any) map[string]string {
	out := make(map[string]string)
	for _, verb := range verbs {
		out[verb] = fmt.Sprintf(verb, v)
	}
	var jsonOut, textOut bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonOut, nil)).Info("call failed", slog.Any("err", v))
	slog.New(slog.NewTextHandler(&textOut, nil)).Info("call failed", "err", v)
	out["slog JSON"] = jsonOut.String()
	out["slog text"] = textOut.String()
	if err, ok := v.(error); ok {
		out["Error()"] = err.Error()
		out["%w"] = fmt.Errorf("sync: %w", err).Error()
	}
	return out
}

// readable returns what a rendering says: hex verbs decoded.
func readable(t *testing.T, how, s string) string {
	t.Helper()
	if how != "%x" && how != "%X" {
		return s
	}
	b, err := hex.DecodeString(s)
	require.NoError(t, err, "%s output is not hex: %s", how, s)
	return string(b)
}

func assertNoSecret(t *testing.T, how, s string) {
	t.Helper()
	for _, secret := range secretBodies {
		assert.NotContains(t, s, secret, "%s leaks a secret", how)
		// A secret printed as hex is a secret all the same.
		assert.NotContains(t, strings.ToLower(s), hex.EncodeToString([]byte(secret)), "%s leaks a secret as hex", how)
	}
}

func TestEveryRenderingIsRedacted(t *testing.T) {
	t.Parallel()
	for _, sub := range subjects() {
		t.Run(sub.name, func(t *testing.T) {
			t.Parallel()
			for form, v := range map[string]any{"value": sub.value, "pointer": sub.ptr} {
				for how, out := range render(v) {
					how := form + " " + how
					require.NotEmpty(t, out, how)
					assertNoSecret(t, how, out)
					text := readable(t, how[len(form)+1:], out)
					assertNoSecret(t, how+" (decoded)", text)
					for _, fact := range sub.facts {
						assert.Contains(t, text, fact, "%s lost a non-secret fact:\n%s", how, text)
					}
				}
				assert.True(t, strings.HasPrefix(fmt.Sprintf("%#v", v), sub.goName), "%s %%#v: %s", form, fmt.Sprintf("%#v", v))
			}
			// The value and the pointer print alike.
			assert.Equal(t, fmt.Sprintf("%+v|%#v|%q", sub.value, sub.value, sub.value),
				fmt.Sprintf("%+v|%#v|%q", sub.ptr, sub.ptr, sub.ptr))
		})
	}
}

func TestZeroAndNilDoNotPanic(t *testing.T) {
	t.Parallel()
	for _, sub := range subjects() {
		t.Run(sub.name, func(t *testing.T) {
			t.Parallel()
			for form, v := range map[string]any{"zero value": sub.zero, "zero pointer": sub.zeroPtr} {
				for how, out := range render(v) {
					assert.NotEmpty(t, out, "%s %s", form, how)
				}
				assert.True(t, strings.HasPrefix(fmt.Sprintf("%#v", v), sub.goName), "%s %%#v: %s", form, fmt.Sprintf("%#v", v))
			}
			// fmt prints a nil pointer whose methods panic as <nil>.
			for _, verb := range verbs {
				assert.Equal(t, "<nil>", fmt.Sprintf(verb, sub.nilPtr), "nil pointer %s", verb)
			}
			// slog reports the panic of LogValue instead of crashing.
			var buf bytes.Buffer
			assert.NotPanics(t, func() {
				slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", slog.Any("err", sub.nilPtr))
				slog.New(slog.NewTextHandler(&buf, nil)).Info("x", slog.Any("err", sub.nilPtr))
			})
		})
	}
}
