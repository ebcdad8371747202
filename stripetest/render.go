package stripetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/embedfin/embedfin-go/internal/apimap"
	"github.com/embedfin/embedfin-go/issuing"
	"github.com/embedfin/embedfin-go/treasury"
)

// Rendering. The SDK's response types encode every field, null or not
// (strict decoding needs it), so an object encoded as is carries keys the
// API leaves out: properties returned only when expanded, the variants of
// a multi-type hash other than the one held. Every answer, and every
// event's object, goes through shape, which walks the encoded JSON with
// the generated table of shapes (internal/apimap/shapes_gen.go):
//
//   - a property returned only when expanded is dropped unless expand[]
//     names it (an expanded one the emulator has no value for is an
//     empty list, or an empty hash, as the API would send);
//   - an optional property is dropped while null;
//   - a property holding the ID of an object the emulator keeps is
//     replaced by that object, itself rendered, when expand[] names it or
//     a path below it ("data." first on lists);
//   - a deleted object keeps only the keys of its deleted form.
//
// Objects are recognised by their "object" value, nested hashes by the
// property holding them; what the table does not describe is copied as
// encoded. Key order is kept.

// render encodes a handler's answer as the API returns it, with the
// request's expansions.
func (c *call) render(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return shape(c, b, c.expandPaths()), nil
}

// shapeJSON renders an encoded object with its default keys: the object
// of an event.
func shapeJSON(b json.RawMessage) json.RawMessage { return shape(nil, b, nil) }

// shape renders b; c (nil for no expansion) finds expanded objects. The
// input is encoding/json's output; should the walk fail on anything else,
// the input is returned as it is.
func shape(c *call, b []byte, paths []string) (out []byte) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return b
	}
	w := &shaper{c: c, out: make([]byte, 0, len(b))}
	defer func() {
		if recover() != nil {
			out = b
		}
	}()
	w.object(b, i, nil, false, paths)
	return w.out
}

// listShape describes a list or search result met without a schema: its
// items are recognised by their "object".
var listShape = &apimap.Shape{Fields: map[string]*apimap.ShapeField{
	"data": {Value: apimap.ValueObject, Opaque: true},
}}

type shaper struct {
	c   *call
	out []byte
}

// pick returns the shape of the object at b[i]: the one schema it can
// have when it is a nested hash, else the schema its "object" (and
// "deleted") values name. nil when the table does not describe it.
func pick(b []byte, i int, cands []string, opaque bool) *apimap.Shape {
	if len(cands) == 1 && !opaque {
		if s := apimap.Shapes[cands[0]]; s != nil && s.Object == "" {
			return s
		}
	}
	obj, deleted := objectKeys(b, i)
	if len(obj) < 2 || obj[0] != '"' {
		if len(cands) == 1 {
			return apimap.Shapes[cands[0]]
		}
		return nil
	}
	name := string(obj[1 : len(obj)-1])
	if name == "list" || name == "search_result" {
		return listShape
	}
	if deleted {
		if d, ok := apimap.DeletedShapeOfObject[name]; ok {
			return apimap.Shapes[d]
		}
	}
	if s, ok := apimap.ShapeOfObject[name]; ok {
		return apimap.Shapes[s]
	}
	return nil
}

// object renders the object at b[i] (b[i] == '{') and returns the index
// after it.
func (w *shaper) object(b []byte, i int, cands []string, opaque bool, paths []string) int {
	start := i
	sh := pick(b, i, cands, opaque)
	if sh == nil {
		end := skipValue(b, i)
		w.out = append(w.out, b[start:end]...)
		return end
	}
	w.out = append(w.out, '{')
	first := true
	i++
	for {
		i = skipWS(b, i)
		if b[i] == '}' {
			break
		}
		if b[i] == ',' {
			i++
			continue
		}
		ks := i
		i = skipString(b, i)
		key := b[ks:i:i] // quotes included
		i = skipWS(b, i)
		vs := skipWS(b, i+1) // after ':'
		f := sh.Fields[string(key[1:len(key)-1])]
		var sub []string
		if f != nil && len(paths) > 0 {
			sub = subPaths(paths, key[1:len(key)-1])
		}
		null := b[vs] == 'n'
		switch {
		case f == nil && sh.Closed,
			f != nil && f.Presence == apimap.PresenceOnExpand && len(sub) == 0,
			f != nil && f.Presence == apimap.PresenceIfSet && null && len(sub) == 0:
			i = skipValue(b, vs) // left out
			continue
		}
		if !first {
			w.out = append(w.out, ',')
		}
		first = false
		w.out = append(w.out, key...)
		w.out = append(w.out, ':')
		switch {
		case f == nil:
			i = skipValue(b, vs)
			w.out = append(w.out, b[vs:i]...)
		case null && f.Presence != apimap.PresenceAlways:
			w.emptyValue(b, start, f)
			i = vs + len("null")
		default:
			i = w.value(b, vs, f, sub)
		}
	}
	w.out = append(w.out, '}')
	return i + 1
}

// emptyValue writes what the API sends for an expanded property the
// emulator holds nothing for: an empty list, an empty hash, or null.
func (w *shaper) emptyValue(b []byte, obj int, f *apimap.ShapeField) {
	switch {
	case f.Value == apimap.ValueList:
		url := ""
		if f.URL != "" {
			if id := findKey(b, obj, "id"); len(id) > 2 {
				url = fmt.Sprintf(f.URL, id[1:len(id)-1])
			}
		}
		w.out = fmt.Appendf(w.out, `{"object":"list","data":[],"has_more":false,"url":%q}`, url)
	case f.Value == apimap.ValueMap:
		w.out = append(w.out, "{}"...)
	default:
		w.out = append(w.out, "null"...)
	}
}

// value renders the value at b[i] of property f, with the expand[] paths
// at and below it ("" for the property itself).
func (w *shaper) value(b []byte, i int, f *apimap.ShapeField, paths []string) int {
	switch b[i] {
	case '{':
		return w.object(b, i, f.Child, f.Opaque, below(paths))
	case '[':
		w.out = append(w.out, '[')
		i++
		first := true
		for {
			i = skipWS(b, i)
			if b[i] == ']' {
				w.out = append(w.out, ']')
				return i + 1
			}
			if b[i] == ',' {
				i++
				continue
			}
			if !first {
				w.out = append(w.out, ',')
			}
			first = false
			i = w.value(b, i, f, paths)
		}
	case '"':
		end := skipString(b, i)
		if len(paths) > 0 && len(f.Refs) > 0 && w.c != nil {
			if obj := w.c.expandObject(string(b[i+1:end-1]), f.Refs); obj != nil {
				w.object(obj, skipWS(obj, 0), f.Child, f.Opaque, below(paths))
				return end
			}
		}
		w.out = append(w.out, b[i:end]...)
		return end
	}
	end := skipValue(b, i)
	w.out = append(w.out, b[i:end]...)
	return end
}

// subPaths returns the expand[] paths at or below key: "" when a path
// names key itself, the rest of the path otherwise.
func subPaths(paths []string, key []byte) []string {
	var out []string
	for _, p := range paths {
		if !strings.HasPrefix(p, string(key)) {
			continue
		}
		switch rest := p[len(key):]; {
		case rest == "":
			out = append(out, "")
		case rest[0] == '.':
			out = append(out, rest[1:])
		}
	}
	return out
}

// below drops "" from paths: the paths inside the property.
func below(paths []string) []string {
	if !slices.Contains(paths, "") {
		return paths
	}
	var out []string
	for _, p := range paths {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// expandViews renders a stored object of a kind as it is returned, where
// that differs from its stored form (an Issuing card's cardholder as it is
// now, a financial account without its features).
var expandViews = map[string]func(e *env, v any) any{
	kindCard:             func(e *env, v any) any { return e.cardView(nil, v.(*issuing.Card)) },
	kindAuthorization:    func(e *env, v any) any { return e.authView(nil, v.(*issuing.Authorization)) },
	kindFinancialAccount: func(e *env, v any) any { return e.faView(nil, v.(*treasury.FinancialAccount)) },
}

// expandObject returns the encoding of the object with ID id when it is
// one of the resources refs and the emulator holds it (in the request's
// account, else the platform's), nil otherwise: the ID stays.
func (c *call) expandObject(id string, refs []string) []byte {
	envs := []*env{c.env}
	if c.ks != nil && c.ks.platform != c.env {
		envs = append(envs, c.ks.platform)
	}
	for _, e := range envs {
		rec := e.objects[id]
		if rec == nil {
			continue
		}
		if !slices.Contains(refs, rec.kind) {
			return nil
		}
		v := rec.v
		if view := expandViews[rec.kind]; view != nil {
			v = view(e, v)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil
		}
		return b
	}
	return nil
}

// ---- scanning encoding/json's output ----

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string at b[i] (b[i] == '"').
func skipString(b []byte, i int) int {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			panic("stripetest: unterminated string") // shape recovers
		}
		i += j
		// The quote ends the string unless an odd number of backslashes
		// escapes it.
		n := 0
		for k := i - 1; b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return i + 1
		}
		i++
	}
}

// skipValue returns the index after the value at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n' && b[i] != '\t' && b[i] != '\r' {
		i++
	}
	return i
}

// eachKey calls f with each key of the object at b[i] and its encoded
// value, until f returns false.
func eachKey(b []byte, i int, f func(key, value []byte) bool) {
	i++
	for {
		i = skipWS(b, i)
		if i >= len(b) || b[i] == '}' {
			return
		}
		if b[i] == ',' {
			i++
			continue
		}
		ks := i
		i = skipString(b, i)
		k := b[ks+1 : i-1]
		i = skipWS(b, i)
		i = skipWS(b, i+1)
		ve := skipValue(b, i)
		if !f(k, b[i:ve]) {
			return
		}
		i = ve
	}
}

// findKey returns the encoded value of key in the object at b[i], or nil.
func findKey(b []byte, i int, key string) []byte {
	var out []byte
	eachKey(b, i, func(k, v []byte) bool {
		if string(k) == key {
			out = v
			return false
		}
		return true
	})
	return out
}

// objectKeys returns the encoded "object" value of the object at b[i] and
// whether its "deleted" is true. It reads keys until "object", and on
// until "deleted" only for the kinds of objects that have a deleted form.
func objectKeys(b []byte, i int) (obj []byte, deleted bool) {
	eachKey(b, i, func(k, v []byte) bool {
		switch string(k) {
		case "object":
			obj = v
			if len(v) < 2 || v[0] != '"' {
				return false
			}
			_, ok := apimap.DeletedShapeOfObject[string(v[1:len(v)-1])]
			return ok && !deleted
		case "deleted":
			deleted = string(v) == "true"
			return obj == nil
		}
		return true
	})
	return obj, deleted
}
