package embedfin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/form"
)

// GET queries are encoded by package form since it replaced go-querystring
// on that path; the server must still receive exactly the pairs
// go-querystring gives (plus the Params extras after them).
func TestGetQueryMatchesGoQuerystring(t *testing.T) {
	var got []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			t.Errorf("unparsable query %q: %v", r.URL.RawQuery, err)
		}
		got = append(got, q)
		_, _ = w.Write([]byte(`{"object":"list","data":[],"has_more":false,"url":"/v1/x"}`))
	}))
	defer srv.Close()
	c, err := embedfin.NewClient(testKey, embedfin.WithBaseURL(srv.URL))
	require.NoError(t, err)

	txParams := &financialconnections.TransactionListParams{
		Account:            embedfin.Ptr("fca_1 &=?"),
		TransactedAtRange:  &embedfin.RangeQueryParams{GreaterThan: embedfin.Ptr[int64](5), LesserThanOrEqual: embedfin.Ptr[int64](-9)},
		TransactionRefresh: &financialconnections.TransactionTransactionRefreshParams{After: embedfin.Ptr("fctxnref_1")},
	}
	txParams.Limit = embedfin.Ptr[int64](100)
	txParams.StartingAfter = embedfin.Ptr("fctxn_[1]")
	txParams.AddExpand("data.account", "data.transaction_refresh")
	txParams.AddExtra("beta[flag]", "on off")
	txParams.Unset("metadata")

	evParams := &events.EventListParams{
		Types:           []events.EventType{"financial_connections.account.created", "customer.updated"},
		DeliverySuccess: embedfin.Ptr(false),
		Created:         embedfin.Ptr[int64](1767225600),
	}
	srParams := &customers.CustomerSearchParams{}
	srParams.Query = "email:'jenny.rosen@example.com' AND metadata['k']:'v'"
	srParams.Page = embedfin.Ptr("pg_1")

	ctx := context.Background()
	cases := []struct {
		params any
		call   func() error
	}{
		{txParams, func() error {
			_, err := financialconnections.New(c).Transactions.List(ctx, txParams)
			return err
		}},
		{evParams, func() error { _, err := events.New(c).Events.List(ctx, evParams); return err }},
		{srParams, func() error {
			_, err := c.RawRequest(ctx, http.MethodGet, "/v1/customers/search", srParams)
			return err
		}},
		{(*events.EventListParams)(nil), func() error {
			_, err := c.RawRequest(ctx, http.MethodGet, "/v1/events", (*events.EventListParams)(nil))
			return err
		}},
	}
	for i, tc := range cases {
		require.NoError(t, tc.call())
		want := url.Values{}
		if v, err := query.Values(tc.params); err == nil {
			want = v
		}
		if ep, ok := tc.params.(form.ExtraProvider); ok && !reflect.ValueOf(ep).IsNil() {
			for _, pr := range ep.FormExtra() {
				want.Add(pr.Key, pr.Value)
			}
		}
		assert.Equal(t, want, got[i], "case %d", i)
	}
	assert.Len(t, got, len(cases))
}
