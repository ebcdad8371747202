package main

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	out := flag.String("out", ".", "module root to write into")
	specPath := flag.String("spec", "", "path to spec3.json (default: the pinned stripe-mock module)")
	flag.Parse()
	if err := run(*out, *specPath); err != nil {
		fmt.Fprintln(os.Stderr, "codegen:", err)
		os.Exit(1)
	}
}

func run(outDir, specPath string) error {
	files, err := generateFromPath(specPath)
	if err != nil {
		return err
	}
	return writeTree(outDir, files)
}

func generateFromPath(specPath string) (map[string][]byte, error) {
	if specPath == "" {
		p, err := LocateSpec()
		if err != nil {
			return nil, err
		}
		specPath = p
	}
	spec, err := LoadSpec(specPath)
	if err != nil {
		return nil, err
	}
	return Generate(spec)
}

// Generate builds the model and renders every file, keyed by path
// relative to the module root.
func Generate(spec *Spec) (map[string][]byte, error) {
	g, err := buildModel(spec)
	if err != nil {
		return nil, err
	}
	files, err := g.Emit()
	if err != nil {
		return nil, err
	}
	files["internal/apimap/endpoints_gen.go"] = g.apiMap()
	files[shapesFile] = g.shapesTable()
	files[validationFile] = g.validationTable()
	files[tableKey] = []byte(g.endpointTable())
	files[orderKey] = []byte(g.packageOrderDoc())
	if len(g.errs) > 0 {
		return nil, fmt.Errorf("%d problem(s):\n  %s", len(g.errs), strings.Join(g.errs, "\n  "))
	}
	return files, nil
}

// buildModel reads the spec into the model of every generated declaration.
func buildModel(spec *Spec) (*Gen, error) {
	g := &Gen{spec: spec, byKey: map[string]*Decl{}, names: map[*Pkg]map[string]*Decl{}, usedNotes: map[string]bool{}}
	g.computeOrder()
	if len(g.errs) > 0 {
		return nil, fmt.Errorf("%d problem(s):\n  %s", len(g.errs), strings.Join(g.errs, "\n  "))
	}
	roots := sortedKeys(owned)
	g.discover(roots)
	g.placeAll()
	if len(g.errs) == 0 {
		g.declareComponents()
	}
	if len(g.errs) == 0 {
		g.buildShapes()
		g.buildFields()
		g.buildServices()
		g.groupEnums()
	}
	for _, k := range append(sortedKeys(fieldNotes), sortedKeys(paramNotes)...) {
		if !g.usedNotes[k] {
			g.errorf("note %q matches no field", k)
		}
	}
	if len(g.errs) > 0 {
		return nil, fmt.Errorf("%d problem(s):\n  %s", len(g.errs), strings.Join(g.errs, "\n  "))
	}
	return g, nil
}

// generatedDirs are the directories the generator owns *_gen.go files in.
func generatedDirs() []string {
	var out []string
	for _, p := range pkgs {
		out = append(out, p.Dir)
	}
	return out
}

// tableKey and orderKey carry the ARCHITECTURE.md endpoint table and
// package order through the file map; writeTree splices them into the
// document instead of writing files.
const (
	tableKey = "ARCHITECTURE.md#endpoints"
	orderKey = "ARCHITECTURE.md#packages"
)

// writeTree writes files under root and removes stale *_gen.go files.
func writeTree(root string, files map[string][]byte) error {
	if table, ok := files[tableKey]; ok {
		files = maps.Clone(files)
		delete(files, tableKey)
		order := files[orderKey]
		delete(files, orderKey)
		arch := filepath.Join(root, "ARCHITECTURE.md")
		doc, err := os.ReadFile(arch)
		if err != nil {
			return err
		}
		spliced, err := spliceTable(doc, string(table))
		if err != nil {
			return err
		}
		if order != nil {
			if spliced, err = spliceBlock(spliced, orderBegin, orderEnd, string(order)); err != nil {
				return err
			}
		}
		files["ARCHITECTURE.md"] = spliced
	}
	for _, dir := range generatedDirs() {
		old, _ := filepath.Glob(filepath.Join(root, dir, "*_gen.go"))
		for _, o := range old {
			rel, _ := filepath.Rel(root, o)
			if _, keep := files[filepath.ToSlash(rel)]; !keep {
				if err := os.Remove(o); err != nil {
					return err
				}
			}
		}
	}
	names := make([]string, 0, len(files))
	for k := range files {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(root, filepath.FromSlash(name))
		if cur, err := os.ReadFile(p); err == nil && bytes.Equal(cur, files[name]) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
