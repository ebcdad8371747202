package stripetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/embedfin/embedfin-go/connect"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/internal/apimap"
	"github.com/embedfin/embedfin-go/internal/stripemock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestShapeTableFacts spot-checks facts of the generated table against
// what the API documents.
func TestShapeTableFacts(t *testing.T) {
	t.Parallel()
	field := func(schema, prop string) *apimap.ShapeField {
		t.Helper()
		sh := apimap.Shapes[schema]
		require.NotNil(t, sh, schema)
		f := sh.Fields[prop]
		require.NotNil(t, f, "%s.%s", schema, prop)
		return f
	}
	for _, p := range []string{"sources", "subscriptions", "tax_ids"} {
		assert.Equal(t, apimap.PresenceOnExpand, field("customer", p).Presence, p)
		assert.Equal(t, apimap.ValueList, field("customer", p).Value, p)
	}
	for _, p := range []string{"cash_balance", "tax", "invoice_credit_balance"} {
		assert.NotEqual(t, apimap.PresenceAlways, field("customer", p).Presence, p)
	}
	assert.Equal(t, apimap.PresenceOnExpand, field("issuing.card", "number").Presence)
	assert.Equal(t, apimap.PresenceOnExpand, field("issuing.card", "cvc").Presence)
	for _, p := range []string{"account", "customer", "customer_account"} {
		assert.Equal(t, apimap.PresenceIfSet, field("bank_connections_resource_accountholder", p).Presence, p)
	}
	assert.Equal(t, []string{"customer"}, field("bank_connections_resource_accountholder", "customer").Refs)
	assert.Equal(t, []string{"financial_connections.account_ownership"}, field("financial_connections.account", "ownership").Refs)
	for _, p := range []string{"blik_authorize", "redirect_to_url", "use_stripe_sdk", "verify_with_microdeposits"} {
		assert.Equal(t, apimap.PresenceIfSet, field("setup_intent_next_action", p).Presence, p)
	}
	assert.Nil(t, apimap.Shapes["address"], "an address sends its six keys, null or not: nothing to say")
	assert.Equal(t, "customer", apimap.ShapeOfObject["customer"])
	assert.Equal(t, "deleted_customer", apimap.DeletedShapeOfObject["customer"])
	assert.True(t, apimap.Shapes["deleted_customer"].Closed)
}

// TestEveryTypedEndpointHasAResponseShape: expand[] is checked on every
// endpoint the SDK types.
func TestEveryTypedEndpointHasAResponseShape(t *testing.T) {
	t.Parallel()
	param := regexp.MustCompile(`\{[^}]*\}`)
	for _, ep := range apimap.Endpoints {
		key := ep.Method + " " + param.ReplaceAllString(ep.Path, "{}")
		rs, ok := apimap.ResponseShapes[key]
		if assert.True(t, ok, key) {
			assert.NotEmpty(t, rs.Items, key)
		}
	}
}

// TestFixturesRenderUnchanged: stripe-mock's fixtures are resources as
// the API renders them by default, so rendering one changes nothing.
func TestFixturesRenderUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the stripe-mock module")
	}
	t.Parallel()
	spec, err := stripemock.SpecPath(context.Background())
	if err != nil {
		t.Skipf("stripe-mock spec: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(spec), "fixtures3.json"))
	if err != nil {
		t.Skipf("fixtures: %v", err)
	}
	var fx struct {
		Resources map[string]json.RawMessage `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(raw, &fx))
	n := 0
	for name, obj := range fx.Resources {
		compact := new(bytes.Buffer)
		require.NoError(t, json.Compact(compact, obj))
		got := shapeJSON(compact.Bytes())
		assert.JSONEq(t, compact.String(), string(got), name)
		if _, ok := apimap.Shapes[name]; ok {
			n++
		}
	}
	assert.Greater(t, n, 30, "fixtures of the resources the table describes")
}

// TestShapeKeepsOrderAndIsIdempotent: keys keep their order, and a
// rendered object renders to itself.
func TestShapeKeepsOrderAndIsIdempotent(t *testing.T) {
	t.Parallel()
	in := `{"id":"fca_1","object":"financial_connections.account","account_holder":{"account":null,"customer":"cus_1","customer_account":null,"type":"customer"},` +
		`"balance":{"as_of":1,"cash":{"available":{"usd":1}},"credit":null,"current":{"usd":1},"type":"cash"},"z":[1,{"a":null}],"status_details":null}`
	want := `{"id":"fca_1","object":"financial_connections.account","account_holder":{"customer":"cus_1","type":"customer"},` +
		`"balance":{"as_of":1,"cash":{"available":{"usd":1}},"current":{"usd":1},"type":"cash"},"z":[1,{"a":null}]}`
	got := shapeJSON([]byte(in))
	assert.Equal(t, want, string(got))
	assert.Equal(t, want, string(shapeJSON(got)))

	// A list of them, with white space, and an event holding one.
	list := `{ "object" : "list", "data" : [ ` + in + ` , ` + in + ` ], "has_more": false, "url": "/v1/x" }`
	var a, b any
	require.NoError(t, json.Unmarshal(shapeJSON([]byte(list)), &a))
	require.NoError(t, json.Unmarshal([]byte(`{"object":"list","data":[`+want+`,`+want+`],"has_more":false,"url":"/v1/x"}`), &b))
	assert.Equal(t, b, a)
	event := `{"id":"evt_1","object":"event","account":null,"data":{"object":` + in + `},"type":"x"}`
	assert.Equal(t, `{"id":"evt_1","object":"event","data":{"object":`+want+`},"type":"x"}`, string(shapeJSON([]byte(event))))
}

// FuzzShape: whatever valid JSON it is given, shape returns valid JSON.
func FuzzShape(f *testing.F) {
	f.Add([]byte(`{"object":"customer","sources":null,"deleted":true,"id":"cus_1"}`))
	f.Add([]byte(`{"object":"list","data":[{"object":"issuing.card","number":"4242","cvc":"123"}]}`))
	f.Add([]byte(`{"object":"event","data":{"object":{"object":"setup_intent","next_action":{"type":"x","redirect_to_url":null}}}}`))
	f.Add([]byte(`{"a":"\"}{","b":[{"object":"customer","tax":null}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		if !json.Valid(in) {
			return
		}
		out := shapeJSON(in)
		if !json.Valid(out) {
			t.Fatalf("shape(%s) = %s: not JSON", in, out)
		}
	})
}

// BenchmarkShapeCustomerPage renders a page of 10 customers as encoded:
// the rendering's share of a list request.
func BenchmarkShapeCustomerPage(b *testing.B) {
	s := NewServer()
	defer s.Close()
	for i := range 10 {
		serveLocal(s, "POST", "/v1/customers", fmt.Sprintf("email=c%d%%40example.com&name=Customer+%d", i, i))
	}
	s.mu.Lock()
	items := all[connect.Customer](s.keyState(DefaultKey).platform, kindCustomer, nil)
	s.mu.Unlock()
	page, err := json.Marshal(&embedfin.List[connect.Customer]{Object: "list", URL: "/v1/customers", Data: items})
	require.NoError(b, err)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		shapeJSON(page)
	}
}
