package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/embedfin/embedfin-go/events"
)

// The event envelope is decoded by a purpose-built scanner rather than
// encoding/json, which takes about ten times as long on a 2 KiB event:
// one pass validates the whole payload as JSON (with the rules of
// json.Valid) and records where the envelope's fields are; data.object and
// data.previous_attributes are kept as slices of the payload, and the
// envelope's strings share one allocation.
//
// Keys are matched exactly, as Stripe writes them (encoding/json would also
// match "ID" to "id"); when a key appears twice, the last one wins.

// maxDepth is the nesting limit of encoding/json's scanner, kept here so
// that both accept the same documents.
const maxDepth = 10000

// span is the raw JSON text of a value: p[start:end]. end == 0 means that
// the field was absent.
type span struct{ start, end int }

func (s span) present() bool { return s.end > 0 }

// envelope records the fields of an event found by the scanner.
type envelope struct {
	id, typ, object, apiVersion, account, context span
	created, pendingWebhooks, livemode            span
	data, dataObject, previousAttributes          span
	request, requestID, idempotencyKey            span
}

type decoder struct {
	p []byte
	i int
}

// Byte classes of the scanner.
var (
	// strSafe marks the bytes that can be skipped inside a JSON string: all
	// but the quote, the backslash and control characters.
	strSafe [256]bool
	// isSpace marks JSON whitespace.
	isSpace [256]bool
)

func init() {
	for c := 0x20; c < 256; c++ {
		strSafe[c] = c != '"' && c != '\\'
	}
	for _, c := range []byte(" \t\n\r") {
		isSpace[c] = true
	}
}

// syntaxError reports invalid JSON at offset off. It never quotes the
// payload.
func syntaxError(off int, msg string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrInvalidPayload, msg, off)
}

func (d *decoder) fail(msg string) error { return syntaxError(d.i, msg) }

func (d *decoder) ws() {
	for d.i < len(d.p) && isSpace[d.p[d.i]] {
		d.i++
	}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// The scanning functions below take the input and an offset and return the
// offset after what they consumed; working on locals rather than through a
// *decoder keeps the hot loops in registers.

// scanString consumes the string whose opening quote is p[i].
func scanString(p []byte, i int) (int, error) {
	i++
	for {
		for i < len(p) && strSafe[p[i]] {
			i++
		}
		if i >= len(p) {
			return i, syntaxError(i, "unterminated string")
		}
		switch p[i] {
		case '"':
			return i + 1, nil
		case '\\':
			i++
			if i >= len(p) {
				return i, syntaxError(i, "unterminated string")
			}
			switch p[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if i+4 >= len(p) {
					return i, syntaxError(i, "unterminated string")
				}
				for _, c := range p[i+1 : i+5] {
					if unhex(c) > 15 {
						return i, syntaxError(i, "invalid \\u escape")
					}
				}
				i += 5
			default:
				return i, syntaxError(i, "invalid escape")
			}
		default:
			return i, syntaxError(i, "control character in string")
		}
	}
}

// scanNumber consumes a number, with the JSON grammar, starting at p[i].
func scanNumber(p []byte, i int) (int, error) {
	if i < len(p) && p[i] == '-' {
		i++
	}
	switch {
	case i < len(p) && p[i] == '0':
		i++
	case i < len(p) && '1' <= p[i] && p[i] <= '9':
		for i < len(p) && isDigit(p[i]) {
			i++
		}
	default:
		return i, syntaxError(i, "invalid number")
	}
	if i < len(p) && p[i] == '.' {
		i++
		if i >= len(p) || !isDigit(p[i]) {
			return i, syntaxError(i, "invalid number")
		}
		for i < len(p) && isDigit(p[i]) {
			i++
		}
	}
	if i < len(p) && (p[i] == 'e' || p[i] == 'E') {
		i++
		if i < len(p) && (p[i] == '+' || p[i] == '-') {
			i++
		}
		if i >= len(p) || !isDigit(p[i]) {
			return i, syntaxError(i, "invalid number")
		}
		for i < len(p) && isDigit(p[i]) {
			i++
		}
	}
	return i, nil
}

// scanKey consumes a key, the colon after it and the blanks around the
// colon, from p[i]; it returns the offsets of the key (quotes included) and
// of the value after it.
func scanKey(p []byte, i int) (keyEnd, next int, err error) {
	if i >= len(p) || p[i] != '"' {
		return i, i, syntaxError(i, "expected a string key")
	}
	// Fast path: a key without escapes.
	j := i + 1
	for j < len(p) && strSafe[p[j]] {
		j++
	}
	if j < len(p) && p[j] == '"' {
		j++
	} else if j, err = scanString(p, i); err != nil {
		return j, j, err
	}
	keyEnd = j
	for j < len(p) && isSpace[p[j]] {
		j++
	}
	if j >= len(p) || p[j] != ':' {
		return j, j, syntaxError(j, "expected ':'")
	}
	j++
	for j < len(p) && isSpace[p[j]] {
		j++
	}
	return keyEnd, j, nil
}

// skipValue consumes one value starting at p[i], depth being the number of
// containers already open around it. It never recurses: the containers it
// opens are tracked on a stack of their opening brackets.
func skipValue(p []byte, i, depth int) (int, error) {
	var small [64]byte
	stack := small[:0]
	var err error
value:
	for {
		if i >= len(p) {
			return i, syntaxError(i, "unexpected end of input")
		}
		switch c := p[i]; {
		case c == '"':
			j := i + 1
			for j < len(p) && strSafe[p[j]] {
				j++
			}
			if j < len(p) && p[j] == '"' {
				i = j + 1
			} else if i, err = scanString(p, i); err != nil {
				return i, err
			}
		case c == '{' || c == '[':
			if depth+len(stack) >= maxDepth {
				return i, syntaxError(i, "nesting too deep")
			}
			stack = append(stack, c)
			i++
			for i < len(p) && isSpace[p[i]] {
				i++
			}
			if i < len(p) && p[i] == c+2 { // '}' and ']' come 2 after '{' and '['
				i++
				stack = stack[:len(stack)-1]
				break
			}
			if c == '{' {
				if _, i, err = scanKey(p, i); err != nil {
					return i, err
				}
			}
			continue value
		case c == '-' || isDigit(c):
			if i, err = scanNumber(p, i); err != nil {
				return i, err
			}
		case c == 't' && bytes.HasPrefix(p[i:], litTrue):
			i += len(litTrue)
		case c == 'f' && bytes.HasPrefix(p[i:], litFalse):
			i += len(litFalse)
		case c == 'n' && bytes.HasPrefix(p[i:], litNull):
			i += len(litNull)
		default:
			return i, syntaxError(i, "invalid character")
		}
		// A value ended: close containers until one goes on with a comma.
		for len(stack) > 0 {
			for i < len(p) && isSpace[p[i]] {
				i++
			}
			if i >= len(p) {
				return i, syntaxError(i, "unexpected end of input")
			}
			top := stack[len(stack)-1]
			switch p[i] {
			case ',':
				i++
				for i < len(p) && isSpace[p[i]] {
					i++
				}
				if top == '{' {
					if _, i, err = scanKey(p, i); err != nil {
						return i, err
					}
				}
				continue value
			case top + 2:
				i++
				stack = stack[:len(stack)-1]
			default:
				return i, syntaxError(i, "expected ',' or a closing bracket")
			}
		}
		return i, nil
	}
}

var (
	litTrue  = []byte("true")
	litFalse = []byte("false")
	litNull  = []byte("null")
)

// member consumes a key and its colon, blanks included, stopping at the
// value. It returns the key's raw text, quotes included.
func (d *decoder) member() ([]byte, error) {
	start := d.i
	keyEnd, next, err := scanKey(d.p, d.i)
	d.i = next
	if err != nil {
		return nil, err
	}
	return d.p[start:keyEnd], nil
}

// skip consumes one value, depth being the number of containers open around
// it.
func (d *decoder) skip(depth int) error {
	var err error
	d.i, err = skipValue(d.p, d.i, depth)
	return err
}

// object consumes an object whose members are visited by field, which must
// consume each value. depth is the object's own depth.
func (d *decoder) object(depth int, field func(key []byte, depth int) error) error {
	if depth > maxDepth {
		return d.fail("nesting too deep")
	}
	d.i++ // '{'
	d.ws()
	if d.i < len(d.p) && d.p[d.i] == '}' {
		d.i++
		return nil
	}
	for {
		key, err := d.member()
		if err != nil {
			return err
		}
		if err := field(key, depth); err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.p) {
			return d.fail("unexpected end of input")
		}
		switch d.p[d.i] {
		case ',':
			d.i++
			d.ws()
		case '}':
			d.i++
			return nil
		default:
			return d.fail("expected ',' or '}'")
		}
	}
}

// value consumes a value and records its span in *s.
func (d *decoder) value(s *span, depth int) error {
	start := d.i
	if err := d.skip(depth); err != nil {
		return err
	}
	*s = span{start, d.i}
	return nil
}

// keyIs reports whether the raw key (quotes included) denotes name. Escaped
// keys are decoded first.
func keyIs(raw []byte, name string) bool {
	if bytes.IndexByte(raw, '\\') < 0 {
		return len(raw) == len(name)+2 && string(raw[1:len(raw)-1]) == name
	}
	var k string
	return json.Unmarshal(raw, &k) == nil && k == name
}

// scan validates p as one JSON object and records the envelope's fields.
func (d *decoder) scan(env *envelope) error {
	d.ws()
	if d.i >= len(d.p) || d.p[d.i] != '{' {
		return d.fail("not a JSON object")
	}
	err := d.object(1, func(key []byte, depth int) error {
		var s *span
		switch {
		case keyIs(key, "data"):
			env.data, env.dataObject, env.previousAttributes = span{}, span{}, span{}
			return d.nested(&env.data, depth, func(key []byte, depth int) error {
				switch {
				case keyIs(key, "object"):
					return d.value(&env.dataObject, depth)
				case keyIs(key, "previous_attributes"):
					return d.value(&env.previousAttributes, depth)
				}
				return d.skip(depth)
			})
		case keyIs(key, "request"):
			env.request, env.requestID, env.idempotencyKey = span{}, span{}, span{}
			return d.nested(&env.request, depth, func(key []byte, depth int) error {
				switch {
				case keyIs(key, "id"):
					return d.value(&env.requestID, depth)
				case keyIs(key, "idempotency_key"):
					return d.value(&env.idempotencyKey, depth)
				}
				return d.skip(depth)
			})
		case keyIs(key, "id"):
			s = &env.id
		case keyIs(key, "type"):
			s = &env.typ
		case keyIs(key, "object"):
			s = &env.object
		case keyIs(key, "api_version"):
			s = &env.apiVersion
		case keyIs(key, "account"):
			s = &env.account
		case keyIs(key, "context"):
			s = &env.context
		case keyIs(key, "created"):
			s = &env.created
		case keyIs(key, "pending_webhooks"):
			s = &env.pendingWebhooks
		case keyIs(key, "livemode"):
			s = &env.livemode
		default:
			return d.skip(depth)
		}
		return d.value(s, depth)
	})
	if err != nil {
		return err
	}
	d.ws()
	if d.i != len(d.p) {
		return d.fail("data after the top-level object")
	}
	return nil
}

// nested consumes a value recording its span; when it is an object, its
// members go to field.
func (d *decoder) nested(s *span, depth int, field func(key []byte, depth int) error) error {
	start := d.i
	if d.i < len(d.p) && d.p[d.i] == '{' {
		if err := d.object(depth+1, field); err != nil {
			return err
		}
	} else if err := d.skip(depth); err != nil {
		return err
	}
	*s = span{start, d.i}
	return nil
}

// decodeEvent fills ev from an event payload.
func decodeEvent(p []byte, ev *events.Event) error {
	d := decoder{p: p}
	var env envelope
	if err := d.scan(&env); err != nil {
		return err
	}
	raw := func(s span) []byte { return p[s.start:s.end] }
	isNull := func(s span) bool { return !s.present() || string(raw(s)) == "null" }

	// object must be "event", checked without allocating.
	if !env.object.present() || !keyIs(raw(env.object), "event") {
		return fmt.Errorf(`%w: "object" is not "event"`, ErrInvalidPayload)
	}
	ev.Object = "event"

	// The strings of the envelope, decoded into one buffer.
	var strs strSet
	idRef, err := strs.add(p, "id", env.id)
	if err != nil {
		return err
	}
	typeRef, err := strs.add(p, "type", env.typ)
	if err != nil {
		return err
	}
	verRef, err := strs.add(p, "api_version", env.apiVersion)
	if err != nil {
		return err
	}
	acctRef, err := strs.add(p, "account", env.account)
	if err != nil {
		return err
	}
	ctxRef, err := strs.add(p, "context", env.context)
	if err != nil {
		return err
	}
	var reqIDRef, idemRef strRef
	hasRequest := !isNull(env.request)
	if hasRequest {
		if raw(env.request)[0] != '{' {
			return fmt.Errorf(`%w: "request" is not an object`, ErrInvalidPayload)
		}
		if reqIDRef, err = strs.add(p, "request.id", env.requestID); err != nil {
			return err
		}
		if idemRef, err = strs.add(p, "request.idempotency_key", env.idempotencyKey); err != nil {
			return err
		}
	}

	if ev.Created, err = intField(p, "created", env.created); err != nil {
		return err
	}
	if ev.PendingWebhooks, err = intField(p, "pending_webhooks", env.pendingWebhooks); err != nil {
		return err
	}
	if env.livemode.present() {
		switch string(raw(env.livemode)) {
		case "true":
			ev.Livemode = true
		case "false", "null":
		default:
			return fmt.Errorf(`%w: "livemode" is not a boolean`, ErrInvalidPayload)
		}
	}
	if isNull(env.data) || raw(env.data)[0] != '{' {
		return fmt.Errorf(`%w: "data" is not an object`, ErrInvalidPayload)
	}
	if !env.dataObject.present() || raw(env.dataObject)[0] != '{' {
		return fmt.Errorf(`%w: "data.object" is not an object`, ErrInvalidPayload)
	}

	// One allocation for the pointed-to parts of the event.
	store := new(eventStore)
	store.data.Object = json.RawMessage(raw(env.dataObject))
	if env.previousAttributes.present() {
		store.data.PreviousAttributes = json.RawMessage(raw(env.previousAttributes))
	}
	ev.Data = &store.data

	all := strs.build()
	ev.ID = idRef.get(all)
	ev.Type = events.EventType(typeRef.get(all))
	if ev.ID == "" || ev.Type == "" {
		return fmt.Errorf(`%w: "id" or "type" is missing`, ErrInvalidPayload)
	}
	ev.APIVersion = store.ptr(0, verRef, all)
	ev.Account = store.ptr(1, acctRef, all)
	ev.Context = store.ptr(2, ctxRef, all)
	if hasRequest {
		store.request.ID = store.ptr(3, reqIDRef, all)
		store.request.IdempotencyKey = store.ptr(4, idemRef, all)
		ev.Request = &store.request
	}
	return nil
}

// eventStore holds everything an event points to, so that one allocation
// serves them all.
type eventStore struct {
	data    events.EventData
	request events.EventRequest
	strs    [5]string
}

// ptr returns a pointer to the string r, or nil when r is null.
func (s *eventStore) ptr(slot int, r strRef, all string) *string {
	if !r.ok {
		return nil
	}
	s.strs[slot] = r.get(all)
	return &s.strs[slot]
}

// strRef locates a decoded string in a strSet's buffer; ok is false for a
// null or absent value.
type strRef struct {
	off, n int
	ok     bool
}

func (r strRef) get(all string) string { return all[r.off : r.off+r.n] }

// strSet gathers the envelope's strings: most are plain text of the payload
// and are only referenced until build copies them into one string; those
// with escapes or invalid UTF-8 are decoded like encoding/json does.
type strSet struct {
	parts [7]strPart
	n     int
	size  int
}

type strPart struct {
	raw     []byte
	decoded string
	slow    bool
}

// add records the string of span s (for field name), which must be a JSON
// string or null.
func (ss *strSet) add(p []byte, name string, s span) (strRef, error) {
	if !s.present() || string(p[s.start:s.end]) == "null" {
		return strRef{}, nil
	}
	raw := p[s.start:s.end]
	if raw[0] != '"' {
		return strRef{}, fmt.Errorf("%w: %q is not a string", ErrInvalidPayload, name)
	}
	part := &ss.parts[ss.n]
	ss.n++
	body := raw[1 : len(raw)-1]
	ref := strRef{off: ss.size, ok: true}
	if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
		*part = strPart{raw: body}
		ref.n = len(body)
	} else {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return strRef{}, fmt.Errorf("%w: %q is not a valid string", ErrInvalidPayload, name)
		}
		*part = strPart{decoded: v, slow: true}
		ref.n = len(v)
	}
	ss.size += ref.n
	return ref, nil
}

// build returns all the strings added, concatenated in one allocation.
func (ss *strSet) build() string {
	var b strings.Builder
	b.Grow(ss.size)
	for _, part := range ss.parts[:ss.n] {
		if part.slow {
			b.WriteString(part.decoded)
		} else {
			b.Write(part.raw)
		}
	}
	return b.String()
}

// intField decodes an integer field: an integer literal that fits an int64,
// or null (0).
func intField(p []byte, name string, s span) (int64, error) {
	if !s.present() {
		return 0, nil
	}
	raw := p[s.start:s.end]
	if string(raw) == "null" {
		return 0, nil
	}
	neg := raw[0] == '-'
	digits := raw
	if neg {
		digits = raw[1:]
	}
	if len(digits) == 0 {
		return 0, fmt.Errorf("%w: %q is not an integer", ErrInvalidPayload, name)
	}
	var n uint64
	for _, c := range digits {
		if !isDigit(c) {
			return 0, fmt.Errorf("%w: %q is not an integer", ErrInvalidPayload, name)
		}
		if n > (1<<63)/10 {
			return 0, fmt.Errorf("%w: %q overflows an int64", ErrInvalidPayload, name)
		}
		n = n*10 + uint64(c-'0')
	}
	switch {
	case neg && n <= 1<<63:
		return -int64(n-1) - 1, nil
	case !neg && n < 1<<63:
		return int64(n), nil
	}
	return 0, fmt.Errorf("%w: %q overflows an int64", ErrInvalidPayload, name)
}
