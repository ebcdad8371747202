// Command codegen generates the typed API surface of embedfin-go from the
// OpenAPI spec pinned in stripe-mock: resource types, request params and
// service methods, one *_gen.go file per resource. Run it with go generate
// from the module root. Only facts are taken from the spec (names, types,
// enums, required, nullable, expandable); every comment is written here.
package main
