package ownershipmatch_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/internal/badinput"
	om "github.com/embedfin/embedfin-go/ownershipmatch"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBadInputEveryMethod runs the bad-input table (nil context, nil and
// empty params, bad responses) on Create.
func TestBadInputEveryMethod(t *testing.T) {
	t.Parallel()
	badinput.RunAll(t, func(c *embedfin.Client) any { return om.New(c) })
}

func TestBadInputCreateParams(t *testing.T) {
	t.Parallel()
	tr := &badinput.Transport{}
	client := om.New(badinput.NewClient(t, tr)).OwnershipMatches
	acct := embedfin.Ptr("fca_1")
	typ := func(s om.Type) *om.Type { return &s }
	cases := map[string]*om.CreateParams{
		"nil":                             nil,
		"empty":                           {},
		"empty account":                   {FinancialConnectionsAccount: embedfin.Ptr("")},
		"unknown type":                    {FinancialConnectionsAccount: acct, Type: typ("bogus")},
		"empty type":                      {FinancialConnectionsAccount: acct, Type: typ("")},
		"customer without customer":       {FinancialConnectionsAccount: acct, Type: typ(om.TypeCustomer)},
		"customer empty":                  {FinancialConnectionsAccount: acct, Type: typ(om.TypeCustomer), Customer: embedfin.Ptr("")},
		"customer with owner data":        {FinancialConnectionsAccount: acct, Type: typ(om.TypeCustomer), Customer: embedfin.Ptr("cus_1"), OwnerInformation: &om.OwnerInformationParams{Name: embedfin.Ptr("J")}},
		"holder mode with customer":       {FinancialConnectionsAccount: acct, Customer: embedfin.Ptr("cus_1")},
		"holder mode with owner data":     {FinancialConnectionsAccount: acct, OwnerInformation: &om.OwnerInformationParams{}},
		"owner information missing":       {FinancialConnectionsAccount: acct, Type: typ(om.TypeOwnerInformation)},
		"owner information empty":         {FinancialConnectionsAccount: acct, Type: typ(om.TypeOwnerInformation), OwnerInformation: &om.OwnerInformationParams{Name: embedfin.Ptr("")}},
		"owner information with customer": {FinancialConnectionsAccount: acct, Type: typ(om.TypeOwnerInformation), Customer: embedfin.Ptr("cus_1"), OwnerInformation: &om.OwnerInformationParams{Name: embedfin.Ptr("J")}},
		"partial address":                 {FinancialConnectionsAccount: acct, Type: typ(om.TypeOwnerInformation), OwnerInformation: &om.OwnerInformationParams{Address: &om.AddressParams{Line1: embedfin.Ptr("1 Main St")}}},
	}
	for name, p := range cases {
		var err error
		require.NotPanics(t, func() { _, err = client.Create(context.Background(), p) }, name)
		var ve *embedfin.ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.NotEmpty(t, ve.Param, name)
	}
	assert.Zero(t, tr.Count(), "nothing was sent")
}

func TestBadInputPolicyAndResults(t *testing.T) {
	t.Parallel()
	p := om.DefaultPolicy()
	for name, r := range map[string]*om.Results{
		"nil results":   nil,
		"empty results": {},
		"missing data":  {Name: &om.FieldResult{MatchScore: embedfin.Ptr(int64(90)), MissingData: true}},
		"null scores":   {Name: &om.FieldResult{}, Email: &om.FieldResult{}},
	} {
		var err error
		require.NotPanics(t, func() { _, err = p.Decide(r) }, name)
		assert.ErrorIs(t, err, om.ErrTooFewScores, name)
	}
	var nilResults *om.Results
	assert.Nil(t, nilResults.Field(om.FieldName))
	assert.Nil(t, (&om.Results{}).Field("bogus"))
	for _, f := range om.Fields {
		assert.Equal(t, om.BandMissing, nilResults.Bands()[f])
	}

	// Scores outside 0-100 are clamped, whatever the field.
	for _, f := range append(om.Fields, "bogus", "") {
		assert.Equal(t, om.Interpret(f, 0), om.Interpret(f, math.MinInt64), "field %q", f)
		assert.Equal(t, om.BandExact, om.Interpret(f, math.MaxInt64), "field %q", f)
	}

	// Policies with weights that cannot be averaged are refused.
	scores := &om.Results{Name: &om.FieldResult{MatchScore: embedfin.Ptr(int64(100))}, Email: &om.FieldResult{MatchScore: embedfin.Ptr(int64(100))}}
	for name, w := range map[string]float64{"negative": -1, "NaN": math.NaN(), "+Inf": math.Inf(1), "-Inf": math.Inf(-1)} {
		bad := om.DefaultPolicy()
		bad.Weights = map[om.Field]float64{om.FieldName: w, om.FieldEmail: 1}
		_, err := bad.Decide(scores)
		require.Error(t, err, name)
		assert.False(t, errors.Is(err, om.ErrTooFewScores), name)
	}
	zero := om.Policy{}
	_, err := zero.Decide(scores)
	assert.ErrorIs(t, err, om.ErrTooFewScores, "a policy that weighs nothing decides nothing")
}
