package txsync

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/embedfin/embedfin-go"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/riverqueue/river/rivertype"
)

func txn(status fc.TransactionStatus, updated int64, amount int64) *fc.Transaction {
	t := &fc.Transaction{ID: "fctxn_1", Account: "fca_1", Amount: amount, Currency: "usd", Description: "Rocket Rides",
		Status: status, TransactedAt: 1_700_000_000, TransactionRefresh: "fctxnref_x", Updated: updated,
		StatusTransitions: &fc.TransactionStatusTransitions{}}
	if status == fc.TransactionStatusPosted {
		t.StatusTransitions.PostedAt = embedfin.Ptr(updated)
	}
	if status == fc.TransactionStatusVoid {
		t.StatusTransitions.VoidAt = embedfin.Ptr(updated)
	}
	return t
}

// TestLateReplayNeverRegresses: an older version of a transaction arriving
// after a newer one leaves the newer one; an equal "updated" never steps
// back to pending; a newer version replaces.
func TestLateReplayNeverRegresses(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		s, err := New(d.db, nil, testConfig())
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		put := func(x *fc.Transaction) {
			t.Helper()
			if err := s.db.tx(ctx, s.river, func(q querier, _ inserter) error {
				return upsertTransactions(ctx, q, []*fc.Transaction{x}, true)
			}); err != nil {
				t.Fatal(err)
			}
		}
		get := func() Transaction {
			t.Helper()
			rows, err := s.Transactions(ctx, "fca_1")
			if err != nil || len(rows) != 1 {
				t.Fatalf("%d rows, %v", len(rows), err)
			}
			return rows[0]
		}
		put(txn(fc.TransactionStatusPending, 100, -1730))
		put(txn(fc.TransactionStatusPosted, 200, -1850))
		put(txn(fc.TransactionStatusPending, 100, -1730)) // late replay
		if r := get(); r.Status != "posted" || r.Updated != 200 || r.Amount != -1850 || r.PostedAt == nil || *r.PostedAt != 200 {
			t.Fatalf("after a late replay: %+v", r)
		}
		put(txn(fc.TransactionStatusPending, 200, -1730)) // same second, back to pending
		if r := get(); r.Status != "posted" || r.Amount != -1850 {
			t.Fatalf("after a same-second pending version: %+v", r)
		}
		put(txn(fc.TransactionStatusVoid, 300, -1850))
		if r := get(); r.Status != "void" || r.Updated != 300 || r.VoidAt == nil || r.PostedAt != nil {
			t.Fatalf("after a newer version: %+v", r)
		}
		put(txn(fc.TransactionStatusPosted, 200, -1850)) // the replay of the posted version
		if r := get(); r.Status != "void" || r.Updated != 300 {
			t.Fatalf("after replaying the posted version: %+v", r)
		}
	})
}

// TestCrashMidSync: an attempt that dies after storing some pages (here
// the second page's hook fails, as a crash after its commit would) keeps
// the old cursor; the retry lists from it again and the table ends up
// equal to the API's, each transaction once. Losing the cursor
// altogether (a crash between the pages and the cursor, were they apart)
// relists the whole history, again without duplicates.
func TestCrashMidSync(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		cfg := testConfig()
		cfg.PageSize = 50
		e := newEnv(t, d, envOpts{cfg: cfg, noStart: true})
		var crashes atomic.Int32
		e.syncer.hookAfterPage = func(_ JobArgs, page int) error {
			if page == 1 && crashes.Add(1) <= 2 {
				return errors.New("simulated crash after page 2")
			}
			return nil
		}
		e.start(t, e.syncer)
		ids := e.link(t, 2)
		e.waitSynced(t, ids)
		if crashes.Load() < 2 {
			t.Fatalf("only %d simulated crashes", crashes.Load())
		}
		n := e.assertMatchesAPI(t, ids)

		// Retried jobs: each transactions job failed once or twice, then
		// completed.
		retried := 0
		for _, j := range jobsOf(t, e.syncer) {
			if len(j.Errors) > 0 {
				retried++
				if j.State != rivertype.JobStateCompleted {
					t.Fatalf("job %d: %s", j.ID, j.State)
				}
			}
		}
		if retried == 0 {
			t.Fatal("no job was retried")
		}

		// The cursor lost: a full relist, no duplicates.
		ctx := context.Background()
		if err := e.syncer.db.read(ctx, func(q querier) error {
			_, err := q.exec(ctx, `DELETE FROM {S}fc_cursors WHERE account = $1`, ids[0])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.syncer.Enqueue(ctx, JobArgs{Account: ids[0], Feature: FeatureTransactions, Refresh: "relist"}); err != nil {
			t.Fatal(err)
		}
		e.waitSynced(t, ids)
		if again := e.assertMatchesAPI(t, ids); again != n {
			t.Fatalf("%d transactions after relisting, %d before", again, n)
		}
	})
}
