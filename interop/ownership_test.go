package interop

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	stripe "github.com/stripe/stripe-go/v85"
)

// Ownership Match is a private beta: stripe-go has no resource for it, so
// the flow calls it with stripe-go's raw requests and the beta version.
const (
	ownershipMatchPath = "/v1/financial_connections/ownership_match"
	ownershipMatchBeta = "financial_connections_ownership_match_api_preview=v1"
)

// ownershipMatch is the response of the seed's example.
type ownershipMatch struct {
	ID                          string  `json:"id"`
	Object                      string  `json:"object"`
	Created                     int64   `json:"created"`
	FinancialConnectionsAccount string  `json:"financial_connections_account"`
	Type                        *string `json:"type"`
	Customer                    *string `json:"customer"`
	Ownership                   *string `json:"ownership"`
	OwnerInformation            *struct {
		Name    *string         `json:"name"`
		Email   *string         `json:"email"`
		Phone   *string         `json:"phone"`
		Address json.RawMessage `json:"address"`
	} `json:"owner_information"`
	Results map[string]*matchResult `json:"results"`
}

type matchResult struct {
	MatchScore  *int64 `json:"match_score"`
	MissingData bool   `json:"missing_data"`
}

// betaParams sends Stripe-Version with the beta appended to stripe-go's
// own version, as the guide's header does.
func betaParams() *stripe.RawParams {
	p := &stripe.RawParams{}
	p.Headers = map[string][]string{"Stripe-Version": {stripe.APIVersion + "; " + ownershipMatchBeta}}
	return p
}

func (c *client) ownershipMatch(t T, form url.Values) *ownershipMatch {
	t.Helper()
	var m ownershipMatch
	_, err := c.rawPost(ownershipMatchPath, form, betaParams(), &m)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(m.ID, "fcom_"), m.ID)
	assert.Equal(t, "financial_connections.ownership_match", m.Object)
	assert.NotZero(t, m.Created)
	return &m
}

// assertScore asserts a field's result: a score in [lo, hi].
func assertScore(t T, m *ownershipMatch, field string, lo, hi int64) {
	t.Helper()
	r := m.Results[field]
	require.NotNil(t, r, "results.%s", field)
	assert.False(t, r.MissingData, "results.%s.missing_data", field)
	require.NotNil(t, r.MatchScore, "results.%s.match_score", field)
	assert.True(t, *r.MatchScore >= lo && *r.MatchScore <= hi, "results.%s.match_score = %d, the guide's band is %d-%d", field, *r.MatchScore, lo, hi)
}

// band is one row of the guide's score tables.
type band struct{ lo, hi int64 }

var (
	exact    = band{100, 100}
	veryHigh = band{85, 99}
	strong   = band{70, 84}
	possible = band{60, 69}
	weak     = band{30, 59}
	none     = band{0, 29}
)

// TestOwnershipMatch is seed 002 ("Vérifier la propriété d'un compte
// bancaire avec Financial Connections"): the three input modes, the
// response's shape, and the guide's score bands for name, email, address
// and phone.
func TestOwnershipMatch(t *testing.T) {
	t.Parallel()
	em := startEmulator(t)
	sc := em.client(t)
	c := ctx(t)
	f := newFlow(t)

	var cust *stripe.Customer
	f.step("create_customer", func(t T) {
		var err error
		cust, err = sc.V1Customers.Create(c, &stripe.CustomerCreateParams{
			Name:  stripe.String("Jenny Rosen"),
			Email: stripe.String("jennyrosen@example.com"),
			Phone: stripe.String("+1 212-555-5555"),
			Address: &stripe.AddressParams{
				Line1: stripe.String("354 Oyster Point Blvd"), City: stripe.String("South San Francisco"),
				PostalCode: stripe.String("94080"), State: stripe.String("CA"), Country: stripe.String("US"),
			},
		})
		require.NoError(t, err)
		// The seed's response.
		assert.Equal(t, "customer", cust.Object)
		assert.Equal(t, "Jenny Rosen", cust.Name)
		assert.Equal(t, "jennyrosen@example.com", cust.Email)
		assert.Equal(t, "+1 212-555-5555", cust.Phone)
		assert.False(t, cust.Livemode)
		assert.JSONEq(t, `{"line1": "354 Oyster Point Blvd", "line2": null, "city": "South San Francisco", "state": "CA", "postal_code": "94080", "country": "US"}`,
			string(rawField(t, lastJSON(t, cust.LastResponse), "address")))
	})

	// The seed's account: the bank reports "Jennifer Rosen" at
	// jennyrosen@test.com, no phone, and the customer's address.
	var acct *stripe.FinancialConnectionsAccount
	f.step("collect_account_with_ownership", func(t T) {
		sess, err := sc.V1FinancialConnectionsSessions.Create(c, &stripe.FinancialConnectionsSessionCreateParams{
			AccountHolder: &stripe.FinancialConnectionsSessionCreateAccountHolderParams{Type: stripe.String("customer"), Customer: stripe.String(cust.ID)},
			Permissions:   stripe.StringSlice([]string{"ownership", "payment_method"}),
			Prefetch:      stripe.StringSlice([]string{"ownership"}),
		})
		require.NoError(t, err)
		done := linkAccounts(t, sc, sess.ID, url.Values{
			"accounts[0][owners][0][name]":        {"Jennifer Rosen"},
			"accounts[0][owners][0][email]":       {"jennyrosen@test.com"},
			"accounts[0][owners][0][raw_address]": {"354 Oyster Point Blvd South San Francisco, CA 94080 USA"},
		})
		require.Len(t, done.Accounts.Data, 1)
		acct = done.Accounts.Data[0]
		em.hooks.waitEvent(t, stripe.EventTypeFinancialConnectionsAccountRefreshedOwnership, func(ev stripe.Event) bool { return objectID(ev) == acct.ID })
	})
	f.step("prefetched_ownership_expanded", func(t T) {
		params := &stripe.FinancialConnectionsAccountRetrieveParams{}
		params.AddExpand("ownership")
		got, err := sc.V1FinancialConnectionsAccounts.GetByID(c, acct.ID, params)
		require.NoError(t, err)
		acct = got
		assert.Equal(t, stripe.FinancialConnectionsAccountAccountHolderTypeCustomer, got.AccountHolder.Type)
		assert.Equal(t, cust.ID, got.AccountHolder.Customer.ID)
		assert.ElementsMatch(t, []stripe.FinancialConnectionsAccountPermission{"ownership", "payment_method"}, got.Permissions)
		require.NotNil(t, got.OwnershipRefresh)
		assert.Equal(t, stripe.FinancialConnectionsAccountOwnershipRefreshStatusSucceeded, got.OwnershipRefresh.Status)
		assert.NotZero(t, got.OwnershipRefresh.LastAttemptedAt)
		assert.NotZero(t, got.OwnershipRefresh.NextRefreshAvailableAt)
		require.NotNil(t, got.Ownership)
		assert.True(t, strings.HasPrefix(got.Ownership.ID, "fcaowns_"), got.Ownership.ID)
		assert.Equal(t, "financial_connections.account_ownership", got.Ownership.Object)
		assert.NotZero(t, got.Ownership.Created)
		require.NotNil(t, got.Ownership.Owners)
		require.Len(t, got.Ownership.Owners.Data, 1)
		o := got.Ownership.Owners.Data[0]
		assert.Equal(t, "Jennifer Rosen", o.Name)
		assert.Equal(t, "jennyrosen@test.com", o.Email)
		assert.Equal(t, "354 Oyster Point Blvd South San Francisco, CA 94080 USA", o.RawAddress)
		assert.Equal(t, got.Ownership.ID, o.Ownership)
		assert.NotZero(t, o.RefreshedAt)
	})
	f.check("refused_without_beta_version", func(t T) {
		_, err := sc.rawPost(ownershipMatchPath, url.Values{"financial_connections_account": {acct.ID}, "type": {"customer"}, "customer": {cust.ID}}, nil, nil)
		se := stripeError(t, err)
		assert.Equal(t, 400, se.HTTPStatusCode)
		assert.Equal(t, stripe.ErrorTypeInvalidRequest, se.Type)
	})

	// The guide's example response, for the seed's data: name "Jenny
	// Rosen" against "Jennifer Rosen", the same address, the email's other
	// domain (the table's 60-69), and no phone at the bank.
	seedResults := func(t T, m *ownershipMatch) {
		t.Helper()
		assert.Equal(t, acct.ID, m.FinancialConnectionsAccount)
		require.NotNil(t, m.Ownership)
		assert.Equal(t, acct.Ownership.ID, *m.Ownership)
		assertScore(t, m, "name", 60, 99) // the table says nicknames 60-69, the example response 85
		assertScore(t, m, "address", 100, 100)
		assertScore(t, m, "email", possible.lo, possible.hi)
		require.NotNil(t, m.Results["phone"])
		assert.Nil(t, m.Results["phone"].MatchScore, "no phone at the bank")
		assert.True(t, m.Results["phone"].MissingData)
	}
	f.check("match_customer", func(t T) {
		m := sc.ownershipMatch(t, url.Values{"financial_connections_account": {acct.ID}, "type": {"customer"}, "customer": {cust.ID}})
		require.NotNil(t, m.Type)
		assert.Equal(t, "customer", *m.Type)
		require.NotNil(t, m.Customer)
		assert.Equal(t, cust.ID, *m.Customer)
		require.NotNil(t, m.OwnerInformation)
		assert.Equal(t, "Jenny Rosen", *m.OwnerInformation.Name)
		assert.Equal(t, "jennyrosen@example.com", *m.OwnerInformation.Email)
		assert.Equal(t, "+1 212-555-5555", *m.OwnerInformation.Phone)
		assert.JSONEq(t, `{"line1": "354 Oyster Point Blvd", "line2": null, "city": "South San Francisco", "state": "CA", "postal_code": "94080", "country": "US"}`, string(m.OwnerInformation.Address))
		seedResults(t, m)
	})
	f.check("match_account_holder", func(t T) {
		m := sc.ownershipMatch(t, url.Values{"financial_connections_account": {acct.ID}})
		require.NotNil(t, m.Customer, "compared with the account holder's customer")
		assert.Equal(t, cust.ID, *m.Customer)
		seedResults(t, m)
	})
	f.check("match_owner_information", func(t T) {
		m := sc.ownershipMatch(t, url.Values{
			"financial_connections_account":           {acct.ID},
			"type":                                    {"owner_information"},
			"owner_information[name]":                 {"Jenny Rosen"},
			"owner_information[email]":                {"jennyrosen@example.com"},
			"owner_information[phone]":                {"+1 212-555-5555"},
			"owner_information[address][line1]":       {"354 Oyster Point Blvd"},
			"owner_information[address][line2]":       {""},
			"owner_information[address][city]":        {"South San Francisco"},
			"owner_information[address][state]":       {"CA"},
			"owner_information[address][postal_code]": {"94080"},
			"owner_information[address][country]":     {"US"},
		})
		require.NotNil(t, m.Type)
		assert.Equal(t, "owner_information", *m.Type)
		assert.Nil(t, m.Customer)
		seedResults(t, m)
	})

	// The score tables: the bank reports "Jen Jeanne Rousseau",
	// jenrousseau@example.com, +1 212-555-5555 and the table's address.
	var ref string
	f.step("collect_reference_account", func(t T) {
		sess, err := sc.V1FinancialConnectionsSessions.Create(c, &stripe.FinancialConnectionsSessionCreateParams{
			AccountHolder: &stripe.FinancialConnectionsSessionCreateAccountHolderParams{Type: stripe.String("customer"), Customer: stripe.String(cust.ID)},
			Permissions:   stripe.StringSlice([]string{"ownership"}),
			Prefetch:      stripe.StringSlice([]string{"ownership"}),
		})
		require.NoError(t, err)
		done := linkAccounts(t, sc, sess.ID, url.Values{
			"accounts[0][owners][0][name]":        {"Jen Jeanne Rousseau"},
			"accounts[0][owners][0][email]":       {"jenrousseau@example.com"},
			"accounts[0][owners][0][phone]":       {"+1 212-555-5555"},
			"accounts[0][owners][0][raw_address]": {"354 Oyster Point Blvd Fl 1 South San Francisco, CA 94080 US"},
		})
		require.Len(t, done.Accounts.Data, 1)
		ref = done.Accounts.Data[0].ID
		em.hooks.waitEvent(t, stripe.EventTypeFinancialConnectionsAccountRefreshedOwnership, func(ev stripe.Event) bool { return objectID(ev) == ref })
	})
	match := func(field string, values url.Values, want band) func(T) {
		return func(t T) {
			form := url.Values{"financial_connections_account": {ref}, "type": {"owner_information"}}
			for k, v := range values {
				form[k] = v
			}
			m := sc.ownershipMatch(t, form)
			assertScore(t, m, field, want.lo, want.hi)
		}
	}
	name := func(s string) url.Values { return url.Values{"owner_information[name]": {s}} }
	email := func(s string) url.Values { return url.Values{"owner_information[email]": {s}} }
	phone := func(s string) url.Values { return url.Values{"owner_information[phone]": {s}} }
	address := func(line1, line2, city, state, zip, country string) url.Values {
		return url.Values{
			"owner_information[address][line1]": {line1}, "owner_information[address][line2]": {line2},
			"owner_information[address][city]": {city}, "owner_information[address][state]": {state},
			"owner_information[address][postal_code]": {zip}, "owner_information[address][country]": {country},
		}
	}
	for _, row := range []struct {
		step   string
		field  string
		values url.Values
		want   band
	}{
		{"name_exact", "name", name("Jen Jeanne Rousseau"), exact},
		{"name_typo", "name", name("Jne Jeanne Rousseau"), veryHigh},
		{"name_middle_name_missing", "name", name("Jen Rousseau"), strong},
		{"name_full_first_name", "name", name("Jennifer Rousseau"), possible},
		{"name_household_member", "name", name("Laurent Rousseau"), weak},
		{"name_other_person", "name", name("Laurent Dupont"), none},
		{"email_exact", "email", email("jenrousseau@example.com"), exact},
		{"email_dot", "email", email("jen.rousseau@example.com"), veryHigh},
		{"email_digits_added", "email", email("jenrousseau12345@example.com"), strong},
		{"email_other_domain", "email", email("jenrousseau@test.com"), possible},
		{"email_other_person_same_domain", "email", email("laurentdupont@example.com"), weak},
		{"email_other_person", "email", email("laurentdupont@test.com"), none},
		{"address_exact", "address", address("354 Oyster Point Blvd.", "Fl. 1", "South San Francisco", "CA", "94080", "US"), exact},
		{"address_line2_missing", "address", address("354 Oyster Point Blvd.", "", "South San Francisco", "CA", "94080", "US"), veryHigh},
		{"address_mostly", "address", address("354 Oyster Point", "Fl. 10", "San Francisco", "CA", "94080", "US"), strong},
		{"address_abbreviated", "address", address("354 OP Blvd.", "", "South SF", "CA", "94080", "US"), possible},
		{"address_same_city", "address", address("510 Townsend St.", "", "San Francisco", "CA", "94103", "US"), weak},
		{"address_elsewhere", "address", address("1 University Ave.", "Fl. 10", "Toronto", "ON", "M5J 2P1", "CA"), none},
		{"phone_exact_e164", "phone", phone("+12125555555"), exact},
		{"phone_exact_national", "phone", phone("(212) 555-5555"), exact},
		{"phone_one_digit_wrong", "phone", phone("212 555 5559"), band{70, 99}},
		{"phone_digit_missing", "phone", phone("212 555 555"), band{70, 99}},
		{"phone_other_area_code", "phone", phone("347 555 5555"), band{50, 69}},
		{"phone_same_area_code_only", "phone", phone("212 999 9999"), band{20, 49}},
		{"phone_no_match", "phone", phone("347 999 9999"), band{0, 19}},
	} {
		f.check("band_"+row.step, match(row.field, row.values, row.want))
	}
	// The phone table's rows describe kinds of difference; the bands must
	// hold whatever digits are involved (issue 13, point 6).
	for _, code := range []string{"646", "718", "917", "415", "650", "201"} {
		f.check(fmt.Sprintf("band_phone_other_area_code_%s", code), match("phone", phone(code+" 555 5555"), band{50, 69}))
	}
	f.check("webhooks_verify", func(t T) {
		checkWebhooks(t, c, em.hooks, eventSource{sc, ""})
	})
}
