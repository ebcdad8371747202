package stripeversion_test

import (
	"fmt"

	"github.com/embedfin/embedfin-go/internal/stripeversion"
)

func ExampleCompose() {
	client := []stripeversion.Beta{{Name: "financial_connections_ownership_match_api_preview", Version: 1}}
	call := []stripeversion.Beta{{Name: "some_preview", Version: 2}}
	fmt.Println(stripeversion.Compose("2026-08-26.dahlia", client, call))
	fmt.Println(stripeversion.Compose("2026-08-26.dahlia"))
	// Output:
	// 2026-08-26.dahlia; financial_connections_ownership_match_api_preview=v1; some_preview=v2
	// 2026-08-26.dahlia
}

func ExampleMerge() {
	// The same beta twice keeps the higher version, compared as numbers.
	merged := stripeversion.Merge(
		[]stripeversion.Beta{{Name: "a_preview", Version: 9}, {Name: "b_preview", Version: 1}},
		[]stripeversion.Beta{{Name: "a_preview", Version: 10}},
	)
	fmt.Println(merged)
	// Output: [a_preview=v10 b_preview=v1]
}

func ExampleParse() {
	base, betas, err := stripeversion.Parse("2026-08-26.dahlia; x_preview=v2;y_preview=v1; x_preview=v11")
	fmt.Println(base, betas, err)

	_, _, err = stripeversion.Parse("2026-08-26.dahlia; x_preview=2")
	fmt.Println(err)
	// Output:
	// 2026-08-26.dahlia [x_preview=v11 y_preview=v1] <nil>
	// invalid Stripe-Version: beta "x_preview" version "2" must look like v1, v2, ... v10
}
