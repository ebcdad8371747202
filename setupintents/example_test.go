package setupintents_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/setupintents"
)

// printRequest shows what the fake API received: the request line, the
// connected account it acts for, then the form values sorted by key.
func printRequest(r *http.Request) {
	_ = r.ParseForm()
	if acct := r.Header.Get("Stripe-Account"); acct != "" {
		fmt.Println(r.Method, r.URL.Path, "as", acct)
	} else {
		fmt.Println(r.Method, r.URL.Path)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Form)) {
		fmt.Printf("  %s=%s\n", k, strings.Join(r.Form[k], ","))
	}
}

func ExampleSetupIntentService_Create() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"seti_1Mm8s8LkdIwHu7ix","object":"setup_intent","status":"requires_action",
			"attach_to_self":true,"flow_directions":["inbound","outbound"],
			"payment_method":"pm_1Mm8s8LkdIwHu7ixjb3yV6Gz","payment_method_types":["us_bank_account"],
			"next_action":{"type":"verify_with_microdeposits","verify_with_microdeposits":{"arrival_date":1642579200,
			 "hosted_verification_url":"https://payments.stripe.com/microdeposit/sacs_test_xxx","microdeposit_type":"amounts"}}}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	si := setupintents.New(c)

	// Save the connected account's own bank account for Treasury transfers
	// in both directions.
	intent, err := si.SetupIntents.Create(context.Background(), &setupintents.SetupIntentCreateParams{
		AttachToSelf: embedfin.Ptr(true),
		FlowDirections: []setupintents.SetupIntentFlowDirection{
			setupintents.SetupIntentFlowDirectionInbound,
			setupintents.SetupIntentFlowDirectionOutbound,
		},
		PaymentMethodTypes: []string{"us_bank_account"},
		PaymentMethodData: &setupintents.SetupIntentPaymentMethodDataParams{
			Type: embedfin.Ptr(setupintents.SetupIntentPaymentMethodDataTypeUSBankAccount),
			USBankAccount: &setupintents.SetupIntentPaymentMethodDataUSBankAccountParams{
				RoutingNumber:     embedfin.Ptr("110000000"),
				AccountNumber:     embedfin.Ptr("000123456789"),
				AccountHolderType: embedfin.Ptr(setupintents.SetupIntentPaymentMethodDataUSBankAccountAccountHolderTypeCompany),
			},
			BillingDetails: &setupintents.SetupIntentPaymentMethodDataBillingDetailsParams{Name: embedfin.Ptr("Company Corp")},
		},
		Confirm: embedfin.Ptr(true),
		MandateData: &setupintents.SetupIntentMandateDataParams{
			CustomerAcceptance: &setupintents.SetupIntentMandateDataCustomerAcceptanceParams{
				Type: embedfin.Ptr(setupintents.SetupIntentMandateDataCustomerAcceptanceTypeOnline),
				Online: &setupintents.SetupIntentMandateDataCustomerAcceptanceOnlineParams{
					IPAddress: embedfin.Ptr("123.123.123.123"),
					UserAgent: embedfin.Ptr("Mozilla/5.0"),
				},
			},
		},
	}, embedfin.WithStripeAccount("acct_1Nv0FGQ9RKHgCVdK"))
	if err != nil {
		panic(err)
	}
	fmt.Println(intent.ID, intent.Status, intent.PaymentMethod.ID)
	fmt.Println(intent.NextAction.Type, intent.NextAction.VerifyWithMicrodeposits.HostedVerificationURL)
	// Output:
	// POST /v1/setup_intents as acct_1Nv0FGQ9RKHgCVdK
	//   attach_to_self=true
	//   confirm=true
	//   flow_directions[0]=inbound
	//   flow_directions[1]=outbound
	//   mandate_data[customer_acceptance][online][ip_address]=123.123.123.123
	//   mandate_data[customer_acceptance][online][user_agent]=Mozilla/5.0
	//   mandate_data[customer_acceptance][type]=online
	//   payment_method_data[billing_details][name]=Company Corp
	//   payment_method_data[type]=us_bank_account
	//   payment_method_data[us_bank_account][account_holder_type]=company
	//   payment_method_data[us_bank_account][account_number]=000123456789
	//   payment_method_data[us_bank_account][routing_number]=110000000
	//   payment_method_types[0]=us_bank_account
	// seti_1Mm8s8LkdIwHu7ix requires_action pm_1Mm8s8LkdIwHu7ixjb3yV6Gz
	// verify_with_microdeposits https://payments.stripe.com/microdeposit/sacs_test_xxx
}

// A SetupIntent can collect the bank account through Financial Connections
// and ask for its ownership data at the same time.
func ExampleSetupIntentService_Create_financialConnections() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"seti_1NtI9uBHO5VeT9SU","object":"setup_intent","status":"requires_payment_method",
			"customer":"cus_NffrFeUfNV2Hib","payment_method_types":["us_bank_account"],
			"client_secret":"seti_1NtI9uBHO5VeT9SU_secret_PZB5kR8wVYIpwVVRx2Aqmyk",
			"payment_method_options":{"us_bank_account":{"verification_method":"automatic",
			 "financial_connections":{"permissions":["ownership","payment_method"],"prefetch":["ownership"]}}}}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	si := setupintents.New(c)

	intent, err := si.SetupIntents.Create(context.Background(), &setupintents.SetupIntentCreateParams{
		Customer:           embedfin.Ptr("cus_NffrFeUfNV2Hib"),
		PaymentMethodTypes: []string{"us_bank_account"},
		PaymentMethodOptions: &setupintents.SetupIntentPaymentMethodOptionsParams{
			USBankAccount: &setupintents.SetupIntentPaymentMethodOptionsUSBankAccountParams{
				FinancialConnections: &setupintents.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsParams{
					Permissions: []setupintents.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPermission{
						setupintents.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPermissionOwnership,
						setupintents.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPermissionPaymentMethod,
					},
					Prefetch: []setupintents.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPrefetch{
						setupintents.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPrefetchOwnership,
					},
				},
			},
		},
	})
	if err != nil {
		panic(err)
	}
	// The customer is an ID unless expanded; the client secret goes to Stripe.js.
	fmt.Println(intent.ID, intent.Status, intent.Customer.ID, intent.Customer.Expanded())
	// Output:
	// POST /v1/setup_intents
	//   customer=cus_NffrFeUfNV2Hib
	//   payment_method_options[us_bank_account][financial_connections][permissions][0]=ownership
	//   payment_method_options[us_bank_account][financial_connections][permissions][1]=payment_method
	//   payment_method_options[us_bank_account][financial_connections][prefetch][0]=ownership
	//   payment_method_types[0]=us_bank_account
	// seti_1NtI9uBHO5VeT9SU requires_payment_method cus_NffrFeUfNV2Hib false
}

func ExampleSetupIntentService_VerifyMicrodeposits() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"seti_1Mm8s8LkdIwHu7ix","object":"setup_intent","status":"succeeded",
			"payment_method":"pm_1Mm8s8LkdIwHu7ixjb3yV6Gz","payment_method_types":["us_bank_account"]}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	si := setupintents.New(c)

	// SM11AA is the test-mode descriptor code that verifies the account.
	intent, err := si.SetupIntents.VerifyMicrodeposits(context.Background(), "seti_1Mm8s8LkdIwHu7ix",
		&setupintents.SetupIntentVerifyMicrodepositsParams{DescriptorCode: embedfin.Ptr("SM11AA")},
		embedfin.WithStripeAccount("acct_1Nv0FGQ9RKHgCVdK"))
	if err != nil {
		panic(err)
	}
	fmt.Println(intent.Status)
	// Output:
	// POST /v1/setup_intents/seti_1Mm8s8LkdIwHu7ix/verify_microdeposits as acct_1Nv0FGQ9RKHgCVdK
	//   descriptor_code=SM11AA
	// succeeded
}
