package main

import (
	"fmt"
	"sort"
	"strings"
)

// Kind is the shape of a Go type expression.
type Kind int

// Type kinds.
const (
	KString Kind = iota
	KInt
	KFloat
	KBool
	KRawJSON   // json.RawMessage
	KRawObject // embedfin.RawObject
	KNamed     // a generated struct, enum or union
	KPtr
	KSlice
	KMap
	KList       // *embedfin.List[Elem]
	KExpandable // embedfin.Expandable[Elem]
	KRange      // embedfin.RangeQueryParams
)

// T is a Go type expression.
type T struct {
	Kind  Kind
	Decl  *Decl
	Elem  *T
	Named string // for KNamed when Decl is nil: a fixed qualified name
}

func ptr(t *T) *T { return &T{Kind: KPtr, Elem: t} }

// DeclKind tells what a declaration is.
type DeclKind int

// Declaration kinds.
const (
	DStruct DeclKind = iota
	DEnum
	DUnion
)

// Decl is one generated named type.
type Decl struct {
	Kind   DeclKind
	Pkg    *Pkg
	Name   string
	File   string
	Doc    []string
	Key    string // schema name, or a position path for inline objects
	Schema *Schema
	// Owner is the Go name of the API resource this type belongs to ("Card"),
	// or "" for types shared by several. Enums are reused across fields only
	// within one owner.
	Owner string

	// structs
	Fields   []*Field
	HasID    bool
	Resource string // the schema name when this is a top-level API object
	Params   bool   // a request params struct
	Embed    string // embedded root type for params: Params, ListParams, SearchParams
	Required []*Field
	// RequireQuery: a search's query must be set (it lives in the
	// embedded SearchParams).
	RequireQuery bool
	// AddDeleted adds a Deleted flag: the object may come back in its
	// deleted_ form from a retrieve.
	AddDeleted bool
	// ResSchema and Path place a params struct: the resource schema its
	// endpoint returns and the wire path from the params root ("" for the
	// root), for paramNotes.
	ResSchema, Path string
	// Pos records where the type is used, the facts its name derives from
	// (the naming-rule test checks the name against them); Configured
	// marks a name taken from config.go instead.
	Pos        []Pos
	Configured bool
	// EnumNames are, for an enum, the position names of every field that
	// holds it (several when fields with the same values share it).
	EnumNames []string

	// enums
	Values []string

	// unions
	Variants []*Variant
	HasOther bool
	Merged   []*Schema // variants merged into one struct
}

// Pos is one position of a generated type: the holder type's name (for
// params, the resource's) and the wire path of the field from it, or the
// method whose parameters it holds.
type Pos struct {
	Holder, Path, Method string
}

// Field is one struct field.
type Field struct {
	GoName, Wire string
	Type         *T
	Doc          string  // composed at emit time from the facts below
	Schema       *Schema // the property's schema
	Holder       *Schema // the object schema holding it (responses)
	Note         string  // our one-line description (config), or ""
	Required     bool    // params: must be set
	Tag          string  // full tag text, computed at emit time when empty
	Options      string  // extra url tag options (params)
	Sub          *Decl   // params: nested params struct, for required checks
	Slice        bool    // params: Sub is the element of a slice
	// SubRequired are properties of Sub required at this position that
	// Sub's own Validate does not check (shared structs).
	SubRequired []string
}

// Variant is one case of a discriminated union.
type Variant struct {
	GoName  string
	Object  string
	Deleted bool
	Type    *T // pointer to the variant's type
}

// Gen holds the whole model.
type Gen struct {
	spec  *Spec
	decls []*Decl
	byKey map[string]*Decl
	names map[*Pkg]map[string]*Decl
	errs  []string

	// discovery
	users map[string]map[string]bool // component schema -> parent keys
	sites map[string][]string        // component schema -> "parentKey.field" use sites
	order []string                   // component schemas in discovery order
	place map[string]*Pkg

	services map[*Pkg][]*Service
	shapes   *shapeGen // the response-shapes table, built first
	// usedNotes records the fieldNotes and paramNotes keys that found
	// their field; a key that finds none is an error.
	usedNotes map[string]bool
	// paramShapes holds, per nested params struct (paramKey), the object
	// schemas every method accepts at its path.
	paramShapes map[string][]*Schema
}

func (g *Gen) errorf(format string, args ...any) {
	g.errs = append(g.errs, fmt.Sprintf(format, args...))
}

func (g *Gen) schema(name string) *Schema {
	s := g.spec.Components.Schemas[name]
	if s == nil {
		g.errorf("schema %q not in spec", name)
		return &Schema{}
	}
	return s
}

// isOpaque reports whether a component schema is an API object outside the
// SDK's products, kept as raw JSON.
func (g *Gen) isOpaque(name string) bool {
	if _, ok := owned[name]; ok {
		return false
	}
	return g.schema(name).ResourceID != ""
}

// isExpandable reports whether s is an ID-or-object reference.
func isExpandable(s *Schema) bool { return s != nil && s.ExpansionResources != nil }

// nonEmptyAnyOf drops the {"enum": [""]} alternative.
func nonEmptyAnyOf(s *Schema) []*Schema {
	var out []*Schema
	for _, a := range s.AnyOf {
		if !a.IsEmptyMarker() {
			out = append(out, a)
		}
	}
	return out
}

// isList reports whether an inline object is a list envelope.
func isList(s *Schema) bool {
	if s.Type != "object" || s.Properties == nil {
		return false
	}
	obj, data := s.Properties["object"], s.Properties["data"]
	return obj != nil && data != nil && len(obj.Enum) == 1 && obj.Enum[0] == "list"
}

// discriminator returns the "object" value of a component schema and
// whether it is a deleted_ object.
func (g *Gen) discriminator(name string) (string, bool, bool) {
	s := g.schema(name)
	obj := s.Properties["object"]
	if obj == nil || len(obj.StringEnum()) != 1 {
		return "", false, false
	}
	_, deleted := s.Properties["deleted"]
	return obj.StringEnum()[0], deleted, true
}

// ---- discovery ----

// discover walks every component schema reachable without following
// expansions, recording who uses what.
func (g *Gen) discover(roots []string) {
	g.users = map[string]map[string]bool{}
	g.sites = map[string][]string{}
	seen := map[string]bool{}
	var queue []string
	push := func(name, parent, site string) {
		if parent != "" {
			if g.users[name] == nil {
				g.users[name] = map[string]bool{}
			}
			g.users[name][parent] = true
			g.sites[name] = append(g.sites[name], site)
		}
		if !seen[name] {
			seen[name] = true
			g.order = append(g.order, name)
			if !g.isOpaque(name) {
				queue = append(queue, name)
			}
		}
	}
	for _, r := range roots {
		push(r, "", "")
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		g.walkRefs(g.schema(name), func(ref, field string) {
			push(ref, name, name+"|"+field)
		}, "")
	}
}

// walkRefs calls fn for every component referenced by s outside
// expansions, with the property path from s.
func (g *Gen) walkRefs(s *Schema, fn func(ref, field string), path string) {
	if s == nil {
		return
	}
	if r := s.RefName(); r != "" {
		fn(r, path)
		return
	}
	if isExpandable(s) {
		return
	}
	for _, a := range s.AnyOf {
		g.walkRefs(a, fn, path)
	}
	g.walkRefs(s.Items, fn, singularWire(path))
	if v, ok := s.MapValue(); ok && v != nil {
		g.walkRefs(v, fn, path)
	}
	for _, k := range sortedKeys(s.Properties) {
		p := k
		if path != "" {
			p = path + "." + k
		}
		g.walkRefs(s.Properties[k], fn, p)
	}
}

// findAbsorbed marks the components that only ever appear as a later
// variant of an undiscriminated anyOf: their fields join the first variant.
func (g *Gen) findAbsorbed() map[string]bool {
	count := map[string]int{}
	var walk func(s *Schema)
	walk = func(s *Schema) {
		if s == nil || s.RefName() != "" || isExpandable(s) {
			return
		}
		if alts := nonEmptyAnyOf(s); len(alts) >= 2 {
			var refs []string
			for _, a := range alts {
				refs = append(refs, a.RefName())
			}
			if _, ok := g.variants(pkgs[len(pkgs)-1], refs); !ok && !contains(refs, "") {
				for _, r := range refs[1:] {
					count[r]++
				}
			}
		}
		for _, a := range s.AnyOf {
			walk(a)
		}
		walk(s.Items)
		for _, k := range sortedKeys(s.Properties) {
			walk(s.Properties[k])
		}
	}
	for _, name := range g.order {
		if !g.isOpaque(name) {
			walk(g.schema(name))
		}
	}
	out := map[string]bool{}
	for name, n := range count {
		if n == len(g.sites[name]) {
			out[name] = true
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// closurePkgOrder is the highest package order among the owned resources a
// schema embeds (not through expansions): the lowest package that can hold
// it.
func (g *Gen) closurePkgOrder(name string, seen map[string]bool) int {
	if seen[name] {
		return 0
	}
	seen[name] = true
	if o, ok := owned[name]; ok {
		return pkgByName(o.Pkg).Order
	}
	if g.isOpaque(name) {
		return 0
	}
	best := 0
	g.walkAllRefs(g.schema(name), func(ref string) {
		best = max(best, g.closurePkgOrder(ref, seen))
	})
	return best
}

// walkAllRefs calls fn for every component s references, expandable IDs
// included (they are typed too).
func (g *Gen) walkAllRefs(s *Schema, fn func(ref string)) {
	if s == nil {
		return
	}
	if r := s.RefName(); r != "" {
		fn(r)
		return
	}
	if isExpandable(s) {
		for _, r := range s.ExpansionResources.OneOf {
			if n := r.RefName(); n != "" {
				fn(n)
			}
		}
	}
	for _, a := range s.AnyOf {
		g.walkAllRefs(a, fn)
	}
	g.walkAllRefs(s.Items, fn)
	if v, ok := s.MapValue(); ok && v != nil {
		g.walkAllRefs(v, fn)
	}
	for _, k := range sortedKeys(s.Properties) {
		g.walkAllRefs(s.Properties[k], fn)
	}
}

// placeAll decides the package of every discovered component schema.
func (g *Gen) placeAll() {
	g.place = map[string]*Pkg{}
	for _, name := range g.order {
		if o, ok := owned[name]; ok {
			g.place[name] = pkgByName(o.Pkg)
		}
	}
	for changed := true; changed; {
		changed = false
		for _, name := range g.order {
			if g.place[name] != nil || g.isOpaque(name) {
				continue
			}
			userPkgs := map[*Pkg]bool{}
			ready := true
			for u := range g.users[name] {
				p := g.place[u]
				if p == nil {
					ready = false
					break
				}
				userPkgs[p] = true
			}
			if !ready {
				continue
			}
			minOrder := g.closurePkgOrder(name, map[string]bool{})
			var chosen *Pkg
			if len(userPkgs) == 1 {
				for p := range userPkgs {
					chosen = p
				}
			} else {
				chosen = pkgs[minOrder]
			}
			for p := range userPkgs {
				if p.Order < chosen.Order {
					g.errorf("%s: placed in %s but used from lower package %s", name, chosen.Name, p.Name)
				}
			}
			g.place[name] = chosen
			changed = true
		}
	}
	for _, name := range g.order {
		if g.place[name] == nil && !g.isOpaque(name) {
			g.errorf("%s: could not be placed (users %v)", name, keys(g.users[name]))
		}
	}
}

// ---- declarations ----

func (g *Gen) addDecl(d *Decl) *Decl {
	if g.names[d.Pkg] == nil {
		g.names[d.Pkg] = map[string]*Decl{}
	}
	if prev := g.names[d.Pkg][d.Name]; prev != nil {
		g.errorf("name clash in %s: %s from %s and %s", d.Pkg.Name, d.Name, prev.Key, d.Key)
	}
	g.names[d.Pkg][d.Name] = d
	g.decls = append(g.decls, d)
	if d.Key != "" {
		g.byKey[d.Key] = d
	}
	return d
}

// nameComponent picks the Go name of a non-owned component schema: its
// holder's name and the field's when it has one position, the config's
// when it has several.
func (g *Gen) nameComponent(name string) (string, []Pos, bool) {
	if n, ok := sharedNames[name]; ok {
		return n, nil, true
	}
	sites := g.sites[name]
	if len(sites) == 1 {
		site := sites[0]
		dot := strings.IndexByte(site, '|')
		parent, field := site[:dot], site[dot+1:]
		pd := g.byKey[parent]
		if pd == nil {
			g.errorf("%s: parent %s not declared yet", name, parent)
			return goName(name), nil, false
		}
		return pd.Name + goName(field), []Pos{{Holder: pd.Name, Path: field}}, false
	}
	g.errorf("%s is used at %v: give it a name in sharedNames", name, sites)
	return goName(name), nil, false
}

// declareComponents creates a declaration for every placed component, in
// discovery order so parents are named before their children.
func (g *Gen) declareComponents() {
	absorbed := g.findAbsorbed()
	for _, name := range g.order {
		if g.isOpaque(name) || absorbed[name] {
			continue
		}
		s := g.schema(name)
		d := &Decl{Kind: DStruct, Pkg: g.place[name], Key: name, Schema: s}
		if o, ok := owned[name]; ok {
			d.Name, d.File, d.Resource, d.Owner = o.Name, o.File, name, o.Name
			d.Configured = true
		} else {
			d.Name, d.Pos, d.Configured = g.nameComponent(name)
			d.File = g.fileFor(name)
			d.Owner = g.commonOwner(name)
		}
		if _, ok := s.Properties["id"]; ok {
			d.HasID = true
		}
		g.addDecl(d)
	}
}

// commonOwner is the owner shared by every user of a component, or "".
func (g *Gen) commonOwner(name string) string {
	owner := ""
	for i, u := range keys(g.users[name]) {
		d := g.byKey[u]
		if d == nil {
			return ""
		}
		if i == 0 {
			owner = d.Owner
		} else if d.Owner != owner {
			return ""
		}
	}
	return owner
}

// fileFor puts a sub-object in its user's file when it has one user, in a
// shared file otherwise.
func (g *Gen) fileFor(name string) string {
	p := g.place[name]
	if p.Order == 0 {
		return "types"
	}
	files := map[string]bool{}
	for u := range g.users[name] {
		if d := g.byKey[u]; d != nil && d.Pkg == p {
			files[d.File] = true
		} else if g.place[u] == p {
			files[g.fileFor(u)] = true
		}
	}
	if len(files) == 1 {
		for f := range files {
			return f
		}
	}
	return "shared"
}

// buildFields fills in the fields of every response struct.
func (g *Gen) buildFields() {
	for i := 0; i < len(g.decls); i++ { // decls grows as inline types appear
		d := g.decls[i]
		if d.Kind != DStruct || d.Params || d.Fields != nil {
			continue
		}
		if d.Merged != nil {
			g.fillStruct(d, mergeSchemas(d.Merged))
			continue
		}
		g.fillStruct(d, d.Schema)
	}
}

// mergeSchemas joins the properties of undiscriminated variants.
func mergeSchemas(variants []*Schema) *Schema {
	out := &Schema{Type: "object", Properties: map[string]*Schema{}}
	req := map[string]int{}
	for _, v := range variants {
		for k, p := range v.Properties {
			prev, ok := out.Properties[k]
			if !ok {
				out.Properties[k] = p
				continue
			}
			// The same property holding different objects in different
			// variants: its type becomes the merge of those objects too.
			a, an := singleRef(prev)
			b, bn := singleRef(p)
			if a != "" && b != "" && a != b {
				alts := prev.AnyOf
				if len(alts) == 0 || prev.RefName() != "" {
					alts = []*Schema{{Ref: "#/components/schemas/" + a}}
				}
				out.Properties[k] = &Schema{Nullable: an || bn, AnyOf: append(append([]*Schema(nil), alts...), &Schema{Ref: "#/components/schemas/" + b})}
			}
		}
		for _, r := range v.Required {
			req[r]++
		}
	}
	for r, n := range req {
		if n == len(variants) {
			out.Required = append(out.Required, r)
		}
	}
	sort.Strings(out.Required)
	return out
}

// singleRef returns the component a property holds when it is one object
// (directly or as a nullable anyOf of one).
func singleRef(p *Schema) (string, bool) {
	if r := p.RefName(); r != "" {
		return r, p.Nullable
	}
	if alts := nonEmptyAnyOf(p); len(alts) >= 1 {
		if r := alts[len(alts)-1].RefName(); r != "" {
			return r, p.Nullable
		}
	}
	return "", false
}

func (g *Gen) fillStruct(d *Decl, s *Schema) {
	d.Fields = []*Field{}
	for _, k := range sortedKeys(s.Properties) {
		p := s.Properties[k]
		f := &Field{GoName: goName(k), Wire: k}
		if k == "object" && p.Type == "string" {
			f.Type = &T{Kind: KString}
		} else if d.Key == "event" && k == "type" {
			f.Type = &T{Kind: KNamed, Decl: g.eventTypeDecl(d)}
		} else {
			optional := !s.IsRequired(k)
			f.Type = g.respType(d, k, p, optional)
		}
		f.Schema, f.Holder = p, s
		f.Note = fieldNotes[d.Key+"."+k]
		if f.Note != "" {
			g.usedNotes[d.Key+"."+k] = true
		}
		d.Fields = append(d.Fields, f)
	}
}

// respType maps a property schema to a Go type inside decl d.
func (g *Gen) respType(d *Decl, field string, s *Schema, optional bool) *T {
	nullable := s.Nullable || optional
	if r := s.RefName(); r != "" {
		return g.refType(r)
	}
	if isExpandable(s) {
		return ptr(&T{Kind: KExpandable, Elem: g.expansionTarget(d, field, s)})
	}
	if len(s.AnyOf) > 0 {
		alts := nonEmptyAnyOf(s)
		if len(alts) == 1 {
			alt := *alts[0]
			alt.Nullable = alt.Nullable || s.Nullable
			return g.respType(d, field, &alt, optional)
		}
		return g.unionType(d, field, alts)
	}
	switch s.Type {
	case "object":
		if isList(s) {
			return ptr(&T{Kind: KList, Elem: g.elemType(d, field, s.Properties["data"].Items)})
		}
		if v, isMap := s.MapValue(); isMap && len(s.Properties) == 0 {
			if v == nil {
				return &T{Kind: KRawJSON}
			}
			return &T{Kind: KMap, Elem: g.respType(d, field, v, false)}
		}
		if len(s.Properties) == 0 {
			return &T{Kind: KRawJSON}
		}
		sub := g.inlineStruct(d, field, s)
		return ptr(&T{Kind: KNamed, Decl: sub})
	case "array":
		return &T{Kind: KSlice, Elem: g.elemType(d, field, s.Items)}
	case "string":
		if len(s.StringEnum()) > 0 && !(len(s.Enum) == 1 && s.Enum[0] == "") {
			return maybePtr(&T{Kind: KNamed, Decl: g.enumDecl(d, field, s.StringEnum())}, nullable)
		}
		return maybePtr(&T{Kind: KString}, nullable)
	case "integer":
		return maybePtr(&T{Kind: KInt}, nullable)
	case "number":
		return maybePtr(&T{Kind: KFloat}, nullable)
	case "boolean":
		return maybePtr(&T{Kind: KBool}, nullable)
	}
	g.errorf("%s.%s: unsupported schema %+v", d.Name, field, *s)
	return &T{Kind: KRawJSON}
}

func maybePtr(t *T, p bool) *T {
	if p {
		return ptr(t)
	}
	return t
}

// elemType is the element of an array or list, named in the singular
// ("permissions" holds Permission values).
func (g *Gen) elemType(d *Decl, field string, s *Schema) *T {
	return g.respType(d, singularWire(field), s, false)
}

// refType is a reference to a component schema by value position (always
// a pointer for objects).
func (g *Gen) refType(name string) *T {
	if g.isOpaque(name) {
		return ptr(&T{Kind: KRawObject})
	}
	decl := g.byKey[name]
	if decl == nil {
		g.errorf("reference to undeclared schema %s", name)
		return ptr(&T{Kind: KRawObject})
	}
	return ptr(&T{Kind: KNamed, Decl: decl})
}

// inlineStruct declares a struct for an inline object schema.
func (g *Gen) inlineStruct(d *Decl, field string, s *Schema) *Decl {
	key := d.Key + "." + field
	if sub := g.byKey[key]; sub != nil {
		return sub
	}
	sub := &Decl{Kind: DStruct, Pkg: d.Pkg, Name: d.Name + goName(field), File: d.File, Key: key, Schema: s, Owner: d.Owner,
		Pos: []Pos{{Holder: d.Name, Path: field}}}
	_, sub.HasID = s.Properties["id"]
	return g.addDecl(sub)
}

// enumDecl declares (or joins) the enum of a response field, named after
// its holder and the field.
func (g *Gen) enumDecl(d *Decl, field string, values []string) *Decl {
	return g.enumAt(d.Pkg, d.Name, field, values, d.File, d.Owner)
}

// enumAt returns the enum of package p at a position: holder's name
// followed by the path's ("AccountControllerFeesPayer"). Positions with the
// same name (a field in a response and in the requests of its resource)
// share it, with the values of all; groupEnums later joins enums of
// identical values under one name.
func (g *Gen) enumAt(p *Pkg, holder, path string, values []string, file, owner string) *Decl {
	name := holder + goName(path)
	pos := Pos{Holder: holder, Path: path}
	if prev := g.names[p][name]; prev != nil {
		if prev.Kind != DEnum {
			g.errorf("enum %s.%s clashes with another type of that name", p.Name, name)
			return prev
		}
		prev.Values = unionStrings(prev.Values, values)
		prev.Pos = append(prev.Pos, pos)
		return prev
	}
	return g.addDecl(&Decl{Kind: DEnum, Pkg: p, Name: name, File: file, Values: unionStrings(nil, values),
		Key: "enum:" + p.Name + ":" + name, Owner: owner, EnumNames: []string{name}, Pos: []Pos{pos}})
}

// unionStrings merges two value lists, sorted.
func unionStrings(a, b []string) []string {
	set := map[string]bool{}
	for _, v := range append(append([]string(nil), a...), b...) {
		set[v] = true
	}
	return keys(set)
}

// unionType handles anyOf of several objects: a tagged union when every
// variant has its own "object" value, else one struct holding the
// properties of all variants.
func (g *Gen) unionType(d *Decl, field string, alts []*Schema) *T {
	key := d.Key + "." + field + "#union"
	if u := g.byKey[key]; u != nil {
		return ptr(&T{Kind: KNamed, Decl: u})
	}
	var refs []string
	for _, a := range alts {
		if a.RefName() == "" {
			g.errorf("%s.%s: anyOf with an inline alternative", d.Name, field)
			return &T{Kind: KRawJSON}
		}
		refs = append(refs, a.RefName())
	}
	if variants, ok := g.variants(unionPkg(g, refs, d.Pkg), refs); ok {
		return ptr(&T{Kind: KNamed, Decl: g.unionDecl(d, field, key, refs, variants)})
	}
	// Undiscriminated: the first variant's struct also takes the fields of
	// the others (they are absorbed and not declared on their own).
	first := g.byKey[refs[0]]
	if first == nil || first.Kind != DStruct {
		g.errorf("%s.%s: first variant %s is not a struct", d.Name, field, refs[0])
		return &T{Kind: KRawJSON}
	}
	if first.Fields != nil {
		g.errorf("%s.%s: variant %s was built before its union was seen", d.Name, field, refs[0])
	}
	if first.Merged == nil {
		first.Merged = []*Schema{first.Schema}
	}
	for _, r := range refs[1:] {
		first.Merged = append(first.Merged, g.schema(r))
	}
	return ptr(&T{Kind: KNamed, Decl: first})
}

type variantSet struct {
	list  []*Variant
	other bool
}

// variants builds tagged-union cases for the component schemas refs as
// seen from package p; ok is false when the variants cannot be told apart
// by their object field.
func (g *Gen) variants(p *Pkg, refs []string) (variantSet, bool) {
	var vs variantSet
	seen := map[string]bool{}
	for _, r := range refs {
		obj, deleted, ok := g.discriminator(r)
		if !ok {
			return vs, false
		}
		tag := fmt.Sprintf("%s/%v", obj, deleted)
		if seen[tag] {
			return vs, false
		}
		seen[tag] = true
		if g.isOpaque(r) || g.byKey[r] == nil {
			vs.other = true
			continue
		}
		if g.byKey[r].Pkg.Order > p.Order {
			g.errorf("%s in a union seen from %s: a higher package, so it would be untyped", r, p.Name)
			vs.other = true
			continue
		}
		decl := g.byKey[r]
		vs.list = append(vs.list, &Variant{GoName: decl.Name, Object: obj, Deleted: deleted, Type: ptr(&T{Kind: KNamed, Decl: decl})})
	}
	return vs, true
}

// expansionTarget is the T of Expandable[T] for an ID-or-object field.
func (g *Gen) expansionTarget(d *Decl, field string, s *Schema) *T {
	var refs []string
	for _, r := range s.ExpansionResources.OneOf {
		refs = append(refs, r.RefName())
	}
	if len(refs) == 2 && refs[1] == "deleted_"+refs[0] {
		// The object or its deleted form: the live type carries a Deleted flag.
		refs = refs[:1]
		if decl := g.byKey[refs[0]]; decl != nil {
			decl.AddDeleted = true
		}
	}
	if len(refs) == 1 {
		r := refs[0]
		decl := g.byKey[r]
		if decl == nil || g.isOpaque(r) {
			return &T{Kind: KRawObject}
		}
		if decl.Pkg.Order > d.Pkg.Order {
			g.errorf("%s.%s: %s is in a higher package, so it would be untyped", d.Key, field, r)
			return &T{Kind: KRawObject}
		}
		return &T{Kind: KNamed, Decl: decl}
	}
	key := d.Key + "." + field + "#expansion"
	if u := g.byKey[key]; u != nil {
		return &T{Kind: KNamed, Decl: u}
	}
	vs, ok := g.variants(unionPkg(g, refs, d.Pkg), refs)
	if !ok || len(vs.list) == 0 {
		return &T{Kind: KRawObject}
	}
	return &T{Kind: KNamed, Decl: g.unionDecl(d, field, key, refs, vs)}
}

// unionPkg is where a union of the component schemas refs lives: the
// package of its highest typed variant (the lowest package that can hold
// every variant), or the holder's package when no variant is typed.
func unionPkg(g *Gen, refs []string, holder *Pkg) *Pkg {
	var p *Pkg
	for _, r := range refs {
		if d := g.byKey[r]; d != nil && !g.isOpaque(r) && (p == nil || d.Pkg.Order > p.Order) {
			p = d.Pkg
		}
	}
	if p == nil {
		return holder
	}
	return p
}

// unionDecl declares a tagged union once, in the package of its variants,
// or reuses the union of the same variants.
func (g *Gen) unionDecl(d *Decl, field, key string, refs []string, vs variantSet) *Decl {
	sorted := append([]string(nil), refs...)
	sort.Strings(sorted)
	setKey := "union:" + strings.Join(sorted, "|")
	if u := g.byKey[setKey]; u != nil {
		g.byKey[key] = u
		return u
	}
	name, configured := unionNames[strings.Join(sorted, "|")]
	var pos []Pos
	if !configured {
		name, pos = d.Name+goName(field), []Pos{{Holder: d.Name, Path: field}}
	}
	p, file := unionPkg(g, refs, d.Pkg), d.File
	if p != d.Pkg {
		file = "shared"
	}
	u := g.addDecl(&Decl{Kind: DUnion, Pkg: p, Name: name, File: file, Key: setKey, Owner: d.Owner, Pos: pos, Configured: configured})
	u.Variants, u.HasOther = vs.list, vs.other
	g.byKey[key] = u
	return u
}

// eventTypeDecl declares EventType: the event types of the SDK's products,
// read from the enum of webhook endpoints' enabled_events.
func (g *Gen) eventTypeDecl(d *Decl) *Decl {
	if prev := g.names[d.Pkg]["EventType"]; prev != nil {
		return prev
	}
	var values []string
	if op := g.spec.Paths["/v1/webhook_endpoints"]["post"]; op != nil && op.RequestBody != nil {
		if c, ok := op.RequestBody.Content["application/x-www-form-urlencoded"]; ok && c.Schema != nil {
			if ev := c.Schema.Properties["enabled_events"]; ev != nil && ev.Items != nil {
				for _, v := range ev.Items.StringEnum() {
					for _, p := range eventTypePrefixes {
						if strings.HasPrefix(v, p) {
							values = append(values, v)
							break
						}
					}
				}
			}
		}
	}
	if len(values) == 0 {
		g.errorf("no event types found in the spec")
	}
	sort.Strings(values)
	return g.addDecl(&Decl{Kind: DEnum, Pkg: d.Pkg, Name: "EventType", File: "event_types", Values: values, Key: "event#types", Configured: true})
}

// ---- helpers ----

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func keys(m map[string]bool) []string { return sortedKeys(m) }
