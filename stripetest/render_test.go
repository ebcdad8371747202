package stripetest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go/connect"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/events"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/issuing"
	si "github.com/embedfin/embedfin-go/setupintents"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// object decodes a JSON object, or the object at a dotted path inside it,
// keeping its values encoded.
func object(t *testing.T, body []byte, path ...string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &m), "%s", body)
	for _, p := range path {
		require.Contains(t, m, p, "%s", body)
		var next map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(m[p], &next), "%s: %s", p, m[p])
		m = next
	}
	return m
}

func keys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// absent asserts that none of names is a key of m; present that all are.
func absent(t *testing.T, m map[string]json.RawMessage, names ...string) {
	t.Helper()
	for _, n := range names {
		assert.NotContains(t, m, n, "key %q", n)
	}
}

func present(t *testing.T, m map[string]json.RawMessage, names ...string) {
	t.Helper()
	for _, n := range names {
		assert.Contains(t, m, n, "key %q", n)
	}
}

// get sends a GET with the given query and returns the body.
func get(t *testing.T, c *embedfin.Client, path string, q url.Values) []byte {
	t.Helper()
	res, err := c.RawRequest(ctx, "GET", path, q)
	require.NoError(t, err)
	return res.Body
}

// apiErr asserts err is an API error and returns it.
func apiErr(t *testing.T, err error) *embedfin.Error {
	t.Helper()
	var ae *embedfin.Error
	require.True(t, errors.As(err, &ae), "%v", err)
	return ae
}

func newCustomer(t *testing.T, c *embedfin.Client) *connect.Customer {
	t.Helper()
	cust, err := customers.New(c).Customers.Create(ctx, &customers.CustomerCreateParams{
		Name: embedfin.Ptr("Jenny Rosen"), Email: embedfin.Ptr("jennyrosen@example.com"),
	})
	require.NoError(t, err)
	return cust
}

// linkedAccount links one Financial Connections account, with balances,
// for a new customer.
func linkedAccount(t *testing.T, c *embedfin.Client) (*fc.Account, *connect.Customer) {
	t.Helper()
	cust := newCustomer(t, c)
	sess, err := fc.New(c).Sessions.Create(ctx, &fc.SessionCreateParams{
		AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
		Permissions:   []fc.Permission{fc.PermissionBalances, fc.PermissionOwnership},
		Prefetch:      []fc.SessionPrefetch{fc.SessionPrefetchBalances},
	})
	require.NoError(t, err)
	_, err = c.RawRequest(ctx, "POST", "/v1/test_helpers/financial_connections/sessions/"+sess.ID+"/complete", nil)
	require.NoError(t, err)
	accts, err := fc.New(c).Accounts.List(ctx, &fc.AccountListParams{Session: embedfin.Ptr(sess.ID)})
	require.NoError(t, err)
	require.NotEmpty(t, accts.Data)
	return accts.Data[0], cust
}

// TestCustomerDefaultShape: a customer carries the keys of the API's
// default rendering, null ones included, and none of those returned only
// when expanded; expanded, those come as the API sends them.
func TestCustomerDefaultShape(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client()
	res, err := c.RawRequest(ctx, "POST", "/v1/customers", url.Values{"email": {"jenny@example.com"}})
	require.NoError(t, err)
	m := object(t, res.Body)
	// Returned only when expanded, or only when set.
	absent(t, m, "sources", "subscriptions", "tax_ids", "cash_balance", "tax", "invoice_credit_balance",
		"business_name", "individual_name", "customer_account")
	// The default rendering, null or not.
	present(t, m, "id", "object", "address", "balance", "created", "currency", "default_source", "delinquent",
		"description", "discount", "email", "invoice_prefix", "invoice_settings", "livemode", "metadata", "name",
		"next_invoice_sequence", "phone", "preferred_locales", "shipping", "tax_exempt", "test_clock")
	for _, k := range []string{"address", "default_source", "discount", "name", "shipping", "test_clock"} {
		assert.JSONEq(t, "null", string(m[k]), k)
	}
	assert.ElementsMatch(t, []string{"custom_fields", "default_payment_method", "footer", "rendering_options"},
		keys(object(t, res.Body, "invoice_settings")), "a hash with no optional keys keeps its nulls")
	// Key order is the encoder's: id and object stay where they were.
	assert.True(t, strings.HasPrefix(string(res.Body), `{"address":null,"balance":0,`), "%s", res.Body)
	id := string(m["id"][1 : len(m["id"])-1])

	// Expanded, the lists come empty with their url, the balances as a
	// hash, the rest as null (the emulator keeps no tax details).
	body := get(t, c, "/v1/customers/"+id, url.Values{"expand[]": {"sources", "subscriptions", "tax_ids", "invoice_credit_balance", "cash_balance", "tax"}})
	m = object(t, body)
	assert.JSONEq(t, `{"object":"list","data":[],"has_more":false,"url":"/v1/customers/`+id+`/sources"}`, string(m["sources"]))
	assert.JSONEq(t, `{"object":"list","data":[],"has_more":false,"url":"/v1/customers/`+id+`/tax_ids"}`, string(m["tax_ids"]))
	assert.JSONEq(t, `{"object":"list","data":[],"has_more":false,"url":"/v1/customers/`+id+`/subscriptions"}`, string(m["subscriptions"]))
	assert.JSONEq(t, `{}`, string(m["invoice_credit_balance"]))
	assert.JSONEq(t, `null`, string(m["cash_balance"]))
	assert.JSONEq(t, `null`, string(m["tax"]))
	// The SDK decodes it, strictly.
	strict := srv.Client(embedfin.WithStrictDecoding())
	p := &customers.CustomerRetrieveParams{}
	p.AddExpand("sources")
	p.AddExpand("tax_ids")
	got, err := customers.New(strict).Customers.Retrieve(ctx, id, p)
	require.NoError(t, err)
	require.NotNil(t, got.Sources)
	assert.Empty(t, got.Sources.Data)

	// A deleted customer has the three keys of its deleted form.
	_, err = customers.New(c).Customers.Delete(ctx, id, nil)
	require.NoError(t, err)
	m = object(t, get(t, c, "/v1/customers/"+id, nil))
	assert.ElementsMatch(t, []string{"id", "object", "deleted"}, keys(m))
}

// TestVariantsOfTheirTypeOnly: a multi-type hash carries the keys of the
// variant it holds.
func TestVariantsOfTheirTypeOnly(t *testing.T) {
	t.Parallel()
	srv := newServer(t, stripetest.WithRefreshDelay(0))
	c := srv.Client()
	acct, cust := linkedAccount(t, c)
	_, err := fc.New(c).Accounts.WaitForRefresh(ctx, acct.ID, fc.AccountFeatureBalance, fastWait)
	require.NoError(t, err)
	body := get(t, c, "/v1/financial_connections/accounts/"+acct.ID, nil)
	holder := object(t, body, "account_holder")
	assert.ElementsMatch(t, []string{"customer", "type"}, keys(holder))
	assert.JSONEq(t, `"`+cust.ID+`"`, string(holder["customer"]))
	balance := object(t, body, "balance")
	assert.Contains(t, balance, "type")
	if string(balance["type"]) == `"cash"` {
		assert.NotContains(t, balance, "credit")
		assert.Contains(t, balance, "cash")
	} else {
		assert.NotContains(t, balance, "cash")
		assert.Contains(t, balance, "credit")
	}
	// The nullable keys of the account itself stay.
	m := object(t, body)
	present(t, m, "ownership", "ownership_refresh", "transaction_refresh", "display_name", "last4")
}

// TestExpandReferences: any reference to an object the emulator holds
// expands, on single objects and list items, through nested hashes and
// into expanded objects, which are rendered with their default keys.
func TestExpandReferences(t *testing.T) {
	t.Parallel()
	srv := newServer(t, stripetest.WithRefreshDelay(0))
	c := srv.Client()
	acct, cust := linkedAccount(t, c)

	// account_holder.customer: the customer, in its default shape.
	body := get(t, c, "/v1/financial_connections/accounts/"+acct.ID, url.Values{"expand[]": {"account_holder.customer"}})
	expanded := object(t, body, "account_holder", "customer")
	assert.JSONEq(t, `"`+cust.ID+`"`, string(expanded["id"]))
	assert.JSONEq(t, `"customer"`, string(expanded["object"]))
	absent(t, expanded, "sources", "tax_ids")
	present(t, expanded, "address", "default_source")
	p := &fc.AccountRetrieveParams{}
	p.AddExpand("account_holder.customer")
	got, err := fc.New(srv.Client(embedfin.WithStrictDecoding())).Accounts.Retrieve(ctx, acct.ID, p)
	require.NoError(t, err)
	require.True(t, got.AccountHolder.Customer.Expanded())
	assert.Equal(t, "jennyrosen@example.com", *got.AccountHolder.Customer.Object.Email)

	// Ownership, once refreshed: on the list with data., on the object.
	_, err = fc.New(c).Accounts.Refresh(ctx, acct.ID, &fc.AccountRefreshParams{Features: []fc.AccountFeature{fc.AccountFeatureOwnership}})
	require.NoError(t, err)
	refreshed, err := fc.New(c).Accounts.WaitForRefresh(ctx, acct.ID, fc.AccountFeatureOwnership, fastWait)
	require.NoError(t, err)
	require.NotNil(t, refreshed.Ownership)
	list := get(t, c, "/v1/financial_connections/accounts", url.Values{"account_holder[customer]": {cust.ID}, "expand[]": {"data.ownership", "data.account_holder.customer"}})
	var page struct{ Data []json.RawMessage }
	require.NoError(t, json.Unmarshal(list, &page))
	require.Len(t, page.Data, 1)
	own := object(t, page.Data[0], "ownership")
	assert.JSONEq(t, `"financial_connections.account_ownership"`, string(own["object"]))
	assert.JSONEq(t, `"`+refreshed.Ownership.ID+`"`, string(own["id"]))
	assert.JSONEq(t, `"customer"`, string(object(t, page.Data[0], "account_holder", "customer")["object"]))
	// Without expand[], IDs.
	list = get(t, c, "/v1/financial_connections/accounts", url.Values{"account_holder[customer]": {cust.ID}})
	require.NoError(t, json.Unmarshal(list, &page))
	assert.JSONEq(t, `"`+refreshed.Ownership.ID+`"`, string(object(t, page.Data[0])["ownership"]))

	// Three levels: the ownership's owners list is part of it already;
	// data.ownership.owners is a property, not an expansion, and refused.
	_, err = c.RawRequest(ctx, "GET", "/v1/financial_connections/accounts", url.Values{"expand[]": {"data.ownership.owners"}})
	ae := apiErr(t, err)
	assert.Equal(t, 400, ae.HTTPStatusCode)
}

// TestExpandRefused: what cannot be expanded is a 400
// invalid_request_error, without code or param, before the endpoint runs.
func TestExpandRefused(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client()
	acct, _ := linkedAccount(t, c)
	for _, tc := range []struct{ path, expand, mentions string }{
		{"/v1/financial_connections/accounts/" + acct.ID, "no_such_field", "no_such_field"},
		{"/v1/financial_connections/accounts/" + acct.ID, "institution_name", "institution_name"},            // a scalar
		{"/v1/financial_connections/accounts/" + acct.ID, "account_holder", "account_holder"},                // a hash always sent
		{"/v1/financial_connections/accounts/" + acct.ID, "account_holder.nope", "account_holder.nope"},      // nested
		{"/v1/financial_connections/accounts/" + acct.ID, "account_holder.customer.default_source.x.y", "4"}, // too deep
		{"/v1/financial_connections/accounts/" + acct.ID, "account_holder..customer", "empty"},
		{"/v1/financial_connections/accounts", "ownership", "data.ownership"}, // a list needs data.
		{"/v1/financial_connections/accounts", "data.nope", "data.nope"},
		{"/v1/customers/cus_missing", "nope", "nope"}, // before the lookup: 400, not 404
		{"/v1/issuing/cards", "data.cardholder.nope", "data.cardholder.nope"},
	} {
		_, err := c.RawRequest(ctx, "GET", tc.path, url.Values{"expand[]": {tc.expand}})
		ae := apiErr(t, err)
		assert.Equal(t, 400, ae.HTTPStatusCode, tc.expand)
		assert.Equal(t, embedfin.ErrorTypeInvalidRequest, ae.Type, tc.expand)
		assert.Empty(t, ae.Code, tc.expand)
		assert.Empty(t, ae.Param, tc.expand)
		assert.Contains(t, ae.Message, tc.mentions, tc.expand)
	}

	// A create with a bad expansion creates nothing, and its idempotency
	// key stays free for the corrected request.
	before, err := customers.New(c).Customers.List(ctx, nil)
	require.NoError(t, err)
	key := embedfin.WithIdempotencyKey("expand-key")
	_, err = c.RawRequest(ctx, "POST", "/v1/customers", url.Values{"email": {"a@example.com"}, "expand[]": {"nope"}}, key)
	assert.Equal(t, 400, apiErr(t, err).HTTPStatusCode)
	after, err := customers.New(c).Customers.List(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, after.Data, len(before.Data))
	res, err := c.RawRequest(ctx, "POST", "/v1/customers", url.Values{"email": {"a@example.com"}, "expand[]": {"tax_ids"}}, key)
	require.NoError(t, err)
	assert.Contains(t, object(t, res.Body), "tax_ids")

	// Accepted: references, properties returned only when expanded or
	// only when set, and the items of a list themselves.
	for path, expand := range map[string]string{
		"/v1/financial_connections/accounts/" + acct.ID: "ownership",
		"/v1/financial_connections/accounts":            "data",
		"/v1/customers":                                 "data.default_source",
		"/v1/issuing/authorizations":                    "data.cardholder",
		"/v1/events":                                    "data.request",
	} {
		_, err := c.RawRequest(ctx, "GET", path, url.Values{"expand[]": {expand}})
		if expand == "data.request" {
			assert.Error(t, err, "an event's request is a hash always sent")
			continue
		}
		assert.NoError(t, err, "%s %s", path, expand)
	}
	// Four levels are allowed: the path is accepted, so the lookup runs
	// (and finds no such session).
	_, err = c.RawRequest(ctx, "GET", "/v1/financial_connections/sessions/fcsess_none", url.Values{"expand[]": {"accounts.data.account_holder.customer"}})
	assert.Equal(t, 404, apiErr(t, err).HTTPStatusCode)
}

// TestIssuingCardDefaultShape: number and cvc only when expanded.
func TestIssuingCardDefaultShape(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client()
	ch := newCardholder(t, c)
	res, err := c.RawRequest(ctx, "POST", "/v1/issuing/cards", url.Values{
		"cardholder": {ch.ID}, "currency": {"usd"}, "type": {"virtual"}, "status": {"active"},
	})
	require.NoError(t, err)
	m := object(t, res.Body)
	absent(t, m, "number", "cvc")
	present(t, m, "last4", "exp_month", "cardholder", "spending_controls")
	id := string(m["id"][1 : len(m["id"])-1])
	m = object(t, get(t, c, "/v1/issuing/cards/"+id, url.Values{"expand[]": {"number"}}))
	present(t, m, "number")
	absent(t, m, "cvc")
	var card issuing.Card
	require.NoError(t, json.Unmarshal(get(t, c, "/v1/issuing/cards/"+id, url.Values{"expand[]": {"number", "cvc"}}), &card))
	require.NotNil(t, card.Number)
	require.NotNil(t, card.CVC)
	assert.Len(t, *card.CVC, 3)
}

// TestNextActionOfItsTypeOnly: a SetupIntent waiting for microdeposits has
// next_action {type, verify_with_microdeposits}.
func TestNextActionOfItsTypeOnly(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client()
	cust := newCustomer(t, c)
	intent, err := si.New(c).SetupIntents.Create(ctx, &si.SetupIntentCreateParams{
		Customer:           embedfin.Ptr(cust.ID),
		PaymentMethodTypes: []string{"us_bank_account"},
		PaymentMethodData:  bankAccountData(),
		MandateData:        onlineMandate(),
		Confirm:            embedfin.Ptr(true),
	})
	require.NoError(t, err)
	require.Equal(t, si.SetupIntentStatusRequiresAction, intent.Status)
	body := get(t, c, "/v1/setup_intents/"+intent.ID, nil)
	assert.ElementsMatch(t, []string{"type", "verify_with_microdeposits"}, keys(object(t, body, "next_action")))
	m := object(t, body)
	present(t, m, "next_action", "last_setup_error", "payment_method", "customer", "mandate")
	absent(t, m, "attach_to_self", "customer_account", "managed_payments")

	// The customer expands; the payment method (no SDK type) is the
	// emulator's own expansion.
	body = get(t, c, "/v1/setup_intents/"+intent.ID, url.Values{"expand[]": {"customer", "payment_method"}})
	assert.JSONEq(t, `"customer"`, string(object(t, body, "customer")["object"]))
	assert.JSONEq(t, `"payment_method"`, string(object(t, body, "payment_method")["object"]))
}

// TestEventObjectsInDefaultShape: the object of an event has the default
// keys too, in the events API and in webhooks alike (one rendering).
func TestEventObjectsInDefaultShape(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client()
	newCustomer(t, c)
	evs, err := events.New(c).Events.List(ctx, &events.EventListParams{Type: embedfin.Ptr(events.EventTypeCustomerCreated)})
	require.NoError(t, err)
	require.Len(t, evs.Data, 1)
	body := get(t, c, "/v1/events/"+evs.Data[0].ID, nil)
	obj := object(t, body, "data", "object")
	absent(t, obj, "sources", "tax_ids", "cash_balance")
	present(t, obj, "address", "email")
	absent(t, object(t, body), "account") // a platform event
}

// TestWebhookPayloadAsRendered: a delivered event is byte for byte what the
// events API returns for it.
func TestWebhookPayloadAsRendered(t *testing.T) {
	t.Parallel()
	payloads := make(chan []byte, 4)
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		payloads <- body
	}))
	defer endpoint.Close()
	srv := newServer(t, stripetest.WithWebhook(endpoint.URL, "whsec_shapes"))
	c := srv.Client()
	newCustomer(t, c)
	var payload []byte
	select {
	case payload = <-payloads:
	case <-time.After(30 * time.Second):
		t.Fatal("webhook not delivered")
	}
	m := object(t, payload)
	absent(t, m, "account", "context")
	absent(t, object(t, payload, "data", "object"), "sources", "tax_ids", "cash_balance")
	id := string(m["id"][1 : len(m["id"])-1])
	assert.Equal(t, string(get(t, c, "/v1/events/"+id, nil)), string(payload))
}
