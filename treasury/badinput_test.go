package treasury_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/internal/badinput"
	"github.com/embedfin/embedfin-go/treasury"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func buildBadInput(c *embedfin.Client) any { return treasury.New(c) }

// TestBadInputEveryMethod runs the bad-input table (nil context, bad IDs,
// nil and empty params, bad responses) on every method of the package.
func TestBadInputEveryMethod(t *testing.T) {
	t.Parallel()
	badinput.RunAll(t, buildBadInput, "FinancialAccounts.WaitForFeatures")
}

// TestBadInputNegativeLimits sends limit -1 to every list method of the
// package on the emulator and checks the typed 4xx that comes back.
func TestBadInputNegativeLimits(t *testing.T) {
	t.Parallel()
	badinput.EmulatorNegativeLimits(t, buildBadInput)
}

func TestBadInputWaitForFeatures(t *testing.T) {
	t.Parallel()
	tr := &badinput.Transport{Respond: func(*http.Request) *http.Response {
		return badinput.JSON(200, `{"id":"fa_1","object":"treasury.financial_account","active_features":["card_issuing"]}`)
	}}
	fas := treasury.New(badinput.NewClient(t, tr)).FinancialAccounts
	ctx := context.Background()
	var nilCtx context.Context
	wait := &treasury.FeatureWaitOptions{MinInterval: time.Millisecond, MaxInterval: time.Millisecond, Timeout: time.Second}
	features := []treasury.Feature{treasury.FeatureCardIssuing}

	calls := map[string]func() error{
		"nil ctx": func() error {
			_, err := fas.WaitForFeatures(nilCtx, "fa_1", features, nil)
			return err
		},
		"nil ctx with timeout": func() error {
			_, err := fas.WaitForFeatures(nilCtx, "fa_1", features, wait)
			return err
		},
		"no features": func() error {
			_, err := fas.WaitForFeatures(ctx, "fa_1", nil, wait)
			return err
		},
	}
	for _, id := range badinput.BadIDs {
		calls["id "+id] = func() error {
			_, err := fas.WaitForFeatures(ctx, id, features, wait)
			return err
		}
	}
	for name, call := range calls {
		var err error
		require.NotPanics(t, func() { err = call() }, name)
		var ve *embedfin.ValidationError
		require.ErrorAs(t, err, &ve, name)
	}
	assert.Zero(t, tr.Count(), "no bad input reached the network")

	// Nil accounts and unknown currencies or features give zero values.
	var nilFA *treasury.FinancialAccount
	assert.Equal(t, treasury.Balance{Currency: "usd"}, nilFA.BalanceIn("usd"))
	assert.Nil(t, nilFA.Balances())
	assert.Equal(t, treasury.FeatureNotRequested, nilFA.StateOf("card_issuing"))
	assert.Equal(t, treasury.Balance{Currency: "xyz"}, (&treasury.FinancialAccount{}).BalanceIn("xyz"))
}
