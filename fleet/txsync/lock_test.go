package txsync

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
)

// TestAccountLock: a second hold on an account is refused while the first
// lasts and granted after its release; other accounts are independent.
func TestAccountLock(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		ctx := context.Background()
		b := d.db.backend()
		first, err := b.lockAccount(ctx, "fca_1", "holder-1", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.lockAccount(ctx, "fca_1", "holder-2", time.Minute); !errors.Is(err, errLockBusy) {
			t.Fatalf("second hold: %v, want errLockBusy", err)
		}
		other, err := b.lockAccount(ctx, "fca_2", "holder-2", time.Minute)
		if err != nil {
			t.Fatalf("another account: %v", err)
		}
		other.release(ctx)
		if err := first.tx(ctx, func(q querier) error { return setCursor(ctx, q, "fca_1", "fctxnref_1", 1) }); err != nil {
			t.Fatalf("a write under the lock: %v", err)
		}
		first.release(ctx)
		second, err := b.lockAccount(ctx, "fca_1", "holder-2", time.Minute)
		if err != nil {
			t.Fatalf("after release: %v", err)
		}
		second.release(ctx)
	})
}

// TestSQLiteLeaseFencing: on SQLite a job whose lease expired (it ran past
// it) loses the account to the next job and can write nothing more.
func TestSQLiteLeaseFencing(t *testing.T) {
	ctx := context.Background()
	b := sqliteDB(t).db.backend()
	stale, err := b.lockAccount(ctx, "fca_1", "holder-1", time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	fresh, err := b.lockAccount(ctx, "fca_1", "holder-2", time.Minute)
	if err != nil {
		t.Fatalf("taking an expired lease: %v", err)
	}
	defer fresh.release(ctx)
	err = stale.tx(ctx, func(q querier) error { return setCursor(ctx, q, "fca_1", "fctxnref_stale", 1) })
	if !errors.Is(err, errLockLost) {
		t.Fatalf("write after losing the lease: %v, want errLockLost", err)
	}
	stale.release(ctx) // must not release the new holder's lease
	if _, err := b.lockAccount(ctx, "fca_1", "holder-3", time.Minute); !errors.Is(err, errLockBusy) {
		t.Fatalf("the stale holder's release freed the account: %v", err)
	}
}

// TestJobsOfOneAccountNeverInterleave: many jobs for one account (every
// feature, several refreshes), worked by two Syncers of eight workers
// each (two processes, as far as River and the database can tell), run
// one at a time; all of them finish.
func TestJobsOfOneAccountNeverInterleave(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		cfg := testConfig()
		cfg.Workers = 8
		cfg.LockWait = 50 * time.Millisecond
		e := newEnv(t, d, envOpts{cfg: cfg, noStart: true})
		ids := e.link(t, 2)
		e.waitRefreshed(t, ids)

		var mu sync.Mutex
		inside := map[string]int{}
		maxInside, runs := 0, 0
		hook := func(ctx context.Context, a JobArgs) {
			mu.Lock()
			inside[a.Account]++
			runs++
			maxInside = max(maxInside, inside[a.Account])
			mu.Unlock()
			time.Sleep(30 * time.Millisecond)
			mu.Lock()
			inside[a.Account]--
			mu.Unlock()
		}
		other, err := New(d.db, e.client, cfg)
		if err != nil {
			t.Fatal(err)
		}
		e.syncer.hookInLock, other.hookInLock = hook, hook
		ctx := context.Background()
		for _, id := range ids {
			for _, f := range []Feature{FeatureAccount, FeatureBalance, FeatureTransactions} {
				for _, r := range []string{"r1", "r2", "r3"} {
					if _, _, err := e.syncer.Enqueue(ctx, JobArgs{Account: id, Feature: f, Refresh: string(f) + r}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		e.start(t, e.syncer)
		e.start(t, other)
		e.waitSynced(t, ids)
		if err := e.syncer.WaitIdle(ctx, 20*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		for _, j := range jobsOf(t, e.syncer) {
			if j.State != rivertype.JobStateCompleted {
				t.Fatalf("job %d ended %s: %v", j.ID, j.State, j.Errors)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if maxInside != 1 {
			t.Fatalf("%d jobs of one account ran at once", maxInside)
		}
		if runs < 2*9 {
			t.Fatalf("only %d jobs ran", runs)
		}
		e.assertMatchesAPI(t, ids)
	})
}
