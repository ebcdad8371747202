package conformance

import (
	"context"
	"errors"
	"fmt"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/financialconnections"
)

const (
	fcSessionID         = "fcsess_1MwuUJ2eZvKYlo2CDoWdjSqm"
	fcAccountID         = "fca_1LDYuMGxLVUXRs6HW0lrat9T"
	fcOwnershipID       = "fcaowns_1MzTG4Lkdf8ZmSnhCj2cBPuv"
	fcTransactionID     = "fctxn_1LXp9RGxLVUXRs6HtTSVfxse"
	fcTransactionRefID  = "fctxnref_1LXp8WGxLVUXRs6Hkc5PNUXf"
	fcSessionObject     = "financial_connections.session"
	fcAccountObject     = "financial_connections.account"
	fcOwnerObject       = "financial_connections.account_owner"
	fcTransactionObject = "financial_connections.transaction"
)

func init() {
	register(
		// The session of the data-products guide: the customer as account
		// holder, the balances, ownership and transactions permissions, and
		// the data fetched as soon as the account is linked.
		endpointCase{"financialconnections/Sessions.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := financialconnections.New(c).Sessions.Create(ctx, &financialconnections.SessionCreateParams{
				AccountHolder: &financialconnections.SessionAccountHolderParams{
					Type:     embedfin.Ptr(financialconnections.AccountHolderTypeCustomer),
					Customer: embedfin.Ptr(customerID),
				},
				Permissions: []financialconnections.Permission{
					financialconnections.PermissionBalances,
					financialconnections.PermissionOwnership,
					financialconnections.PermissionTransactions,
				},
				Prefetch: []financialconnections.SessionPrefetch{
					financialconnections.SessionPrefetchBalances,
					financialconnections.SessionPrefetchTransactions,
				},
				Filters: &financialconnections.SessionFiltersParams{
					Countries: []string{"US"},
					AccountSubcategories: []financialconnections.SessionFiltersAccountSubcategory{
						financialconnections.SessionFiltersAccountSubcategoryChecking,
						financialconnections.SessionFiltersAccountSubcategorySavings,
					},
				},
				ReturnURL: embedfin.Ptr("https://example.com/accounts/linked"),
			})
			if err != nil {
				return err
			}
			if err := expectObject(got.Object, got.ID, fcSessionObject, ""); err != nil {
				return err
			}
			if got.ClientSecret == nil || *got.ClientSecret == "" {
				return errors.New("session has no client_secret")
			}
			return nil
		}},
		// A session for a connected account's own bank account, made with the
		// connected account as account holder; the payment_method permission
		// keeps ACH debits possible.
		endpointCase{"financialconnections/Sessions.Create/account_holder_account", func(ctx context.Context, c *embedfin.Client) error {
			got, err := financialconnections.New(c).Sessions.Create(ctx, &financialconnections.SessionCreateParams{
				AccountHolder: &financialconnections.SessionAccountHolderParams{
					Type:    embedfin.Ptr(financialconnections.AccountHolderTypeAccount),
					Account: embedfin.Ptr(connectedAccountID),
				},
				Permissions: []financialconnections.Permission{
					financialconnections.PermissionPaymentMethod,
					financialconnections.PermissionBalances,
				},
				Limits: &financialconnections.SessionLimitsParams{Accounts: embedfin.Ptr(int64(1))},
			}, embedfin.WithIdempotencyKey("fc-session-acct-1Nv0FGQ9RKHgCVdK"))
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, fcSessionObject, "")
		}},
		endpointCase{"financialconnections/Sessions.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := financialconnections.New(c).Sessions.Retrieve(ctx, fcSessionID, &financialconnections.SessionRetrieveParams{})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, fcSessionObject, fcSessionID)
		}},
		// The accounts previously linked by a customer.
		endpointCase{"financialconnections/Accounts.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := financialconnections.New(c).Accounts.List(ctx, &financialconnections.AccountListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(10))},
				AccountHolder: &financialconnections.AccountAccountHolderParams{
					Customer: embedfin.Ptr(customerID),
				},
			})
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, fcAccountObject, "")
		}},
		// The accounts linked through one session.
		endpointCase{"financialconnections/Accounts.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(financialconnections.New(c).Accounts.All(ctx, &financialconnections.AccountListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(5))},
				Session:    embedfin.Ptr(fcSessionID),
			}))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, fcAccountObject, "")
		}},
		endpointCase{"financialconnections/Accounts.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := financialconnections.New(c).Accounts.Retrieve(ctx, fcAccountID, nil)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, fcAccountObject, fcAccountID)
		}},
		// A transactions refresh, as after collecting an account.
		endpointCase{"financialconnections/Accounts.Refresh", func(ctx context.Context, c *embedfin.Client) error {
			got, err := financialconnections.New(c).Accounts.Refresh(ctx, fcAccountID, &financialconnections.AccountRefreshParams{
				Features: []financialconnections.AccountFeature{financialconnections.AccountFeatureTransactions},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, fcAccountObject, "")
		}},
		// A balance refresh for an account linked by a connected account's
		// customer, made on behalf of the connected account.
		endpointCase{"financialconnections/Accounts.Refresh/balance_on_behalf", func(ctx context.Context, c *embedfin.Client) error {
			got, err := financialconnections.New(c).Accounts.Refresh(ctx, fcAccountID, &financialconnections.AccountRefreshParams{
				Features: []financialconnections.AccountFeature{
					financialconnections.AccountFeatureBalance,
					financialconnections.AccountFeatureOwnership,
				},
			}, embedfin.WithStripeAccount(connectedAccountID))
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, fcAccountObject, "")
		}},
		// Daily transaction refreshes, as the transactions guide subscribes.
		endpointCase{"financialconnections/Accounts.Subscribe", func(ctx context.Context, c *embedfin.Client) error {
			got, err := financialconnections.New(c).Accounts.Subscribe(ctx, fcAccountID, &financialconnections.AccountSubscribeParams{
				Features: []financialconnections.AccountFeature{financialconnections.AccountFeatureTransactions},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, fcAccountObject, "")
		}},
		endpointCase{"financialconnections/Accounts.Unsubscribe", func(ctx context.Context, c *embedfin.Client) error {
			got, err := financialconnections.New(c).Accounts.Unsubscribe(ctx, fcAccountID, &financialconnections.AccountUnsubscribeParams{
				Features: []financialconnections.AccountFeature{financialconnections.AccountFeatureTransactions},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, fcAccountObject, "")
		}},
		endpointCase{"financialconnections/Accounts.Disconnect", func(ctx context.Context, c *embedfin.Client) error {
			got, err := financialconnections.New(c).Accounts.Disconnect(ctx, fcAccountID, &financialconnections.AccountDisconnectParams{})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, fcAccountObject, "")
		}},
		endpointCase{"financialconnections/Accounts.ListOwners", func(ctx context.Context, c *embedfin.Client) error {
			page, err := financialconnections.New(c).Accounts.ListOwners(ctx, fcAccountID, &financialconnections.AccountListOwnersParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(10))},
				Ownership:  embedfin.Ptr(fcOwnershipID),
			})
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, fcOwnerObject, "")
		}},
		endpointCase{"financialconnections/Accounts.AllOwners", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(financialconnections.New(c).Accounts.AllOwners(ctx, fcAccountID, &financialconnections.AccountListOwnersParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(50))},
				Ownership:  embedfin.Ptr(fcOwnershipID),
			}))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, fcOwnerObject, "")
		}},
		// Only the transactions new or changed since the refresh named by the
		// last financial_connections.account.refreshed_transactions event.
		endpointCase{"financialconnections/Transactions.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := financialconnections.New(c).Transactions.List(ctx, &financialconnections.TransactionListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				Account:    embedfin.Ptr(fcAccountID),
				TransactionRefresh: &financialconnections.TransactionTransactionRefreshParams{
					After: embedfin.Ptr(fcTransactionRefID),
				},
			})
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, fcTransactionObject, "")
		}},
		// The last 180 days of an account's transactions.
		endpointCase{"financialconnections/Transactions.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(financialconnections.New(c).Transactions.All(ctx, &financialconnections.TransactionListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				Account:    embedfin.Ptr(fcAccountID),
				TransactedAtRange: &embedfin.RangeQueryParams{
					GreaterThanOrEqual: embedfin.Ptr(int64(1651784999 - 180*24*3600)),
				},
			}))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, fcTransactionObject, "")
		}},
		endpointCase{"financialconnections/Transactions.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := financialconnections.New(c).Transactions.Retrieve(ctx, fcTransactionID, nil)
			if err != nil {
				return err
			}
			if err := expectObject(got.Object, got.ID, fcTransactionObject, fcTransactionID); err != nil {
				return err
			}
			if got.Currency == "" {
				return fmt.Errorf("transaction %s has no currency", got.ID)
			}
			return nil
		}},
	)
}
