package txsync

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/embedfin/embedfin-go"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// JobKind is the River kind of every sync job.
const JobKind = "embedfin_fc_sync"

// DefaultQueue is the River queue sync jobs go to unless Config.Queue
// names another.
const DefaultQueue = "embedfin_fc_sync"

// Feature is what a sync job brings up to date.
type Feature string

// Features.
const (
	// FeatureTransactions: the incremental transaction sync, from the
	// stored cursor to the account's latest succeeded transaction refresh.
	FeatureTransactions Feature = "transactions"
	// FeatureBalance: the account row with its latest balance.
	FeatureBalance Feature = "balance"
	// FeatureOwnership: the account's owners.
	FeatureOwnership Feature = "ownership"
	// FeatureAccount: the account row only (status changes: disconnected,
	// deactivated, reactivated).
	FeatureAccount Feature = "account"
)

// JobArgs are the arguments of a sync job. A job is unique per account,
// feature, refresh and Stripe account (River's UniqueOpts.ByArgs over the
// fields tagged unique): a second insert of the same refresh, from a
// redelivered event or a backfill, is skipped while the first is queued,
// running, retrying or completed.
type JobArgs struct {
	// Account is the Financial Connections account (fca_...).
	Account string `json:"account" river:"unique"`
	// Feature is what to sync.
	Feature Feature `json:"feature" river:"unique"`
	// Refresh identifies the refresh that asked for the job: the
	// transaction refresh ID (fctxnref_...); for balances "balance@" and
	// the refresh's last_attempted_at; for owners the ownership ID
	// (fcaowns_...); for account changes the event ID.
	Refresh string `json:"refresh" river:"unique"`
	// StripeAccount is the connected account (acct_...) the account
	// belongs to, sent as Stripe-Account; "" for the platform's own.
	StripeAccount string `json:"stripe_account,omitempty" river:"unique"`
	// Event is the event that enqueued the job ("" for a backfill or a
	// direct Enqueue). It is not part of the job's identity.
	Event string `json:"event,omitempty"`
}

// Kind returns JobKind.
func (JobArgs) Kind() string { return JobKind }

// Config tunes a Syncer. The zero value is usable.
type Config struct {
	// Workers is how many jobs Start works at once in this process
	// (default 4). On SQLite they share the database's one connection.
	Workers int
	// Queue is the River queue of the sync's jobs (default DefaultQueue).
	Queue string
	// JobTimeout bounds one attempt of a job (default 2 minutes): its
	// context is cancelled after it, and the attempt is retried.
	JobTimeout time.Duration
	// RescueStuckJobsAfter is when River takes a job whose worker died
	// (a killed process) as stuck and runs it again (default JobTimeout
	// plus one minute; it must exceed JobTimeout).
	RescueStuckJobsAfter time.Duration
	// MaxAttempts is how many times a job failing with a transient error
	// is tried, with River's backoff in between (default 10).
	MaxAttempts int
	// RetryPolicy replaces River's backoff (attempt⁴ seconds) when set.
	RetryPolicy river.ClientRetryPolicy
	// LockWait is how long a job waits for its account's lock, held by
	// another job, before snoozing to try later (default 2 seconds).
	LockWait time.Duration
	// PendingWait is how long, from its creation, a job snoozes while the
	// refresh it is for is still pending, before it gives up with
	// ReasonRefreshPending (default 10 minutes).
	PendingWait time.Duration
	// PendingSnooze is how long such a job snoozes each time, plus up to
	// as much again at random (default 5 seconds). Each wake-up costs one
	// request (the account's retrieval).
	PendingSnooze time.Duration
	// PollInterval is how often idle workers look for jobs beyond the
	// database's notifications (default River's, 1 second).
	PollInterval time.Duration
	// PageSize is the transactions listed per request, 1 to 100 (default
	// 100). Each page is stored in its own database transaction.
	PageSize int
	// KeepRaw stores each transaction's JSON in fc_transactions.raw.
	KeepRaw bool
	// Logger receives River's logs and the sync's (default: warnings and
	// errors to standard error).
	Logger *slog.Logger
	// OnJob, when set, is called after every job attempt in this process.
	OnJob func(JobReport)
	// ClientID is this process's River client ID (default: random). It
	// must be unique among running processes.
	ClientID string
}

// JobReport describes one job attempt, for Config.OnJob.
type JobReport struct {
	// JobID and Attempt identify the attempt.
	JobID   int64
	Attempt int
	// Args are the job's arguments.
	Args JobArgs
	// Outcome is what became of it.
	Outcome Outcome
	// Upserted counts the transactions (or owners) stored.
	Upserted int
	// Cursor is the account's cursor after the attempt (transactions).
	Cursor string
	// Err is the attempt's error: the cause of a retry or a cancellation.
	Err error
	// Duration is how long the attempt ran.
	Duration time.Duration
}

// Outcome is how a job attempt ended.
type Outcome string

// Outcomes.
const (
	// OutcomeSynced: rows were written.
	OutcomeSynced Outcome = "synced"
	// OutcomeUnchanged: the store was already up to date.
	OutcomeUnchanged Outcome = "unchanged"
	// OutcomeSuperseded: a newer refresh is pending or failed; its own
	// job (or the next refresh's) syncs from the cursor.
	OutcomeSuperseded Outcome = "superseded"
	// OutcomeSnoozed: the account was busy or its refresh pending; the job
	// runs again later without spending an attempt.
	OutcomeSnoozed Outcome = "snoozed"
	// OutcomeCancelled: a permanent failure, recorded in fc_sync_failures.
	OutcomeCancelled Outcome = "cancelled"
	// OutcomeRetry: a transient failure; River retries with backoff.
	OutcomeRetry Outcome = "retry"
)

// Syncer runs the sync on one database: its receiver enqueues jobs, its
// workers (after Start) work them, Backfill enqueues every linked
// account. Any number of processes may run Syncers on one PostgreSQL
// database; they share the work.
type Syncer struct {
	db       backend
	cfg      Config
	client   *embedfin.Client
	fc       *fc.Client
	river    riverClient
	logger   *slog.Logger
	clientID string

	// hookInLock, set by tests, runs while a job holds its account.
	hookInLock func(ctx context.Context, args JobArgs)
	// hookAfterPage, set by tests, runs after each page of transactions
	// is stored; an error ends the attempt there, as a crash would.
	hookAfterPage func(args JobArgs, page int) error
}

// New returns a Syncer on db. client makes the Stripe calls of the
// workers and of Backfill; configure it as needed (a shared rate limit
// with embedfin.WithLimiter, retries, a timeout). It may be nil for a
// process that only receives webhooks. Apply Migrate before.
func New(db Database, client *embedfin.Client, cfg *Config) (*Syncer, error) {
	if db == nil {
		return nil, errors.New("txsync: New needs a Database")
	}
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if err := c.fill(); err != nil {
		return nil, err
	}
	b := db.backend()
	if err := b.check(&c, false); err != nil {
		return nil, err
	}
	s := &Syncer{db: b, cfg: c, client: client, logger: c.Logger, clientID: c.ClientID}
	if client != nil {
		s.fc = fc.New(client)
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely[JobArgs](workers, &worker{s: s}); err != nil {
		return nil, fmt.Errorf("txsync: %w", err)
	}
	rc := &river.Config{
		ID:                   c.ClientID,
		Queues:               map[string]river.QueueConfig{c.Queue: {MaxWorkers: c.Workers}},
		Workers:              workers,
		JobTimeout:           c.JobTimeout,
		RescueStuckJobsAfter: c.RescueStuckJobsAfter,
		MaxAttempts:          c.MaxAttempts,
		RetryPolicy:          c.RetryPolicy,
		FetchPollInterval:    c.PollInterval,
		Logger:               c.Logger,
	}
	if c.PollInterval > 0 {
		rc.FetchCooldown = min(c.PollInterval, river.FetchCooldownDefault)
	}
	r, err := b.newRiver(rc)
	if err != nil {
		return nil, fmt.Errorf("txsync: creating the River client: %w", err)
	}
	s.river = r
	return s, nil
}

func (c *Config) fill() error {
	if c.Workers == 0 {
		c.Workers = 4
	}
	if c.Workers < 1 || c.Workers > 10_000 {
		return fmt.Errorf("txsync: Workers must be 1 to 10000, got %d", c.Workers)
	}
	if c.Queue == "" {
		c.Queue = DefaultQueue
	}
	if c.JobTimeout <= 0 {
		c.JobTimeout = 2 * time.Minute
	}
	if c.RescueStuckJobsAfter <= 0 {
		c.RescueStuckJobsAfter = c.JobTimeout + time.Minute
	}
	if c.RescueStuckJobsAfter <= c.JobTimeout {
		return fmt.Errorf("txsync: RescueStuckJobsAfter (%v) must exceed JobTimeout (%v)", c.RescueStuckJobsAfter, c.JobTimeout)
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 10
	}
	if c.LockWait <= 0 {
		c.LockWait = 2 * time.Second
	}
	if c.PendingWait <= 0 {
		c.PendingWait = 10 * time.Minute
	}
	if c.PendingSnooze <= 0 {
		c.PendingSnooze = 5 * time.Second
	}
	if c.PageSize == 0 {
		c.PageSize = 100
	}
	if c.PageSize < 1 || c.PageSize > 100 {
		return fmt.Errorf("txsync: PageSize must be 1 to 100, got %d", c.PageSize)
	}
	if c.Logger == nil {
		c.Logger = defaultLogger()
	}
	if c.ClientID == "" {
		host, _ := os.Hostname()
		c.ClientID = fmt.Sprintf("embedfin-sync_%s_%d_%s", host, os.Getpid(), randomToken(4))
	}
	return nil
}

func defaultLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Start starts this process's workers; they run until Stop or until ctx
// ends. It needs the Stripe client given to New and, on PostgreSQL, a
// pool of at least Workers+4 connections.
func (s *Syncer) Start(ctx context.Context) error {
	if s.client == nil {
		return errors.New("txsync: Start needs the Stripe client (New was given nil)")
	}
	if err := s.db.check(&s.cfg, true); err != nil {
		return err
	}
	return s.river.Start(ctx)
}

// Stop stops the workers, letting running jobs finish (until ctx ends,
// when they are cancelled and retried later).
func (s *Syncer) Stop(ctx context.Context) error {
	return s.river.Stop(ctx)
}

// insertParams is how every sync job is inserted.
func (s *Syncer) insertParams(args JobArgs) river.InsertManyParams {
	return river.InsertManyParams{Args: args, InsertOpts: &river.InsertOpts{
		Queue:       s.cfg.Queue,
		MaxAttempts: s.cfg.MaxAttempts,
		UniqueOpts:  river.UniqueOpts{ByArgs: true},
	}}
}

// Enqueue inserts a sync job, unless an equal one (same account, feature,
// refresh and Stripe account) is already queued, running, retrying or
// completed; it returns the job's ID (the existing one's for a
// duplicate) and whether it was a duplicate.
func (s *Syncer) Enqueue(ctx context.Context, args JobArgs) (jobID int64, duplicate bool, err error) {
	if err := args.validate(); err != nil {
		return 0, false, err
	}
	res, err := s.river.InsertMany(ctx, []river.InsertManyParams{s.insertParams(args)})
	if err != nil {
		return 0, false, fmt.Errorf("txsync: enqueueing: %w", err)
	}
	return res[0].Job.ID, res[0].UniqueSkippedAsDuplicate, nil
}

func (a JobArgs) validate() error {
	if a.Account == "" {
		return &embedfin.ValidationError{Param: "Account", Reason: "an account ID is required"}
	}
	switch a.Feature {
	case FeatureTransactions, FeatureBalance, FeatureOwnership, FeatureAccount:
	default:
		return &embedfin.ValidationError{Param: "Feature", Reason: fmt.Sprintf("unknown feature %q", a.Feature)}
	}
	return nil
}

// unfinished are the states of a job still to run.
var unfinished = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}

// Pending reports how many sync jobs of the queue are still to run
// (available, running, retrying, snoozed or scheduled), counting at most
// limit of them.
func (s *Syncer) Pending(ctx context.Context, limit int) (int, error) {
	res, err := s.river.JobList(ctx, river.NewJobListParams().Kinds(JobKind).Queues(s.cfg.Queue).States(unfinished...).First(max(limit, 1)))
	if err != nil {
		return 0, err
	}
	return len(res.Jobs), nil
}

// WaitIdle returns once no sync job of the queue is left to run, in any
// process, or when ctx ends. It polls every interval (default 100 ms).
func (s *Syncer) WaitIdle(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = 100 * time.Millisecond
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.Pending(ctx, 1)
		if err != nil && ctx.Err() == nil {
			return err
		}
		if err == nil && n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Job returns a sync job's row, as River keeps it: its state, attempts,
// errors and output.
func (s *Syncer) Job(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	return s.river.JobGet(ctx, id)
}
