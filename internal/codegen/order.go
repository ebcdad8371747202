package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// The package order is computed, not set by hand. Every reference from one
// typed resource to another is typed (an embedded object, a list, an
// expandable ID, a union variant), so the package of a resource imports the
// package of every resource it references, through any number of untyped
// sub-objects; a package's services import the package of the resources
// they answer with. computeOrder collects those references, keeps the ones that
// cross packages and sorts the packages topologically: a package comes
// after every package it imports (ties keep the order of pkgs, which is
// alphabetical after the root). A cycle between packages cannot be built in
// Go; it is reported with the references that make it, and resolved in
// owned by placing the resources of the cycle in one package.

// pkgEdge is one import between generated packages and the references
// that make it.
type pkgEdge struct {
	From, To *Pkg
	Refs     []string // "bank_account.customer → customer"
}

var (
	orderOnce  sync.Once
	orderEdges []*pkgEdge
	orderErr   error
)

// computeOrder sets Pkg.Order and sorts pkgs by it (once per process: the
// spec and the config do not change).
func (g *Gen) computeOrder() {
	orderOnce.Do(func() {
		orderEdges, orderErr = g.sortPackages()
	})
	if orderErr != nil {
		g.errorf("%v", orderErr)
	}
}

func (g *Gen) sortPackages() ([]*pkgEdge, error) {
	edges := map[[2]*Pkg]*pkgEdge{}
	for _, a := range sortedKeys(owned) {
		pa := pkgByName(owned[a].Pkg)
		for _, ref := range g.resourceRefs(a) {
			pb := pkgByName(owned[ref.to].Pkg)
			if pa == pb {
				continue
			}
			e := edges[[2]*Pkg{pa, pb}]
			if e == nil {
				e = &pkgEdge{From: pa, To: pb}
				edges[[2]*Pkg{pa, pb}] = e
			}
			e.Refs = append(e.Refs, fmt.Sprintf("%s.%s → %s", a, ref.path, ref.to))
		}
	}
	// A package's services answer with the resources of their endpoints.
	for _, ep := range endpoints {
		pa := pkgByName(ep.Pkg)
		op := g.spec.Paths[ep.Path][strings.ToLower(ep.Method)]
		if op == nil {
			continue
		}
		s := responseSchema(op)
		if s != nil && s.Properties["data"] != nil && s.Properties["data"].Items != nil {
			s = s.Properties["data"].Items
		}
		var refs []string
		if s != nil && s.RefName() != "" {
			refs = append(refs, s.RefName())
		} else if s != nil {
			for _, a := range s.AnyOf {
				refs = append(refs, a.RefName())
			}
		}
		for _, r := range refs {
			o, ok := owned[r]
			if !ok || pkgByName(o.Pkg) == pa {
				continue
			}
			pb := pkgByName(o.Pkg)
			e := edges[[2]*Pkg{pa, pb}]
			if e == nil {
				e = &pkgEdge{From: pa, To: pb}
				edges[[2]*Pkg{pa, pb}] = e
			}
			e.Refs = append(e.Refs, fmt.Sprintf("%s %s → %s", ep.Method, ep.Path, r))
		}
	}
	var list []*pkgEdge
	for _, e := range edges {
		list = append(list, e)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].From.Name != list[j].From.Name {
			return list[i].From.Name < list[j].From.Name
		}
		return list[i].To.Name < list[j].To.Name
	})

	// Kahn's algorithm; the root comes first (every package may import it).
	var sorted []*Pkg
	placed := map[*Pkg]bool{}
	for len(sorted) < len(pkgs) {
		var next *Pkg
		for _, p := range pkgs {
			if placed[p] {
				continue
			}
			ready := true
			for _, e := range list {
				if e.From == p && !placed[e.To] {
					ready = false
					break
				}
			}
			if ready {
				next = p
				break
			}
		}
		if next == nil {
			// Report the edges on a cycle: those whose target reaches
			// their source.
			reaches := func(from, to *Pkg) bool {
				seen := map[*Pkg]bool{from: true}
				stack := []*Pkg{from}
				for len(stack) > 0 {
					p := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					if p == to {
						return true
					}
					for _, e := range list {
						if e.From == p && !seen[e.To] {
							seen[e.To] = true
							stack = append(stack, e.To)
						}
					}
				}
				return false
			}
			var cycle []string
			for _, e := range list {
				if !placed[e.From] && !placed[e.To] && reaches(e.To, e.From) {
					cycle = append(cycle, fmt.Sprintf("%s → %s (%s)", e.From.Name, e.To.Name, strings.Join(e.Refs, ", ")))
				}
			}
			return nil, fmt.Errorf("the packages reference each other in a cycle; place its resources in one package (owned in config.go):\n    %s", strings.Join(cycle, "\n    "))
		}
		placed[next] = true
		sorted = append(sorted, next)
	}
	for i, p := range sorted {
		p.Order = i
	}
	copy(pkgs, sorted)
	return list, nil
}

// resourceRef is a reference from a resource to a typed resource.
type resourceRef struct {
	to, path string
}

// resourceRefs lists the typed resources a resource references: through
// its properties, array items, map values, union variants and expandable
// IDs, following untyped sub-objects (component schemas that are not
// resources) and stopping at resources.
func (g *Gen) resourceRefs(name string) []resourceRef {
	var out []resourceRef
	seen := map[string]bool{name: true}
	found := map[string]bool{}
	var walk func(s *Schema, path string)
	visitRef := func(ref, path string) {
		if _, ok := owned[ref]; ok {
			if !found[ref+"|"+path] {
				found[ref+"|"+path] = true
				out = append(out, resourceRef{to: ref, path: path})
			}
			return
		}
		if g.isOpaque(ref) || seen[ref] {
			return
		}
		seen[ref] = true
		walk(g.schema(ref), path)
	}
	walk = func(s *Schema, path string) {
		if s == nil {
			return
		}
		if r := s.RefName(); r != "" {
			visitRef(r, path)
			return
		}
		if isExpandable(s) {
			for _, r := range s.ExpansionResources.OneOf {
				if n := r.RefName(); n != "" {
					visitRef(n, path)
				}
			}
		}
		for _, a := range s.AnyOf {
			walk(a, path)
		}
		walk(s.Items, path)
		if v, ok := s.MapValue(); ok && v != nil {
			walk(v, path)
		}
		for _, k := range sortedKeys(s.Properties) {
			walk(s.Properties[k], joinPath(path, k))
		}
	}
	walk(g.schema(name), "")
	return out
}

// packageOrderDoc renders the generated section of ARCHITECTURE.md that
// gives the computed order and the references behind each import.
func (g *Gen) packageOrderDoc() string {
	var b strings.Builder
	b.WriteString(orderBegin + "\n\n")
	var names []string
	for _, p := range pkgs {
		names = append(names, "`"+p.Name+"`")
	}
	fmt.Fprintf(&b, "Computed order: %s.\n\n", strings.Join(names, " < "))
	b.WriteString("| Package | imports | because of (first references) |\n|---|---|---|\n")
	for _, e := range orderEdges {
		refs := e.Refs
		more := ""
		if len(refs) > 3 {
			more = fmt.Sprintf(" and %d more", len(refs)-3)
			refs = refs[:3]
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s%s |\n", e.From.Name, e.To.Name, "`"+strings.Join(refs, "`, `")+"`", more)
	}
	b.WriteString("\n" + orderEnd)
	return b.String()
}
