package stripetest

import (
	"context"
	"net/http"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	fc "github.com/embedfin/embedfin-go/financialconnections"
)

// Helpers for programs that drive the emulator without a browser. Each
// calls an emulator-only test-helper endpoint: Stripe has none of them,
// since a person does these steps there.

// OnboardAccount completes a connected account's onboarding as its holder
// would on the hosted onboarding page, with Stripe's test data (a company,
// its representative, the test bank account, the terms accepted): the
// requirements are met, the requested capabilities become active, and
// account.updated, capability.updated and account.external_account.created
// are emitted. It calls POST /v1/test_helpers/accounts/{account}/onboard
// (business_type=individual onboards an individual instead), which only
// the emulator has: against Stripe, send the account holder to an
// account_onboarding AccountLink.
func OnboardAccount(ctx context.Context, c *embedfin.Client, accountID string, opts ...embedfin.RequestOption) (*connect.Account, error) {
	path, err := embedfin.Path("/v1/test_helpers/accounts/{account}/onboard", accountID)
	if err != nil {
		return nil, err
	}
	acct := new(connect.Account)
	if err := c.Do(ctx, http.MethodPost, path, nil, acct, opts...); err != nil {
		return nil, err
	}
	return acct, nil
}

// CompleteSession completes a Financial Connections session as a test
// user would in Stripe.js: it links the accounts of a test institution
// (see Institution; p may be nil for the default bank) and returns them.
// Prefetched data starts refreshing. It calls
// POST /v1/test_helpers/financial_connections/sessions/{session}/complete,
// which only the emulator has.
func CompleteSession(ctx context.Context, c *embedfin.Client, sessionID string, p *CompleteSessionParams, opts ...embedfin.RequestOption) ([]*fc.Account, error) {
	path, err := embedfin.Path("/v1/test_helpers/financial_connections/sessions/{session}/complete", sessionID)
	if err != nil {
		return nil, err
	}
	sess := new(fc.Session)
	if err := c.Do(ctx, http.MethodPost, path, p, sess, opts...); err != nil {
		return nil, err
	}
	if sess.Accounts == nil {
		return []*fc.Account{}, nil
	}
	return sess.Accounts.Data, nil
}
