package fleet_test

import (
	"path/filepath"
	"testing"

	"github.com/embedfin/embedfin-go/internal/doclinks"
)

// TestDocs checks the fleet module's documentation as the SDK's own test
// checks the SDK's: doc links, pkg.Name mentions of the SDK's and the
// fleet's packages, code blocks, Examples and README.md's Go blocks.
func TestDocs(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the module's export data")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	m, err := doclinks.Load(root, "github.com/embedfin/embedfin-go")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.CheckPackages() {
		t.Error(p)
	}
	for _, p := range m.CheckExamples() {
		t.Error(p)
	}
	probs, err := m.CheckMarkdown(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probs {
		t.Error(p)
	}
}
