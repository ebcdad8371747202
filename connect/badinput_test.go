package connect_test

import (
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/internal/badinput"
)

func buildBadInput(c *embedfin.Client) any { return connect.New(c) }

// TestBadInputEveryMethod runs the bad-input table (nil context, bad IDs,
// nil and empty params, bad responses) on every method of the package.
func TestBadInputEveryMethod(t *testing.T) {
	t.Parallel()
	badinput.RunAll(t, buildBadInput)
}

// TestBadInputNegativeLimits sends limit -1 to every list method of the
// package on the emulator and checks the typed 4xx that comes back.
func TestBadInputNegativeLimits(t *testing.T) {
	t.Parallel()
	badinput.EmulatorNegativeLimits(t, buildBadInput)
}
