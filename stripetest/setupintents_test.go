package stripetest_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/events"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	si "github.com/embedfin/embedfin-go/setupintents"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bankAccountData is the guide's bank account, typed in.
func bankAccountData() *si.SetupIntentPaymentMethodDataParams {
	return &si.SetupIntentPaymentMethodDataParams{
		Type: embedfin.Ptr(si.SetupIntentPaymentMethodDataTypeUSBankAccount),
		USBankAccount: &si.SetupIntentPaymentMethodDataUSBankAccountParams{
			RoutingNumber: embedfin.Ptr("110000000"), AccountNumber: embedfin.Ptr("000123456789"),
			AccountHolderType: embedfin.Ptr(si.SetupIntentPaymentMethodDataUSBankAccountAccountHolderTypeCompany),
		},
		BillingDetails: &si.SetupIntentPaymentMethodDataBillingDetailsParams{Name: embedfin.Ptr("Company Corp")},
	}
}

// onlineMandate is the customer acceptance of the guide.
func onlineMandate() *si.SetupIntentMandateDataParams {
	return &si.SetupIntentMandateDataParams{CustomerAcceptance: &si.SetupIntentMandateDataCustomerAcceptanceParams{
		Type: embedfin.Ptr(si.SetupIntentMandateDataCustomerAcceptanceTypeOnline),
		Online: &si.SetupIntentMandateDataCustomerAcceptanceOnlineParams{
			IPAddress: embedfin.Ptr("123.123.123.123"), UserAgent: embedfin.Ptr("Mozilla/5.0"),
		},
	}}
}

// TestSetupIntentMicrodepositLifecycle takes a bank account typed in from
// confirmation through microdeposit verification.
func TestSetupIntentMicrodepositLifecycle(t *testing.T) {
	t.Parallel()
	srv := treasuryServer(t)
	c := srv.Client()
	sis := si.New(c).SetupIntents
	_, as := connectedAccount(t, c, nil)

	intent, err := sis.Create(ctx, &si.SetupIntentCreateParams{
		AttachToSelf:       embedfin.Ptr(true),
		FlowDirections:     []si.SetupIntentFlowDirection{si.SetupIntentFlowDirectionInbound, si.SetupIntentFlowDirectionOutbound},
		PaymentMethodTypes: []string{"us_bank_account"},
		Metadata:           map[string]string{"purpose": "funding"},
	}, as)
	require.NoError(t, err)
	assert.Equal(t, "setup_intent", intent.Object)
	assert.Equal(t, si.SetupIntentStatusRequiresPaymentMethod, intent.Status)
	assert.True(t, strings.HasPrefix(*intent.ClientSecret, intent.ID+"_secret_"), *intent.ClientSecret)
	assert.Equal(t, "off_session", intent.Usage)
	assert.Equal(t, []si.SetupIntentFlowDirection{si.SetupIntentFlowDirectionInbound, si.SetupIntentFlowDirectionOutbound}, intent.FlowDirections)
	require.NotNil(t, intent.PaymentMethodOptions.USBankAccount)
	assert.Equal(t, si.VerificationMethodAutomatic, *intent.PaymentMethodOptions.USBankAccount.VerificationMethod)

	// Confirming with a typed-in bank account asks for microdeposits.
	intent, err = sis.Confirm(ctx, intent.ID, &si.SetupIntentConfirmParams{PaymentMethodData: bankAccountData(), MandateData: onlineMandate()}, as)
	require.NoError(t, err)
	assert.Equal(t, si.SetupIntentStatusRequiresAction, intent.Status)
	require.NotNil(t, intent.PaymentMethod)
	assert.True(t, strings.HasPrefix(intent.PaymentMethod.ID, "pm_"))
	require.NotNil(t, intent.Mandate)
	require.NotNil(t, intent.NextAction)
	assert.Equal(t, "verify_with_microdeposits", intent.NextAction.Type)
	v := intent.NextAction.VerifyWithMicrodeposits
	require.NotNil(t, v)
	assert.Greater(t, v.ArrivalDate, intent.Created)
	assert.True(t, strings.HasPrefix(v.HostedVerificationURL, srv.URL+"/microdeposit/sacs_test_"), v.HostedVerificationURL)
	assert.Equal(t, si.SetupIntentNextActionVerifyWithMicrodepositsMicrodepositTypeDescriptorCode, *v.MicrodepositType)

	// A wrong code is a 400 and changes nothing; SM11AA verifies.
	_, err = sis.VerifyMicrodeposits(ctx, intent.ID, &si.SetupIntentVerifyMicrodepositsParams{DescriptorCode: embedfin.Ptr("SM00XX")}, as)
	ae := apiError(t, err, 400, "payment_method_microdeposit_verification_descriptor_code_mismatch")
	assert.Equal(t, "descriptor_code", ae.Param)
	_, err = sis.VerifyMicrodeposits(ctx, intent.ID, &si.SetupIntentVerifyMicrodepositsParams{Amounts: []int64{10, 11}}, as)
	apiError(t, err, 400, "payment_method_microdeposit_verification_amounts_mismatch")
	still, err := sis.Retrieve(ctx, intent.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, si.SetupIntentStatusRequiresAction, still.Status)
	intent, err = sis.VerifyMicrodeposits(ctx, intent.ID, &si.SetupIntentVerifyMicrodepositsParams{DescriptorCode: embedfin.Ptr("SM11AA")}, as)
	require.NoError(t, err)
	assert.Equal(t, si.SetupIntentStatusSucceeded, intent.Status)
	assert.Nil(t, intent.NextAction)

	// Done: no more verification, confirmation or cancellation.
	_, err = sis.VerifyMicrodeposits(ctx, intent.ID, &si.SetupIntentVerifyMicrodepositsParams{DescriptorCode: embedfin.Ptr("SM11AA")}, as)
	apiError(t, err, 400, "setup_intent_unexpected_state")
	_, err = sis.Cancel(ctx, intent.ID, nil, as)
	apiError(t, err, 400, "setup_intent_unexpected_state")

	// The payment method is a bank account ending 6789, expandable.
	res, err := c.RawRequest(ctx, "GET", "/v1/setup_intents/"+intent.ID, url.Values{"expand[]": {"payment_method"}}, as)
	require.NoError(t, err)
	var expanded si.SetupIntent
	require.NoError(t, json.Unmarshal(res.Body, &expanded))
	require.True(t, expanded.PaymentMethod.Expanded())
	var pm struct {
		Type          string `json:"type"`
		USBankAccount struct {
			Last4             string `json:"last4"`
			RoutingNumber     string `json:"routing_number"`
			AccountHolderType string `json:"account_holder_type"`
		} `json:"us_bank_account"`
	}
	require.NoError(t, expanded.PaymentMethod.Object.Decode(&pm))
	assert.Equal(t, "us_bank_account", pm.Type)
	assert.Equal(t, "6789", pm.USBankAccount.Last4)
	assert.Equal(t, "110000000", pm.USBankAccount.RoutingNumber)
	assert.Equal(t, "company", pm.USBankAccount.AccountHolderType)

	// Events, for the connected account only.
	evs, err := events.New(c).Events.List(ctx, &events.EventListParams{Type: embedfin.Ptr(events.EventType("setup_intent.*"))}, as)
	require.NoError(t, err)
	var types []events.EventType
	for _, ev := range evs.Data {
		types = append(types, ev.Type)
	}
	assert.Equal(t, []events.EventType{events.EventTypeSetupIntentSucceeded, events.EventTypeSetupIntentRequiresAction, events.EventTypeSetupIntentCreated}, types)
	_, err = sis.Retrieve(ctx, intent.ID, nil)
	assert.True(t, embedfin.IsNotFound(err))
}

// TestSetupIntentCreateAndConfirmAsInTheGuide creates and confirms in one
// call as the guide does, cancels, and checks the 400s.
func TestSetupIntentCreateAndConfirmAsInTheGuide(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client()
	sis := si.New(c).SetupIntents
	_, as := connectedAccount(t, c, nil)

	// payment_method_data without confirm: requires_confirmation.
	pending, err := sis.Create(ctx, &si.SetupIntentCreateParams{PaymentMethodTypes: []string{"us_bank_account"}, PaymentMethodData: bankAccountData()}, as)
	require.NoError(t, err)
	assert.Equal(t, si.SetupIntentStatusRequiresConfirmation, pending.Status)

	// The guide's single call: confirm=true with the mandate.
	intent, err := sis.Create(ctx, &si.SetupIntentCreateParams{
		AttachToSelf:       embedfin.Ptr(true),
		FlowDirections:     []si.SetupIntentFlowDirection{si.SetupIntentFlowDirectionInbound, si.SetupIntentFlowDirectionOutbound},
		PaymentMethodTypes: []string{"us_bank_account"},
		PaymentMethodData:  bankAccountData(),
		Confirm:            embedfin.Ptr(true),
		MandateData:        onlineMandate(),
	}, as)
	require.NoError(t, err)
	assert.Equal(t, si.SetupIntentStatusRequiresAction, intent.Status)
	intent, err = sis.VerifyMicrodeposits(ctx, intent.ID, &si.SetupIntentVerifyMicrodepositsParams{Amounts: []int64{32, 45}}, as)
	require.NoError(t, err)
	assert.Equal(t, si.SetupIntentStatusSucceeded, intent.Status)

	// Cancel one that is still pending.
	canceled, err := sis.Cancel(ctx, pending.ID, &si.SetupIntentCancelParams{CancellationReason: embedfin.Ptr(si.SetupIntentCancellationReasonAbandoned)}, as)
	require.NoError(t, err)
	assert.Equal(t, si.SetupIntentStatusCanceled, canceled.Status)
	assert.Equal(t, si.SetupIntentCancellationReasonAbandoned, *canceled.CancellationReason)
	_, err = sis.Confirm(ctx, pending.ID, nil, as)
	apiError(t, err, 400, "setup_intent_unexpected_state")

	// Invalid bank details and missing pieces are 400s naming the parameter.
	bad := bankAccountData()
	bad.USBankAccount.RoutingNumber = embedfin.Ptr("123456789")
	_, err = sis.Create(ctx, &si.SetupIntentCreateParams{PaymentMethodTypes: []string{"us_bank_account"}, PaymentMethodData: bad}, as)
	assert.Equal(t, "payment_method_data[us_bank_account][routing_number]", apiError(t, err, 400, "routing_number_invalid").Param)
	noName := bankAccountData()
	noName.BillingDetails = nil
	_, err = sis.Create(ctx, &si.SetupIntentCreateParams{PaymentMethodTypes: []string{"us_bank_account"}, PaymentMethodData: noName}, as)
	assert.Equal(t, "payment_method_data[billing_details][name]", apiError(t, err, 400, embedfin.ErrorCodeParameterMissing).Param)
	_, err = c.RawRequest(ctx, "POST", "/v1/setup_intents", url.Values{"payment_method_data[us_bank_account][routing_number]": {"110000000"}}, as)
	assert.Equal(t, "payment_method_data[type]", apiError(t, err, 400, embedfin.ErrorCodeParameterMissing).Param)
	_, err = sis.Confirm(ctx, "seti_missing", nil, as)
	assert.True(t, embedfin.IsNotFound(err))
	empty, err := sis.Create(ctx, nil, as)
	require.NoError(t, err)
	assert.Equal(t, []string{"card"}, empty.PaymentMethodTypes)
	_, err = sis.Confirm(ctx, empty.ID, nil, as)
	apiError(t, err, 400, "setup_intent_unexpected_state")
}

// TestSetupIntentWithFinancialConnectionsAccount sets up a linked account,
// which needs no microdeposits.
func TestSetupIntentWithFinancialConnectionsAccount(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client()
	sis := si.New(c).SetupIntents

	cust, err := customers.New(c).Customers.Create(ctx, &customers.CustomerCreateParams{Name: embedfin.Ptr("Jenny Rosen"), Email: embedfin.Ptr("jenny@example.com")})
	require.NoError(t, err)
	sess, err := fc.New(c).Sessions.Create(ctx, &fc.SessionCreateParams{
		AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
		Permissions:   []fc.Permission{fc.PermissionPaymentMethod, fc.PermissionBalances},
	})
	require.NoError(t, err)
	_, err = c.RawRequest(ctx, "POST", "/v1/test_helpers/financial_connections/sessions/"+sess.ID+"/complete", nil)
	require.NoError(t, err)
	accts, err := fc.New(c).Accounts.List(ctx, &fc.AccountListParams{Session: embedfin.Ptr(sess.ID)})
	require.NoError(t, err)
	require.NotEmpty(t, accts.Data)

	data := &si.SetupIntentPaymentMethodDataParams{
		Type:           embedfin.Ptr(si.SetupIntentPaymentMethodDataTypeUSBankAccount),
		USBankAccount:  &si.SetupIntentPaymentMethodDataUSBankAccountParams{FinancialConnectionsAccount: embedfin.Ptr(accts.Data[0].ID)},
		BillingDetails: &si.SetupIntentPaymentMethodDataBillingDetailsParams{Name: embedfin.Ptr("Jenny Rosen")},
	}
	intent, err := sis.Create(ctx, &si.SetupIntentCreateParams{
		Customer:           embedfin.Ptr(cust.ID),
		PaymentMethodTypes: []string{"us_bank_account"},
		PaymentMethodOptions: &si.SetupIntentPaymentMethodOptionsParams{USBankAccount: &si.SetupIntentPaymentMethodOptionsUSBankAccountParams{
			FinancialConnections: &si.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsParams{
				Permissions: []si.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPermission{"payment_method", "balances"},
				Prefetch:    []si.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPrefetch{"balances"},
			},
			VerificationMethod: embedfin.Ptr(si.VerificationMethodInstant),
		}},
		PaymentMethodData: data,
		Confirm:           embedfin.Ptr(true),
	})
	require.NoError(t, err)
	assert.Equal(t, si.SetupIntentStatusSucceeded, intent.Status, "a linked account needs no microdeposits")
	assert.Nil(t, intent.NextAction)
	fcOpts := intent.PaymentMethodOptions.USBankAccount.FinancialConnections
	assert.Len(t, fcOpts.Permissions, 2)
	assert.Len(t, fcOpts.Prefetch, 1)
	assert.Equal(t, cust.ID, intent.Customer.ID)

	// Typed-in numbers cannot be verified instantly.
	_, err = sis.Create(ctx, &si.SetupIntentCreateParams{
		PaymentMethodTypes: []string{"us_bank_account"},
		PaymentMethodOptions: &si.SetupIntentPaymentMethodOptionsParams{USBankAccount: &si.SetupIntentPaymentMethodOptionsUSBankAccountParams{
			VerificationMethod: embedfin.Ptr(si.VerificationMethodInstant),
		}},
		PaymentMethodData: bankAccountData(), Confirm: embedfin.Ptr(true),
	})
	apiError(t, err, 400, "payment_method_invalid_parameter")

	// The customer filter; attach_to_self is not for customers' methods.
	other, err := sis.Create(ctx, &si.SetupIntentCreateParams{Metadata: map[string]string{"k": "v"}})
	require.NoError(t, err)
	list, err := sis.List(ctx, &si.SetupIntentListParams{Customer: embedfin.Ptr(cust.ID)})
	require.NoError(t, err)
	require.Len(t, list.Data, 1)
	assert.Equal(t, intent.ID, list.Data[0].ID)
	_, err = sis.Create(ctx, &si.SetupIntentCreateParams{Customer: embedfin.Ptr(cust.ID), AttachToSelf: embedfin.Ptr(true)})
	assert.Equal(t, "attach_to_self", apiError(t, err, 400, "parameter_invalid").Param)
	_, err = sis.Create(ctx, &si.SetupIntentCreateParams{Customer: embedfin.Ptr("cus_missing")})
	assert.Equal(t, "customer", apiError(t, err, 404, embedfin.ErrorCodeResourceMissing).Param)

	updated, err := sis.Update(ctx, other.ID, &si.SetupIntentUpdateParams{Metadata: map[string]string{"k": "", "n": "1"}, Description: embedfin.Ptr("later")})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"n": "1"}, updated.Metadata)
	assert.Equal(t, "later", *updated.Description)
}
