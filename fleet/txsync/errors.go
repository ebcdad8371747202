package txsync

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/embedfin/embedfin-go"
)

// FailureReason says why a job ended without syncing. Each is recorded in
// fc_sync_failures.reason and the job is cancelled, not retried: trying
// again cannot help until something changes (a new refresh, a reconnected
// account), and that change brings a job of its own.
type FailureReason string

// Failure reasons.
const (
	// ReasonAccountDisconnected: the account was disconnected; Stripe
	// refreshes it no more.
	ReasonAccountDisconnected FailureReason = "account_disconnected"
	// ReasonAccountInactive: the account is inactive (the institution
	// revoked access, or it was closed).
	ReasonAccountInactive FailureReason = "account_inactive"
	// ReasonAccountNotFound: the API does not know the account (404),
	// under the key and Stripe-Account used.
	ReasonAccountNotFound FailureReason = "account_not_found"
	// ReasonNoRefresh: the account has never had a refresh of the feature
	// (no permission, or never requested).
	ReasonNoRefresh FailureReason = "no_refresh"
	// ReasonRefreshFailed: the refresh failed at the institution. The
	// receiver records it for a refreshed_* event with status failed.
	ReasonRefreshFailed FailureReason = "refresh_failed"
	// ReasonRefreshPending: the refresh stayed pending longer than
	// Config.PendingWait.
	ReasonRefreshPending FailureReason = "refresh_pending_timeout"
	// ReasonCursorRejected: the API refused the stored cursor as
	// transaction_refresh[after] (a database restored from another
	// environment, say). Delete the account's fc_cursors row to resync
	// its whole history.
	ReasonCursorRejected FailureReason = "cursor_rejected"
	// ReasonRequestRejected: any other 4xx answer but 401, 403, 409 and 429
	// (those are retried), or a request the SDK refused to send.
	ReasonRequestRejected FailureReason = "request_rejected"
)

// SyncError is the error of a job cancelled for a FailureReason, as River
// records it among the job's errors.
type SyncError struct {
	// Account and Feature identify the job.
	Account string
	Feature Feature
	// Reason is the typed cause.
	Reason FailureReason
	// Err is the underlying error, if any.
	Err error
}

// Error describes the failure.
func (e *SyncError) Error() string {
	msg := fmt.Sprintf("txsync: %s sync of %s: %s", e.Feature, e.Account, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error() // the SDK's errors carry no secrets
	}
	return msg
}

// Unwrap returns the underlying error.
func (e *SyncError) Unwrap() error { return e.Err }

// classify tells a permanent failure, with its reason, from a transient
// one (ok false), which River retries with backoff: connection errors,
// 5xx, 429, 409, 401, 403, database errors, timeouts.
func classify(err error) (FailureReason, bool) {
	var ve *embedfin.ValidationError
	if errors.As(err, &ve) {
		return ReasonRequestRejected, true
	}
	var ae *embedfin.Error
	if !errors.As(err, &ae) {
		return "", false
	}
	switch code := ae.HTTPStatusCode; {
	case code == http.StatusNotFound:
		return ReasonAccountNotFound, true
	case ae.Code == "account_not_active":
		return ReasonAccountInactive, true
	case ae.Param == "transaction_refresh[after]":
		return ReasonCursorRejected, true
	case code == http.StatusUnauthorized, code == http.StatusForbidden,
		code == http.StatusConflict, code == http.StatusTooManyRequests:
		return "", false
	case code >= 400 && code < 500:
		return ReasonRequestRejected, true
	}
	return "", false
}
