// Package leakcheck runs an example in-process with the SDK's debug log on
// and scans everything it wrote for secrets. Each example's secrets_test.go
// uses it.
package leakcheck
