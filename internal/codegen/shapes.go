package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// shapesFile is where the table of response shapes goes: which keys of
// each object the API sends by default, which only when set or when
// expanded, and what can be expanded. The emulator (stripetest) renders
// every response through it and checks expand[] against it.
const shapesFile = "internal/apimap/shapes_gen.go"

// How the table is derived (facts only; no description text is copied):
//
//   - A property is always sent (null or not) when the spec lists it as
//     required; for a resource, when stripe-mock's fixture of it
//     (fixtures3.json beside the spec: the resources as the API renders
//     them by default) carries it; anywhere, when a fixture shows it as
//     null; and in a hash for which the spec gives no required list at all
//     (an address, a business profile), when it is nullable.
//   - A resource's property outside its default rendering is sent only
//     when expanded when it is a list object (a customer's sources,
//     tax_ids...) or when its description points at the expand parameter
//     (an Issuing card's number and cvc).
//   - Any other property is sent only when it has a value. Among them are
//     the variants of a multi-type hash (account_holder's account,
//     customer and customer_account; next_action's per-type hashes;
//     balance's cash and credit: optional beside a required type), and
//     properties that cannot be null in a hash without a required list
//     (one capability of an account).
//   - A property is an expandable reference when the spec gives its
//     x-expansionResources. An expand[] path may end at a reference, at a
//     property sent only when expanded or only when set; it may pass
//     through any property holding objects the table describes.
//
// Only what rendering or expansion needs is emitted: a property always
// sent that holds a scalar, or hashes with nothing of the kind inside, is
// left out (the emulator copies it as encoded).

// shapeDecl is one object schema of the table.
type shapeDecl struct {
	name     string
	schema   *Schema
	resource bool
	object   string // value of "object" for a resource
	closed   bool
	fields   map[string]*shapeField
	keep     bool
}

type shapeField struct {
	presence string // apimap Presence constant
	kind     string // apimap ValueKind constant
	refs     []string
	child    []string
	opaque   bool
	url      string
}

// shapeGen holds the table while it is built.
type shapeGen struct {
	g        *Gen
	fixtures map[string]map[string]json.RawMessage
	decls    map[string]*shapeDecl
	paths    map[string]string          // resource schema -> its retrieve path, "/v1/customers/%s"
	nulls    map[string]map[string]bool // schema -> properties a fixture shows as null
	// presence records, per object schema visited, when each of its
	// properties is sent (for field docs).
	presence map[*Schema]map[string]string
}

// loadFixtures reads stripe-mock's fixtures3.json, found beside the spec.
func loadFixtures() (map[string]map[string]json.RawMessage, error) {
	spec, err := LocateSpec()
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(spec), "fixtures3.json"))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Resources map[string]map[string]json.RawMessage `json:"resources"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("parsing fixtures3.json: %w", err)
	}
	return doc.Resources, nil
}

// buildShapes derives the table (before the types are built: their field
// docs say when a property is sent); problems go to g.errs.
func (g *Gen) buildShapes() {
	fx, err := loadFixtures()
	if err != nil {
		g.errorf("shapes: %v", err)
		return
	}
	sg := &shapeGen{g: g, fixtures: fx, decls: map[string]*shapeDecl{}, paths: map[string]string{},
		nulls: map[string]map[string]bool{}, presence: map[*Schema]map[string]string{}}
	sg.retrievePaths()
	for _, name := range sortedKeys(fx) {
		if s := g.spec.Components.Schemas[name]; s != nil {
			sg.observe(name, s, fx[name])
		}
	}
	for _, name := range sortedKeys(owned) {
		sg.visit(name, g.schema(name))
	}
	g.shapes = sg
}

// presence is the apimap Presence of property prop of the object schema
// s ("PresenceAlways" when the table does not know s).
func (g *Gen) presence(s *Schema, prop string) string {
	if g.shapes != nil {
		if p := g.shapes.presence[s][prop]; p != "" {
			return p
		}
	}
	return "PresenceAlways"
}

// shapesTable renders the table; problems go to g.errs.
func (g *Gen) shapesTable() []byte {
	if g.shapes == nil {
		return nil
	}
	g.shapes.prune()
	return g.shapes.render()
}

// described reports whether a component is typed by the SDK or is no
// resource at all (a nested hash): the table describes those.
func (sg *shapeGen) described(name string) bool {
	s := sg.g.spec.Components.Schemas[name]
	if s == nil {
		return false
	}
	_, ok := owned[name]
	return ok || s.ResourceID == "" && objectValue(s) == ""
}

// objectValue returns the single value of a schema's "object" property.
func objectValue(s *Schema) string {
	if p := s.Properties["object"]; p != nil {
		if e := p.StringEnum(); len(e) == 1 {
			return e[0]
		}
	}
	return ""
}

// isList reports whether a schema is an inline list object.
func isListObject(s *Schema) bool {
	if s == nil || s.Properties == nil || s.Properties["data"] == nil || s.Properties["has_more"] == nil {
		return false
	}
	v := objectValue(s)
	return v == "list" || v == "search_result"
}

// expandDocumented reports whether a property's description points at the
// expand parameter (read for that fact only).
func expandDocumented(s *Schema) bool { return strings.Contains(s.Description, "`expand`") }

func (sg *shapeGen) visit(name string, s *Schema) {
	if s == nil || sg.decls[name] != nil {
		return
	}
	d := &shapeDecl{name: name, schema: s, fields: map[string]*shapeField{}}
	sg.decls[name] = d
	_, d.resource = owned[name]
	if d.resource {
		d.object = objectValue(s)
		d.keep = true
		if del := s.Properties["deleted"]; del != nil && strings.HasPrefix(name, "deleted_") {
			d.closed = true
		}
	}
	fixture := sg.fixtures[name]
	for _, prop := range sortedKeys(s.Properties) {
		p := s.Properties[prop]
		f := &shapeField{presence: "PresenceAlways", kind: "ValueScalar"}
		switch {
		case s.IsRequired(prop):
		case d.resource && fixture != nil && fixture[prop] != nil:
		case sg.nulls[name][prop]:
		case d.resource && fixture != nil && (isListObject(p) || expandDocumented(p)):
			f.presence = "PresenceOnExpand"
		case !d.resource && len(s.Required) == 0 && p.Nullable:
			// A hash whose properties the spec leaves all optional (an
			// address) sends its nullable ones as null.
		default:
			f.presence = "PresenceIfSet"
		}
		if p.ExpansionResources != nil {
			for _, r := range p.ExpansionResources.OneOf {
				if n := r.RefName(); n != "" {
					f.refs = append(f.refs, n)
				}
			}
		}
		sg.children(f, name+"."+prop, p)
		switch {
		case isListObject(p):
			f.kind = "ValueList"
			if f.presence == "PresenceOnExpand" && sg.paths[name] != "" {
				f.url = sg.paths[name] + "/" + prop
			}
		case len(p.Properties) == 0 && p.Ref == "" && len(p.AnyOf) == 0 && p.Items == nil && len(p.AdditionalProperties) > 0:
			if _, ok := p.MapValue(); ok {
				f.kind = "ValueMap"
			}
		case len(f.child) > 0 || f.opaque:
			f.kind = "ValueObject"
		}
		d.fields[prop] = f
		if sg.presence[s] == nil {
			sg.presence[s] = map[string]string{}
		}
		sg.presence[s][prop] = f.presence
	}
}

// observe walks a fixture value of schema name, recording which of its
// properties it shows as null: those are sent even when null.
func (sg *shapeGen) observe(name string, s *Schema, obj map[string]json.RawMessage) {
	if s == nil || obj == nil {
		return
	}
	for key, v := range obj {
		if string(v) == "null" {
			if sg.nulls[name] == nil {
				sg.nulls[name] = map[string]bool{}
			}
			sg.nulls[name][key] = true
			continue
		}
		if p := s.Properties[key]; p != nil {
			sg.observeValue(name+"."+key, p, v)
		}
	}
}

// observeValue follows a fixture value into the schema of a property, named
// as children names inline schemas.
func (sg *shapeGen) observeValue(inline string, p *Schema, v json.RawMessage) {
	switch {
	case p == nil || len(v) == 0:
	case v[0] == '[' && p.Items != nil:
		var items []json.RawMessage
		if json.Unmarshal(v, &items) == nil {
			for _, it := range items {
				sg.observeValue(inline, p.Items, it)
			}
		}
	case v[0] != '{':
	case p.Ref != "":
		sg.observe(p.RefName(), sg.g.schema(p.RefName()), asObject(v))
	case len(p.AnyOf) > 0:
		var head struct {
			Object string `json:"object"`
		}
		_ = json.Unmarshal(v, &head)
		var objects []int
		for i, a := range p.AnyOf {
			if a.Ref != "" || len(a.Properties) > 0 {
				objects = append(objects, i)
			}
		}
		for _, i := range objects {
			a := p.AnyOf[i]
			if a.Ref != "" && head.Object != "" && objectValue(sg.g.schema(a.RefName())) != head.Object {
				continue
			}
			if len(objects) > 1 && head.Object == "" {
				return // which variant it is cannot be told
			}
			name := inline
			if i > 0 && len(a.Properties) > 0 {
				name = fmt.Sprintf("%s#%d", inline, i)
			}
			sg.observeValue(name, a, v)
			return
		}
	case len(p.Properties) > 0:
		sg.observe(inline, p, asObject(v))
	}
}

func asObject(v json.RawMessage) map[string]json.RawMessage {
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(v, &obj)
	return obj
}

// children records the schemas of the objects a property may hold.
func (sg *shapeGen) children(f *shapeField, inline string, p *Schema) {
	switch {
	case p == nil:
	case p.Ref != "":
		n := p.RefName()
		if sg.described(n) {
			sg.visit(n, sg.g.schema(n))
			f.child = appendNew(f.child, n)
		} else {
			f.opaque = true
		}
	case len(p.AnyOf) > 0:
		for i, a := range p.AnyOf {
			name := inline
			if i > 0 && len(a.Properties) > 0 {
				name = fmt.Sprintf("%s#%d", inline, i)
			}
			sg.children(f, name, a)
		}
	case p.Items != nil:
		sg.children(f, inline, p.Items)
	case len(p.Properties) > 0:
		sg.visit(inline, p)
		f.child = appendNew(f.child, inline)
	case p.Type == "object" && strings.TrimSpace(string(p.AdditionalProperties)) == "true":
		f.opaque = true // free-form: an event's data.object
	}
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// prune keeps the schemas with something to say and the fields that lead
// to them.
func (sg *shapeGen) prune() {
	intrinsic := func(d *shapeDecl, f *shapeField) bool {
		return d.closed || f.presence != "PresenceAlways" || len(f.refs) > 0 || f.opaque
	}
	for changed := true; changed; {
		changed = false
		for _, d := range sg.decls {
			if d.keep {
				continue
			}
			for _, f := range d.fields {
				if intrinsic(d, f) || anyKept(sg.decls, f.child) {
					d.keep, changed = true, true
					break
				}
			}
		}
	}
	for _, d := range sg.decls {
		for prop, f := range d.fields {
			var kept []string
			for _, c := range f.child {
				if sg.decls[c].keep {
					kept = append(kept, c)
				}
			}
			f.child = kept
			if !intrinsic(d, f) && len(kept) == 0 {
				delete(d.fields, prop)
			}
		}
	}
}

func anyKept(decls map[string]*shapeDecl, names []string) bool {
	for _, n := range names {
		if decls[n].keep {
			return true
		}
	}
	return false
}

var pathParam = regexp.MustCompile(`\{[^}]*\}`)

// retrievePaths finds, for each resource, the shortest GET path of one ID
// answering with it: the base of the url of its expandable lists.
func (sg *shapeGen) retrievePaths() {
	for _, path := range sortedKeys(sg.g.spec.Paths) {
		op := sg.g.spec.Paths[path]["get"]
		if op == nil || !strings.HasSuffix(path, "}") || len(pathParam.FindAllString(path, -1)) != 1 {
			continue
		}
		s := responseSchema(op)
		if s == nil {
			continue
		}
		refs := s.AnyOf
		if s.Ref != "" {
			refs = []*Schema{s}
		}
		p := pathParam.ReplaceAllString(path, "%s")
		for _, r := range refs {
			if n := r.RefName(); n != "" {
				if cur, ok := sg.paths[n]; !ok || len(p) < len(cur) {
					sg.paths[n] = p
				}
			}
		}
	}
}

// responseSchema returns the JSON schema of an operation's 200 answer.
func responseSchema(op *Operation) *Schema {
	r, ok := op.Responses["200"]
	if !ok {
		return nil
	}
	c, ok := r.Content["application/json"]
	if !ok {
		return nil
	}
	return c.Schema
}

// responseItems returns the resources an operation answers with (the items
// of a list answer) and whether it answers with a list.
func (sg *shapeGen) responseItems(op *Operation) ([]string, bool) {
	s := responseSchema(op)
	list := false
	if isListObject(s) {
		s, list = s.Properties["data"].Items, true
	}
	if s == nil {
		return nil, false
	}
	var refs []*Schema
	if s.Ref != "" {
		refs = []*Schema{s}
	} else {
		refs = s.AnyOf
	}
	var out []string
	for _, r := range refs {
		n := r.RefName()
		if n == "" || sg.decls[n] == nil || !sg.decls[n].resource {
			return nil, false
		}
		out = append(out, n)
	}
	return out, list
}

func goStrings(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

func (sg *shapeGen) render() []byte {
	var b bytes.Buffer
	b.WriteString(header(sg.g.spec.Info.Version))
	b.WriteString("package apimap\n\n")
	b.WriteString("// Shapes describes, per object schema, the properties whose presence in a\n")
	b.WriteString("// response depends on something, those that lead to objects described here,\n")
	b.WriteString("// and the expandable ones (see shapes.go). Properties not listed are always sent.\n")
	b.WriteString("var Shapes = map[string]*Shape{\n")
	names := make([]string, 0, len(sg.decls))
	for n, d := range sg.decls {
		if d.keep {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		d := sg.decls[n]
		fmt.Fprintf(&b, "\t%q: {", n)
		if d.object != "" {
			fmt.Fprintf(&b, "Object: %q, ", d.object)
		}
		if d.closed {
			b.WriteString("Closed: true, ")
		}
		if len(d.fields) == 0 {
			b.WriteString("},\n")
			continue
		}
		b.WriteString("Fields: map[string]*ShapeField{\n")
		for _, prop := range sortedKeys(d.fields) {
			f := d.fields[prop]
			var parts []string
			if f.presence != "PresenceAlways" {
				parts = append(parts, "Presence: "+f.presence)
			}
			if f.kind != "ValueScalar" {
				parts = append(parts, "Value: "+f.kind)
			}
			if len(f.refs) > 0 {
				parts = append(parts, "Refs: "+goStrings(f.refs))
			}
			if len(f.child) > 0 {
				parts = append(parts, "Child: "+goStrings(f.child))
			}
			if f.opaque {
				parts = append(parts, "Opaque: true")
			}
			if f.url != "" {
				parts = append(parts, fmt.Sprintf("URL: %q", f.url))
			}
			fmt.Fprintf(&b, "\t\t%q: {%s},\n", prop, strings.Join(parts, ", "))
		}
		b.WriteString("\t}},\n")
	}
	b.WriteString("}\n\n")

	b.WriteString("// ShapeOfObject maps the \"object\" value of a resource to its schema.\n")
	b.WriteString("var ShapeOfObject = map[string]string{\n")
	deleted := map[string]string{}
	for _, n := range names {
		d := sg.decls[n]
		switch {
		case d.object == "":
		case d.closed:
			deleted[d.object] = n
		default:
			fmt.Fprintf(&b, "\t%q: %q,\n", d.object, n)
		}
	}
	b.WriteString("}\n\n")
	b.WriteString("// DeletedShapeOfObject maps the \"object\" value of a resource to the schema\n")
	b.WriteString("// of its deleted form (\"deleted\": true).\n")
	b.WriteString("var DeletedShapeOfObject = map[string]string{\n")
	for _, o := range sortedKeys(deleted) {
		fmt.Fprintf(&b, "\t%q: %q,\n", o, deleted[o])
	}
	b.WriteString("}\n\n")

	b.WriteString("// ResponseShapes gives, per operation (\"GET /v1/customers/{}\", path\n")
	b.WriteString("// parameters as {}), the resources it answers with; expand[] paths start\n")
	b.WriteString("// from them (after \"data.\" for a list).\n")
	b.WriteString("var ResponseShapes = map[string]ResponseShape{\n")
	for _, path := range sortedKeys(sg.g.spec.Paths) {
		for _, method := range []string{"delete", "get", "post"} {
			op := sg.g.spec.Paths[path][method]
			if op == nil {
				continue
			}
			items, list := sg.responseItems(op)
			if len(items) == 0 {
				continue
			}
			key := strings.ToUpper(method) + " " + pathParam.ReplaceAllString(path, "{}")
			if list {
				fmt.Fprintf(&b, "\t%q: {List: true, Items: %s},\n", key, goStrings(items))
			} else {
				fmt.Fprintf(&b, "\t%q: {Items: %s},\n", key, goStrings(items))
			}
		}
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		sg.g.errorf("shapes: formatting the table: %v", err)
		return nil
	}
	return src
}
