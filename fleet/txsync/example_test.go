package txsync_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/fleet/txsync"
	"github.com/embedfin/embedfin-go/stripetest"
)

// A sync on SQLite, fed by the emulator's webhooks: a user links a bank
// account, the refresh's webhook enqueues a job, a worker stores the
// transactions. Against Stripe, client is an embedfin.Client with your
// key (and a shared limiter), and the receiver is your webhook endpoint.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "txsync-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sqlDB, err := txsync.OpenSQLite(filepath.Join(dir, "sync.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer sqlDB.Close()
	db := txsync.SQLite(sqlDB)
	if err := txsync.Migrate(ctx, db); err != nil {
		log.Fatal(err)
	}

	// The webhook endpoint, and the emulator delivering to it.
	const secret = "whsec_example"
	mux := http.NewServeMux()
	endpoint := httptest.NewServer(mux)
	defer endpoint.Close()
	emu := stripetest.NewServer(stripetest.WithWebhook(endpoint.URL+"/webhook", secret), stripetest.WithRefreshDelay(20*time.Millisecond))
	defer emu.Close()
	client := emu.Client()

	s, err := txsync.New(db, client, &txsync.Config{Workers: 2, PollInterval: 50 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	mux.Handle("/webhook", s.Receiver(secret))
	if err := s.Start(ctx); err != nil {
		log.Fatal(err)
	}
	defer s.Stop(ctx)

	// A user links an account (the emulator's test helper stands in for
	// Stripe.js); subscribing to its transactions starts a refresh.
	fcc := fc.New(client)
	cust, err := customers.New(client).Customers.Create(ctx, &customers.CustomerCreateParams{Email: embedfin.Ptr("jenny.rosen@example.com")})
	if err != nil {
		log.Fatal(err)
	}
	sess, err := fcc.Sessions.Create(ctx, &fc.SessionCreateParams{
		AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
		Permissions:   []fc.Permission{fc.PermissionTransactions},
	})
	if err != nil {
		log.Fatal(err)
	}
	linked, err := stripetest.CompleteSession(ctx, client, sess.ID, nil) // the emulator stands in for Stripe.js
	if err != nil {
		log.Fatal(err)
	}
	acct, err := fcc.Accounts.Subscribe(ctx, linked[0].ID, &fc.AccountSubscribeParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}})
	if err != nil {
		log.Fatal(err)
	}

	// Wait for the webhook's job to store the refresh.
	refresh := acct.TransactionRefresh.ID
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cursor, err := s.Cursor(ctx, acct.ID); err == nil && cursor == refresh {
			break
		}
	}
	cursor, _ := s.Cursor(ctx, acct.ID)
	stored, _ := s.Transactions(ctx, acct.ID)
	api := 0
	for _, err := range fcc.Transactions.All(ctx, &fc.TransactionListParams{Account: embedfin.Ptr(acct.ID)}) {
		if err != nil {
			log.Fatal(err)
		}
		api++
	}
	fmt.Println("cursor is the refresh:", cursor == refresh)
	fmt.Println("stored as many transactions as the API lists:", len(stored) == api && api > 0)
	// Output:
	// cursor is the refresh: true
	// stored as many transactions as the API lists: true
}
