package financialconnections

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/internal/poll"
)

// RefreshState is the latest refresh of one feature of an account, read
// from its balance_refresh, ownership_refresh or transaction_refresh.
type RefreshState struct {
	// Status of the refresh.
	Status RefreshStatus
	// LastAttemptedAt is when it started, in Unix seconds.
	LastAttemptedAt int64
	// NextRefreshAvailableAt is the earliest time another refresh may be
	// requested, in Unix seconds; nil when Stripe gave none (null).
	NextRefreshAvailableAt *int64
	// ID identifies a transaction refresh (fctxnref_...); it is the cursor
	// of incremental transaction syncs. Empty for the other features.
	ID string
}

// RefreshOf returns the state of the feature's latest refresh, and false
// when the account has never had one (the field is null).
func (a *Account) RefreshOf(feature AccountFeature) (RefreshState, bool) {
	if a == nil {
		return RefreshState{}, false
	}
	switch feature {
	case AccountFeatureBalance:
		if r := a.BalanceRefresh; r != nil {
			return RefreshState{RefreshStatus(r.Status), r.LastAttemptedAt, r.NextRefreshAvailableAt, ""}, true
		}
	case AccountFeatureOwnership:
		if r := a.OwnershipRefresh; r != nil {
			return RefreshState{RefreshStatus(r.Status), r.LastAttemptedAt, r.NextRefreshAvailableAt, ""}, true
		}
	case AccountFeatureTransactions:
		if r := a.TransactionRefresh; r != nil {
			return RefreshState{RefreshStatus(r.Status), r.LastAttemptedAt, r.NextRefreshAvailableAt, r.ID}, true
		}
	}
	return RefreshState{}, false
}

// ErrNoRefresh is returned by WaitForRefresh when the account has never had
// a refresh of the feature, so there is nothing to wait for.
var ErrNoRefresh = errors.New("financialconnections: the account has no refresh of this feature; start one with Refresh (or RefreshAndWait)")

// ErrAccountNotActive is matched (errors.Is) by the *AccountNotActiveError
// of waits and syncs on an inactive or disconnected account.
var ErrAccountNotActive = errors.New("financialconnections: account is not active")

// AccountNotActiveError reports an account whose data can no longer be
// refreshed: inactive or disconnected.
type AccountNotActiveError struct {
	// Account as last fetched.
	Account *Account
}

// Error names the account and its status.
func (e *AccountNotActiveError) Error() string {
	var status AccountStatus
	if e.Account != nil {
		status = e.Account.Status
	}
	return fmt.Sprintf("financialconnections: account %s is %s: its data cannot be refreshed", e.Account.GetID(), status)
}

// Is makes errors.Is(err, ErrAccountNotActive) true.
func (e *AccountNotActiveError) Is(target error) bool { return target == ErrAccountNotActive }

// ErrRefreshFailed is matched (errors.Is) by *RefreshFailedError.
var ErrRefreshFailed = errors.New("financialconnections: refresh failed")

// RefreshFailedError reports a refresh that ended in failed. The account,
// as fetched when the failure was seen, tells when the next attempt is
// allowed (RefreshOf(...).NextRefreshAvailableAt).
type RefreshFailedError struct {
	// Feature whose refresh failed.
	Feature AccountFeature
	// Account as fetched when the failure was seen.
	Account *Account
}

// Error names the feature and the account.
func (e *RefreshFailedError) Error() string {
	return fmt.Sprintf("financialconnections: %s refresh of account %s failed", e.Feature, e.Account.GetID())
}

// Is makes errors.Is(err, ErrRefreshFailed) true.
func (e *RefreshFailedError) Is(target error) bool { return target == ErrRefreshFailed }

// ErrWaitTimeout is returned when WaitOptions.Timeout passes before the
// refresh finishes (the caller's own context deadline returns
// context.DeadlineExceeded instead).
var ErrWaitTimeout = errors.New("financialconnections: timed out waiting for the refresh")

// WaitOptions tunes WaitForRefresh. The zero value polls after about 0.5 s,
// then 1.5 times longer each time up to 10 s, until the context ends.
type WaitOptions struct {
	// MinInterval and MaxInterval bound the pause between polls.
	MinInterval, MaxInterval time.Duration
	// Timeout bounds the wait in addition to the context; 0 means none.
	Timeout time.Duration
}

var defaultWait = poll.Interval{Min: 500 * time.Millisecond, Max: 10 * time.Second, Factor: 1.5}

// WaitForRefresh polls the account until the latest refresh of feature
// leaves pending. It returns the account when the refresh succeeded, a
// *RefreshFailedError (carrying the account) when it failed, a
// *AccountNotActiveError at once for an inactive or disconnected account,
// ErrNoRefresh when no refresh was ever started, and ctx.Err() or
// ErrWaitTimeout when the wait ends first. wait may be nil; opts apply to
// every poll (embedfin.WithStripeAccount for a connected account's data).
//
// Refreshes finish asynchronously; a webhook
// (financial_connections.account.refreshed_*) is the push alternative.
func (s *AccountService) WaitForRefresh(ctx context.Context, id string, feature AccountFeature, wait *WaitOptions, opts ...embedfin.RequestOption) (*Account, error) {
	if ctx == nil {
		return nil, &embedfin.ValidationError{Param: "ctx", Reason: "context must not be nil"}
	}
	if err := checkFeature(feature); err != nil {
		return nil, err
	}
	var o WaitOptions
	if wait != nil {
		o = *wait
	}
	iv := poll.Interval{Min: o.MinInterval, Max: o.MaxInterval}.Normalize(defaultWait)
	var result *Account
	err := poll.Until(ctx, iv, o.Timeout, func(ctx context.Context) (bool, error) {
		acct, err := s.Retrieve(ctx, id, nil, opts...)
		if err != nil {
			return false, err
		}
		if acct.Status == AccountStatusInactive || acct.Status == AccountStatusDisconnected {
			return false, &AccountNotActiveError{Account: acct}
		}
		state, ok := acct.RefreshOf(feature)
		if !ok {
			return false, ErrNoRefresh
		}
		switch state.Status {
		case RefreshStatusSucceeded:
			result = acct
			return true, nil
		case RefreshStatusFailed:
			return false, &RefreshFailedError{Feature: feature, Account: acct}
		}
		return false, nil
	})
	if errors.Is(err, poll.ErrTimeout) {
		return nil, ErrWaitTimeout
	}
	if err != nil {
		return nil, err
	}
	return result, nil
}

// RefreshAndWait starts a refresh of feature and waits for it to finish, as
// WaitForRefresh does. It retrieves the account first: an inactive or
// disconnected account fails with a *AccountNotActiveError before the
// refresh is requested (and so does one that became inactive in between,
// which Stripe refuses to refresh).
func (s *AccountService) RefreshAndWait(ctx context.Context, id string, feature AccountFeature, wait *WaitOptions, opts ...embedfin.RequestOption) (*Account, error) {
	if err := checkFeature(feature); err != nil {
		return nil, err
	}
	cur, err := s.Retrieve(ctx, id, nil, opts...)
	if err != nil {
		return nil, err
	}
	if cur.Status == AccountStatusInactive || cur.Status == AccountStatusDisconnected {
		return nil, &AccountNotActiveError{Account: cur}
	}
	acct, err := s.Refresh(ctx, id, &AccountRefreshParams{Features: []AccountFeature{feature}}, opts...)
	if err != nil {
		// Stripe refuses to refresh an account that became inactive since
		// it was retrieved; say so plainly.
		var apiErr *embedfin.Error
		if errors.As(err, &apiErr) && apiErr.HTTPStatusCode == 400 {
			if cur, rerr := s.Retrieve(ctx, id, nil, opts...); rerr == nil && (cur.Status == AccountStatusInactive || cur.Status == AccountStatusDisconnected) {
				return nil, &AccountNotActiveError{Account: cur}
			}
		}
		return nil, err
	}
	if acct.Status == AccountStatusInactive || acct.Status == AccountStatusDisconnected {
		return nil, &AccountNotActiveError{Account: acct}
	}
	if state, ok := acct.RefreshOf(feature); ok {
		switch state.Status {
		case RefreshStatusSucceeded:
			return acct, nil
		case RefreshStatusFailed:
			return nil, &RefreshFailedError{Feature: feature, Account: acct}
		}
	}
	return s.WaitForRefresh(ctx, id, feature, wait, opts...)
}

func checkFeature(f AccountFeature) error {
	switch f {
	case AccountFeatureBalance, AccountFeatureOwnership, AccountFeatureTransactions:
		return nil
	}
	return &embedfin.ValidationError{Param: "feature", Reason: fmt.Sprintf("%q is not a refresh feature (use AccountFeatureBalance, AccountFeatureOwnership or AccountFeatureTransactions)", string(f))}
}
