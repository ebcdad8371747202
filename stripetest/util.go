package stripetest

import (
	"encoding/json"
	"maps"
	"reflect"
	"strings"

	"github.com/embedfin/embedfin-go"
)

// setString applies an optional string parameter: nil leaves dst alone,
// "" clears it (Stripe's unset), anything else sets it.
func setString(dst **string, src *string) {
	switch {
	case src == nil:
	case *src == "":
		*dst = nil
	default:
		*dst = embedfin.Ptr(*src)
	}
}

// mergeMetadata applies metadata parameters: a key set to "" is removed.
func mergeMetadata(dst map[string]string, src map[string]string) map[string]string {
	if src == nil {
		return dst
	}
	if dst == nil {
		dst = map[string]string{}
	}
	if len(src) == 0 { // metadata= clears everything
		return map[string]string{}
	}
	for k, v := range src {
		if v == "" {
			delete(dst, k)
		} else {
			dst[k] = v
		}
	}
	return dst
}

// metadataOf copies create-time metadata, dropping empty values.
func metadataOf(src map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range src {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// addressOf turns address parameters into an address.
func addressOf(p *embedfin.AddressParams) *embedfin.Address {
	if p == nil {
		return nil
	}
	return &embedfin.Address{City: p.City, Country: p.Country, Line1: p.Line1, Line2: p.Line2, PostalCode: p.PostalCode, State: p.State}
}

// previous returns, for every top-level field that differs between the
// encodings of before and after, its value before: the
// previous_attributes of an *.updated event. nil when nothing changed.
func previous(before, after any) map[string]any {
	var a, b map[string]any
	_ = json.Unmarshal(rawJSON(before), &a)
	_ = json.Unmarshal(rawJSON(after), &b)
	out := map[string]any{}
	for _, k := range sortedKeys(b) {
		if !reflect.DeepEqual(a[k], b[k]) {
			out[k] = a[k]
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range maps.Keys(m) {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

// applyParams copies the set fields of a params struct onto a response
// object, matching url tags to json tags, recursively: nested objects are
// allocated as needed, enums and strings convert to each other, maps and
// slices of scalars are copied. Fields that have no counterpart, or whose
// types differ in kind, are skipped: the handlers set those themselves.
// A string set to "" clears the field (Stripe's unset).
func applyParams(dst, src any) {
	d, s := reflect.ValueOf(dst), reflect.ValueOf(src)
	if d.Kind() != reflect.Pointer || s.Kind() != reflect.Pointer || d.IsNil() || s.IsNil() {
		return
	}
	applyStruct(d.Elem(), s.Elem())
}

func tagName(f reflect.StructField, tag string) string {
	name, _, _ := strings.Cut(f.Tag.Get(tag), ",")
	return name
}

func applyStruct(d, s reflect.Value) {
	if d.Kind() != reflect.Struct || s.Kind() != reflect.Struct {
		return
	}
	byName := map[string]int{}
	for i := 0; i < d.NumField(); i++ {
		if n := tagName(d.Type().Field(i), "json"); n != "" && n != "-" {
			byName[n] = i
		}
	}
	for i := 0; i < s.NumField(); i++ {
		sf := s.Type().Field(i)
		if sf.Anonymous {
			continue // embedfin.Params and friends
		}
		name := tagName(sf, "url")
		di, ok := byName[name]
		if !ok {
			continue
		}
		applyValue(d.Field(di), s.Field(i))
	}
}

func applyValue(d, s reflect.Value) {
	if !d.CanSet() {
		return
	}
	switch s.Kind() {
	case reflect.Pointer:
		if s.IsNil() {
			return
		}
		elem := s.Elem()
		if elem.Kind() == reflect.Struct {
			dt := d.Type()
			if dt.Kind() == reflect.Pointer {
				dt = dt.Elem()
			}
			if dt.Kind() != reflect.Struct {
				return
			}
			target := d
			if target.Kind() == reflect.Pointer {
				if target.IsNil() {
					target.Set(reflect.New(target.Type().Elem()))
				}
				target = target.Elem()
			}
			applyStruct(target, elem)
			return
		}
		if elem.Kind() == reflect.String && elem.String() == "" && d.Kind() == reflect.Pointer {
			d.SetZero()
			return
		}
		setScalar(d, elem)
	case reflect.Map:
		if s.IsNil() || d.Kind() != reflect.Map || s.Type() != d.Type() {
			return
		}
		m := reflect.MakeMapWithSize(d.Type(), s.Len())
		iter := s.MapRange()
		for iter.Next() {
			m.SetMapIndex(iter.Key(), iter.Value())
		}
		d.Set(m)
	case reflect.Slice:
		if s.IsNil() || d.Kind() != reflect.Slice {
			return
		}
		out := reflect.MakeSlice(d.Type(), 0, s.Len())
		for j := 0; j < s.Len(); j++ {
			e := reflect.New(d.Type().Elem()).Elem()
			if !setScalar(e, s.Index(j)) {
				return // slices of objects are the handler's job
			}
			out = reflect.Append(out, e)
		}
		d.Set(out)
	}
}

// setScalar stores scalar v into d (a value or pointer of a compatible
// kind); it reports whether it could.
func setScalar(d, v reflect.Value) bool {
	target := d
	if target.Kind() == reflect.Pointer {
		tmp := reflect.New(target.Type().Elem())
		if !setScalar(tmp.Elem(), v) {
			return false
		}
		d.Set(tmp)
		return true
	}
	switch {
	case target.Kind() == reflect.String && v.Kind() == reflect.String,
		target.Kind() == reflect.Int64 && v.Kind() == reflect.Int64,
		target.Kind() == reflect.Bool && v.Kind() == reflect.Bool,
		target.Kind() == reflect.Float64 && v.Kind() == reflect.Float64:
		target.Set(v.Convert(target.Type()))
		return true
	}
	return false
}
