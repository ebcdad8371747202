package form

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// maxEncodeDepth bounds how deeply containers may nest while encoding, so
// that a cyclic value fails with an error instead of exhausting the stack.
const maxEncodeDepth = 1000

// encState is the scratch state of one encoding. It either appends escaped
// pairs to out (Marshal), or appends unescaped keys and values to out and
// records where each ends in offs (Pairs, Values).
type encState struct {
	out     []byte
	start   int // len(out) before this encoding began
	offs    []int
	toPairs bool
	key     []byte   // the raw (unescaped) key of the value being encoded
	scratch []byte   // scalar text
	strs    []string // stack of sorted map keys
	depth   int
}

var encPool = sync.Pool{New: func() any {
	return &encState{key: make([]byte, 0, 64), scratch: make([]byte, 0, 64)}
}}

func getEncState() *encState { return encPool.Get().(*encState) }

func (e *encState) release() {
	if cap(e.out) > 64<<10 || cap(e.scratch) > 64<<10 || cap(e.key) > 64<<10 || cap(e.offs) > 8<<10 {
		return // let the garbage collector have outsized buffers
	}
	e.out, e.offs, e.toPairs, e.depth, e.start = e.out[:0], e.offs[:0], false, 0, 0
	e.key, e.scratch = e.key[:0], e.scratch[:0]
	clear(e.strs)
	e.strs = e.strs[:0]
	encPool.Put(e)
}

// Escape classes of a byte: 0 written as is, 1 written as %XX, 2 (space)
// written as '+'. keyEscapes differs from valueEscapes in leaving '[' and
// ']' literal.
var valueEscapes, keyEscapes = escapeTables()

func escapeTables() (val, key [256]byte) {
	for c := range 256 {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
			val[c] = 0
		case c == ' ':
			val[c] = 2
		default:
			val[c] = 1
		}
	}
	key = val
	key['['], key[']'] = 0, 0
	return val, key
}

const upperHex = "0123456789ABCDEF"

// appendEscaped appends s to dst escaped with the rules of
// url.QueryEscape, adjusted by tab.
func appendEscaped[T string | []byte](dst []byte, s T, tab *[256]byte) []byte {
	i := 0
	for i < len(s) && tab[s[i]] == 0 {
		i++
	}
	if i == len(s) {
		return append(dst, s...)
	}
	dst = append(dst, s[:i]...)
	for ; i < len(s); i++ {
		c := s[i]
		switch tab[c] {
		case 0:
			dst = append(dst, c)
		case 2:
			dst = append(dst, '+')
		default:
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// emit writes one pair: the current key and val.
func emit[T string | []byte](e *encState, val T) {
	if e.toPairs {
		e.out = append(e.out, e.key...)
		e.offs = append(e.offs, len(e.out))
		e.out = append(e.out, val...)
		e.offs = append(e.offs, len(e.out))
		return
	}
	if len(e.out) > e.start {
		e.out = append(e.out, '&')
	}
	e.out = appendEscaped(e.out, e.key, &keyEscapes)
	e.out = append(e.out, '=')
	e.out = appendEscaped(e.out, val, &valueEscapes)
}

func (e *encState) enter() error {
	e.depth++
	if e.depth > maxEncodeDepth {
		return &UnsupportedValueError{Key: string(e.key), Reason: "value nested more than " + strconv.Itoa(maxEncodeDepth) + " levels deep (is it cyclic?)"}
	}
	return nil
}

// encodeTop encodes the top-level value v followed by its extra pairs.
func (e *encState) encodeTop(v any) error {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	for i := 0; rv.Kind() == reflect.Pointer; i++ {
		if rv.IsNil() {
			return nil
		}
		if i == 32 {
			return &TypeError{Type: reflect.TypeOf(v), Reason: "too many pointer indirections"}
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return &TypeError{Type: reflect.TypeOf(v), Reason: "expected a struct or a pointer to one"}
	}
	si := structInfoFor(rv.Type())
	e.key = e.key[:0]
	if err := si.encode(e, rv); err != nil {
		return err
	}
	if p := si.extraProvider(rv); p != nil {
		for _, pr := range p.FormExtra() {
			e.key = append(e.key[:0], pr.Key...)
			emit(e, pr.Value)
		}
	}
	return nil
}

// pairs returns the pairs collected in toPairs mode. All keys and values
// share one string.
func (e *encState) pairs() []Pair {
	if len(e.offs) == 0 {
		return nil
	}
	text := string(e.out)
	pairs := make([]Pair, len(e.offs)/2)
	start := 0
	for i := range pairs {
		k, v := e.offs[2*i], e.offs[2*i+1]
		pairs[i] = Pair{Key: text[start:k], Value: text[k:v]}
		start = v
	}
	return pairs
}

// extraProvider returns the ExtraProvider implementation of the top-level
// struct value v, if it has one.
func (si *structInfo) extraProvider(v reflect.Value) ExtraProvider {
	switch {
	case si.extraPtr && v.CanAddr():
		return v.Addr().Interface().(ExtraProvider)
	case si.extraVal:
		return v.Interface().(ExtraProvider)
	case si.extraPtr:
		p := reflect.New(si.typ)
		p.Elem().Set(v)
		return p.Interface().(ExtraProvider)
	}
	return nil
}

// encode writes the fields of the struct v: its own fields in declaration
// order, then the promoted fields of each embedded struct in turn (the
// order go-querystring uses).
func (si *structInfo) encode(e *encState, v reflect.Value) error {
	if err := e.enter(); err != nil {
		return err
	}
	base := len(e.key)
	for _, f := range si.fields {
		fv := v.Field(f.index)
		if f.omitEmpty && f.isEmpty(fv) {
			continue
		}
		if f.err != nil {
			return f.err
		}
		if base == 0 {
			e.key = append(e.key, f.name...)
		} else {
			e.key = append(e.key, f.bracketed...)
		}
		if err := f.codec.enc(e, fv); err != nil {
			return err
		}
		e.key = e.key[:base]
	}
	for _, em := range si.embedded {
		ev := v.Field(em.index)
		if em.ptr {
			if ev.IsNil() {
				continue
			}
			ev = ev.Elem()
		}
		if err := em.codec.si.encode(e, ev); err != nil {
			return err
		}
	}
	e.depth--
	return nil
}

func stringEnc(e *encState, v reflect.Value) error {
	emit(e, v.String())
	return nil
}

func boolEnc(asInt bool) encFunc {
	return func(e *encState, v reflect.Value) error {
		emit(e, boolText(v.Bool(), asInt))
		return nil
	}
}

// scalarEnc turns an appendFunc into an encFunc.
func scalarEnc(app appendFunc) encFunc {
	return func(e *encState, v reflect.Value) error {
		b, err := app(e.scratch[:0], v)
		if err != nil {
			return &UnsupportedValueError{Key: string(e.key), Reason: err.Error()}
		}
		e.scratch = b
		emit(e, b)
		return nil
	}
}

func (b *builder) fillPtr(c *codec, t reflect.Type, o valueOpts) {
	elem := b.codec(t.Elem(), o)
	elemType := t.Elem()
	c.enc = func(e *encState, v reflect.Value) error {
		if v.IsNil() {
			emit(e, "")
			return nil
		}
		return elem.enc(e, v.Elem())
	}
	if isScalar(t) {
		c.app = func(dst []byte, v reflect.Value) ([]byte, error) {
			if v.IsNil() {
				return dst, nil
			}
			return elem.app(dst, v.Elem())
		}
	}
	c.dec = func(d *decState, v reflect.Value, n *node) {
		if v.IsNil() {
			v.Set(reflect.New(elemType))
		}
		elem.dec(d, v.Elem(), n)
	}
	if k := elemType.Kind(); k == reflect.Slice || k == reflect.Array || k == reflect.Pointer {
		c.decSlice = func(d *decState, v reflect.Value, base *node, numbered []numberedNode) {
			if elem.decSlice == nil {
				// Only reachable through a pointer to a non-slice; treat
				// the numbered keys as unknown.
				for _, nn := range numbered {
					d.addUnknown(nn.n)
				}
				if base != nil {
					c.dec(d, v, base)
				}
				return
			}
			if v.IsNil() {
				v.Set(reflect.New(elemType))
			}
			elem.decSlice(d, v.Elem(), base, numbered)
		}
	}
}

func (b *builder) fillSlice(c *codec, t reflect.Type, o valueOpts) {
	elem := b.codec(t.Elem(), o)
	scalar := isScalar(t.Elem())
	style := o.style
	if !scalar {
		style = styleIndexed // options apply to scalar elements only
	}
	delim := o.delim
	switch style {
	case styleDelimited:
		c.enc = func(e *encState, v reflect.Value) error {
			n := v.Len()
			if n == 0 {
				return nil
			}
			b := e.scratch[:0]
			for i := range n {
				if i > 0 {
					b = append(b, delim...)
				}
				var err error
				if b, err = elem.app(b, v.Index(i)); err != nil {
					return &UnsupportedValueError{Key: string(e.key), Reason: err.Error()}
				}
			}
			e.scratch = b
			emit(e, b)
			return nil
		}
	case styleBrackets, styleNumbered:
		c.enc = func(e *encState, v reflect.Value) error {
			base := len(e.key)
			for i := range v.Len() {
				if style == styleBrackets {
					e.key = append(e.key[:base], "[]"...)
				} else {
					e.key = strconv.AppendInt(e.key[:base], int64(i), 10)
				}
				if err := elem.enc(e, v.Index(i)); err != nil {
					return err
				}
			}
			e.key = e.key[:base]
			return nil
		}
	default:
		c.enc = func(e *encState, v reflect.Value) error {
			n := v.Len()
			if n == 0 {
				return nil
			}
			if !scalar {
				if err := e.enter(); err != nil {
					return err
				}
			}
			base := len(e.key)
			for i := range n {
				e.key = append(e.key[:base], '[')
				e.key = strconv.AppendInt(e.key, int64(i), 10)
				e.key = append(e.key, ']')
				if err := elem.enc(e, v.Index(i)); err != nil {
					return err
				}
			}
			e.key = e.key[:base]
			if !scalar {
				e.depth--
			}
			return nil
		}
	}
	sd := &sliceDecoder{t: t, elem: elem, delim: "", isArray: t.Kind() == reflect.Array}
	if style == styleDelimited {
		sd.delim = delim
	}
	c.decSlice = sd.decode
	c.dec = func(d *decState, v reflect.Value, n *node) { sd.decode(d, v, n, nil) }
}

func (b *builder) fillMap(c *codec, t reflect.Type, o valueOpts) {
	elem := b.codec(t.Elem(), o)
	fastSS := t.ConvertibleTo(mapSSType) && t.Elem().Kind() == reflect.String
	keyType := t.Key()
	c.enc = func(e *encState, v reflect.Value) error {
		if v.Len() == 0 {
			return nil
		}
		if err := e.enter(); err != nil {
			return err
		}
		base := len(e.key)
		start := len(e.strs)
		var err error
		if fastSS && v.CanInterface() {
			m := asMapSS(v)
			for k := range m {
				e.strs = append(e.strs, k)
			}
			if err = e.sortMapKeys(start); err == nil {
				for i := start; i < len(e.strs); i++ {
					k := e.strs[i]
					e.key = append(append(append(e.key[:base], '['), k...), ']')
					emit(e, m[k])
				}
			}
		} else {
			kv := reflect.New(keyType).Elem()
			for it := v.MapRange(); it.Next(); {
				kv.SetIterKey(it)
				e.strs = append(e.strs, kv.String())
			}
			if err = e.sortMapKeys(start); err == nil {
				end := len(e.strs)
				for i := start; i < end; i++ {
					k := e.strs[i]
					kv.SetString(k)
					e.key = append(append(append(e.key[:base], '['), k...), ']')
					if err = elem.enc(e, v.MapIndex(kv)); err != nil {
						break
					}
				}
			}
		}
		clear(e.strs[start:])
		e.strs = e.strs[:start]
		e.key = e.key[:base]
		e.depth--
		return err
	}
	c.dec = mapDec(t, elem)
}

var ptrMapSSType = reflect.PointerTo(mapSSType)

// asMapSS returns v, whose type has map[string]string as underlying type,
// as a map[string]string without copying it to the heap.
func asMapSS(v reflect.Value) map[string]string {
	switch {
	case v.Type() == mapSSType:
		return v.Interface().(map[string]string)
	case v.CanAddr():
		return *v.Addr().Convert(ptrMapSSType).Interface().(*map[string]string)
	}
	return v.Convert(mapSSType).Interface().(map[string]string)
}

// sortMapKeys sorts the map keys collected from start and checks that each
// can be written inside brackets and read back.
func (e *encState) sortMapKeys(start int) error {
	keys := e.strs[start:]
	slices.Sort(keys)
	for _, k := range keys {
		if k == "" || strings.ContainsAny(k, "[]") {
			return &UnsupportedValueError{Key: string(e.key), Reason: "map key " + strconv.Quote(k) + " is empty or contains '[' or ']'"}
		}
	}
	return nil
}

func ifaceEnc(o valueOpts) encFunc {
	return func(e *encState, v reflect.Value) error {
		if v.IsNil() {
			emit(e, "")
			return nil
		}
		if err := e.enter(); err != nil {
			return err
		}
		dyn := v.Elem()
		if err := codecFor(dyn.Type(), o).enc(e, dyn); err != nil {
			return err
		}
		e.depth--
		return nil
	}
}
