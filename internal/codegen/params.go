package main

import (
	"fmt"
	"sort"
	"strings"
)

// Service is one service struct of a package client.
type Service struct {
	Pkg      *Pkg
	Field    string // "Sessions", or "TestHelpers.InboundTransfers"
	TypeName string
	Resource string // singular Go noun, "Session"
	File     string
	Methods  []*Method
}

// MethodKind separates plain calls from paginated ones.
type MethodKind int

// Method kinds.
const (
	MPlain MethodKind = iota
	MList
	MSearch
)

// Method is one generated API method.
type Method struct {
	EP         Endpoint
	Kind       MethodKind
	PathParams []string
	Params     *Decl
	Result     *T     // for MPlain: pointer to a named type
	Elem       *Decl  // element of a list or search
	Prose      string // the object in words
	// ResultSchema is the resource schema it answers with (the element's
	// for a list).
	ResultSchema string
}

func (g *Gen) buildServices() {
	g.services = map[*Pkg][]*Service{}
	g.paramShapes = map[string][]*Schema{}
	// Pass 1: the object parameters at each path of each resource, over
	// every method (create and update share one struct per path).
	for _, ep := range endpoints {
		p := pkgByName(ep.Pkg)
		props, _ := g.endpointParams(ep)
		res := g.service(p, ep.Service).Resource
		for _, k := range sortedKeys(props) {
			g.collectParamObjects(props[k], p, res, k)
		}
	}
	// Pass 2: declare services, methods and params.
	for _, ep := range endpoints {
		p := pkgByName(ep.Pkg)
		svc := g.service(p, ep.Service)
		op := g.spec.Paths[ep.Path][strings.ToLower(ep.Method)]
		if op == nil {
			g.errorf("%s %s: not in spec", ep.Method, ep.Path)
			continue
		}
		m := &Method{EP: ep, PathParams: placeholders(ep.Path)}
		g.resolveResult(m, op)
		props, required := g.endpointParams(ep)
		embed := "Params"
		skip := map[string]bool{"expand": true}
		switch m.Kind {
		case MList:
			embed = "ListParams"
			skip["limit"], skip["starting_after"], skip["ending_before"] = true, true, true
		case MSearch:
			embed = "SearchParams"
			skip["query"], skip["limit"], skip["page"] = true, true, true
		}
		_, requiredList := g.endpointParams(ep)
		requireQuery := m.Kind == MSearch && contains(requiredList, "query")
		name := methodParamsName(svc.Resource, ep)
		d := &Decl{Kind: DStruct, Pkg: p, Name: name, File: svc.File, Params: true, Embed: embed, Key: "params:" + ep.Method + " " + ep.Path, Owner: svc.Resource}
		d.Pos = []Pos{{Holder: svc.Resource, Method: methodWord(ep)}}
		d.Doc = []string{fmt.Sprintf("%s holds the parameters of %s.%s (%s %s).", name, svc.TypeName, methodGoName(m), ep.Method, ep.Path)}
		d.RequireQuery = requireQuery
		d.ResSchema = m.ResultSchema
		g.addDecl(d)
		d.Fields = []*Field{}
		for _, k := range sortedKeys(props) {
			if skip[k] {
				continue
			}
			g.paramFields(d, k, props[k], contains(required, k), ep.Method == "GET")
		}
		m.Params = d
		svc.Methods = append(svc.Methods, m)
	}
}

// endpointParams returns the request parameters of an endpoint: the form
// body for POST and DELETE, the query for GET, path parameters excluded.
func (g *Gen) endpointParams(ep Endpoint) (map[string]*Schema, []string) {
	op := g.spec.Paths[ep.Path][strings.ToLower(ep.Method)]
	if op == nil {
		return nil, nil
	}
	props := map[string]*Schema{}
	var required []string
	if ep.Method == "GET" {
		for _, prm := range op.Parameters {
			if prm.In == "query" {
				props[prm.Name] = prm.Schema
				if prm.Required {
					required = append(required, prm.Name)
				}
			}
		}
		return props, required
	}
	if op.RequestBody != nil {
		if c, ok := op.RequestBody.Content["application/x-www-form-urlencoded"]; ok && c.Schema != nil {
			for k, v := range c.Schema.Properties {
				props[k] = v
			}
			required = append(required, c.Schema.Required...)
		}
	}
	return props, required
}

func (g *Gen) service(p *Pkg, field string) *Service {
	for _, s := range g.services[p] {
		if s.Field == field {
			return s
		}
	}
	base := field
	prefix := ""
	if strings.HasPrefix(field, "TestHelpers.") {
		base = strings.TrimPrefix(field, "TestHelpers.")
		prefix = "TestHelpers"
	}
	res := singular(base)
	s := &Service{Pkg: p, Field: field, Resource: res, TypeName: prefix + res + "Service"}
	s.File = snake(res) + "_service"
	if prefix != "" {
		s.File = "test_helpers"
	}
	g.services[p] = append(g.services[p], s)
	return s
}

func singular(s string) string {
	switch {
	case strings.HasSuffix(s, "ies"):
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "s"):
		return s[:len(s)-1]
	}
	return s
}

// snake turns "FinancialAccount" into "financial_account".
func snake(s string) string {
	var sb strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				sb.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

func placeholders(path string) []string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, seg[1:len(seg)-1])
		}
	}
	return out
}

// resolveResult reads the 200 response schema of op.
func (g *Gen) resolveResult(m *Method, op *Operation) {
	resp, ok := op.Responses["200"]
	if !ok {
		g.errorf("%s %s: no 200 response", m.EP.Method, m.EP.Path)
		return
	}
	s := resp.Content["application/json"].Schema
	if s == nil {
		g.errorf("%s %s: no JSON schema", m.EP.Method, m.EP.Path)
		return
	}
	elemOf := func(items *Schema) *Decl {
		d := g.byKey[items.RefName()]
		if d == nil {
			g.errorf("%s %s: list of untyped %s", m.EP.Method, m.EP.Path, items.RefName())
		}
		return d
	}
	switch {
	case s.RefName() != "":
		d := g.byKey[s.RefName()]
		if d == nil {
			g.errorf("%s %s: result %s is not typed", m.EP.Method, m.EP.Path, s.RefName())
			return
		}
		m.Kind, m.Result = MPlain, ptr(&T{Kind: KNamed, Decl: d})
		m.Prose = proseOf(strings.TrimPrefix(s.RefName(), "deleted_"))
		m.ResultSchema = strings.TrimPrefix(s.RefName(), "deleted_")
	case isList(s):
		m.Kind, m.Elem = MList, elemOf(s.Properties["data"].Items)
		m.Prose = proseOf(s.Properties["data"].Items.RefName())
		m.ResultSchema = s.Properties["data"].Items.RefName()
	case s.Properties["object"] != nil && len(s.Properties["object"].Enum) == 1 && s.Properties["object"].Enum[0] == "search_result":
		m.Kind, m.Elem = MSearch, elemOf(s.Properties["data"].Items)
		m.Prose = proseOf(s.Properties["data"].Items.RefName())
		m.ResultSchema = s.Properties["data"].Items.RefName()
	case len(s.AnyOf) == 2 && s.AnyOf[1].RefName() == "deleted_"+s.AnyOf[0].RefName():
		// Retrieving a deleted object returns its deleted_ form: the live
		// type gets a Deleted flag so the method can return one type.
		d := g.byKey[s.AnyOf[0].RefName()]
		if d == nil {
			g.errorf("%s %s: result %s is not typed", m.EP.Method, m.EP.Path, s.AnyOf[0].RefName())
			return
		}
		d.AddDeleted = true
		m.Kind, m.Result = MPlain, ptr(&T{Kind: KNamed, Decl: d})
		m.Prose = proseOf(s.AnyOf[0].RefName())
		m.ResultSchema = s.AnyOf[0].RefName()
	default:
		g.errorf("%s %s: unsupported result shape", m.EP.Method, m.EP.Path)
	}
}

func proseOf(schema string) string {
	if p, ok := prose[schema]; ok {
		return p
	}
	return strings.ReplaceAll(strings.ReplaceAll(schema, "_", " "), ".", " ")
}

func methodGoName(m *Method) string { return m.EP.GoMethod }

// ---- params fields ----

// methodParamsName names a method's parameters: the resource, the method
// ("Test" before it for a test helper) and Params.
func methodParamsName(resource string, ep Endpoint) string {
	return resource + methodWord(ep) + "Params"
}

// methodWord is the method part of a params name: "Create", or
// "TestCreate" for a test helper.
func methodWord(ep Endpoint) string {
	if strings.HasPrefix(ep.Service, "TestHelpers.") {
		return "Test" + ep.GoMethod
	}
	return ep.GoMethod
}

// paramAlternatives splits a parameter schema into the alternatives a
// caller can send (anyOf minus the empty-string marker).
func paramAlternatives(s *Schema) []*Schema {
	if len(s.AnyOf) == 0 {
		return []*Schema{s}
	}
	return nonEmptyAnyOf(s)
}

func isRangeQuery(s *Schema) bool { return s.Title == "range_query_specs" }

// objectAlternatives returns the object form of a parameter: its one
// object alternative, or the merge of several (a parameter that takes one
// of several object shapes), or nil.
func objectAlternatives(s *Schema) *Schema {
	var objs []*Schema
	for _, a := range paramAlternatives(s) {
		if a.Type == "object" && len(a.Properties) > 0 && !isRangeQuery(a) {
			objs = append(objs, a)
		}
	}
	switch len(objs) {
	case 0:
		return nil
	case 1:
		return objs[0]
	}
	merged := mergeSchemas(objs)
	merged.Title = objs[0].Title
	return merged
}

// paramFields adds the field(s) for one parameter. A parameter that takes
// several shapes gets one field per shape, all with the same wire name.
func (g *Gen) paramFields(d *Decl, wire string, s *Schema, required, query bool) {
	alts := paramAlternatives(s)
	base := goName(wire)
	objects := 0
	for _, a := range alts {
		if a.Type == "object" && len(a.Properties) > 0 {
			objects++
		}
	}
	if objects >= 2 && len(alts) == objects {
		// Several object shapes: one struct with all their properties.
		f := g.paramField(d, wire, base, objectAlternatives(s), query)
		f.Required = required
		d.Fields = append(d.Fields, f)
		return
	}
	for i, a := range alts {
		name := base
		if len(alts) > 1 {
			switch {
			case isRangeQuery(a):
				name = base + "Range"
			case a.Type == "string" && objects > 0:
				name = base + "Token"
			case a.Type == "string":
				name = base + "String"
			}
		}
		f := g.paramField(d, wire, name, a, query)
		f.Required = required && i == 0
		d.Fields = append(d.Fields, f)
	}
}

func (g *Gen) paramField(d *Decl, wire, name string, s *Schema, query bool) *Field {
	f := &Field{GoName: name, Wire: wire}
	switch {
	case isRangeQuery(s):
		f.Type = ptr(&T{Kind: KRange})
	case s.Type == "array":
		elem, sub := g.paramElem(d, singularWire(wire), s.Items)
		f.Type = &T{Kind: KSlice, Elem: elem}
		f.Sub, f.Slice = sub, true
		if sub != nil {
			f.SubRequired = extraRequired(objectAlternatives(s.Items), sub)
		}
		if query {
			f.Options = ",brackets"
		}
	case s.Type == "object":
		if _, isMap := s.MapValue(); isMap || len(s.Properties) == 0 {
			f.Type = &T{Kind: KMap, Elem: &T{Kind: KString}}
			break
		}
		sub := g.paramStruct(d, wire, s)
		f.Type, f.Sub = ptr(&T{Kind: KNamed, Decl: sub}), sub
		f.SubRequired = extraRequired(s, sub)
	default:
		f.Type = ptr(g.paramScalar(d, wire, s))
	}
	f.Schema = s
	key := d.ResSchema + " " + joinPath(d.Path, wire)
	if n := paramNotes[key]; n != "" {
		f.Note = n
		g.usedNotes[key] = true
	}
	return f
}

// extraRequired lists the properties required at one position of a
// nested params object that its struct's own Validate does not check (a
// common shape checks none; a struct shared by several methods checks
// those every method requires): the parent checks them there.
func extraRequired(s *Schema, sub *Decl) []string {
	if s == nil {
		return nil
	}
	own := map[string]bool{}
	for _, f := range sub.Fields {
		if f.Required {
			own[f.Wire] = true
		}
	}
	var out []string
	for _, r := range s.Required {
		if !own[r] {
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

func (g *Gen) paramElem(d *Decl, wire string, s *Schema) (*T, *Decl) {
	if s == nil {
		return &T{Kind: KString}, nil
	}
	if obj := objectAlternatives(s); obj != nil {
		sub := g.paramStruct(d, wire, obj)
		return ptr(&T{Kind: KNamed, Decl: sub}), sub
	}
	s = paramAlternatives(s)[0]
	if s.Type == "object" {
		return &T{Kind: KMap, Elem: &T{Kind: KString}}, nil
	}
	return g.paramScalar(d, wire, s), nil
}

func (g *Gen) paramScalar(d *Decl, wire string, s *Schema) *T {
	switch s.Type {
	case "string":
		if d.Pkg.Name == "events" && (wire == "type" || wire == "types" || wire == "type_") {
			if et := g.names[d.Pkg]["EventType"]; et != nil {
				return &T{Kind: KNamed, Decl: et}
			}
		}
		if vals := s.StringEnum(); len(vals) > 0 && !(len(vals) == 1 && vals[0] == "") {
			var nonEmpty []string
			for _, v := range vals {
				if v != "" {
					nonEmpty = append(nonEmpty, v)
				}
			}
			// The enum lives with the resource's type, which may be in a
			// lower package than the service (connect.Customer).
			p, file := d.Pkg, d.File
			if res := g.byKey[d.ResSchema]; res != nil && res.Pkg != d.Pkg {
				p, file = res.Pkg, res.File
			}
			return &T{Kind: KNamed, Decl: g.enumAt(p, d.Owner, joinPath(d.Path, wire), nonEmpty, file, d.Owner)}
		}
		return &T{Kind: KString}
	case "integer":
		return &T{Kind: KInt}
	case "number":
		return &T{Kind: KFloat}
	case "boolean":
		return &T{Kind: KBool}
	}
	g.errorf("%s.%s: unsupported param schema type %q", d.Name, wire, s.Type)
	return &T{Kind: KString}
}

func sameStrings(a, b []string) bool {
	a2, b2 := append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a2)
	sort.Strings(b2)
	return strings.Join(a2, "\x00") == strings.Join(b2, "\x00")
}

// paramKey identifies a nested params struct: package, resource and the
// wire path from the params root (array elements in the singular).
func paramKey(p *Pkg, resource, path string) string {
	return "params:" + p.Name + ":" + resource + ":" + path
}

// collectParamObjects records, for each path of each resource, the object
// schemas that methods accept there.
func (g *Gen) collectParamObjects(s *Schema, p *Pkg, resource, path string) {
	for _, a := range paramAlternatives(s) {
		if a.Type == "array" && a.Items != nil {
			g.collectParamObjects(a.Items, p, resource, singularWire(path))
		}
	}
	obj := objectAlternatives(s)
	if obj == nil {
		return
	}
	if commonShape(obj) != "" {
		return
	}
	key := paramKey(p, resource, path)
	g.paramShapes[key] = append(g.paramShapes[key], obj)
	for _, k := range sortedKeys(obj.Properties) {
		g.collectParamObjects(obj.Properties[k], p, resource, path+"."+k)
	}
}

// commonShape returns the config name of a params object the API repeats
// across resources (an address, a date), or "": its properties and their
// types match.
func commonShape(s *Schema) string {
	var sig []string
	for _, k := range sortedKeys(s.Properties) {
		t := ""
		for _, a := range paramAlternatives(s.Properties[k]) {
			t = a.Type
		}
		sig = append(sig, k+":"+t)
	}
	return commonShapes[strings.Join(sig, ",")]
}

// mergeParamObjects joins the object schemas methods accept at one path:
// every property any of them takes, required where all require it, and
// the enum values of all.
func mergeParamObjects(shapes []*Schema) *Schema {
	out := mergeSchemas(shapes)
	for k, p := range out.Properties {
		var vals []string
		enum, empty := true, false
		for _, sh := range shapes {
			q := sh.Properties[k]
			if q == nil {
				continue
			}
			for _, a := range q.AnyOf {
				empty = empty || a.IsEmptyMarker()
			}
			alts := paramAlternatives(q)
			if len(alts) != 1 || alts[0].Type != "string" || len(alts[0].StringEnum()) == 0 {
				enum = false
				break
			}
			vals = unionStrings(vals, alts[0].StringEnum())
		}
		if !enum || len(vals) == len(schemaValues(p)) {
			continue
		}
		merged := *paramAlternatives(p)[0]
		merged.Enum = nil
		for _, v := range vals {
			merged.Enum = append(merged.Enum, v)
		}
		if empty {
			out.Properties[k] = &Schema{AnyOf: []*Schema{&merged, {Type: "string", Enum: []any{""}}}}
		} else {
			out.Properties[k] = &merged
		}
	}
	return out
}

// paramStruct declares (or reuses) the struct of a nested params object:
// one per path of a resource, named after them, holding the properties
// every method of the resource accepts there; or, for a common shape, the
// root package's struct of that name.
func (g *Gen) paramStruct(parent *Decl, wire string, s *Schema) *Decl {
	if name := commonShape(s); name != "" {
		key := "common:" + name
		if d := g.byKey[key]; d != nil {
			return d
		}
		d := g.addDecl(&Decl{Kind: DStruct, Pkg: pkgs[0], Name: name, File: "params", Params: true, Key: key})
		d.Doc = wrap(fmt.Sprintf("%s is a request object the API takes in many places (config.go's commonShapes); where a position requires some of its fields, the parent's Validate checks them.", name), docWidth)
		d.Fields = []*Field{}
		for _, k := range sortedKeys(s.Properties) {
			g.paramFields(d, k, s.Properties[k], false, false)
		}
		return d
	}
	path := joinPath(parent.Path, wire)
	key := paramKey(parent.Pkg, parent.Owner, path)
	if d := g.byKey[key]; d != nil {
		return d
	}
	merged := s
	if shapes := g.paramShapes[key]; len(shapes) > 1 {
		merged = mergeParamObjects(shapes)
	}
	name := parent.Owner + goName(path) + "Params"
	d := g.addDecl(&Decl{Kind: DStruct, Pkg: parent.Pkg, Name: name, File: parent.File, Params: true, Key: key, Owner: parent.Owner,
		ResSchema: parent.ResSchema, Path: path})
	d.Pos = []Pos{{Holder: parent.Owner, Path: path}}
	d.Doc = wrap(fmt.Sprintf("%s is the %q object of the %s parameters, for every method that takes it.", name, path, parent.Owner), docWidth)
	d.Fields = []*Field{}
	for _, k := range sortedKeys(merged.Properties) {
		g.paramFields(d, k, merged.Properties[k], merged.IsRequired(k), false)
	}
	return d
}

// joinPath appends a wire name to a dotted wire path.
func joinPath(path, wire string) string {
	if path == "" {
		return wire
	}
	return path + "." + wire
}
