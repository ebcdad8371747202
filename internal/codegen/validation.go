package main

import (
	"bytes"
	"fmt"
	"go/format"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// validationFile is where the table of request-parameter facts goes: the
// emulator (stripetest) validates every request of a typed endpoint
// against it before anything runs.
const validationFile = "internal/apimap/validation_gen.go"

// vparam accumulates the facts of one parameter path; a path reached
// through several alternatives (anyOf) gets the union of what they accept.
type vparam struct {
	path      string
	kinds     map[string]bool // apimap Kind constant names
	required  bool
	emptyable bool
	maxLength int
	bounded   bool
	min, max  int64
	enum      []string
	freeText  bool // some string alternative takes any value
}

// vtable is the flattened parameters of one endpoint.
type vtable struct {
	g      *Gen
	params map[string]*vparam
}

// Ranges stated in the spec's parameter descriptions: "can range between
// 1 and 100", "(1-12)". Only the numbers are taken.
var (
	rangeBetween = regexp.MustCompile(`range between (-?\d+) and (-?\d+)`)
	rangeParens  = regexp.MustCompile(`\((-?\d+)-(-?\d+)\)`)
)

func describedRange(desc string) (int64, int64, bool) {
	for _, re := range []*regexp.Regexp{rangeBetween, rangeParens} {
		if m := re.FindStringSubmatch(desc); m != nil {
			lo, err1 := strconv.ParseInt(m[1], 10, 64)
			hi, err2 := strconv.ParseInt(m[2], 10, 64)
			if err1 == nil && err2 == nil && lo <= hi {
				return lo, hi, true
			}
		}
	}
	return 0, 0, false
}

func (t *vtable) entry(path string) (*vparam, bool) {
	if p, ok := t.params[path]; ok {
		return p, false
	}
	p := &vparam{path: path, kinds: map[string]bool{}}
	t.params[path] = p
	return p, true
}

// resolve follows a $ref (request schemas are inline in practice).
func (t *vtable) resolve(s *Schema) *Schema {
	for i := 0; s != nil && s.Ref != "" && i < 8; i++ {
		s = t.g.schema(s.RefName())
	}
	return s
}

// add records the parameter at path and, recursively, what it holds.
// desc is the parameter's description (a query parameter carries it
// outside its schema).
func (t *vtable) add(path string, s *Schema, required bool, desc string) {
	s = t.resolve(s)
	if s == nil {
		t.g.errorf("validation: %s has no schema", path)
		return
	}
	p, created := t.entry(path)
	if created {
		p.required = required
	} else {
		p.required = p.required && required
	}
	if desc == "" {
		desc = s.Description
	}
	alts := s.AnyOf
	if len(alts) == 0 {
		alts = []*Schema{s}
	}
	var objects []*Schema
	for _, a := range alts {
		a = t.resolve(a)
		if a == nil {
			continue
		}
		if a.IsEmptyMarker() {
			p.emptyable = true
			continue
		}
		d := a.Description
		if d == "" {
			d = desc
		}
		switch a.Type {
		case "string":
			p.kinds["KindString"] = true
			vals := a.StringEnum()
			if slices.Contains(vals, "") {
				p.emptyable = true
			}
			vals = slices.DeleteFunc(vals, func(v string) bool { return v == "" })
			if len(vals) == 0 {
				p.freeText = true
			} else {
				p.enum = unionStrings(p.enum, vals)
			}
			if a.MaxLength > 0 {
				p.maxLength = max(p.maxLength, a.MaxLength)
			}
		case "integer":
			p.kinds["KindInteger"] = true
			if lo, hi, ok := describedRange(d); ok {
				p.bounded, p.min, p.max = true, lo, hi
			}
		case "number":
			p.kinds["KindNumber"] = true
		case "boolean":
			p.kinds["KindBoolean"] = true
		case "array":
			p.kinds["KindArray"] = true
			if a.Items != nil {
				t.add(path+"[]", a.Items, false, "")
			}
		case "object":
			if _, isMap := a.MapValue(); isMap {
				p.kinds["KindMap"] = true
				continue
			}
			p.kinds["KindObject"] = true
			objects = append(objects, a)
		default:
			t.g.errorf("validation: %s: unsupported type %q", path, a.Type)
		}
	}
	// Object alternatives: a property is required only when every one of
	// them requires it.
	if len(objects) == 0 {
		return
	}
	props := map[string][]*Schema{}
	for _, o := range objects {
		for k, v := range o.Properties {
			props[k] = append(props[k], v)
		}
	}
	for _, k := range sortedKeys(props) {
		req := true
		for _, o := range objects {
			req = req && o.IsRequired(k)
		}
		for _, v := range props[k] {
			t.add(path+"["+k+"]", v, req, "")
		}
	}
}

// endpointValidation flattens the parameters of one endpoint.
func (g *Gen) endpointValidation(ep Endpoint) []*vparam {
	t := &vtable{g: g, params: map[string]*vparam{}}
	op := g.spec.Paths[ep.Path][strings.ToLower(ep.Method)]
	if op == nil {
		g.errorf("validation: %s %s: not in spec", ep.Method, ep.Path)
		return nil
	}
	if ep.Method == "GET" {
		for _, prm := range op.Parameters {
			if prm.In == "query" {
				t.add(prm.Name, prm.Schema, prm.Required, prm.Description)
			}
		}
	} else {
		props, required := g.endpointParams(ep)
		for _, k := range sortedKeys(props) {
			t.add(k, props[k], contains(required, k), "")
		}
	}
	out := make([]*vparam, 0, len(t.params))
	for _, k := range sortedKeys(t.params) {
		p := t.params[k]
		if p.freeText {
			p.enum = nil
		}
		out = append(out, p)
	}
	return out
}

// enumNames names the enumerations worth a variable of their own (long or
// used more than once), after the first parameter that takes them.
func enumNames(all [][]*vparam) map[string]string {
	count := map[string]int{}
	first := map[string]string{}
	for _, ps := range all {
		for _, p := range ps {
			if len(p.enum) == 0 {
				continue
			}
			k := strings.Join(p.enum, "\x00")
			count[k]++
			if _, ok := first[k]; !ok {
				first[k] = p.path
			}
		}
	}
	names := map[string]string{}
	taken := map[string]bool{}
	for _, k := range sortedKeys(first) {
		if count[k] < 2 && strings.Count(k, "\x00") < 8 {
			continue
		}
		base := "enum" + goName(first[k])
		name := base
		for i := 2; taken[name]; i++ {
			name = fmt.Sprintf("%s%d", base, i)
		}
		taken[name] = true
		names[k] = name
	}
	return names
}

// validationTable renders internal/apimap/validation_gen.go.
func (g *Gen) validationTable() []byte {
	all := make([][]*vparam, len(endpoints))
	for i, ep := range endpoints {
		all[i] = g.endpointValidation(ep)
	}
	names := enumNames(all)
	quoted := func(vals []string) string {
		q := make([]string, len(vals))
		for i, v := range vals {
			q[i] = strconv.Quote(v)
		}
		return "[]string{" + strings.Join(q, ", ") + "}"
	}
	var b bytes.Buffer
	b.WriteString(header(g.spec.Info.Version))
	b.WriteString("package apimap\n\n")
	b.WriteString("// Validation lists, for every typed endpoint, its request parameters as the\n// spec describes them.\n")
	b.WriteString("var Validation = []EndpointParams{\n")
	for i, ep := range endpoints {
		fmt.Fprintf(&b, "\t{Method: %q, Path: %q, Params: []Param{\n", ep.Method, ep.Path)
		for _, p := range all[i] {
			var kinds []string
			for _, k := range []string{"KindString", "KindInteger", "KindNumber", "KindBoolean", "KindObject", "KindArray", "KindMap"} {
				if p.kinds[k] {
					kinds = append(kinds, k)
				}
			}
			if len(kinds) == 0 { // only the empty marker: a string that must be ""
				kinds = []string{"KindString"}
			}
			fields := []string{fmt.Sprintf("Path: %q", p.path), "Kind: " + strings.Join(kinds, " | ")}
			if p.required {
				fields = append(fields, "Required: true")
			}
			if p.emptyable {
				fields = append(fields, "Emptyable: true")
			}
			if p.maxLength > 0 {
				fields = append(fields, fmt.Sprintf("MaxLength: %d", p.maxLength))
			}
			if p.bounded {
				fields = append(fields, fmt.Sprintf("Bounded: true, Min: %d, Max: %d", p.min, p.max))
			}
			if len(p.enum) > 0 {
				if n, ok := names[strings.Join(p.enum, "\x00")]; ok {
					fields = append(fields, "Enum: "+n)
				} else {
					fields = append(fields, "Enum: "+quoted(p.enum))
				}
			}
			fmt.Fprintf(&b, "\t\t{%s},\n", strings.Join(fields, ", "))
		}
		b.WriteString("\t}},\n")
	}
	b.WriteString("}\n")
	byName := map[string]string{}
	for k, n := range names {
		byName[n] = k
	}
	for _, n := range sortedKeys(byName) {
		fmt.Fprintf(&b, "\nvar %s = %s\n", n, quoted(strings.Split(byName[n], "\x00")))
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		g.errorf("validation table: %v", err)
		return b.Bytes()
	}
	return src
}
