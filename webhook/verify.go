package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
	// the wrong type, or id, type or data.object is missing. When the
	// payload is not JSON, or a field has the wrong type, the error also
	// wraps encoding/json's *json.SyntaxError or *json.UnmarshalTypeError.
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
// The returned event shares no memory with payload (Data.Object and
// Data.PreviousAttributes are copies): payload may be reused once
// ConstructEvent returns. After a nil error, Data is non-nil. On error the
// Event is the zero value and the error wraps one of the package's sentinel
// errors, or is the *embedfin.ValidationError of an invalid Option (a
// Handler option such as WithDedupe is one here).
func ConstructEvent(payload []byte, header, secret string, opts ...Option) (Event, error) {
	cfg := verifyConfig{secret: secret}
	if len(opts) > 0 {
		// Calling options through function values makes their target
		// escape; using a separate copy keeps the option-less path
		// allocation-free.
		c := &config{verify: cfg}
		if err := c.apply(opts); err != nil {
			return Event{}, err
		}
		cfg = c.verify
	}
	return constructEvent(payload, header, &cfg)
}

// verifyConfig is the verification part of config. It holds the secrets, so
// no value of it may ever be printed.
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

// maxTimestampDigits bounds the length of a timestamp, leading zeros
// included: 18 digits is ample for Unix seconds and keeps the signed prefix
// within verifyScratch.prefix.
const maxTimestampDigits = 18

// parseHeader checks the structure of a Stripe-Signature value: items
// separated by commas, each "scheme=value" (blanks around an item are
// allowed), exactly one "t" whose value is a decimal Unix time, and any
// number of other schemes. A v1 value that is not 64 hex digits is not
// counted (Stripe's libraries ignore undecodable signatures too).
func parseHeader(header string) (sigHeader, error) {
	var h sigHeader
	seenT := false
	for item := range strings.SplitSeq(header, ",") {
		scheme, val, ok := splitItem(item)
		if !ok {
			return sigHeader{}, ErrInvalidHeader
		}
		switch scheme {
		case "t":
			ts, ok := parseTimestamp(val)
			if !ok || seenT {
				return sigHeader{}, ErrInvalidHeader
			}
			h.timestamp, seenT = ts, true
		case "v1":
			if _, ok := decodeSig(val); ok {
				h.v1++
			}
		}
	}
	if !seenT {
		return sigHeader{}, ErrInvalidHeader
	}
	if h.v1 == 0 {
		return sigHeader{}, ErrNoValidSignature
	}
	return h, nil
}

// splitItem splits one header item at its first '=', after removing the
// blanks (HTTP's optional white space: spaces and tabs) around it. The
// scheme must be non-empty.
func splitItem(item string) (scheme, val string, ok bool) {
	scheme, val, ok = strings.Cut(strings.Trim(item, " \t"), "=")
	return scheme, val, ok && scheme != ""
}

// parseTimestamp accepts 1 to maxTimestampDigits decimal digits, without a
// sign (which strconv.ParseInt would accept).
func parseTimestamp(s string) (int64, bool) {
	if s == "" || len(s) > maxTimestampDigits || s[0] == '+' || s[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// decodeSig decodes a v1 value, the 64 hex digits (either case) of an
// HMAC-SHA256.
func decodeSig(s string) (sig [sha256.Size]byte, ok bool) {
	// A copy on the stack: hex.Decode takes a []byte, and converting s would
	// allocate.
	var src [2 * sha256.Size]byte
	if len(s) != len(src) {
		return sig, false
	}
	copy(src[:], s)
	_, err := hex.Decode(sig[:], src[:])
	return sig, err == nil
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
	for item := range strings.SplitSeq(header, ",") {
		scheme, val, ok := splitItem(item)
		if !ok || scheme != "v1" {
			continue
		}
		sig, ok := decodeSig(val)
		if !ok {
			continue
		}
		for i := range expected {
			if hmac.Equal(sig[:], expected[i][:]) {
				return true
			}
		}
	}
	return false
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
	out := make([]byte, 0, len("t=,v1=")+20+2*sha256.Size)
	out = append(out, "t="...)
	out = strconv.AppendInt(out, ts, 10)
	out = append(out, ",v1="...)
	out = hex.AppendEncode(out, mac.Sum(sum[:0]))
	return string(out)
}
