package interop

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	stripe "github.com/stripe/stripe-go/v85"
)

// completePath is the emulator's test helper that links accounts to a
// session as a user would in Stripe.js; Stripe has no such endpoint, so
// stripe-go has no method for it and the flows call it raw.
func completePath(session string) string {
	return "/v1/test_helpers/financial_connections/sessions/" + url.PathEscape(session) + "/complete"
}

// linkAccounts completes a session through the emulator's helper and
// returns the session as stripe-go decodes it.
func linkAccounts(t T, sc *client, session string, accounts url.Values) *stripe.FinancialConnectionsSession {
	t.Helper()
	var sess stripe.FinancialConnectionsSession
	_, err := sc.rawPost(completePath(session), accounts, nil, &sess)
	require.NoError(t, err)
	require.NotNil(t, sess.Accounts, "the completed session lists its accounts")
	return &sess
}

// waitAccount retrieves a Financial Connections account until done holds.
func waitAccount(t T, c context.Context, sc *client, id string, what string, done func(*stripe.FinancialConnectionsAccount) bool) *stripe.FinancialConnectionsAccount {
	t.Helper()
	var acct *stripe.FinancialConnectionsAccount
	eventually(t, what, func() (bool, error) {
		var err error
		acct, err = sc.V1FinancialConnectionsAccounts.GetByID(c, id, nil)
		return err == nil && done(acct), err
	})
	return acct
}

// assertNull asserts that a key is present in a JSON object with the
// value null (the API's way to say "not yet", distinct from absent).
func assertNull(t T, body []byte, path string) {
	t.Helper()
	assert.JSONEq(t, "null", string(rawField(t, body, path)), "%s", path)
}

// assertAbsent asserts that a JSON object does not have the keys.
func assertAbsent(t T, body []byte, keys ...string) {
	t.Helper()
	m := rawKeys(t, body)
	for _, k := range keys {
		v, ok := m[k]
		assert.False(t, ok, "key %q present (%s), absent by default in Stripe's responses", k, v)
	}
}

// TestCollectAccountData is seed 000 ("Collecter des informations de
// compte"): a Customer as account holder, a Financial Connections session
// with permissions and prefetch, the linked account, then its data.
func TestCollectAccountData(t *testing.T) {
	t.Parallel()
	em := startEmulator(t)
	sc := em.client(t)
	c := ctx(t)
	f := newFlow(t)

	var cust *stripe.Customer
	f.step("create_customer", func(t T) {
		var err error
		cust, err = sc.V1Customers.Create(c, &stripe.CustomerCreateParams{
			Name:  stripe.String("Jenny Rosen"),
			Email: stripe.String("jennyrosen@example.com"),
		})
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(cust.ID, "cus_"), cust.ID)
		assert.Equal(t, "customer", cust.Object)
		assert.Equal(t, "jennyrosen@example.com", cust.Email)
		assert.False(t, cust.Livemode)
	})
	f.check("customer_default_shape", func(t T) {
		// Stripe includes these only when expanded (stripe-mock's
		// fixtures have none of them).
		assertAbsent(t, lastJSON(t, cust.LastResponse), "sources", "subscriptions", "tax_ids", "cash_balance", "tax", "invoice_credit_balance")
	})

	var sess *stripe.FinancialConnectionsSession
	f.step("create_session", func(t T) {
		params := &stripe.FinancialConnectionsSessionCreateParams{
			AccountHolder: &stripe.FinancialConnectionsSessionCreateAccountHolderParams{
				Type:     stripe.String("customer"),
				Customer: stripe.String(cust.ID),
			},
			Permissions: stripe.StringSlice([]string{"balances", "ownership", "payment_method", "transactions"}),
			Prefetch:    stripe.StringSlice([]string{"balances"}),
		}
		var err error
		sess, err = sc.V1FinancialConnectionsSessions.Create(c, params)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(sess.ID, "fcsess_"), sess.ID)
		assert.Equal(t, "financial_connections.session", sess.Object)
		assert.NotEmpty(t, sess.ClientSecret, "client_secret for Stripe.js")
		require.NotNil(t, sess.AccountHolder)
		assert.Equal(t, stripe.FinancialConnectionsSessionAccountHolderTypeCustomer, sess.AccountHolder.Type)
		require.NotNil(t, sess.AccountHolder.Customer)
		assert.Equal(t, cust.ID, sess.AccountHolder.Customer.ID)
		assert.ElementsMatch(t, []stripe.FinancialConnectionsSessionPermission{"balances", "ownership", "payment_method", "transactions"}, sess.Permissions)
		assert.Equal(t, []stripe.FinancialConnectionsSessionPrefetch{"balances"}, sess.Prefetch)
		require.NotNil(t, sess.Accounts)
		assert.Empty(t, sess.Accounts.Data, "no account linked yet")
	})

	var acct *stripe.FinancialConnectionsAccount
	f.step("user_links_account", func(t T) {
		done := linkAccounts(t, sc, sess.ID, url.Values{
			"accounts[0][display_name]": {"Premium Checking"},
			"accounts[0][last4]":        {"4242"},
		})
		require.Len(t, done.Accounts.Data, 1)
		acct = done.Accounts.Data[0]
		// The account as the seed's collectFinancialConnectionsAccounts
		// result shows it.
		assert.True(t, strings.HasPrefix(acct.ID, "fca_"), acct.ID)
		assert.Equal(t, "financial_connections.account", acct.Object)
		assert.Equal(t, "Premium Checking", acct.DisplayName)
		assert.Equal(t, "Test Bank", acct.InstitutionName)
		assert.Equal(t, "4242", acct.Last4)
		assert.Equal(t, stripe.FinancialConnectionsAccountStatusActive, acct.Status)
		assert.Equal(t, stripe.FinancialConnectionsAccountCategoryCash, acct.Category)
		assert.Equal(t, stripe.FinancialConnectionsAccountSubcategoryChecking, acct.Subcategory)
		assert.ElementsMatch(t, []stripe.FinancialConnectionsAccountPermission{"balances", "ownership", "payment_method", "transactions"}, acct.Permissions)
		require.NotNil(t, acct.AccountHolder)
		require.NotNil(t, acct.AccountHolder.Customer)
		assert.Equal(t, cust.ID, acct.AccountHolder.Customer.ID)
	})
	f.check("session_lists_linked_account", func(t T) {
		got, err := sc.V1FinancialConnectionsSessions.Retrieve(c, sess.ID, nil)
		require.NoError(t, err)
		require.Len(t, got.Accounts.Data, 1)
		assert.Equal(t, acct.ID, got.Accounts.Data[0].ID)
	})
	f.check("list_accounts_by_session_and_holder", func(t T) {
		var ids []string
		for a, err := range sc.V1FinancialConnectionsAccounts.List(c, &stripe.FinancialConnectionsAccountListParams{Session: stripe.String(sess.ID)}).All(c) {
			require.NoError(t, err)
			ids = append(ids, a.ID)
		}
		assert.Equal(t, []string{acct.ID}, ids)
		ids = nil
		for a, err := range sc.V1FinancialConnectionsAccounts.List(c, &stripe.FinancialConnectionsAccountListParams{
			AccountHolder: &stripe.FinancialConnectionsAccountListAccountHolderParams{Customer: stripe.String(cust.ID)},
		}).All(c) {
			require.NoError(t, err)
			ids = append(ids, a.ID)
		}
		assert.Equal(t, []string{acct.ID}, ids)
	})
	f.check("account_created_webhook", func(t T) {
		ev := em.hooks.waitEvent(t, stripe.EventTypeFinancialConnectionsAccountCreated, func(ev stripe.Event) bool { return objectID(ev) == acct.ID })
		assert.Equal(t, "financial_connections.account", ev.Data.Object["object"])
	})
	f.step("balance_prefetched", func(t T) {
		got := waitAccount(t, c, sc, acct.ID, "the prefetched balance refresh ends", func(a *stripe.FinancialConnectionsAccount) bool {
			return a.BalanceRefresh != nil && a.BalanceRefresh.Status != stripe.FinancialConnectionsAccountBalanceRefreshStatusPending
		})
		assert.Equal(t, stripe.FinancialConnectionsAccountBalanceRefreshStatusSucceeded, got.BalanceRefresh.Status)
		assert.NotZero(t, got.BalanceRefresh.LastAttemptedAt)
		require.NotNil(t, got.Balance)
		assert.Equal(t, stripe.FinancialConnectionsAccountBalanceTypeCash, got.Balance.Type)
		assert.Contains(t, got.Balance.Current, "usd")
		require.NotNil(t, got.Balance.Cash)
		assert.Contains(t, got.Balance.Cash.Available, "usd")
		assert.NotZero(t, got.Balance.AsOf)
		ev := em.hooks.waitEvent(t, stripe.EventTypeFinancialConnectionsAccountRefreshedBalance, func(ev stripe.Event) bool { return objectID(ev) == acct.ID })
		assert.Equal(t, "succeeded", eventField(ev, "balance_refresh.status"))
	})
	f.check("variants_of_their_type_only", func(t T) {
		// A field with one hash per type carries only the hash of its
		// type: a customer holder has no "account", a cash balance no
		// "credit".
		got, err := sc.V1FinancialConnectionsAccounts.GetByID(c, acct.ID, nil)
		require.NoError(t, err)
		body := lastJSON(t, got.LastResponse)
		assertAbsent(t, rawField(t, body, "account_holder"), "account", "customer_account")
		assertAbsent(t, rawField(t, body, "balance"), "credit")
	})
	f.step("refresh_ownership", func(t T) {
		got, err := sc.V1FinancialConnectionsAccounts.Refresh(c, acct.ID, &stripe.FinancialConnectionsAccountRefreshParams{
			Features: stripe.StringSlice([]string{"ownership"}),
		})
		require.NoError(t, err)
		require.NotNil(t, got.OwnershipRefresh)
		assert.Equal(t, stripe.FinancialConnectionsAccountOwnershipRefreshStatusPending, got.OwnershipRefresh.Status)
		got = waitAccount(t, c, sc, acct.ID, "the ownership refresh ends", func(a *stripe.FinancialConnectionsAccount) bool {
			return a.OwnershipRefresh.Status != stripe.FinancialConnectionsAccountOwnershipRefreshStatusPending
		})
		assert.Equal(t, stripe.FinancialConnectionsAccountOwnershipRefreshStatusSucceeded, got.OwnershipRefresh.Status)
		require.NotNil(t, got.Ownership)
		assert.True(t, strings.HasPrefix(got.Ownership.ID, "fcaowns_"), got.Ownership.ID)
		acct = got
		em.hooks.waitEvent(t, stripe.EventTypeFinancialConnectionsAccountRefreshedOwnership, func(ev stripe.Event) bool { return objectID(ev) == acct.ID })
	})
	f.check("list_owners", func(t T) {
		params := &stripe.FinancialConnectionsAccountListOwnersParams{Account: stripe.String(acct.ID), Ownership: stripe.String(acct.Ownership.ID)}
		var owners []*stripe.FinancialConnectionsAccountOwner
		for o, err := range sc.V1FinancialConnectionsAccounts.ListOwners(c, params).All(c) {
			require.NoError(t, err)
			owners = append(owners, o)
		}
		require.NotEmpty(t, owners)
		for _, o := range owners {
			assert.Equal(t, "financial_connections.account_owner", o.Object)
			assert.Equal(t, acct.Ownership.ID, o.Ownership)
			assert.NotEmpty(t, o.Name)
		}
		assert.Equal(t, "Jenny Rosen", owners[0].Name, "the bank reports the customer as owner")
	})
	f.check("expand_ownership", func(t T) {
		params := &stripe.FinancialConnectionsAccountRetrieveParams{}
		params.AddExpand("ownership")
		got, err := sc.V1FinancialConnectionsAccounts.GetByID(c, acct.ID, params)
		require.NoError(t, err)
		require.NotNil(t, got.Ownership)
		assert.Equal(t, "financial_connections.account_ownership", got.Ownership.Object)
		require.NotNil(t, got.Ownership.Owners)
		require.NotEmpty(t, got.Ownership.Owners.Data)
		assert.Equal(t, "/v1/financial_connections/accounts/"+acct.ID+"/owners?ownership="+acct.Ownership.ID, got.Ownership.Owners.URL)
	})
	f.check("expand_data_ownership_on_list", func(t T) {
		params := &stripe.FinancialConnectionsAccountListParams{Session: stripe.String(sess.ID)}
		params.AddExpand("data.ownership")
		n := 0
		for a, err := range sc.V1FinancialConnectionsAccounts.List(c, params).All(c) {
			require.NoError(t, err)
			n++
			require.NotNil(t, a.Ownership)
			assert.Equal(t, "financial_connections.account_ownership", a.Ownership.Object, "data.ownership expanded")
			assert.JSONEq(t, `"financial_connections.account_ownership"`, string(rawField(t, lastJSON(t, a.LastResponse), "ownership.object")))
		}
		assert.Equal(t, 1, n)
	})
	f.check("expand_account_holder_customer", func(t T) {
		params := &stripe.FinancialConnectionsAccountRetrieveParams{}
		params.AddExpand("account_holder.customer")
		got, err := sc.V1FinancialConnectionsAccounts.GetByID(c, acct.ID, params)
		require.NoError(t, err)
		require.NotNil(t, got.AccountHolder.Customer)
		assert.Equal(t, cust.ID, got.AccountHolder.Customer.ID)
		assert.Equal(t, "jennyrosen@example.com", got.AccountHolder.Customer.Email, "account_holder.customer expanded")
	})
	f.check("unknown_expansion_refused", func(t T) {
		params := &stripe.FinancialConnectionsAccountRetrieveParams{}
		params.AddExpand("no_such_field")
		_, err := sc.V1FinancialConnectionsAccounts.GetByID(c, acct.ID, params)
		se := stripeError(t, err)
		assert.Equal(t, 400, se.HTTPStatusCode)
		assert.Equal(t, stripe.ErrorTypeInvalidRequest, se.Type)
	})
	f.check("webhooks_verify", func(t T) {
		checkWebhooks(t, c, em.hooks, eventSource{sc, ""})
	})
}
