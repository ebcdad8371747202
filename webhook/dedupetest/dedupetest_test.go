package dedupetest_test

import (
	"context"
	"fmt"
	"time"

	"testing"

	"github.com/embedfin/embedfin-go/webhook"
	"github.com/embedfin/embedfin-go/webhook/dedupetest"
)

// The in-memory store passes the suite: every handle of a namespace is the
// same store, as it would be for goroutines of one process.
func TestMemoryStore(t *testing.T) {
	t.Parallel()
	dedupetest.Run(t, func(t *testing.T, cfg dedupetest.Config) dedupetest.Opener {
		s := webhook.NewMemoryStore(cfg.TTL, webhook.WithClaimTimeout(cfg.ClaimTimeout))
		return func() webhook.DedupeStore { return s }
	})
}

func ExampleOpener() {
	// One MemoryStore serves every handle: goroutines of one process.
	store := webhook.NewMemoryStore(time.Hour)
	var open dedupetest.Opener = func() webhook.DedupeStore { return store }
	first, _ := open().Claim(context.Background(), "evt_1")
	second, _ := open().Claim(context.Background(), "evt_1")
	fmt.Println(first, second)
	// Output: acquired busy
}
