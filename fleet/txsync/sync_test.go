package txsync

import (
	"context"
	"testing"
)

// TestSyncEndToEnd links accounts on the emulator, lets its webhooks drive
// the receiver and the workers, then refreshes again (pending transactions
// post or are voided, new ones arrive): after each round the table is
// exactly what the API lists, each transaction once, and every cursor is
// the latest refresh. Balances and owners arrive too.
func TestSyncEndToEnd(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		e := newEnv(t, d, envOpts{})
		ids := e.link(t, 3)
		e.waitSynced(t, ids)
		first := e.assertMatchesAPI(t, ids)
		before := statuses(t, e.syncer, ids)
		if first < 100 || before["pending"] == 0 {
			t.Fatalf("first sync: %d transactions, statuses %v; want a history with pending ones", first, before)
		}

		e.refresh(t, ids)
		e.waitSynced(t, ids)
		second := e.assertMatchesAPI(t, ids)
		after := statuses(t, e.syncer, ids)
		if second <= first {
			t.Fatalf("second refresh added nothing: %d then %d transactions", first, second)
		}
		if after["void"] <= before["void"] && after["posted"] <= before["posted"] {
			t.Fatalf("second refresh changed no status: %v then %v", before, after)
		}
		t.Logf("%s: %d transactions after the first refresh (%v), %d after the second (%v)", d.name, first, before, second, after)

		ctx := context.Background()
		for _, id := range ids {
			acct, err := e.syncer.Account(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if acct == nil || acct.Status != "active" || acct.Balance == nil || acct.BalanceAsOf == 0 || acct.Ownership == "" {
				t.Fatalf("account row %+v: want active, with a balance and an ownership", acct)
			}
			owners, err := e.syncer.Owners(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(owners) != 1 || owners[0].Ownership != acct.Ownership {
				t.Fatalf("owners of %s: %+v", id, owners)
			}
		}
		st, err := e.syncer.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Failures != 0 || st.Cursors != 3 || st.Accounts != 3 {
			t.Fatalf("stats %+v", st)
		}
	})
}
