package stripetest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go/connect"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var ctx = context.Background()

func newServer(t *testing.T, opts ...stripetest.Option) *stripetest.Server {
	t.Helper()
	srv := stripetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// raw sends a request by hand, to check what the SDK would not send.
func raw(t *testing.T, srv *stripetest.Server, method, path, key, body string, hdr ...string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, tc := range []struct {
		key  string
		want string
	}{
		{"", "You did not provide an API key"},
		{"sk_live_abcdefghijkl", "test keys only"},
		{"pk_test_abcdefghijkl", "Invalid API Key provided: pk_test_***ijkl"},
	} {
		status, body, hdr := raw(t, srv, "GET", "/v1/customers", tc.key, "")
		assert.Equal(t, 401, status)
		assert.Contains(t, body, tc.want)
		assert.NotContains(t, body, "abcdefgh", "keys are masked in errors")
		assert.NotEmpty(t, hdr.Get("Request-Id"))
	}
	status, body, _ := raw(t, srv, "GET", "/v1/nope", stripetest.DefaultKey, "")
	assert.Equal(t, 404, status)
	assert.Contains(t, body, "Unrecognized request URL (GET: /v1/nope)")
}

func TestCustomersCRUDAndSearch(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cs := customers.New(srv.Client()).Customers
	jenny, err := cs.Create(ctx, &customers.CustomerCreateParams{
		Name:  embedfin.Ptr("Jenny Rosen"),
		Email: embedfin.Ptr("jennyrosen@example.com"),
		Phone: embedfin.Ptr("+1 212-555-5555"),
		Address: &embedfin.AddressParams{
			Line1: embedfin.Ptr("354 Oyster Point Blvd"), City: embedfin.Ptr("South San Francisco"),
			State: embedfin.Ptr("CA"), PostalCode: embedfin.Ptr("94080"), Country: embedfin.Ptr("US"),
		},
		Metadata: map[string]string{"user_id": "u_42"},
	})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(jenny.ID, "cus_"))
	assert.Equal(t, "South San Francisco", *jenny.Address.City)
	_, err = cs.Create(ctx, &customers.CustomerCreateParams{Name: embedfin.Ptr("Other"), Email: embedfin.Ptr("other@example.com")})
	require.NoError(t, err)

	got, err := cs.Retrieve(ctx, jenny.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, "jennyrosen@example.com", *got.Email)

	upd, err := cs.Update(ctx, jenny.ID, &customers.CustomerUpdateParams{Description: embedfin.Ptr("VIP"), Metadata: map[string]string{"user_id": "", "tier": "gold"}})
	require.NoError(t, err)
	assert.Equal(t, "VIP", *upd.Description)
	assert.Equal(t, map[string]string{"tier": "gold"}, upd.Metadata)

	page, err := cs.List(ctx, &customers.CustomerListParams{Email: embedfin.Ptr("jennyrosen@example.com")})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	assert.Equal(t, jenny.ID, page.Data[0].ID)

	var found []string
	for cu, err := range cs.SearchAll(ctx, &customers.CustomerSearchParams{SearchParams: embedfin.SearchParams{Query: "email:'jennyrosen@example.com' AND metadata['tier']:'gold'"}}) {
		require.NoError(t, err)
		found = append(found, cu.ID)
	}
	assert.Equal(t, []string{jenny.ID}, found)

	del, err := cs.Delete(ctx, jenny.ID, nil)
	require.NoError(t, err)
	assert.True(t, del.Deleted)
	gone, err := cs.Retrieve(ctx, jenny.ID, nil)
	require.NoError(t, err)
	assert.True(t, gone.Deleted, "a deleted customer is still retrievable, flagged")
	_, err = cs.Update(ctx, jenny.ID, &customers.CustomerUpdateParams{Name: embedfin.Ptr("x")})
	assert.True(t, embedfin.IsNotFound(err))

	var types []events.EventType
	for ev, err := range events.New(srv.Client()).Events.All(ctx, nil) {
		require.NoError(t, err)
		types = append(types, ev.Type)
	}
	assert.Equal(t, []events.EventType{events.EventTypeCustomerDeleted, events.EventTypeCustomerUpdated, events.EventTypeCustomerCreated, events.EventTypeCustomerCreated}, types)
}

func TestParameterValidation(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	status, body, _ := raw(t, srv, "POST", "/v1/customers", stripetest.DefaultKey, "email=a%40b.c&nickname=x")
	assert.Equal(t, 400, status)
	assert.JSONEq(t, `{"error":{"type":"invalid_request_error","code":"parameter_unknown","param":"nickname","message":"Received unknown parameter: nickname","doc_url":"https://docs.stripe.com/error-codes/parameter-unknown"}}`, body)

	status, body, _ = raw(t, srv, "POST", "/v1/customers", stripetest.DefaultKey, "balance=abc")
	assert.Equal(t, 400, status)
	assert.Contains(t, body, `"param":"balance"`)

	status, body, _ = raw(t, srv, "GET", "/v1/customers?limit=500", stripetest.DefaultKey, "")
	assert.Equal(t, 400, status)
	assert.Contains(t, body, "Invalid limit")

	// Through the SDK the error is typed.
	_, err := customers.New(srv.Client()).Customers.Retrieve(ctx, "cus_missing", nil)
	var apiErr *embedfin.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 404, apiErr.HTTPStatusCode)
	assert.Equal(t, embedfin.ErrorCodeResourceMissing, apiErr.Code)
	assert.Equal(t, "No such customer: 'cus_missing'", apiErr.Message)
	assert.NotEmpty(t, apiErr.RequestID)
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cs := customers.New(srv.Client()).Customers
	a, err := cs.Create(ctx, &customers.CustomerCreateParams{Email: embedfin.Ptr("a@example.com")}, embedfin.WithIdempotencyKey("signup-1"))
	require.NoError(t, err)
	b, err := cs.Create(ctx, &customers.CustomerCreateParams{Email: embedfin.Ptr("a@example.com")}, embedfin.WithIdempotencyKey("signup-1"))
	require.NoError(t, err)
	assert.Equal(t, a.ID, b.ID, "a replay returns the first result")
	assert.Equal(t, "true", b.LastResponse.Header.Get("Idempotent-Replayed"))
	_, err = cs.Create(ctx, &customers.CustomerCreateParams{Email: embedfin.Ptr("other@example.com")}, embedfin.WithIdempotencyKey("signup-1"))
	assert.True(t, embedfin.IsIdempotencyError(err), "%v", err)
	page, err := cs.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, page.Data, 1, "no duplicate was created")

	// Keys are scoped per API key: another key may reuse it.
	other := customers.New(srv.ClientWithKey("sk_test_otheraccount")).Customers
	_, err = other.Create(ctx, &customers.CustomerCreateParams{Email: embedfin.Ptr("zzz@example.com")}, embedfin.WithIdempotencyKey("signup-1"))
	require.NoError(t, err)
}

func TestStatePerKey(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	a := customers.New(srv.ClientWithKey("sk_test_aaaaaaaa")).Customers
	b := customers.New(srv.ClientWithKey("sk_test_bbbbbbbb")).Customers
	cu, err := a.Create(ctx, nil)
	require.NoError(t, err)
	_, err = b.Retrieve(ctx, cu.ID, nil)
	assert.True(t, embedfin.IsNotFound(err), "another key is another account")
}

func TestPagination(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cs := customers.New(srv.Client()).Customers
	var ids []string
	for i := range 25 {
		cu, err := cs.Create(ctx, &customers.CustomerCreateParams{Email: embedfin.Ptr(fmt.Sprintf("c%d@example.com", i))})
		require.NoError(t, err)
		ids = append([]string{cu.ID}, ids...) // newest first
	}
	lp := &customers.CustomerListParams{}
	lp.Limit = embedfin.Ptr(int64(10))
	p1, err := cs.List(ctx, lp)
	require.NoError(t, err)
	assert.True(t, p1.HasMore)
	assert.Equal(t, ids[:10], idsOf(p1.Data))
	var walked []string
	for cu, err := range cs.All(ctx, lp) {
		require.NoError(t, err)
		walked = append(walked, cu.ID)
	}
	assert.Equal(t, ids, walked)
	back := &customers.CustomerListParams{}
	back.EndingBefore = embedfin.Ptr(ids[20])
	back.Limit = embedfin.Ptr(int64(5))
	p, err := cs.List(ctx, back)
	require.NoError(t, err)
	assert.Equal(t, ids[15:20], idsOf(p.Data))
	assert.True(t, p.HasMore)
}

func idsOf(cs []*connect.Customer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
