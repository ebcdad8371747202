package txsync

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/embedfin/embedfin-go"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/riverqueue/river"
)

// maxPages bounds the pages of one sync (100,000 pages of 100 is far
// beyond the history any account has).
const maxPages = 100_000

// snoozeBusy is how long a job whose account is busy waits before trying
// again (plus up to as much again, at random).
const snoozeBusy = 500 * time.Millisecond

// worker is the River worker of JobArgs.
type worker struct {
	river.WorkerDefaults[JobArgs]
	s *Syncer
}

// jobOutput is the output recorded on each job (river.RecordOutput).
type jobOutput struct {
	Outcome  Outcome `json:"outcome"`
	Upserted int     `json:"upserted"`
	Cursor   string  `json:"cursor,omitempty"`
}

// Work runs one attempt of a sync job.
func (w *worker) Work(ctx context.Context, job *river.Job[JobArgs]) error {
	s := w.s
	start := time.Now()
	rep := JobReport{JobID: job.ID, Attempt: job.Attempt, Args: job.Args}
	err := s.work(ctx, job, &rep)
	rep.Duration = time.Since(start)
	var snooze *river.JobSnoozeError
	var cancel *river.JobCancelError
	switch {
	case err == nil:
	case errors.As(err, &snooze):
		rep.Outcome = OutcomeSnoozed
	case errors.As(err, &cancel):
		rep.Outcome, rep.Err = OutcomeCancelled, errors.Unwrap(cancel)
	default:
		rep.Outcome, rep.Err = OutcomeRetry, err
	}
	_ = river.RecordOutput(ctx, jobOutput{Outcome: rep.Outcome, Upserted: rep.Upserted, Cursor: rep.Cursor})
	if s.cfg.OnJob != nil {
		s.cfg.OnJob(rep)
	}
	return err
}

// jitter returns d plus up to d more, at random.
func jitter(d time.Duration) time.Duration {
	return d + rand.N(d+1)
}

// acquire takes the account's lock, waiting up to LockWait while another
// job holds it.
func (s *Syncer) acquire(ctx context.Context, account string) (accountLock, error) {
	holder := s.clientID + "/" + randomToken(8)
	lease := s.cfg.JobTimeout + 30*time.Second
	deadline := time.Now().Add(s.cfg.LockWait)
	wait := 20 * time.Millisecond
	for {
		lk, err := s.db.lockAccount(ctx, account, holder, lease)
		if !errors.Is(err, errLockBusy) {
			return lk, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, errLockBusy
		}
		t := time.NewTimer(min(jitter(wait/2), left))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		wait = min(wait*2, 250*time.Millisecond)
	}
}

// work is one attempt, with the account's lock held around everything it
// reads from Stripe and writes.
func (s *Syncer) work(ctx context.Context, job *river.Job[JobArgs], rep *JobReport) error {
	a := job.Args
	if err := a.validate(); err != nil {
		return river.JobCancel(err)
	}
	lk, err := s.acquire(ctx, a.Account)
	if errors.Is(err, errLockBusy) {
		return river.JobSnooze(jitter(snoozeBusy))
	}
	if err != nil {
		return fmt.Errorf("txsync: locking %s: %w", a.Account, err)
	}
	defer lk.release(ctx)
	if s.hookInLock != nil {
		s.hookInLock(ctx, a)
	}

	client := s.fc
	if a.StripeAccount != "" {
		client = fc.New(s.client.With(embedfin.WithStripeAccount(a.StripeAccount)))
	}
	acct, err := client.Accounts.Retrieve(ctx, a.Account, nil)
	if err != nil {
		return s.fail(ctx, lk, job, err, nil)
	}
	saveAccount := func(q querier) error {
		return upsertAccount(ctx, q, acct, a.StripeAccount, false)
	}
	if a.Feature != FeatureAccount && acct.Status != fc.AccountStatusActive {
		reason := ReasonAccountInactive
		if acct.Status == fc.AccountStatusDisconnected {
			reason = ReasonAccountDisconnected
		}
		return s.cancel(ctx, lk, job, reason, &fc.AccountNotActiveError{Account: acct}, saveAccount)
	}
	switch a.Feature {
	case FeatureTransactions:
		return s.syncTransactions(ctx, lk, job, client, acct, saveAccount, rep)
	case FeatureOwnership:
		return s.syncOwners(ctx, lk, job, client, acct, rep)
	default: // balance, account: the row, balance included
		rep.Outcome = OutcomeSynced
		return lk.tx(ctx, saveAccount)
	}
}

// fail ends an attempt on err: a permanent failure is recorded and the job
// cancelled; anything else is returned for River to retry.
func (s *Syncer) fail(ctx context.Context, lk accountLock, job *river.Job[JobArgs], err error, also func(q querier) error) error {
	reason, permanent := classify(err)
	if !permanent {
		return err
	}
	return s.cancel(ctx, lk, job, reason, err, also)
}

// cancel records the failure (and runs also, in the same transaction)
// and cancels the job. If the record cannot be written the job is
// retried instead, so that no failure goes unrecorded.
func (s *Syncer) cancel(ctx context.Context, lk accountLock, job *river.Job[JobArgs], reason FailureReason, cause error, also func(q querier) error) error {
	a := job.Args
	f := Failure{Account: a.Account, Feature: a.Feature, Reason: reason, JobID: job.ID, Event: a.Event, FailedAt: time.Now()}
	if cause != nil {
		f.Detail = cause.Error()
	}
	err := lk.tx(ctx, func(q querier) error {
		if also != nil {
			if err := also(q); err != nil {
				return err
			}
		}
		return recordFailure(ctx, q, f)
	})
	if err != nil {
		return fmt.Errorf("txsync: recording the failure of job %d: %w", job.ID, err)
	}
	return river.JobCancel(&SyncError{Account: a.Account, Feature: a.Feature, Reason: reason, Err: cause})
}

// syncTransactions lists what changed after the stored cursor, a page at
// a time, each page upserted in its own transaction; the new cursor is
// written in the transaction of the last page. A crash before that
// leaves the old cursor, and the next attempt lists those pages again:
// the upserts make the repetition harmless.
func (s *Syncer) syncTransactions(ctx context.Context, lk accountLock, job *river.Job[JobArgs], client *fc.Client, acct *fc.Account,
	saveAccount func(q querier) error, rep *JobReport) error {
	a := job.Args
	state := acct.TransactionRefresh
	if state == nil {
		return s.cancel(ctx, lk, job, ReasonNoRefresh, fc.ErrNoRefresh, saveAccount)
	}
	switch state.Status {
	case fc.RefreshStatusSucceeded:
	case fc.RefreshStatusPending, fc.RefreshStatusFailed:
		if a.Refresh != "" && a.Refresh != state.ID {
			// A newer refresh is under way or failed. Its event's job, or
			// the next successful refresh's, lists everything after the
			// cursor, this refresh's transactions included.
			rep.Outcome = OutcomeSuperseded
			return lk.tx(ctx, saveAccount)
		}
		if state.Status == fc.RefreshStatusFailed {
			return s.cancel(ctx, lk, job, ReasonRefreshFailed, &fc.RefreshFailedError{Feature: fc.AccountFeatureTransactions, Account: acct}, saveAccount)
		}
		if time.Since(job.CreatedAt) > s.cfg.PendingWait {
			return s.cancel(ctx, lk, job, ReasonRefreshPending, fc.ErrRefreshPending, saveAccount)
		}
		return river.JobSnooze(jitter(s.cfg.PendingSnooze))
	default:
		return fmt.Errorf("txsync: transaction refresh %s of %s has the unknown status %q", state.ID, a.Account, state.Status)
	}

	var cursor string
	if err := lk.tx(ctx, func(q querier) error {
		var err error
		cursor, err = readCursor(ctx, q, a.Account)
		return err
	}); err != nil {
		return err
	}
	if cursor == state.ID {
		rep.Outcome, rep.Cursor = OutcomeUnchanged, cursor
		return lk.tx(ctx, saveAccount)
	}
	params := &fc.TransactionListParams{Account: embedfin.Ptr(a.Account)}
	params.Limit = embedfin.Ptr(int64(s.cfg.PageSize))
	if cursor != "" {
		params.TransactionRefresh = &fc.TransactionTransactionRefreshParams{After: embedfin.Ptr(cursor)}
	}
	total := 0
	for page := 0; ; page++ {
		if page == maxPages {
			return fmt.Errorf("txsync: %s has more than %d pages of transactions", a.Account, maxPages)
		}
		list, err := client.Transactions.List(ctx, params)
		if err != nil {
			return s.fail(ctx, lk, job, err, saveAccount)
		}
		last := !list.HasMore
		if !last && len(list.Data) == 0 {
			return embedfin.ErrPaginationStalled
		}
		err = lk.tx(ctx, func(q querier) error {
			if err := upsertTransactions(ctx, q, list.Data, s.cfg.KeepRaw); err != nil {
				return err
			}
			if !last {
				return nil
			}
			if err := setCursor(ctx, q, a.Account, state.ID, total+len(list.Data)); err != nil {
				return err
			}
			return saveAccount(q)
		})
		if err != nil {
			return fmt.Errorf("txsync: storing transactions of %s: %w", a.Account, err)
		}
		total += len(list.Data)
		rep.Upserted = total
		if s.hookAfterPage != nil {
			if err := s.hookAfterPage(a, page); err != nil {
				return err
			}
		}
		if last {
			break
		}
		params.StartingAfter = embedfin.Ptr(list.Data[len(list.Data)-1].ID)
	}
	rep.Outcome, rep.Cursor = OutcomeSynced, state.ID
	return nil
}

// syncOwners stores the owners of the account's latest ownership record,
// replacing those of earlier records.
func (s *Syncer) syncOwners(ctx context.Context, lk accountLock, job *river.Job[JobArgs], client *fc.Client, acct *fc.Account, rep *JobReport) error {
	a := job.Args
	saveAccount := func(q querier) error { return upsertAccount(ctx, q, acct, a.StripeAccount, true) }
	if acct.Ownership == nil || acct.Ownership.ID == "" {
		r := acct.OwnershipRefresh
		switch {
		case r == nil:
			return s.cancel(ctx, lk, job, ReasonNoRefresh, fc.ErrNoRefresh, saveAccount)
		case r.Status == fc.RefreshStatusPending && time.Since(job.CreatedAt) <= s.cfg.PendingWait:
			return river.JobSnooze(jitter(s.cfg.PendingSnooze))
		case r.Status == fc.RefreshStatusPending:
			return s.cancel(ctx, lk, job, ReasonRefreshPending, nil, saveAccount)
		default:
			return s.cancel(ctx, lk, job, ReasonRefreshFailed, &fc.RefreshFailedError{Feature: fc.AccountFeatureOwnership, Account: acct}, saveAccount)
		}
	}
	ownership := acct.Ownership.ID
	var owners []*fc.AccountOwner
	n := 0
	for o, err := range client.Accounts.AllOwners(ctx, a.Account, &fc.AccountListOwnersParams{Ownership: embedfin.Ptr(ownership)}) {
		if err != nil {
			return s.fail(ctx, lk, job, err, nil)
		}
		if n++; n > maxPages {
			return fmt.Errorf("txsync: %s has more than %d owners", a.Account, maxPages)
		}
		owners = append(owners, o)
	}
	if err := lk.tx(ctx, func(q querier) error {
		if err := replaceOwners(ctx, q, a.Account, ownership, owners); err != nil {
			return err
		}
		return saveAccount(q)
	}); err != nil {
		return fmt.Errorf("txsync: storing owners of %s: %w", a.Account, err)
	}
	rep.Outcome, rep.Upserted = OutcomeSynced, len(owners)
	return nil
}
