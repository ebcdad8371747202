package financialconnections

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/internal/redact"
)

// UpsertFunc stores one transaction, replacing any earlier version with the
// same ID. It must be idempotent: a replayed sync hands it the same
// transactions again.
type UpsertFunc func(ctx context.Context, txn *Transaction) error

// SyncResult is the outcome of one incremental sync.
type SyncResult struct {
	// Account is the synced account's ID.
	Account string
	// Cursor is the transaction refresh the store is now up to date with:
	// pass it as the cursor of the next sync. On failure it is the cursor
	// the sync started from, unchanged.
	Cursor string
	// Upserted counts the transactions handed to the upsert function.
	Upserted int
	// Err is why the sync stopped early, or nil.
	Err error
}

// ErrRefreshPending is returned by SyncTransactions when the account's
// latest transaction refresh has not finished: wait for it
// (WaitForRefresh, or the financial_connections.account.refreshed_transactions
// event) and sync then.
var ErrRefreshPending = errors.New("financialconnections: the latest transaction refresh is still pending")

// UpsertError wraps the error of the upsert function, naming the
// transaction it failed on.
type UpsertError struct {
	// TransactionID is the transaction that could not be stored.
	TransactionID string
	// Err is the upsert function's error.
	Err error
}

// Error names the transaction and the cause.
func (e *UpsertError) Error() string {
	// The cause is the caller's own error; mask anything secret-looking in
	// it all the same, since this string ends up in logs.
	return redact.String(fmt.Sprintf("financialconnections: storing transaction %s: %v", e.TransactionID, e.Err))
}

// Unwrap returns the upsert function's error.
func (e *UpsertError) Unwrap() error { return e.Err }

// SyncTransactions brings a store up to date with an account's
// transactions, as in the webhook recipe of Stripe's transactions guide:
// it lists every transaction created or updated by refreshes after cursor
// (the fctxnref_ ID of the last refresh the store has; "" pulls the whole
// history), across pages, hands each to upsert in order, and returns the
// new cursor: the account's latest succeeded transaction refresh.
//
// The cursor is read before listing, so a refresh that completes during
// the sync is picked up by the next one (its transactions may be upserted
// twice, which upsert must tolerate). If upsert fails, the sync stops and
// the result keeps the old cursor, so a retry resumes safely. A pending
// refresh returns ErrRefreshPending, a failed one *RefreshFailedError, an
// inactive or disconnected account *AccountNotActiveError — all with the
// old cursor.
func (s *TransactionService) SyncTransactions(ctx context.Context, accountID, cursor string, upsert UpsertFunc, opts ...embedfin.RequestOption) SyncResult {
	res := SyncResult{Account: accountID, Cursor: cursor}
	if upsert == nil {
		res.Err = &embedfin.ValidationError{Param: "upsert", Reason: "an upsert function is required"}
		return res
	}
	accounts := &AccountService{c: s.c}
	acct, err := accounts.Retrieve(ctx, accountID, nil, opts...)
	if err != nil {
		res.Err = err
		return res
	}
	if acct.Status == AccountStatusInactive || acct.Status == AccountStatusDisconnected {
		res.Err = &AccountNotActiveError{Account: acct}
		return res
	}
	state, ok := acct.RefreshOf(AccountFeatureTransactions)
	switch {
	case !ok:
		res.Err = ErrNoRefresh
		return res
	case state.Status == RefreshStatusPending:
		res.Err = ErrRefreshPending
		return res
	case state.Status == RefreshStatusFailed:
		res.Err = &RefreshFailedError{Feature: AccountFeatureTransactions, Account: acct}
		return res
	}
	if state.ID == cursor {
		return res // nothing new since the store's cursor
	}

	params := &TransactionListParams{Account: embedfin.Ptr(accountID)}
	params.Limit = embedfin.Ptr(int64(100))
	if cursor != "" {
		params.TransactionRefresh = &TransactionTransactionRefreshParams{After: embedfin.Ptr(cursor)}
	}
	for txn, err := range s.All(ctx, params, opts...) {
		if err != nil {
			res.Err = err
			return res
		}
		if err := upsert(ctx, txn); err != nil {
			res.Err = &UpsertError{TransactionID: txn.ID, Err: err}
			return res
		}
		res.Upserted++
	}
	res.Cursor = state.ID
	return res
}

// SyncTarget names an account to sync and the cursor its store holds.
type SyncTarget struct {
	// Account is the Financial Connections account ID (fca_...).
	Account string
	// Cursor is the last transaction refresh ID the store has; "" for none.
	Cursor string
}

// SyncMany runs SyncTransactions for many accounts with at most
// concurrency of them in flight (1 if less). The calls share the client, so
// its rate limit (embedfin.WithRateLimit) bounds the request rate across
// all of them. One account's failure does not stop the others; a cancelled
// context does. Results come back in the order of targets.
func (s *TransactionService) SyncMany(ctx context.Context, targets []SyncTarget, concurrency int, upsert UpsertFunc, opts ...embedfin.RequestOption) []SyncResult {
	results := make([]SyncResult, len(targets))
	concurrency = max(concurrency, 1)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(concurrency, len(targets)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results[i] = s.SyncTransactions(ctx, targets[i].Account, targets[i].Cursor, upsert, opts...)
			}
		}()
	}
	for i := range targets {
		if ctx != nil && ctx.Err() != nil { // a nil ctx fails in each SyncTransactions
			results[i] = SyncResult{Account: targets[i].Account, Cursor: targets[i].Cursor, Err: ctx.Err()}
			continue
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}
