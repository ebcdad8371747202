package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadModel(t *testing.T) *Gen {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the pinned spec (go mod download)")
	}
	path, err := LocateSpec()
	require.NoError(t, err)
	spec, err := LoadSpec(path)
	require.NoError(t, err)
	g, err := buildModel(spec)
	require.NoError(t, err)
	return g
}

// TestReferenceURL checks the rule against pages of the API reference.
func TestReferenceURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		method, path, result string
		kind                 MethodKind
		want                 string
	}{
		{"POST", "/v1/customers", "customer", MPlain, "customers/create"},
		{"GET", "/v1/customers", "customer", MList, "customers/list"},
		{"GET", "/v1/customers/search", "customer", MSearch, "customers/search"},
		{"GET", "/v1/customers/{customer}", "customer", MPlain, "customers/retrieve"},
		{"POST", "/v1/customers/{customer}", "customer", MPlain, "customers/update"},
		{"DELETE", "/v1/customers/{customer}", "customer", MPlain, "customers/delete"},
		{"GET", "/v1/financial_connections/accounts/{account}", "financial_connections.account", MPlain, "financial_connections/accounts/retrieve"},
		{"POST", "/v1/financial_connections/accounts/{account}/refresh", "financial_connections.account", MPlain, "financial_connections/accounts/refresh"},
		{"GET", "/v1/financial_connections/accounts/{account}/owners", "financial_connections.account_owner", MList, "financial_connections/ownership/list"},
		{"GET", "/v1/treasury/financial_accounts/{financial_account}/features", "treasury.financial_account_features", MPlain, "treasury/financial_account_features/retrieve"},
		{"POST", "/v1/treasury/financial_accounts/{financial_account}/features", "treasury.financial_account_features", MPlain, "treasury/financial_account_features/update"},
		{"POST", "/v1/setup_intents/{intent}/verify_microdeposits", "setup_intent", MPlain, "setup_intents/verify_microdeposits"},
		{"POST", "/v1/test_helpers/treasury/inbound_transfers/{id}/succeed", "treasury.inbound_transfer", MPlain, "treasury/inbound_transfers/test_mode_succeed"},
		{"POST", "/v1/test_helpers/issuing/authorizations", "issuing.authorization", MPlain, "issuing/authorizations/test_mode_create"},
		{"POST", "/v1/test_helpers/issuing/authorizations/{authorization}/finalize_amount", "issuing.authorization", MPlain, "issuing/authorizations/test_mode_finalize_amount"},
	}
	for _, c := range cases {
		m := &Method{EP: Endpoint{Method: c.method, Path: c.path}, Kind: c.kind, ResultSchema: c.result}
		assert.Equal(t, referenceBase+c.want, referenceURL(m), "%s %s", c.method, c.path)
	}
}

// referenceLine is the shape of the last doc line of every generated
// service method.
var referenceLine = regexp.MustCompile(`^Stripe API reference: https://docs\.stripe\.com/api/[a-z_]+(/[a-z_]+)*/(create|list|search|retrieve|update|delete|[a-z_]+)$`)

// TestEveryMethodLinksItsReference parses the generated services and checks
// that each method's doc ends with a reference link of the right shape (no
// network: the rule is checked by TestReferenceURL).
func TestEveryMethodLinksItsReference(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the pinned spec")
	}
	files, err := generateFromPath("")
	require.NoError(t, err)
	methods, iterators := 0, 0
	for name, src := range files {
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ParseComments)
		require.NoError(t, err, name)
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !strings.HasSuffix(recvName(fn), "Service") || !fn.Name.IsExported() {
				continue
			}
			require.NotNil(t, fn.Doc, "%s.%s has no doc", recvName(fn), fn.Name.Name)
			lines := strings.Split(strings.TrimSpace(fn.Doc.Text()), "\n")
			assert.Regexp(t, referenceLine, lines[len(lines)-1], "%s.%s", recvName(fn), fn.Name.Name)
			if strings.HasPrefix(fn.Name.Name, "All") || fn.Name.Name == "SearchAll" {
				iterators++
			} else {
				methods++
			}
		}
	}
	assert.Equal(t, len(endpoints), methods, "one service method per endpoint")
	assert.Positive(t, iterators)
}

func recvName(fn *ast.FuncDecl) string {
	t := fn.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// TestFieldDocsCarryFacts checks, over the whole model, that each fact the
// spec gives about a field reaches its doc.
func TestFieldDocsCarryFacts(t *testing.T) {
	g := loadModel(t)
	checked := 0
	for _, d := range g.decls {
		if d.Kind != DStruct {
			continue
		}
		for _, f := range d.Fields {
			var doc string
			if d.Params {
				doc = g.paramDoc(f)
			} else {
				doc = g.responseFieldDoc(f)
			}
			where := d.Pkg.Name + "." + d.Name + "." + f.GoName
			s := f.Schema
			inner := s
			if alts := nonEmptyAnyOf(s); len(alts) == 1 {
				inner = alts[0]
			}
			if d.Params && f.Required {
				assert.Contains(t, doc, "Required.", where)
			}
			if inner.Format == "unix-time" {
				assert.Contains(t, doc, "Unix time in seconds.", where)
			}
			if inner.Format == "currency" {
				assert.Contains(t, doc, "three-letter ISO currency code", where)
			}
			if isAmount(f.Wire, inner) {
				assert.Contains(t, doc, "minor unit", where)
			}
			if vals := schemaValues(s); len(vals) > 0 && f.Wire != "object" {
				assert.Regexp(t, `One of|The only value|Any value`, doc, where)
			}
			if d.Params && s.MaxLength > 0 && len(schemaValues(s)) == 0 {
				assert.Contains(t, doc, "At most", where)
			}
			if !d.Params && isExpandable(s) {
				assert.Contains(t, doc, "Expandable", where)
			}
			if !d.Params && f.Type.Kind == KPtr && s.Nullable {
				assert.Contains(t, doc, "Nil when null.", where)
			}
			if !d.Params && g.presence(f.Holder, f.Wire) == "PresenceOnExpand" {
				assert.Contains(t, doc, "only when the request expands it", where)
			}
			checked++
		}
	}
	assert.Greater(t, checked, 2000)
}

// TestSeedFieldNotes shows a note of ours and the facts on fields of the
// seed flows, as go doc prints them.
func TestSeedFieldNotes(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the pinned spec")
	}
	files, err := generateFromPath("")
	require.NoError(t, err)
	src := string(files["financialconnections/session_service_gen.go"])
	assert.Contains(t, src, "// Permissions sets \"permissions\": the data to ask for;")
	assert.Regexp(t, `Required\. One of "balances",\s+// "ownership", "payment_method" or "transactions"\.`, src)
	src = string(files["financialconnections/account_gen.go"])
	assert.Contains(t, src, "// BalanceRefresh is \"balance_refresh\": the latest balance refresh; nil")
}
