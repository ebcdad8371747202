package doclinks

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/doc"
	"go/doc/comment"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Problem is one reference that does not resolve, or one code block that
// does not type-check.
type Problem struct {
	// Pos is file:line.
	Pos string
	// Msg says what is wrong.
	Msg string
}

func (p Problem) String() string { return p.Pos + ": " + p.Msg }

// Module is a module's packages and their dependencies, loaded for checking.
type Module struct {
	// Dir is the module's root directory.
	Dir string
	// Path is the module path.
	Path string

	fset   *token.FileSet
	own    []*listedPkg          // the module's packages, by import path
	all    map[string]*listedPkg // every package listed, by import path
	family map[string]string     // package name -> import path, the family's packages
	byName map[string]string     // package name -> import path, every unambiguous name
	imp    types.Importer

	mu      sync.Mutex
	exports map[string]string // import path -> export data file, listed lazily
}

type listedPkg struct {
	ImportPath, Name, Export, Dir string
	Standard                      bool
	Module                        string
	GoFiles, TestFiles            []string
}

// Load lists the packages of the module in dir and compiles their export
// data (go list -export -deps), which is what the checks resolve names
// against. family is the import path prefix whose packages are checked in
// prose (a pkg.Name mention of another package is left alone); empty means
// the module's own path.
func Load(dir, family string) (*Module, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	modPath, err := goCmd(dir, "list", "-m", "-f", "{{.Path}}")
	if err != nil {
		return nil, err
	}
	m := &Module{
		Dir:     dir,
		Path:    strings.TrimSpace(modPath),
		fset:    token.NewFileSet(),
		all:     map[string]*listedPkg{},
		exports: map[string]string{},
	}
	if family == "" {
		family = m.Path
	}
	const tmpl = "{{.ImportPath}}\t{{.Name}}\t{{.Export}}\t{{.Dir}}\t{{.Standard}}\t{{with .Module}}{{.Path}}{{end}}\t" +
		"{{join .GoFiles \" \"}}\t{{join .TestGoFiles \" \"}} {{join .XTestGoFiles \" \"}}"
	out, err := goCmd(dir, "list", "-export", "-deps", "-f", tmpl, "./...")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 8 {
			return nil, fmt.Errorf("doclinks: unexpected go list line %q", line)
		}
		p := &listedPkg{ImportPath: f[0], Name: f[1], Export: f[2], Dir: f[3], Standard: f[4] == "true", Module: f[5],
			GoFiles: strings.Fields(f[6]), TestFiles: strings.Fields(f[7])}
		m.all[p.ImportPath] = p
		m.exports[p.ImportPath] = p.Export
		if p.Module == m.Path {
			m.own = append(m.own, p)
		}
	}
	sort.Slice(m.own, func(i, j int) bool { return m.own[i].ImportPath < m.own[j].ImportPath })

	// Names: the family's packages first, then every other listed package,
	// then the standard library; a name two packages of one tier share is
	// ambiguous and left out.
	std, err := goCmd(dir, "list", "-f", "{{.ImportPath}}\t{{.Name}}", "std")
	if err != nil {
		return nil, err
	}
	m.family = map[string]string{}
	tiers := []map[string][]string{{}, {}, {}}
	add := func(tier int, path, name string) {
		if name == "" || name == "main" || strings.HasSuffix(name, "_test") || slices.Contains(tiers[tier][name], path) {
			return
		}
		tiers[tier][name] = append(tiers[tier][name], path)
	}
	for path, p := range m.all {
		switch {
		case path == family || strings.HasPrefix(path, family+"/"):
			add(0, path, p.Name)
		case !isInternal(path):
			add(1, path, p.Name)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(std), "\n") {
		path, name, _ := strings.Cut(line, "\t")
		if !isInternal(path) {
			add(2, path, name)
		}
	}
	m.byName = map[string]string{}
	for i := len(tiers) - 1; i >= 0; i-- {
		for name, paths := range tiers[i] {
			if len(paths) == 1 {
				m.byName[name] = paths[0]
			} else {
				delete(m.byName, name)
			}
		}
	}
	for name, paths := range tiers[0] {
		if len(paths) == 1 {
			m.family[name] = paths[0]
		}
	}
	m.imp = importer.ForCompiler(m.fset, "gc", m.lookup)
	return m, nil
}

func isInternal(path string) bool {
	return path == "internal" || strings.HasPrefix(path, "internal/") || strings.Contains(path, "/internal/") ||
		strings.HasSuffix(path, "/internal") || strings.HasPrefix(path, "vendor/") || strings.Contains(path, "/vendor/")
}

// lookup opens the export data of a package, listing it first when it is
// not among the module's dependencies (a standard package that only a code
// block uses).
func (m *Module) lookup(path string) (io.ReadCloser, error) {
	m.mu.Lock()
	file, ok := m.exports[path]
	m.mu.Unlock()
	if !ok || file == "" {
		out, err := goCmd(m.Dir, "list", "-export", "-f", "{{.Export}}", path)
		if err != nil {
			return nil, err
		}
		file = strings.TrimSpace(out)
		m.mu.Lock()
		m.exports[path] = file
		m.mu.Unlock()
	}
	if file == "" {
		return nil, fmt.Errorf("no export data for %s", path)
	}
	return os.Open(file)
}

func goCmd(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

// rel is path relative to the module's directory, for messages.
func (m *Module) rel(path string) string {
	if r, err := filepath.Rel(m.Dir, path); err == nil {
		return r
	}
	return path
}

// ---- doc comments ----

// CheckPackages checks the doc comments of every package of the module:
// the package doc and the docs of its exported constants, variables,
// types, functions and methods.
func (m *Module) CheckPackages() []Problem {
	var probs []Problem
	for _, lp := range m.own {
		probs = append(probs, m.checkPackage(lp)...)
	}
	return probs
}

func (m *Module) checkPackage(lp *listedPkg) []Problem {
	var files []*ast.File
	for _, name := range lp.GoFiles {
		f, err := parser.ParseFile(m.fset, filepath.Join(lp.Dir, name), nil, parser.ParseComments)
		if err != nil {
			return []Problem{{Pos: m.rel(filepath.Join(lp.Dir, name)), Msg: err.Error()}}
		}
		files = append(files, f)
	}
	dp, err := doc.NewFromFiles(m.fset, files, lp.ImportPath, doc.PreserveAST)
	if err != nil {
		return []Problem{{Pos: m.rel(lp.Dir), Msg: err.Error()}}
	}
	self, err := m.imp.Import(lp.ImportPath)
	if err != nil {
		return []Problem{{Pos: m.rel(lp.Dir), Msg: err.Error()}}
	}
	c := &docChecker{m: m, pkg: lp, self: self, parser: dp.Parser(), imports: dp.Parser().LookupPackage}
	for _, f := range files {
		if f.Doc != nil {
			c.check(f.Doc, dp.Doc)
		}
	}
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			c.check(v.Decl.Doc, v.Doc)
		}
	}
	funcs := func(fs []*doc.Func) {
		for _, f := range fs {
			c.check(f.Decl.Doc, f.Doc)
		}
	}
	values(dp.Consts)
	values(dp.Vars)
	funcs(dp.Funcs)
	for _, t := range dp.Types {
		c.check(t.Decl.Doc, t.Doc)
		values(t.Consts)
		values(t.Vars)
		funcs(t.Funcs)
		funcs(t.Methods)
	}
	return c.probs
}

type docChecker struct {
	m       *Module
	pkg     *listedPkg
	self    *types.Package
	parser  *comment.Parser
	imports func(name string) (string, bool)
	probs   []Problem
}

// check parses one doc comment (text, from the comment group cg) as go/doc
// does and checks its links, prose and code blocks.
func (c *docChecker) check(cg *ast.CommentGroup, text string) {
	if cg == nil || text == "" {
		return
	}
	start := c.m.fset.Position(cg.Pos())
	raw := cg.Text()
	report := func(needle, msg string) {
		line := start.Line
		if i := strings.Index(raw, needle); i >= 0 {
			line += strings.Count(raw[:i], "\n")
		}
		c.probs = append(c.probs, Problem{Pos: fmt.Sprintf("%s:%d", c.m.rel(start.Filename), line), Msg: msg})
	}
	var blocks func([]comment.Block)
	blocks = func(bs []comment.Block) {
		for _, b := range bs {
			switch b := b.(type) {
			case *comment.Paragraph:
				c.texts(b.Text, report)
			case *comment.Heading:
				c.texts(b.Text, report)
			case *comment.List:
				for _, it := range b.Items {
					blocks(it.Content)
				}
			case *comment.Code:
				first := strings.SplitN(strings.TrimSpace(b.Text), "\n", 2)[0]
				for _, msg := range c.m.checkSnippet(b.Text) {
					report(first, "code block: "+msg)
				}
			}
		}
	}
	blocks(c.parser.Parse(text).Content)
}

// texts checks the doc links of a paragraph, then its plain text: bracketed
// text that should have been a link, and pkg.Name mentions.
func (c *docChecker) texts(ts []comment.Text, report func(needle, msg string)) {
	var plain strings.Builder
	var walk func([]comment.Text)
	walk = func(ts []comment.Text) {
		for _, t := range ts {
			switch t := t.(type) {
			case comment.Plain:
				plain.WriteString(string(t))
			case comment.Italic:
				plain.WriteString(string(t))
			case *comment.Link:
				plain.WriteString(" ")
			case *comment.DocLink:
				plain.WriteString(" ")
				if msg := c.resolveLink(t); msg != "" {
					needle := t.Name + "]"
					if t.Recv != "" {
						needle = t.Recv + "." + needle
					}
					report(needle, "doc link to "+strings.TrimSuffix(needle, "]")+": "+msg)
				}
			}
		}
	}
	walk(ts)
	s := plain.String()
	for _, loc := range bracketRE.FindAllStringSubmatchIndex(s, -1) {
		inner := s[loc[2]:loc[3]]
		if !linkBoundary(s[:loc[0]], s[loc[1]:]) || !looksLikeSymbol(inner) {
			continue
		}
		report("["+inner+"]", fmt.Sprintf("[%s] is not a doc link: %s", inner, c.diagnose(strings.TrimPrefix(inner, "*"))))
	}
	for _, ref := range findRefs(s, c.m.family) {
		if msg := c.m.resolveRef(c.m.family[ref.pkg], ref.segs); msg != "" {
			report(ref.text, ref.text+": "+msg)
		}
	}
}

// resolveLink returns why a doc link does not resolve, or "".
func (c *docChecker) resolveLink(l *comment.DocLink) string {
	path := l.ImportPath
	if path == "" {
		path = c.pkg.ImportPath
	}
	if l.Name == "" { // a link to a package
		if _, err := c.m.imp.Import(path); err != nil {
			return fmt.Sprintf("package %s: %v", path, err)
		}
		return ""
	}
	var segs []seg
	if l.Recv != "" {
		segs = append(segs, seg{name: l.Recv})
	}
	return c.m.resolveRef(path, append(segs, seg{name: l.Name}))
}

// diagnose says why bracketed text is not a doc link.
func (c *docChecker) diagnose(inner string) string {
	first, rest, dotted := strings.Cut(inner, ".")
	if dotted && first != "" && unicode.IsLower(rune(first[0])) {
		if _, ok := c.imports(first); !ok {
			if path, known := c.m.byName[first]; known {
				if msg := c.m.resolveRef(path, splitSegs(rest)); msg != "" {
					return msg
				}
				return fmt.Sprintf("package %s is not imported by %s, so go doc cannot link it; write %s without brackets, or [%s.%s]",
					first, c.pkg.ImportPath, inner, path, rest)
			}
			return "no package " + first + " is known"
		}
	}
	if msg := c.m.resolveRef(c.pkg.ImportPath, splitSegs(inner)); msg != "" {
		return msg
	}
	return "unexported, or unknown to go doc"
}

var bracketRE = regexp.MustCompile(`\[(\*?[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*){0,2})\]`)

// linkBoundary reports whether go/doc/comment would consider [text]
// between before and after: start or space or punctuation on both sides.
func linkBoundary(before, after string) bool {
	if before != "" {
		r, _ := utf8.DecodeLastRuneInString(before)
		if !unicode.IsPunct(r) && r != ' ' && r != '\t' && r != '\n' {
			return false
		}
	}
	if after != "" {
		r, _ := utf8.DecodeRuneInString(after)
		if !unicode.IsPunct(r) && r != ' ' && r != '\t' && r != '\n' {
			return false
		}
	}
	return true
}

// looksLikeSymbol reports whether bracketed text names an exported symbol,
// as opposed to prose in brackets ([type], [0]).
func looksLikeSymbol(s string) bool {
	s = strings.TrimPrefix(s, "*")
	parts := strings.Split(s, ".")
	last := parts[len(parts)-1]
	return last != "" && unicode.IsUpper(rune(last[0]))
}

// ---- references ----

// seg is one step of a reference: a name, maybe called (pkg.New(c)).
type seg struct {
	name string
	call bool
}

// ref is a pkg.Name[.Name...] mention.
type ref struct {
	text string
	pkg  string
	segs []seg
}

// refRE matches pkg.Name, pkg.Name.Field, pkg.Func(args).Field.Method,
// pkg.Generic[T]: a lowercase package name, then exported names.
var refRE = regexp.MustCompile(`(?:^|[^\w.\-/])\*?([a-z][a-z0-9_]*)((?:\.[A-Z]\w*(?:\[[^\]\s]*\])?(?:\([^()]*\))?)+)`)

var segRE = regexp.MustCompile(`\.([A-Z]\w*)(?:\[[^\]\s]*\])?(\([^()]*\))?`)

// findRefs returns the mentions in s of the packages in names.
func findRefs(s string, names map[string]string) []ref {
	var refs []ref
	for _, loc := range refRE.FindAllStringSubmatchIndex(s, -1) {
		pkg := s[loc[2]:loc[3]]
		if _, ok := names[pkg]; !ok {
			continue
		}
		tail := s[loc[4]:loc[5]]
		var segs []seg
		for _, sm := range segRE.FindAllStringSubmatch(tail, -1) {
			segs = append(segs, seg{name: sm[1], call: sm[2] != ""})
		}
		refs = append(refs, ref{text: pkg + tail, pkg: pkg, segs: segs})
	}
	return refs
}

func splitSegs(s string) []seg {
	var segs []seg
	for _, p := range strings.Split(s, ".") {
		segs = append(segs, seg{name: p})
	}
	return segs
}

// resolveRef returns why the chain of names does not resolve in the package
// at path, or "". Each name after the first is a field or method of what
// the previous one is (a type, or the value a call returns).
func (m *Module) resolveRef(path string, segs []seg) string {
	pkg, err := m.imp.Import(path)
	if err != nil {
		return fmt.Sprintf("package %s: %v", path, err)
	}
	if len(segs) == 0 {
		return ""
	}
	obj := pkg.Scope().Lookup(segs[0].name)
	if obj == nil || !obj.Exported() {
		return fmt.Sprintf("%s.%s does not exist", pkg.Name(), segs[0].name)
	}
	name := pkg.Name() + "." + segs[0].name
	t := valueType(obj, segs[0].call)
	if _, isType := obj.(*types.TypeName); isType {
		t = types.NewPointer(obj.Type()) // its methods, both receivers
	}
	for _, s := range segs[1:] {
		if t == nil {
			return fmt.Sprintf("cannot follow %s to %s", name, s.name)
		}
		o, _, _ := types.LookupFieldOrMethod(t, true, pkg, s.name)
		if o == nil || !o.Exported() {
			return fmt.Sprintf("%s has no field or method %s", name, s.name)
		}
		name += "." + s.name
		t = valueType(o, s.call)
	}
	return ""
}

// valueType is the type of the value an object denotes, or its call's
// first result.
func valueType(obj types.Object, call bool) types.Type {
	t := obj.Type()
	if call {
		sig, ok := t.Underlying().(*types.Signature)
		if !ok || sig.Results().Len() == 0 {
			return nil
		}
		return sig.Results().At(0).Type()
	}
	return t
}

// ---- code blocks ----

var (
	ellipsisRE = regexp.MustCompile(`(^|[\s{(,:])\.\.\.[^})\n]*`)
	freeVarRE  = regexp.MustCompile(`^undefined: [a-z_]\w*$`)
	goishRE    = regexp.MustCompile(`:=|\bfunc\b|&[a-z]\w*\.[A-Z]|^\s*[a-z]\w*\.[A-Z]\w*\(`)
)

// ignored are type errors that a fragment is expected to have.
func ignored(msg string) bool {
	return freeVarRE.MatchString(msg) ||
		strings.Contains(msg, "declared and not used") ||
		strings.Contains(msg, "imported and not used") ||
		strings.Contains(msg, "imported as ") && strings.HasSuffix(msg, "and not used") ||
		strings.HasPrefix(msg, "missing return") ||
		strings.HasSuffix(msg, "is not used")
}

// checkSnippet type-checks a code block of Go and returns its problems. A
// block that does not parse as Go and does not look like Go (a shell
// command, a request body, JSON) is no problem. "..." placeholders are
// dropped; names of the module's packages, their dependencies and the
// standard library are imported; undeclared lowercase names are free
// variables.
func (m *Module) checkSnippet(code string) []string {
	var msgs []string
	// Comments are prose: the family's pkg.Name mentions must resolve.
	for i, line := range strings.Split(code, "\n") {
		if _, comment, ok := strings.Cut(line, "//"); ok {
			for _, r := range findRefs(comment, m.family) {
				if msg := m.resolveRef(m.family[r.pkg], r.segs); msg != "" {
					msgs = append(msgs, fmt.Sprintf("line %d: comment: %s: %s", i+1, r.text, msg))
				}
			}
		}
	}
	src := ellipsisRE.ReplaceAllString(code, "$1")
	var fileMode bool
	f, err := parser.ParseFile(token.NewFileSet(), "", "package snippet\nfunc _() error {\n"+src+"\nreturn nil\n}\n", 0)
	if err != nil {
		f, err = parser.ParseFile(token.NewFileSet(), "", "package snippet\n"+src, 0)
		fileMode = true
	}
	if err != nil {
		if goishRE.MatchString(code) {
			return append(msgs, "does not parse as Go: "+firstLine(err.Error()))
		}
		return msgs
	}
	// Import what the block names.
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				if _, known := m.byName[id.Name]; known {
					used[id.Name] = true
				}
			}
		}
		return true
	})
	var imports strings.Builder
	for _, name := range slices.Sorted(maps.Keys(used)) {
		fmt.Fprintf(&imports, "import %s %q\n", name, m.byName[name])
	}
	header := "package snippet\n" + imports.String()
	var full string
	if fileMode {
		full = header + src
	} else {
		header += "func _() error {\n"
		full = header + src + "\nreturn nil\n}\n"
	}
	fset := token.NewFileSet()
	f, err = parser.ParseFile(fset, "snippet.go", full, 0)
	if err != nil {
		return append(msgs, "does not parse as Go: "+firstLine(err.Error()))
	}
	offset := strings.Count(header, "\n")
	conf := types.Config{Importer: m.imp, Error: func(err error) {
		te, ok := err.(types.Error)
		if !ok {
			msgs = append(msgs, err.Error())
			return
		}
		if ignored(te.Msg) {
			return
		}
		line := fset.Position(te.Pos).Line - offset
		msgs = append(msgs, fmt.Sprintf("line %d: %s", line, te.Msg))
	}}
	_, _ = conf.Check("snippet", fset, []*ast.File{f}, nil)
	return msgs
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

// ---- Examples ----

// CheckExamples reports every Example function of the module's packages
// that go test would compile but not run (no output comment), and every
// Example whose name does not name an identifier of its package.
func (m *Module) CheckExamples() []Problem {
	var probs []Problem
	for _, lp := range m.own {
		if len(lp.TestFiles) == 0 {
			continue
		}
		fset := token.NewFileSet()
		var files []*ast.File
		for _, name := range lp.TestFiles {
			f, err := parser.ParseFile(fset, filepath.Join(lp.Dir, name), nil, parser.ParseComments)
			if err != nil {
				probs = append(probs, Problem{Pos: m.rel(filepath.Join(lp.Dir, name)), Msg: err.Error()})
				continue
			}
			files = append(files, f)
		}
		for _, ex := range doc.Examples(files...) {
			pos := fset.Position(ex.Code.Pos())
			where := fmt.Sprintf("%s:%d", m.rel(pos.Filename), pos.Line)
			full := "Example" + ex.Name
			if ex.Output == "" && !ex.EmptyOutput {
				probs = append(probs, Problem{Pos: where, Msg: full + " has no output comment, so go test compiles it but never runs it"})
			}
			// ExampleF, ExampleT, ExampleT_M, each maybe with a _suffix
			// that starts with a lowercase letter.
			ident := ex.Name
			if i := strings.LastIndex(ident, "_"); i >= 0 && i+1 < len(ident) && !unicode.IsUpper(rune(ident[i+1])) {
				ident = ident[:i]
			}
			if ident != "" {
				if msg := m.resolveRef(lp.ImportPath, splitSegs(strings.Replace(ident, "_", ".", 1))); msg != "" {
					probs = append(probs, Problem{Pos: where, Msg: full + " names no identifier: " + msg})
				}
			}
		}
	}
	return probs
}

// ---- Markdown ----

var (
	fenceRE     = regexp.MustCompile("^(\\s*)```\\s*(\\w*)\\s*$")
	codeSpanRE  = regexp.MustCompile("`[^`]+`")
	refLinkRE   = regexp.MustCompile(`\[(\*?[a-z]\w*(?:\.[A-Z]\w*)+)\]`)
	linkDefRE   = regexp.MustCompile(`^\[([^\]]+)\]:\s*(\S+)\s*$`)
	blockBegin  = "<!-- doclinks:begin (written by go test ./internal/doclinks -update) -->"
	blockEnd    = "<!-- doclinks:end -->"
	pkgGoDevURL = "https://pkg.go.dev/"
)

// CheckMarkdown checks a Markdown file: its ```go blocks type-check, its
// pkg.Name references resolve (in code spans, the packages of the module,
// its dependencies and the standard library; in prose, the family's), and
// each pkg.Name in square brackets, a reference link, resolves and has the
// definition that [Module.LinkDefinitions] writes.
func (m *Module) CheckMarkdown(path string) ([]Problem, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var probs []Problem
	at := func(line int, msg string) {
		probs = append(probs, Problem{Pos: fmt.Sprintf("%s:%d", m.rel(path), line), Msg: msg})
	}
	lines := strings.Split(string(data), "\n")
	defs := map[string]string{}
	for _, l := range lines {
		if sm := linkDefRE.FindStringSubmatch(l); sm != nil {
			defs[sm[1]] = sm[2]
		}
	}
	for i := 0; i < len(lines); i++ {
		if sm := fenceRE.FindStringSubmatch(lines[i]); sm != nil {
			indent, lang, start := sm[1], sm[2], i
			var body []string
			for i++; i < len(lines) && !fenceRE.MatchString(lines[i]); i++ {
				body = append(body, strings.TrimPrefix(lines[i], indent))
			}
			if lang == "go" {
				for _, msg := range m.checkSnippet(strings.Join(body, "\n")) {
					at(start+1, "go block: "+msg)
				}
			}
			continue
		}
		line := lines[i]
		if linkDefRE.MatchString(line) {
			continue
		}
		for _, span := range codeSpanRE.FindAllString(line, -1) {
			for _, r := range findRefs(span, m.byName) {
				if msg := m.resolveRef(m.byName[r.pkg], r.segs); msg != "" {
					at(i+1, r.text+": "+msg)
				}
			}
		}
		prose := codeSpanRE.ReplaceAllString(line, " ")
		for _, loc := range refLinkRE.FindAllStringSubmatchIndex(prose, -1) {
			if loc[1] < len(prose) && strings.ContainsRune("([:", rune(prose[loc[1]])) {
				continue // an inline link, a full reference or a definition
			}
			label := prose[loc[2]:loc[3]]
			want, msg := m.linkURL(label)
			switch {
			case msg != "":
				at(i+1, "["+label+"]: "+msg)
			case defs[label] != want:
				at(i+1, fmt.Sprintf("[%s] needs the definition %q (go test ./internal/doclinks -update)", label, "["+label+"]: "+want))
			}
		}
		for _, r := range findRefs(refLinkRE.ReplaceAllString(prose, " "), m.family) {
			if msg := m.resolveRef(m.family[r.pkg], r.segs); msg != "" {
				at(i+1, r.text+": "+msg)
			}
		}
	}
	return probs, nil
}

// linkURL is the pkg.go.dev address of a reference link's label (pkg.Name
// or pkg.Type.Member), or why it has none.
func (m *Module) linkURL(label string) (string, string) {
	pkg, rest, _ := strings.Cut(strings.TrimPrefix(label, "*"), ".")
	path, ok := m.byName[pkg]
	if !ok {
		return "", "no package " + pkg + " is known"
	}
	if msg := m.resolveRef(path, splitSegs(rest)); msg != "" {
		return "", msg
	}
	return pkgGoDevURL + path + "#" + rest, ""
}

// LinkDefinitions returns the Markdown file at path with its block of link
// definitions (between the doclinks markers, appended at the end when
// missing and needed) holding one definition per reference link of the file
// (pkg.Name in square brackets, to its pkg.go.dev page), sorted. References
// that do not resolve get none.
func (m *Module) LinkDefinitions(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	text := string(data)
	before, after := text, ""
	if i := strings.Index(text, blockBegin); i >= 0 {
		j := strings.Index(text, blockEnd)
		if j < i {
			return nil, fmt.Errorf("%s: %s without %s", path, blockBegin, blockEnd)
		}
		before, after = text[:i], text[j+len(blockEnd):]
	} else {
		before = strings.TrimRight(text, "\n") + "\n\n"
		after = "\n"
	}
	labels := map[string]string{}
	inFence := false
	for _, line := range strings.Split(before+after, "\n") {
		if fenceRE.MatchString(line) {
			inFence = !inFence
		}
		if inFence || linkDefRE.MatchString(line) {
			continue
		}
		prose := codeSpanRE.ReplaceAllString(line, " ")
		for _, loc := range refLinkRE.FindAllStringSubmatchIndex(prose, -1) {
			if loc[1] < len(prose) && strings.ContainsRune("([:", rune(prose[loc[1]])) {
				continue
			}
			label := prose[loc[2]:loc[3]]
			if u, msg := m.linkURL(label); msg == "" {
				labels[label] = u
			}
		}
	}
	if len(labels) == 0 && !strings.Contains(text, blockBegin) {
		return data, nil // nothing to define, no block to keep
	}
	var b strings.Builder
	b.WriteString(before)
	b.WriteString(blockBegin + "\n")
	for _, l := range slices.Sorted(maps.Keys(labels)) {
		fmt.Fprintf(&b, "[%s]: %s\n", l, labels[l])
	}
	b.WriteString(blockEnd)
	b.WriteString(after)
	return []byte(b.String()), nil
}
