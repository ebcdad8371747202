package main

import (
	"fmt"
	"sort"
	"strings"
)

// Field docs are composed here from facts of the spec: the wire name, then
// what the spec says about the value (required, format, enum values,
// maximum length, expansion, when it is sent, nullability), in our words.
// The spec's descriptions are never copied; they are read only for two
// facts (an amount in the smallest currency unit, a numeric range). For
// the fields the seed flows use, a one-line note of ours from config.go
// (fieldNotes, paramNotes) comes first.

// maxListedValues is how many enum values a field doc lists; beyond it the
// doc points at the type's constants.
const maxListedValues = 12

// docWidth is the width comment text is wrapped to.
const docWidth = 76

// responseFieldDoc documents a field of a response struct.
func (g *Gen) responseFieldDoc(f *Field) string {
	s := f.Schema
	inner := s
	if alts := nonEmptyAnyOf(s); len(alts) == 1 {
		inner = alts[0]
	}
	var facts []string
	switch f.Wire {
	case "id":
		facts = append(facts, "The object's unique ID.")
	case "object":
		if vals := s.StringEnum(); len(vals) == 1 {
			facts = append(facts, fmt.Sprintf("The object's type, always %q.", vals[0]))
		} else {
			facts = append(facts, "The object's type.")
		}
	case "livemode":
		facts = append(facts, "True in live mode, false in test mode.")
	case "metadata":
		facts = append(facts, "Your own key-value pairs.")
	}
	switch {
	case isExpandable(s):
		facts = append(facts, "Expandable: the ID, or the whole object when the request expands it.")
	case inner.Items != nil && isExpandable(inner.Items):
		facts = append(facts, "Expandable: IDs, or the whole objects when the request expands them.")
	}
	if fact := formatFact(f.Wire, inner); fact != "" {
		facts = append(facts, fact)
	}
	if fact := valuesFact(schemaValues(s), enumOf(f.Type)); fact != "" && f.Wire != "object" {
		facts = append(facts, fact)
	}
	switch g.presence(f.Holder, f.Wire) {
	case "PresenceOnExpand":
		facts = append(facts, "Returned only when the request expands it.")
	case "PresenceIfSet":
		facts = append(facts, "Left out of responses when it has no value.")
	}
	if f.Type.Kind == KPtr && s.Nullable {
		facts = append(facts, "Nil when null.")
	}
	return composeDoc(fmt.Sprintf("%s is %q", f.GoName, f.Wire), f.Note, facts)
}

// paramDoc documents a request parameter.
func (g *Gen) paramDoc(f *Field) string {
	s := f.Schema
	var facts []string
	if f.Required {
		facts = append(facts, "Required.")
	}
	if strings.HasSuffix(f.GoName, "Token") && f.GoName != goName(f.Wire) {
		facts = append(facts, "A token ID, sent instead of the object form.")
	}
	if strings.HasSuffix(f.GoName, "String") && f.GoName != goName(f.Wire) {
		facts = append(facts, "The string form of the parameter.")
	}
	if f.Wire == "metadata" {
		facts = append(facts, "Your own key-value pairs; a key set to \"\" is removed.")
	}
	if isRangeQuery(s) {
		facts = append(facts, "A range: set any of gt, gte, lt and lte.")
		if fact := formatFact(f.Wire, s.Properties["gt"]); fact != "" {
			facts = append(facts, fact)
		}
	} else if fact := formatFact(f.Wire, s); fact != "" {
		facts = append(facts, fact)
	}
	vals := schemaValues(s)
	if fact := valuesFact(vals, enumOf(f.Type)); fact != "" {
		facts = append(facts, fact)
	}
	switch {
	case len(vals) > 0: // the values bound the length
	case s.MaxLength > 0:
		facts = append(facts, fmt.Sprintf("At most %d characters.", s.MaxLength))
	case s.Items != nil && s.Items.MaxLength > 0:
		facts = append(facts, fmt.Sprintf("Each at most %d characters.", s.Items.MaxLength))
	}
	if lo, hi, ok := describedRange(s.Description); ok && (s.Type == "integer" || s.Type == "number") {
		facts = append(facts, fmt.Sprintf("From %d to %d.", lo, hi))
	}
	return composeDoc(fmt.Sprintf("%s sets %q", f.GoName, f.Wire), f.Note, facts)
}

// composeDoc joins the lead ("Status is "status""), our note and the
// facts into one comment text.
func composeDoc(lead, note string, facts []string) string {
	doc := lead
	if note != "" {
		doc += ": " + strings.TrimSuffix(note, ".")
	}
	doc += "."
	if len(facts) > 0 {
		doc += " " + strings.Join(facts, " ")
	}
	return doc
}

// formatFact states the format of a scalar (or of an array's elements).
func formatFact(wire string, s *Schema) string {
	if s == nil {
		return ""
	}
	if s.Type == "array" && s.Items != nil {
		if f := formatFact(singularWire(wire), s.Items); f != "" {
			return "Each: " + strings.ToLower(f[:1]) + f[1:]
		}
		return ""
	}
	switch {
	case s.Format == "unix-time", wire == "created" && s.Type == "integer":
		return "Unix time in seconds."
	case s.Format == "currency", s.Type == "string" && (wire == "currency" || strings.HasSuffix(wire, "_currency")):
		return "A three-letter ISO currency code, in lowercase."
	case s.Format == "decimal":
		return "A decimal number in a string, which keeps its precision."
	case isAmount(wire, s):
		return "An amount in the currency's minor unit (cents for usd)."
	}
	return ""
}

// isAmount tells money amounts: integers named amount, amount_* or
// *_amount, and integers whose description says they are in the smallest
// currency unit (read for that fact only).
func isAmount(wire string, s *Schema) bool {
	if s.Type != "integer" {
		return false
	}
	return wire == "amount" || strings.HasPrefix(wire, "amount_") || strings.HasSuffix(wire, "_amount") ||
		strings.Contains(s.Description, "smallest currency unit")
}

// schemaValues returns the enum values a property accepts or holds: its
// own, its alternatives' or its elements'.
func schemaValues(s *Schema) []string {
	if s == nil {
		return nil
	}
	set := map[string]bool{}
	var walk func(s *Schema)
	walk = func(s *Schema) {
		if s == nil || s.IsEmptyMarker() {
			return
		}
		for _, v := range s.StringEnum() {
			if v != "" {
				set[v] = true
			}
		}
		for _, a := range s.AnyOf {
			walk(a)
		}
		walk(s.Items)
	}
	walk(s)
	return keys(set)
}

// enumOf returns the enum a field's type holds (directly, through a
// pointer, slice or map), or nil.
func enumOf(t *T) *Decl {
	for t != nil {
		if t.Kind == KNamed {
			if t.Decl != nil && t.Decl.Kind == DEnum {
				return t.Decl
			}
			return nil
		}
		t = t.Elem
	}
	return nil
}

// valuesFact lists the values a field takes, or relates them to its enum's
// constants when there are many.
func valuesFact(vals []string, d *Decl) string {
	switch {
	case len(vals) == 0:
		return ""
	case len(vals) == 1:
		return fmt.Sprintf("The only value is %q.", vals[0])
	case len(vals) <= maxListedValues:
		return "One of " + quoteList(vals, "or") + "."
	case d == nil:
		return fmt.Sprintf("One of %d values.", len(vals))
	case sameStrings(vals, d.Values):
		return fmt.Sprintf("One of the %d values of %s.", len(vals), d.Name)
	}
	in := map[string]bool{}
	for _, v := range vals {
		in[v] = true
	}
	var missing []string
	for _, v := range d.Values {
		if !in[v] {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 && len(missing) <= 3 && len(vals)+len(missing) == len(d.Values) {
		return fmt.Sprintf("Any value of %s but %s.", d.Name, quoteList(missing, "and"))
	}
	return fmt.Sprintf("One of %d of the values of %s.", len(vals), d.Name)
}

// quoteList writes "a", "b" or "c".
func quoteList(vals []string, conj string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " " + conj + " " + q[len(q)-1]
}

// wrap splits comment text into lines of at most width characters.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// typeDoc documents a generated type.
func typeDoc(d *Decl) []string {
	switch d.Kind {
	case DEnum:
		if len(d.Values) > maxListedValues {
			return wrap(fmt.Sprintf("%s is a string enumeration with %d known values (see the constants); the API may add values.", d.Name, len(d.Values)), docWidth)
		}
		vals := append([]string(nil), d.Values...)
		sort.Strings(vals)
		return wrap(fmt.Sprintf("%s is a string enumeration with values %s; the API may add values.", d.Name, quoteList(vals, "and")), docWidth)
	case DUnion:
		var names []string
		for _, v := range d.Variants {
			names = append(names, v.GoName)
		}
		doc := fmt.Sprintf("%s holds one of several object types, chosen by the object's \"object\" field: %s", d.Name, strings.Join(names, ", "))
		if len(names) == 0 {
			doc = fmt.Sprintf("%s holds one of several object types, chosen by the object's \"object\" field", d.Name)
		}
		return wrap(doc+". Other holds any type this SDK does not model; exactly one field is set.", docWidth)
	}
	if d.Params {
		return d.Doc
	}
	if d.Resource != "" {
		return []string{fmt.Sprintf("%s is the %s object (%q in the API).", d.Name, proseOf(d.Resource), d.Resource)}
	}
	return wrap(fmt.Sprintf("%s is a nested object of the API (%s).", d.Name, strings.ReplaceAll(strings.TrimSuffix(d.Key, "#union"), "#", " ")), docWidth)
}
