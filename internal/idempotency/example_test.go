package idempotency_test

import (
	"fmt"

	"github.com/embedfin/embedfin-go/internal/idempotency"
)

func ExampleNewKey() {
	k := idempotency.NewKey()
	// A random version 4 UUID: 36 characters, the version digit at index 14.
	fmt.Println(len(k), k[14:15], k != idempotency.NewKey())
	// Output: 36 4 true
}
