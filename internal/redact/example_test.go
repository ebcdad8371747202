package redact_test

import (
	"fmt"

	"github.com/embedfin/embedfin-go/internal/redact"
)

func ExampleString() {
	fmt.Println(redact.String("Invalid API Key provided: sk_test_4eC39HqLyjWDarjtT1zdp7dc"))
	fmt.Println(redact.String("client_secret=fcsess_client_secret_KRJTeXrHb5WUmMZcpyTz8yZb"))
	fmt.Println(redact.String("us_bank_account[account_number]=000123456789&routing_number=110000000"))
	fmt.Println(redact.String("card 4000056655665556 declined"))
	// IDs, amounts and timestamps are left alone.
	fmt.Println(redact.String("fca_1LDYuMGxLVUXRs6HW0lrat9T amount=-1000 at 1651784999"))
	// Output:
	// Invalid API Key provided: sk_test_***
	// client_secret=fcsess_client_secret_***
	// us_bank_account[account_number]=***&routing_number=110000000
	// card ***5556 declined
	// fca_1LDYuMGxLVUXRs6HW0lrat9T amount=-1000 at 1651784999
}

func ExampleKey() {
	fmt.Println(redact.Key("rk_live_51H8abcdEFGH"))
	fmt.Println(redact.Key("not-a-key"))
	// Output:
	// rk_live_***
	// ***
}

func ExampleQuery() {
	fmt.Println(redact.Query("session=fcsess_123&account_holder%5Bcustomer%5D=cus_456"))
	// Output: account_holder[customer]=***&session=***
}
