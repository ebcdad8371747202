package stripetest_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/issuing"
	"github.com/embedfin/embedfin-go/treasury"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newCardholder creates an individual cardholder with the guide's details.
func newCardholder(t *testing.T, c *embedfin.Client, as ...embedfin.RequestOption) *issuing.Cardholder {
	t.Helper()
	ch, err := issuing.New(c).Cardholders.Create(ctx, &issuing.CardholderCreateParams{
		Name:        embedfin.Ptr("Jenny Rosen"),
		Email:       embedfin.Ptr("jenny.rosen@example.com"),
		PhoneNumber: embedfin.Ptr("+18888675309"),
		Type:        embedfin.Ptr(issuing.CardholderTypeIndividual),
		Billing: &issuing.CardholderBillingParams{Address: &embedfin.AddressParams{
			Line1: embedfin.Ptr("1234 Main Street"), City: embedfin.Ptr("San Francisco"), State: embedfin.Ptr("CA"),
			PostalCode: embedfin.Ptr("94111"), Country: embedfin.Ptr("US"),
		}},
	}, as...)
	require.NoError(t, err)
	return ch
}

// newCard issues an active virtual usd card, linked to faID unless empty.
func newCard(t *testing.T, c *embedfin.Client, cardholder, faID string, controls *issuing.CardSpendingControlsParams, as ...embedfin.RequestOption) *issuing.Card {
	t.Helper()
	p := &issuing.CardCreateParams{
		Cardholder: embedfin.Ptr(cardholder), Currency: embedfin.Ptr("usd"), Type: embedfin.Ptr(issuing.CardTypeVirtual),
		Status: embedfin.Ptr(issuing.CardStatusActive), SpendingControls: controls,
	}
	if faID != "" {
		p.FinancialAccount = embedfin.Ptr(faID)
	}
	card, err := issuing.New(c).Cards.Create(ctx, p, as...)
	require.NoError(t, err)
	return card
}

// authorize simulates a purchase with the guide's merchant.
func authorize(t *testing.T, c *embedfin.Client, cardID string, amount int64, as ...embedfin.RequestOption) *issuing.Authorization {
	t.Helper()
	auth, err := issuing.New(c).TestHelpers.Authorizations.Create(ctx, &issuing.AuthorizationTestCreateParams{
		Card:                embedfin.Ptr(cardID),
		Amount:              embedfin.Ptr(amount),
		AuthorizationMethod: embedfin.Ptr(issuing.AuthorizationAuthorizationMethodChip),
		MerchantData: &issuing.AuthorizationMerchantDataParams{
			Category: embedfin.Ptr(issuing.MerchantCategoryTaxicabsLimousines),
			City:     embedfin.Ptr("San Francisco"), Country: embedfin.Ptr("US"), Name: embedfin.Ptr("Rocket Rides"),
			NetworkID: embedfin.Ptr("1234567890"), PostalCode: embedfin.Ptr("94107"), State: embedfin.Ptr("CA"),
		},
	}, as...)
	require.NoError(t, err)
	return auth
}

// balanceOf fetches a financial account's usd balance.
func balanceOf(t *testing.T, c *embedfin.Client, faID string, as ...embedfin.RequestOption) treasury.Balance {
	t.Helper()
	fa, err := treasury.New(c).FinancialAccounts.Retrieve(ctx, faID, nil, as...)
	require.NoError(t, err)
	return fa.BalanceIn("usd")
}

// TestSeedEmbeddedFinanceFlow runs the guide end to end: connected
// account, financial account with features, funds, cardholder, card,
// authorization, capture, with the guide's balances.
func TestSeedEmbeddedFinanceFlow(t *testing.T) {
	t.Parallel()
	srv := treasuryServer(t)
	c := srv.Client()
	tr, is := treasury.New(c), issuing.New(c)

	acct, as := connectedAccount(t, c, nil)
	fa := openFinancialAccount(t, c, as)
	receiveCredit(t, c, as, fa.ID, 20000)
	assert.Equal(t, treasury.Balance{Currency: "usd", Cash: 20000}, balanceOf(t, c, fa.ID, as))

	ch := newCardholder(t, c, as)
	assert.Equal(t, issuing.CardholderStatusActive, ch.Status)
	card := newCard(t, c, ch.ID, fa.ID, nil, as)
	assert.Equal(t, fa.ID, *card.FinancialAccount)
	assert.Equal(t, "Visa", card.Brand)
	assert.Equal(t, issuing.CardStatusActive, card.Status)
	assert.Equal(t, ch.ID, card.Cardholder.ID)
	assert.Len(t, card.Last4, 4)
	assert.Nil(t, card.Number)

	// A 1000 authorization holds the amount: cash 19000, outbound_pending 1000.
	auth := authorize(t, c, card.ID, 1000, as)
	assert.True(t, auth.Approved)
	assert.Equal(t, issuing.AuthorizationStatusPending, auth.Status)
	assert.Equal(t, int64(1000), auth.Amount)
	assert.Equal(t, "usd", auth.Currency)
	assert.Equal(t, "Rocket Rides", *auth.MerchantData.Name)
	assert.Equal(t, "4121", auth.MerchantData.CategoryCode)
	assert.Empty(t, auth.Transactions)
	require.Len(t, auth.RequestHistory, 1)
	assert.True(t, auth.RequestHistory[0].Approved)
	assert.Equal(t, treasury.Balance{Currency: "usd", Cash: 19000, OutboundPending: 1000}, balanceOf(t, c, fa.ID, as))
	require.NotNil(t, auth.Treasury.Transaction)
	hold, err := tr.Transactions.Retrieve(ctx, *auth.Treasury.Transaction, nil, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.FlowTypeIssuingAuthorization, hold.FlowType)
	assert.Equal(t, treasury.TransactionStatusOpen, hold.Status)
	assert.Equal(t, auth.ID, *hold.Flow)
	assert.Equal(t, &treasury.BalanceImpact{Cash: -1000, OutboundPending: 1000}, hold.BalanceImpact)

	// Capture: cash stays at 19000, outbound_pending back to 0.
	captured, err := is.TestHelpers.Authorizations.Capture(ctx, auth.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, issuing.AuthorizationStatusClosed, captured.Status)
	require.Len(t, captured.Transactions, 1)
	assert.Equal(t, treasury.Balance{Currency: "usd", Cash: 19000}, balanceOf(t, c, fa.ID, as))
	posted, err := tr.Transactions.Retrieve(ctx, hold.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.TransactionStatusPosted, posted.Status)
	assert.Equal(t, int64(-1000), posted.Amount)
	assert.Equal(t, &treasury.BalanceImpact{Cash: -1000}, posted.BalanceImpact)

	txns, err := is.Transactions.List(ctx, &issuing.TransactionListParams{Card: embedfin.Ptr(card.ID)}, as)
	require.NoError(t, err)
	require.Len(t, txns.Data, 1)
	itx := txns.Data[0]
	assert.Equal(t, issuing.TransactionTypeCapture, itx.Type)
	assert.Equal(t, int64(-1000), itx.Amount, "spending is negative, as Stripe records it")
	assert.Equal(t, auth.ID, itx.Authorization.ID)
	assert.Equal(t, card.ID, itx.Card.ID)
	assert.Equal(t, ch.ID, itx.Cardholder.ID)
	assert.Equal(t, "usd", itx.Currency)
	assert.Equal(t, "Rocket Rides", *itx.MerchantData.Name)
	assert.Equal(t, captured.Transactions[0].ID, itx.ID)
	// The guide: the capture shows up in Treasury as a ReceivedDebit.
	require.NotNil(t, itx.Treasury)
	rd, err := tr.ReceivedDebits.Retrieve(ctx, *itx.Treasury.ReceivedDebit, nil, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.ReceivedDebitNetworkCard, rd.Network)
	assert.Equal(t, int64(1000), rd.Amount)
	assert.Equal(t, itx.ID, *rd.LinkedFlows.IssuingTransaction)

	// Over the available cash: declined, balances unchanged.
	declined := authorize(t, c, card.ID, 19001, as)
	assert.False(t, declined.Approved)
	assert.Equal(t, issuing.AuthorizationStatusClosed, declined.Status)
	require.Len(t, declined.RequestHistory, 1)
	assert.Equal(t, issuing.AuthorizationRequestHistoryReasonInsufficientFunds, declined.RequestHistory[0].Reason)
	assert.Nil(t, declined.Treasury.Transaction)
	assert.Equal(t, treasury.Balance{Currency: "usd", Cash: 19000}, balanceOf(t, c, fa.ID, as))
	_, err = is.TestHelpers.Authorizations.Capture(ctx, declined.ID, nil, as)
	apiError(t, err, 400, "authorization_not_pending")

	// Exactly the cash is fine.
	all := authorize(t, c, card.ID, 19000, as)
	assert.True(t, all.Approved)
	assert.Equal(t, treasury.Balance{Currency: "usd", OutboundPending: 19000}, balanceOf(t, c, fa.ID, as))

	// Everything belongs to the connected account: 404 from the platform.
	for name, get := range map[string]func() error{
		"financial account": func() error { _, err := tr.FinancialAccounts.Retrieve(ctx, fa.ID, nil); return err },
		"cardholder":        func() error { _, err := is.Cardholders.Retrieve(ctx, ch.ID, nil); return err },
		"card":              func() error { _, err := is.Cards.Retrieve(ctx, card.ID, nil); return err },
		"authorization":     func() error { _, err := is.Authorizations.Retrieve(ctx, auth.ID, nil); return err },
		"transaction":       func() error { _, err := is.Transactions.Retrieve(ctx, itx.ID, nil); return err },
		"treasury txn":      func() error { _, err := tr.Transactions.Retrieve(ctx, hold.ID, nil); return err },
		"capture":           func() error { _, err := is.TestHelpers.Authorizations.Capture(ctx, all.ID, nil); return err },
	} {
		assert.True(t, embedfin.IsNotFound(get()), name)
	}
	_, err = is.TestHelpers.Authorizations.Create(ctx, &issuing.AuthorizationTestCreateParams{Card: embedfin.Ptr(card.ID), Amount: embedfin.Ptr(int64(1))})
	assert.Equal(t, "card", apiError(t, err, 404, embedfin.ErrorCodeResourceMissing).Param)

	// The connected account's events tell the story, in order.
	var types []events.EventType
	for ev, err := range events.New(c).Events.All(ctx, nil, as) {
		require.NoError(t, err)
		assert.Equal(t, acct.ID, *ev.Account)
		types = append([]events.EventType{ev.Type}, types...)
	}
	for _, want := range []events.EventType{
		events.EventTypeTreasuryFinancialAccountCreated,
		events.EventTypeTreasuryFinancialAccountFeaturesStatusUpdated,
		events.EventTypeTreasuryReceivedCreditCreated,
		events.EventTypeTreasuryReceivedCreditSucceeded,
		events.EventTypeIssuingCardholderCreated,
		events.EventTypeIssuingCardCreated,
		events.EventTypeIssuingAuthorizationCreated,
		events.EventTypeTreasuryReceivedDebitCreated,
		events.EventTypeIssuingTransactionCreated,
		events.EventTypeIssuingAuthorizationUpdated,
	} {
		assert.Contains(t, types, want)
	}
	assert.Less(t, indexOf(types, events.EventTypeIssuingAuthorizationCreated), indexOf(types, events.EventTypeIssuingTransactionCreated))
	updated, err := events.New(c).Events.List(ctx, &events.EventListParams{Type: embedfin.Ptr(events.EventTypeIssuingAuthorizationUpdated)}, as)
	require.NoError(t, err)
	require.Len(t, updated.Data, 1)
	var prev map[string]any
	require.NoError(t, json.Unmarshal(updated.Data[0].Data.PreviousAttributes, &prev))
	assert.Equal(t, "pending", prev["status"])
	platform, err := events.New(c).Events.List(ctx, &events.EventListParams{Type: embedfin.Ptr(events.EventType("issuing_*"))})
	require.NoError(t, err)
	assert.Empty(t, platform.Data, "nothing about the connected account's cards on the platform")
}

// indexOf is the position of v in s, or -1.
func indexOf[T comparable](s []T, v T) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// TestIssuingAuthorizationLifecycle reverses, increments, finalizes,
// captures, expires and declines authorizations, checking the holds.
func TestIssuingAuthorizationLifecycle(t *testing.T) {
	t.Parallel()
	srv := treasuryServer(t)
	c := srv.Client()
	th := issuing.New(c).TestHelpers.Authorizations
	_, as := connectedAccount(t, c, nil)
	fa := openFinancialAccount(t, c, as)
	receiveCredit(t, c, as, fa.ID, 10000)
	card := newCard(t, c, newCardholder(t, c, as).ID, fa.ID, nil, as)

	// Partial then full reversal returns the hold to cash.
	auth := authorize(t, c, card.ID, 3000, as)
	auth, err := th.Reverse(ctx, auth.ID, &issuing.AuthorizationTestReverseParams{ReverseAmount: embedfin.Ptr(int64(1000))}, as)
	require.NoError(t, err)
	assert.Equal(t, issuing.AuthorizationStatusPending, auth.Status)
	assert.Equal(t, int64(2000), auth.Amount)
	assert.Equal(t, treasury.Balance{Currency: "usd", Cash: 8000, OutboundPending: 2000}, balanceOf(t, c, fa.ID, as))
	_, err = th.Reverse(ctx, auth.ID, &issuing.AuthorizationTestReverseParams{ReverseAmount: embedfin.Ptr(int64(5000))}, as)
	assert.Equal(t, "reverse_amount", apiError(t, err, 400, "parameter_invalid_integer").Param)
	auth, err = th.Reverse(ctx, auth.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, issuing.AuthorizationStatusReversed, auth.Status)
	assert.Equal(t, treasury.Balance{Currency: "usd", Cash: 10000}, balanceOf(t, c, fa.ID, as))
	txn, err := treasury.New(c).Transactions.Retrieve(ctx, *auth.Treasury.Transaction, nil, as)
	require.NoError(t, err)
	assert.Equal(t, treasury.TransactionStatusVoid, txn.Status)

	// Increments hold more while the cash lasts; a declined one changes nothing.
	auth = authorize(t, c, card.ID, 4000, as)
	auth, err = th.Increment(ctx, auth.ID, &issuing.AuthorizationTestIncrementParams{IncrementAmount: embedfin.Ptr(int64(1000))}, as)
	require.NoError(t, err)
	assert.Equal(t, int64(5000), auth.Amount)
	auth, err = th.Increment(ctx, auth.ID, &issuing.AuthorizationTestIncrementParams{IncrementAmount: embedfin.Ptr(int64(6000))}, as)
	require.NoError(t, err)
	assert.Equal(t, int64(5000), auth.Amount)
	require.Len(t, auth.RequestHistory, 3)
	assert.False(t, auth.RequestHistory[2].Approved)
	assert.Equal(t, issuing.AuthorizationRequestHistoryReasonInsufficientFunds, auth.RequestHistory[2].Reason)
	assert.Equal(t, treasury.Balance{Currency: "usd", Cash: 5000, OutboundPending: 5000}, balanceOf(t, c, fa.ID, as))

	// Finalizing a lower amount releases the difference; capturing less
	// than the hold releases the rest.
	auth, err = th.FinalizeAmount(ctx, auth.ID, &issuing.AuthorizationTestFinalizeAmountParams{FinalAmount: embedfin.Ptr(int64(4500))}, as)
	require.NoError(t, err)
	assert.Equal(t, int64(4500), auth.Amount)
	assert.Equal(t, treasury.Balance{Currency: "usd", Cash: 5500, OutboundPending: 4500}, balanceOf(t, c, fa.ID, as))
	auth, err = th.Capture(ctx, auth.ID, &issuing.AuthorizationTestCaptureParams{CaptureAmount: embedfin.Ptr(int64(4000))}, as)
	require.NoError(t, err)
	assert.Equal(t, issuing.AuthorizationStatusClosed, auth.Status)
	assert.Equal(t, treasury.Balance{Currency: "usd", Cash: 6000}, balanceOf(t, c, fa.ID, as))
	assert.Equal(t, int64(-4000), auth.Transactions[0].Amount)

	// Expiring releases the hold.
	auth = authorize(t, c, card.ID, 2500, as)
	auth, err = th.Expire(ctx, auth.ID, nil, as)
	require.NoError(t, err)
	assert.Equal(t, issuing.AuthorizationStatusExpired, auth.Status)
	assert.Equal(t, treasury.Balance{Currency: "usd", Cash: 6000}, balanceOf(t, c, fa.ID, as))
	_, err = th.Expire(ctx, auth.ID, nil, as)
	apiError(t, err, 400, "authorization_not_pending")

	// Declining a pending authorization releases it too; metadata updates
	// are events.
	is := issuing.New(c)
	auth = authorize(t, c, card.ID, 700, as)
	auth, err = is.Authorizations.Decline(ctx, auth.ID, &issuing.AuthorizationDeclineParams{Metadata: map[string]string{"why": "fraud"}}, as)
	require.NoError(t, err)
	assert.False(t, auth.Approved)
	assert.Equal(t, issuing.AuthorizationStatusClosed, auth.Status)
	assert.Equal(t, "fraud", auth.Metadata["why"])
	assert.Equal(t, treasury.Balance{Currency: "usd", Cash: 6000}, balanceOf(t, c, fa.ID, as))
	auth, err = is.Authorizations.Update(ctx, auth.ID, &issuing.AuthorizationUpdateParams{Metadata: map[string]string{"order": "42"}}, as)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"why": "fraud", "order": "42"}, auth.Metadata)

	closedAuths, err := is.Authorizations.List(ctx, &issuing.AuthorizationListParams{Card: embedfin.Ptr(card.ID), Status: embedfin.Ptr(issuing.AuthorizationStatusClosed)}, as)
	require.NoError(t, err)
	assert.Len(t, closedAuths.Data, 2)

	// An inactive card declines; a canceled one stays canceled.
	card, err = is.Cards.Update(ctx, card.ID, &issuing.CardUpdateParams{Status: embedfin.Ptr(issuing.CardStatusInactive)}, as)
	require.NoError(t, err)
	auth = authorize(t, c, card.ID, 100, as)
	assert.False(t, auth.Approved)
	assert.Equal(t, issuing.AuthorizationRequestHistoryReasonCardInactive, auth.RequestHistory[0].Reason)
	card, err = is.Cards.Update(ctx, card.ID, &issuing.CardUpdateParams{CancellationReason: embedfin.Ptr(issuing.CardCancellationReasonLost)}, as)
	require.NoError(t, err)
	assert.Equal(t, issuing.CardStatusCanceled, card.Status)
	_, err = is.Cards.Update(ctx, card.ID, &issuing.CardUpdateParams{Status: embedfin.Ptr(issuing.CardStatusActive)}, as)
	apiError(t, err, 400, "")
}

// TestIssuingSpendingLimitsWithoutFinancialAccount checks that cards without
// a financial account are approved up to their spending controls.
func TestIssuingSpendingLimitsWithoutFinancialAccount(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client()
	is := issuing.New(c)
	ch := newCardholder(t, c)

	unlimited := newCard(t, c, ch.ID, "", nil)
	assert.True(t, authorize(t, c, unlimited.ID, 1_000_000).Approved, "no financial account and no limit: approved")

	limited := newCard(t, c, ch.ID, "", &issuing.CardSpendingControlsParams{SpendingLimits: []*issuing.CardSpendingControlsSpendingLimitParams{
		{Amount: embedfin.Ptr(int64(5000)), Interval: embedfin.Ptr(issuing.SpendingControlsSpendingLimitIntervalDaily)},
		{Amount: embedfin.Ptr(int64(3000)), Interval: embedfin.Ptr(issuing.SpendingControlsSpendingLimitIntervalPerAuthorization)},
	}})
	require.Len(t, limited.SpendingControls.SpendingLimits, 2)
	assert.Equal(t, "usd", *limited.SpendingControls.SpendingLimitsCurrency)
	assert.True(t, authorize(t, c, limited.ID, 3000).Approved)
	over := authorize(t, c, limited.ID, 3001)
	assert.False(t, over.Approved, "per authorization limit")
	assert.Equal(t, issuing.AuthorizationRequestHistoryReasonSpendingControls, over.RequestHistory[0].Reason)
	assert.True(t, authorize(t, c, limited.ID, 2000).Approved)
	assert.False(t, authorize(t, c, limited.ID, 1).Approved, "daily limit reached")

	blocked := newCard(t, c, ch.ID, "", &issuing.CardSpendingControlsParams{BlockedCategories: []issuing.MerchantCategory{"taxicabs_limousines"}})
	assert.False(t, authorize(t, c, blocked.ID, 100).Approved)

	// Capturing without a financial account still records the transaction.
	auth := authorize(t, c, unlimited.ID, 1234)
	_, err := is.TestHelpers.Authorizations.Capture(ctx, auth.ID, nil)
	require.NoError(t, err)
	txns, err := is.Transactions.List(ctx, &issuing.TransactionListParams{Cardholder: embedfin.Ptr(ch.ID), Type: embedfin.Ptr(issuing.TransactionTypeCapture)})
	require.NoError(t, err)
	require.Len(t, txns.Data, 1)
	assert.Equal(t, int64(-1234), txns.Data[0].Amount)
	assert.Nil(t, txns.Data[0].Treasury)
	itx, err := is.Transactions.Update(ctx, txns.Data[0].ID, &issuing.TransactionUpdateParams{Metadata: map[string]string{"receipt": "r1"}})
	require.NoError(t, err)
	assert.Equal(t, "r1", itx.Metadata["receipt"])

	cards, err := is.Cards.List(ctx, &issuing.CardListParams{Cardholder: embedfin.Ptr(ch.ID), Type: embedfin.Ptr(issuing.CardTypeVirtual)})
	require.NoError(t, err)
	assert.Len(t, cards.Data, 3)
}

// TestIssuingValidation checks the 400s and 404s of the Issuing endpoints
// and the card details shown only when expanded.
func TestIssuingValidation(t *testing.T) {
	t.Parallel()
	srv := treasuryServer(t)
	c := srv.Client()
	is := issuing.New(c)
	_, as := connectedAccount(t, c, nil)

	for _, tc := range []struct {
		path   string
		params url.Values
		param  string
	}{
		{"/v1/issuing/cardholders", url.Values{"billing[address][line1]": {"1 Main"}, "billing[address][city]": {"SF"}, "billing[address][postal_code]": {"94111"}, "billing[address][country]": {"US"}}, "name"},
		{"/v1/issuing/cardholders", url.Values{"name": {"Jenny"}}, "billing"},
		{"/v1/issuing/cardholders", url.Values{"name": {"Jenny"}, "billing[address][line1]": {"1 Main"}}, "billing[address][city]"},
		{"/v1/issuing/cards", url.Values{"currency": {"usd"}, "type": {"virtual"}}, "cardholder"},
		{"/v1/issuing/cards", url.Values{"cardholder": {"ich_x"}, "currency": {"usd"}}, "type"},
		{"/v1/test_helpers/issuing/authorizations", url.Values{"amount": {"100"}}, "card"},
		{"/v1/test_helpers/issuing/authorizations", url.Values{"card": {"ic_x"}}, "amount"},
	} {
		_, err := c.RawRequest(ctx, "POST", tc.path, tc.params, as)
		assert.Equal(t, tc.param, apiError(t, err, 400, embedfin.ErrorCodeParameterMissing).Param, "%s %v", tc.path, tc.params)
	}

	ch := newCardholder(t, c, as)
	_, err := is.Cards.Create(ctx, &issuing.CardCreateParams{Cardholder: embedfin.Ptr(ch.ID), Currency: embedfin.Ptr("usd"), Type: embedfin.Ptr(issuing.CardTypePhysical)}, as)
	assert.Equal(t, "shipping", apiError(t, err, 400, embedfin.ErrorCodeParameterMissing).Param)
	_, err = is.Cards.Create(ctx, &issuing.CardCreateParams{Cardholder: embedfin.Ptr("ich_missing"), Currency: embedfin.Ptr("usd"), Type: embedfin.Ptr(issuing.CardTypeVirtual)}, as)
	assert.Equal(t, "cardholder", apiError(t, err, 404, embedfin.ErrorCodeResourceMissing).Param)

	// A financial account funds cards only with card_issuing active.
	fa, err := treasury.New(c).FinancialAccounts.Create(ctx, &treasury.FinancialAccountCreateParams{SupportedCurrencies: []string{"usd"}}, as)
	require.NoError(t, err)
	_, err = is.Cards.Create(ctx, &issuing.CardCreateParams{Cardholder: embedfin.Ptr(ch.ID), Currency: embedfin.Ptr("usd"), Type: embedfin.Ptr(issuing.CardTypeVirtual), FinancialAccount: embedfin.Ptr(fa.ID)}, as)
	assert.Equal(t, "financial_account", apiError(t, err, 400, embedfin.ErrorCodeFeatureNotEnabled).Param)

	// Cards default to inactive; physical ones ship.
	card, err := is.Cards.Create(ctx, &issuing.CardCreateParams{
		Cardholder: embedfin.Ptr(ch.ID), Currency: embedfin.Ptr("usd"), Type: embedfin.Ptr(issuing.CardTypePhysical),
		Shipping: &issuing.CardShippingParams{Name: embedfin.Ptr("Jenny Rosen"), Address: &embedfin.AddressParams{
			Line1: embedfin.Ptr("1 Main"), City: embedfin.Ptr("SF"), PostalCode: embedfin.Ptr("94111"), Country: embedfin.Ptr("US"),
		}},
	}, as)
	require.NoError(t, err)
	assert.Equal(t, issuing.CardStatusInactive, card.Status)
	assert.Equal(t, issuing.CardShippingStatusPending, *card.Shipping.Status)

	// The full number and CVC only when expanded.
	res, err := c.RawRequest(ctx, "GET", "/v1/issuing/cards/"+card.ID, url.Values{"expand[]": {"number", "cvc"}}, as)
	require.NoError(t, err)
	var full issuing.Card
	require.NoError(t, json.Unmarshal(res.Body, &full))
	require.NotNil(t, full.Number)
	assert.Len(t, *full.Number, 16)
	assert.Equal(t, card.Last4, (*full.Number)[12:])
	assert.Len(t, *full.CVC, 3)

	ch, err = is.Cardholders.Update(ctx, ch.ID, &issuing.CardholderUpdateParams{Status: embedfin.Ptr(issuing.CardholderStatusInactive), Email: embedfin.Ptr("jr@example.com")}, as)
	require.NoError(t, err)
	assert.Equal(t, issuing.CardholderStatusInactive, ch.Status)
	list, err := is.Cardholders.List(ctx, &issuing.CardholderListParams{Email: embedfin.Ptr("jr@example.com")}, as)
	require.NoError(t, err)
	require.Len(t, list.Data, 1)
}
