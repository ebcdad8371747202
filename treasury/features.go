package treasury

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/internal/poll"
)

// FeatureState is where a feature stands on an account.
type FeatureState string

// Feature states.
const (
	FeatureActive     FeatureState = "active"
	FeaturePending    FeatureState = "pending"
	FeatureRestricted FeatureState = "restricted"
	// FeatureNotRequested: the feature is in none of the three lists.
	FeatureNotRequested FeatureState = "not_requested"
)

// StateOf reports where feature stands: active, pending, restricted,
// or not requested.
func (fa *FinancialAccount) StateOf(feature Feature) FeatureState {
	if fa == nil {
		return FeatureNotRequested
	}
	switch {
	case slices.Contains(fa.ActiveFeatures, feature):
		return FeatureActive
	case slices.Contains(fa.RestrictedFeatures, feature):
		return FeatureRestricted
	case slices.Contains(fa.PendingFeatures, feature):
		return FeaturePending
	}
	return FeatureNotRequested
}

// ErrFeaturesRestricted is matched (errors.Is) by *FeaturesRestrictedError.
var ErrFeaturesRestricted = errors.New("treasury: features restricted")

// FeaturesRestrictedError reports requested features that Stripe restricted
// (or that were never requested), so waiting cannot make them active.
type FeaturesRestrictedError struct {
	// Restricted lists the requested features in restricted_features.
	Restricted []Feature
	// NotRequested lists requested features absent from every list.
	NotRequested []Feature
	// Account is the financial account as last fetched; its features'
	// status_details say why.
	Account *FinancialAccount
}

// Error lists the features that cannot become active.
func (e *FeaturesRestrictedError) Error() string {
	var parts []string
	if len(e.Restricted) > 0 {
		parts = append(parts, "restricted: "+joinFeatures(e.Restricted))
	}
	if len(e.NotRequested) > 0 {
		parts = append(parts, "not requested: "+joinFeatures(e.NotRequested))
	}
	return fmt.Sprintf("treasury: financial account %s features cannot activate (%s)", e.Account.GetID(), strings.Join(parts, "; "))
}

// Is makes errors.Is(err, ErrFeaturesRestricted) true.
func (e *FeaturesRestrictedError) Is(target error) bool { return target == ErrFeaturesRestricted }

func joinFeatures(fs []Feature) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// ErrFeatureWaitTimeout is returned when FeatureWaitOptions.Timeout passes
// before every feature is active.
var ErrFeatureWaitTimeout = errors.New("treasury: timed out waiting for features to activate")

// FeatureWaitOptions tunes WaitForFeatures. The zero value polls after
// about 2 s, then 1.5 times longer each time up to 60 s, until the
// context ends: some features take up to about 30 minutes to activate.
type FeatureWaitOptions struct {
	// MinInterval and MaxInterval bound the pause between polls.
	MinInterval, MaxInterval time.Duration
	// Timeout bounds the wait in addition to the context; 0 means none.
	Timeout time.Duration
}

var defaultFeatureWait = poll.Interval{Min: 2 * time.Second, Max: time.Minute, Factor: 1.5}

// WaitForFeatures polls the financial account until every requested
// feature is active and returns the account. It stops early with a
// *FeaturesRestrictedError when a requested feature is restricted or was
// never requested (it cannot become active by waiting), and returns
// ctx.Err() or ErrFeatureWaitTimeout when the wait ends first. Pass the
// connected account with opts (embedfin.WithStripeAccount) as for any
// Treasury call. wait may be nil.
func (s *FinancialAccountService) WaitForFeatures(ctx context.Context, id string, features []Feature, wait *FeatureWaitOptions, opts ...embedfin.RequestOption) (*FinancialAccount, error) {
	if ctx == nil {
		return nil, &embedfin.ValidationError{Param: "ctx", Reason: "context must not be nil"}
	}
	if len(features) == 0 {
		return nil, &embedfin.ValidationError{Param: "features", Reason: "name at least one feature to wait for"}
	}
	var o FeatureWaitOptions
	if wait != nil {
		o = *wait
	}
	iv := poll.Interval{Min: o.MinInterval, Max: o.MaxInterval}.Normalize(defaultFeatureWait)
	var result *FinancialAccount
	err := poll.Until(ctx, iv, o.Timeout, func(ctx context.Context) (bool, error) {
		fa, err := s.Retrieve(ctx, id, nil, opts...)
		if err != nil {
			return false, err
		}
		var restricted, missing []Feature
		active := 0
		for _, f := range features {
			switch fa.StateOf(f) {
			case FeatureActive:
				active++
			case FeatureRestricted:
				restricted = append(restricted, f)
			case FeatureNotRequested:
				missing = append(missing, f)
			}
		}
		if len(restricted) > 0 || len(missing) > 0 {
			return false, &FeaturesRestrictedError{Restricted: restricted, NotRequested: missing, Account: fa}
		}
		if active == len(features) {
			result = fa
			return true, nil
		}
		return false, nil
	})
	if errors.Is(err, poll.ErrTimeout) {
		return nil, ErrFeatureWaitTimeout
	}
	if err != nil {
		return nil, err
	}
	return result, nil
}
