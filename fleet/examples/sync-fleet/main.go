package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"sync/atomic"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/fleet/txsync"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// defaultDatabase is the project machines' PostgreSQL.
const defaultDatabase = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

func main() {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		dsn = defaultDatabase
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, dsn, 6); err != nil {
		fmt.Fprintln(os.Stderr, "sync-fleet:", err)
		os.Exit(1)
	}
}

// run is the fleet: one receiver and three workers, each with a pool of
// its own as separate processes would have, on a PostgreSQL schema made
// for the run (and dropped after it).
func run(ctx context.Context, out io.Writer, dsn string, accounts int) error {
	schema, drop, err := freshSchema(ctx, dsn)
	if err != nil {
		return fmt.Errorf("PostgreSQL (%s): %w", redact(dsn), err)
	}
	defer drop()
	open := func() (*pgxpool.Pool, error) {
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		cfg.MaxConns = 8
		return pgxpool.NewWithConfig(ctx, cfg)
	}

	// The receiver: verifies, records the event and enqueues its job in
	// one transaction. It makes no Stripe call (nil client).
	recvPool, err := open()
	if err != nil {
		return err
	}
	defer recvPool.Close()
	if err := txsync.Migrate(ctx, txsync.Postgres(recvPool, schema)); err != nil {
		return err
	}
	receiver, err := txsync.New(txsync.Postgres(recvPool, schema), nil, nil)
	if err != nil {
		return err
	}
	const secret = "whsec_sync_fleet_example"
	endpoint := httptest.NewServer(receiver.Receiver(secret))
	defer endpoint.Close()

	// Stripe: the emulator, delivering webhooks to the receiver.
	emu := stripetest.NewServer(stripetest.WithWebhook(endpoint.URL, secret), stripetest.WithRefreshDelay(100*time.Millisecond),
		stripetest.WithSeed(time.Now().UnixNano()))
	defer emu.Close()
	client := emu.Client()

	// Three workers.
	var jobs [3]atomic.Int64
	var workers []*txsync.Syncer
	for i := range jobs {
		pool, err := open()
		if err != nil {
			return err
		}
		defer pool.Close()
		w, err := txsync.New(txsync.Postgres(pool, schema), client, &txsync.Config{
			Workers: 2, PollInterval: 100 * time.Millisecond, PendingSnooze: 100 * time.Millisecond,
			OnJob: func(r txsync.JobReport) {
				if r.Outcome != txsync.OutcomeSnoozed {
					jobs[i].Add(1)
				}
			},
		})
		if err != nil {
			return err
		}
		if err := w.Start(ctx); err != nil {
			return err
		}
		defer w.Stop(context.WithoutCancel(ctx))
		workers = append(workers, w)
	}
	fmt.Fprintf(out, "fleet: 1 receiver, 3 workers, PostgreSQL schema %s\n", schema)

	ids, err := link(ctx, client, accounts)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "linked %d accounts\n", len(ids))
	if err := waitSynced(ctx, client, receiver, ids); err != nil {
		return err
	}
	st, err := receiver.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "first refresh: %d transactions, %d owners, %d events\n", st.Transactions, st.Owners, st.Events)

	fcc := fc.New(client)
	for _, id := range ids {
		if _, err := fcc.Accounts.Refresh(ctx, id, &fc.AccountRefreshParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}}); err != nil {
			return err
		}
	}
	if err := waitSynced(ctx, client, receiver, ids); err != nil {
		return err
	}
	st, err = receiver.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "second refresh: %d transactions, %d events\n", st.Transactions, st.Events)
	fmt.Fprintf(out, "jobs worked: %d, %d and %d\n", jobs[0].Load(), jobs[1].Load(), jobs[2].Load())
	return verify(ctx, client, receiver, ids)
}

// freshSchema creates a schema for the run and returns its dropper.
func freshSchema(ctx context.Context, dsn string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	schema := "embedfin_sync_fleet_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		return "", nil, err
	}
	return schema, func() {
		c := context.Background()
		_, _ = conn.Exec(c, "DROP SCHEMA "+schema+" CASCADE")
		conn.Close(c)
	}, nil
}

// link links accounts with every permission and subscribes each to
// transactions (the emulator's test helper stands in for Stripe.js).
func link(ctx context.Context, client *embedfin.Client, n int) ([]string, error) {
	fcc := fc.New(client)
	cust, err := customers.New(client).Customers.Create(ctx, &customers.CustomerCreateParams{Email: embedfin.Ptr("jenny.rosen@example.com")})
	if err != nil {
		return nil, err
	}
	sess, err := fcc.Sessions.Create(ctx, &fc.SessionCreateParams{
		AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
		Permissions:   []fc.Permission{fc.PermissionTransactions, fc.PermissionBalances, fc.PermissionOwnership},
		Prefetch:      []fc.SessionPrefetch{fc.SessionPrefetchBalances, fc.SessionPrefetchOwnership},
	})
	if err != nil {
		return nil, err
	}
	describe := &stripetest.CompleteSessionParams{}
	for i := range n {
		describe.Accounts = append(describe.Accounts, &stripetest.LinkedAccountParams{DisplayName: embedfin.Ptr(fmt.Sprintf("Checking %d", i+1))})
	}
	linked, err := stripetest.CompleteSession(ctx, client, sess.ID, describe)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, acct := range linked {
		ids = append(ids, acct.ID)
		if _, err := fcc.Accounts.Subscribe(ctx, acct.ID, &fc.AccountSubscribeParams{Features: []fc.AccountFeature{fc.AccountFeatureTransactions}}); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// waitSynced waits until every cursor is its account's latest succeeded
// refresh and no job is left.
func waitSynced(ctx context.Context, client *embedfin.Client, s *txsync.Syncer, ids []string) error {
	fcc := fc.New(client)
	for {
		done := true
		for _, id := range ids {
			acct, err := fcc.Accounts.Retrieve(ctx, id, nil)
			if err != nil {
				return err
			}
			cursor, err := s.Cursor(ctx, id)
			if err != nil {
				return err
			}
			r := acct.TransactionRefresh
			if r == nil || r.Status != fc.RefreshStatusSucceeded || cursor != r.ID {
				done = false
				break
			}
		}
		if done {
			if n, err := s.Pending(ctx, 1); err != nil || n == 0 {
				return err
			}
		}
		select {
		case <-ctx.Done():
			return errors.New("the accounts did not sync in time")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// verify checks the table against the API: same transactions, each once.
func verify(ctx context.Context, client *embedfin.Client, s *txsync.Syncer, ids []string) error {
	fcc := fc.New(client)
	for _, id := range ids {
		stored, err := s.Transactions(ctx, id)
		if err != nil {
			return err
		}
		byID := map[string]txsync.Transaction{}
		for _, t := range stored {
			byID[t.ID] = t
		}
		n := 0
		for t, err := range fcc.Transactions.All(ctx, &fc.TransactionListParams{Account: embedfin.Ptr(id)}) {
			if err != nil {
				return err
			}
			n++
			if s, ok := byID[t.ID]; !ok || s.Status != string(t.Status) || s.Amount != t.Amount {
				return fmt.Errorf("%s: transaction %s differs from the API's", id, t.ID)
			}
		}
		if n != len(stored) {
			return fmt.Errorf("%s: %d stored, %d in the API", id, len(stored), n)
		}
	}
	return nil
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "an unparsable URL"
	}
	return u.Redacted()
}
