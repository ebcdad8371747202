package benchmarks

import (
	"fmt"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/issuing"
	stripe "github.com/stripe/stripe-go/v85"
)

// The inputs every pair shares. Params hold the same values in both SDKs'
// types; JSON fixtures are the same bytes for both decoders.

const (
	testKey       = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"
	webhookSecret = "whsec_6cMWcqNa2vDl8FQbXHGh3sTg0JXhBQ9C"
	fcAccountID   = "fca_1MwVK82eZvKYlo2Cjw8FMxXf"
	customerID    = "cus_NffrFeUfNV2Hib"
)

// --- Params -----------------------------------------------------------------

// Seed 000: a Financial Connections session for a customer, asking for every
// permission and prefetching balances, ownership and transactions.
func efSessionParams() *financialconnections.SessionCreateParams {
	return &financialconnections.SessionCreateParams{
		AccountHolder: &financialconnections.SessionAccountHolderParams{
			Type:     embedfin.Ptr(financialconnections.AccountHolderTypeCustomer),
			Customer: embedfin.Ptr(customerID),
		},
		Permissions: []financialconnections.Permission{
			financialconnections.PermissionBalances,
			financialconnections.PermissionOwnership,
			financialconnections.PermissionPaymentMethod,
			financialconnections.PermissionTransactions,
		},
		Prefetch: []financialconnections.SessionPrefetch{
			financialconnections.SessionPrefetchBalances,
			financialconnections.SessionPrefetchOwnership,
			financialconnections.SessionPrefetchTransactions,
		},
		Filters: &financialconnections.SessionFiltersParams{
			Countries: []string{"US"},
		},
		ReturnURL: embedfin.Ptr("https://example.com/return"),
	}
}

func sgSessionParams() *stripe.FinancialConnectionsSessionCreateParams {
	return &stripe.FinancialConnectionsSessionCreateParams{
		AccountHolder: &stripe.FinancialConnectionsSessionCreateAccountHolderParams{
			Type:     stripe.String("customer"),
			Customer: stripe.String(customerID),
		},
		Permissions: stripe.StringSlice([]string{"balances", "ownership", "payment_method", "transactions"}),
		Prefetch:    stripe.StringSlice([]string{"balances", "ownership", "transactions"}),
		Filters: &stripe.FinancialConnectionsSessionCreateFiltersParams{
			Countries: stripe.StringSlice([]string{"US"}),
		},
		ReturnURL: stripe.String("https://example.com/return"),
	}
}

// Seed 003: the connected account of the embedded-finance guide (US, the
// platform as controller, four capabilities), with the email of the
// guide's update call.
func efAccountParams() *connect.AccountCreateParams {
	requested := &embedfin.AccessParams{Requested: embedfin.Ptr(true)}
	return &connect.AccountCreateParams{
		Country: embedfin.Ptr("US"),
		Email:   embedfin.Ptr("jenny.rosen@example.com"),
		Controller: &connect.AccountControllerParams{
			StripeDashboard: &connect.AccountControllerStripeDashboardParams{
				Type: embedfin.Ptr(connect.AccountControllerStripeDashboardTypeNone),
			},
			Fees: &connect.AccountControllerFeesParams{
				Payer: embedfin.Ptr(connect.AccountControllerFeesPayerApplication),
			},
			Losses: &connect.AccountControllerLossesParams{
				Payments: embedfin.Ptr(connect.ResponsiblePartyApplication),
			},
			RequirementCollection: embedfin.Ptr(connect.ResponsiblePartyApplication),
		},
		Capabilities: &connect.AccountCapabilitiesParams{
			Transfers:                requested,
			CardIssuing:              requested,
			Treasury:                 requested,
			USBankAccountACHPayments: requested,
		},
	}
}

func sgAccountParams() *stripe.AccountCreateParams {
	return &stripe.AccountCreateParams{
		Country: stripe.String("US"),
		Email:   stripe.String("jenny.rosen@example.com"),
		Controller: &stripe.AccountCreateControllerParams{
			StripeDashboard:       &stripe.AccountCreateControllerStripeDashboardParams{Type: stripe.String("none")},
			Fees:                  &stripe.AccountCreateControllerFeesParams{Payer: stripe.String("application")},
			Losses:                &stripe.AccountCreateControllerLossesParams{Payments: stripe.String("application")},
			RequirementCollection: stripe.String("application"),
		},
		Capabilities: &stripe.AccountCreateCapabilitiesParams{
			Transfers:                &stripe.AccountCreateCapabilitiesTransfersParams{Requested: stripe.Bool(true)},
			CardIssuing:              &stripe.AccountCreateCapabilitiesCardIssuingParams{Requested: stripe.Bool(true)},
			Treasury:                 &stripe.AccountCreateCapabilitiesTreasuryParams{Requested: stripe.Bool(true)},
			USBankAccountACHPayments: &stripe.AccountCreateCapabilitiesUSBankAccountACHPaymentsParams{Requested: stripe.Bool(true)},
		},
	}
}

// Seed 003: a cardholder of the connected account, an individual with a
// billing address, date of birth and the card-issuing terms accepted.
func efCardholderParams() *issuing.CardholderCreateParams {
	return &issuing.CardholderCreateParams{
		Type:        embedfin.Ptr(issuing.CardholderTypeIndividual),
		Name:        embedfin.Ptr("Jenny Rosen"),
		Email:       embedfin.Ptr("jenny.rosen@example.com"),
		PhoneNumber: embedfin.Ptr("+18008675309"),
		Billing: &issuing.CardholderBillingParams{Address: &embedfin.AddressParams{
			Line1:      embedfin.Ptr("510 Townsend St"),
			City:       embedfin.Ptr("San Francisco"),
			State:      embedfin.Ptr("CA"),
			PostalCode: embedfin.Ptr("94103"),
			Country:    embedfin.Ptr("US"),
		}},
		Individual: &issuing.CardholderIndividualParams{
			FirstName: embedfin.Ptr("Jenny"),
			LastName:  embedfin.Ptr("Rosen"),
			DOB:       &embedfin.DateParams{Day: embedfin.Ptr[int64](1), Month: embedfin.Ptr[int64](11), Year: embedfin.Ptr[int64](1981)},
			CardIssuing: &issuing.CardholderIndividualCardIssuingParams{
				UserTermsAcceptance: &issuing.CardholderIndividualCardIssuingUserTermsAcceptanceParams{
					Date:      embedfin.Ptr[int64](1767225600),
					IP:        embedfin.Ptr("123.123.123.123"),
					UserAgent: embedfin.Ptr("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)"),
				},
			},
		},
		Metadata: map[string]string{"employee_id": "E-1042", "team": "ops"},
	}
}

func sgCardholderParams() *stripe.IssuingCardholderCreateParams {
	return &stripe.IssuingCardholderCreateParams{
		Type:        stripe.String("individual"),
		Name:        stripe.String("Jenny Rosen"),
		Email:       stripe.String("jenny.rosen@example.com"),
		PhoneNumber: stripe.String("+18008675309"),
		Billing: &stripe.IssuingCardholderCreateBillingParams{Address: &stripe.AddressParams{
			Line1:      stripe.String("510 Townsend St"),
			City:       stripe.String("San Francisco"),
			State:      stripe.String("CA"),
			PostalCode: stripe.String("94103"),
			Country:    stripe.String("US"),
		}},
		Individual: &stripe.IssuingCardholderCreateIndividualParams{
			FirstName: stripe.String("Jenny"),
			LastName:  stripe.String("Rosen"),
			DOB:       &stripe.IssuingCardholderCreateIndividualDOBParams{Day: stripe.Int64(1), Month: stripe.Int64(11), Year: stripe.Int64(1981)},
			CardIssuing: &stripe.IssuingCardholderCreateIndividualCardIssuingParams{
				UserTermsAcceptance: &stripe.IssuingCardholderCreateIndividualCardIssuingUserTermsAcceptanceParams{
					Date:      stripe.Int64(1767225600),
					IP:        stripe.String("123.123.123.123"),
					UserAgent: stripe.String("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)"),
				},
			},
		},
		Metadata: map[string]string{"employee_id": "E-1042", "team": "ops"},
	}
}

// --- JSON fixtures -----------------------------------------------------------

// accountJSON is a Financial Connections account as Retrieve returns it with
// expand[]=ownership: balance, refresh states and two owners.
const accountJSON = `{
  "id": "fca_1MwVK82eZvKYlo2Cjw8FMxXf",
  "object": "financial_connections.account",
  "account_holder": {"customer": "cus_NffrFeUfNV2Hib", "type": "customer"},
  "account_numbers": [],
  "balance": {
    "as_of": 1651784999,
    "cash": {"available": {"usd": 623600}},
    "credit": null,
    "current": {"usd": 682400},
    "type": "cash"
  },
  "balance_refresh": {"last_attempted_at": 1651784999, "next_refresh_available_at": 1651785000, "status": "succeeded"},
  "category": "cash",
  "created": 1651783222,
  "display_name": "Premium Checking",
  "institution_name": "StripeBank",
  "last4": "6789",
  "livemode": false,
  "ownership": {
    "id": "fcaowns_1NtI9uBHO5VeT9SUSRe21lqt",
    "object": "financial_connections.account_ownership",
    "created": 1651784999,
    "owners": {
      "object": "list",
      "data": [
        {"id": "fcaowner_1MwVK82eZvKYlo2Cx", "object": "financial_connections.account_owner", "name": "Jennifer Rosen",
         "email": "jennyrosen@test.com", "phone": null, "ownership": "fcaowns_1NtI9uBHO5VeT9SUSRe21lqt",
         "raw_address": "354 Oyster Point Blvd South San Francisco, CA 94080 USA", "refreshed_at": 1651784999},
        {"id": "fcaowner_1MwVK82eZvKYlo2Cy", "object": "financial_connections.account_owner", "name": "Jenny Rosen",
         "email": null, "phone": "+1 (555) 555-5555", "ownership": "fcaowns_1NtI9uBHO5VeT9SUSRe21lqt",
         "raw_address": null, "refreshed_at": 1651784999}
      ],
      "has_more": false,
      "url": "/v1/financial_connections/accounts/fca_1MwVK82eZvKYlo2Cjw8FMxXf/owners?ownership=fcaowns_1NtI9uBHO5VeT9SUSRe21lqt"
    }
  },
  "ownership_refresh": {"last_attempted_at": 1651784999, "next_refresh_available_at": 1651785000, "status": "succeeded"},
  "permissions": ["balances", "ownership", "payment_method", "transactions"],
  "status": "active",
  "status_details": {},
  "subcategory": "checking",
  "subscriptions": ["transactions"],
  "supported_payment_method_types": ["us_bank_account", "link"],
  "transaction_refresh": {"id": "fctxnref_1aaaxqEitUZY8Svm4QdcWZKt", "last_attempted_at": 1651784999, "next_refresh_available_at": null, "status": "succeeded"}
}`

// sessionJSON is the answer to the session create call.
const sessionJSON = `{"id":"fcsess_1MwVK82eZvKYlo2C","object":"financial_connections.session",` +
	`"account_holder":{"customer":"cus_NffrFeUfNV2Hib","type":"customer"},` +
	`"accounts":{"object":"list","data":[],"has_more":false,"url":"/v1/financial_connections/accounts"},` +
	`"client_secret":"fcsess_client_secret_1MwVK82eZvKYlo2Cabc","filters":{"countries":["US"]},"livemode":false,` +
	`"permissions":["balances","ownership","payment_method","transactions"],` +
	`"prefetch":["balances","ownership","transactions"],"return_url":"https://example.com/return"}`

const transactionsTotal = 10000
const pageSize = 100

// txID is the ID of the i-th transaction, newest first.
func txID(i int) string { return fmt.Sprintf("fctxn_1Nv0%016d", i) }

// transactionJSON is one Financial Connections transaction; every fifth one
// is still pending.
func transactionJSON(sb *strings.Builder, i int) {
	base := int64(1767225600) - int64(i)*3600
	status, posted := "posted", fmt.Sprint(base+86400)
	if i%5 == 0 {
		status, posted = "pending", "null"
	}
	descs := [...]string{"GUSTO PAYROLL", "Rocket Rides", "RENT - OYSTER POINT LLC", "Coffee Corner #42", "ACH TRANSFER TO SAVINGS"}
	fmt.Fprintf(sb, `{"id":%q,"object":"financial_connections.transaction","account":%q,"amount":%d,"currency":"usd",`+
		`"description":%q,"livemode":false,"status":%q,"status_transitions":{"posted_at":%s,"void_at":null},`+
		`"transacted_at":%d,"transaction_refresh":"fctxnref_1aaaxqEitUZY8Svm4QdcWZKt","updated":%d}`,
		txID(i), fcAccountID, txAmount(i), descs[i%len(descs)], status, posted, base, base+60)
}

// txAmount is the amount of the i-th transaction, in cents (debits).
func txAmount(i int) int64 { return -int64(1000 + i*37%90000) }

// transactionPage renders the page of list transactions starting at index
// first, as GET /v1/financial_connections/transactions returns it.
func transactionPage(first, n, total int) []byte {
	var sb strings.Builder
	sb.WriteString(`{"object":"list","data":[`)
	for i := first; i < first+n && i < total; i++ {
		if i > first {
			sb.WriteByte(',')
		}
		transactionJSON(&sb, i)
	}
	fmt.Fprintf(&sb, `],"has_more":%t,"url":"/v1/financial_connections/transactions"}`, first+n < total)
	return []byte(sb.String())
}

// sizedEvent is a signed-webhook payload of about size bytes: a
// financial_connections.account.refreshed_balance event whose account lists
// as many transactions-like account numbers as it takes.
func sizedEvent(size int) []byte {
	var obj strings.Builder
	obj.WriteString(`{"id":"fca_1MwVK82eZvKYlo2Cjw8FMxXf","object":"financial_connections.account",` +
		`"account_holder":{"customer":"cus_NffrFeUfNV2Hib","type":"customer"},` +
		`"balance":{"as_of":1651784999,"cash":{"available":{"usd":623600}},"credit":null,"current":{"usd":682400},"type":"cash"},` +
		`"balance_refresh":{"last_attempted_at":1651784999,"next_refresh_available_at":1651785000,"status":"succeeded"},` +
		`"category":"cash","created":1651783222,"display_name":"Premium Checking","institution_name":"StripeBank",` +
		`"last4":"6789","livemode":false,"ownership":"fcaowns_1NtI9uBHO5VeT9SUSRe21lqt","permissions":["balances","transactions"],` +
		`"status":"active","subcategory":"checking","subscriptions":["transactions"],` +
		`"supported_payment_method_types":["us_bank_account"],"account_numbers":[`)
	head := `{"id":"evt_1NvPyY2SSJdH5vn2xZQE8C7k","object":"event","account":"acct_1Nv0FGQ9RKHgCVdK","api_version":"` +
		embedfin.APIVersion + `","created":1767225590,"data":{"object":`
	tail := `,"previous_attributes":{"balance_refresh":{"status":"pending"}}},"livemode":false,"pending_webhooks":1,` +
		`"request":{"id":"req_8fK2Zp3kR8vN1t","idempotency_key":"9b1c7f0e-5a2d-4c3b-8e1f-7d6a5b4c3d2e"},` +
		`"type":"financial_connections.account.refreshed_balance"}`
	for i := 0; len(head)+obj.Len()+len(tail)+2 < size; i++ {
		if i > 0 {
			obj.WriteByte(',')
		}
		fmt.Fprintf(&obj, `{"expected_expiry_date":null,"identifier_type":"account_number","status":"active","supported_networks":["ach"]}`)
	}
	obj.WriteString(`]}`)
	return []byte(head + obj.String() + tail)
}

// signedAt is the signature time of the webhook fixtures; both verifiers
// check it against the real clock, so it is taken when the benchmark starts.
func signedAt() time.Time { return time.Now() }
