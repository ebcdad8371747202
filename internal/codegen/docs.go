package main

import (
	"fmt"
	"strings"
)

// fieldDoc documents a response field from facts of the spec: its wire
// name, its format and what a nil value means. The spec's prose is not
// reused.
func fieldDoc(wire string, s *Schema, t *T) string {
	var notes []string
	inner := s
	if alts := nonEmptyAnyOf(s); len(alts) == 1 {
		inner = alts[0]
	}
	switch {
	case wire == "id":
		notes = append(notes, "the object's unique identifier")
	case wire == "object":
		notes = append(notes, "the object's type")
	case isExpandable(s) || (inner.Items != nil && isExpandable(inner.Items)):
		notes = append(notes, "an ID, with the full object when the field is expanded")
	case inner.Format == "unix-time":
		notes = append(notes, "Unix time in seconds")
	case inner.Format == "currency" || wire == "currency":
		notes = append(notes, "a three-letter ISO currency code, lowercase")
	case inner.Format == "decimal":
		notes = append(notes, "a decimal number as a string, to keep its precision")
	case wire == "metadata":
		notes = append(notes, "your own key-value pairs")
	case wire == "livemode":
		notes = append(notes, "true in live mode, false in test mode")
	case wire == "created":
		notes = append(notes, "Unix time in seconds")
	}
	if t.Kind == KPtr && (s.Nullable || len(nonEmptyAnyOf(s)) == 1 && s.Nullable) {
		notes = append(notes, "nil when null")
	}
	doc := fmt.Sprintf("%s is %q", goName(wire), wire)
	if len(notes) > 0 {
		doc += ": " + strings.Join(notes, "; ")
	}
	return doc + "."
}

// paramDoc documents a request parameter.
func paramDoc(wire string, s *Schema, f *Field) string {
	var notes []string
	switch {
	case isRangeQuery(s):
		notes = append(notes, "a range of values (gt, gte, lt, lte)")
	case s.Format == "unix-time":
		notes = append(notes, "Unix time in seconds")
	case s.Format == "currency" || wire == "currency":
		notes = append(notes, "a three-letter ISO currency code")
	case s.Format == "decimal":
		notes = append(notes, "a decimal number as a string")
	case wire == "metadata":
		notes = append(notes, "your own key-value pairs; a key set to \"\" is removed")
	}
	if strings.HasSuffix(f.GoName, "Token") && f.GoName != goName(wire) {
		notes = append(notes, "a token ID, sent instead of the object form")
	}
	if strings.HasSuffix(f.GoName, "String") && f.GoName != goName(wire) {
		notes = append(notes, "the string form of the parameter")
	}
	doc := fmt.Sprintf("%s sets %q", f.GoName, wire)
	if len(notes) > 0 {
		doc += ": " + strings.Join(notes, "; ")
	}
	return doc + "."
}

// typeDoc documents a generated type.
func typeDoc(d *Decl) []string {
	switch d.Kind {
	case DEnum:
		if len(d.Values) > 12 {
			return []string{fmt.Sprintf("%s is a string enumeration with %d known values (see the constants); the API may add values.", d.Name, len(d.Values))}
		}
		quoted := make([]string, len(d.Values))
		for i, v := range d.Values {
			quoted[i] = fmt.Sprintf("%q", v)
		}
		return []string{fmt.Sprintf("%s is a string enumeration with values %s; the API may add values.", d.Name, strings.Join(quoted, ", "))}
	case DUnion:
		var names []string
		for _, v := range d.Variants {
			names = append(names, v.GoName)
		}
		doc := fmt.Sprintf("%s holds one of several object types, chosen by the object's \"object\" field: %s", d.Name, strings.Join(names, ", "))
		if len(names) == 0 {
			doc = fmt.Sprintf("%s holds one of several object types, chosen by the object's \"object\" field", d.Name)
		}
		return []string{doc + ". Other holds any type this SDK does not model; exactly one field is set."}
	}
	if d.Params {
		return d.Doc
	}
	if d.Resource != "" {
		return []string{fmt.Sprintf("%s is the %s object (%q in the API).", d.Name, proseOf(d.Resource), d.Resource)}
	}
	return []string{fmt.Sprintf("%s is a nested object of the API (%s).", d.Name, strings.ReplaceAll(strings.TrimSuffix(d.Key, "#union"), "#", " "))}
}
