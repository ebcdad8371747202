package doclinks_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/embedfin/embedfin-go/internal/doclinks"
)

var update = flag.Bool("update", false, "rewrite the link definitions of the Markdown files")

// TestDocs checks the SDK module's documentation: doc comments, Examples,
// README.md and ARCHITECTURE.md.
func TestDocs(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the module's export data")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	m, err := doclinks.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	report := func(t *testing.T, probs []doclinks.Problem) {
		t.Helper()
		for _, p := range probs {
			t.Error(p)
		}
	}
	t.Run("comments", func(t *testing.T) { report(t, m.CheckPackages()) })
	t.Run("examples", func(t *testing.T) { report(t, m.CheckExamples()) })
	for _, name := range []string{"README.md", "ARCHITECTURE.md"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(root, name)
			want, err := m.LinkDefinitions(path)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, want) {
				if *update {
					if err := os.WriteFile(path, want, 0o644); err != nil {
						t.Fatal(err)
					}
				} else {
					t.Errorf("%s: link definitions are stale; run go test ./internal/doclinks -update", name)
				}
			}
			probs, err := m.CheckMarkdown(path)
			if err != nil {
				t.Fatal(err)
			}
			report(t, probs)
		})
	}
}
