package stripetest_test

import (
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/events"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	si "github.com/embedfin/embedfin-go/setupintents"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// linkFrom opens a session for a new customer with every data permission
// (and payment_method) and completes it from the institution.
func linkFrom(t *testing.T, srv *stripetest.Server, p *stripetest.CompleteSessionParams) []*fc.Account {
	t.Helper()
	c := srv.Client()
	cust, err := customers.New(c).Customers.Create(ctx, &customers.CustomerCreateParams{
		Name: embedfin.Ptr("Jenny Rosen"), Email: embedfin.Ptr("jenny.rosen@example.com"),
	})
	require.NoError(t, err)
	sess, err := fc.New(c).Sessions.Create(ctx, &fc.SessionCreateParams{
		AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
		Permissions:   []fc.Permission{fc.PermissionBalances, fc.PermissionOwnership, fc.PermissionTransactions, fc.PermissionPaymentMethod},
	})
	require.NoError(t, err)
	accts, err := stripetest.CompleteSession(ctx, c, sess.ID, p)
	require.NoError(t, err)
	return accts
}

func institution(i stripetest.Institution) *stripetest.CompleteSessionParams {
	return &stripetest.CompleteSessionParams{Institution: &i}
}

// refresh runs one refresh of feature and waits for its end.
func refresh(t *testing.T, c *embedfin.Client, id string, feature fc.AccountFeature) *fc.Account {
	t.Helper()
	_, err := fc.New(c).Accounts.Refresh(ctx, id, &fc.AccountRefreshParams{Features: []fc.AccountFeature{feature}})
	require.NoError(t, err)
	a, err := fc.New(c).Accounts.WaitForRefresh(ctx, id, feature, fastWait)
	if err != nil {
		var failed *fc.RefreshFailedError
		require.ErrorAs(t, err, &failed)
		a, err = fc.New(c).Accounts.Retrieve(ctx, id, nil)
		require.NoError(t, err)
	}
	return a
}

func TestInstitutionsLinkTheirAccounts(t *testing.T) {
	t.Parallel()
	srv := newServer(t, stripetest.WithRefreshDelay(0))
	names := map[stripetest.Institution][]string{
		stripetest.InstitutionTest:                {"Checking", "Savings"},
		stripetest.InstitutionTestOAuth:           {"Checking", "Savings"},
		stripetest.InstitutionOwnership:           {"Individual Checking", "Joint Checking", "Other Owner Checking", "No Ownership Data"},
		stripetest.InstitutionInvalidPayment:      {"Checking (no ACH)"},
		stripetest.InstitutionDownScheduled:       {"Checking"},
		stripetest.InstitutionDownUnscheduled:     {"Checking"},
		stripetest.InstitutionDownError:           {"Checking"},
		stripetest.InstitutionInactiveAccount:     {"Closed Checking"},
		stripetest.InstitutionDisconnectedAccount: {"Revoked Checking"},
	}
	require.Len(t, stripetest.Institutions(), len(names))
	for _, in := range stripetest.Institutions() {
		accts := linkFrom(t, srv, institution(in))
		var got []string
		for _, a := range accts {
			got = append(got, *a.DisplayName)
			assert.Equal(t, fc.AccountStatusActive, a.Status, in)
		}
		assert.Equal(t, names[in], got, in)
	}
	assert.Equal(t, "Down Bank (Scheduled)", linkFrom(t, srv, institution(stripetest.InstitutionDownScheduled))[0].InstitutionName)

	// Without an institution: the default bank; described accounts
	// override the institution's, as many as described.
	accts := linkFrom(t, srv, nil)
	require.Len(t, accts, 1)
	assert.Equal(t, "Test Bank", accts[0].InstitutionName)
	accts = linkFrom(t, srv, &stripetest.CompleteSessionParams{
		Institution: embedfin.Ptr(stripetest.InstitutionTest),
		Accounts:    []*stripetest.LinkedAccountParams{{DisplayName: embedfin.Ptr("Mine")}, nil, {Last4: embedfin.Ptr("9999")}},
	})
	require.Len(t, accts, 3)
	assert.Equal(t, "Mine", *accts[0].DisplayName)
	assert.Equal(t, "Savings", *accts[1].DisplayName)
	assert.Equal(t, "Checking", *accts[2].DisplayName)
	assert.Equal(t, "9999", *accts[2].Last4)

	c := srv.Client()
	sess, err := fc.New(c).Sessions.Create(ctx, &fc.SessionCreateParams{
		AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(accts[0].AccountHolder.Customer.ID)},
		Permissions:   []fc.Permission{fc.PermissionBalances},
	})
	require.NoError(t, err)
	_, err = stripetest.CompleteSession(ctx, c, sess.ID, institution("first_platypus_bank"))
	ae := apiError(t, err, 400, "parameter_invalid")
	assert.Equal(t, "institution", ae.Param)
	_, err = stripetest.CompleteSession(ctx, c, "", nil)
	require.Error(t, err, "an empty ID fails before any request")
}

func TestInstitutionOwnershipAccounts(t *testing.T) {
	t.Parallel()
	srv := newServer(t, stripetest.WithRefreshDelay(0))
	c := srv.Client()
	accts := linkFrom(t, srv, institution(stripetest.InstitutionOwnership))
	owners := func(a *fc.Account) []string {
		t.Helper()
		var out []string
		for o, err := range fc.New(c).Accounts.AllOwners(ctx, a.ID, &fc.AccountListOwnersParams{Ownership: embedfin.Ptr(a.Ownership.ID)}) {
			require.NoError(t, err)
			out = append(out, o.Name)
		}
		return out
	}
	for i, want := range [][]string{{"Jenny Rosen"}, {"Jenny Rosen", "Jordan Rosen"}, {"Taylor Brooks"}} {
		a := refresh(t, c, accts[i].ID, fc.AccountFeatureOwnership)
		require.Equal(t, fc.RefreshStatusSucceeded, a.OwnershipRefresh.Status)
		assert.ElementsMatch(t, want, owners(a), *a.DisplayName)
	}
	a := refresh(t, c, accts[3].ID, fc.AccountFeatureOwnership)
	assert.Equal(t, fc.RefreshStatusFailed, a.OwnershipRefresh.Status, "no ownership data")
	assert.Nil(t, a.Ownership)
	a = refresh(t, c, accts[3].ID, fc.AccountFeatureBalance)
	assert.Equal(t, fc.RefreshStatusSucceeded, a.BalanceRefresh.Status, "its other data refreshes")
}

func TestInstitutionInvalidPaymentAccounts(t *testing.T) {
	t.Parallel()
	srv := newServer(t, stripetest.WithRefreshDelay(0))
	a := linkFrom(t, srv, institution(stripetest.InstitutionInvalidPayment))[0]
	assert.Empty(t, a.SupportedPaymentMethodTypes)
	_, err := si.New(srv.Client()).SetupIntents.Create(ctx, &si.SetupIntentCreateParams{
		PaymentMethodTypes: []string{"us_bank_account"},
		PaymentMethodData: &si.SetupIntentPaymentMethodDataParams{
			Type:           embedfin.Ptr(si.SetupIntentPaymentMethodDataTypeUSBankAccount),
			BillingDetails: &si.SetupIntentPaymentMethodDataBillingDetailsParams{Name: embedfin.Ptr("Jenny Rosen")},
			USBankAccount:  &si.SetupIntentPaymentMethodDataUSBankAccountParams{FinancialConnectionsAccount: embedfin.Ptr(a.ID)},
		},
	})
	ae := apiError(t, err, 400, "financial_connections_account_unavailable_account_numbers")
	assert.Equal(t, "payment_method_data[us_bank_account][financial_connections_account]", ae.Param)
	assert.Equal(t, fc.RefreshStatusSucceeded, refresh(t, srv.Client(), a.ID, fc.AccountFeatureBalance).BalanceRefresh.Status)
}

func TestInstitutionDownBanks(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	srv := newServer(t, stripetest.WithRefreshDelay(0), stripetest.WithClock(clock.now))
	c := srv.Client()

	// Scheduled: down for an hour after linking, said so in
	// next_refresh_available_at, then up.
	linked := clock.now()
	sched := linkFrom(t, srv, institution(stripetest.InstitutionDownScheduled))[0]
	a := refresh(t, c, sched.ID, fc.AccountFeatureBalance)
	assert.Equal(t, fc.RefreshStatusFailed, a.BalanceRefresh.Status)
	assert.Equal(t, linked.Add(time.Hour).Unix(), *a.BalanceRefresh.NextRefreshAvailableAt)
	assert.Nil(t, a.Balance)
	clock.advance(time.Hour)
	a = refresh(t, c, sched.ID, fc.AccountFeatureBalance)
	assert.Equal(t, fc.RefreshStatusSucceeded, a.BalanceRefresh.Status)
	assert.NotNil(t, a.Balance)

	// Unscheduled: down, with nothing better than a normal retry time.
	down := linkFrom(t, srv, institution(stripetest.InstitutionDownUnscheduled))[0]
	for range 2 {
		a = refresh(t, c, down.ID, fc.AccountFeatureTransactions)
		assert.Equal(t, fc.RefreshStatusFailed, a.TransactionRefresh.Status)
		assert.Equal(t, clock.now().Unix()+1, *a.TransactionRefresh.NextRefreshAvailableAt)
	}
	assert.Equal(t, fc.AccountStatusActive, a.Status)

	// Error: failures and successes in turn, the first failing.
	flaky := linkFrom(t, srv, institution(stripetest.InstitutionDownError))[0]
	var got []fc.RefreshStatus
	for range 4 {
		got = append(got, refresh(t, c, flaky.ID, fc.AccountFeatureBalance).BalanceRefresh.Status)
	}
	assert.Equal(t, []fc.RefreshStatus{"failed", "succeeded", "failed", "succeeded"}, got)
}

func TestInstitutionInactiveAndDisconnectedAccounts(t *testing.T) {
	t.Parallel()
	srv := newServer(t, stripetest.WithRefreshDelay(0))
	c := srv.Client()
	for in, want := range map[stripetest.Institution]struct {
		status fc.AccountStatus
		event  events.EventType
	}{
		stripetest.InstitutionInactiveAccount:     {fc.AccountStatusInactive, events.EventTypeFinancialConnectionsAccountDeactivated},
		stripetest.InstitutionDisconnectedAccount: {fc.AccountStatusDisconnected, events.EventTypeFinancialConnectionsAccountDisconnected},
	} {
		a := linkFrom(t, srv, institution(in))[0]
		_, err := fc.New(c).Accounts.Subscribe(ctx, a.ID, &fc.AccountSubscribeParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}})
		require.NoError(t, err)
		// The refresh the subscription started fails and closes the
		// account: waiting says so.
		_, err = fc.New(c).Accounts.WaitForRefresh(ctx, a.ID, fc.AccountFeatureTransactions, fastWait)
		require.ErrorIs(t, err, fc.ErrAccountNotActive, in)
		got, err := fc.New(c).Accounts.Retrieve(ctx, a.ID, nil)
		require.NoError(t, err)
		assert.Equal(t, fc.RefreshStatusFailed, got.TransactionRefresh.Status, in)
		assert.Equal(t, want.status, got.Status, in)
		assert.Empty(t, got.Subscriptions, in)
		list, err := events.New(c).Events.List(ctx, &events.EventListParams{Type: embedfin.Ptr(want.event)})
		require.NoError(t, err)
		require.NotEmpty(t, list.Data, in)

		_, err = fc.New(c).Accounts.Refresh(ctx, a.ID, &fc.AccountRefreshParams{Features: []fc.AccountFeature{fc.AccountFeatureBalance}})
		apiError(t, err, 400, "account_not_active")
	}
}
