package webhook

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refDecode is the envelope decoder's specification, written with
// encoding/json: the payload decodes with json.Unmarshal into
// events.Event, so keys match as encoding/json matches them (exactly, then
// case-insensitively: "ID" is the id) and repeated keys behave as there
// (the last scalar wins, a repeated "data" or "request" object is merged
// into the first); object must be "event", id and type non-empty, data an
// object with an object member that is itself an object.
//
// Until issue 14 the webhook package had its own scanner, and this reference
// decoded into a map instead: keys matched exactly, and the last of repeated
// objects replaced the others. The decoder is now embedfin.Unmarshal, held to
// encoding/json by its own differential tests, so the reference follows
// encoding/json on those two points as well.
func refDecode(p []byte) (events.Event, bool) {
	var ev events.Event
	if err := json.Unmarshal(p, &ev); err != nil {
		return events.Event{}, false
	}
	isObject := func(raw json.RawMessage) bool { return len(raw) > 0 && raw[0] == '{' }
	if ev.Object != "event" || ev.ID == "" || ev.Type == "" || ev.Data == nil || !isObject(ev.Data.Object) {
		return events.Event{}, false
	}
	return ev, true
}

// checkAgainstReference decodes p both ways and fails on any difference.
func checkAgainstReference(t *testing.T, p []byte) {
	t.Helper()
	var got events.Event
	err := decodeEvent(p, &got)
	want, ok := refDecode(p)
	if ok != (err == nil) {
		t.Fatalf("decodeEvent error = %v, reference accepts = %v, for %q", err, ok, p)
	}
	if err != nil {
		if !errors.Is(err, ErrInvalidPayload) {
			t.Fatalf("error %v does not wrap ErrInvalidPayload", err)
		}
		return
	}
	assert.Equal(t, want, got, "payload %q", p)
}

// decodeCorpus holds edge cases of JSON and of the envelope; each is also a
// fuzz seed.
var decodeCorpus = []string{
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{}}}`,
	` {"id":"evt_1","object":"event","type":"a.b","data":{"object":{}}} ` + "\n",
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{"k":[1,-2.5e+3,0.0,true,false,null,"s",{},[]]},"previous_attributes":null}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{}},"request":null,"account":null,"api_version":null,"created":null,"livemode":null}`,
	`{"id":"evt_\u0031\n\"x\"","object":"\u0065vent","type":"a\/b","data":{"object":{}}}`,
	`{"\u0069d":"evt_1","object":"event","type":"a.b","data":{"object":{}}}`,
	`{"id":"evt_` + "\xff\xfe" + `","object":"event","type":"a.b","data":{"object":{}}}`,
	`{"id":"evt_\ud83d\ude00\ud800","object":"event","type":"a.b","data":{"object":{}}}`,
	`{"id":"evt_1","id":"evt_2","object":"event","type":"a.b","data":{"object":{}},"data":{"object":{"x":1}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{},"previous_attributes":{"a":1}},"data":{"object":{}}}`,
	`{"ID":"evt_1","object":"event","type":"a.b","data":{"object":{}}}`,
	`{"Id":"evt_1","OBJECT":"event","Type":"a.b","dAtA":{"Object":{}},"REQUEST":{"ID":"req_1"}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{}},"data":null}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{}},"data":{"object":null}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{}},"request":{"id":"r"},"request":null}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{}},"request":"req_1"}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{}},"pending_webhooks":1.0}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{"a":1}}} x`,
	`{"id":"evt_1","object":"event","type":"a.b","created":-9223372036854775808,"pending_webhooks":9223372036854775807,"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","created":-9223372036854775809,"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","created":-0,"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","created":1e3,"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","created":01,"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","created":-,"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","created":1.,"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","created":1e,"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","livemode":true,"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","livemode":1,"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","request":{"id":"req_1","idempotency_key":null,"x":[]},"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","request":{"id":"req_1"},"request":{"idempotency_key":"k"},"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","request":[],"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","request":{"id":5},"data":{"object":{}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{"a":"\x01"}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{"a":"\q"}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{"a":"\u12"}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{"a":1,}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{"a" 1}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":[1 2]}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{1:2}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{"a":nul}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{"a":[}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{"a":]}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{}}}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{}},}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{}}`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{"a":"`,
	`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{"a":"\`,
	`{"id":"evt_1" "object":"event"}`,
	`{"id"`,
	`{"id":`,
	`{`,
	`{}`,
	``,
	`[]`,
	`nul`,
	`"str"`,
}

func TestDecodeEvent_MatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, p := range decodeCorpus {
		checkAgainstReference(t, []byte(p))
	}
	checkAgainstReference(t, sizedEvent(64<<10))
	checkAgainstReference(t, fcEvent("evt_1"))
}

// TestDecodeEvent_KeysAsEncodingJSON pins the two points where the envelope
// decoder changed with issue 14, when embedfin.Unmarshal replaced the webhook
// package's own scanner: keys match as encoding/json matches them (the scanner
// matched them exactly), and a repeated "data" or "request" object is merged
// into the first (the scanner kept only the last one).
func TestDecodeEvent_KeysAsEncodingJSON(t *testing.T) {
	t.Parallel()
	var ev events.Event
	require.NoError(t, decodeEvent([]byte(`{"ID":"evt_1","Object":"event","TYPE":"a.b","Data":{"OBJECT":{"k":1}},"Request":{"Id":"req_1"}}`), &ev))
	assert.Equal(t, "evt_1", ev.ID)
	assert.Equal(t, events.EventType("a.b"), ev.Type)
	assert.JSONEq(t, `{"k":1}`, string(ev.Data.Object))
	assert.Equal(t, "req_1", ev.Request.GetID())

	ev = events.Event{}
	require.NoError(t, decodeEvent([]byte(`{"id":"evt_1","id":"evt_2","object":"event","type":"a.b",`+
		`"data":{"object":{"a":1},"previous_attributes":{"b":2}},"data":{"object":{"c":3}},`+
		`"request":{"id":"req_1"},"request":{"idempotency_key":"k"}}`), &ev))
	assert.Equal(t, "evt_2", ev.ID, "the last of repeated strings")
	assert.JSONEq(t, `{"c":3}`, string(ev.Data.Object))
	assert.JSONEq(t, `{"b":2}`, string(ev.Data.PreviousAttributes), "kept from the first data")
	assert.Equal(t, "req_1", ev.Request.GetID(), "kept from the first request")
	assert.Equal(t, "k", *ev.Request.IdempotencyKey)
	for _, p := range []string{
		`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{}},"data":null}`,
		`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{}},"data":{"object":null}}`,
	} {
		ev = events.Event{}
		require.ErrorIs(t, decodeEvent([]byte(p), &ev), ErrInvalidPayload, p)
	}
}

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

func TestDecodeEvent_NestingLimit(t *testing.T) {
	t.Parallel()
	// encoding/json accepts 10000 nested containers and no more; so does
	// the decoder, counting the envelope's own two levels.
	nested := func(n int) []byte {
		inner := strings.Repeat("[", n-3) + strings.Repeat("]", n-3)
		return []byte(`{"id":"evt_1","object":"event","type":"a.b","data":{"object":{"deep":` + inner + `}}}`)
	}
	for _, n := range []int{maxDepth, maxDepth + 1} {
		p := nested(n)
		require.Equal(t, n <= maxDepth, json.Valid(p), n)
		checkAgainstReference(t, p)
	}
	// Deep nesting outside data.object, and a deep data.object key.
	deep := []byte(`{"x":` + strings.Repeat(`{"a":`, maxDepth) + `1` + strings.Repeat(`}`, maxDepth) + `}`)
	checkAgainstReference(t, deep)
}

// FuzzParseHeader checks that any Stripe-Signature value is parsed without
// panicking, and that what the parser accepts is consistent.
func FuzzParseHeader(f *testing.F) {
	sig := stripeSignature([]byte("{}"), testSecret, testNow.Unix())
	for _, s := range []string{
		"t=1767225600,v1=" + sig,
		"t=1767225600,v1=" + sig + ",v0=" + sig + ",v1=" + sig,
		" t=1 , v1=" + strings.ToUpper(sig) + " ",
		"t=1767225600", "v1=" + sig, "t=,v1=", "=,=", ",", "t=1,t=2,v1=" + sig,
		"t=999999999999999999,v1=" + sig, "t=-1,v1=" + sig, "garbage", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		h, err := parseHeader(header)
		if err != nil {
			if !errors.Is(err, ErrInvalidHeader) && !errors.Is(err, ErrNoValidSignature) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if h.timestamp < 0 || h.v1 < 1 || h.v1 > strings.Count(header, "v1=") {
			t.Fatalf("inconsistent header %+v for %q", h, header)
		}
		// Verification over an accepted header must not panic either.
		cfg := verifyConfig{secret: testSecret, extra: []string{otherSecret, ""}}
		_ = verifySignatures([]byte("{}"), header, h, &cfg)
	})
}

// FuzzConstructEvent feeds arbitrary payloads and headers to ConstructEvent,
// which must never panic; the payload, signed properly, must then be
// accepted exactly when the reference decoder accepts it, with the same
// fields.
func FuzzConstructEvent(f *testing.F) {
	for _, p := range decodeCorpus {
		f.Add([]byte(p), "t=1767225600,v1="+stripeSignature([]byte(p), testSecret, testNow.Unix()))
	}
	f.Add(fcEvent("evt_1Fuzz"), "t=1767225600,v1=00")
	f.Add([]byte(fixturePayload), "t=1767225600,v1="+fixtureSignature)
	f.Fuzz(func(t *testing.T, payload []byte, header string) {
		// As received, with whatever header.
		ev, err := ConstructEvent(payload, header, testSecret, fixedClock())
		if err == nil && ev.ID == "" {
			t.Fatal("accepted an event without ID")
		}
		// Properly signed: only the payload decides.
		ev, err = ConstructEvent(payload, SignHeader(payload, testSecret, testNow), testSecret, fixedClock(), WithSecrets(otherSecret))
		want, ok := refDecode(payload)
		if ok != (err == nil) {
			t.Fatalf("ConstructEvent error = %v, reference accepts = %v, for %q", err, ok, payload)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidPayload) {
				t.Fatalf("error %v does not wrap ErrInvalidPayload", err)
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Fatal("error contains the secret")
			}
			return
		}
		if !assert.Equal(t, want, ev.Event) {
			t.FailNow()
		}
	})
}
