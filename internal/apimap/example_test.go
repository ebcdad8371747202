package apimap_test

import (
	"fmt"

	"github.com/embedfin/embedfin-go/internal/apimap"
)

func ExampleMatch() {
	ep, ok := apimap.Match("POST", "/v1/financial_connections/accounts/fca_1LDYuMGxLVUXRs6HW0lrat9T/refresh")
	fmt.Println(ok, ep.Path, ep.Call)

	_, ok = apimap.Match("DELETE", "/v1/financial_connections/accounts/fca_1LDYuMGxLVUXRs6HW0lrat9T")
	fmt.Println(ok)
	// Output:
	// true /v1/financial_connections/accounts/{account}/refresh financialconnections.New(c).Accounts.Refresh
	// false
}
