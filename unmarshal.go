package embedfin

import (
	"encoding"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Unmarshal decodes the JSON in data into v, which must be a non-nil
// pointer, with the results and errors of encoding/json.Unmarshal. It is
// what the client uses for every response body, and what webhook.Data and
// RawObject.Decode use; call it to decode Stripe JSON you stored yourself.
//
// It is faster than encoding/json and allocates less: it reads the input in
// one pass through per-type decoding plans built once, strings in the
// result share one copy of data instead of being allocated one by one, and
// expanded objects (Expandable) are decoded once, in place. Types this
// decoder does not handle itself (interfaces, encoding.TextUnmarshaler,
// ",string" fields, embedded pointers...) are handed to encoding/json for
// their part of the input, and a json.Unmarshaler is called as encoding/json
// would call it.
//
// When the input is invalid or does not fit v, Unmarshal returns the error
// encoding/json.Unmarshal returns for it (it runs encoding/json over the
// input to produce it). Unlike encoding/json, which checks the syntax of
// the whole input first, v may then have been partly written.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || promotedUnmarshaler(rv.Type().Elem()) {
		return json.Unmarshal(data, v)
	}
	d := decPool.Get().(*decoder)
	d.data = data
	err := d.top(rv.Elem())
	d.release()
	if err != nil {
		return json.Unmarshal(data, v)
	}
	return nil
}

// errSlow ends a fast decode; Unmarshal then lets encoding/json produce the
// error it would have given.
var errSlow = errors.New("embedfin: input needs encoding/json")

// maxDecodeDepth is encoding/json's nesting limit.
const maxDecodeDepth = 10000

type decoder struct {
	data  []byte
	str   string // string(data), made on first use; strings slice it
	i     int
	depth int
}

var decPool = sync.Pool{New: func() any { return new(decoder) }}

func (d *decoder) release() {
	d.data, d.str, d.i, d.depth = nil, "", 0, 0
	decPool.Put(d)
}

func (d *decoder) top(v reflect.Value) error {
	if err := planFor(v.Type()).fn(d, v); err != nil {
		return err
	}
	d.ws()
	if d.i != len(d.data) {
		return errSlow
	}
	return nil
}

// sub returns data[a:b] as a string sharing the decoder's one copy.
func (d *decoder) sub(a, b int) string {
	if a == b {
		return ""
	}
	if d.str == "" {
		d.str = string(d.data)
	}
	return d.str[a:b]
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (d *decoder) ws() {
	for d.i < len(d.data) && isSpace(d.data[d.i]) {
		d.i++
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (d *decoder) peek() byte {
	d.ws()
	if d.i < len(d.data) {
		return d.data[d.i]
	}
	return 0
}

func (d *decoder) literal(lit string) error {
	if len(d.data)-d.i < len(lit) || string(d.data[d.i:d.i+len(lit)]) != lit {
		return errSlow
	}
	d.i += len(lit)
	return nil
}

func (d *decoder) enter() error {
	d.depth++
	if d.depth > maxDecodeDepth {
		return errSlow
	}
	return nil
}

// --- Tokens -------------------------------------------------------------------

// strSpecial marks the bytes that end the fast scan of a string: the
// closing quote, the escape character, control characters and non-ASCII.
var strSpecial = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80
	}
	return t
}()

// readString reads the string at d.i (a '"').
func (d *decoder) readString() (string, error) {
	start := d.i + 1
	i := start
	for i < len(d.data) && !strSpecial[d.data[i]] {
		i++
	}
	if i < len(d.data) && d.data[i] == '"' {
		d.i = i + 1
		return d.sub(start, i), nil
	}
	return d.readStringSlow(start, i)
}

// readStringSlow finishes a string holding escapes or non-ASCII bytes,
// validating it as encoding/json's scanner does and converting it as its
// unquote does (invalid UTF-8 and lone surrogates become U+FFFD).
func (d *decoder) readStringSlow(start, i int) (string, error) {
	escaped, ascii := false, true
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			d.i = i + 1
			raw := d.data[start:i]
			if !escaped && (ascii || utf8.Valid(raw)) {
				return d.sub(start, i), nil
			}
			return unquote(raw), nil
		case c == '\\':
			escaped = true
			if i+1 >= len(d.data) {
				return "", errSlow
			}
			switch d.data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(d.data)-i < 6 || hex4(d.data[i+2:i+6]) < 0 {
					return "", errSlow
				}
				i += 6
			default:
				return "", errSlow
			}
		case c < 0x20:
			return "", errSlow
		default:
			if c >= 0x80 {
				ascii = false
			}
			i++
		}
	}
	return "", errSlow
}

// hex4 decodes four hex digits, or returns -1.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// unquote converts the inside of a validated JSON string.
func unquote(s []byte) string {
	b := make([]byte, 0, len(s)+utf8.UTFMax)
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			switch e := s[r+1]; e {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := hex4(s[r+2:])
				r += 6
				if utf16.IsSurrogate(rr) {
					if r+6 <= len(s) && s[r] == '\\' && s[r+1] == 'u' {
						if dec := utf16.DecodeRune(rr, hex4(s[r+2:])); dec != unicode.ReplacementChar {
							b = utf8.AppendRune(b, dec)
							r += 6
							continue
						}
					}
					rr = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, rr)
				continue
			default: // '"', '\\', '/'
				b = append(b, e)
			}
			r += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			b = utf8.AppendRune(b, rr)
			r += size
		}
	}
	return string(b)
}

// readNumber scans the number at d.i and returns its bounds and whether it
// is a plain integer (no fraction, no exponent).
func (d *decoder) readNumber() (start, end int, isInt bool, err error) {
	p, i := d.data, d.i
	start = i
	if i < len(p) && p[i] == '-' {
		i++
	}
	switch {
	case i < len(p) && p[i] == '0':
		i++
	case i < len(p) && '1' <= p[i] && p[i] <= '9':
		for i < len(p) && '0' <= p[i] && p[i] <= '9' {
			i++
		}
	default:
		return 0, 0, false, errSlow
	}
	isInt = true
	if i < len(p) && p[i] == '.' {
		isInt = false
		i++
		if i >= len(p) || p[i] < '0' || p[i] > '9' {
			return 0, 0, false, errSlow
		}
		for i < len(p) && '0' <= p[i] && p[i] <= '9' {
			i++
		}
	}
	if i < len(p) && (p[i] == 'e' || p[i] == 'E') {
		isInt = false
		i++
		if i < len(p) && (p[i] == '+' || p[i] == '-') {
			i++
		}
		if i >= len(p) || p[i] < '0' || p[i] > '9' {
			return 0, 0, false, errSlow
		}
		for i < len(p) && '0' <= p[i] && p[i] <= '9' {
			i++
		}
	}
	d.i = i
	return start, i, isInt, nil
}

// skip passes over one value, validating it.
func (d *decoder) skip() error {
	switch d.peek() {
	case '"':
		_, err := d.skipString()
		return err
	case '{':
		if err := d.enter(); err != nil {
			return err
		}
		d.i++
		if d.peek() == '}' {
			d.i++
			d.depth--
			return nil
		}
		for {
			if d.peek() != '"' {
				return errSlow
			}
			if _, err := d.skipString(); err != nil {
				return err
			}
			if d.peek() != ':' {
				return errSlow
			}
			d.i++
			if err := d.skip(); err != nil {
				return err
			}
			switch d.peek() {
			case ',':
				d.i++
			case '}':
				d.i++
				d.depth--
				return nil
			default:
				return errSlow
			}
		}
	case '[':
		if err := d.enter(); err != nil {
			return err
		}
		d.i++
		if d.peek() == ']' {
			d.i++
			d.depth--
			return nil
		}
		for {
			if err := d.skip(); err != nil {
				return err
			}
			switch d.peek() {
			case ',':
				d.i++
			case ']':
				d.i++
				d.depth--
				return nil
			default:
				return errSlow
			}
		}
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		_, _, _, err := d.readNumber()
		return err
	}
}

// skipString passes over a string, validating it, and reports whether it
// held escapes.
func (d *decoder) skipString() (escaped bool, err error) {
	i := d.i + 1
	for i < len(d.data) {
		c := d.data[i]
		switch {
		case c == '"':
			d.i = i + 1
			return escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(d.data) {
				return false, errSlow
			}
			switch d.data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(d.data)-i < 6 || hex4(d.data[i+2:i+6]) < 0 {
					return false, errSlow
				}
				i += 6
			default:
				return false, errSlow
			}
		case c < 0x20:
			return false, errSlow
		default:
			i++
		}
	}
	return false, errSlow
}

// span skips one value and returns its bytes.
func (d *decoder) span() ([]byte, error) {
	d.ws()
	start := d.i
	if err := d.skip(); err != nil {
		return nil, err
	}
	return d.data[start:d.i], nil
}

// --- Plans ----------------------------------------------------------------------

// A decPlan decodes one JSON value into an addressable reflect.Value of one
// type. Plans are built once per type and refer to each other through
// pointers, so recursive types work.
type decPlan struct {
	fn func(d *decoder, v reflect.Value) error
}

var (
	planCache sync.Map // reflect.Type → *decPlan
	planMu    sync.Mutex
)

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	numberType          = reflect.TypeFor[json.Number]()
	rawObjectType       = reflect.TypeFor[RawObject]()
	expandableIface     = reflect.TypeFor[expandable]()
	idGetterType        = reflect.TypeFor[interface{ GetID() string }]()
)

// expandable is implemented by every *Expandable[T]; it tells the decoder T.
type expandable interface{ expandedType() reflect.Type }

func planFor(t reflect.Type) *decPlan {
	if p, ok := planCache.Load(t); ok {
		return p.(*decPlan)
	}
	planMu.Lock()
	defer planMu.Unlock()
	b := planBuilder{building: map[reflect.Type]*decPlan{}}
	p := b.plan(t)
	for t, p := range b.building {
		planCache.Store(t, p)
	}
	return p
}

type planBuilder struct {
	building map[reflect.Type]*decPlan
}

func (b *planBuilder) plan(t reflect.Type) *decPlan {
	if p, ok := planCache.Load(t); ok {
		return p.(*decPlan)
	}
	if p, ok := b.building[t]; ok {
		return p
	}
	p := &decPlan{}
	b.building[t] = p
	p.fn = b.build(t)
	return p
}

// promotedUnmarshaler reports an unnamed type that gets UnmarshalJSON or
// UnmarshalText from an embedded field. encoding/json calls those methods
// only through a pointer, and decodes the value field by field otherwise.
func promotedUnmarshaler(t reflect.Type) bool {
	if t.Name() != "" || t.Kind() == reflect.Pointer {
		return false
	}
	pt := reflect.PointerTo(t)
	return pt.Implements(unmarshalerType) || pt.Implements(textUnmarshalerType)
}

func (b *planBuilder) build(t reflect.Type) func(*decoder, reflect.Value) error {
	if t.Kind() != reflect.Pointer && t.Name() != "" {
		pt := reflect.PointerTo(t)
		switch {
		case t == rawObjectType:
			return decodeRawObject
		case pt.Implements(expandableIface):
			return b.expandablePlan(t)
		case pt.Implements(unmarshalerType):
			return decodeUnmarshaler
		case pt.Implements(textUnmarshalerType), t == numberType:
			return decodeDelegated
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		if t.Name() != "" || promotedUnmarshaler(t.Elem()) {
			return decodeDelegated
		}
		return b.pointerPlan(t)
	case reflect.String:
		return decodeString
	case reflect.Bool:
		return decodeBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return decodeInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return decodeUint
	case reflect.Float32, reflect.Float64:
		return decodeFloat
	case reflect.Struct:
		return b.structPlan(t)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return decodeDelegated // base64, as encoding/json
		}
		return b.slicePlan(t)
	case reflect.Map:
		return b.mapPlan(t)
	}
	// Interfaces, arrays and kinds JSON cannot hold.
	return decodeDelegated
}

// decodeDelegated hands the value to encoding/json, which treats it exactly
// as it would in place.
func decodeDelegated(d *decoder, v reflect.Value) error {
	raw, err := d.span()
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v.Addr().Interface())
}

// decodeUnmarshaler calls the value's UnmarshalJSON with its JSON, null
// included, as encoding/json does for a non-pointer value.
func decodeUnmarshaler(d *decoder, v reflect.Value) error {
	raw, err := d.span()
	if err != nil {
		return err
	}
	return v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw)
}

func (b *planBuilder) pointerPlan(t reflect.Type) func(*decoder, reflect.Value) error {
	elem := b.plan(t.Elem())
	et := t.Elem()
	return func(d *decoder, v reflect.Value) error {
		if d.peek() == 'n' {
			if err := d.literal("null"); err != nil {
				return err
			}
			v.SetZero()
			return nil
		}
		if v.IsNil() {
			v.Set(reflect.New(et))
		}
		return elem.fn(d, v.Elem())
	}
}

func decodeString(d *decoder, v reflect.Value) error {
	switch d.peek() {
	case '"':
		s, err := d.readString()
		if err != nil {
			return err
		}
		v.SetString(s)
		return nil
	case 'n':
		return d.literal("null")
	}
	return errSlow
}

func decodeBool(d *decoder, v reflect.Value) error {
	switch d.peek() {
	case 't':
		if err := d.literal("true"); err != nil {
			return err
		}
		v.SetBool(true)
		return nil
	case 'f':
		if err := d.literal("false"); err != nil {
			return err
		}
		v.SetBool(false)
		return nil
	case 'n':
		return d.literal("null")
	}
	return errSlow
}

func decodeInt(d *decoder, v reflect.Value) error {
	if d.peek() == 'n' {
		return d.literal("null")
	}
	n, err := d.readInt64()
	if err != nil || v.OverflowInt(n) {
		return errSlow
	}
	v.SetInt(n)
	return nil
}

// readInt64 reads a number that must be an integer within int64, as
// strconv.ParseInt would accept it.
func (d *decoder) readInt64() (int64, error) {
	if c := d.peek(); c != '-' && (c < '0' || c > '9') {
		return 0, errSlow
	}
	start, end, isInt, err := d.readNumber()
	if err != nil || !isInt {
		return 0, errSlow
	}
	p := d.data[start:end]
	neg := p[0] == '-'
	if neg {
		p = p[1:]
	}
	if len(p) > 19 {
		return 0, errSlow
	}
	var u uint64
	for _, c := range p {
		u = u*10 + uint64(c-'0')
	}
	switch {
	case neg && u <= 1<<63:
		return -int64(u), nil
	case !neg && u < 1<<63:
		return int64(u), nil
	}
	return 0, errSlow
}

func decodeUint(d *decoder, v reflect.Value) error {
	c := d.peek()
	if c == 'n' {
		return d.literal("null")
	}
	if c < '0' || c > '9' {
		return errSlow
	}
	start, end, isInt, err := d.readNumber()
	if err != nil || !isInt || end-start > 19 {
		return errSlow
	}
	var u uint64
	for _, c := range d.data[start:end] {
		u = u*10 + uint64(c-'0')
	}
	if v.OverflowUint(u) {
		return errSlow
	}
	v.SetUint(u)
	return nil
}

func decodeFloat(d *decoder, v reflect.Value) error {
	c := d.peek()
	if c == 'n' {
		return d.literal("null")
	}
	if c != '-' && (c < '0' || c > '9') {
		return errSlow
	}
	start, end, _, err := d.readNumber()
	if err != nil {
		return err
	}
	f, err := strconv.ParseFloat(d.sub(start, end), v.Type().Bits())
	if err != nil || v.OverflowFloat(f) {
		return errSlow
	}
	v.SetFloat(f)
	return nil
}

// --- Structs --------------------------------------------------------------------

type fieldPlan struct {
	name  string
	index []int // through embedded (non-pointer) structs
	plan  *decPlan
}

type structPlan struct {
	fields []fieldPlan
	exact  map[string]int
	folded map[string]int
}

// structPlan follows encoding/json's field rules for the structs it
// supports: tag names, skipped and unexported fields, fields promoted from
// embedded structs. A struct outside them (embedded pointers, conflicting
// names, ",string" options, odd tag names) is handed to encoding/json.
func (b *planBuilder) structPlan(t reflect.Type) func(*decoder, reflect.Value) error {
	sp := &structPlan{exact: map[string]int{}, folded: map[string]int{}}
	if !b.collectFields(sp, t, nil) {
		return decodeDelegated
	}
	for i, f := range sp.fields {
		if _, dup := sp.exact[f.name]; dup {
			return decodeDelegated // encoding/json's dominance rules apply
		}
		sp.exact[f.name] = i
		k := string(foldName([]byte(f.name)))
		if _, ok := sp.folded[k]; !ok {
			sp.folded[k] = i
		}
	}
	return sp.decode
}

func (b *planBuilder) collectFields(sp *structPlan, t reflect.Type, prefix []int) bool {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, hasTag := sf.Tag.Lookup("json")
		if tag == "-" {
			continue
		}
		name, opts := tag, ""
		for j := 0; j < len(tag); j++ {
			if tag[j] == ',' {
				name, opts = tag[:j], tag[j:]
				break
			}
		}
		if hasTag && opts != "" && containsOpt(opts[1:], "string") {
			return false
		}
		if sf.Anonymous {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			switch {
			case !sf.IsExported() && et.Kind() != reflect.Struct:
				continue // ignored by encoding/json too
			case sf.Type.Kind() == reflect.Struct && name == "" && sf.IsExported():
				if !b.collectFields(sp, sf.Type, append(append([]int(nil), prefix...), i)) {
					return false
				}
				continue
			case !sf.IsExported() || et.Kind() == reflect.Struct:
				return false // embedded pointers, unexported structs, tagged structs
			}
			// An exported embedded non-struct is an ordinary field.
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		} else if !validTagName(name) {
			return false
		}
		index := append(append([]int(nil), prefix...), i)
		sp.fields = append(sp.fields, fieldPlan{name: name, index: index, plan: b.plan(sf.Type)})
	}
	return true
}

func containsOpt(opts, opt string) bool {
	for opts != "" {
		var o string
		o, opts = opts, ""
		for j := 0; j < len(o); j++ {
			if o[j] == ',' {
				o, opts = o[:j], o[j+1:]
				break
			}
		}
		if o == opt {
			return true
		}
	}
	return false
}

// validTagName is encoding/json's rule for names given in tags.
func validTagName(s string) bool {
	for _, c := range s {
		switch {
		case c < utf8.RuneSelf && (c == ' ' || c == '!' || ('#' <= c && c <= '&') || ('(' <= c && c <= '/') ||
			(':' <= c && c <= '@') || c == '[' || c == ']' || c == '^' || c == '_' || ('{' <= c && c <= '~')):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// foldName folds a key as encoding/json does for case-insensitive matching:
// ASCII letters upper-cased, other runes mapped to the smallest rune of
// their fold orbit.
func foldName(in []byte) []byte { return appendFolded(make([]byte, 0, len(in)), in) }

func appendFolded(out, in []byte) []byte {
	for i := 0; i < len(in); {
		if c := in[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(in[i:])
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return out
}

// readKey reads an object key at d.i (a '"') and returns it unquoted. The
// bytes returned may alias the input.
func (d *decoder) readKey() ([]byte, error) {
	start := d.i + 1
	i := start
	for i < len(d.data) && !strSpecial[d.data[i]] {
		i++
	}
	if i < len(d.data) && d.data[i] == '"' {
		d.i = i + 1
		return d.data[start:i], nil
	}
	s, err := d.readStringSlow(start, i)
	return []byte(s), err
}

func (sp *structPlan) lookup(key []byte, hint int) int {
	if hint < len(sp.fields) && string(key) == sp.fields[hint].name {
		return hint
	}
	if i, ok := sp.exact[string(key)]; ok {
		return i
	}
	var buf [64]byte
	if i, ok := sp.folded[string(appendFolded(buf[:0], key))]; ok {
		return i
	}
	return -1
}

func (sp *structPlan) decode(d *decoder, v reflect.Value) error {
	switch d.peek() {
	case '{':
	case 'n':
		return d.literal("null")
	default:
		return errSlow
	}
	if err := d.enter(); err != nil {
		return err
	}
	d.i++
	if d.peek() == '}' {
		d.i++
		d.depth--
		return nil
	}
	hint := 0
	for {
		if d.peek() != '"' {
			return errSlow
		}
		key, err := d.readKey()
		if err != nil {
			return err
		}
		if d.peek() != ':' {
			return errSlow
		}
		d.i++
		if fi := sp.lookup(key, hint); fi >= 0 {
			f := &sp.fields[fi]
			fv := v
			for _, x := range f.index {
				fv = fv.Field(x)
			}
			if err := f.plan.fn(d, fv); err != nil {
				return err
			}
			hint = fi + 1
		} else if err := d.skip(); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			d.depth--
			return nil
		default:
			return errSlow
		}
	}
}

// --- Slices and maps ----------------------------------------------------------

// slicePlan reuses the slice's array and truncates it, as encoding/json does;
// an empty JSON array gives an empty, non-nil slice. A slice with no array
// yet starts with room for a few small elements, where encoding/json
// reallocates at the first, second and third.
func (b *planBuilder) slicePlan(t reflect.Type) func(*decoder, reflect.Value) error {
	elem := b.plan(t.Elem())
	empty := reflect.MakeSlice(t, 0, 0)
	first := 1
	if sz := t.Elem().Size(); sz > 0 && sz <= 16 {
		first = 4
	}
	return func(d *decoder, v reflect.Value) error {
		switch d.peek() {
		case '[':
		case 'n':
			if err := d.literal("null"); err != nil {
				return err
			}
			v.SetZero()
			return nil
		default:
			return errSlow
		}
		if err := d.enter(); err != nil {
			return err
		}
		d.i++
		i := 0
		if d.peek() != ']' {
			for {
				if i >= v.Cap() {
					if v.Cap() == 0 {
						v.Grow(first)
					} else {
						v.Grow(1)
					}
				}
				if i >= v.Len() {
					v.SetLen(i + 1)
				}
				if err := elem.fn(d, v.Index(i)); err != nil {
					return err
				}
				i++
				c := d.peek()
				if c == ',' {
					d.i++
					continue
				}
				if c != ']' {
					return errSlow
				}
				break
			}
		}
		d.i++
		d.depth--
		if i < v.Len() {
			v.SetLen(i)
		}
		if i == 0 {
			v.Set(empty)
		}
		return nil
	}
}

var (
	mapStringStringType = reflect.TypeFor[map[string]string]()
	mapStringInt64Type  = reflect.TypeFor[map[string]int64]()
)

// mapPlan handles maps with string keys; other keys go to encoding/json.
// Each value is decoded into a fresh zero value and stored, as
// encoding/json does.
func (b *planBuilder) mapPlan(t reflect.Type) func(*decoder, reflect.Value) error {
	kt := t.Key()
	if kt.Kind() != reflect.String || reflect.PointerTo(kt).Implements(textUnmarshalerType) {
		return decodeDelegated
	}
	switch t {
	case mapStringStringType:
		return func(d *decoder, v reflect.Value) error {
			m := v.Addr().Interface().(*map[string]string)
			return decodeMap(d, v, func(key string) error {
				var s string
				if err := decodeStringInto(d, &s); err != nil {
					return err
				}
				(*m)[key] = s
				return nil
			})
		}
	case mapStringInt64Type:
		return func(d *decoder, v reflect.Value) error {
			m := v.Addr().Interface().(*map[string]int64)
			return decodeMap(d, v, func(key string) error {
				var n int64
				if d.peek() == 'n' {
					if err := d.literal("null"); err != nil {
						return err
					}
				} else {
					var err error
					if n, err = d.readInt64(); err != nil {
						return err
					}
				}
				(*m)[key] = n
				return nil
			})
		}
	}
	elem := b.plan(t.Elem())
	return func(d *decoder, v reflect.Value) error {
		var ev, kv reflect.Value
		return decodeMap(d, v, func(key string) error {
			if !ev.IsValid() {
				ev = reflect.New(t.Elem()).Elem()
				kv = reflect.New(kt).Elem()
			} else {
				ev.SetZero()
			}
			if err := elem.fn(d, ev); err != nil {
				return err
			}
			kv.SetString(key)
			v.SetMapIndex(kv, ev)
			return nil
		})
	}
}

func decodeStringInto(d *decoder, s *string) error {
	switch d.peek() {
	case '"':
		var err error
		*s, err = d.readString()
		return err
	case 'n':
		return d.literal("null")
	}
	return errSlow
}

// decodeMap reads an object into a map, making the map if it is nil, and
// calls value for each member with d positioned on the value.
func decodeMap(d *decoder, v reflect.Value, value func(key string) error) error {
	switch d.peek() {
	case '{':
	case 'n':
		if err := d.literal("null"); err != nil {
			return err
		}
		v.SetZero()
		return nil
	default:
		return errSlow
	}
	if err := d.enter(); err != nil {
		return err
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	d.i++
	if d.peek() == '}' {
		d.i++
		d.depth--
		return nil
	}
	for {
		if d.peek() != '"' {
			return errSlow
		}
		key, err := d.readString()
		if err != nil {
			return err
		}
		if d.peek() != ':' {
			return errSlow
		}
		d.i++
		if err := value(key); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			d.depth--
			return nil
		default:
			return errSlow
		}
	}
}

// --- SDK types -------------------------------------------------------------------

// expandablePlan decodes an Expandable[T] as its UnmarshalJSON does, but in
// the same pass: an ID string, null (no change), or the object, decoded
// once into a new T whose GetID gives the ID.
func (b *planBuilder) expandablePlan(t reflect.Type) func(*decoder, reflect.Value) error {
	et := reflect.New(t).Interface().(expandable).expandedType()
	obj := b.plan(et)
	hasGetID := reflect.PointerTo(et).Implements(idGetterType)
	idField, _ := t.FieldByName("ID")
	objField, _ := t.FieldByName("Object")
	idx, objx := idField.Index[0], objField.Index[0]
	return func(d *decoder, v reflect.Value) error {
		switch d.peek() {
		case '"':
			s, err := d.readString()
			if err != nil {
				return err
			}
			v.Field(objx).SetZero()
			v.Field(idx).SetString(s)
			return nil
		case 'n':
			return d.literal("null")
		case '{':
		default:
			return errSlow
		}
		start := d.i
		p := reflect.New(et)
		if err := obj.fn(d, p.Elem()); err != nil {
			return err
		}
		var id string
		if hasGetID {
			id = p.Interface().(interface{ GetID() string }).GetID()
		} else {
			var head struct {
				ID string `json:"id"`
			}
			hd := decoder{data: d.data[:d.i], str: d.str, i: start}
			if err := planFor(reflect.TypeOf(head)).fn(&hd, reflect.ValueOf(&head).Elem()); err != nil {
				return err
			}
			id = head.ID
		}
		v.Field(idx).SetString(id)
		v.Field(objx).Set(p)
		return nil
	}
}

// rawHead decodes the "id" and "object" members of an object straight
// into a RawObject.
var rawHead = func() *structPlan {
	idf, _ := rawObjectType.FieldByName("ID")
	objf, _ := rawObjectType.FieldByName("Object")
	str := &decPlan{fn: decodeString}
	sp := &structPlan{
		fields: []fieldPlan{{name: "id", index: idf.Index, plan: str}, {name: "object", index: objf.Index, plan: str}},
		exact:  map[string]int{"id": 0, "object": 1},
		folded: map[string]int{"ID": 0, "OBJECT": 1},
	}
	return sp
}()

// decodeRawObject does what RawObject.UnmarshalJSON does for an object,
// in the same pass; anything else goes to UnmarshalJSON itself.
func decodeRawObject(d *decoder, v reflect.Value) error {
	if d.peek() != '{' {
		return decodeUnmarshaler(d, v)
	}
	o := v.Addr().Interface().(*RawObject)
	o.ID, o.Object = "", ""
	start := d.i
	if err := rawHead.decode(d, v); err != nil {
		return err
	}
	o.Raw = append(o.Raw[:0], d.data[start:d.i]...)
	return nil
}
