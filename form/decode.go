package form

import (
	"cmp"
	"errors"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	// maxKeyDepth bounds the number of bracketed parts in one key.
	maxKeyDepth = 100
	// maxDecodeDepth bounds how often decoding may pass through interface
	// values that point back into the target (a cyclic target).
	maxDecodeDepth = 1000
)

// node is one key path prefix of the input. The root has no segment;
// every other node has the segment that leads to it from its parent.
type node struct {
	seg  string
	key  string   // the original key, when vals is non-empty
	vals []string // the values sent for exactly this key
	// The children, sorted by segment (all-digit segments first, in
	// numeric order), as a linked list: first and last child, and the
	// next sibling.
	first, last, next *node
}

// numberedNode is a key of the "numbered" slice style (a0, a1, ...).
type numberedNode struct {
	idx string // the digits after the field name
	n   *node
}

// decState collects the outcome of one decoding.
type decState struct {
	errs    []error
	unknown []string
	gaps    int // zero-valued slice elements created for missing indexes
	depth   int
}

// decodeTarget checks that v is a non-nil pointer to a struct (through any
// number of pointers) before anything is modified, then returns the struct,
// allocating nil intermediate pointers.
func decodeTarget(v any) (reflect.Value, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return rv, &TypeError{Type: reflect.TypeOf(v), Reason: "decoding needs a non-nil pointer to a struct"}
	}
	t := rv.Type().Elem()
	for i := 0; t.Kind() == reflect.Pointer; i++ {
		if i == 32 {
			return rv, &TypeError{Type: rv.Type(), Reason: "too many pointer indirections"}
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return rv, &TypeError{Type: rv.Type(), Reason: "decoding needs a non-nil pointer to a struct"}
	}
	rv = rv.Elem()
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			rv.Set(reflect.New(rv.Type().Elem()))
		}
		rv = rv.Elem()
	}
	return rv, nil
}

func (d *decState) decodeInto(rv reflect.Value, values url.Values) {
	root := d.buildTree(values)
	structInfoFor(rv.Type()).decode(d, rv, root)
}

// err combines everything that went wrong, see Decode.
func (d *decState) err() error {
	errs := d.errs
	if len(d.unknown) > 0 {
		slices.Sort(d.unknown)
		errs = append(errs, &UnknownKeysError{Keys: slices.Compact(d.unknown)})
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}

type parsedKey struct {
	segs []string
	key  string
	vals []string
}

// buildTree parses every key and arranges the keys in a tree of path
// segments. Malformed keys are reported and left out.
func (d *decState) buildTree(values url.Values) *node {
	keys := make([]parsedKey, 0, len(values))
	var bad []error
	var segBuf []string
	for k, vs := range values {
		start := len(segBuf)
		var reason string
		segBuf, reason = splitKey(k, segBuf)
		if reason != "" {
			segBuf = segBuf[:start]
			bad = append(bad, &KeyError{Key: k, Reason: reason})
			continue
		}
		keys = append(keys, parsedKey{segs: segBuf[start:len(segBuf):len(segBuf)], key: k, vals: vs})
	}
	slices.SortFunc(bad, func(a, b error) int { return strings.Compare(a.(*KeyError).Key, b.(*KeyError).Key) })
	d.errs = append(d.errs, bad...)
	slices.SortFunc(keys, func(a, b parsedKey) int {
		for i := range min(len(a.segs), len(b.segs)) {
			if c := compareSeg(a.segs[i], b.segs[i]); c != 0 {
				return c
			}
		}
		if c := cmp.Compare(len(a.segs), len(b.segs)); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	// The tree has at most one node per segment, plus the root.
	slab := make([]node, 1, len(segBuf)+1)
	root := &slab[0]
	for _, pk := range keys {
		n := root
		for _, s := range pk.segs {
			if n.last != nil && n.last.seg == s {
				n = n.last
				continue
			}
			slab = append(slab, node{seg: s})
			c := &slab[len(slab)-1]
			if n.last == nil {
				n.first = c
			} else {
				n.last.next = c
			}
			n.last = c
			n = c
		}
		if len(pk.vals) == 0 {
			continue
		}
		if n.vals == nil {
			n.vals = pk.vals
		} else {
			// Copy rather than append into the caller's url.Values.
			n.vals = append(n.vals[:len(n.vals):len(n.vals)], pk.vals...)
		}
		n.key = pk.key
	}
	return root
}

// splitKey appends the segments of key to segs: the name before the first
// bracket, then the text inside each pair of brackets. It returns a reason
// when the key is malformed. Digits right after the last ']' (as the
// "numbered" option writes nested keys: "a[b]0") join the last segment.
func splitKey(key string, segs []string) ([]string, string) {
	if key == "" {
		return segs, "empty key"
	}
	i := strings.IndexAny(key, "[]")
	if i < 0 {
		return append(segs, key), ""
	}
	if key[i] == ']' {
		return segs, "unexpected ']'"
	}
	if i == 0 {
		return segs, "missing name before '['"
	}
	segs = append(segs, key[:i])
	rest := key[i:]
	for n := 1; ; n++ {
		// rest starts with '['.
		j := strings.IndexAny(rest[1:], "[]")
		if j < 0 {
			return segs, "unclosed '['"
		}
		if rest[1+j] == '[' {
			return segs, "'[' inside brackets"
		}
		if n > maxKeyDepth {
			return segs, "more than " + strconv.Itoa(maxKeyDepth) + " bracketed parts"
		}
		seg := rest[1 : 1+j]
		rest = rest[2+j:]
		if seg == "" && rest != "" {
			return segs, "'[]' must end the key"
		}
		segs = append(segs, seg)
		switch {
		case rest == "":
			return segs, ""
		case rest[0] == '[':
			continue
		case isDigits(rest):
			segs[len(segs)-1] = seg + rest
			return segs, ""
		}
		return segs, "unexpected text after ']'"
	}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// compareSeg orders segments: all-digit segments first, in numeric order,
// then the others in byte order.
func compareSeg(a, b string) int {
	da, db := isDigits(a), isDigits(b)
	switch {
	case da && db:
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if c := cmp.Compare(len(ta), len(tb)); c != 0 {
			return c
		}
		if c := strings.Compare(ta, tb); c != 0 {
			return c
		}
	case da:
		return -1
	case db:
		return 1
	}
	return strings.Compare(a, b)
}

// parseIndex reads a slice index, which must be a decimal number no
// larger than MaxIndex.
func parseIndex(s string) (int, string) {
	if !isDigits(s) {
		return 0, strconv.Quote(s) + " is not a slice index"
	}
	t := strings.TrimLeft(s, "0")
	if len(t) > 6 {
		return 0, "slice index " + s + " is larger than " + strconv.Itoa(MaxIndex)
	}
	n, _ := strconv.Atoi("0" + t)
	if n > MaxIndex {
		return 0, "slice index " + s + " is larger than " + strconv.Itoa(MaxIndex)
	}
	return n, ""
}

// walk calls f for every node of the subtree n that carries values.
func walk(n *node, f func(*node)) {
	if len(n.vals) > 0 {
		f(n)
	}
	for k := n.first; k != nil; k = k.next {
		walk(k, f)
	}
}

func firstKey(n *node) string {
	for len(n.vals) == 0 && n.first != nil {
		n = n.first
	}
	return n.key
}

func (d *decState) addUnknown(n *node) {
	walk(n, func(n *node) { d.unknown = append(d.unknown, n.key) })
}

func (d *decState) keyErrs(n *node, reason string) {
	walk(n, func(n *node) { d.errs = append(d.errs, &KeyError{Key: n.key, Reason: reason}) })
}

func (d *decState) valueErr(n *node, s string, t reflect.Type) {
	d.errs = append(d.errs, &ValueError{Key: n.key, Value: s, Type: t})
}

// decField is a field reachable by name from a struct, possibly through
// embedded structs.
type decField struct {
	path []int
	info *fieldInfo
}

// decodeIndex maps names to fields for decoding.
type decodeIndex struct {
	byName   map[string]*decField
	numbered []*decField
	// alt holds a second field with the same name at the same depth, of the
	// other shape: params that take a value or an object under one name
	// (Created int64 and CreatedRange RangeQueryParams, both "created").
	alt map[string]*decField
}

// pick chooses between a field and its alternative by the shape of the
// key: children ("created[gte]") go to the nested one, a bare value
// ("created=5") to the scalar one.
func (idx *decodeIndex) pick(name string, n *node) *decField {
	f := idx.byName[name]
	if alt := idx.alt[name]; alt != nil && f != nil && f.info.nested != (n.first != nil) && alt.info.nested == (n.first != nil) {
		return alt
	}
	return f
}

// index builds, on first use, the name lookup of the struct with the
// fields of embedded structs promoted. A shallower field hides a deeper one
// of the same name; among fields at the same depth the first one in
// declaration order wins.
func (si *structInfo) index() *decodeIndex {
	si.once.Do(func() {
		idx := &decodeIndex{byName: make(map[string]*decField)}
		type level struct {
			si   *structInfo
			path []int
		}
		cur := []level{{si: si}}
		seen := map[*structInfo]bool{si: true}
		for len(cur) > 0 {
			var next []level
			for _, l := range cur {
				for _, f := range l.si.fields {
					if f.err != nil {
						continue
					}
					if prev, dup := idx.byName[f.name]; dup {
						if len(prev.path) == len(l.path)+1 && prev.info.nested != f.nested && idx.alt[f.name] == nil {
							if idx.alt == nil {
								idx.alt = map[string]*decField{}
							}
							idx.alt[f.name] = &decField{path: append(slices.Clip(l.path), f.index), info: f}
						}
						continue
					}
					df := &decField{path: append(slices.Clip(l.path), f.index), info: f}
					idx.byName[f.name] = df
					if f.opts.style == styleNumbered && f.codec.decSlice != nil {
						idx.numbered = append(idx.numbered, df)
					}
				}
				for _, em := range l.si.embedded {
					esi := em.codec.si
					if seen[esi] {
						continue
					}
					seen[esi] = true
					next = append(next, level{si: esi, path: append(slices.Clip(l.path), em.index)})
				}
			}
			cur = next
		}
		si.idx = idx
	})
	return si.idx
}

// matchNumbered finds the numbered slice field that seg ("tags3") names.
func (idx *decodeIndex) matchNumbered(seg string) (*decField, string) {
	for _, f := range idx.numbered {
		if rest, ok := strings.CutPrefix(seg, f.info.name); ok && isDigits(rest) {
			return f, rest
		}
	}
	return nil, ""
}

// field returns the settable field f of the struct v, allocating nil
// embedded struct pointers on the way.
func (d *decState) field(v reflect.Value, f *decField, n *node) (reflect.Value, bool) {
	last := len(f.path) - 1
	for _, i := range f.path[:last] {
		v = v.Field(i)
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					d.errs = append(d.errs, &TypeError{Type: v.Type(), Key: firstKey(n), Reason: "cannot allocate an embedded pointer to an unexported struct"})
					return v, false
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
	}
	return v.Field(f.path[last]), true
}

// decode fills the struct v from the subtree n.
func (si *structInfo) decode(d *decState, v reflect.Value, n *node) {
	if len(n.vals) > 0 {
		if s := n.vals[len(n.vals)-1]; s == "" {
			v.SetZero() // "address=": unset the whole object
		} else {
			d.valueErr(n, s, v.Type())
		}
	}
	if n.first == nil {
		return
	}
	idx := si.index()
	if len(idx.numbered) == 0 {
		for k := n.first; k != nil; k = k.next {
			f := idx.pick(k.seg, k)
			if f == nil {
				d.addUnknown(k)
				continue
			}
			if fv, ok := d.field(v, f, k); ok {
				f.info.codec.dec(d, fv, k)
			}
		}
		return
	}
	// Numbered slices may arrive under several names (tags0, tags1, ...),
	// so gather the nodes of each field first.
	type group struct {
		f        *decField
		base     *node
		numbered []numberedNode
	}
	var groups []group
	find := func(f *decField) *group {
		for i := range groups {
			if groups[i].f == f {
				return &groups[i]
			}
		}
		groups = append(groups, group{f: f})
		return &groups[len(groups)-1]
	}
	for k := n.first; k != nil; k = k.next {
		if f := idx.pick(k.seg, k); f != nil {
			find(f).base = k
			continue
		}
		if f, digits := idx.matchNumbered(k.seg); f != nil {
			g := find(f)
			g.numbered = append(g.numbered, numberedNode{idx: digits, n: k})
			continue
		}
		d.addUnknown(k)
	}
	for _, g := range groups {
		at := g.base
		if at == nil {
			at = g.numbered[0].n
		}
		fv, ok := d.field(v, g.f, at)
		switch {
		case !ok:
		case g.numbered == nil:
			g.f.info.codec.dec(d, fv, g.base)
		default:
			g.f.info.codec.decSlice(d, fv, g.base, g.numbered)
		}
	}
}

// sliceDecoder decodes slices and arrays.
type sliceDecoder struct {
	t       reflect.Type
	elem    *codec
	delim   string // non-empty for the delimited styles
	isArray bool
}

type indexedNode struct {
	idx int
	n   *node
}

// decode builds the slice from, in order: the indexed keys (a[3], a3) at
// their index, the values of "a[]", then the values of the bare key "a"
// (split on the delimiter for the delimited styles, else one element per
// value). A bare key whose values are all empty yields an empty, non-nil
// slice.
func (sd *sliceDecoder) decode(d *decState, v reflect.Value, base *node, numbered []numberedNode) {
	var (
		items    []indexedNode
		appended *node
		bare     []string
		sawBare  bool
		baseKey  string
	)
	if base != nil {
		baseKey = base.key
		for k := base.first; k != nil; k = k.next {
			if k.seg == "" {
				appended = k
				continue
			}
			i, reason := parseIndex(k.seg)
			if reason != "" {
				d.keyErrs(k, reason)
				continue
			}
			items = append(items, indexedNode{i, k})
		}
		if len(base.vals) > 0 {
			sawBare = true
			if sd.delim != "" {
				if s := base.vals[len(base.vals)-1]; s != "" {
					bare = strings.Split(s, sd.delim)
				}
			} else if slices.ContainsFunc(base.vals, func(s string) bool { return s != "" }) {
				bare = base.vals
			}
		}
	}
	for _, nn := range numbered {
		i, reason := parseIndex(nn.idx)
		if reason != "" {
			d.keyErrs(nn.n, reason)
			continue
		}
		items = append(items, indexedNode{i, nn.n})
	}
	slices.SortStableFunc(items, func(a, b indexedNode) int { return cmp.Compare(a.idx, b.idx) })
	indexedLen, distinct := 0, 0
	for j, it := range items {
		if j == 0 || it.idx != items[j-1].idx {
			distinct++
		}
	}
	if len(items) > 0 {
		indexedLen = items[len(items)-1].idx + 1
	}
	if gaps := indexedLen - distinct; gaps > 0 {
		d.gaps += gaps
		if d.gaps > MaxIndex {
			d.errs = append(d.errs, &KeyError{Key: firstKey(items[len(items)-1].n), Reason: "more than " + strconv.Itoa(MaxIndex) + " missing slice indexes in the request"})
			return
		}
	}
	nAppended := 0
	if appended != nil {
		nAppended = len(appended.vals)
	}
	total := indexedLen + nAppended + len(bare)
	if total == 0 && !sawBare {
		return
	}
	var s reflect.Value
	if sd.isArray {
		if total > v.Len() {
			k := baseKey
			if len(items) > 0 {
				k = firstKey(items[len(items)-1].n)
			}
			d.errs = append(d.errs, &KeyError{Key: k, Reason: strconv.Itoa(total) + " elements for an array of length " + strconv.Itoa(v.Len())})
			return
		}
		s = reflect.New(sd.t).Elem()
	} else {
		s = reflect.MakeSlice(sd.t, total, total)
	}
	for _, it := range items {
		sd.elem.dec(d, s.Index(it.idx), it.n)
	}
	pos := indexedLen
	if appended != nil {
		for j := range appended.vals {
			sd.elem.dec(d, s.Index(pos), &node{key: appended.key, vals: appended.vals[j : j+1]})
			pos++
		}
	}
	for j := range bare {
		sd.elem.dec(d, s.Index(pos), &node{key: baseKey, vals: bare[j : j+1]})
		pos++
	}
	v.Set(s)
}

func mapDec(t reflect.Type, elem *codec) decFunc {
	keyType, elemType := t.Key(), t.Elem()
	return func(d *decState, v reflect.Value, n *node) {
		if len(n.vals) > 0 {
			if s := n.vals[len(n.vals)-1]; s == "" {
				v.Set(reflect.MakeMap(t)) // "metadata=": unset every key
			} else {
				d.valueErr(n, s, t)
			}
		}
		if n.first == nil {
			return
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(t))
		}
		for k := n.first; k != nil; k = k.next {
			if k.seg == "" {
				d.keyErrs(k, "empty map key")
				continue
			}
			kv := reflect.ValueOf(k.seg).Convert(keyType)
			ev := reflect.New(elemType).Elem()
			if old := v.MapIndex(kv); old.IsValid() {
				ev.Set(old)
			}
			elem.dec(d, ev, k)
			v.SetMapIndex(kv, ev)
		}
	}
}

var mapAnyType = reflect.TypeFor[map[string]any]()

func ifaceDec(o valueOpts) decFunc {
	return func(d *decState, v reflect.Value, n *node) {
		if !v.IsNil() {
			if e := v.Elem(); e.Kind() == reflect.Pointer && !e.IsNil() {
				d.depth++
				if d.depth > maxDecodeDepth {
					d.errs = append(d.errs, &TypeError{Type: v.Type(), Key: firstKey(n), Reason: "target nested too deeply (is it cyclic?)"})
				} else {
					codecFor(e.Type(), o).dec(d, e, n)
				}
				d.depth--
				return
			}
		}
		if v.NumMethod() != 0 {
			d.errs = append(d.errs, &TypeError{Type: v.Type(), Key: firstKey(n), Reason: "cannot decode into a nil non-empty interface"})
			return
		}
		if g, ok := d.generic(n); ok {
			v.Set(reflect.ValueOf(g))
		}
	}
}

// generic decodes n for an empty interface: a string for a plain key, a
// map[string]any for a key with bracketed children.
func (d *decState) generic(n *node) (any, bool) {
	if n.first == nil {
		if len(n.vals) == 0 {
			return nil, false
		}
		return n.vals[len(n.vals)-1], true
	}
	if len(n.vals) > 0 {
		if s := n.vals[len(n.vals)-1]; s != "" {
			d.valueErr(n, s, mapAnyType)
		}
	}
	m := make(map[string]any)
	for k := n.first; k != nil; k = k.next {
		if k.seg == "" {
			d.keyErrs(k, "empty map key")
			continue
		}
		if g, ok := d.generic(k); ok {
			m[k.seg] = g
		}
	}
	return m, true
}

// parseFunc sets the scalar v from s and reports success.
type parseFunc func(v reflect.Value, s string) bool

// leafDec decodes a scalar from the last value of its key. Bracketed
// children of a scalar are unknown keys.
func leafDec(parse parseFunc) decFunc {
	return func(d *decState, v reflect.Value, n *node) {
		for k := n.first; k != nil; k = k.next {
			d.addUnknown(k)
		}
		if len(n.vals) == 0 {
			return
		}
		if s := n.vals[len(n.vals)-1]; !parse(v, s) {
			d.valueErr(n, s, v.Type())
		}
	}
}

func boolParse(asInt bool) parseFunc {
	return func(v reflect.Value, s string) bool {
		switch {
		case s == "true", asInt && s == "1":
			v.SetBool(true)
		case s == "false", asInt && s == "0":
			v.SetBool(false)
		default:
			return false
		}
		return true
	}
}

func intParse(v reflect.Value, s string) bool {
	n, err := strconv.ParseInt(s, 10, v.Type().Bits())
	if err != nil {
		return false
	}
	v.SetInt(n)
	return true
}

func uintParse(v reflect.Value, s string) bool {
	n, err := strconv.ParseUint(s, 10, v.Type().Bits())
	if err != nil {
		return false
	}
	v.SetUint(n)
	return true
}

func floatParse(v reflect.Value, s string) bool {
	f, err := strconv.ParseFloat(s, v.Type().Bits())
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return false
	}
	v.SetFloat(f)
	return true
}

func stringParse(v reflect.Value, s string) bool {
	v.SetString(s)
	return true
}

func timeParse(o valueOpts) parseFunc {
	return func(v reflect.Value, s string) bool {
		var (
			t   time.Time
			err error
		)
		switch o.timeFmt {
		case timeUnix, timeUnixMilli, timeUnixNano:
			var n int64
			if n, err = strconv.ParseInt(s, 10, 64); err == nil {
				switch o.timeFmt {
				case timeUnix:
					t = time.Unix(n, 0).UTC()
				case timeUnixMilli:
					t = time.UnixMilli(n).UTC()
				default:
					t = time.Unix(0, n).UTC()
				}
			}
		case timeLayout:
			t, err = time.Parse(o.layout, s)
		default:
			t, err = time.Parse(time.RFC3339, s)
		}
		if err != nil {
			return false
		}
		v.Set(reflect.ValueOf(t))
		return true
	}
}
