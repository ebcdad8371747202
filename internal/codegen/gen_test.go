package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// repoRoot is the module root, two levels up from this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	return root
}

// TestGeneratedCodeIsUpToDate regenerates everything into a temporary
// directory and compares it, file by file, with what is committed. Run
// `go generate ./...` from the module root when it fails.
func TestGeneratedCodeIsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the pinned spec (go mod download)")
	}
	root := repoRoot(t)
	files, err := generateFromPath("")
	require.NoError(t, err)

	tmp := t.TempDir()
	arch, err := os.ReadFile(filepath.Join(root, "ARCHITECTURE.md"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "ARCHITECTURE.md"), arch, 0o644))
	require.NoError(t, writeTree(tmp, files))

	want := listGenerated(t, tmp)
	got := listGenerated(t, root)
	assert.Equal(t, want, got, "the set of generated files differs: run go generate ./...")
	for _, rel := range want {
		a, err := os.ReadFile(filepath.Join(tmp, rel))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s is stale: run go generate ./... from the module root", rel)
		}
	}
}

func listGenerated(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	for _, dir := range append(generatedDirs(), "internal/apimap") {
		matches, err := filepath.Glob(filepath.Join(root, dir, "*_gen.go"))
		require.NoError(t, err)
		for _, m := range matches {
			rel, _ := filepath.Rel(root, m)
			out = append(out, filepath.ToSlash(rel))
		}
	}
	out = append(out, "ARCHITECTURE.md")
	sort.Strings(out)
	return out
}

func TestGeneratedFilesCarryHeader(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the pinned spec")
	}
	files, err := generateFromPath("")
	require.NoError(t, err)
	for name, src := range files {
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		first := strings.SplitN(string(src), "\n", 2)[0]
		assert.Regexp(t, `^// Code generated .* DO NOT EDIT\.$`, first, name)
	}
}

func TestGoName(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"id":                            "ID",
		"transaction_refresh":           "TransactionRefresh",
		"financial_connections.account": "FinancialConnectionsAccount",
		"return_url":                    "ReturnURL",
		"us_bank_account":               "USBankAccount",
		"ssn_last_4":                    "SSNLast4",
		"3ds":                           "N3ds",
		"":                              "Empty",
		"tos_acceptance":                "TOSAcceptance",
		"default_account_tax_ids":       "DefaultAccountTaxIDs",
	}
	for in, want := range cases {
		assert.Equal(t, want, goName(in), in)
	}
}

func TestSingularWire(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"permissions":     "permission",
		"entries":         "entry",
		"addresses":       "address",
		"status":          "status",
		"account_numbers": "account_number",
		"data.items":      "data.item",
		"address":         "address",
		"analysis":        "analysis",
		"metrics":         "metrics",
		"boxes":           "box",
	}
	for in, want := range cases {
		assert.Equal(t, want, singularWire(in), in)
	}
}

func TestLowerFirst(t *testing.T) {
	t.Parallel()
	cases := map[string]string{"ID": "id", "FinancialAccount": "financialAccount", "URLPath": "urlPath", "": "", "account": "account"}
	for in, want := range cases {
		assert.Equal(t, want, lowerFirst(in), in)
	}
}

func TestSpliceTable(t *testing.T) {
	t.Parallel()
	doc := []byte("a\n" + archBegin + "\nold\n" + archEnd + "\nb\n")
	out, err := spliceTable(doc, archBegin+"\nnew\n"+archEnd)
	require.NoError(t, err)
	assert.Equal(t, "a\n"+archBegin+"\nnew\n"+archEnd+"\nb\n", string(out))
	_, err = spliceTable([]byte("no markers"), "x")
	assert.Error(t, err)
}
