package embedfin

//go:generate go run ./internal/codegen -out .
