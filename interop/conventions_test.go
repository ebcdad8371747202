package interop

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	stripe "github.com/stripe/stripe-go/v85"
)

// TestAPIConventions covers what every flow relies on, through stripe-go's
// own machinery: idempotent requests, errors as *stripe.Error, list
// iterators, and Stripe-Account.
func TestAPIConventions(t *testing.T) {
	t.Parallel()
	em := startEmulator(t)
	sc := em.client(t)
	c := ctx(t)
	f := newFlow(t)

	// ---- idempotency ----
	newCustomer := func(email string) *stripe.CustomerCreateParams {
		return &stripe.CustomerCreateParams{Name: stripe.String("Jenny Rosen"), Email: stripe.String(email)}
	}
	var first *stripe.Customer
	f.step("idempotent_replay", func(t T) {
		params := newCustomer("replay@example.com")
		params.SetIdempotencyKey("interop-replay-1")
		var err error
		first, err = sc.V1Customers.Create(c, params)
		require.NoError(t, err)
		params = newCustomer("replay@example.com")
		params.SetIdempotencyKey("interop-replay-1")
		again, err := sc.V1Customers.Create(c, params)
		require.NoError(t, err)
		assert.Equal(t, first.ID, again.ID, "the same key twice: the same object")
		assert.Equal(t, "true", again.LastResponse.Header.Get("Idempotent-Replayed"))
		assert.JSONEq(t, string(first.LastResponse.RawJSON), string(again.LastResponse.RawJSON), "the first response, replayed")
		n := 0
		for cu, err := range sc.V1Customers.List(c, &stripe.CustomerListParams{Email: stripe.String("replay@example.com")}).All(c) {
			require.NoError(t, err)
			assert.Equal(t, first.ID, cu.ID)
			n++
		}
		assert.Equal(t, 1, n, "one customer created")
	})
	f.check("idempotency_key_echoed", func(t T) {
		// stripe-go reads the Idempotency-Key response header into
		// LastResponse.IdempotencyKey.
		assert.Equal(t, "interop-replay-1", first.LastResponse.IdempotencyKey)
	})
	f.check("stripe_go_keys_every_post", func(t T) {
		// Without a key, stripe-go makes one per POST: two creates are two
		// customers.
		a, err := sc.V1Customers.Create(c, newCustomer("auto@example.com"))
		require.NoError(t, err)
		b, err := sc.V1Customers.Create(c, newCustomer("auto@example.com"))
		require.NoError(t, err)
		assert.NotEqual(t, a.ID, b.ID)
	})
	f.check("same_key_other_parameters", func(t T) {
		params := newCustomer("someone.else@example.com")
		params.SetIdempotencyKey("interop-replay-1")
		_, err := sc.V1Customers.Create(c, params)
		se := stripeError(t, err)
		assert.Equal(t, http.StatusBadRequest, se.HTTPStatusCode)
		assert.Equal(t, stripe.ErrorTypeIdempotency, se.Type)
		assert.NotEmpty(t, se.Msg)
		assert.NotEmpty(t, se.RequestID)
	})
	f.check("failed_validation_not_saved", func(t T) {
		// Stripe saves a result only once the endpoint starts executing: a
		// request refused by validation can be corrected and retried with
		// the same key.
		bad := newCustomer("retry@example.com")
		bad.SetIdempotencyKey("interop-validation-1")
		bad.AddExtra("no_such_param", "x")
		_, err := sc.V1Customers.Create(c, bad)
		se := stripeError(t, err)
		assert.Equal(t, http.StatusBadRequest, se.HTTPStatusCode)
		assert.Equal(t, stripe.ErrorCodeParameterUnknown, se.Code)
		good := newCustomer("retry@example.com")
		good.SetIdempotencyKey("interop-validation-1")
		cu, err := sc.V1Customers.Create(c, good)
		require.NoError(t, err, "the corrected request with the same key")
		assert.Equal(t, "retry@example.com", cu.Email)
	})
	f.check("key_of_255_characters", func(t T) {
		params := newCustomer("long-key@example.com")
		params.SetIdempotencyKey(strings.Repeat("k", 255))
		_, err := sc.V1Customers.Create(c, params)
		require.NoError(t, err)
	})
	f.check("key_over_255_characters_refused", func(t T) {
		// stripe-go refuses such a key itself; the header is set by hand
		// to see what the server does, as a client in another language
		// would.
		params := newCustomer("too-long-key@example.com")
		params.Headers = http.Header{"Idempotency-Key": {strings.Repeat("k", 256)}}
		_, err := sc.V1Customers.Create(c, params)
		se := stripeError(t, err)
		assert.Equal(t, http.StatusBadRequest, se.HTTPStatusCode)
		assert.Equal(t, stripe.ErrorTypeInvalidRequest, se.Type)
	})

	// ---- errors ----
	f.check("not_found", func(t T) {
		_, err := sc.V1Customers.Retrieve(c, "cus_doesnotexist", nil)
		se := stripeError(t, err)
		assert.Equal(t, http.StatusNotFound, se.HTTPStatusCode)
		assert.Equal(t, stripe.ErrorTypeInvalidRequest, se.Type)
		assert.Equal(t, stripe.ErrorCodeResourceMissing, se.Code)
		assert.Equal(t, "id", se.Param)
		assert.Equal(t, "No such customer: 'cus_doesnotexist'", se.Msg)
		assert.True(t, strings.HasPrefix(se.RequestID, "req_"), se.RequestID)
	})
	f.check("error_doc_url", func(t T) {
		_, err := sc.V1Customers.Retrieve(c, "cus_doesnotexist", nil)
		se := stripeError(t, err)
		// The page of the error code on Stripe's documentation site.
		u, err := url.Parse(se.DocURL)
		require.NoError(t, err)
		assert.Contains(t, []string{"stripe.com", "docs.stripe.com"}, u.Host, "doc_url %q", se.DocURL)
		assert.True(t, strings.HasSuffix(u.Path, "/error-codes/resource-missing"), "doc_url %q", se.DocURL)
	})
	f.check("missing_parameter", func(t T) {
		_, err := sc.V1FinancialConnectionsSessions.Create(c, &stripe.FinancialConnectionsSessionCreateParams{
			AccountHolder: &stripe.FinancialConnectionsSessionCreateAccountHolderParams{Type: stripe.String("customer"), Customer: stripe.String(first.ID)},
		})
		se := stripeError(t, err)
		assert.Equal(t, http.StatusBadRequest, se.HTTPStatusCode)
		assert.Equal(t, stripe.ErrorTypeInvalidRequest, se.Type)
		assert.Equal(t, stripe.ErrorCodeParameterMissing, se.Code)
		assert.Equal(t, "permissions", se.Param)
	})
	f.check("unknown_parameter", func(t T) {
		params := newCustomer("unknown@example.com")
		params.AddExtra("no_such_param", "x")
		_, err := sc.V1Customers.Create(c, params)
		se := stripeError(t, err)
		assert.Equal(t, http.StatusBadRequest, se.HTTPStatusCode)
		assert.Equal(t, stripe.ErrorTypeInvalidRequest, se.Type)
		assert.Equal(t, stripe.ErrorCodeParameterUnknown, se.Code)
		assert.Equal(t, "no_such_param", se.Param)
	})
	f.check("enum_value_checked", func(t T) {
		params := newCustomer("enum@example.com")
		params.TaxExempt = stripe.String("bogus")
		_, err := sc.V1Customers.Create(c, params)
		se := stripeError(t, err)
		assert.Equal(t, http.StatusBadRequest, se.HTTPStatusCode)
		assert.Equal(t, stripe.ErrorTypeInvalidRequest, se.Type)
		assert.Equal(t, "tax_exempt", se.Param)
	})
	f.check("enum_value_kept", func(t T) {
		params := newCustomer("exempt@example.com")
		params.TaxExempt = stripe.String("exempt")
		cu, err := sc.V1Customers.Create(c, params)
		require.NoError(t, err)
		assert.Equal(t, stripe.CustomerTaxExemptExempt, cu.TaxExempt)
	})
	f.check("metadata_limits", func(t T) {
		// Stripe: up to 50 keys, keys up to 40 characters, values up to
		// 500 characters.
		tooMany := newCustomer("metadata@example.com")
		for i := range 51 {
			tooMany.AddMetadata(fmt.Sprintf("k%d", i), "v")
		}
		longKey := newCustomer("metadata@example.com")
		longKey.AddMetadata(strings.Repeat("k", 41), "v")
		longValue := newCustomer("metadata@example.com")
		longValue.AddMetadata("k", strings.Repeat("v", 501))
		for name, params := range map[string]*stripe.CustomerCreateParams{"51 keys": tooMany, "a 41-character key": longKey, "a 501-character value": longValue} {
			_, err := sc.V1Customers.Create(c, params)
			if !assert.Error(t, err, "metadata with %s is refused", name) {
				continue
			}
			se := stripeError(t, err)
			assert.Equal(t, http.StatusBadRequest, se.HTTPStatusCode, name)
			assert.Equal(t, stripe.ErrorTypeInvalidRequest, se.Type, name)
		}
	})
	live := em.clientWithKey(t, "sk_live_nope_nope_nope")
	f.check("invalid_key", func(t T) {
		_, err := live.V1Customers.Create(c, newCustomer("live@example.com"))
		se := stripeError(t, err)
		assert.Equal(t, http.StatusUnauthorized, se.HTTPStatusCode)
		assert.Equal(t, stripe.ErrorTypeInvalidRequest, se.Type)
	})

	// ---- Stripe-Account ----
	var acct *stripe.Account
	f.step("connected_account", func(t T) {
		var err error
		acct, err = sc.V1Accounts.Create(c, &stripe.AccountCreateParams{Country: stripe.String("US"), Type: stripe.String("custom"),
			Capabilities: &stripe.AccountCreateCapabilitiesParams{Transfers: &stripe.AccountCreateCapabilitiesTransfersParams{Requested: stripe.Bool(true)}}})
		require.NoError(t, err)
	})
	f.check("objects_stay_in_their_account", func(t T) {
		params := newCustomer("connected@example.com")
		params.SetStripeAccount(acct.ID)
		cu, err := sc.V1Customers.Create(c, params)
		require.NoError(t, err)

		_, err = sc.V1Customers.Retrieve(c, cu.ID, nil)
		se := stripeError(t, err)
		assert.Equal(t, http.StatusNotFound, se.HTTPStatusCode, "the platform does not see the connected account's customer")

		rp := &stripe.CustomerRetrieveParams{}
		rp.SetStripeAccount(acct.ID)
		got, err := sc.V1Customers.Retrieve(c, cu.ID, rp)
		require.NoError(t, err)
		assert.Equal(t, cu.ID, got.ID)

		lp := &stripe.CustomerListParams{}
		lp.SetStripeAccount(acct.ID)
		var ids []string
		for x, err := range sc.V1Customers.List(c, lp).All(c) {
			require.NoError(t, err)
			ids = append(ids, x.ID)
		}
		assert.Equal(t, []string{cu.ID}, ids)

		_, err = sc.V1Customers.Retrieve(c, first.ID, rp)
		se = stripeError(t, err)
		assert.Equal(t, http.StatusNotFound, se.HTTPStatusCode, "the connected account does not see the platform's customer")
	})
	f.check("unknown_connected_account", func(t T) {
		params := newCustomer("nobody@example.com")
		params.SetStripeAccount("acct_doesnotexist")
		_, err := sc.V1Customers.Create(c, params)
		se := stripeError(t, err)
		assert.Equal(t, http.StatusForbidden, se.HTTPStatusCode)
		assert.NotEmpty(t, se.Msg)
	})

	// ---- lists: one page, then every page through the iterator ----
	pc := em.clientWithKey(t, "sk_test_interop_pagination")
	var created []string
	f.step("create_25_customers", func(t T) {
		for i := range 25 {
			cu, err := pc.V1Customers.Create(c, newCustomer(fmt.Sprintf("page%02d@example.com", i)))
			require.NoError(t, err)
			created = append(created, cu.ID)
		}
	})
	f.check("one_page", func(t T) {
		params := &stripe.CustomerListParams{}
		params.Limit = stripe.Int64(10)
		params.Single = true
		l := pc.V1Customers.List(c, params)
		require.NoError(t, l.Err())
		require.Len(t, l.Data(), 10)
		assert.True(t, l.Meta().HasMore)
		assert.Equal(t, "/v1/customers", l.Meta().URL)
		assert.Equal(t, created[24], l.Data()[0].ID, "newest first")
	})
	f.check("auto_pagination", func(t T) {
		params := &stripe.CustomerListParams{}
		params.Limit = stripe.Int64(10)
		var ids []string
		for cu, err := range pc.V1Customers.List(c, params).All(c) {
			require.NoError(t, err)
			ids = append(ids, cu.ID)
		}
		want := append([]string(nil), created...)
		for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
			want[i], want[j] = want[j], want[i]
		}
		assert.Equal(t, want, ids, "every customer once, newest first, over three pages")
	})
	f.check("backward_pagination", func(t T) {
		// ending_before pages towards newer objects; stripe-go's iterator
		// follows it.
		params := &stripe.CustomerListParams{}
		params.Limit = stripe.Int64(10)
		params.EndingBefore = stripe.String(created[0])
		n := 0
		for cu, err := range pc.V1Customers.List(c, params).All(c) {
			require.NoError(t, err)
			assert.NotEqual(t, created[0], cu.ID)
			n++
		}
		assert.Equal(t, 24, n, "every customer newer than the first")
	})
	f.check("webhooks_verify", func(t T) {
		checkWebhooks(t, c, em.hooks, eventSource{sc, ""}, eventSource{sc, acct.ID}, eventSource{pc, ""})
	})
}
