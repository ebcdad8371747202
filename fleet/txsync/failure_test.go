package txsync

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/riverqueue/river/rivertype"
)

// waitJob waits until the job is in one of the states.
func waitJob(t testing.TB, s *Syncer, id int64, states ...rivertype.JobState) *rivertype.JobRow {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		j, err := s.Job(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range states {
			if j.State == st {
				return j
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is %s after 20 s, want one of %v", id, j.State, states)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestDisconnectedAccount: a job for a disconnected account ends at its
// first attempt, cancelled, with the reason recorded; the disconnected
// event updates the account row.
func TestDisconnectedAccount(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		e := newEnv(t, d, envOpts{})
		ctx := context.Background()
		ids := e.link(t, 1)
		e.waitSynced(t, ids)
		if _, err := e.fc.Accounts.Disconnect(ctx, ids[0], nil); err != nil {
			t.Fatal(err)
		}
		id, dup, err := e.syncer.Enqueue(ctx, JobArgs{Account: ids[0], Feature: FeatureTransactions, Refresh: "after-disconnect"})
		if err != nil || dup {
			t.Fatalf("enqueue: %v, duplicate %t", err, dup)
		}
		j := waitJob(t, e.syncer, id, rivertype.JobStateCancelled, rivertype.JobStateCompleted, rivertype.JobStateDiscarded)
		if j.State != rivertype.JobStateCancelled || j.Attempt != 1 {
			t.Fatalf("job ended %s after %d attempts; want cancelled after 1", j.State, j.Attempt)
		}
		fails, err := e.syncer.Failures(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(fails) != 1 || fails[0].Reason != ReasonAccountDisconnected || fails[0].JobID != id || fails[0].Feature != FeatureTransactions {
			t.Fatalf("failures %+v", fails)
		}
		if err := e.syncer.WaitIdle(ctx, 20*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		acct, err := e.syncer.Account(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if acct.Status != string(fc.AccountStatusDisconnected) {
			t.Fatalf("account row status %q, want disconnected", acct.Status)
		}
	})
}

// TestRefreshFailed: a transaction refresh that fails at the institution
// is recorded by the receiver and enqueues no job; a backfill job for the
// account ends cancelled with the same reason.
func TestRefreshFailed(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		e := newEnv(t, d, envOpts{emu: []stripetest.Option{stripetest.WithRefreshOutcome(func(_, feature string) stripetest.RefreshOutcome {
			if feature == "transactions" {
				return stripetest.RefreshFails
			}
			return stripetest.RefreshSucceeds
		})}})
		ctx := context.Background()
		ids := e.link(t, 1)
		e.waitRefreshed(t, ids)
		deadline := time.Now().Add(20 * time.Second)
		var fails []Failure
		for len(fails) == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			var err error
			if fails, err = e.syncer.Failures(ctx, ids[0]); err != nil {
				t.Fatal(err)
			}
		}
		if len(fails) != 1 || fails[0].Reason != ReasonRefreshFailed || fails[0].Event == "" || fails[0].JobID != 0 {
			t.Fatalf("failures %+v", fails)
		}
		acct, err := e.fc.Accounts.Retrieve(ctx, ids[0], nil)
		if err != nil {
			t.Fatal(err)
		}
		id, _, err := e.syncer.Enqueue(ctx, JobArgs{Account: ids[0], Feature: FeatureTransactions, Refresh: acct.TransactionRefresh.ID})
		if err != nil {
			t.Fatal(err)
		}
		j := waitJob(t, e.syncer, id, rivertype.JobStateCancelled, rivertype.JobStateCompleted, rivertype.JobStateDiscarded)
		if j.State != rivertype.JobStateCancelled || j.Attempt != 1 {
			t.Fatalf("job ended %s after %d attempts; want cancelled after 1", j.State, j.Attempt)
		}
		if cur, _ := e.syncer.Cursor(ctx, ids[0]); cur != "" {
			t.Fatalf("cursor %q after a failed refresh", cur)
		}
	})
}

// TestTransientErrorsRetry: when Stripe cannot be reached the job fails
// with the connection error and River retries it; nothing is recorded as
// a failure and the job is not cancelled.
func TestTransientErrorsRetry(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		dead := "http://" + ln.Addr().String()
		ln.Close() // nothing listens there any more
		client, err := embedfin.NewClient(stripetest.DefaultKey, embedfin.WithBaseURL(dead), embedfin.WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		var reports = make(chan JobReport, 16)
		cfg := testConfig()
		cfg.MaxAttempts = 3
		cfg.OnJob = func(r JobReport) { reports <- r }
		s, err := New(d.db, client, cfg)
		if err != nil {
			t.Fatal(err)
		}
		(&env{}).start(t, s)
		id, _, err := s.Enqueue(context.Background(), JobArgs{Account: "fca_unreachable", Feature: FeatureTransactions, Refresh: "fctxnref_1"})
		if err != nil {
			t.Fatal(err)
		}
		j := waitJob(t, s, id, rivertype.JobStateDiscarded)
		if j.Attempt != 3 || len(j.Errors) != 3 {
			t.Fatalf("job discarded after %d attempts with %d errors; want 3 retried attempts", j.Attempt, len(j.Errors))
		}
		for range 3 {
			r := <-reports
			var ce *embedfin.ConnectionError
			if r.Outcome != OutcomeRetry || !errors.As(r.Err, &ce) {
				t.Fatalf("report %+v: want a retry on a connection error", r)
			}
		}
		fails, err := s.Failures(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(fails) != 0 {
			t.Fatalf("transient errors recorded as failures: %+v", fails)
		}
	})
}
