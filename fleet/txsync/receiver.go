package txsync

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/embedfin/embedfin-go/events"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/webhook"
	"github.com/riverqueue/river"
)

// Events the receiver handles.
var receivedEvents = []events.EventType{
	events.EventTypeFinancialConnectionsAccountRefreshedTransactions,
	events.EventTypeFinancialConnectionsAccountRefreshedBalance,
	events.EventTypeFinancialConnectionsAccountRefreshedOwnership,
	events.EventTypeFinancialConnectionsAccountDisconnected,
	events.EventTypeFinancialConnectionsAccountDeactivated,
	events.EventTypeFinancialConnectionsAccountReactivated,
}

// Receiver returns the webhook endpoint: a webhook.Handler (signature
// verification with secret, body size limit, the opts) on which Register
// has put the sync's events. Mount it where Stripe delivers events; more
// event types may be registered on it.
func (s *Syncer) Receiver(secret string, opts ...webhook.Option) *webhook.Handler {
	h := webhook.NewHandler(secret, opts...)
	s.Register(h)
	return h
}

// Register puts the sync's events on h. For each event, in one database
// transaction, it records the event in fc_events and inserts its job:
//
//   - financial_connections.account.refreshed_transactions,
//     refreshed_balance, refreshed_ownership: a job for the account, the
//     feature and the refresh, when the refresh succeeded; a failed one is
//     recorded in fc_sync_failures (ReasonRefreshFailed) instead.
//   - financial_connections.account.disconnected, deactivated,
//     reactivated: a job that updates the account's row.
//
// The handler answers 2xx only after that transaction commits, and 500
// when it fails (Stripe then delivers again). An event already recorded
// is answered 200 and changes nothing; a bad signature is answered 400
// before the database is touched. It panics if h already handles one of
// these types.
func (s *Syncer) Register(h *webhook.Handler) {
	for _, t := range receivedEvents {
		webhook.On(h, t, s.receive)
	}
}

// jobFor is the job and the failure an event calls for (either may be nil).
func jobFor(ev webhook.Event, acct *fc.Account) (*JobArgs, *Failure) {
	args := &JobArgs{Account: acct.ID, Event: ev.ID}
	if ev.Account != nil {
		args.StripeAccount = *ev.Account
	}
	failed := func(f Feature) (*JobArgs, *Failure) {
		return nil, &Failure{Account: acct.ID, Feature: f, Reason: ReasonRefreshFailed, Event: ev.ID, Detail: "the refresh event reported status failed"}
	}
	switch ev.Type {
	case events.EventTypeFinancialConnectionsAccountRefreshedTransactions:
		r := acct.TransactionRefresh
		if r == nil {
			return nil, &Failure{Account: acct.ID, Feature: FeatureTransactions, Reason: ReasonNoRefresh, Event: ev.ID}
		}
		if r.Status == fc.RefreshStatusFailed {
			return failed(FeatureTransactions)
		}
		args.Feature, args.Refresh = FeatureTransactions, r.ID
	case events.EventTypeFinancialConnectionsAccountRefreshedBalance:
		r := acct.BalanceRefresh
		if r != nil && r.Status == fc.RefreshStatusFailed {
			return failed(FeatureBalance)
		}
		args.Feature, args.Refresh = FeatureBalance, "balance@"+ev.ID
		if r != nil {
			args.Refresh = "balance@" + strconv.FormatInt(r.LastAttemptedAt, 10)
		}
	case events.EventTypeFinancialConnectionsAccountRefreshedOwnership:
		r := acct.OwnershipRefresh
		if r != nil && r.Status == fc.RefreshStatusFailed {
			return failed(FeatureOwnership)
		}
		args.Feature, args.Refresh = FeatureOwnership, "ownership@"+ev.ID
		if acct.Ownership != nil && acct.Ownership.ID != "" {
			args.Refresh = acct.Ownership.ID
		}
	default:
		args.Feature, args.Refresh = FeatureAccount, ev.ID
	}
	return args, nil
}

// receive records one event and enqueues its job, in one transaction.
func (s *Syncer) receive(ctx context.Context, ev webhook.Event, acct *fc.Account) error {
	if acct.ID == "" {
		return fmt.Errorf("txsync: event %s has no account ID in data.object", ev.ID)
	}
	job, failure := jobFor(ev, acct)
	stripeAccount := ""
	if ev.Account != nil {
		stripeAccount = *ev.Account
	}
	now := time.Now()
	return s.db.tx(ctx, s.river, func(q querier, ins inserter) error {
		n, err := q.exec(ctx, insertEventSQL, ev.ID, string(ev.Type), acct.ID, stripeAccount, ev.Created, now.Unix())
		if err != nil {
			return fmt.Errorf("txsync: recording event %s: %w", ev.ID, err)
		}
		if n == 0 {
			return nil // recorded before: its job was enqueued then
		}
		if failure != nil {
			failure.FailedAt = now
			if err := recordFailure(ctx, q, *failure); err != nil {
				return fmt.Errorf("txsync: recording event %s: %w", ev.ID, err)
			}
		}
		if job == nil {
			return nil
		}
		res, err := ins(ctx, []river.InsertManyParams{s.insertParams(*job)})
		if err != nil {
			return fmt.Errorf("txsync: enqueueing the job of event %s: %w", ev.ID, err)
		}
		if _, err := q.exec(ctx, `UPDATE {S}fc_events SET job_id = $2 WHERE id = $1`, ev.ID, res[0].Job.ID); err != nil {
			return fmt.Errorf("txsync: recording event %s: %w", ev.ID, err)
		}
		return nil
	})
}
