package financialconnections_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/internal/badinput"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func buildFC(c *embedfin.Client) any { return fc.New(c) }

func TestBadInputEveryMethod(t *testing.T) {
	t.Parallel()
	badinput.RunAll(t, buildFC,
		"Accounts.RefreshAndWait", "Accounts.WaitForRefresh", "Transactions.SyncMany", "Transactions.SyncTransactions")
}

func TestBadInputNegativeLimits(t *testing.T) {
	t.Parallel()
	badinput.EmulatorNegativeLimits(t, buildFC)
}

// offline returns a client whose transport counts requests and answers
// each with body.
func offline(t *testing.T, body string) (*fc.Client, *badinput.Transport) {
	tr := &badinput.Transport{Respond: func(*http.Request) *http.Response { return badinput.JSON(200, body) }}
	return fc.New(badinput.NewClient(t, tr)), tr
}

var quick = &fc.WaitOptions{MinInterval: time.Millisecond, MaxInterval: time.Millisecond, Timeout: time.Second}

func TestBadInputWorkflowHelpers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client, tr := offline(t, `{"id":"fca_1","object":"financial_connections.account","status":"active"}`)
	upsert := func(context.Context, *fc.Transaction) error { return nil }
	var nilCtx context.Context

	type call struct {
		name string
		fn   func() error
	}
	var calls []call
	for _, id := range badinput.BadIDs {
		calls = append(calls,
			call{"WaitForRefresh id " + id, func() error {
				_, err := client.Accounts.WaitForRefresh(ctx, id, fc.AccountFeatureBalance, quick)
				return err
			}},
			call{"RefreshAndWait id " + id, func() error {
				_, err := client.Accounts.RefreshAndWait(ctx, id, fc.AccountFeatureBalance, quick)
				return err
			}},
			call{"SyncTransactions id " + id, func() error { return client.Transactions.SyncTransactions(ctx, id, "", upsert).Err }},
			call{"SyncMany id " + id, func() error {
				res := client.Transactions.SyncMany(ctx, []fc.SyncTarget{{Account: id}}, 1, upsert)
				require.Len(t, res, 1)
				return res[0].Err
			}},
		)
	}
	for _, feature := range []fc.AccountFeature{"", "bogus", "TRANSACTIONS"} {
		calls = append(calls,
			call{"WaitForRefresh feature " + string(feature), func() error {
				_, err := client.Accounts.WaitForRefresh(ctx, "fca_1", feature, quick)
				return err
			}},
			call{"RefreshAndWait feature " + string(feature), func() error {
				_, err := client.Accounts.RefreshAndWait(ctx, "fca_1", feature, quick)
				return err
			}},
		)
	}
	calls = append(calls,
		call{"WaitForRefresh nil ctx", func() error {
			_, err := client.Accounts.WaitForRefresh(nilCtx, "fca_1", fc.AccountFeatureBalance, nil)
			return err
		}},
		call{"WaitForRefresh nil ctx with timeout", func() error {
			_, err := client.Accounts.WaitForRefresh(nilCtx, "fca_1", fc.AccountFeatureBalance, quick)
			return err
		}},
		call{"RefreshAndWait nil ctx", func() error {
			_, err := client.Accounts.RefreshAndWait(nilCtx, "fca_1", fc.AccountFeatureBalance, quick)
			return err
		}},
		call{"SyncTransactions nil ctx", func() error { return client.Transactions.SyncTransactions(nilCtx, "fca_1", "", upsert).Err }},
		call{"SyncTransactions nil upsert", func() error { return client.Transactions.SyncTransactions(ctx, "fca_1", "", nil).Err }},
		call{"SyncMany nil ctx", func() error {
			res := client.Transactions.SyncMany(nilCtx, []fc.SyncTarget{{Account: "fca_1"}, {Account: "fca_2"}}, 2, upsert)
			require.Len(t, res, 2)
			return res[1].Err
		}},
		call{"SyncMany nil upsert", func() error {
			res := client.Transactions.SyncMany(ctx, []fc.SyncTarget{{Account: "fca_1"}}, 0, nil)
			require.Len(t, res, 1)
			return res[0].Err
		}},
	)
	for _, c := range calls {
		var err error
		require.NotPanics(t, func() { err = c.fn() }, c.name)
		var ve *embedfin.ValidationError
		require.ErrorAs(t, err, &ve, c.name)
		assert.NotEmpty(t, ve.Param, c.name)
	}
	assert.Zero(t, tr.Count(), "no bad input reached the network: %v", tr.Requests())

	// Nothing to sync, and odd concurrency, are fine.
	assert.Empty(t, client.Transactions.SyncMany(ctx, nil, -3, upsert))
	assert.Empty(t, client.Transactions.SyncMany(ctx, []fc.SyncTarget{}, 0, upsert))
	var nilAcct *fc.Account
	_, ok := nilAcct.RefreshOf(fc.AccountFeatureBalance)
	assert.False(t, ok)
}

// A sync must not advance its cursor on a response that is not what it
// asked for: every failure below keeps the old cursor and is typed.
func TestBadInputSyncOnBadResponses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	account := `{"id":"fca_1","object":"financial_connections.account","status":"active","transaction_refresh":{"id":"fctxnref_new","status":"succeeded","last_attempted_at":1}}`
	for name, page := range map[string]string{
		"empty object":   `{}`,
		"null":           `null`,
		"another object": `{"id":"fca_1","object":"financial_connections.account"}`,
		"truncated":      `{"object":"list","data":[{"id":"fctxn_1"`,
		"html":           `<html>`,
		"null items":     `{"object":"list","data":[null,null],"has_more":true,"url":"/v1/financial_connections/transactions"}`,
	} {
		tr := &badinput.Transport{Respond: func(r *http.Request) *http.Response {
			if r.URL.Path == "/v1/financial_connections/accounts/fca_1" {
				return badinput.JSON(200, account)
			}
			return badinput.JSON(200, page)
		}}
		client := fc.New(badinput.NewClient(t, tr))
		var stored []*fc.Transaction
		var res fc.SyncResult
		require.NotPanics(t, func() {
			res = client.Transactions.SyncTransactions(ctx, "fca_1", "fctxnref_old", func(_ context.Context, txn *fc.Transaction) error {
				stored = append(stored, txn)
				return nil
			})
		}, name)
		require.Error(t, res.Err, name)
		assert.True(t, badinput.IsTyped(res.Err) || res.Err == embedfin.ErrPaginationStalled, "%s: %T %v", name, res.Err, res.Err)
		assert.Equal(t, "fctxnref_old", res.Cursor, name)
		for _, txn := range stored {
			assert.NotNil(t, txn, "%s: upsert was handed nil", name)
		}
	}
}

func TestUpsertErrorMasksSecrets(t *testing.T) {
	t.Parallel()
	err := &fc.UpsertError{TransactionID: "fctxn_1", Err: errors.New("db rejected sk_test_abcdefghijklmn for account_number=000123456789")}
	assert.NotContains(t, err.Error(), "abcdefghijklmn")
	assert.NotContains(t, err.Error(), "000123456789")
	assert.Contains(t, err.Error(), "fctxn_1")
}
