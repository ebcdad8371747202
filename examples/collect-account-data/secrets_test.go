package main

import (
	"testing"

	"github.com/embedfin/embedfin-go/examples/internal/leakcheck"
)

// TestDebugRunLeaksNoSecrets runs the example with EMBEDFIN_LOG=debug on the
// emulator and scans what it printed and logged for keys, webhook secrets,
// client secrets and full account numbers.
func TestDebugRunLeaksNoSecrets(t *testing.T) {
	leakcheck.Check(t, run)
}
