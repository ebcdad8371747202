package txsync

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBackfill: accounts linked while no receiver listened (the emulator
// sends no webhooks) are all synced by a backfill, whose progress reaches
// every account and counts every transaction.
func TestBackfill(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		e := newEnv(t, d, envOpts{noWebhook: true})
		ids := e.link(t, 4)
		e.waitRefreshed(t, ids)
		var mu sync.Mutex
		var reports []Progress
		var out bytes.Buffer
		print := ProgressTo(&out)
		final, err := e.syncer.Backfill(context.Background(), &BackfillOptions{
			Interval: 20 * time.Millisecond,
			Progress: func(p Progress) {
				mu.Lock()
				defer mu.Unlock()
				reports = append(reports, p)
				print(p)
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		total := e.assertMatchesAPI(t, ids)
		if final.Total != 4 || final.Done != 4 || final.Failed != 0 || final.Transactions != int64(total) || final.PerSecond() <= 0 {
			t.Fatalf("final progress %+v; want 4/4 accounts and %d transactions", final, total)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(reports) < 2 || reports[len(reports)-1] != final {
			t.Fatalf("progress reports %+v", reports)
		}
		for _, id := range ids {
			acct, err := e.syncer.Account(context.Background(), id)
			if err != nil || acct == nil || acct.Balance == nil || acct.Ownership == "" {
				t.Fatalf("account %s after the backfill: %+v, %v", id, acct, err)
			}
		}
		if !strings.Contains(out.String(), "backfill: accounts 4/4, ") {
			t.Fatalf("printed progress:\n%s", out.String())
		}
		t.Logf("%s: %s", d.name, final)

		// A second backfill finds everything up to date: nothing to store.
		again, err := e.syncer.Backfill(context.Background(), &BackfillOptions{Interval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if again.Done != 4 || again.Transactions != 0 {
			t.Fatalf("second backfill %+v", again)
		}
	})
}

// TestMigrateTwiceAndConcurrently: Migrate is idempotent, and replicas
// migrating at once do not trip over each other.
func TestMigrateTwiceAndConcurrently(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i := range errs {
			wg.Go(func() { errs[i] = Migrate(ctx, d.db) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var versions int
		if err := d.db.backend().read(ctx, func(q querier) error {
			return q.queryRow(ctx, `SELECT count(*) FROM {S}fc_schema_migrations`, []any{&versions})
		}); err != nil {
			t.Fatal(err)
		}
		migs, _ := Migrations(d.db.backend().dialect())
		if versions != len(migs) {
			t.Fatalf("%d versions recorded, %d migrations", versions, len(migs))
		}
	})
}
