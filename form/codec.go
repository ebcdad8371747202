package form

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// timeFormat selects how a time.Time is written and read.
type timeFormat uint8

const (
	timeRFC3339 timeFormat = iota
	timeUnix
	timeUnixMilli
	timeUnixNano
	timeLayout
)

// sliceStyle selects how a slice or array of scalars is written.
type sliceStyle uint8

const (
	styleIndexed   sliceStyle = iota // a[0]=x&a[1]=y (the default, Stripe's syntax)
	styleBrackets                    // a[]=x&a[]=y
	styleNumbered                    // a0=x&a1=y
	styleDelimited                   // a=x,y
)

// valueOpts are the tag options that change how a value (and the elements
// of a slice, map or pointer holding it) is encoded. They are part of the
// codec cache key.
type valueOpts struct {
	intBool bool
	timeFmt timeFormat
	layout  string
	style   sliceStyle
	delim   string
}

// parseOpts reads the options of a `url` tag (after the name) and the
// companion `del` and `layout` tags, with go-querystring's precedence.
func parseOpts(sf reflect.StructField, opts string) (o valueOpts, omitEmpty bool) {
	has := func(name string) bool {
		for rest := opts; rest != ""; {
			var opt string
			opt, rest, _ = strings.Cut(rest, ",")
			if opt == name {
				return true
			}
		}
		return false
	}
	omitEmpty = has("omitempty")
	o.intBool = has("int")
	switch {
	case has("unix"):
		o.timeFmt = timeUnix
	case has("unixmilli"):
		o.timeFmt = timeUnixMilli
	case has("unixnano"):
		o.timeFmt = timeUnixNano
	default:
		if l := sf.Tag.Get("layout"); l != "" {
			o.timeFmt, o.layout = timeLayout, l
		}
	}
	switch {
	case has("comma"):
		o.style, o.delim = styleDelimited, ","
	case has("space"):
		o.style, o.delim = styleDelimited, " "
	case has("semicolon"):
		o.style, o.delim = styleDelimited, ";"
	case has("brackets"):
		o.style = styleBrackets
	default:
		if d := sf.Tag.Get("del"); d != "" {
			o.style, o.delim = styleDelimited, d
		} else if has("numbered") {
			o.style = styleNumbered
		}
	}
	return o, omitEmpty
}

type (
	// encFunc writes the pairs of v under the key currently in e.key.
	encFunc func(e *encState, v reflect.Value) error
	// appendFunc appends the text of a scalar v to dst.
	appendFunc func(dst []byte, v reflect.Value) ([]byte, error)
	// decFunc decodes the subtree n into v, which is settable.
	decFunc func(d *decState, v reflect.Value, n *node)
	// decSliceFunc decodes a slice from its own node (may be nil) and the
	// nodes of its numbered keys (a0, a1, ...).
	decSliceFunc func(d *decState, v reflect.Value, base *node, numbered []numberedNode)
)

// codec is the compiled encoder and decoder of one type under one set of
// options. It is immutable once built and shared between goroutines.
type codec struct {
	enc      encFunc
	app      appendFunc   // non-nil for scalar types only
	dec      decFunc      //
	decSlice decSliceFunc // non-nil for slices, arrays and pointers to them
	si       *structInfo  // non-nil for struct types
}

type codecKey struct {
	t reflect.Type
	o valueOpts
}

var (
	codecCache  sync.Map // codecKey -> *codec
	structCache sync.Map // reflect.Type -> *structInfo
)

var (
	timeType     = reflect.TypeFor[time.Time]()
	zeroableType = reflect.TypeFor[interface{ IsZero() bool }]()
	extraType    = reflect.TypeFor[ExtraProvider]()
	mapSSType    = reflect.TypeFor[map[string]string]()
)

// normOpts drops the options that cannot affect t, so that equivalent
// codecs share a cache entry.
func normOpts(t reflect.Type, o valueOpts) valueOpts {
	if t.Kind() == reflect.Struct && t != timeType {
		return valueOpts{}
	}
	return o
}

// codecFor returns the cached codec of t under o, building it on first use.
func codecFor(t reflect.Type, o valueOpts) *codec {
	o = normOpts(t, o)
	key := codecKey{t, o}
	if c, ok := codecCache.Load(key); ok {
		return c.(*codec)
	}
	b := builder{pending: make(map[codecKey]*codec)}
	c := b.codec(t, o)
	for k, pc := range b.pending {
		codecCache.LoadOrStore(k, pc)
	}
	return c
}

// structInfoFor returns the compiled description of the struct type t.
func structInfoFor(t reflect.Type) *structInfo {
	if si, ok := structCache.Load(t); ok {
		return si.(*structInfo)
	}
	si := codecFor(t, valueOpts{}).si
	structCache.Store(t, si)
	return si
}

// builder compiles codecs. pending holds the codecs of this build, so that
// recursive types refer to the codec being built instead of recursing.
type builder struct {
	pending map[codecKey]*codec
}

func (b *builder) codec(t reflect.Type, o valueOpts) *codec {
	o = normOpts(t, o)
	key := codecKey{t, o}
	if c, ok := b.pending[key]; ok {
		return c
	}
	if c, ok := codecCache.Load(key); ok {
		return c.(*codec)
	}
	c := new(codec)
	b.pending[key] = c
	b.fill(c, t, o)
	return c
}

func (b *builder) fill(c *codec, t reflect.Type, o valueOpts) {
	if t == timeType {
		c.app = timeApp(o)
		c.enc = scalarEnc(c.app)
		c.dec = leafDec(timeParse(o))
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		c.app = boolApp(o.intBool)
		c.enc = boolEnc(o.intBool)
		c.dec = leafDec(boolParse(o.intBool))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.app = intApp
		c.enc = scalarEnc(intApp)
		c.dec = leafDec(intParse)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		c.app = uintApp
		c.enc = scalarEnc(uintApp)
		c.dec = leafDec(uintParse)
	case reflect.Float32, reflect.Float64:
		c.app = floatApp(t.Bits())
		c.enc = scalarEnc(c.app)
		c.dec = leafDec(floatParse)
	case reflect.String:
		c.app = stringApp
		c.enc = stringEnc
		c.dec = leafDec(stringParse)
	case reflect.Pointer:
		if cyclicPointer(t) {
			b.unsupported(c, t, "pointer type refers to itself")
			return
		}
		b.fillPtr(c, t, o)
	case reflect.Slice, reflect.Array:
		b.fillSlice(c, t, o)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			b.unsupported(c, t, "map keys must be strings")
			return
		}
		b.fillMap(c, t, o)
	case reflect.Interface:
		c.enc = ifaceEnc(o)
		c.dec = ifaceDec(o)
	case reflect.Struct:
		b.fillStruct(c, t)
	default:
		b.unsupported(c, t, "unsupported kind "+t.Kind().String())
	}
}

func (b *builder) unsupported(c *codec, t reflect.Type, reason string) {
	c.enc = func(e *encState, _ reflect.Value) error {
		return &TypeError{Type: t, Key: string(e.key), Reason: reason}
	}
	c.dec = func(d *decState, _ reflect.Value, n *node) {
		d.errs = append(d.errs, &TypeError{Type: t, Key: firstKey(n), Reason: reason})
	}
}

// cyclicPointer reports whether following t's element types through
// pointers comes back to t (type P *P), which has no finite encoding.
func cyclicPointer(t reflect.Type) bool {
	e := t.Elem()
	for i := 0; i < 32 && e.Kind() == reflect.Pointer; i++ {
		if e == t {
			return true
		}
		e = e.Elem()
	}
	return e.Kind() == reflect.Pointer
}

// isScalar reports whether t, after removing pointers, is written as one
// value: a bool, number, string or time.Time.
func isScalar(t reflect.Type) bool {
	for i := 0; t.Kind() == reflect.Pointer; i++ {
		if i == 32 {
			return false
		}
		t = t.Elem()
	}
	if t == timeType {
		return true
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// errNonFinite is the reason given for NaN and infinite floats.
var errNonFinite = errors.New("NaN and infinite numbers have no form encoding")

func boolApp(asInt bool) appendFunc {
	return func(dst []byte, v reflect.Value) ([]byte, error) {
		return append(dst, boolText(v.Bool(), asInt)...), nil
	}
}

func boolText(b, asInt bool) string {
	switch {
	case asInt && b:
		return "1"
	case asInt:
		return "0"
	case b:
		return "true"
	}
	return "false"
}

func intApp(dst []byte, v reflect.Value) ([]byte, error) {
	return strconv.AppendInt(dst, v.Int(), 10), nil
}

func uintApp(dst []byte, v reflect.Value) ([]byte, error) {
	return strconv.AppendUint(dst, v.Uint(), 10), nil
}

func floatApp(bits int) appendFunc {
	return func(dst []byte, v reflect.Value) ([]byte, error) {
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return dst, errNonFinite
		}
		return strconv.AppendFloat(dst, f, 'f', -1, bits), nil
	}
}

func stringApp(dst []byte, v reflect.Value) ([]byte, error) {
	return append(dst, v.String()...), nil
}

// toTime reads a time.Time without boxing it when v is addressable.
func toTime(v reflect.Value) time.Time {
	if v.CanAddr() {
		return *v.Addr().Interface().(*time.Time)
	}
	return v.Interface().(time.Time)
}

func timeApp(o valueOpts) appendFunc {
	return func(dst []byte, v reflect.Value) ([]byte, error) {
		t := toTime(v)
		switch o.timeFmt {
		case timeUnix:
			return strconv.AppendInt(dst, t.Unix(), 10), nil
		case timeUnixMilli:
			return strconv.AppendInt(dst, t.UnixMilli(), 10), nil
		case timeUnixNano:
			return strconv.AppendInt(dst, t.UnixNano(), 10), nil
		case timeLayout:
			return t.AppendFormat(dst, o.layout), nil
		}
		return t.AppendFormat(dst, time.RFC3339), nil
	}
}

// emptyFunc returns go-querystring's notion of an empty value of type t,
// used by the omitempty option.
func emptyFunc(t reflect.Type) func(reflect.Value) bool {
	switch t.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return func(v reflect.Value) bool { return v.Len() == 0 }
	case reflect.Bool:
		return func(v reflect.Value) bool { return !v.Bool() }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) bool { return v.Int() == 0 }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(v reflect.Value) bool { return v.Uint() == 0 }
	case reflect.Float32, reflect.Float64:
		return func(v reflect.Value) bool { return v.Float() == 0 }
	case reflect.Interface, reflect.Pointer:
		return func(v reflect.Value) bool { return v.IsNil() }
	}
	if t == timeType {
		return func(v reflect.Value) bool { return toTime(v).IsZero() }
	}
	if t.Implements(zeroableType) {
		return func(v reflect.Value) bool {
			return v.Interface().(interface{ IsZero() bool }).IsZero()
		}
	}
	return func(reflect.Value) bool { return false }
}

// structInfo is the compiled layout of a struct type.
type structInfo struct {
	typ      reflect.Type
	fields   []*fieldInfo // own named fields, in declaration order
	embedded []embeddedInfo
	// extraPtr and extraVal tell whether *T and T implement ExtraProvider.
	extraPtr, extraVal bool

	once sync.Once
	idx  *decodeIndex // built on first decode, see index
}

// fieldInfo is one named field of a struct.
type fieldInfo struct {
	name      string
	bracketed string // "[" + name + "]"
	index     int
	omitEmpty bool
	isEmpty   func(reflect.Value) bool
	opts      valueOpts
	codec     *codec
	err       error // set when the field cannot be encoded at all
	// nested reports whether the field holds a struct, map, slice or array
	// (through pointers): it takes keys with children ("a[b]").
	nested bool
}

// embeddedInfo is an anonymous struct field whose fields are promoted.
type embeddedInfo struct {
	index int
	ptr   bool
	codec *codec // of the struct type; may still be under construction
}

// isNested reports whether t (through pointers) is a struct other than
// time.Time, a map, a slice or an array.
func isNested(t reflect.Type) bool {
	for i := 0; t.Kind() == reflect.Pointer; i++ {
		if i > 8 { // a pointer type that points to itself
			return false
		}
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Map, reflect.Slice, reflect.Array:
		return true
	case reflect.Struct:
		return t != timeType
	}
	return false
}

func (b *builder) fillStruct(c *codec, t reflect.Type) {
	si := &structInfo{
		typ:      t,
		extraPtr: reflect.PointerTo(t).Implements(extraType),
		extraVal: t.Implements(extraType),
	}
	c.si = si
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		tag := sf.Tag.Get("url")
		if tag == "-" {
			continue
		}
		name, optText, _ := strings.Cut(tag, ",")
		if name == "" && sf.Anonymous {
			ft, ptr := sf.Type, false
			if ft.Kind() == reflect.Pointer {
				ft, ptr = ft.Elem(), true
			}
			if ft.Kind() == reflect.Struct {
				si.embedded = append(si.embedded, embeddedInfo{index: i, ptr: ptr, codec: b.codec(ft, valueOpts{})})
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		opts, omit := parseOpts(sf, optText)
		f := &fieldInfo{
			name:      name,
			bracketed: "[" + name + "]",
			index:     i,
			omitEmpty: omit,
			isEmpty:   emptyFunc(sf.Type),
			opts:      opts,
			codec:     b.codec(sf.Type, opts),
			nested:    isNested(sf.Type),
		}
		if strings.ContainsAny(name, "[]") {
			f.err = &TypeError{Type: t, Key: name, Reason: "field name " + strconv.Quote(name) + " (field " + sf.Name + ") contains a bracket"}
		}
		si.fields = append(si.fields, f)
	}
	c.enc = func(e *encState, v reflect.Value) error { return si.encode(e, v) }
	c.dec = func(d *decState, v reflect.Value, n *node) { si.decode(d, v, n) }
}
