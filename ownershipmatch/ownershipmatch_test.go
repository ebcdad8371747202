package ownershipmatch_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/financialconnections"
	om "github.com/embedfin/embedfin-go/ownershipmatch"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const base = "https://api.stripe.test/v"

// seedResponse is the example response of the guide.
const seedResponse = `{ "id": "fcom_1NtI9uBHO5VeT9SUKLJU5suZ", "object": "financial_connections.ownership_match", "created": 1745858181, "financial_connections_account": "fca_1MwVK82eZvKYlo2Cjw8FMxXf", "type": "customer", "owner_information": { "name": "Jenny Rosen", "address": { "line1": "354 Oyster Point Blvd", "line2": null, "city": "South San Francisco", "state": "CA", "postal_code": "94080", "country": "US" }, "email": "jennyrosen@example.com", "phone": "+1 212-555-5555" }, "customer": "cus_NffrFeUfNV2Hib", "ownership": "fcaowns_1NtI9uBHO5VeT9SUSRe21lqt", "results": { "name": { "match_score": 85, "missing_data": false }, "address": { "match_score": 100, "missing_data": false }, "email": { "match_score": 65, "missing_data": false }, "phone": { "match_score": null, "missing_data": true } } }`

type seen struct {
	mu   sync.Mutex
	reqs []*http.Request
	body []url.Values
}

func newClient(t *testing.T) (*embedfin.Client, *httpmock.MockTransport, *seen) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	s := &seen{}
	record := func(resp string) httpmock.Responder {
		return func(r *http.Request) (*http.Response, error) {
			var v url.Values
			if r.Body != nil {
				b, _ := io.ReadAll(r.Body)
				v, _ = url.ParseQuery(string(b))
			}
			s.mu.Lock()
			s.reqs = append(s.reqs, r)
			s.body = append(s.body, v)
			s.mu.Unlock()
			return httpmock.NewStringResponse(200, resp), nil
		}
	}
	mock.RegisterResponder("POST", base+om.Path, record(seedResponse))
	mock.RegisterResponder("GET", base+"/v1/financial_connections/accounts/fca_1", record(`{"id":"fca_1","object":"financial_connections.account"}`))
	c, err := embedfin.NewClient("sk_test_123", embedfin.WithHTTPClient(&http.Client{Transport: mock}),
		embedfin.WithBaseURL(base), embedfin.WithBackoff(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	return c, mock, s
}

func TestCreateSendsBetaHeaderOnEveryCallAndNowhereElse(t *testing.T) {
	t.Parallel()
	c, _, s := newClient(t)
	m := om.New(c).OwnershipMatches
	ctx := context.Background()
	_, err := m.Create(ctx, &om.CreateParams{FinancialConnectionsAccount: embedfin.Ptr("fca_1")})
	require.NoError(t, err)
	_, err = financialconnections.New(c).Accounts.Retrieve(ctx, "fca_1", nil)
	require.NoError(t, err)
	_, err = m.Create(ctx, &om.CreateParams{FinancialConnectionsAccount: embedfin.Ptr("fca_1")},
		embedfin.WithBetaVersion("another_preview", "v2"),
		embedfin.WithBetaVersion(om.BetaName, "v3"))
	require.NoError(t, err)

	require.Len(t, s.reqs, 3)
	assert.Equal(t, "2026-08-26.dahlia; financial_connections_ownership_match_api_preview=v1", s.reqs[0].Header.Get("Stripe-Version"))
	assert.Equal(t, "2026-08-26.dahlia", s.reqs[1].Header.Get("Stripe-Version"), "other calls carry no beta")
	assert.Equal(t, "2026-08-26.dahlia; financial_connections_ownership_match_api_preview=v3; another_preview=v2", s.reqs[2].Header.Get("Stripe-Version"), "merged; the caller's higher version wins")
}

func TestCreateThreeModesOnTheWire(t *testing.T) {
	t.Parallel()
	c, _, s := newClient(t)
	m := om.New(c).OwnershipMatches
	ctx := context.Background()

	_, err := m.Create(ctx, &om.CreateParams{FinancialConnectionsAccount: embedfin.Ptr("fca_1MwVK82eZvKYlo2Cjw8FMxXf")})
	require.NoError(t, err)
	_, err = m.Create(ctx, &om.CreateParams{
		FinancialConnectionsAccount: embedfin.Ptr("fca_1MwVK82eZvKYlo2Cjw8FMxXf"),
		Type:                        embedfin.Ptr(om.TypeCustomer),
		Customer:                    embedfin.Ptr("cus_NffrFeUfNV2Hib"),
	})
	require.NoError(t, err)
	_, err = m.Create(ctx, &om.CreateParams{
		FinancialConnectionsAccount: embedfin.Ptr("fca_1MwVK82eZvKYlo2Cjw8FMxXf"),
		Type:                        embedfin.Ptr(om.TypeOwnerInformation),
		OwnerInformation: &om.OwnerInformationParams{
			Name:  embedfin.Ptr("Jenny Rosen"),
			Email: embedfin.Ptr("jennyrosen@example.com"),
			Phone: embedfin.Ptr("+1 212-555-5555"),
			Address: &om.AddressParams{
				Line1: embedfin.Ptr("354 Oyster Point Blvd"), Line2: embedfin.Ptr(""),
				City: embedfin.Ptr("South San Francisco"), State: embedfin.Ptr("CA"),
				PostalCode: embedfin.Ptr("94080"), Country: embedfin.Ptr("US"),
			},
		},
	})
	require.NoError(t, err)
	require.Len(t, s.body, 3)
	assert.Equal(t, url.Values{"financial_connections_account": {"fca_1MwVK82eZvKYlo2Cjw8FMxXf"}}, s.body[0])
	assert.Equal(t, url.Values{"financial_connections_account": {"fca_1MwVK82eZvKYlo2Cjw8FMxXf"}, "type": {"customer"}, "customer": {"cus_NffrFeUfNV2Hib"}}, s.body[1])
	assert.Equal(t, url.Values{
		"financial_connections_account":           {"fca_1MwVK82eZvKYlo2Cjw8FMxXf"},
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
	}, s.body[2], "the guide's curl example")
	for _, r := range s.reqs {
		assert.NotEmpty(t, r.Header.Get("Idempotency-Key"))
	}
}

func TestValidateModes(t *testing.T) {
	t.Parallel()
	acct := embedfin.Ptr("fca_1")
	full := &om.AddressParams{Line1: embedfin.Ptr("1 Main"), City: embedfin.Ptr("X"), State: embedfin.Ptr("CA"), PostalCode: embedfin.Ptr("1"), Country: embedfin.Ptr("US")}
	cases := []struct {
		name   string
		params *om.CreateParams
		param  string // "" means valid
		mode   om.Mode
	}{
		{"nil", nil, "params", om.ModeAccountHolder},
		{"no account", &om.CreateParams{}, "financial_connections_account", om.ModeAccountHolder},
		{"empty account", &om.CreateParams{FinancialConnectionsAccount: embedfin.Ptr("")}, "financial_connections_account", om.ModeAccountHolder},
		{"account holder", &om.CreateParams{FinancialConnectionsAccount: acct}, "", om.ModeAccountHolder},
		{"holder with customer", &om.CreateParams{FinancialConnectionsAccount: acct, Customer: embedfin.Ptr("cus_1")}, "customer", om.ModeAccountHolder},
		{"holder with owner info", &om.CreateParams{FinancialConnectionsAccount: acct, OwnerInformation: &om.OwnerInformationParams{Name: embedfin.Ptr("J")}}, "owner_information", om.ModeAccountHolder},
		{"bad type", &om.CreateParams{FinancialConnectionsAccount: acct, Type: embedfin.Ptr(om.Type("bank"))}, "type", om.ModeCustomer},
		{"customer", &om.CreateParams{FinancialConnectionsAccount: acct, Type: embedfin.Ptr(om.TypeCustomer), Customer: embedfin.Ptr("cus_1")}, "", om.ModeCustomer},
		{"customer missing", &om.CreateParams{FinancialConnectionsAccount: acct, Type: embedfin.Ptr(om.TypeCustomer)}, "customer", om.ModeCustomer},
		{"customer with owner info", &om.CreateParams{FinancialConnectionsAccount: acct, Type: embedfin.Ptr(om.TypeCustomer), Customer: embedfin.Ptr("cus_1"), OwnerInformation: &om.OwnerInformationParams{}}, "owner_information", om.ModeCustomer},
		{"owner info", &om.CreateParams{FinancialConnectionsAccount: acct, Type: embedfin.Ptr(om.TypeOwnerInformation), OwnerInformation: &om.OwnerInformationParams{Email: embedfin.Ptr("a@b.c")}}, "", om.ModeOwnerInformation},
		{"owner info address only", &om.CreateParams{FinancialConnectionsAccount: acct, Type: embedfin.Ptr(om.TypeOwnerInformation), OwnerInformation: &om.OwnerInformationParams{Address: full}}, "", om.ModeOwnerInformation},
		{"owner info missing", &om.CreateParams{FinancialConnectionsAccount: acct, Type: embedfin.Ptr(om.TypeOwnerInformation)}, "owner_information", om.ModeOwnerInformation},
		{"owner info empty", &om.CreateParams{FinancialConnectionsAccount: acct, Type: embedfin.Ptr(om.TypeOwnerInformation), OwnerInformation: &om.OwnerInformationParams{Name: embedfin.Ptr("")}}, "owner_information", om.ModeOwnerInformation},
		{"owner info with customer", &om.CreateParams{FinancialConnectionsAccount: acct, Type: embedfin.Ptr(om.TypeOwnerInformation), Customer: embedfin.Ptr("cus_1"), OwnerInformation: &om.OwnerInformationParams{Name: embedfin.Ptr("J")}}, "customer", om.ModeOwnerInformation},
		{"address without city", &om.CreateParams{FinancialConnectionsAccount: acct, Type: embedfin.Ptr(om.TypeOwnerInformation), OwnerInformation: &om.OwnerInformationParams{Address: &om.AddressParams{Line1: embedfin.Ptr("1 Main"), State: embedfin.Ptr("CA"), PostalCode: embedfin.Ptr("1"), Country: embedfin.Ptr("US")}}}, "owner_information[address][city]", om.ModeOwnerInformation},
		{"address without country", &om.CreateParams{FinancialConnectionsAccount: acct, Type: embedfin.Ptr(om.TypeOwnerInformation), OwnerInformation: &om.OwnerInformationParams{Address: &om.AddressParams{Line1: embedfin.Ptr("1 Main"), City: embedfin.Ptr("X"), State: embedfin.Ptr("CA"), PostalCode: embedfin.Ptr("1")}}}, "owner_information[address][country]", om.ModeOwnerInformation},
	}
	c, mock, _ := newClient(t)
	for _, tc := range cases {
		assert.Equal(t, tc.mode, tc.params.Mode(), tc.name)
		err := tc.params.Validate()
		if tc.param == "" {
			assert.NoError(t, err, tc.name)
			continue
		}
		var ve *embedfin.ValidationError
		require.ErrorAs(t, err, &ve, tc.name)
		assert.Equal(t, tc.param, ve.Param, tc.name)
		_, err = om.New(c).OwnershipMatches.Create(context.Background(), tc.params)
		assert.ErrorAs(t, err, &ve, tc.name)
	}
	assert.Equal(t, 0, mock.GetTotalCallCount(), "invalid params are never sent")
	assert.Equal(t, "owner information", om.ModeOwnerInformation.String())
	assert.Equal(t, "account holder", om.ModeAccountHolder.String())
	assert.Equal(t, "customer", om.ModeCustomer.String())
	assert.Equal(t, "unknown", om.Mode(9).String())
}

func TestResultDecodesNullsAndMissingData(t *testing.T) {
	t.Parallel()
	c, _, _ := newClient(t)
	res, err := om.New(c).OwnershipMatches.Create(context.Background(), &om.CreateParams{FinancialConnectionsAccount: embedfin.Ptr("fca_1")})
	require.NoError(t, err)
	assert.Equal(t, "fcom_1NtI9uBHO5VeT9SUKLJU5suZ", res.GetID())
	assert.Equal(t, "financial_connections.ownership_match", res.Object)
	assert.Equal(t, int64(1745858181), res.Created)
	assert.Equal(t, om.TypeCustomer, *res.Type)
	assert.Equal(t, "cus_NffrFeUfNV2Hib", *res.Customer)
	assert.Equal(t, "fcaowns_1NtI9uBHO5VeT9SUSRe21lqt", *res.Ownership)
	assert.Nil(t, res.OwnerInformation.Address.Line2, "null line2")
	assert.Equal(t, "94080", *res.OwnerInformation.Address.PostalCode)
	assert.Equal(t, int64(85), *res.Results.Name.MatchScore)
	assert.Nil(t, res.Results.Phone.MatchScore, "null score stays nil, not 0")
	assert.True(t, res.Results.Phone.MissingData)
	_, ok := res.Results.Phone.Score()
	assert.False(t, ok)
	s, ok := res.Results.Address.Score()
	assert.True(t, ok)
	assert.Equal(t, int64(100), s)
	assert.Equal(t, 1, res.LastResponse.Attempts)

	// Round trip: the type re-encodes what it decoded.
	back, err := json.Marshal(res)
	require.NoError(t, err)
	assert.JSONEq(t, seedResponse, string(back))

	var nilResults *om.Results
	assert.Nil(t, nilResults.Field(om.FieldName))
	assert.Nil(t, (&om.Results{}).Field("other"))
	var nilMatch *om.OwnershipMatch
	assert.Equal(t, "", nilMatch.GetID())
}

func TestInterpretBands(t *testing.T) {
	t.Parallel()
	cases := []struct {
		field om.Field
		score int64
		band  om.Band
	}{
		{om.FieldName, 100, om.BandExact}, {om.FieldName, 99, om.BandVeryStrong}, {om.FieldName, 85, om.BandVeryStrong},
		{om.FieldName, 84, om.BandStrong}, {om.FieldEmail, 70, om.BandStrong}, {om.FieldEmail, 69, om.BandPossible},
		{om.FieldAddress, 60, om.BandPossible}, {om.FieldAddress, 59, om.BandWeak}, {om.FieldAddress, 30, om.BandWeak},
		{om.FieldAddress, 29, om.BandNone}, {om.FieldName, 0, om.BandNone}, {om.FieldName, -5, om.BandNone}, {om.FieldName, 150, om.BandExact},
		{om.FieldPhone, 100, om.BandExact}, {om.FieldPhone, 99, om.BandPossible}, {om.FieldPhone, 70, om.BandPossible},
		{om.FieldPhone, 69, om.BandWeak}, {om.FieldPhone, 50, om.BandWeak}, {om.FieldPhone, 49, om.BandUnlikely},
		{om.FieldPhone, 20, om.BandUnlikely}, {om.FieldPhone, 19, om.BandNone}, {om.FieldPhone, 0, om.BandNone},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.band, om.Interpret(tc.field, tc.score), "%s %d", tc.field, tc.score)
	}
}

// seedResults are the scores of the guide's example response.
func seedResults(t *testing.T) *om.Results {
	t.Helper()
	var m om.OwnershipMatch
	require.NoError(t, json.Unmarshal([]byte(seedResponse), &m))
	return &m.Results
}

func TestDecideOnSeedExample(t *testing.T) {
	t.Parallel()
	r := seedResults(t)
	a, err := om.DefaultPolicy().Decide(r)
	require.NoError(t, err)
	// name 85, address 100, email 65; phone has no data and is left out.
	assert.InDelta(t, (85.0+100+65)/3, a.Score, 1e-9)
	assert.Equal(t, om.Proceed, a.Decision)
	assert.Equal(t, []om.Field{om.FieldName, om.FieldEmail, om.FieldAddress}, a.Used)
	assert.Equal(t, []om.Field{om.FieldPhone}, a.Skipped)
	assert.Equal(t, map[om.Field]om.Band{om.FieldName: om.BandVeryStrong, om.FieldEmail: om.BandPossible, om.FieldAddress: om.BandExact, om.FieldPhone: om.BandMissing}, a.Bands)

	// The guide's sample averages email twice and drops phone:
	// (85 + 100 + 65 + 65) / 4 = 78.75. Ours counts each field once.
	guide := (85.0 + 100 + 65 + 65) / 4
	assert.InDelta(t, 78.75, guide, 1e-9)
	assert.NotEqual(t, guide, a.Score)

	// With a phone score, the guide's formula would still ignore it; ours uses it.
	r.Phone = &om.FieldResult{MatchScore: embedfin.Ptr(int64(10))}
	a, err = om.DefaultPolicy().Decide(r)
	require.NoError(t, err)
	assert.InDelta(t, (85.0+100+65+10)/4, a.Score, 1e-9)
	assert.Equal(t, om.StepUp, a.Decision, "65 falls between 60 and 70")
}

func TestDecideWeightsAndThresholds(t *testing.T) {
	t.Parallel()
	r := seedResults(t)
	p := om.Policy{Weights: map[om.Field]float64{om.FieldName: 3, om.FieldEmail: 1, om.FieldAddress: 0}, ProceedAt: 90, StepUpAt: 80}
	a, err := p.Decide(r)
	require.NoError(t, err)
	assert.InDelta(t, (3*85.0+65)/4, a.Score, 1e-9) // 80
	assert.Equal(t, om.StepUp, a.Decision)
	assert.Equal(t, []om.Field{om.FieldName, om.FieldEmail}, a.Used)
	assert.Equal(t, []om.Field{om.FieldPhone, om.FieldAddress}, a.Skipped)

	p.StepUpAt = 81
	a, err = p.Decide(r)
	require.NoError(t, err)
	assert.Equal(t, om.Decline, a.Decision)

	_, err = om.Policy{Weights: map[om.Field]float64{om.FieldPhone: 1}, ProceedAt: 70, StepUpAt: 60}.Decide(r)
	assert.ErrorIs(t, err, om.ErrTooFewScores, "only phone weighs, and it has no data")

	p = om.DefaultPolicy()
	p.MinFields = 4
	_, err = p.Decide(r)
	assert.ErrorIs(t, err, om.ErrTooFewScores)

	for _, bad := range []om.Policy{
		{Weights: map[om.Field]float64{om.FieldName: -1}, ProceedAt: 70, StepUpAt: 60},
		{ProceedAt: 60, StepUpAt: 70},
		{ProceedAt: 101, StepUpAt: 60},
		{ProceedAt: 70, StepUpAt: -1},
		{ProceedAt: 70, StepUpAt: 60, MinFields: 5},
	} {
		_, err := bad.Decide(r)
		assert.Error(t, err)
	}
}
