package stripetest_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	om "github.com/embedfin/embedfin-go/ownershipmatch"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ownedAccount links an account whose bank reports the guide's reference
// owner and waits for its ownership data.
func ownedAccount(t *testing.T, srv *stripetest.Server) *fc.Account {
	t.Helper()
	acct, _ := linkAccount(t, srv, []fc.Permission{fc.PermissionOwnership}, []fc.SessionPrefetch{fc.SessionPrefetchOwnership}, url.Values{
		"accounts[0][owners][0][name]":        {"Jen Jeanne Rousseau"},
		"accounts[0][owners][0][email]":       {"jenrousseau@example.com"},
		"accounts[0][owners][0][phone]":       {"+1 212-555-5555"},
		"accounts[0][owners][0][raw_address]": {"354 Oyster Point Blvd Fl 1 South San Francisco, CA 94080 US"},
	})
	done, err := fc.New(srv.Client()).Accounts.WaitForRefresh(ctx, acct.ID, fc.AccountFeatureOwnership, fastWait)
	require.NoError(t, err)
	return done
}

func addr(line1, line2, city, state, zip, country string) *om.AddressParams {
	p := &om.AddressParams{Line1: embedfin.Ptr(line1), City: embedfin.Ptr(city), State: embedfin.Ptr(state), PostalCode: embedfin.Ptr(zip), Country: embedfin.Ptr(country)}
	if line2 != "" {
		p.Line2 = embedfin.Ptr(line2)
	}
	return p
}

// TestOwnershipMatchSeedTable sends each row of the guide's interpretation
// table as owner_information and checks every score lands in its band.
func TestOwnershipMatchSeedTable(t *testing.T) {
	t.Parallel()
	srv := newServer(t, stripetest.WithRefreshDelay(time.Millisecond))
	acct := ownedAccount(t, srv)
	m := om.New(srv.Client()).OwnershipMatches
	rows := []struct {
		lo, hi  int64
		name    string
		email   string
		address *om.AddressParams
	}{
		{100, 100, "Jen Jeanne Rousseau", "jenrousseau@example.com", addr("354 Oyster Point Blvd.", "Fl. 1", "South San Francisco", "CA", "94080", "US")},
		{85, 99, "Jne Jeanne Rousseau", "jen.rousseau@example.com", addr("354 Oyster Point Blvd.", "", "South San Francisco", "CA", "94080", "US")},
		{70, 84, "Jen Rousseau", "jenrousseau12345@example.com", addr("354 Oyster Point", "Fl. 10", "San Francisco", "CA", "94080", "US")},
		{60, 69, "Jennifer Rousseau", "jenrousseau@test.com", addr("354 OP Blvd.", "", "South SF", "CA", "94080", "US")},
		{30, 59, "Laurent Rousseau", "laurentdupont@example.com", addr("510 Townsend St.", "", "San Francisco", "CA", "94103", "US")},
		{0, 29, "Laurent Dupont", "laurentdupont@test.com", addr("1 University Ave.", "Fl. 10", "Toronto", "ON", "M5J 2P1", "CA")},
	}
	for _, row := range rows {
		res, err := m.Create(ctx, &om.CreateParams{
			FinancialConnectionsAccount: embedfin.Ptr(acct.ID),
			Type:                        embedfin.Ptr(om.TypeOwnerInformation),
			OwnerInformation:            &om.OwnerInformationParams{Name: embedfin.Ptr(row.name), Email: embedfin.Ptr(row.email), Address: row.address},
		})
		require.NoError(t, err)
		for _, f := range []om.Field{om.FieldName, om.FieldEmail, om.FieldAddress} {
			s, ok := res.Results.Field(f).Score()
			require.True(t, ok, "%s %s", row.name, f)
			assert.True(t, s >= row.lo && s <= row.hi, "%s: %s scored %d, want %d-%d", row.name, f, s, row.lo, row.hi)
		}
		assert.Nil(t, res.Results.Phone, "a field not given is not compared")
	}
	phones := []struct {
		lo, hi int64
		phone  string
	}{{100, 100, "+12125555555"}, {100, 100, "(212) 555-5555"}, {70, 99, "212 555 5559"}, {70, 99, "212 555 555"}, {50, 69, "347 555 5555"}, {20, 49, "212 999 9999"}, {0, 19, "347 999 9999"}}
	for _, p := range phones {
		res, err := m.Create(ctx, &om.CreateParams{
			FinancialConnectionsAccount: embedfin.Ptr(acct.ID),
			Type:                        embedfin.Ptr(om.TypeOwnerInformation),
			OwnerInformation:            &om.OwnerInformationParams{Phone: embedfin.Ptr(p.phone)},
		})
		require.NoError(t, err)
		s, ok := res.Results.Phone.Score()
		require.True(t, ok)
		assert.True(t, s >= p.lo && s <= p.hi, "%s scored %d, want %d-%d", p.phone, s, p.lo, p.hi)
	}
}

func TestOwnershipMatchModesAndBeta(t *testing.T) {
	t.Parallel()
	srv := newServer(t, stripetest.WithRefreshDelay(time.Millisecond))
	// The default owner of a customer-held account is the customer itself.
	acct, cust := linkAccount(t, srv, []fc.Permission{fc.PermissionOwnership}, []fc.SessionPrefetch{fc.SessionPrefetchOwnership}, nil)
	_, err := fc.New(srv.Client()).Accounts.WaitForRefresh(ctx, acct.ID, fc.AccountFeatureOwnership, fastWait)
	require.NoError(t, err)
	m := om.New(srv.Client()).OwnershipMatches

	holder, err := m.Create(ctx, &om.CreateParams{FinancialConnectionsAccount: embedfin.Ptr(acct.ID)})
	require.NoError(t, err)
	assert.Nil(t, holder.Type)
	assert.Equal(t, cust.ID, *holder.Customer)
	for _, f := range om.Fields {
		s, ok := holder.Results.Field(f).Score()
		require.True(t, ok, f)
		assert.Equal(t, int64(100), s, "the customer is the owner: %s", f)
	}
	a, err := om.DefaultPolicy().Decide(&holder.Results)
	require.NoError(t, err)
	assert.Equal(t, om.Proceed, a.Decision)

	byCustomer, err := m.Create(ctx, &om.CreateParams{FinancialConnectionsAccount: embedfin.Ptr(acct.ID), Type: embedfin.Ptr(om.TypeCustomer), Customer: embedfin.Ptr(cust.ID)})
	require.NoError(t, err)
	assert.Equal(t, om.TypeCustomer, *byCustomer.Type)
	assert.True(t, len(byCustomer.ID) > 5 && byCustomer.ID[:5] == "fcom_")

	// Without the beta version the endpoint refuses.
	status, body, _ := raw(t, srv, "POST", om.Path, stripetest.DefaultKey, "financial_connections_account="+acct.ID, "Stripe-Version", embedfin.APIVersion)
	assert.Equal(t, 400, status)
	assert.Contains(t, body, "private beta")

	// An account without ownership data cannot be matched.
	bare, _ := linkAccount(t, srv, []fc.Permission{fc.PermissionBalances}, nil, nil)
	_, err = m.Create(ctx, &om.CreateParams{FinancialConnectionsAccount: embedfin.Ptr(bare.ID)})
	var apiErr *embedfin.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "financial_connections_account", apiErr.Param)
}
