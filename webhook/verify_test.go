package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/financialconnections"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixturePayload and fixtureSignature are a test vector computed outside Go
// (Python's hmac module) for testSecret at testNow.
const (
	fixturePayload   = `{"id":"evt_1QvecFixture","object":"event","type":"customer.created","created":1767225590,"livemode":false,"pending_webhooks":1,"api_version":"2026-08-26.dahlia","request":{"id":null,"idempotency_key":null},"data":{"object":{"id":"cus_Fixture","object":"customer"}}}`
	fixtureSignature = "e438d6b44920fb65ba461eadfcc40791bc12f3c9d5ec7a2112c1adfccc709934"
)

func TestConstructEvent_ExternalVector(t *testing.T) {
	t.Parallel()
	header := "t=1767225600,v1=" + fixtureSignature
	ev, err := ConstructEvent([]byte(fixturePayload), header, testSecret, fixedClock())
	require.NoError(t, err)
	assert.Equal(t, "evt_1QvecFixture", ev.ID)
	assert.Equal(t, events.EventTypeCustomerCreated, ev.Type)
	require.NotNil(t, ev.Request)
	assert.Nil(t, ev.Request.ID)
	assert.Nil(t, ev.Request.IdempotencyKey)

	// Our signer and the independent computation agree with the vector.
	assert.Equal(t, header, SignHeader([]byte(fixturePayload), testSecret, testNow))
	assert.Equal(t, header, stripeHeader([]byte(fixturePayload), testSecret, testNow.Unix()))
}

func TestConstructEvent_DecodesEnvelope(t *testing.T) {
	t.Parallel()
	payload := fcEvent("evt_1Decode")
	for name, header := range map[string]string{
		"stripe-go algorithm": stripeHeader(payload, testSecret, testNow.Unix()),
		"SignHeader":          SignHeader(payload, testSecret, testNow),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ev, err := ConstructEvent(payload, header, testSecret, fixedClock())
			require.NoError(t, err)

			// The same event decoded by encoding/json, field by field.
			var want Event
			require.NoError(t, json.Unmarshal(payload, &want.Event))
			assert.Equal(t, want, ev)

			assert.Equal(t, "evt_1Decode", ev.ID)
			assert.Equal(t, "event", ev.Object)
			assert.Equal(t, events.EventTypeFinancialConnectionsAccountRefreshedTransactions, ev.Type)
			assert.Equal(t, int64(1767225590), ev.Created)
			assert.False(t, ev.Livemode)
			assert.Equal(t, int64(2), ev.PendingWebhooks)
			require.NotNil(t, ev.Account)
			assert.Equal(t, "acct_1Connected", *ev.Account)
			assert.Nil(t, ev.Context)
			require.NotNil(t, ev.Request)
			assert.Equal(t, "req_8fK2", ev.Request.GetID())
			assert.Equal(t, "9b1c7f0e-idem", *ev.Request.IdempotencyKey)
			assert.False(t, ev.APIVersionMismatch)
			assert.JSONEq(t, fcAccountJSON, string(ev.Data.Object))
			assert.JSONEq(t, `{"status":"pending"}`, string(ev.Data.PreviousAttributes))

			acct, err := Data[financialconnections.Account](ev)
			require.NoError(t, err)
			assert.Equal(t, "fca_1Test", acct.ID)
			assert.Equal(t, "fctxnref_1Abc", acct.TransactionRefresh.ID)
		})
	}
}

func TestConstructEvent_Rejections(t *testing.T) {
	t.Parallel()
	payload := fcEvent("evt_1Reject")
	ts := testNow.Unix()
	good := stripeSignature(payload, testSecret, ts)
	signed := func(p string) (string, string) { return p, stripeHeader([]byte(p), testSecret, ts) }

	type tc struct {
		payload, header string
		want            error
	}
	cases := map[string]tc{
		"tampered body":    {strings.Replace(string(payload), `"pending_webhooks": 2`, `"pending_webhooks": 3`, 1), stripeHeader(payload, testSecret, ts), ErrNoValidSignature},
		"wrong secret":     {string(payload), stripeHeader(payload, otherSecret, ts), ErrNoValidSignature},
		"v0 only":          {string(payload), fmt.Sprintf("t=%d,v0=%s", ts, good), ErrNoValidSignature},
		"unknown scheme":   {string(payload), fmt.Sprintf("t=%d,v2=%s", ts, good), ErrNoValidSignature},
		"timestamp only":   {string(payload), fmt.Sprintf("t=%d", ts), ErrNoValidSignature},
		"v1 not hex":       {string(payload), fmt.Sprintf("t=%d,v1=%s", ts, strings.Repeat("zz", 32)), ErrNoValidSignature},
		"v1 too short":     {string(payload), fmt.Sprintf("t=%d,v1=%s", ts, good[:62]), ErrNoValidSignature},
		"other timestamp":  {string(payload), fmt.Sprintf("t=%d,v1=%s", ts+1, good), ErrNoValidSignature},
		"old":              {string(payload), stripeHeader(payload, testSecret, ts-301), ErrTimestampOutOfTolerance},
		"future":           {string(payload), stripeHeader(payload, testSecret, ts+301), ErrTimestampOutOfTolerance},
		"very old":         {string(payload), stripeHeader(payload, testSecret, 0), ErrTimestampOutOfTolerance},
		"far future":       {string(payload), stripeHeader(payload, testSecret, 999999999999999999), ErrTimestampOutOfTolerance},
		"no timestamp":     {string(payload), "v1=" + good, ErrInvalidHeader},
		"empty header":     {string(payload), "", ErrMissingHeader},
		"garbage header":   {string(payload), "garbage", ErrInvalidHeader},
		"blank header":     {string(payload), "   ", ErrInvalidHeader},
		"bad timestamp":    {string(payload), "t=12a4,v1=" + good, ErrInvalidHeader},
		"signed timestamp": {string(payload), "t=+1767225600,v1=" + good, ErrInvalidHeader},
		"two timestamps":   {string(payload), fmt.Sprintf("t=%d,t=%d,v1=%s", ts, ts, good), ErrInvalidHeader},
		"empty item":       {string(payload), fmt.Sprintf("t=%d,,v1=%s", ts, good), ErrInvalidHeader},
		"trailing comma":   {string(payload), fmt.Sprintf("t=%d,v1=%s,", ts, good), ErrInvalidHeader},
		"no scheme":        {string(payload), fmt.Sprintf("t=%d,=%s", ts, good), ErrInvalidHeader},
	}
	for name, p := range map[string]string{
		"signed non-JSON":      "hello, world",
		"signed empty body":    "",
		"JSON array":           `[{"object":"event"}]`,
		"JSON string":          `"event"`,
		"JSON null":            `null`,
		"not an event":         `{"id":"cus_1","object":"customer","type":"customer.created","data":{"object":{}}}`,
		"no object":            `{"id":"evt_1","type":"customer.created","data":{"object":{}}}`,
		"object not a string":  `{"id":"evt_1","object":1,"type":"customer.created","data":{"object":{}}}`,
		"no id":                `{"object":"event","type":"customer.created","data":{"object":{}}}`,
		"empty id":             `{"id":"","object":"event","type":"customer.created","data":{"object":{}}}`,
		"no type":              `{"id":"evt_1","object":"event","data":{"object":{}}}`,
		"no data":              `{"id":"evt_1","object":"event","type":"customer.created"}`,
		"null data":            `{"id":"evt_1","object":"event","type":"customer.created","data":null}`,
		"data not an object":   `{"id":"evt_1","object":"event","type":"customer.created","data":[]}`,
		"no data.object":       `{"id":"evt_1","object":"event","type":"customer.created","data":{}}`,
		"data.object a string": `{"id":"evt_1","object":"event","type":"customer.created","data":{"object":"cus_1"}}`,
		"truncated":            string(payload[:len(payload)-2]),
		"trailing data":        string(payload) + " {}",
		"id not a string":      `{"id":7,"object":"event","type":"customer.created","data":{"object":{}}}`,
		"created a float":      `{"id":"evt_1","object":"event","type":"customer.created","created":1.5,"data":{"object":{}}}`,
		"created a string":     `{"id":"evt_1","object":"event","type":"customer.created","created":"1","data":{"object":{}}}`,
		"created overflows":    `{"id":"evt_1","object":"event","type":"customer.created","created":9223372036854775808,"data":{"object":{}}}`,
		"livemode a string":    `{"id":"evt_1","object":"event","type":"customer.created","livemode":"true","data":{"object":{}}}`,
		"request a string":     `{"id":"evt_1","object":"event","type":"customer.created","request":"req_1","data":{"object":{}}}`,
		"request.id a number":  `{"id":"evt_1","object":"event","type":"customer.created","request":{"id":1},"data":{"object":{}}}`,
		"invalid JSON inside":  `{"id":"evt_1","object":"event","type":"customer.created","data":{"object":{"a":tru}}}`,
		"invalid escape":       `{"id":"evt_\x","object":"event","type":"customer.created","data":{"object":{}}}`,
	} {
		pl, h := signed(p)
		cases[name] = tc{pl, h, ErrInvalidPayload}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ev, err := ConstructEvent([]byte(c.payload), c.header, testSecret, fixedClock())
			require.ErrorIs(t, err, c.want)
			assert.Equal(t, Event{}, ev)
			assert.NotContains(t, err.Error(), testSecret)
			assert.NotContains(t, err.Error(), "whsec_")
		})
	}
}

func TestConstructEvent_ToleranceBoundaries(t *testing.T) {
	t.Parallel()
	payload := fcEvent("evt_1Tolerance")
	ts := testNow.Unix()
	for _, skew := range []int64{-300, -1, 0, 1, 300} {
		_, err := ConstructEvent(payload, stripeHeader(payload, testSecret, ts+skew), testSecret, fixedClock())
		assert.NoError(t, err, "skew %d", skew)
	}
	// A stale delivery is accepted under a wider tolerance...
	header := stripeHeader(payload, testSecret, ts-600)
	_, err := ConstructEvent(payload, header, testSecret, fixedClock(), WithTolerance(10*time.Minute))
	require.NoError(t, err)
	_, err = ConstructEvent(payload, header, testSecret, fixedClock(), WithTolerance(time.Minute))
	require.ErrorIs(t, err, ErrTimestampOutOfTolerance)
	assert.Contains(t, err.Error(), "10m0s ago")
	_, err = ConstructEvent(payload, stripeHeader(payload, testSecret, ts+120), testSecret, fixedClock(), WithTolerance(time.Minute))
	require.ErrorIs(t, err, ErrTimestampOutOfTolerance)
	assert.Contains(t, err.Error(), "2m0s in the future")
	// ... and a clock makes an old fixture valid.
	_, err = ConstructEvent(payload, header, testSecret, WithClock(func() time.Time { return testNow.Add(-10 * time.Minute) }))
	require.NoError(t, err)
	// Without a clock option, the real time is used.
	_, err = ConstructEvent(payload, SignHeader(payload, testSecret, time.Now()), testSecret)
	require.NoError(t, err)
	_, err = ConstructEvent(payload, header, testSecret)
	require.ErrorIs(t, err, ErrTimestampOutOfTolerance)
}

func TestConstructEvent_SecretRotation(t *testing.T) {
	t.Parallel()
	payload := fcEvent("evt_1Rotate")
	ts := testNow.Unix()
	oldSig := stripeSignature(payload, testSecret, ts)
	newSig := stripeSignature(payload, otherSecret, ts)
	bothSigs := fmt.Sprintf("t=%d,v1=%s,v1=%s", ts, oldSig, newSig)
	withV0 := fmt.Sprintf("t=%d,v0=%s,v1=%s,v1=%s", ts, strings.Repeat("0", 64), newSig, oldSig)

	accept := []struct {
		name   string
		header string
		secret string
		opts   []Option
	}{
		{"two v1, old secret", bothSigs, testSecret, nil},
		{"two v1, new secret", bothSigs, otherSecret, nil},
		{"v0 and v1 in any order", withV0, testSecret, nil},
		{"timestamp last", fmt.Sprintf("v1=%s,t=%d", newSig, ts), otherSecret, nil},
		{"uppercase hex", fmt.Sprintf("t=%d,v1=%s", ts, strings.ToUpper(oldSig)), testSecret, nil},
		{"blanks around items", fmt.Sprintf(" t=%d , v1=%s ", ts, oldSig), testSecret, nil},
		{"bad v1 then good v1", fmt.Sprintf("t=%d,v1=nothex,v1=%s", ts, oldSig), testSecret, nil},
		{"several secrets, second matches", stripeHeader(payload, otherSecret, ts), testSecret, []Option{WithSecrets(thirdSecret, otherSecret)}},
		{"several secrets, several v1", bothSigs, thirdSecret, []Option{WithSecrets(otherSecret)}},
		{"empty primary secret with WithSecrets", stripeHeader(payload, otherSecret, ts), "", []Option{WithSecrets("", otherSecret)}},
		{"options applied in turn", stripeHeader(payload, thirdSecret, ts), testSecret, []Option{WithSecrets(otherSecret), nil, WithSecrets(thirdSecret)}},
	}
	for _, c := range accept {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ev, err := ConstructEvent(payload, c.header, c.secret, append(c.opts, fixedClock())...)
			require.NoError(t, err)
			assert.Equal(t, "evt_1Rotate", ev.ID)
		})
	}

	_, err := ConstructEvent(payload, stripeHeader(payload, thirdSecret, ts), testSecret, fixedClock(), WithSecrets(otherSecret))
	require.ErrorIs(t, err, ErrNoValidSignature)
	_, err = ConstructEvent(payload, bothSigs, "", fixedClock())
	require.ErrorIs(t, err, ErrNoSecret)
	_, err = ConstructEvent(payload, bothSigs, "", fixedClock(), WithSecrets("", ""))
	require.ErrorIs(t, err, ErrNoSecret)
	// An empty secret is never tried, even if the header was made with it.
	_, err = ConstructEvent(payload, stripeHeader(payload, "", ts), "", fixedClock(), WithSecrets(otherSecret))
	require.ErrorIs(t, err, ErrNoValidSignature)
}

func TestConstructEvent_APIVersion(t *testing.T) {
	t.Parallel()
	withVersion := func(v string) []byte {
		return []byte(`{"id":"evt_1V","object":"event","type":"customer.created","api_version":` + v + `,"data":{"object":{"id":"cus_1"}}}`)
	}
	sign := func(p []byte) string { return stripeHeader(p, testSecret, testNow.Unix()) }
	for v, mismatch := range map[string]bool{
		`"2026-08-26.dahlia"`: false,
		`"2026-08-26.dahlia; financial_connections_ownership_api_preview=v1"`: false,
		`"2026-08-26.dahlia;beta=v2"`:                                         false,
		`null`:                                                                false,
		`"2024-06-20"`:                                                        true,
		`"2026-08-26.basil"`:                                                  true,
	} {
		p := withVersion(v)
		ev, err := ConstructEvent(p, sign(p), testSecret, fixedClock())
		require.NoError(t, err, v)
		assert.Equal(t, mismatch, ev.APIVersionMismatch, v)

		ev, err = ConstructEvent(p, sign(p), testSecret, fixedClock(), WithStrictAPIVersion())
		if mismatch {
			require.ErrorIs(t, err, ErrAPIVersionMismatch, v)
			assert.Equal(t, Event{}, ev)
			assert.Contains(t, err.Error(), "evt_1V")
		} else {
			require.NoError(t, err, v)
		}
	}
	assert.Equal(t, "2026-08-26.dahlia", baseVersion(" 2026-08-26.dahlia ; x=v1"))
}

func TestParseHeader(t *testing.T) {
	t.Parallel()
	sig := strings.Repeat("ab", 32)
	h, err := parseHeader("t=1767225600,v1=" + sig + ",v0=" + sig + ",v1=" + sig + ",scheme=x=y")
	require.NoError(t, err)
	assert.Equal(t, sigHeader{timestamp: 1767225600, v1: 2}, h)

	h, err = parseHeader("t=" + strings.Repeat("9", 18) + ",v1=" + sig)
	require.NoError(t, err)
	assert.Equal(t, int64(999999999999999999), h.timestamp)

	for _, bad := range []string{"", "t", "t=", "=1", "t=1=2,v1=" + sig, "t=-1,v1=" + sig, "t=" + strings.Repeat("9", 19) + ",v1=" + sig, "v1=" + sig, ",", "t=1,v1"} {
		_, err := parseHeader(bad)
		assert.ErrorIs(t, err, ErrInvalidHeader, bad)
	}
	_, err = parseHeader("t=1,v1=" + sig[:63] + "g")
	assert.ErrorIs(t, err, ErrNoValidSignature)
}

func TestSignHeader(t *testing.T) {
	t.Parallel()
	payload := []byte(`{"object":"event"}`)
	for _, ts := range []int64{0, 1, 1767225600, 4102444800} {
		assert.Equal(t, stripeHeader(payload, testSecret, ts), SignHeader(payload, testSecret, time.Unix(ts, 999)))
	}
	h := SignHeader(payload, testSecret, testNow)
	assert.Regexp(t, `^t=1767225600,v1=[0-9a-f]{64}$`, h)
	assert.NotContains(t, h, testSecret)
}

func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	secrets := []string{testSecret, otherSecret}
	opt := WithSecrets(otherSecret, thirdSecret)
	h := NewHandler(testSecret, opt, WithTolerance(time.Minute), WithDedupe(NewMemoryStore(0)))
	type holder struct {
		opts []Option
		h    *Handler
	}
	values := []any{opt, h, holder{[]Option{opt}, h}, []Option{opt}, ErrNoSecret}
	for _, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
			out := fmt.Sprintf(verb, v)
			for _, s := range append(secrets, thirdSecret) {
				assert.NotContains(t, out, s, verb)
				assert.NotContains(t, out, strings.TrimPrefix(s, "whsec_"), verb)
				assert.NotContains(t, out, fmt.Sprintf("%x", s), verb)
				assert.NotContains(t, strings.ToLower(out), fmt.Sprintf("%x", s), verb)
			}
		}
	}
	assert.NotContains(t, fmt.Sprint(opt), "whsec_")
	assert.Equal(t, "webhook.Handler{secrets: 3, routes: 0, fallback: false, dedupe: true, maxBodyBytes: 1048576}", fmt.Sprint(h))
	assert.Equal(t, "webhook.Handler(nil)", fmt.Sprint((*Handler)(nil)))
}

func TestData(t *testing.T) {
	t.Parallel()
	payload := fcEvent("evt_1Data")
	ev, err := ConstructEvent(payload, SignHeader(payload, testSecret, testNow), testSecret, fixedClock())
	require.NoError(t, err)

	acct, err := Data[financialconnections.Account](ev)
	require.NoError(t, err)
	assert.Equal(t, financialconnections.AccountStatus("active"), acct.Status)
	assert.Equal(t, "StripeBank", acct.InstitutionName)

	type prevStatus struct {
		Status *string `json:"status"`
	}
	prev, err := PreviousAttributes[prevStatus](ev)
	require.NoError(t, err)
	require.NotNil(t, prev.Status)
	assert.Equal(t, "pending", *prev.Status)

	_, err = Data[[]string](ev)
	require.Error(t, err)
	var typeErr *json.UnmarshalTypeError
	require.ErrorAs(t, err, &typeErr)
	assert.Contains(t, err.Error(), "evt_1Data")
	_, err = PreviousAttributes[[]string](ev)
	require.ErrorAs(t, err, &typeErr)

	_, err = Data[financialconnections.Account](Event{})
	require.ErrorIs(t, err, ErrNoData)

	ev.Data.PreviousAttributes = json.RawMessage("null")
	prev, err = PreviousAttributes[prevStatus](ev)
	require.NoError(t, err)
	assert.Nil(t, prev)
	prev, err = PreviousAttributes[prevStatus](Event{})
	require.NoError(t, err)
	assert.Nil(t, prev)
}

func TestConstructEvent_SharesNoMemoryWithPayload(t *testing.T) {
	t.Parallel()
	payload := fcEvent("evt_1Alias")
	ev, err := ConstructEvent(payload, SignHeader(payload, testSecret, testNow), testSecret, fixedClock())
	require.NoError(t, err)
	// Until issue 14, data.object was a window on the payload (documented as
	// such: "do not modify payload while the event is in use"). Decoded by
	// embedfin.Unmarshal, it is a copy, like the envelope's strings.
	copy(payload, strings.Repeat("x", len(payload)))
	assert.Equal(t, "evt_1Alias", ev.ID)
	assert.JSONEq(t, fcAccountJSON, string(ev.Data.Object))
	assert.JSONEq(t, `{"status":"pending"}`, string(ev.Data.PreviousAttributes))

	// The envelope's strings lie end to end in one allocation of their own,
	// not in Unmarshal's copy of the whole payload (where "id" and "type" are
	// far apart), which an ID kept by a DedupeStore would keep alive.
	end := uintptr(unsafe.Pointer(unsafe.StringData(ev.ID))) + uintptr(len(ev.ID))
	assert.Equal(t, end, uintptr(unsafe.Pointer(unsafe.StringData(string(ev.Type)))))
}

func TestConstructEvent_JSONErrors(t *testing.T) {
	t.Parallel()
	construct := func(p string) error {
		_, err := ConstructEvent([]byte(p), SignHeader([]byte(p), testSecret, testNow), testSecret, fixedClock())
		require.ErrorIs(t, err, ErrInvalidPayload, p)
		return err
	}
	var syntax *json.SyntaxError
	bad := `{"id":"evt_1","object":"event","type":"x","data":{"object":{"a":tru}}}`
	err := construct(bad)
	require.ErrorAs(t, err, &syntax)
	off := strings.Index(bad, "tru}") + len("tru}") // encoding/json's offset: after the bad byte
	assert.Equal(t, int64(off), syntax.Offset)
	assert.Contains(t, err.Error(), fmt.Sprintf("(offset %d)", off))

	var typeErr *json.UnmarshalTypeError
	err = construct(`{"id":"evt_1","object":"event","type":"x","request":{"id":1},"data":{"object":{}}}`)
	require.ErrorAs(t, err, &typeErr)
	assert.Equal(t, "request.id", typeErr.Field)

	err = construct(`{"id":"evt_1","object":"event","type":"x","data":{"object":[]}}`)
	assert.False(t, errors.As(err, &typeErr), "a check of the webhook package, not a JSON error")
}

func TestConstructEvent_ErrorsCarryNoSecret(t *testing.T) {
	t.Parallel()
	// A payload that itself mentions the secret must not leak through
	// errors either (encoding/json's errors, which ConstructEvent wraps,
	// name fields and quote at most one character or a number).
	p := []byte(`{"id":"` + testSecret + `","object":"event","type":"x","created":"` + testSecret + `","data":{"object":{}}}`)
	_, err := ConstructEvent(p, SignHeader(p, testSecret, testNow), testSecret, fixedClock())
	require.ErrorIs(t, err, ErrInvalidPayload)
	assert.NotContains(t, err.Error(), "whsec_")
	for _, e := range []error{ErrNoSecret, ErrMissingHeader, ErrInvalidHeader, ErrNoValidSignature, ErrTimestampOutOfTolerance, ErrInvalidPayload, ErrAPIVersionMismatch} {
		assert.True(t, strings.HasPrefix(e.Error(), "webhook: "), e.Error())
		assert.False(t, errors.Is(e, ErrInvalidPayload) && e != ErrInvalidPayload)
	}
}

func TestOptionsValidated(t *testing.T) {
	t.Parallel()
	payload := fcEvent("evt_1Options")
	header := stripeHeader(payload, testSecret, testNow.Unix())
	bad := map[string]Option{
		"webhook.WithTolerance":    WithTolerance(0),
		"webhook.WithClock":        WithClock(nil),
		"webhook.WithMaxBodyBytes": WithMaxBodyBytes(0),
		"webhook.WithDedupe":       WithDedupe(nil),
		"webhook.WithErrorHook":    WithErrorHook(nil),
	}
	for name, opt := range bad {
		_, err := ConstructEvent(payload, header, testSecret, fixedClock(), opt)
		var ve *embedfin.ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Equal(t, name, ve.Param)
		assert.PanicsWithError(t, err.Error(), func() { NewHandler(testSecret, opt) }, name)
	}
	// Handler options are refused by ConstructEvent, which does not use them.
	for name, opt := range map[string]Option{
		"webhook.WithMaxBodyBytes": WithMaxBodyBytes(1 << 10),
		"webhook.WithDedupe":       WithDedupe(NewMemoryStore(0)),
		"webhook.WithErrorHook":    WithErrorHook(func(*http.Request, *Event, error) {}),
	} {
		_, err := ConstructEvent(payload, header, testSecret, fixedClock(), opt)
		var ve *embedfin.ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Equal(t, name, ve.Param)
		assert.NotPanics(t, func() { NewHandler(testSecret, opt) }, name)
	}
	// Nil options are ignored.
	_, err := ConstructEvent(payload, header, testSecret, nil, fixedClock(), nil)
	require.NoError(t, err)
}
