package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// SignatureHeader is the HTTP header in which Stripe sends the signature of a
// webhook delivery.
const SignatureHeader = "Stripe-Signature"

// DefaultTolerance is how far a signature's timestamp may be from the current
// time, in either direction, unless WithTolerance says otherwise. It matches
// the tolerance of Stripe's own libraries.
const DefaultTolerance = 5 * time.Minute

// Errors returned by ConstructEvent, possibly wrapped with details; test for
// them with errors.Is. None of them, wrapped or not, ever contains a secret.
var (
	// ErrNoSecret means that no non-empty signing secret was given. An empty
	// key would let anyone forge signatures, so it is never used.
	ErrNoSecret = errors.New("webhook: no signing secret configured")
	// ErrMissingHeader means that the Stripe-Signature header is absent or
	// empty.
	ErrMissingHeader = errors.New("webhook: missing Stripe-Signature header")
	// ErrInvalidHeader means that the Stripe-Signature header is not a
	// comma-separated list of scheme=value pairs with exactly one timestamp
	// ("t=<unix seconds>").
	ErrInvalidHeader = errors.New("webhook: malformed Stripe-Signature header")
	// ErrNoValidSignature means that no v1 signature of the header matches
	// the payload under any of the secrets, or that the header has no v1
	// signature at all (v0 and unknown schemes are ignored).
	ErrNoValidSignature = errors.New("webhook: no valid signature")
	// ErrTimestampOutOfTolerance means that the signature is valid but its
	// timestamp is too old or too far in the future: a replayed or delayed
	// delivery, or a wrong clock.
	ErrTimestampOutOfTolerance = errors.New("webhook: signature timestamp outside the tolerance")
	// ErrInvalidPayload means that the signed payload is not a JSON event
	// object: not JSON, not an object, "object" is not "event", a field has
	// the wrong type, or id, type or data.object is missing.
	ErrInvalidPayload = errors.New("webhook: payload is not a JSON event object")
	// ErrAPIVersionMismatch is returned, when WithStrictAPIVersion is set,
	// for an event rendered in another API version than embedfin.APIVersion.
	ErrAPIVersionMismatch = errors.New("webhook: event API version differs from the SDK's")
)

// ConstructEvent verifies a webhook delivery and decodes its event.
//
// payload is the request body exactly as received, header the value of the
// Stripe-Signature header and secret the endpoint's signing secret
// ("whsec_..."). The header has the form "t=<unix>,v1=<hex>[,v1=<hex>...]";
// the delivery is authentic when one v1 value is the hex HMAC-SHA256 of
// "<t>.<payload>" under the secret, or under one of the secrets added with
// WithSecrets (comparisons take constant time). v0 and unknown schemes are
// ignored. The timestamp must then lie within the tolerance (DefaultTolerance,
// or WithTolerance) of the clock, in the past or in the future. Signatures are
// checked before the timestamp, so ErrTimestampOutOfTolerance always concerns
// a genuine delivery.
//
// The payload must be a JSON event object ("object": "event") with an id, a
// type and a data.object. An event rendered in another API version than
// embedfin.APIVersion is returned with APIVersionMismatch set, or rejected
// with ErrAPIVersionMismatch under WithStrictAPIVersion.
//
// The returned event's Data.Object and Data.PreviousAttributes are slices of
// payload, not copies: do not modify payload while the event is in use.
// After a nil error, Data is non-nil. On error the Event is the zero value
// and the error wraps one of the package's sentinel errors.
func ConstructEvent(payload []byte, header, secret string, opts ...Option) (Event, error) {
	cfg := verifyConfig{secret: secret}
	if len(opts) > 0 {
		// Applying options through an interface makes their target escape;
		// using a separate copy keeps the option-less path allocation-free.
		c := new(verifyConfig)
		*c = cfg
		for _, o := range opts {
			if o != nil {
				o.applyVerify(c)
			}
		}
		cfg = *c
	}
	return constructEvent(payload, header, &cfg)
}

// verifyConfig is what the Options set. It holds the secrets, so no value of
// it may ever be printed.
type verifyConfig struct {
	secret    string
	extra     []string
	tolerance time.Duration
	now       func() time.Time
	strict    bool
}

func (c *verifyConfig) hasSecret() bool {
	if c.secret != "" {
		return true
	}
	for _, s := range c.extra {
		if s != "" {
			return true
		}
	}
	return false
}

func constructEvent(payload []byte, header string, cfg *verifyConfig) (Event, error) {
	if !cfg.hasSecret() {
		return Event{}, ErrNoSecret
	}
	if header == "" {
		return Event{}, ErrMissingHeader
	}
	h, err := parseHeader(header)
	if err != nil {
		return Event{}, err
	}
	if !verifySignatures(payload, header, h, cfg) {
		return Event{}, ErrNoValidSignature
	}
	tolerance := cfg.tolerance
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	now := time.Now
	if cfg.now != nil {
		now = cfg.now
	}
	if skew := now().Sub(time.Unix(h.timestamp, 0)); skew > tolerance || skew < -tolerance {
		return Event{}, timestampError(skew, tolerance)
	}
	var ev Event
	if err := decodeEvent(payload, &ev.Event); err != nil {
		return Event{}, err
	}
	if ev.APIVersion != nil && baseVersion(*ev.APIVersion) != pinnedBase {
		if cfg.strict {
			return Event{}, fmt.Errorf("%w: event %s has %q, the SDK is pinned to %q",
				ErrAPIVersionMismatch, ev.ID, *ev.APIVersion, pinnedBase)
		}
		ev.APIVersionMismatch = true
	}
	return ev, nil
}

func timestampError(skew, tolerance time.Duration) error {
	if skew > 0 {
		return fmt.Errorf("%w: signed %s ago, tolerance %s", ErrTimestampOutOfTolerance, skew.Truncate(time.Second), tolerance)
	}
	return fmt.Errorf("%w: signed %s in the future, tolerance %s", ErrTimestampOutOfTolerance, (-skew).Truncate(time.Second), tolerance)
}

// sigHeader is what parseHeader learns from a Stripe-Signature value: the
// timestamp, and how many well-formed v1 signatures it carries. The
// signatures themselves are read again from the header when comparing, so
// parsing allocates nothing.
type sigHeader struct {
	timestamp int64
	v1        int
}

// maxTimestampDigits keeps timestamps far from int64 overflow.
const maxTimestampDigits = 18

// parseHeader checks the structure of a Stripe-Signature value: items
// separated by commas, each "scheme=value" (blanks around an item are
// allowed), exactly one "t" whose value is a decimal Unix time, and any
// number of other schemes. A v1 value that is not 64 hex digits is not
// counted (Stripe's libraries ignore undecodable signatures too).
func parseHeader(header string) (sigHeader, error) {
	var h sigHeader
	seenT := false
	for rest := header; ; {
		item, tail, more := cutComma(rest)
		key, val, ok := splitItem(item)
		if !ok {
			return sigHeader{}, ErrInvalidHeader
		}
		switch key {
		case "t":
			ts, ok := parseTimestamp(val)
			if !ok || seenT {
				return sigHeader{}, ErrInvalidHeader
			}
			h.timestamp, seenT = ts, true
		case "v1":
			if len(val) == 2*sha256.Size && isHex(val) {
				h.v1++
			}
		}
		if !more {
			break
		}
		rest = tail
	}
	if !seenT {
		return sigHeader{}, ErrInvalidHeader
	}
	if h.v1 == 0 {
		return sigHeader{}, ErrNoValidSignature
	}
	return h, nil
}

// cutComma returns the text before the first comma of s, the text after it,
// and whether there was a comma.
func cutComma(s string) (item, rest string, found bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// splitItem splits one header item, blanks around it removed, at its first
// '='. The scheme must be non-empty.
func splitItem(item string) (key, val string, ok bool) {
	item = trimBlanks(item)
	for i := 0; i < len(item); i++ {
		if item[i] == '=' {
			if i == 0 {
				return "", "", false
			}
			return item[:i], item[i+1:], true
		}
	}
	return "", "", false
}

func trimBlanks(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// parseTimestamp accepts 1 to maxTimestampDigits decimal digits, no sign.
func parseTimestamp(s string) (int64, bool) {
	if len(s) == 0 || len(s) > maxTimestampDigits {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if unhex(s[i]) > 15 {
			return false
		}
	}
	return true
}

// unhex returns the value of a hex digit, either case, or 0xff.
func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0xff
}

// decodeSig decodes 64 hex digits, already checked by isHex.
func decodeSig(s string, dst *[sha256.Size]byte) {
	for i := range dst {
		dst[i] = unhex(s[2*i])<<4 | unhex(s[2*i+1])
	}
}

// verifyScratch is the memory verifySignatures needs beyond the stack, in
// one allocation: the signed prefix and the digest go through hash.Hash
// methods, which makes them escape. macs covers the usual one or two
// secrets.
type verifyScratch struct {
	prefix [maxTimestampDigits + 1]byte
	sum    [sha256.Size]byte
	macs   [2][sha256.Size]byte
}

// verifySignatures computes the expected signature under every secret once,
// then compares each v1 signature of the header with each of them in
// constant time.
func verifySignatures(payload []byte, header string, h sigHeader, cfg *verifyConfig) bool {
	s := new(verifyScratch)
	pre := append(strconv.AppendInt(s.prefix[:0], h.timestamp, 10), '.')
	expected := s.macs[:0]
	add := func(secret string) {
		if secret == "" {
			return
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(pre)
		mac.Write(payload)
		expected = append(expected, [sha256.Size]byte(mac.Sum(s.sum[:0])))
	}
	add(cfg.secret)
	for _, secret := range cfg.extra {
		add(secret)
	}
	var sig [sha256.Size]byte
	for rest := header; ; {
		item, tail, more := cutComma(rest)
		if key, val, ok := splitItem(item); ok && key == "v1" && len(val) == 2*sha256.Size && isHex(val) {
			decodeSig(val, &sig)
			for i := range expected {
				if hmac.Equal(sig[:], expected[i][:]) {
					return true
				}
			}
		}
		if !more {
			return false
		}
		rest = tail
	}
}

// SignHeader returns the Stripe-Signature value that Stripe would send for
// payload signed with secret at time t: "t=<unix seconds>,v1=<hex>". It is
// meant for tests and emulators; ConstructEvent accepts the result for as
// long as t is within the tolerance of its clock. An empty secret, or a t
// before 1970, gives a header that ConstructEvent never accepts.
func SignHeader(payload []byte, secret string, t time.Time) string {
	ts := t.Unix()
	mac := hmac.New(sha256.New, []byte(secret))
	var prefix [maxTimestampDigits + 2]byte
	mac.Write(append(strconv.AppendInt(prefix[:0], ts, 10), '.'))
	mac.Write(payload)
	var sum [sha256.Size]byte
	const hexDigits = "0123456789abcdef"
	out := make([]byte, 0, len("t=,v1=")+20+2*sha256.Size)
	out = append(out, "t="...)
	out = strconv.AppendInt(out, ts, 10)
	out = append(out, ",v1="...)
	for _, b := range mac.Sum(sum[:0]) {
		out = append(out, hexDigits[b>>4], hexDigits[b&0x0f])
	}
	return string(out)
}
