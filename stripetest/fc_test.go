package stripetest_test

import (
	"context"
	"net/url"
	"sort"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go/connect"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var fastWait = &fc.WaitOptions{MinInterval: 2 * time.Millisecond, MaxInterval: 10 * time.Millisecond, Timeout: 30 * time.Second}

// linkAccount creates a customer and a session, completes it through the
// test helper and returns the linked account.
func linkAccount(t *testing.T, srv *stripetest.Server, perms []fc.Permission, prefetch []fc.SessionPrefetch, extra url.Values) (*fc.Account, *connect.Customer) {
	t.Helper()
	c := srv.Client()
	cust, err := customers.New(c).Customers.Create(ctx, &customers.CustomerCreateParams{
		Name: embedfin.Ptr("Jenny Rosen"), Email: embedfin.Ptr("jennyrosen@example.com"), Phone: embedfin.Ptr("+1 212-555-5555"),
		Address: &embedfin.AddressParams{Line1: embedfin.Ptr("354 Oyster Point Blvd"), City: embedfin.Ptr("South San Francisco"), State: embedfin.Ptr("CA"), PostalCode: embedfin.Ptr("94080"), Country: embedfin.Ptr("US")},
	})
	require.NoError(t, err)
	sess, err := fc.New(c).Sessions.Create(ctx, &fc.SessionCreateParams{
		AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
		Permissions:   perms,
		Prefetch:      prefetch,
	})
	require.NoError(t, err)
	assert.Contains(t, *sess.ClientSecret, "_secret_")
	res, err := c.RawRequest(ctx, "POST", "/v1/test_helpers/financial_connections/sessions/"+sess.ID+"/complete", extra)
	require.NoError(t, err, "%s", res)
	accts, err := fc.New(c).Accounts.List(ctx, &fc.AccountListParams{Session: embedfin.Ptr(sess.ID)})
	require.NoError(t, err)
	require.NotEmpty(t, accts.Data)
	return accts.Data[0], cust
}

func TestFinancialConnectionsRefreshAndIncrementalTransactions(t *testing.T) {
	t.Parallel()
	srv := newServer(t, stripetest.WithRefreshDelay(5*time.Millisecond))
	client := fc.New(srv.Client())
	acct, cust := linkAccount(t, srv, []fc.Permission{fc.PermissionTransactions, fc.PermissionBalances}, nil, nil)
	assert.Equal(t, fc.AccountStatusActive, acct.Status)
	assert.Equal(t, cust.ID, acct.AccountHolder.Customer.ID)
	assert.Nil(t, acct.TransactionRefresh, "no refresh before one is asked for")

	// Subscribing starts a transaction refresh, pending at first.
	sub, err := client.Accounts.Subscribe(ctx, acct.ID, &fc.AccountSubscribeParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}})
	require.NoError(t, err)
	assert.Equal(t, []fc.AccountSubscription{fc.AccountSubscriptionTransactions}, sub.Subscriptions)
	require.NotNil(t, sub.TransactionRefresh)
	assert.Equal(t, fc.RefreshStatusPending, sub.TransactionRefresh.Status)
	first := sub.TransactionRefresh.ID

	done, err := client.Accounts.WaitForRefresh(ctx, acct.ID, fc.AccountFeatureTransactions, fastWait)
	require.NoError(t, err)
	assert.Equal(t, first, done.TransactionRefresh.ID)

	stored := map[string]*fc.Transaction{}
	upsert := func(_ context.Context, tx *fc.Transaction) error { stored[tx.ID] = tx; return nil }
	res := client.Transactions.SyncTransactions(ctx, acct.ID, "", upsert)
	require.NoError(t, res.Err)
	assert.Equal(t, first, res.Cursor)
	assert.GreaterOrEqual(t, len(stored), 30, "months of history")
	statuses := map[fc.TransactionStatus]int{}
	var oldest int64 = 1 << 62
	for _, tx := range stored {
		statuses[tx.Status]++
		oldest = min(oldest, tx.TransactedAt)
		assert.Equal(t, first, tx.TransactionRefresh)
	}
	assert.Positive(t, statuses[fc.TransactionStatusPending])
	assert.Positive(t, statuses[fc.TransactionStatusPosted])
	assert.Less(t, oldest, time.Now().AddDate(0, 0, -150).Unix(), "history goes back about 180 days")

	// A later refresh adds and updates some: only those come back after the cursor.
	_, err = client.Accounts.RefreshAndWait(ctx, acct.ID, fc.AccountFeatureTransactions, fastWait)
	require.NoError(t, err)
	before := len(stored)
	pendingBefore := statuses[fc.TransactionStatusPending]
	res2 := client.Transactions.SyncTransactions(ctx, acct.ID, res.Cursor, upsert)
	require.NoError(t, res2.Err)
	assert.NotEqual(t, first, res2.Cursor, "each refresh has its own fctxnref_")
	assert.Greater(t, len(stored), before, "new transactions appeared")
	assert.GreaterOrEqual(t, res2.Upserted, len(stored)-before+pendingBefore, "pending ones were updated too")
	for _, tx := range stored {
		if tx.TransactionRefresh == res2.Cursor {
			continue
		}
		assert.NotEqual(t, fc.TransactionStatusPending, tx.Status, "no stale pending transaction left behind")
	}

	// Listing with the newest cursor returns nothing new.
	lp := &fc.TransactionListParams{Account: embedfin.Ptr(acct.ID), TransactionRefresh: &fc.TransactionTransactionRefreshParams{After: embedfin.Ptr(res2.Cursor)}}
	empty, err := client.Transactions.List(ctx, lp)
	require.NoError(t, err)
	assert.Empty(t, empty.Data)

	// Transactions are sorted newest first, filtered by transacted_at.
	cut := time.Now().AddDate(0, 0, -30).Unix()
	ranged := &fc.TransactionListParams{Account: embedfin.Ptr(acct.ID), TransactedAtRange: &embedfin.RangeQueryParams{GreaterThanOrEqual: embedfin.Ptr(cut)}}
	var times []int64
	for tx, err := range client.Transactions.All(ctx, ranged) {
		require.NoError(t, err)
		assert.GreaterOrEqual(t, tx.TransactedAt, cut)
		times = append(times, tx.TransactedAt)
	}
	assert.True(t, sort.SliceIsSorted(times, func(i, j int) bool { return times[i] > times[j] }))

	// Balances come with their own refresh.
	bal, err := client.Accounts.RefreshAndWait(ctx, acct.ID, fc.AccountFeatureBalance, fastWait)
	require.NoError(t, err)
	require.NotNil(t, bal.Balance)
	assert.Equal(t, fc.AccountBalanceTypeCash, bal.Balance.Type)
	assert.NotZero(t, bal.Balance.Current["usd"])
}

func TestFinancialConnectionsFailedRefreshAndPermissions(t *testing.T) {
	t.Parallel()
	srv := newServer(t, stripetest.WithRefreshDelay(time.Millisecond), stripetest.WithRefreshOutcome(func(_, feature string) stripetest.RefreshOutcome {
		if feature == "balance" {
			return stripetest.RefreshFails
		}
		return stripetest.RefreshSucceeds
	}))
	client := fc.New(srv.Client())
	acct, _ := linkAccount(t, srv, []fc.Permission{fc.PermissionBalances}, nil, nil)
	_, err := client.Accounts.RefreshAndWait(ctx, acct.ID, fc.AccountFeatureBalance, fastWait)
	assert.ErrorIs(t, err, fc.ErrRefreshFailed)

	_, err = client.Accounts.Refresh(ctx, acct.ID, &fc.AccountRefreshParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}})
	var apiErr *embedfin.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "features", apiErr.Param)

	// A disconnected account cannot refresh; the helper says so plainly.
	_, err = client.Accounts.Disconnect(ctx, acct.ID, nil)
	require.NoError(t, err)
	_, err = client.Accounts.RefreshAndWait(ctx, acct.ID, fc.AccountFeatureBalance, fastWait)
	assert.ErrorIs(t, err, fc.ErrAccountNotActive)
}

func TestFinancialConnectionsOwnersAndPrefetch(t *testing.T) {
	t.Parallel()
	srv := newServer(t, stripetest.WithRefreshDelay(time.Millisecond))
	client := fc.New(srv.Client())
	extra := url.Values{
		"accounts[0][display_name]":           {"Joint Savings"},
		"accounts[0][subcategory]":            {"savings"},
		"accounts[0][last4]":                  {"6789"},
		"accounts[0][owners][0][name]":        {"Jennifer Rosen"},
		"accounts[0][owners][0][email]":       {"jennyrosen@test.com"},
		"accounts[0][owners][0][raw_address]": {"354 Oyster Point Blvd South San Francisco, CA 94080 USA"},
		"accounts[0][owners][1][name]":        {"Sam Rosen"},
	}
	acct, _ := linkAccount(t, srv, []fc.Permission{fc.PermissionOwnership}, []fc.SessionPrefetch{fc.SessionPrefetchOwnership}, extra)
	assert.Equal(t, "Joint Savings", *acct.DisplayName)
	assert.Equal(t, fc.AccountSubcategorySavings, acct.Subcategory)
	assert.Equal(t, "6789", *acct.Last4)
	require.NotNil(t, acct.OwnershipRefresh, "prefetch started the ownership refresh")

	done, err := client.Accounts.WaitForRefresh(ctx, acct.ID, fc.AccountFeatureOwnership, fastWait)
	require.NoError(t, err)
	require.NotNil(t, done.Ownership)
	var names []string
	for o, err := range client.Accounts.AllOwners(ctx, acct.ID, &fc.AccountListOwnersParams{Ownership: embedfin.Ptr(done.Ownership.ID)}) {
		require.NoError(t, err)
		names = append(names, o.Name)
		assert.Equal(t, done.Ownership.ID, o.Ownership)
	}
	assert.Equal(t, []string{"Jennifer Rosen", "Sam Rosen"}, names)

	exp := &fc.AccountRetrieveParams{}
	exp.AddExpand("ownership")
	full, err := client.Accounts.Retrieve(ctx, acct.ID, exp)
	require.NoError(t, err)
	require.True(t, full.Ownership.Expanded())
	assert.Len(t, full.Ownership.Object.Owners.Data, 2)
}
