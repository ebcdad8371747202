package txsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// BackfillOptions tunes Backfill.
type BackfillOptions struct {
	// Accounts filters the accounts listed (an account holder, a
	// session); nil lists every account the client's key can see.
	Accounts *fc.AccountListParams
	// Progress, when set, is called as the backfill advances: after
	// each page of accounts enqueued, then every Interval while jobs
	// remain, and once at the end.
	Progress func(Progress)
	// Interval is how often progress is polled (default 1 second).
	Interval time.Duration
	// NoWait returns once every job is enqueued, without waiting for
	// them to finish.
	NoWait bool
}

// Progress is how far a backfill is.
type Progress struct {
	// Total is the accounts enqueued so far (final once Listing is false).
	Total int
	// Listing is true while accounts are still being listed.
	Listing bool
	// Done counts the accounts whose jobs have all finished.
	Done int
	// Failed counts the finished accounts with a cancelled or discarded
	// job (see Syncer.Failures for why).
	Failed int
	// Transactions counts the transactions upserted by finished jobs.
	Transactions int64
	// Elapsed is the time since the backfill started.
	Elapsed time.Duration
}

// PerSecond is the transactions upserted per second so far.
func (p Progress) PerSecond() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Transactions) / p.Elapsed.Seconds()
}

// String is one line: "accounts 12/200 (1 failed), 1520 transactions, 340.1/s, 4.5s".
func (p Progress) String() string {
	total := strconv.Itoa(p.Total)
	if p.Listing {
		total += "+"
	}
	failed := ""
	if p.Failed > 0 {
		failed = fmt.Sprintf(" (%d failed)", p.Failed)
	}
	return fmt.Sprintf("accounts %d/%s%s, %d transactions, %.1f/s, %s", p.Done, total, failed,
		p.Transactions, p.PerSecond(), p.Elapsed.Round(100*time.Millisecond))
}

// ProgressTo returns a BackfillOptions.Progress that writes each report
// that differs from the previous one to w, a line each.
func ProgressTo(w io.Writer) func(Progress) {
	var last Progress
	first := true
	return func(p Progress) {
		same := p.Done == last.Done && p.Total == last.Total && p.Transactions == last.Transactions && p.Listing == last.Listing
		if !first && same {
			return
		}
		first, last = false, p
		fmt.Fprintf(w, "backfill: %s\n", p)
	}
}

// Backfill enqueues a sync of every linked account the client can see,
// for accounts linked before the receiver ran or whose events were lost:
// a transactions job for its latest transaction refresh, and a balance or
// ownership job when it has had such a refresh. Jobs are unique, so an
// account whose latest refresh is already synced (or queued) costs one
// cheap job at most. It then waits, reporting progress, until every job
// it enqueued has finished, in whatever process works them (unless
// NoWait), and returns the final Progress. ctx bounds the wait; jobs
// already enqueued stay queued.
func (s *Syncer) Backfill(ctx context.Context, opts *BackfillOptions) (Progress, error) {
	if s.fc == nil {
		return Progress{}, errors.New("txsync: Backfill needs the Stripe client (New was given nil)")
	}
	var o BackfillOptions
	if opts != nil {
		o = *opts
	}
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	report := func(p Progress) {
		if o.Progress != nil {
			o.Progress(p)
		}
	}
	start := time.Now()
	params := o.Accounts
	if params == nil {
		params = &fc.AccountListParams{}
	}
	// jobs of each account, in listing order.
	var accounts []string
	jobs := map[string][]int64{}
	var batch []river.InsertManyParams
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := s.river.InsertMany(ctx, batch)
		if err != nil {
			return fmt.Errorf("txsync: enqueueing the backfill: %w", err)
		}
		for i, r := range res {
			acct := batch[i].Args.(JobArgs).Account
			jobs[acct] = append(jobs[acct], r.Job.ID)
		}
		batch = batch[:0]
		report(Progress{Total: len(accounts), Listing: true, Elapsed: time.Since(start)})
		return nil
	}
	for acct, err := range s.fc.Accounts.All(ctx, params) {
		if err != nil {
			return Progress{Total: len(accounts), Elapsed: time.Since(start)}, fmt.Errorf("txsync: listing accounts: %w", err)
		}
		accounts = append(accounts, acct.ID)
		for _, args := range backfillJobs(acct) {
			batch = append(batch, s.insertParams(args))
		}
		if len(batch) >= 100 {
			if err := flush(); err != nil {
				return Progress{Total: len(accounts), Elapsed: time.Since(start)}, err
			}
		}
	}
	if err := flush(); err != nil {
		return Progress{Total: len(accounts), Elapsed: time.Since(start)}, err
	}
	p := Progress{Total: len(accounts), Elapsed: time.Since(start)}
	if o.NoWait {
		report(p)
		return p, nil
	}
	t := time.NewTicker(o.Interval)
	defer t.Stop()
	for {
		var err error
		p, err = s.backfillProgress(ctx, accounts, jobs, start)
		if err != nil && ctx.Err() == nil {
			return p, err
		}
		if err == nil {
			report(p)
			if p.Done == p.Total {
				return p, nil
			}
		}
		select {
		case <-ctx.Done():
			return p, ctx.Err()
		case <-t.C:
		}
	}
}

// backfillJobs are the jobs a backfill enqueues for an account.
func backfillJobs(acct *fc.Account) []JobArgs {
	out := []JobArgs{{Account: acct.ID, Feature: FeatureTransactions}}
	if r := acct.TransactionRefresh; r != nil {
		out[0].Refresh = r.ID
	}
	if r := acct.BalanceRefresh; r != nil {
		out = append(out, JobArgs{Account: acct.ID, Feature: FeatureBalance, Refresh: "balance@" + strconv.FormatInt(r.LastAttemptedAt, 10)})
	}
	if acct.Ownership != nil && acct.Ownership.ID != "" {
		out = append(out, JobArgs{Account: acct.ID, Feature: FeatureOwnership, Refresh: acct.Ownership.ID})
	}
	return out
}

// finished are the states of a job that will not run again.
var finished = map[rivertype.JobState]bool{
	rivertype.JobStateCompleted: true,
	rivertype.JobStateCancelled: true,
	rivertype.JobStateDiscarded: true,
}

// backfillProgress reads the state of the backfill's jobs.
func (s *Syncer) backfillProgress(ctx context.Context, accounts []string, jobs map[string][]int64, start time.Time) (Progress, error) {
	p := Progress{Total: len(accounts), Elapsed: time.Since(start)}
	var ids []int64
	for _, a := range accounts {
		ids = append(ids, jobs[a]...)
	}
	rows := make(map[int64]*rivertype.JobRow, len(ids))
	const chunk = 500
	for i := 0; i < len(ids); i += chunk {
		part := ids[i:min(i+chunk, len(ids))]
		res, err := s.river.JobList(ctx, river.NewJobListParams().IDs(part...).First(len(part)))
		if err != nil {
			return p, err
		}
		for _, j := range res.Jobs {
			rows[j.ID] = j
		}
	}
	for _, a := range accounts {
		done, failed := true, false
		for _, id := range jobs[a] {
			j := rows[id]
			if j == nil { // deleted by River's cleaner: long finished
				continue
			}
			if !finished[j.State] {
				done = false
				continue
			}
			if j.State != rivertype.JobStateCompleted {
				failed = true
			}
			if j.FinalizedAt != nil && !j.FinalizedAt.Before(start) {
				var out jobOutput
				var args JobArgs
				if b := j.Output(); len(b) > 0 && json.Unmarshal(b, &out) == nil &&
					json.Unmarshal(j.EncodedArgs, &args) == nil && args.Feature == FeatureTransactions {
					p.Transactions += int64(out.Upserted)
				}
			}
		}
		if done {
			p.Done++
			if failed {
				p.Failed++
			}
		}
	}
	return p, nil
}
