package conformance

import (
	"context"
	"fmt"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/treasury"
)

const (
	inboundTransferID     = "ibt_1NvQ0JQ9RKHgCVdKzMaq4Yhd"
	outboundPaymentID     = "obp_1NvQ1cQ9RKHgCVdKg6bXqGJX"
	outboundTransferID    = "obt_1NvQ2FQ9RKHgCVdKfC6DNlvW"
	receivedCreditID      = "rc_1NvQ3aQ9RKHgCVdKuI5DCjjB"
	receivedDebitID       = "rd_1NvQ3tQ9RKHgCVdKqk1sX0Rp"
	treasuryTransactionID = "trxn_1NvQ4CQ9RKHgCVdK2l9Tl4qK"
	// platformFinancialAccountID receives the balance of a closed
	// financial account.
	platformFinancialAccountID = "fa_1Nv0AaQ9RKHgCVdKplatform"
)

// guideFeatures are the features the embedded-finance guide requests for a
// connected account's financial account.
func guideFeatures() *treasury.FinancialAccountFeaturesParams {
	yes := func() *bool { return embedfin.Ptr(true) }
	return &treasury.FinancialAccountFeaturesParams{
		CardIssuing:        &embedfin.AccessParams{Requested: yes()},
		DepositInsurance:   &embedfin.AccessParams{Requested: yes()},
		FinancialAddresses: &treasury.FinancialAccountFeaturesFinancialAddressesParams{ABA: &embedfin.AccessParams{Requested: yes()}},
		InboundTransfers:   &treasury.FinancialAccountFeaturesInboundTransfersParams{ACH: &embedfin.AccessParams{Requested: yes()}},
		IntraStripeFlows:   &embedfin.AccessParams{Requested: yes()},
		OutboundPayments: &treasury.FinancialAccountFeaturesOutboundPaymentsParams{
			ACH:            &embedfin.AccessParams{Requested: yes()},
			USDomesticWire: &embedfin.AccessParams{Requested: yes()},
		},
		OutboundTransfers: &treasury.FinancialAccountFeaturesOutboundTransfersParams{
			ACH:            &embedfin.AccessParams{Requested: yes()},
			USDomesticWire: &embedfin.AccessParams{Requested: yes()},
		},
	}
}

func init() {
	onBehalf := embedfin.WithStripeAccount(connectedAccountID)
	register(
		// The wallet of a connected account, as the guide creates it.
		endpointCase{"treasury/FinancialAccounts.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).FinancialAccounts.Create(ctx, &treasury.FinancialAccountCreateParams{
				SupportedCurrencies: []string{"usd"},
				Features:            guideFeatures(),
				Nickname:            embedfin.Ptr("Operating wallet"),
				Metadata:            map[string]string{"restaurant_id": "rest_0042"},
			}, onBehalf, embedfin.WithIdempotencyKey("fa-create-rest_0042"))
			if err != nil {
				return err
			}
			if err := expectObject(got.Object, got.ID, "treasury.financial_account", ""); err != nil {
				return err
			}
			if got.LastResponse == nil || got.LastResponse.IdempotencyKey != "fa-create-rest_0042" {
				return fmt.Errorf("idempotency key not recorded on the response: %+v", got.LastResponse)
			}
			return nil
		}},
		endpointCase{"treasury/FinancialAccounts.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := treasury.New(c).FinancialAccounts.List(ctx, &treasury.FinancialAccountListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(10))},
				Status:     embedfin.Ptr(treasury.FinancialAccountStatusOpen),
			}, onBehalf)
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.financial_account", "")
		}},
		endpointCase{"treasury/FinancialAccounts.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(treasury.New(c).FinancialAccounts.All(ctx, &treasury.FinancialAccountListParams{
				ListParams:   embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				CreatedRange: &embedfin.RangeQueryParams{GreaterThanOrEqual: embedfin.Ptr(int64(1704067200))},
			}, onBehalf))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.financial_account", "")
		}},
		// The balance check of the guide, made as the connected account.
		endpointCase{"treasury/FinancialAccounts.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).FinancialAccounts.Retrieve(ctx, financialAccountID, nil, onBehalf)
			if err != nil {
				return err
			}
			if err := expectObject(got.Object, got.ID, "treasury.financial_account", financialAccountID); err != nil {
				return err
			}
			if got.Balance == nil {
				return fmt.Errorf("financial account %s has no balance", got.ID)
			}
			return nil
		}},
		endpointCase{"treasury/FinancialAccounts.Update", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).FinancialAccounts.Update(ctx, financialAccountID, &treasury.FinancialAccountUpdateParams{
				Nickname: embedfin.Ptr("Payroll wallet"),
				Features: &treasury.FinancialAccountFeaturesParams{
					OutboundPayments: &treasury.FinancialAccountFeaturesOutboundPaymentsParams{
						USDomesticWire: &embedfin.AccessParams{Requested: embedfin.Ptr(false)},
					},
				},
				Metadata: map[string]string{"purpose": "payroll"},
			}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.financial_account", financialAccountID)
		}},
		// Closing a wallet and sending what is left to the platform's
		// financial account.
		endpointCase{"treasury/FinancialAccounts.Close", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).FinancialAccounts.Close(ctx, financialAccountID, &treasury.FinancialAccountCloseParams{
				ForwardingSettings: &treasury.FinancialAccountForwardingSettingsParams{
					Type:             embedfin.Ptr(treasury.FinancialAccountForwardingSettingsTypeFinancialAccount),
					FinancialAccount: embedfin.Ptr(platformFinancialAccountID),
				},
			}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.financial_account", financialAccountID)
		}},
		endpointCase{"treasury/FinancialAccounts.RetrieveFeatures", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).FinancialAccounts.RetrieveFeatures(ctx, financialAccountID, nil, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, "", "treasury.financial_account_features", "")
		}},
		// Requesting the ABA address later, once the account is verified.
		endpointCase{"treasury/FinancialAccounts.UpdateFeatures", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).FinancialAccounts.UpdateFeatures(ctx, financialAccountID, &treasury.FinancialAccountUpdateFeaturesParams{
				FinancialAddresses: &treasury.FinancialAccountFinancialAddressesParams{ABA: &embedfin.AccessParams{Requested: embedfin.Ptr(true)}},
				InboundTransfers:   &treasury.FinancialAccountInboundTransfersParams{ACH: &embedfin.AccessParams{Requested: embedfin.Ptr(true)}},
				CardIssuing:        &embedfin.AccessParams{Requested: embedfin.Ptr(true)},
			}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, "", "treasury.financial_account_features", "")
		}},
		// Funding the wallet from the bank account verified with the
		// SetupIntent.
		endpointCase{"treasury/InboundTransfers.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).InboundTransfers.Create(ctx, &treasury.InboundTransferCreateParams{
				FinancialAccount:    embedfin.Ptr(financialAccountID),
				Amount:              embedfin.Ptr(int64(20000)),
				Currency:            embedfin.Ptr("usd"),
				OriginPaymentMethod: embedfin.Ptr(paymentMethodID),
				Description:         embedfin.Ptr("Funds for card spending"),
				StatementDescriptor: embedfin.Ptr("WALLET TOPUP"),
				Metadata:            map[string]string{"topup_id": "tu_381"},
			}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.inbound_transfer", "")
		}},
		endpointCase{"treasury/InboundTransfers.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := treasury.New(c).InboundTransfers.List(ctx, &treasury.InboundTransferListParams{
				ListParams:       embedfin.ListParams{Limit: embedfin.Ptr(int64(10))},
				FinancialAccount: embedfin.Ptr(financialAccountID),
				Status:           embedfin.Ptr(treasury.InboundTransferStatusProcessing),
			}, onBehalf)
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.inbound_transfer", "")
		}},
		endpointCase{"treasury/InboundTransfers.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(treasury.New(c).InboundTransfers.All(ctx, &treasury.InboundTransferListParams{
				ListParams:       embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				FinancialAccount: embedfin.Ptr(financialAccountID),
			}, onBehalf))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.inbound_transfer", "")
		}},
		endpointCase{"treasury/InboundTransfers.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).InboundTransfers.Retrieve(ctx, inboundTransferID, nil, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.inbound_transfer", inboundTransferID)
		}},
		endpointCase{"treasury/InboundTransfers.Cancel", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).InboundTransfers.Cancel(ctx, inboundTransferID, nil, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.inbound_transfer", inboundTransferID)
		}},
		// Paying a supplier's bank account by ACH.
		endpointCase{"treasury/OutboundPayments.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).OutboundPayments.Create(ctx, &treasury.OutboundPaymentCreateParams{
				FinancialAccount:         embedfin.Ptr(financialAccountID),
				Amount:                   embedfin.Ptr(int64(12500)),
				Currency:                 embedfin.Ptr("usd"),
				Customer:                 embedfin.Ptr(customerID),
				DestinationPaymentMethod: embedfin.Ptr(paymentMethodID),
				DestinationPaymentMethodOptions: &treasury.OutboundPaymentDestinationPaymentMethodOptionsParams{
					USBankAccount: &treasury.OutboundPaymentDestinationPaymentMethodOptionsUSBankAccountParams{
						Network: embedfin.Ptr(treasury.NetworkACH),
					},
				},
				Description:         embedfin.Ptr("Invoice INV-2024-0193"),
				StatementDescriptor: embedfin.Ptr("ROCKETRIDES"),
				EndUserDetails: &treasury.OutboundPaymentEndUserDetailsParams{
					Present:   embedfin.Ptr(true),
					IPAddress: embedfin.Ptr(clientIP),
				},
				Metadata: map[string]string{"invoice": "INV-2024-0193"},
			}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.outbound_payment", "")
		}},
		// A one-off payment to bank details typed in by the user.
		endpointCase{"treasury/OutboundPayments.Create/payment_method_data", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).OutboundPayments.Create(ctx, &treasury.OutboundPaymentCreateParams{
				FinancialAccount: embedfin.Ptr(financialAccountID),
				Amount:           embedfin.Ptr(int64(4000)),
				Currency:         embedfin.Ptr("usd"),
				DestinationPaymentMethodData: &treasury.OutboundPaymentDestinationPaymentMethodDataParams{
					Type: embedfin.Ptr(treasury.PaymentMethodTypeUSBankAccount),
					USBankAccount: &treasury.OutboundPaymentDestinationPaymentMethodDataUSBankAccountParams{
						RoutingNumber:     embedfin.Ptr("110000000"),
						AccountNumber:     embedfin.Ptr("000123456789"),
						AccountHolderType: embedfin.Ptr(treasury.USBankAccountAccountHolderTypeIndividual),
						AccountType:       embedfin.Ptr(treasury.USBankAccountAccountTypeChecking),
					},
					BillingDetails: &treasury.OutboundPaymentDestinationPaymentMethodDataBillingDetailsParams{
						Name:  embedfin.Ptr("Jenny Rosen"),
						Email: embedfin.Ptr("jenny.rosen@example.com"),
						Address: &embedfin.AddressParams{
							Line1:      embedfin.Ptr("510 Townsend St"),
							City:       embedfin.Ptr("San Francisco"),
							State:      embedfin.Ptr("CA"),
							PostalCode: embedfin.Ptr("94103"),
							Country:    embedfin.Ptr("US"),
						},
					},
				},
				Description: embedfin.Ptr("Tip refund"),
				EndUserDetails: &treasury.OutboundPaymentEndUserDetailsParams{
					Present: embedfin.Ptr(false),
				},
			}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.outbound_payment", "")
		}},
		endpointCase{"treasury/OutboundPayments.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := treasury.New(c).OutboundPayments.List(ctx, &treasury.OutboundPaymentListParams{
				ListParams:       embedfin.ListParams{Limit: embedfin.Ptr(int64(10))},
				FinancialAccount: embedfin.Ptr(financialAccountID),
				Status:           embedfin.Ptr(treasury.OutboundStatusPosted),
			}, onBehalf)
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.outbound_payment", "")
		}},
		endpointCase{"treasury/OutboundPayments.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(treasury.New(c).OutboundPayments.All(ctx, &treasury.OutboundPaymentListParams{
				ListParams:       embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				FinancialAccount: embedfin.Ptr(financialAccountID),
				Customer:         embedfin.Ptr(customerID),
			}, onBehalf))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.outbound_payment", "")
		}},
		endpointCase{"treasury/OutboundPayments.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).OutboundPayments.Retrieve(ctx, outboundPaymentID, nil, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.outbound_payment", outboundPaymentID)
		}},
		endpointCase{"treasury/OutboundPayments.Cancel", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).OutboundPayments.Cancel(ctx, outboundPaymentID, nil, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.outbound_payment", outboundPaymentID)
		}},
		// Moving money from the wallet to the account's own bank account.
		endpointCase{"treasury/OutboundTransfers.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).OutboundTransfers.Create(ctx, &treasury.OutboundTransferCreateParams{
				FinancialAccount:         embedfin.Ptr(financialAccountID),
				Amount:                   embedfin.Ptr(int64(50000)),
				Currency:                 embedfin.Ptr("usd"),
				DestinationPaymentMethod: embedfin.Ptr(paymentMethodID),
				DestinationPaymentMethodOptions: &treasury.OutboundTransferDestinationPaymentMethodOptionsParams{
					USBankAccount: &treasury.OutboundTransferDestinationPaymentMethodOptionsUSBankAccountParams{
						Network: embedfin.Ptr(treasury.NetworkACH),
					},
				},
				Description:         embedfin.Ptr("Weekly sweep to operating account"),
				StatementDescriptor: embedfin.Ptr("SWEEP"),
				Metadata:            map[string]string{"sweep_week": "2024-W05"},
			}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.outbound_transfer", "")
		}},
		endpointCase{"treasury/OutboundTransfers.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := treasury.New(c).OutboundTransfers.List(ctx, &treasury.OutboundTransferListParams{
				ListParams:       embedfin.ListParams{Limit: embedfin.Ptr(int64(10))},
				FinancialAccount: embedfin.Ptr(financialAccountID),
				Status:           embedfin.Ptr(treasury.OutboundStatusProcessing),
			}, onBehalf)
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.outbound_transfer", "")
		}},
		endpointCase{"treasury/OutboundTransfers.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(treasury.New(c).OutboundTransfers.All(ctx, &treasury.OutboundTransferListParams{
				ListParams:       embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				FinancialAccount: embedfin.Ptr(financialAccountID),
			}, onBehalf))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.outbound_transfer", "")
		}},
		endpointCase{"treasury/OutboundTransfers.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).OutboundTransfers.Retrieve(ctx, outboundTransferID, nil, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.outbound_transfer", outboundTransferID)
		}},
		endpointCase{"treasury/OutboundTransfers.Cancel", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).OutboundTransfers.Cancel(ctx, outboundTransferID, nil, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.outbound_transfer", outboundTransferID)
		}},
		endpointCase{"treasury/ReceivedCredits.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := treasury.New(c).ReceivedCredits.List(ctx, &treasury.ReceivedCreditListParams{
				ListParams:       embedfin.ListParams{Limit: embedfin.Ptr(int64(10))},
				FinancialAccount: embedfin.Ptr(financialAccountID),
				Status:           embedfin.Ptr(treasury.ReceivedStatusSucceeded),
			}, onBehalf)
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.received_credit", "")
		}},
		// Credits that returned an earlier outbound payment.
		endpointCase{"treasury/ReceivedCredits.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(treasury.New(c).ReceivedCredits.All(ctx, &treasury.ReceivedCreditListParams{
				ListParams:       embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				FinancialAccount: embedfin.Ptr(financialAccountID),
				LinkedFlows: &treasury.ReceivedCreditLinkedFlowsParams{
					SourceFlowType: embedfin.Ptr(treasury.ReceivedCreditSourceFlowTypeOutboundPayment),
				},
			}, onBehalf))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.received_credit", "")
		}},
		endpointCase{"treasury/ReceivedCredits.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).ReceivedCredits.Retrieve(ctx, receivedCreditID, nil, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.received_credit", receivedCreditID)
		}},
		endpointCase{"treasury/ReceivedDebits.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := treasury.New(c).ReceivedDebits.List(ctx, &treasury.ReceivedDebitListParams{
				ListParams:       embedfin.ListParams{Limit: embedfin.Ptr(int64(10))},
				FinancialAccount: embedfin.Ptr(financialAccountID),
				Status:           embedfin.Ptr(treasury.ReceivedStatusSucceeded),
			}, onBehalf)
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.received_debit", "")
		}},
		endpointCase{"treasury/ReceivedDebits.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(treasury.New(c).ReceivedDebits.All(ctx, &treasury.ReceivedDebitListParams{
				ListParams:       embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				FinancialAccount: embedfin.Ptr(financialAccountID),
			}, onBehalf))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.received_debit", "")
		}},
		endpointCase{"treasury/ReceivedDebits.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).ReceivedDebits.Retrieve(ctx, receivedDebitID, nil, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.received_debit", receivedDebitID)
		}},
		// The posted transactions of the last month, newest posting first.
		endpointCase{"treasury/Transactions.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := treasury.New(c).Transactions.List(ctx, &treasury.TransactionListParams{
				ListParams:       embedfin.ListParams{Limit: embedfin.Ptr(int64(25))},
				FinancialAccount: embedfin.Ptr(financialAccountID),
				OrderBy:          embedfin.Ptr(treasury.TransactionOrderByPostedAt),
				Status:           embedfin.Ptr(treasury.TransactionStatusPosted),
				StatusTransitions: &treasury.TransactionStatusTransitionsParams{
					PostedAtRange: &embedfin.RangeQueryParams{
						GreaterThanOrEqual: embedfin.Ptr(int64(1704067200)),
						LesserThan:         embedfin.Ptr(int64(1706745600)),
					},
				},
			}, onBehalf)
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.transaction", "")
		}},
		endpointCase{"treasury/Transactions.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(treasury.New(c).Transactions.All(ctx, &treasury.TransactionListParams{
				ListParams:       embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				FinancialAccount: embedfin.Ptr(financialAccountID),
				CreatedRange:     &embedfin.RangeQueryParams{GreaterThanOrEqual: embedfin.Ptr(int64(1704067200))},
			}, onBehalf))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "treasury.transaction", "")
		}},
		endpointCase{"treasury/Transactions.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).Transactions.Retrieve(ctx, treasuryTransactionID, nil, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.transaction", treasuryTransactionID)
		}},

		// Test helpers: moving test-mode flows to their final states.
		endpointCase{"treasury/TestHelpers.InboundTransfers.Succeed", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).TestHelpers.InboundTransfers.Succeed(ctx, inboundTransferID, nil, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.inbound_transfer", "")
		}},
		endpointCase{"treasury/TestHelpers.InboundTransfers.Fail", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).TestHelpers.InboundTransfers.Fail(ctx, inboundTransferID, &treasury.InboundTransferTestFailParams{
				FailureDetails: &treasury.InboundTransferFailureDetailsParams{
					Code: embedfin.Ptr(treasury.InboundTransferFailureDetailsCodeInsufficientFunds),
				},
			}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.inbound_transfer", "")
		}},
		endpointCase{"treasury/TestHelpers.InboundTransfers.Return", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).TestHelpers.InboundTransfers.Return(ctx, inboundTransferID, &treasury.InboundTransferTestReturnParams{}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.inbound_transfer", "")
		}},
		endpointCase{"treasury/TestHelpers.OutboundPayments.Post", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).TestHelpers.OutboundPayments.Post(ctx, outboundPaymentID, nil, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.outbound_payment", "")
		}},
		endpointCase{"treasury/TestHelpers.OutboundPayments.Fail", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).TestHelpers.OutboundPayments.Fail(ctx, outboundPaymentID, &treasury.OutboundPaymentTestFailParams{}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.outbound_payment", "")
		}},
		endpointCase{"treasury/TestHelpers.OutboundPayments.Return", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).TestHelpers.OutboundPayments.Return(ctx, outboundPaymentID, &treasury.OutboundPaymentTestReturnParams{
				ReturnedDetails: &treasury.OutboundPaymentReturnedDetailsParams{
					Code: embedfin.Ptr(treasury.ReturnedDetailsCodeAccountClosed),
				},
			}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.outbound_payment", "")
		}},
		endpointCase{"treasury/TestHelpers.OutboundTransfers.Post", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).TestHelpers.OutboundTransfers.Post(ctx, outboundTransferID, nil, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.outbound_transfer", "")
		}},
		endpointCase{"treasury/TestHelpers.OutboundTransfers.Fail", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).TestHelpers.OutboundTransfers.Fail(ctx, outboundTransferID, &treasury.OutboundTransferTestFailParams{}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.outbound_transfer", "")
		}},
		endpointCase{"treasury/TestHelpers.OutboundTransfers.Return", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).TestHelpers.OutboundTransfers.Return(ctx, outboundTransferID, &treasury.OutboundTransferTestReturnParams{
				ReturnedDetails: &treasury.OutboundTransferReturnedDetailsParams{
					Code: embedfin.Ptr(treasury.ReturnedDetailsCodeNoAccount),
				},
			}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.outbound_transfer", "")
		}},
		// An ACH credit arriving at the wallet's ABA address.
		endpointCase{"treasury/TestHelpers.ReceivedCredits.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).TestHelpers.ReceivedCredits.Create(ctx, &treasury.ReceivedCreditTestCreateParams{
				FinancialAccount: embedfin.Ptr(financialAccountID),
				Amount:           embedfin.Ptr(int64(30000)),
				Currency:         embedfin.Ptr("usd"),
				Network:          embedfin.Ptr(treasury.ReceivedCreditNetworkACH),
				Description:      embedfin.Ptr("Customer payment for order 5581"),
				InitiatingPaymentMethodDetails: &treasury.ReceivedCreditInitiatingPaymentMethodDetailsParams{
					Type: embedfin.Ptr(treasury.PaymentMethodDetailsTypeUSBankAccount),
					USBankAccount: &treasury.ReceivedCreditInitiatingPaymentMethodDetailsUSBankAccountParams{
						AccountHolderName: embedfin.Ptr("Jenny Rosen"),
						AccountNumber:     embedfin.Ptr("000123456789"),
						RoutingNumber:     embedfin.Ptr("110000000"),
					},
				},
			}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.received_credit", "")
		}},
		// An ACH debit pulled from the wallet by a third party.
		endpointCase{"treasury/TestHelpers.ReceivedDebits.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := treasury.New(c).TestHelpers.ReceivedDebits.Create(ctx, &treasury.ReceivedDebitTestCreateParams{
				FinancialAccount: embedfin.Ptr(financialAccountID),
				Amount:           embedfin.Ptr(int64(7500)),
				Currency:         embedfin.Ptr("usd"),
				Network:          embedfin.Ptr(treasury.ReceivedDebitNetworkACH),
				Description:      embedfin.Ptr("Utility bill autopay"),
				InitiatingPaymentMethodDetails: &treasury.ReceivedDebitInitiatingPaymentMethodDetailsParams{
					Type: embedfin.Ptr(treasury.PaymentMethodDetailsTypeUSBankAccount),
					USBankAccount: &treasury.ReceivedDebitInitiatingPaymentMethodDetailsUSBankAccountParams{
						AccountHolderName: embedfin.Ptr("Bay Power & Light"),
						AccountNumber:     embedfin.Ptr("000111111116"),
						RoutingNumber:     embedfin.Ptr("110000000"),
					},
				},
			}, onBehalf)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "treasury.received_debit", "")
		}},
	)
}
