package conformance

import (
	"context"
	"errors"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/setupintents"
)

const setupIntentID = "seti_1NvPzBQ9RKHgCVdKgkQX7BzR"

// onlineAcceptance is the mandate acceptance the platform records when the
// account owner agrees to the ACH terms in the browser.
func onlineAcceptance() *setupintents.SetupIntentMandateDataParams {
	return &setupintents.SetupIntentMandateDataParams{
		CustomerAcceptance: &setupintents.SetupIntentMandateDataCustomerAcceptanceParams{
			Type: embedfin.Ptr(setupintents.SetupIntentMandateDataCustomerAcceptanceTypeOnline),
			Online: &setupintents.SetupIntentMandateDataCustomerAcceptanceOnlineParams{
				IPAddress: embedfin.Ptr(clientIP),
				UserAgent: embedfin.Ptr(clientUA),
			},
		},
	}
}

func init() {
	register(
		// The external bank account of the embedded-finance guide: attached
		// to the connected account itself, usable for money in and out,
		// confirmed at once with the mandate, then verified by microdeposits.
		endpointCase{"setupintents/SetupIntents.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := setupintents.New(c).SetupIntents.Create(ctx, &setupintents.SetupIntentCreateParams{
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
					BillingDetails: &setupintents.SetupIntentPaymentMethodDataBillingDetailsParams{
						Name: embedfin.Ptr("Company Corp"),
					},
				},
				Confirm:     embedfin.Ptr(true),
				MandateData: onlineAcceptance(),
			}, embedfin.WithStripeAccount(connectedAccountID))
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "setup_intent", "")
		}},
		// Saving a customer's bank account collected through Financial
		// Connections, for later off-session ACH debits.
		endpointCase{"setupintents/SetupIntents.Create/financial_connections", func(ctx context.Context, c *embedfin.Client) error {
			got, err := setupintents.New(c).SetupIntents.Create(ctx, &setupintents.SetupIntentCreateParams{
				Customer:           embedfin.Ptr(customerID),
				PaymentMethodTypes: []string{"us_bank_account"},
				Usage:              embedfin.Ptr(setupintents.SetupIntentUsageOffSession),
				Description:        embedfin.Ptr("Bank account for monthly rent"),
				PaymentMethodOptions: &setupintents.SetupIntentPaymentMethodOptionsParams{
					USBankAccount: &setupintents.SetupIntentPaymentMethodOptionsUSBankAccountParams{
						VerificationMethod: embedfin.Ptr(setupintents.VerificationMethodAutomatic),
						FinancialConnections: &setupintents.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsParams{
							Permissions: []setupintents.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPermission{
								setupintents.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPermissionPaymentMethod,
								setupintents.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPermissionBalances,
							},
							Prefetch: []setupintents.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPrefetch{
								setupintents.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPrefetchBalances,
							},
							ReturnURL: embedfin.Ptr("https://example.com/setup/complete"),
						},
						Networks: &setupintents.SetupIntentPaymentMethodOptionsUSBankAccountNetworksParams{
							Requested: []setupintents.SetupIntentPaymentMethodOptionsUSBankAccountNetworksRequested{setupintents.SetupIntentPaymentMethodOptionsUSBankAccountNetworksRequestedACH},
						},
					},
				},
				Metadata: map[string]string{"lease_id": "lease_7731"},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "setup_intent", "")
		}},
		endpointCase{"setupintents/SetupIntents.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := setupintents.New(c).SetupIntents.List(ctx, &setupintents.SetupIntentListParams{
				ListParams: embedfin.ListParams{
					Params: embedfin.Params{Expand: []string{"data.payment_method"}},
					Limit:  embedfin.Ptr(int64(3)),
				},
				Customer: embedfin.Ptr(customerID),
			})
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			if !first.PaymentMethod.Expanded() {
				return errors.New("data.payment_method not expanded")
			}
			return expectObject(first.Object, first.ID, "setup_intent", "")
		}},
		endpointCase{"setupintents/SetupIntents.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(setupintents.New(c).SetupIntents.All(ctx, &setupintents.SetupIntentListParams{
				ListParams:   embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				AttachToSelf: embedfin.Ptr(true),
			}, embedfin.WithStripeAccount(connectedAccountID)))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "setup_intent", "")
		}},
		endpointCase{"setupintents/SetupIntents.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			params := &setupintents.SetupIntentRetrieveParams{}
			params.AddExpand("customer", "payment_method")
			got, err := setupintents.New(c).SetupIntents.Retrieve(ctx, setupIntentID, params)
			if err != nil {
				return err
			}
			if err := expectObject(got.Object, got.ID, "setup_intent", setupIntentID); err != nil {
				return err
			}
			if !got.Customer.Expanded() {
				return errors.New("customer not expanded")
			}
			if !got.PaymentMethod.Expanded() {
				return errors.New("payment_method not expanded")
			}
			return nil
		}},
		endpointCase{"setupintents/SetupIntents.Update", func(ctx context.Context, c *embedfin.Client) error {
			got, err := setupintents.New(c).SetupIntents.Update(ctx, setupIntentID, &setupintents.SetupIntentUpdateParams{
				Description: embedfin.Ptr("Operating account at Test Bank"),
				Metadata:    map[string]string{"verified_by": "microdeposits"},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "setup_intent", setupIntentID)
		}},
		endpointCase{"setupintents/SetupIntents.Confirm", func(ctx context.Context, c *embedfin.Client) error {
			got, err := setupintents.New(c).SetupIntents.Confirm(ctx, setupIntentID, &setupintents.SetupIntentConfirmParams{
				PaymentMethod: embedfin.Ptr(paymentMethodID),
				MandateData:   onlineAcceptance(),
				ReturnURL:     embedfin.Ptr("https://example.com/setup/complete"),
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "setup_intent", setupIntentID)
		}},
		endpointCase{"setupintents/SetupIntents.Cancel", func(ctx context.Context, c *embedfin.Client) error {
			got, err := setupintents.New(c).SetupIntents.Cancel(ctx, setupIntentID, &setupintents.SetupIntentCancelParams{
				CancellationReason: embedfin.Ptr(setupintents.SetupIntentCancellationReasonRequestedByCustomer),
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "setup_intent", setupIntentID)
		}},
		// The descriptor code of the test microdeposit, as in the guide.
		endpointCase{"setupintents/SetupIntents.VerifyMicrodeposits", func(ctx context.Context, c *embedfin.Client) error {
			got, err := setupintents.New(c).SetupIntents.VerifyMicrodeposits(ctx, setupIntentID, &setupintents.SetupIntentVerifyMicrodepositsParams{
				DescriptorCode: embedfin.Ptr("SM11AA"),
			}, embedfin.WithStripeAccount(connectedAccountID))
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "setup_intent", setupIntentID)
		}},
		// Banks that send two amounts instead of a descriptor code.
		endpointCase{"setupintents/SetupIntents.VerifyMicrodeposits/amounts", func(ctx context.Context, c *embedfin.Client) error {
			got, err := setupintents.New(c).SetupIntents.VerifyMicrodeposits(ctx, setupIntentID, &setupintents.SetupIntentVerifyMicrodepositsParams{
				Amounts: []int64{32, 45},
			})
			if err != nil {
				return err
			}
			if got.ID != setupIntentID {
				return errors.New("unexpected setup intent " + got.ID)
			}
			return nil
		}},
	)
}
