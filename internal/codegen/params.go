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

// paramUse records a params object schema wherever it appears.
type paramUse struct {
	sig   string
	title string
	pkgs  map[*Pkg]bool
	count int // positions it appears at
	// places holds "Resource|field.path" of every position, to name a
	// shape shared by create and update after its one field.
	places map[string]bool
	decl   *Decl
}

func (g *Gen) buildServices() {
	g.services = map[*Pkg][]*Service{}
	uses := map[string]*paramUse{}
	// Pass 1: where does each params object shape appear?
	for _, ep := range endpoints {
		p := pkgByName(ep.Pkg)
		props, _ := g.endpointParams(ep)
		res := g.service(p, ep.Service).Resource
		for _, k := range sortedKeys(props) {
			g.collectParamObjects(props[k], p, res, k, uses)
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
		name := svc.Resource + ep.GoMethod + "Params"
		if strings.HasPrefix(ep.Service, "TestHelpers.") && ep.GoMethod == "Create" {
			name = svc.Resource + "TestCreateParams"
		}
		d := &Decl{Kind: DStruct, Pkg: p, Name: name, File: svc.File, Params: true, Embed: embed, Key: "params:" + ep.Method + " " + ep.Path, Owner: svc.Resource}
		d.Doc = []string{fmt.Sprintf("%s holds the parameters of %s.%s (%s %s).", name, svc.TypeName, methodGoName(m), ep.Method, ep.Path)}
		d.RequireQuery = requireQuery
		d.ResSchema = m.ResultSchema
		g.addDecl(d)
		d.Fields = []*Field{}
		for _, k := range sortedKeys(props) {
			if skip[k] {
				continue
			}
			g.paramFields(d, k, props[k], contains(required, k), ep.Method == "GET", uses)
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

// paramAlternatives splits a parameter schema into the alternatives a
// caller can send (anyOf minus the empty-string marker).
func paramAlternatives(s *Schema) []*Schema {
	if len(s.AnyOf) == 0 {
		return []*Schema{s}
	}
	return nonEmptyAnyOf(s)
}

func isRangeQuery(s *Schema) bool { return s.Title == "range_query_specs" }

// paramFields adds the field(s) for one parameter. A parameter that takes
// several shapes gets one field per shape, all with the same wire name.
func (g *Gen) paramFields(d *Decl, wire string, s *Schema, required, query bool, uses map[string]*paramUse) {
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
		merged := mergeSchemas(alts)
		merged.Title = alts[0].Title
		f := g.paramField(d, wire, base, merged, query, uses)
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
		f := g.paramField(d, wire, name, a, query, uses)
		f.Required = required && i == 0
		d.Fields = append(d.Fields, f)
	}
}

func (g *Gen) paramField(d *Decl, wire, name string, s *Schema, query bool, uses map[string]*paramUse) *Field {
	f := &Field{GoName: name, Wire: wire}
	switch {
	case isRangeQuery(s):
		f.Type = ptr(&T{Kind: KRange})
	case s.Type == "array":
		elem, sub := g.paramElem(d, singularWire(wire), s.Items, uses)
		f.Type = &T{Kind: KSlice, Elem: elem}
		f.Sub, f.Slice = sub, true
		if query {
			f.Options = ",brackets"
		}
	case s.Type == "object":
		if _, isMap := s.MapValue(); isMap || len(s.Properties) == 0 {
			f.Type = &T{Kind: KMap, Elem: &T{Kind: KString}}
			break
		}
		sub := g.paramStruct(d, wire, s, uses)
		f.Type, f.Sub = ptr(&T{Kind: KNamed, Decl: sub}), sub
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

func (g *Gen) paramElem(d *Decl, wire string, s *Schema, uses map[string]*paramUse) (*T, *Decl) {
	if s == nil {
		return &T{Kind: KString}, nil
	}
	alts := paramAlternatives(s)
	s = alts[0]
	if s.Type == "object" && len(s.Properties) > 0 {
		sub := g.paramStruct(d, wire, s, uses)
		return ptr(&T{Kind: KNamed, Decl: sub}), sub
	}
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
			return &T{Kind: KNamed, Decl: g.paramEnum(d, wire, vals)}
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

// paramEnum reuses an enum of the package with the same values whose name
// ends with the field's name (often the response's own enum), else
// declares one.
func (g *Gen) paramEnum(d *Decl, wire string, vals []string) *Decl {
	suffix := goName(wire)
	var best *Decl
	for _, n := range sortedKeys(g.names[d.Pkg]) {
		c := g.names[d.Pkg][n]
		if c.Kind == DEnum && (c.Owner == d.Owner && d.Owner != "" || c.Owner == "") && strings.HasSuffix(n, suffix) && sameStrings(c.Values, vals) {
			// Prefer the enum sharing the longest prefix with the params
			// struct (SessionCreateParams takes SessionPermission over
			// AccountPermission), then the shortest name.
			if best == nil || commonPrefix(n, d.Name) > commonPrefix(best.Name, d.Name) ||
				commonPrefix(n, d.Name) == commonPrefix(best.Name, d.Name) && len(n) < len(best.Name) {
				best = c
			}
		}
	}
	if best != nil {
		return best
	}
	name := strings.TrimSuffix(d.Name, "Params") + suffix
	for _, n := range []string{name, name + "Param"} {
		prev := g.names[d.Pkg][n]
		if prev == nil {
			return g.addDecl(&Decl{Kind: DEnum, Pkg: d.Pkg, Name: n, File: d.File, Values: vals, Key: d.Key + "." + wire + "#enum", Owner: d.Owner})
		}
		if prev.Kind == DEnum && sameStrings(prev.Values, vals) {
			return prev
		}
	}
	g.errorf("%s: cannot name enum for %s", d.Name, wire)
	return &Decl{Kind: DEnum, Pkg: d.Pkg, Name: name}
}

func sameStrings(a, b []string) bool {
	a2, b2 := append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a2)
	sort.Strings(b2)
	return strings.Join(a2, "\x00") == strings.Join(b2, "\x00")
}

// paramSig is a structural signature of a params object. The spec's title
// is part of it for objects holding objects, so that shapes the spec keeps
// apart (outbound_payments and outbound_transfers features) keep their own
// names; flat objects of scalars ({requested: bool}) merge whatever their
// titles.
func paramSig(s *Schema) string {
	var sb strings.Builder
	flat := true
	for _, p := range s.Properties {
		if p.Type == "object" || p.Type == "array" || len(p.AnyOf) > 0 {
			flat = false
		}
	}
	if !flat {
		sb.WriteString("title:" + s.Title + "|")
	}
	var walk func(s *Schema)
	walk = func(s *Schema) {
		if s == nil {
			sb.WriteString("nil")
			return
		}
		sb.WriteString(s.Type + "|" + s.Format + "|")
		for _, v := range s.StringEnum() {
			sb.WriteString(v + ",")
		}
		if len(s.AnyOf) > 0 {
			sb.WriteString("anyOf(")
			for _, a := range s.AnyOf {
				walk(a)
				sb.WriteString(";")
			}
			sb.WriteString(")")
		}
		if s.Items != nil {
			sb.WriteString("items(")
			walk(s.Items)
			sb.WriteString(")")
		}
		if len(s.Properties) > 0 {
			sb.WriteString("{")
			for _, k := range sortedKeys(s.Properties) {
				sb.WriteString(k)
				if s.IsRequired(k) {
					sb.WriteString("!")
				}
				sb.WriteString(":")
				walk(s.Properties[k])
				sb.WriteString(";")
			}
			sb.WriteString("}")
		}
	}
	walk(s)
	return sb.String()
}

// collectParamObjects records every params object shape and the packages
// that use it.
func (g *Gen) collectParamObjects(s *Schema, p *Pkg, resource, path string, uses map[string]*paramUse) {
	for _, a := range paramAlternatives(s) {
		switch {
		case a.Type == "array" && a.Items != nil:
			g.collectParamObjects(a.Items, p, resource, singularWire(path), uses)
		case a.Type == "object" && len(a.Properties) > 0 && !isRangeQuery(a):
			sig := paramSig(a)
			u := uses[sig]
			if u == nil {
				u = &paramUse{sig: sig, title: a.Title, pkgs: map[*Pkg]bool{}, places: map[string]bool{}}
				uses[sig] = u
			}
			u.pkgs[p] = true
			u.count++
			u.places[resource+"|"+path] = true
			for _, k := range sortedKeys(a.Properties) {
				g.collectParamObjects(a.Properties[k], p, resource, path+"."+k, uses)
			}
		}
	}
}

var genericTitles = map[string]bool{"": true, "param": true, "params": true}

// paramStruct declares (or reuses) the struct of a params object. Shapes
// used by several packages go to the root package.
func (g *Gen) paramStruct(parent *Decl, wire string, s *Schema, uses map[string]*paramUse) *Decl {
	sig := paramSig(s)
	u := uses[sig]
	if u == nil { // merged shapes are not pre-collected
		u = &paramUse{sig: sig, title: s.Title, pkgs: map[*Pkg]bool{parent.Pkg: true}}
		uses[sig] = u
	}
	if u.decl != nil {
		return u.decl
	}
	p := parent.Pkg
	if len(u.pkgs) > 1 {
		p = pkgs[0]
	}
	var name string
	if len(u.places) > 1 {
		name = shapeNames[strings.Join(sortedKeys(s.Properties), ",")]
		if name != "" && g.names[p][name] != nil {
			name = ""
		}
	}
	if name == "" && len(u.places) == 1 && u.count > 1 && p == parent.Pkg {
		// One field of one resource, shared by several endpoints (create
		// and update): named after the field.
		for place := range u.places {
			res, path, _ := strings.Cut(place, "|")
			name = res + goName(path) + "Params"
		}
		if g.names[p][name] != nil {
			name = ""
		}
	}
	if name == "" && !genericTitles[s.Title] && u.count > 1 {
		t := s.Title
		for _, suf := range []string{"_params", "_param", "_specs", "_spec"} {
			t = strings.TrimSuffix(t, suf)
		}
		name = goName(t) + "Params"
		if g.names[p][name] != nil {
			name = ""
		}
	}
	if name == "" {
		name = strings.TrimSuffix(parent.Name, "Params") + goName(wire) + "Params"
	}
	file := parent.File
	if p != parent.Pkg {
		file = "params"
	}
	d := g.addDecl(&Decl{Kind: DStruct, Pkg: p, Name: name, File: file, Params: true, Key: "paramobj:" + sig, Owner: parent.Owner,
		ResSchema: parent.ResSchema, Path: joinPath(parent.Path, wire)})
	d.Doc = []string{fmt.Sprintf("%s is a nested object of request parameters.", name)}
	u.decl = d
	d.Fields = []*Field{}
	for _, k := range sortedKeys(s.Properties) {
		g.paramFields(d, k, s.Properties[k], s.IsRequired(k), false, uses)
	}
	return d
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// joinPath appends a wire name to a dotted wire path.
func joinPath(path, wire string) string {
	if path == "" {
		return wire
	}
	return path + "." + wire
}
