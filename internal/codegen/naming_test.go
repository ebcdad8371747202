package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNamesFollowTheRule checks every generated name against the naming
// rule of ARCHITECTURE.md ("Names"), from the positions the generator
// recorded: the rule is applied here on its own.
func TestNamesFollowTheRule(t *testing.T) {
	g := loadModel(t)
	configured := map[string]bool{"EventType": true}
	for _, o := range owned {
		configured[o.Name] = true
	}
	for _, m := range []map[string]string{sharedNames, unionNames, commonShapes, sharedEnumNames} {
		for _, n := range m {
			configured[n] = true
		}
	}
	for _, d := range g.decls {
		where := d.Pkg.Name + "." + d.Name
		switch {
		case d.Kind == DEnum:
			checkEnumName(t, d, configured)
		case d.Configured || strings.HasPrefix(d.Key, "common:"):
			assert.True(t, configured[d.Name], "%s: a name from config.go", where)
			if strings.HasPrefix(d.Key, "common:") {
				assert.Equal(t, pkgs[0], d.Pkg, "%s: common shapes live in the root", where)
			}
		default:
			require.NotEmpty(t, d.Pos, "%s: no position recorded", where)
			for _, p := range d.Pos {
				assert.Equal(t, expectedName(d, p), d.Name, "%s at %+v", where, p)
			}
		}
	}
}

// expectedName applies the rule to one position of a struct or union.
func expectedName(d *Decl, p Pos) string {
	switch {
	case d.Params && p.Method != "":
		return p.Holder + p.Method + "Params" // AccountCreateParams, ReceivedCreditTestCreateParams
	case d.Params:
		return p.Holder + wordsOf(p.Path) + "Params" // AccountControllerFeesParams
	default:
		return p.Holder + wordsOf(p.Path) // AccountControllerFees
	}
}

// wordsOf writes a wire path as the rule does: each word capitalized,
// initialisms in capitals, a leading digit after N (goName, tested in
// TestGoName).
func wordsOf(path string) string {
	if path == "" {
		return ""
	}
	return goName(path)
}

func checkEnumName(t *testing.T, d *Decl, configured map[string]bool) {
	where := d.Pkg.Name + "." + d.Name
	if d.Name == "EventType" {
		return
	}
	positions := map[string]bool{}
	for _, p := range d.Pos {
		positions[p.Holder+wordsOf(p.Path)] = true
	}
	require.NotEmpty(t, positions, where)
	names := sortedKeys(positions)
	assert.Equal(t, names, d.EnumNames, "%s: recorded position names", where)
	for _, n := range names {
		if c := sharedEnumNames[n]; c != "" {
			assert.Equal(t, c, d.Name, "%s: named in sharedEnumNames", where)
			return
		}
	}
	if len(names) == 1 {
		assert.Equal(t, names[0], d.Name, "%s: named after its one position", where)
		return
	}
	// Shared by fields of equal values: the words their names end with.
	words := func(s string) []string {
		var out []string
		start := 0
		rs := []rune(s)
		for i := 1; i <= len(rs); i++ {
			if i == len(rs) || isWordStart(rs, i) {
				out = append(out, string(rs[start:i]))
				start = i
			}
		}
		return out
	}
	common := words(names[0])
	for _, n := range names[1:] {
		w := words(n)
		k := 0
		for k < len(common) && k < len(w) && common[len(common)-1-k] == w[len(w)-1-k] {
			k++
		}
		common = common[len(common)-k:]
	}
	assert.Equal(t, strings.Join(common, ""), d.Name, "%s: the words of %v in common", where, names)
}

// isWordStart tells where a word of a Go name starts: a capital after a
// lower-case letter or digit, or the last capital of a run followed by a
// lower-case letter ("ACHDebit": A, Debit).
func isWordStart(r []rune, i int) bool {
	upper := func(c rune) bool { return c >= 'A' && c <= 'Z' }
	lower := func(c rune) bool { return c >= 'a' && c <= 'z' }
	if !upper(r[i]) {
		return false
	}
	if !upper(r[i-1]) {
		return true
	}
	// IDs is one word (goName's initialism).
	if i+1 < len(r) && lower(r[i+1]) && !(r[i+1] == 's' && (i+2 == len(r) || upper(r[i+2]))) {
		return true
	}
	return false
}

// TestEnumConstantsFollowTheRule checks, in the generated source, that
// every constant of an enum is the type's name and the value's words, and
// that no value has two names.
func TestEnumConstantsFollowTheRule(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the pinned spec")
	}
	files, err := generateFromPath("")
	require.NoError(t, err)
	count := 0
	for name, src := range files {
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, 0)
		require.NoError(t, err)
		values := map[string]map[string]string{} // type -> value -> const
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				typ, ok := vs.Type.(*ast.Ident)
				if !ok || len(vs.Values) != 1 {
					continue
				}
				lit, ok := vs.Values[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				v, _ := strconv.Unquote(lit.Value)
				c := vs.Names[0].Name
				assert.Equal(t, typ.Name+goName(v), c, "%s: constant for %q", name, v)
				if values[typ.Name] == nil {
					values[typ.Name] = map[string]string{}
				}
				if prev, dup := values[typ.Name][v]; dup {
					t.Errorf("%s: %q has two names, %s and %s", name, v, prev, c)
				}
				values[typ.Name][v] = c
				count++
			}
		}
	}
	assert.Greater(t, count, 1000)
}

// TestIssue14Names pins the cases issue 14 lists.
func TestIssue14Names(t *testing.T) {
	g := loadModel(t)
	connect := g.names[pkgByName("connect")]
	// One prefix rule in one literal: the params struct and the enums of
	// controller are the resource's, with or without a method.
	assert.NotNil(t, connect["AccountControllerFeesParams"])
	assert.Nil(t, connect["AccountCreateControllerFeesParams"])
	assert.Contains(t, connect["AccountControllerFeesPayer"].Values, "application")
	// Enums are shared by value set, named after the fields, not after
	// where the generator met them first.
	tr := g.names[pkgByName("treasury")]
	assert.Nil(t, tr["OutboundPaymentDestinationPaymentMethodDetailsUSBankAccountNetwork"])
	require.NotNil(t, tr["Network"])
	assert.Contains(t, tr["Network"].EnumNames, "OutboundTransferDestinationPaymentMethodDetailsUSBankAccountNetwork")
	// One merchant-category enum.
	var categories []string
	for _, d := range g.decls {
		if d.Kind == DEnum && containsString(d.Values, "taxicabs_limousines") {
			categories = append(categories, d.Pkg.Name+"."+d.Name)
		}
	}
	assert.Equal(t, []string{"issuing.MerchantCategory"}, categories)
	// Nothing named "FeatureBalance": the refresh features are AccountFeature.
	fc := g.names[pkgByName("financialconnections")]
	require.NotNil(t, fc["AccountFeature"])
	assert.Equal(t, []string{"balance", "ownership", "transactions"}, fc["AccountFeature"].Values)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestNoAliasesOfGeneratedNames checks that hand-written code of the
// module gives no second name to a generated constant or type (const X =
// AccountFeatureBalance, type Feature = FinancialAccountFeature).
func TestNoAliasesOfGeneratedNames(t *testing.T) {
	root := repoRoot(t)
	generated := map[string]map[string]bool{} // dir -> names
	for _, dir := range generatedDirs() {
		matches, err := filepath.Glob(filepath.Join(root, dir, "*_gen.go"))
		require.NoError(t, err)
		generated[dir] = map[string]bool{}
		for _, m := range matches {
			f, err := parser.ParseFile(token.NewFileSet(), m, nil, 0)
			require.NoError(t, err)
			for _, decl := range f.Decls {
				if gd, ok := decl.(*ast.GenDecl); ok {
					for _, spec := range gd.Specs {
						switch s := spec.(type) {
						case *ast.TypeSpec:
							generated[dir][s.Name.Name] = true
						case *ast.ValueSpec:
							for _, n := range s.Names {
								generated[dir][n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	pkgDir := map[string]string{}
	for _, p := range pkgs {
		pkgDir[p.Name] = p.Dir
	}
	isGenerated := func(dir string, e ast.Expr) bool {
		switch x := e.(type) {
		case *ast.Ident:
			return generated[dir][x.Name]
		case *ast.SelectorExpr:
			if pk, ok := x.X.(*ast.Ident); ok {
				if d, ok := pkgDir[pk.Name]; ok {
					return generated[d][x.Sel.Name]
				}
			}
		}
		return false
	}
	var aliases []string
	err := filepath.WalkDir(root, func(path string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if rel, _ := filepath.Rel(root, path); rel != "." && (strings.HasPrefix(e.Name(), ".") || e.Name() == "testdata" || rel == "fleet" || rel == "benchmarks" || rel == "interop") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_gen.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if s.Assign.IsValid() && isGenerated(rel, s.Type) {
						aliases = append(aliases, path+": type "+s.Name.Name)
					}
				case *ast.ValueSpec:
					if gd.Tok == token.CONST && s.Type == nil && len(s.Values) == len(s.Names) {
						for i, v := range s.Values {
							if isGenerated(rel, v) {
								aliases = append(aliases, path+": const "+s.Names[i].Name)
							}
						}
					}
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	sort.Strings(aliases)
	assert.Empty(t, aliases, "second names for generated identifiers")
}
