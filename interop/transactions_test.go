package interop

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	stripe "github.com/stripe/stripe-go/v85"
)

// TestTransactions is seed 001 ("Accéder aux transactions d'un compte
// Financial Connections"): subscribe to transactions, wait for the
// refresh through its webhook, list with auto-pagination, then pull only
// what changed since the last refresh with transaction_refresh[after].
func TestTransactions(t *testing.T) {
	t.Parallel()
	em := startEmulator(t)
	sc := em.client(t)
	c := ctx(t)
	f := newFlow(t)

	var acct *stripe.FinancialConnectionsAccount
	f.step("link_account_with_transactions_permission", func(t T) {
		cust, err := sc.V1Customers.Create(c, &stripe.CustomerCreateParams{Email: stripe.String("jennyrosen@example.com")})
		require.NoError(t, err)
		sess, err := sc.V1FinancialConnectionsSessions.Create(c, &stripe.FinancialConnectionsSessionCreateParams{
			AccountHolder: &stripe.FinancialConnectionsSessionCreateAccountHolderParams{Type: stripe.String("customer"), Customer: stripe.String(cust.ID)},
			Permissions:   stripe.StringSlice([]string{"transactions"}),
		})
		require.NoError(t, err)
		done := linkAccounts(t, sc, sess.ID, url.Values{"accounts[0][display_name]": {"Savings"}})
		require.Len(t, done.Accounts.Data, 1)
		acct, err = sc.V1FinancialConnectionsAccounts.GetByID(c, done.Accounts.Data[0].ID, nil)
		require.NoError(t, err)
		assert.Equal(t, "Savings", acct.DisplayName)
	})
	f.check("transaction_refresh_null_before_any_refresh", func(t T) {
		// "Ce champ reste null jusqu'à ce que vous demandiez l'autorisation
		// transactions et initiez une actualisation."
		assert.Nil(t, acct.TransactionRefresh)
		assertNull(t, lastJSON(t, acct.LastResponse), "transaction_refresh")
	})

	var first *stripe.FinancialConnectionsAccountTransactionRefresh
	f.step("subscribe", func(t T) {
		got, err := sc.V1FinancialConnectionsAccounts.Subscribe(c, acct.ID, &stripe.FinancialConnectionsAccountSubscribeParams{
			Features: stripe.StringSlice([]string{"transactions"}),
		})
		require.NoError(t, err)
		// The seed's response: subscribed, and a transaction refresh started.
		assert.Equal(t, "financial_connections.account", got.Object)
		assert.Equal(t, "Savings", got.DisplayName)
		assert.Equal(t, "Test Bank", got.InstitutionName)
		assert.Equal(t, stripe.FinancialConnectionsAccountStatusActive, got.Status)
		assert.Equal(t, []stripe.FinancialConnectionsAccountPermission{"transactions"}, got.Permissions)
		assert.Equal(t, []stripe.FinancialConnectionsAccountSubscription{"transactions"}, got.Subscriptions)
		require.NotNil(t, got.TransactionRefresh)
		first = got.TransactionRefresh
		assert.True(t, strings.HasPrefix(first.ID, "fctxnref_"), first.ID)
		assert.Equal(t, stripe.FinancialConnectionsAccountTransactionRefreshStatusPending, first.Status)
		assert.NotZero(t, first.LastAttemptedAt)
		assertNull(t, lastJSON(t, got.LastResponse), "transaction_refresh.next_refresh_available_at")
	})
	f.step("refreshed_transactions_webhook", func(t T) {
		ev := em.hooks.waitEvent(t, stripe.EventTypeFinancialConnectionsAccountRefreshedTransactions, func(ev stripe.Event) bool {
			return objectID(ev) == acct.ID && eventField(ev, "transaction_refresh.id") == first.ID
		})
		// The seed: check transaction_refresh.status when handling the webhook.
		assert.Equal(t, "succeeded", eventField(ev, "transaction_refresh.status"))
		got, err := sc.V1FinancialConnectionsAccounts.GetByID(c, acct.ID, nil)
		require.NoError(t, err)
		assert.Equal(t, stripe.FinancialConnectionsAccountTransactionRefreshStatusSucceeded, got.TransactionRefresh.Status)
		assert.NotZero(t, got.TransactionRefresh.NextRefreshAvailableAt)
	})

	var all []*stripe.FinancialConnectionsTransaction
	f.step("list_first_page", func(t T) {
		params := &stripe.FinancialConnectionsTransactionListParams{Account: stripe.String(acct.ID)}
		params.Limit = stripe.Int64(10)
		params.Single = true
		l := sc.V1FinancialConnectionsTransactions.List(c, params)
		require.NoError(t, l.Err())
		assert.Len(t, l.Data(), 10)
		assert.True(t, l.Meta().HasMore, "months of history: more than one page")
		assert.Equal(t, "/v1/financial_connections/transactions", l.Meta().URL)
		assert.JSONEq(t, `"list"`, string(rawField(t, lastJSON(t, l.LastResponse()), "object")))
		for _, txn := range l.Data() {
			assert.True(t, strings.HasPrefix(txn.ID, "fctxn_"), txn.ID)
			assert.Equal(t, "financial_connections.transaction", txn.Object)
			assert.Equal(t, acct.ID, txn.Account)
			assert.Equal(t, stripe.Currency("usd"), txn.Currency)
			assert.Contains(t, []stripe.FinancialConnectionsTransactionStatus{"pending", "posted", "void"}, txn.Status)
			assert.NotEmpty(t, txn.Description)
			assert.NotZero(t, txn.TransactedAt)
			assert.NotZero(t, txn.Updated)
			assert.Equal(t, first.ID, txn.TransactionRefresh)
			assert.False(t, txn.Livemode)
			transitions := rawKeys(t, rawField(t, lastJSON(t, txn.LastResponse), "status_transitions"))
			assert.Contains(t, transitions, "posted_at")
			assert.Contains(t, transitions, "void_at")
			if txn.Status == "posted" {
				assert.NotZero(t, txn.StatusTransitions.PostedAt)
			}
		}
	})
	f.step("auto_pagination", func(t T) {
		params := &stripe.FinancialConnectionsTransactionListParams{Account: stripe.String(acct.ID)}
		params.Limit = stripe.Int64(10)
		seen := map[string]bool{}
		for txn, err := range sc.V1FinancialConnectionsTransactions.List(c, params).All(c) {
			require.NoError(t, err)
			assert.False(t, seen[txn.ID], "%s listed twice", txn.ID)
			seen[txn.ID] = true
			if n := len(all); n > 0 {
				assert.LessOrEqual(t, txn.TransactedAt, all[n-1].TransactedAt, "newest first")
			}
			all = append(all, txn)
		}
		assert.Greater(t, len(all), 10, "the iterator went past the first page")
	})
	f.check("retrieve_transaction", func(t T) {
		got, err := sc.V1FinancialConnectionsTransactions.Retrieve(c, all[0].ID, nil)
		require.NoError(t, err)
		assert.Equal(t, all[0].ID, got.ID)
		assert.Equal(t, all[0].Amount, got.Amount)
	})

	var second string
	f.step("refresh_again", func(t T) {
		got, err := sc.V1FinancialConnectionsAccounts.Refresh(c, acct.ID, &stripe.FinancialConnectionsAccountRefreshParams{
			Features: stripe.StringSlice([]string{"transactions"}),
		})
		require.NoError(t, err)
		require.NotNil(t, got.TransactionRefresh)
		second = got.TransactionRefresh.ID
		assert.NotEqual(t, first.ID, second, "a new refresh")
		assert.Equal(t, stripe.FinancialConnectionsAccountTransactionRefreshStatusPending, got.TransactionRefresh.Status)
		ev := em.hooks.waitEvent(t, stripe.EventTypeFinancialConnectionsAccountRefreshedTransactions, func(ev stripe.Event) bool {
			return objectID(ev) == acct.ID && eventField(ev, "transaction_refresh.id") == second
		})
		assert.Equal(t, "succeeded", eventField(ev, "transaction_refresh.status"))
	})
	f.step("only_changes_since_last_refresh", func(t T) {
		// transaction_refresh[after] = the refresh of the last webhook
		// handled: only what the later refresh added or updated.
		params := &stripe.FinancialConnectionsTransactionListParams{
			Account:            stripe.String(acct.ID),
			TransactionRefresh: &stripe.FinancialConnectionsTransactionListTransactionRefreshParams{After: stripe.String(first.ID)},
		}
		var changed []*stripe.FinancialConnectionsTransaction
		for txn, err := range sc.V1FinancialConnectionsTransactions.List(c, params).All(c) {
			require.NoError(t, err)
			changed = append(changed, txn)
		}
		require.NotEmpty(t, changed, "the second refresh brought new or updated transactions")
		assert.Less(t, len(changed), len(all), "not the whole history again")
		for _, txn := range changed {
			assert.Equal(t, second, txn.TransactionRefresh, "%s", txn.ID)
			assert.Equal(t, acct.ID, txn.Account)
		}
		params.TransactionRefresh.After = stripe.String(second)
		l := sc.V1FinancialConnectionsTransactions.List(c, params)
		require.NoError(t, l.Err())
		assert.Empty(t, l.Data(), "nothing after the latest refresh")
	})
	f.check("unsubscribe", func(t T) {
		got, err := sc.V1FinancialConnectionsAccounts.Unsubscribe(c, acct.ID, &stripe.FinancialConnectionsAccountUnsubscribeParams{
			Features: stripe.StringSlice([]string{"transactions"}),
		})
		require.NoError(t, err)
		assert.Empty(t, got.Subscriptions)
		assert.JSONEq(t, `[]`, string(rawField(t, lastJSON(t, got.LastResponse), "subscriptions")))
	})
	f.check("webhooks_verify", func(t T) {
		checkWebhooks(t, c, em.hooks, eventSource{sc, ""})
	})
}
