package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPackageOrderRespectsReferences checks the computed order against
// every reference between packages: each goes to a lower package.
func TestPackageOrderRespectsReferences(t *testing.T) {
	g := loadModel(t)
	require.Equal(t, "embedfin", pkgs[0].Name)
	for i, p := range pkgs {
		assert.Equal(t, i, p.Order, p.Name)
	}
	require.NotEmpty(t, orderEdges)
	for _, e := range orderEdges {
		assert.Less(t, e.To.Order, e.From.Order, "%s imports %s (%v)", e.From.Name, e.To.Name, e.Refs)
	}
	// Every typed reference of every declaration points at its own package
	// or a lower one.
	for _, d := range g.decls {
		for _, f := range d.Fields {
			for _, ref := range namedIn(f.Type) {
				assert.LessOrEqual(t, ref.Pkg.Order, d.Pkg.Order, "%s.%s.%s → %s.%s", d.Pkg.Name, d.Name, f.GoName, ref.Pkg.Name, ref.Name)
			}
		}
	}
}

func namedIn(t *T) []*Decl {
	var out []*Decl
	for ; t != nil; t = t.Elem {
		if t.Kind == KNamed && t.Decl != nil {
			out = append(out, t.Decl)
		}
	}
	return out
}

// TestReferencesToTypedResourcesAreTyped checks that no field holding a
// typed resource (directly, in a list, a union or an expandable ID) falls
// back to embedfin.RawObject.
func TestReferencesToTypedResourcesAreTyped(t *testing.T) {
	g := loadModel(t)
	checked := 0
	for _, d := range g.decls {
		if d.Kind != DStruct || d.Params {
			continue
		}
		for _, f := range d.Fields {
			targets := ownedTargets(f.Schema)
			if len(targets) == 0 {
				continue
			}
			checked++
			leaf := f.Type
			for leaf.Elem != nil && leaf.Kind != KNamed {
				leaf = leaf.Elem
			}
			where := d.Pkg.Name + "." + d.Name + "." + f.GoName
			if !assert.Equal(t, KNamed, leaf.Kind, "%s holds %v untyped", where, targets) {
				continue
			}
			if leaf.Decl.Kind == DUnion {
				typed := map[string]bool{}
				for _, v := range leaf.Decl.Variants {
					typed[v.Type.Elem.Decl.Key] = true
				}
				for _, tg := range targets {
					// A deleted_ form shares its live object's type.
					assert.True(t, typed[tg] || typed[strings.TrimPrefix(tg, "deleted_")], "%s: %s is not a typed variant", where, tg)
				}
			}
		}
	}
	assert.Greater(t, checked, 30)

	// The references issue 14 names.
	bank := declNamed(t, g, "connect", "BankAccount")
	assert.Equal(t, "*embedfin.Expandable[Customer]", typeString(bank.Pkg, fieldNamed(t, bank, "Customer").Type))
	card := declNamed(t, g, "connect", "Card")
	assert.Equal(t, "*embedfin.Expandable[Customer]", typeString(card.Pkg, fieldNamed(t, card, "Customer").Type))
	tax := declNamed(t, g, "connect", "TaxID")
	assert.Equal(t, "*embedfin.Expandable[Customer]", typeString(tax.Pkg, fieldNamed(t, tax, "Customer").Type))
}

// TestNothingGeneratedTwice checks that each schema and each union is
// declared once, whichever packages use it.
func TestNothingGeneratedTwice(t *testing.T) {
	g := loadModel(t)
	seen := map[string]*Decl{}
	for _, d := range g.decls {
		if d.Key == "" {
			continue
		}
		if prev := seen[d.Key]; prev != nil {
			t.Errorf("%s declared twice: %s.%s and %s.%s", d.Key, prev.Pkg.Name, prev.Name, d.Pkg.Name, d.Name)
		}
		seen[d.Key] = d
	}
	var sources []string
	for _, d := range g.decls {
		if d.Name == "PaymentSource" {
			sources = append(sources, d.Pkg.Name)
		}
	}
	assert.Equal(t, []string{"connect"}, sources)
}

// ownedTargets lists the typed resources a property holds (not through
// sub-objects).
func ownedTargets(s *Schema) []string {
	var out []string
	var walk func(s *Schema)
	walk = func(s *Schema) {
		if s == nil {
			return
		}
		if r := s.RefName(); r != "" {
			if _, ok := owned[r]; ok {
				out = append(out, r)
			}
			return
		}
		if isExpandable(s) {
			for _, r := range s.ExpansionResources.OneOf {
				walk(r)
			}
			return
		}
		for _, a := range s.AnyOf {
			walk(a)
		}
		walk(s.Items)
		if isList(s) {
			walk(s.Properties["data"])
		}
	}
	walk(s)
	return out
}

func declNamed(t *testing.T, g *Gen, pkg, name string) *Decl {
	t.Helper()
	d := g.names[pkgByName(pkg)][name]
	require.NotNil(t, d, "%s.%s", pkg, name)
	return d
}

func fieldNamed(t *testing.T, d *Decl, name string) *Field {
	t.Helper()
	for _, f := range d.Fields {
		if f.GoName == name {
			return f
		}
	}
	require.Failf(t, "no field", "%s.%s", d.Name, name)
	return nil
}

// typeString renders a type as seen from package p.
func typeString(p *Pkg, t *T) string {
	f := &file{pkg: p, imports: map[string]bool{}}
	return f.typ(t)
}
