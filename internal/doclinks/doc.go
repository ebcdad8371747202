// Package doclinks checks the documentation of a module against the code it
// names, with the module's own compiled API (export data from
// `go list -export`) and go/types:
//
//   - every Go doc link in a doc comment (a Name, Type.Method, pkg.Name or
//     *pkg.Type in square brackets) resolves, and bracketed text that
//     looks like a doc link but is not one (an unknown symbol, or a
//     package the file does not import) is reported;
//   - every pkg.Name mention of the module's packages in a doc comment's
//     prose resolves;
//   - every indented code block of a doc comment that is Go type-checks,
//     free variables aside (ctx, c, err... are left undeclared);
//   - in Markdown files, every ```go block type-checks the same way, every
//     pkg.Name reference resolves (in code spans and prose), and every
//     reference link (pkg.Name in square brackets) resolves and has its
//     pkg.go.dev definition in the block that [Module.LinkDefinitions]
//     writes;
//   - every Example function has an output comment, so that go test runs it.
//
// The tests of the SDK module (this package's) and of the fleet module run
// it on their packages and Markdown files.
package doclinks
