package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"sort"
	"sync"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/examples/internal/demo"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/embedfin/embedfin-go/webhook"
)

func main() { demo.Main(run) }

// store stands in for your database: transactions by ID, and per account
// the cursor (the last transaction refresh stored).
type store struct {
	mu      sync.Mutex
	txns    map[string]*fc.Transaction
	cursors map[string]string
}

func (s *store) upsert(_ context.Context, t *fc.Transaction) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.txns[t.ID] = t
	return nil
}

func (s *store) cursor(account string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cursors[account]
}

func (s *store) setCursor(account, cursor string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cursors[account] = cursor
}

func (s *store) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.txns)
}

// syncResult is what the webhook handler reports to the narration.
type syncResult struct {
	refresh string
	res     fc.SyncResult
}

func run(ctx context.Context, out io.Writer) error {
	db := &store{txns: map[string]*fc.Transaction{}, cursors: map[string]string{}}
	synced := make(chan syncResult, 16)

	// The webhook endpoint: verify, then sync what the refresh changed.
	const secret = "whsec_example_transactions_sync"
	var client *fc.Client
	h := webhook.NewHandler(secret, webhook.WithDedupe(webhook.NewMemoryStore(time.Hour)))
	webhook.On(h, events.EventTypeFinancialConnectionsAccountRefreshedTransactions,
		func(ctx context.Context, ev webhook.Event, acct *fc.Account) error {
			if acct.TransactionRefresh == nil || acct.TransactionRefresh.Status != fc.RefreshStatusSucceeded {
				return nil // a failed refresh: nothing new to pull
			}
			res := client.Transactions.SyncTransactions(ctx, acct.ID, db.cursor(acct.ID), db.upsert)
			if res.Err != nil {
				return res.Err // 500: Stripe will deliver the event again
			}
			db.setCursor(acct.ID, res.Cursor)
			synced <- syncResult{refresh: acct.TransactionRefresh.ID, res: res}
			return nil
		})
	endpoint := httptest.NewServer(h)
	defer endpoint.Close()

	env, err := demo.Setup(out, demo.Config{Options: []stripetest.Option{stripetest.WithWebhook(endpoint.URL, secret)}})
	if err != nil {
		return err
	}
	defer env.Close()
	client = fc.New(env.Client)
	// wait returns the next sync done by the webhook handler; against Stripe
	// (no webhooks here) it polls and syncs itself.
	wait := func(acctID string) (syncResult, error) {
		if env.Emulator == nil {
			acct, err := client.Accounts.WaitForRefresh(ctx, acctID, fc.AccountFeatureTransactions, nil)
			if err != nil {
				return syncResult{}, err
			}
			res := client.Transactions.SyncTransactions(ctx, acctID, db.cursor(acctID), db.upsert)
			if res.Err != nil {
				return syncResult{}, res.Err
			}
			db.setCursor(acctID, res.Cursor)
			return syncResult{refresh: acct.TransactionRefresh.ID, res: res}, nil
		}
		select {
		case r := <-synced:
			return r, nil
		case <-time.After(time.Minute):
			return syncResult{}, errors.New("no refreshed_transactions webhook within a minute")
		case <-ctx.Done():
			return syncResult{}, ctx.Err()
		}
	}

	env.Step("Link an account with the transactions permission")
	cust, err := customers.New(env.Client).Customers.Create(ctx, &customers.CustomerCreateParams{Email: embedfin.Ptr("jennyrosen@example.com")})
	if err != nil {
		return err
	}
	sess, err := client.Sessions.Create(ctx, &fc.SessionCreateParams{
		AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
		Permissions:   []fc.Permission{fc.PermissionTransactions},
	})
	if err != nil {
		return err
	}
	accts, err := env.LinkAccounts(ctx, sess.ID, nil)
	if err != nil {
		return err
	}
	acct := accts[0]
	env.Printf("account %s", acct.ID)

	env.Step("Subscribe to transaction data (this also starts a refresh)")
	acct, err = client.Accounts.Subscribe(ctx, acct.ID, &fc.AccountSubscribeParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}})
	if err != nil {
		return err
	}
	env.Printf("subscriptions %v; refresh %s is %s", acct.Subscriptions, acct.TransactionRefresh.ID, acct.TransactionRefresh.Status)

	env.Step("The refreshed_transactions webhook arrives: pull the whole history")
	first, err := wait(acct.ID)
	if err != nil {
		return err
	}
	env.Printf("refresh %s: stored %d transactions; cursor now %s", first.refresh, first.res.Upserted, first.res.Cursor)

	env.Step("A later refresh (Stripe runs one daily while subscribed; here we ask for one)")
	if _, err := client.Accounts.Refresh(ctx, acct.ID, &fc.AccountRefreshParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}}); err != nil {
		return err
	}
	second, err := wait(acct.ID)
	if err != nil {
		return err
	}
	env.Printf("refresh %s: only %d new or updated transactions came back (transaction_refresh[after]=%s)", second.refresh, second.res.Upserted, first.res.Cursor)

	env.Step("The store now")
	db.mu.Lock()
	var latest []*fc.Transaction
	for _, t := range db.txns {
		if t.TransactionRefresh == second.refresh {
			latest = append(latest, t)
		}
	}
	db.mu.Unlock()
	sort.Slice(latest, func(i, j int) bool { return latest[i].TransactedAt > latest[j].TransactedAt })
	for _, t := range latest[:min(5, len(latest))] {
		env.Printf("%-7s %10s  %s", t.Status, demo.Money(t.Amount), t.Description)
	}
	env.Printf("%d transactions stored, cursor %s", db.count(), db.cursor(acct.ID))
	if second.res.Upserted == 0 || second.res.Upserted >= first.res.Upserted {
		return fmt.Errorf("the incremental pull should be small and non-empty, got %d of %d", second.res.Upserted, first.res.Upserted)
	}
	return nil
}
