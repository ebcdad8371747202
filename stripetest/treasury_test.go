package stripetest_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	si "github.com/embedfin/embedfin-go/setupintents"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/embedfin/embedfin-go/treasury"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// featureWait polls fast: the tests' servers activate features after a
// few milliseconds.
var featureWait = &treasury.FeatureWaitOptions{MinInterval: 2 * time.Millisecond, MaxInterval: 10 * time.Millisecond, Timeout: 10 * time.Second}

// guideFeatures are the features the guide requests on a financial account.
var guideFeatures = []treasury.Feature{
	treasury.FeatureCardIssuing,
	treasury.FeatureDepositInsurance,
	treasury.FeatureFinancialAddressesABA,
	treasury.FeatureInboundTransfersACH,
	treasury.FeatureIntraStripeFlows,
	treasury.FeatureOutboundPaymentsACH,
	treasury.FeatureOutboundPaymentsUSDomesticWire,
	treasury.FeatureOutboundTransfersACH,
	treasury.FeatureOutboundTransfersUSDomesticWire,
}

// treasuryServer starts a server whose features activate after 20 ms.
func treasuryServer(t *testing.T) *stripetest.Server {
	t.Helper()
	return newServer(t, stripetest.WithFeatureActivationDelay(200*time.Millisecond)) // long enough to see "pending" under -race and load
}

// connectedAccount creates a connected account as the guide does (no
// Stripe dashboard, the platform collecting requirements, the Treasury and
// Issuing capabilities requested), onboards it (OnboardAccount) so that
// the capabilities are active, and returns the option acting as it.
func connectedAccount(t *testing.T, c *embedfin.Client, capabilities *connect.AccountCapabilitiesParams) (*connect.Account, embedfin.RequestOption) {
	t.Helper()
	if capabilities == nil {
		requested := &embedfin.AccessParams{Requested: embedfin.Ptr(true)}
		capabilities = &connect.AccountCapabilitiesParams{Transfers: requested, CardIssuing: requested, Treasury: requested, USBankAccountACHPayments: requested}
	}
	acct, err := connect.New(c).Accounts.Create(ctx, &connect.AccountCreateParams{
		Country: embedfin.Ptr("US"),
		Controller: &connect.AccountControllerParams{
			StripeDashboard:       &connect.AccountControllerStripeDashboardParams{Type: embedfin.Ptr(connect.AccountControllerStripeDashboardTypeNone)},
			Fees:                  &connect.AccountControllerFeesParams{Payer: embedfin.Ptr(connect.AccountControllerFeesPayerApplication)},
			Losses:                &connect.AccountControllerLossesParams{Payments: embedfin.Ptr(connect.ResponsiblePartyApplication)},
			RequirementCollection: embedfin.Ptr(connect.ResponsiblePartyApplication),
		},
		Capabilities: capabilities,
	})
	require.NoError(t, err)
	acct, err = stripetest.OnboardAccount(ctx, c, acct.ID)
	require.NoError(t, err)
	return acct, embedfin.WithStripeAccount(acct.ID)
}

// guideFeatureParams requests every feature of the guide.
func guideFeatureParams() *treasury.FinancialAccountFeaturesParams {
	yes := &embedfin.AccessParams{Requested: embedfin.Ptr(true)}
	return &treasury.FinancialAccountFeaturesParams{
		CardIssuing:        yes,
		DepositInsurance:   yes,
		FinancialAddresses: &treasury.FinancialAccountFeaturesFinancialAddressesParams{ABA: yes},
		InboundTransfers:   &treasury.FinancialAccountFeaturesInboundTransfersParams{ACH: yes},
		IntraStripeFlows:   yes,
		OutboundPayments:   &treasury.FinancialAccountFeaturesOutboundPaymentsParams{ACH: yes, USDomesticWire: yes},
		OutboundTransfers:  &treasury.FinancialAccountFeaturesOutboundTransfersParams{ACH: yes, USDomesticWire: yes},
	}
}

// openFinancialAccount creates a usd financial account with the guide's
// features and waits until they are all active.
func openFinancialAccount(t *testing.T, c *embedfin.Client, as embedfin.RequestOption) *treasury.FinancialAccount {
	t.Helper()
	tr := treasury.New(c)
	fa, err := tr.FinancialAccounts.Create(ctx, &treasury.FinancialAccountCreateParams{SupportedCurrencies: []string{"usd"}, Features: guideFeatureParams()}, as)
	require.NoError(t, err)
	fa, err = tr.FinancialAccounts.WaitForFeatures(ctx, fa.ID, guideFeatures, featureWait, as)
	require.NoError(t, err)
	return fa
}

// receiveCredit funds a financial account through the test helper.
func receiveCredit(t *testing.T, c *embedfin.Client, as embedfin.RequestOption, faID string, amount int64) *treasury.ReceivedCredit {
	t.Helper()
	rc, err := treasury.New(c).TestHelpers.ReceivedCredits.Create(ctx, &treasury.ReceivedCreditTestCreateParams{
		FinancialAccount: embedfin.Ptr(faID), Amount: embedfin.Ptr(amount), Currency: embedfin.Ptr("usd"),
		Network: embedfin.Ptr(treasury.ReceivedCreditNetworkACH),
	}, as)
	require.NoError(t, err)
	return rc
}

// apiError asserts that err is an API error with the status and code.
func apiError(t *testing.T, err error, status int, code embedfin.ErrorCode) *embedfin.Error {
	t.Helper()
	var ae *embedfin.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, status, ae.HTTPStatusCode, "%s", ae.Message)
	assert.Equal(t, code, ae.Code, "%s", ae.Message)
	return ae
}

// TestTreasuryFinancialAccountFeatures follows features from requested to
// active (card_issuing at once, the others after the delay), the ABA
// address that appears, un-requesting and re-requesting.
func TestTreasuryFinancialAccountFeatures(t *testing.T) {
	t.Parallel()
	srv := treasuryServer(t)
	c := srv.Client()
	tr := treasury.New(c)
	_, as := connectedAccount(t, c, nil)

	fa, err := tr.FinancialAccounts.Create(ctx, &treasury.FinancialAccountCreateParams{
		SupportedCurrencies: []string{"usd"}, Features: guideFeatureParams(), Nickname: embedfin.Ptr("Wallet"),
		Metadata: map[string]string{"restaurant": "chez-jenny"},
	}, as)
	require.NoError(t, err)
	assert.Equal(t, "treasury.financial_account", fa.Object)
	assert.Equal(t, treasury.FinancialAccountStatusOpen, fa.Status)
	assert.Equal(t, "US", fa.Country)
	assert.Equal(t, []string{"usd"}, fa.SupportedCurrencies)
	assert.Equal(t, treasury.Balance{Currency: "usd"}, fa.BalanceIn("usd"))
	assert.Equal(t, map[string]int64{"usd": 0}, fa.Balance.OutboundPending)
	// As in the guide: card_issuing is active at once, the ABA address is
	// pending and there is no financial address yet.
	assert.Equal(t, treasury.FeatureActive, fa.StateOf(treasury.FeatureCardIssuing))
	assert.Equal(t, treasury.FeaturePending, fa.StateOf(treasury.FeatureFinancialAddressesABA))
	assert.Empty(t, fa.FinancialAddresses)
	assert.Empty(t, fa.RestrictedFeatures)
	assert.Nil(t, fa.Features, "features is returned only when expanded")

	feats, err := tr.FinancialAccounts.RetrieveFeatures(ctx, fa.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, "treasury.financial_account_features", feats.Object)
	require.NotNil(t, feats.FinancialAddresses.ABA)
	assert.True(t, feats.FinancialAddresses.ABA.Requested)
	assert.Equal(t, treasury.FeatureStatusPending, feats.FinancialAddresses.ABA.Status)
	require.Len(t, feats.FinancialAddresses.ABA.StatusDetails, 1)
	assert.Equal(t, treasury.ToggleStatusDetailsCodeActivating, feats.FinancialAddresses.ABA.StatusDetails[0].Code)
	assert.Equal(t, treasury.FeatureStatusActive, feats.CardIssuing.Status)

	fa, err = tr.FinancialAccounts.WaitForFeatures(ctx, fa.ID, guideFeatures, featureWait, as)
	require.NoError(t, err)
	assert.ElementsMatch(t, guideFeatures, fa.ActiveFeatures)
	assert.Empty(t, fa.PendingFeatures)
	require.Len(t, fa.FinancialAddresses, 1)
	aba := fa.FinancialAddresses[0].ABA
	require.NotNil(t, aba)
	assert.Equal(t, "110000000", aba.RoutingNumber)
	assert.Equal(t, "Stripe Test Bank", aba.BankName)
	assert.Len(t, aba.AccountNumberLast4, 4)
	assert.Nil(t, aba.AccountNumber, "the full number only when expanded")

	var full treasury.FinancialAccount
	res, err := c.RawRequest(ctx, "GET", "/v1/treasury/financial_accounts/"+fa.ID, url.Values{"expand[]": {"financial_addresses.aba.account_number", "features"}}, as)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(res.Body, &full))
	require.NotNil(t, full.FinancialAddresses[0].ABA.AccountNumber)
	assert.Len(t, *full.FinancialAddresses[0].ABA.AccountNumber, 12)
	assert.Equal(t, aba.AccountNumberLast4, (*full.FinancialAddresses[0].ABA.AccountNumber)[8:])
	require.NotNil(t, full.Features)
	assert.Equal(t, treasury.FeatureStatusActive, full.Features.OutboundPayments.ACH.Status)

	// Un-requesting a feature removes it; requesting one again starts it
	// pending.
	no, yes := &embedfin.AccessParams{Requested: embedfin.Ptr(false)}, &embedfin.AccessParams{Requested: embedfin.Ptr(true)}
	feats, err = tr.FinancialAccounts.UpdateFeatures(ctx, fa.ID, &treasury.FinancialAccountUpdateFeaturesParams{DepositInsurance: no}, as)
	require.NoError(t, err)
	assert.Nil(t, feats.DepositInsurance)
	fa, err = tr.FinancialAccounts.Update(ctx, fa.ID, &treasury.FinancialAccountUpdateParams{
		Nickname: embedfin.Ptr("Main wallet"), Metadata: map[string]string{"restaurant": "", "tier": "gold"},
		Features: &treasury.FinancialAccountFeaturesParams{DepositInsurance: yes},
	}, as)
	require.NoError(t, err)
	assert.Equal(t, "Main wallet", *fa.Nickname)
	assert.Equal(t, map[string]string{"tier": "gold"}, fa.Metadata)
	assert.Equal(t, treasury.FeaturePending, fa.StateOf(treasury.FeatureDepositInsurance))
	fa, err = tr.FinancialAccounts.WaitForFeatures(ctx, fa.ID, []treasury.Feature{treasury.FeatureDepositInsurance}, featureWait, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.FeatureActive, fa.StateOf(treasury.FeatureDepositInsurance))

	list, err := tr.FinancialAccounts.List(ctx, &treasury.FinancialAccountListParams{Status: embedfin.Ptr(treasury.FinancialAccountStatusOpen)}, as)
	require.NoError(t, err)
	require.Len(t, list.Data, 1)
	assert.Equal(t, fa.ID, list.Data[0].ID)

	// The platform has no such financial account.
	_, err = tr.FinancialAccounts.Retrieve(ctx, fa.ID, nil)
	assert.True(t, embedfin.IsNotFound(err))
}

// TestTreasuryFeaturesRestrictedWithoutCapability checks that features
// whose capability the account lacks are restricted, so waiting fails fast.
func TestTreasuryFeaturesRestrictedWithoutCapability(t *testing.T) {
	t.Parallel()
	srv := treasuryServer(t)
	c := srv.Client()
	tr := treasury.New(c)
	// Only card_issuing: every other feature needs the treasury capability.
	_, as := connectedAccount(t, c, &connect.AccountCapabilitiesParams{CardIssuing: &embedfin.AccessParams{Requested: embedfin.Ptr(true)}})
	fa, err := tr.FinancialAccounts.Create(ctx, &treasury.FinancialAccountCreateParams{SupportedCurrencies: []string{"usd"}, Features: guideFeatureParams()}, as)
	require.NoError(t, err)
	assert.Equal(t, []treasury.Feature{treasury.FeatureCardIssuing}, fa.ActiveFeatures)
	assert.Contains(t, fa.RestrictedFeatures, treasury.FeatureFinancialAddressesABA)

	_, err = tr.FinancialAccounts.WaitForFeatures(ctx, fa.ID, guideFeatures, featureWait, as)
	var restricted *treasury.FeaturesRestrictedError
	require.ErrorAs(t, err, &restricted)
	assert.True(t, errors.Is(err, treasury.ErrFeaturesRestricted))
	assert.Contains(t, restricted.Restricted, treasury.FeatureOutboundPaymentsACH)

	feats, err := tr.FinancialAccounts.RetrieveFeatures(ctx, fa.ID, nil, as)
	require.NoError(t, err)
	require.Len(t, feats.InboundTransfers.ACH.StatusDetails, 1)
	assert.Equal(t, treasury.ToggleStatusDetailsCodeCapabilityNotRequested, feats.InboundTransfers.ACH.StatusDetails[0].Code)
}

// TestTreasuryReceivedCreditsAndTransactions funds an account and reads the
// credits, debits and transactions that record it.
func TestTreasuryReceivedCreditsAndTransactions(t *testing.T) {
	t.Parallel()
	srv := treasuryServer(t)
	c := srv.Client()
	tr := treasury.New(c)
	_, as := connectedAccount(t, c, nil)
	fa := openFinancialAccount(t, c, as)

	rc := receiveCredit(t, c, as, fa.ID, 20000)
	assert.Equal(t, "treasury.received_credit", rc.Object)
	assert.Equal(t, treasury.ReceivedStatusSucceeded, rc.Status)
	assert.Equal(t, treasury.ReceivedCreditNetworkACH, rc.Network)
	assert.Equal(t, fa.ID, *rc.FinancialAccount)
	require.NotNil(t, rc.Transaction)

	fa, err := tr.FinancialAccounts.Retrieve(ctx, fa.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.Balance{Currency: "usd", Cash: 20000}, fa.BalanceIn("usd"))

	got, err := tr.ReceivedCredits.Retrieve(ctx, rc.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, rc.Amount, got.Amount)
	credits, err := tr.ReceivedCredits.List(ctx, &treasury.ReceivedCreditListParams{FinancialAccount: embedfin.Ptr(fa.ID)}, as)
	require.NoError(t, err)
	require.Len(t, credits.Data, 1)
	assert.Equal(t, rc.ID, credits.Data[0].ID)

	txn, err := tr.Transactions.Retrieve(ctx, rc.Transaction.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.FlowTypeReceivedCredit, txn.FlowType)
	assert.Equal(t, treasury.TransactionStatusPosted, txn.Status)
	assert.Equal(t, rc.ID, *txn.Flow)
	assert.Equal(t, int64(20000), txn.Amount)
	assert.Equal(t, &treasury.BalanceImpact{Cash: 20000}, txn.BalanceImpact)
	assert.NotNil(t, txn.StatusTransitions.PostedAt)

	// flow_details and entries come when expanded.
	res, err := c.RawRequest(ctx, "GET", "/v1/treasury/transactions/"+txn.ID, url.Values{"expand[]": {"flow_details", "entries"}}, as)
	require.NoError(t, err)
	var expanded treasury.Transaction
	require.NoError(t, json.Unmarshal(res.Body, &expanded))
	require.NotNil(t, expanded.FlowDetails)
	require.NotNil(t, expanded.FlowDetails.ReceivedCredit)
	assert.Equal(t, rc.ID, expanded.FlowDetails.ReceivedCredit.ID)
	require.NotNil(t, expanded.Entries)
	require.Len(t, expanded.Entries.Data, 1)
	assert.Equal(t, treasury.TransactionEntryTypeReceivedCredit, expanded.Entries.Data[0].Type)

	// A received debit takes money out; one larger than the cash fails.
	rd, err := tr.TestHelpers.ReceivedDebits.Create(ctx, &treasury.ReceivedDebitTestCreateParams{
		FinancialAccount: embedfin.Ptr(fa.ID), Amount: embedfin.Ptr(int64(5000)), Currency: embedfin.Ptr("usd"), Network: embedfin.Ptr(treasury.ReceivedDebitNetworkACH),
	}, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.ReceivedStatusSucceeded, rd.Status)
	big, err := tr.TestHelpers.ReceivedDebits.Create(ctx, &treasury.ReceivedDebitTestCreateParams{
		FinancialAccount: embedfin.Ptr(fa.ID), Amount: embedfin.Ptr(int64(50000)), Currency: embedfin.Ptr("usd"), Network: embedfin.Ptr(treasury.ReceivedDebitNetworkACH),
	}, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.ReceivedStatusFailed, big.Status)
	assert.Equal(t, treasury.ReceivedDebitFailureCodeInsufficientFunds, *big.FailureCode)
	fa, err = tr.FinancialAccounts.Retrieve(ctx, fa.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, int64(15000), fa.BalanceIn("usd").Cash)

	txns, err := tr.Transactions.List(ctx, &treasury.TransactionListParams{FinancialAccount: embedfin.Ptr(fa.ID)}, as)
	require.NoError(t, err)
	require.Len(t, txns.Data, 2)
	assert.Equal(t, treasury.FlowTypeReceivedDebit, txns.Data[0].FlowType, "newest first")
	assert.Equal(t, int64(-5000), txns.Data[0].Amount)
	debits, err := tr.ReceivedDebits.List(ctx, &treasury.ReceivedDebitListParams{FinancialAccount: embedfin.Ptr(fa.ID), Status: embedfin.Ptr(treasury.ReceivedStatusFailed)}, as)
	require.NoError(t, err)
	require.Len(t, debits.Data, 1)
	assert.Equal(t, big.ID, debits.Data[0].ID)

	// Another account's IDs are unknown here.
	_, err = tr.ReceivedCredits.Retrieve(ctx, rc.ID, nil)
	assert.True(t, embedfin.IsNotFound(err))
	_, err = tr.Transactions.List(ctx, &treasury.TransactionListParams{FinancialAccount: embedfin.Ptr(fa.ID)})
	assert.True(t, embedfin.IsNotFound(err))
}

// TestTreasuryValidationAndClose checks the 400s of missing and invalid
// parameters and that only an empty account closes.
func TestTreasuryValidationAndClose(t *testing.T) {
	t.Parallel()
	srv := treasuryServer(t)
	c := srv.Client()
	tr := treasury.New(c)
	_, as := connectedAccount(t, c, nil)

	// The SDK checks required parameters before sending; raw requests show
	// the emulator's own 400s.
	for _, tc := range []struct {
		method, path string
		params       url.Values
		param        string
	}{
		{"POST", "/v1/treasury/financial_accounts", url.Values{"features[card_issuing][requested]": {"true"}}, "supported_currencies"},
		{"POST", "/v1/treasury/financial_accounts", url.Values{"supported_currencies[]": {"usd"}, "features[card_issuing][foo]": {"true"}}, "features[card_issuing][foo]"},
		{"POST", "/v1/test_helpers/treasury/received_credits", url.Values{"financial_account": {"fa_x"}, "amount": {"100"}, "currency": {"usd"}}, "network"},
		{"GET", "/v1/treasury/transactions", nil, "financial_account"},
		{"GET", "/v1/treasury/received_credits", url.Values{"limit": {"3"}}, "financial_account"},
	} {
		_, err := c.RawRequest(ctx, tc.method, tc.path, tc.params, as)
		code := embedfin.ErrorCodeParameterMissing
		if tc.param == "features[card_issuing][foo]" {
			code = embedfin.ErrorCodeParameterUnknown
		}
		ae := apiError(t, err, 400, code)
		assert.Equal(t, tc.param, ae.Param, "%s %s", tc.method, tc.path)
	}
	_, err := tr.FinancialAccounts.Create(ctx, &treasury.FinancialAccountCreateParams{SupportedCurrencies: []string{"eur"}}, as)
	assert.Equal(t, "supported_currencies", apiError(t, err, 400, "parameter_invalid").Param)

	fa := openFinancialAccount(t, c, as)
	_, err = tr.TestHelpers.ReceivedCredits.Create(ctx, &treasury.ReceivedCreditTestCreateParams{
		FinancialAccount: embedfin.Ptr(fa.ID), Amount: embedfin.Ptr(int64(-5)), Currency: embedfin.Ptr("usd"), Network: embedfin.Ptr(treasury.ReceivedCreditNetworkACH),
	}, as)
	assert.Equal(t, "amount", apiError(t, err, 400, "parameter_invalid_integer").Param)
	_, err = tr.TestHelpers.ReceivedCredits.Create(ctx, &treasury.ReceivedCreditTestCreateParams{
		FinancialAccount: embedfin.Ptr("fa_missing"), Amount: embedfin.Ptr(int64(5)), Currency: embedfin.Ptr("usd"), Network: embedfin.Ptr(treasury.ReceivedCreditNetworkACH),
	}, as)
	assert.Equal(t, "financial_account", apiError(t, err, 404, embedfin.ErrorCodeResourceMissing).Param)

	// A funded account cannot close; once emptied it can.
	receiveCredit(t, c, as, fa.ID, 1200)
	_, err = tr.FinancialAccounts.Close(ctx, fa.ID, nil, as)
	ae := apiError(t, err, 400, "financial_account_not_empty")
	assert.Contains(t, ae.Message, "balance is not zero")
	_, err = tr.TestHelpers.ReceivedDebits.Create(ctx, &treasury.ReceivedDebitTestCreateParams{
		FinancialAccount: embedfin.Ptr(fa.ID), Amount: embedfin.Ptr(int64(1200)), Currency: embedfin.Ptr("usd"), Network: embedfin.Ptr(treasury.ReceivedDebitNetworkACH),
	}, as)
	require.NoError(t, err)
	closed, err := tr.FinancialAccounts.Close(ctx, fa.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.FinancialAccountStatusClosed, closed.Status)
	assert.Equal(t, []treasury.FinancialAccountStatusDetailsClosedReason{treasury.FinancialAccountStatusDetailsClosedReasonClosedByPlatform}, closed.StatusDetails.Closed.Reasons)
	assert.Empty(t, closed.ActiveFeatures)
	assert.ElementsMatch(t, guideFeatures, closed.RestrictedFeatures)
	_, err = tr.FinancialAccounts.Close(ctx, fa.ID, nil, as)
	apiError(t, err, 400, "financial_account_closed")

	// Money sent to a closed account bounces.
	rc := receiveCredit(t, c, as, fa.ID, 100)
	assert.Equal(t, treasury.ReceivedStatusFailed, rc.Status)
	assert.Equal(t, treasury.ReceivedCreditFailureCodeAccountClosed, *rc.FailureCode)
	closed, err = tr.FinancialAccounts.Retrieve(ctx, fa.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.Balance{Currency: "usd"}, closed.BalanceIn("usd"))
}

// selfBankAccount sets up the guide's bank account, attached to the
// connected account itself and verified with microdeposits, and returns
// its payment method ID.
func selfBankAccount(t *testing.T, c *embedfin.Client, as embedfin.RequestOption) string {
	t.Helper()
	sis := si.New(c).SetupIntents
	intent, err := sis.Create(ctx, &si.SetupIntentCreateParams{
		AttachToSelf:       embedfin.Ptr(true),
		FlowDirections:     []si.SetupIntentFlowDirection{si.SetupIntentFlowDirectionInbound, si.SetupIntentFlowDirectionOutbound},
		PaymentMethodTypes: []string{"us_bank_account"},
		PaymentMethodData:  bankAccountData(),
		Confirm:            embedfin.Ptr(true),
		MandateData:        onlineMandate(),
	}, as)
	require.NoError(t, err)
	require.Equal(t, si.SetupIntentStatusRequiresAction, intent.Status)
	intent, err = sis.VerifyMicrodeposits(ctx, intent.ID, &si.SetupIntentVerifyMicrodepositsParams{DescriptorCode: embedfin.Ptr("SM11AA")}, as)
	require.NoError(t, err)
	return intent.PaymentMethod.ID
}

// TestTreasuryTransfersAndPayments moves money in and out through inbound
// transfers, outbound transfers and payments, in every final state.
func TestTreasuryTransfersAndPayments(t *testing.T) {
	t.Parallel()
	srv := treasuryServer(t)
	c := srv.Client()
	tr := treasury.New(c)
	_, as := connectedAccount(t, c, nil)
	fa := openFinancialAccount(t, c, as)
	pm := selfBankAccount(t, c, as)
	usd := func(cash, in, out int64) treasury.Balance {
		return treasury.Balance{Currency: "usd", Cash: cash, InboundPending: in, OutboundPending: out}
	}

	// Pull 5000 from the bank account: inbound_pending until it succeeds.
	it, err := tr.InboundTransfers.Create(ctx, &treasury.InboundTransferCreateParams{
		FinancialAccount: embedfin.Ptr(fa.ID), Amount: embedfin.Ptr(int64(5000)), Currency: embedfin.Ptr("usd"), OriginPaymentMethod: embedfin.Ptr(pm),
	}, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.InboundTransferStatusProcessing, it.Status)
	assert.Equal(t, "6789", *it.OriginPaymentMethodDetails.USBankAccount.Last4)
	assert.Equal(t, usd(0, 5000, 0), balanceOf(t, c, fa.ID, as))
	it, err = tr.TestHelpers.InboundTransfers.Succeed(ctx, it.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.InboundTransferStatusSucceeded, it.Status)
	assert.Equal(t, usd(5000, 0, 0), balanceOf(t, c, fa.ID, as))
	_, err = tr.InboundTransfers.Cancel(ctx, it.ID, nil, as)
	apiError(t, err, 400, "inbound_transfer_not_processing")

	// A second one fails, a third is canceled: nothing arrives.
	for _, end := range []string{"fail", "cancel"} {
		it2, err := tr.InboundTransfers.Create(ctx, &treasury.InboundTransferCreateParams{
			FinancialAccount: embedfin.Ptr(fa.ID), Amount: embedfin.Ptr(int64(700)), Currency: embedfin.Ptr("usd"), OriginPaymentMethod: embedfin.Ptr(pm),
		}, as)
		require.NoError(t, err)
		if end == "fail" {
			it2, err = tr.TestHelpers.InboundTransfers.Fail(ctx, it2.ID, &treasury.InboundTransferTestFailParams{
				FailureDetails: &treasury.InboundTransferFailureDetailsParams{Code: embedfin.Ptr(treasury.InboundTransferFailureDetailsCodeInsufficientFunds)},
			}, as)
			require.NoError(t, err)
			assert.Equal(t, treasury.InboundTransferFailureDetailsCodeInsufficientFunds, it2.FailureDetails.Code)
		} else {
			it2, err = tr.InboundTransfers.Cancel(ctx, it2.ID, nil, as)
			require.NoError(t, err)
		}
		assert.False(t, it2.Cancelable)
	}
	assert.Equal(t, usd(5000, 0, 0), balanceOf(t, c, fa.ID, as))

	// Send 2000 back to the bank account: outbound_pending until posted;
	// a return brings it back.
	ot, err := tr.OutboundTransfers.Create(ctx, &treasury.OutboundTransferCreateParams{
		FinancialAccount: embedfin.Ptr(fa.ID), Amount: embedfin.Ptr(int64(2000)), Currency: embedfin.Ptr("usd"), DestinationPaymentMethod: embedfin.Ptr(pm),
	}, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.OutboundStatusProcessing, ot.Status)
	assert.Equal(t, usd(3000, 0, 2000), balanceOf(t, c, fa.ID, as))
	ot, err = tr.TestHelpers.OutboundTransfers.Post(ctx, ot.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.OutboundStatusPosted, ot.Status)
	assert.NotEmpty(t, ot.TrackingDetails.ACH.TraceID)
	assert.Equal(t, usd(3000, 0, 0), balanceOf(t, c, fa.ID, as))
	ot, err = tr.TestHelpers.OutboundTransfers.Return(ctx, ot.ID, &treasury.OutboundTransferTestReturnParams{
		ReturnedDetails: &treasury.OutboundTransferReturnedDetailsParams{Code: embedfin.Ptr(treasury.ReturnedDetailsCodeAccountClosed)},
	}, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.OutboundStatusReturned, ot.Status)
	assert.Equal(t, treasury.ReturnedDetailsCodeAccountClosed, ot.ReturnedDetails.Code)
	assert.Equal(t, usd(5000, 0, 0), balanceOf(t, c, fa.ID, as))

	// Pay a third party 1000, typed-in; cancel one, fail another.
	third := &treasury.OutboundPaymentDestinationPaymentMethodDataParams{
		Type:           embedfin.Ptr(treasury.PaymentMethodTypeUSBankAccount),
		USBankAccount:  &treasury.OutboundPaymentDestinationPaymentMethodDataUSBankAccountParams{RoutingNumber: embedfin.Ptr("110000000"), AccountNumber: embedfin.Ptr("000000000009")},
		BillingDetails: &treasury.OutboundPaymentDestinationPaymentMethodDataBillingDetailsParams{Name: embedfin.Ptr("Supplier Inc")},
	}
	pay := func() *treasury.OutboundPayment {
		op, err := tr.OutboundPayments.Create(ctx, &treasury.OutboundPaymentCreateParams{
			FinancialAccount: embedfin.Ptr(fa.ID), Amount: embedfin.Ptr(int64(1000)), Currency: embedfin.Ptr("usd"), DestinationPaymentMethodData: third,
			EndUserDetails: &treasury.OutboundPaymentEndUserDetailsParams{Present: embedfin.Ptr(false)},
		}, as)
		require.NoError(t, err)
		return op
	}
	op := pay()
	assert.Equal(t, "0009", *op.DestinationPaymentMethodDetails.USBankAccount.Last4)
	assert.Equal(t, usd(4000, 0, 1000), balanceOf(t, c, fa.ID, as))
	op, err = tr.OutboundPayments.Cancel(ctx, op.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.OutboundStatusCanceled, op.Status)
	op, err = tr.TestHelpers.OutboundPayments.Fail(ctx, pay().ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.OutboundStatusFailed, op.Status)
	op, err = tr.TestHelpers.OutboundPayments.Post(ctx, pay().ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.OutboundStatusPosted, op.Status)
	assert.Equal(t, usd(4000, 0, 0), balanceOf(t, c, fa.ID, as))
	payments, err := tr.OutboundPayments.List(ctx, &treasury.OutboundPaymentListParams{FinancialAccount: embedfin.Ptr(fa.ID)}, as)
	require.NoError(t, err)
	assert.Len(t, payments.Data, 3)

	// More than the cash is refused.
	_, err = tr.OutboundTransfers.Create(ctx, &treasury.OutboundTransferCreateParams{
		FinancialAccount: embedfin.Ptr(fa.ID), Amount: embedfin.Ptr(int64(4001)), Currency: embedfin.Ptr("usd"), DestinationPaymentMethod: embedfin.Ptr(pm),
	}, as)
	apiError(t, err, 400, embedfin.ErrorCodeInsufficientFunds)

	// Between financial accounts the money moves at once.
	other := openFinancialAccount(t, c, as)
	ot, err = tr.OutboundTransfers.Create(ctx, &treasury.OutboundTransferCreateParams{
		FinancialAccount: embedfin.Ptr(fa.ID), Amount: embedfin.Ptr(int64(1500)), Currency: embedfin.Ptr("usd"),
		DestinationPaymentMethodData: &treasury.OutboundTransferDestinationPaymentMethodDataParams{
			Type: embedfin.Ptr(treasury.OutboundTransferDestinationPaymentMethodDataTypeFinancialAccount), FinancialAccount: embedfin.Ptr(other.ID),
		},
	}, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.OutboundStatusPosted, ot.Status)
	assert.Equal(t, usd(2500, 0, 0), balanceOf(t, c, fa.ID, as))
	assert.Equal(t, usd(1500, 0, 0), balanceOf(t, c, other.ID, as))
	credits, err := tr.ReceivedCredits.List(ctx, &treasury.ReceivedCreditListParams{FinancialAccount: embedfin.Ptr(other.ID)}, as)
	require.NoError(t, err)
	require.Len(t, credits.Data, 1)
	assert.Equal(t, treasury.ReceivedCreditNetworkStripe, credits.Data[0].Network)
	assert.Equal(t, ot.ID, *credits.Data[0].LinkedFlows.SourceFlow)

	// Every movement is a transaction of the account, newest first.
	n := 0
	for txn, err := range tr.Transactions.All(ctx, &treasury.TransactionListParams{FinancialAccount: embedfin.Ptr(fa.ID)}, as) {
		require.NoError(t, err)
		n++
		assert.NotEqual(t, treasury.TransactionStatusOpen, txn.Status, "%s %s", txn.FlowType, txn.ID)
	}
	assert.Equal(t, 9, n, "3 inbound transfers, 1 outbound transfer and its return, 3 payments, 1 intra-Stripe transfer")

	// Only a verified, self-attached bank account can be used.
	unverified, err := si.New(c).SetupIntents.Create(ctx, &si.SetupIntentCreateParams{
		AttachToSelf: embedfin.Ptr(true), PaymentMethodTypes: []string{"us_bank_account"}, PaymentMethodData: bankAccountData(), Confirm: embedfin.Ptr(true),
	}, as)
	require.NoError(t, err)
	_, err = tr.InboundTransfers.Create(ctx, &treasury.InboundTransferCreateParams{
		FinancialAccount: embedfin.Ptr(fa.ID), Amount: embedfin.Ptr(int64(1)), Currency: embedfin.Ptr("usd"), OriginPaymentMethod: embedfin.Ptr(unverified.PaymentMethod.ID),
	}, as)
	assert.Equal(t, "origin_payment_method", apiError(t, err, 400, "payment_method_unverified").Param)
}
