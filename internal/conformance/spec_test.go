package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/internal/apimap"
	"github.com/embedfin/embedfin-go/internal/stripemock"
	"github.com/embedfin/embedfin-go/issuing"
	"github.com/embedfin/embedfin-go/setupintents"
	"github.com/embedfin/embedfin-go/treasury"
	"github.com/stretchr/testify/require"
)

// schema is the part of an OpenAPI schema these checks read.
type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Enum                 []any              `json:"enum"`
	Properties           map[string]*schema `json:"properties"`
	Items                *schema            `json:"items"`
	AnyOf                []*schema          `json:"anyOf"`
	AdditionalProperties json.RawMessage    `json:"additionalProperties"`
	Title                string             `json:"title"`
	ResourceID           string             `json:"x-resourceId"`
	ExpansionResources   *struct {
		OneOf []*schema `json:"oneOf"`
	} `json:"x-expansionResources"`
}

type openapi struct {
	Paths map[string]map[string]struct {
		Parameters []struct {
			Name   string  `json:"name"`
			In     string  `json:"in"`
			Schema *schema `json:"schema"`
		} `json:"parameters"`
		RequestBody *struct {
			Content map[string]struct {
				Schema *schema `json:"schema"`
			} `json:"content"`
		} `json:"requestBody"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]*schema `json:"schemas"`
	} `json:"components"`
}

func loadSpec(t *testing.T) *openapi {
	t.Helper()
	path, err := stripemock.SpecPath(context.Background())
	require.NoError(t, err)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var s openapi
	require.NoError(t, json.Unmarshal(data, &s))
	return &s
}

func refName(s *schema) string {
	if s == nil || s.Ref == "" {
		return ""
	}
	return s.Ref[strings.LastIndexByte(s.Ref, '/')+1:]
}

// resources are the API objects the SDK types, with their Go types.
var resources = map[string]reflect.Type{
	"account":                             reflect.TypeFor[connect.Account](),
	"deleted_account":                     reflect.TypeFor[connect.DeletedAccount](),
	"account_link":                        reflect.TypeFor[connect.AccountLink](),
	"account_session":                     reflect.TypeFor[connect.AccountSession](),
	"person":                              reflect.TypeFor[connect.Person](),
	"bank_account":                        reflect.TypeFor[connect.BankAccount](),
	"card":                                reflect.TypeFor[connect.Card](),
	"token":                               reflect.TypeFor[connect.Token](),
	"tax_id":                              reflect.TypeFor[connect.TaxID](),
	"customer":                            reflect.TypeFor[connect.Customer](),
	"deleted_customer":                    reflect.TypeFor[connect.DeletedCustomer](),
	"cash_balance":                        reflect.TypeFor[connect.CashBalance](),
	"discount":                            reflect.TypeFor[connect.Discount](),
	"financial_connections.account":       reflect.TypeFor[financialconnections.Account](),
	"financial_connections.account_owner": reflect.TypeFor[financialconnections.AccountOwner](),
	"financial_connections.account_ownership": reflect.TypeFor[financialconnections.AccountOwnership](),
	"financial_connections.session":           reflect.TypeFor[financialconnections.Session](),
	"financial_connections.transaction":       reflect.TypeFor[financialconnections.Transaction](),
	"setup_intent":                            reflect.TypeFor[setupintents.SetupIntent](),
	"issuing.authorization":                   reflect.TypeFor[issuing.Authorization](),
	"issuing.card":                            reflect.TypeFor[issuing.Card](),
	"issuing.cardholder":                      reflect.TypeFor[issuing.Cardholder](),
	"issuing.transaction":                     reflect.TypeFor[issuing.Transaction](),
	"balance_transaction":                     reflect.TypeFor[issuing.BalanceTransaction](),
	"treasury.financial_account":              reflect.TypeFor[treasury.FinancialAccount](),
	"treasury.financial_account_features":     reflect.TypeFor[treasury.FinancialAccountFeatures](),
	"treasury.inbound_transfer":               reflect.TypeFor[treasury.InboundTransfer](),
	"treasury.outbound_payment":               reflect.TypeFor[treasury.OutboundPayment](),
	"treasury.outbound_transfer":              reflect.TypeFor[treasury.OutboundTransfer](),
	"treasury.received_credit":                reflect.TypeFor[treasury.ReceivedCredit](),
	"treasury.received_debit":                 reflect.TypeFor[treasury.ReceivedDebit](),
	"treasury.transaction":                    reflect.TypeFor[treasury.Transaction](),
	"treasury.transaction_entry":              reflect.TypeFor[treasury.TransactionEntry](),
	"treasury.credit_reversal":                reflect.TypeFor[treasury.CreditReversal](),
	"treasury.debit_reversal":                 reflect.TypeFor[treasury.DebitReversal](),
	"payout":                                  reflect.TypeFor[issuing.Payout](),
	"event":                                   reflect.TypeFor[events.Event](),
}

var (
	rawObjectType = reflect.TypeFor[embedfin.RawObject]()
	rawJSONType   = reflect.TypeFor[json.RawMessage]()
)

// coverage counts properties checked and those without a field.
type coverage struct {
	checked int
	missing []string
	seen    map[string]bool
}

// jsonFields maps json tag names to struct fields, embedded structs
// flattened.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if name != "" && name != "-" {
			out[name] = f
		}
	}
	return out
}

func indirect(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	return t
}

// genericArg returns T of embedfin.List[T] or embedfin.Expandable[T], read
// from the type of their Data or Object field.
func genericArg(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() != reflect.Struct || t.PkgPath() != "github.com/embedfin/embedfin-go" {
		return nil, false
	}
	switch {
	case strings.HasPrefix(t.Name(), "List["), strings.HasPrefix(t.Name(), "SearchResult["):
		f, _ := t.FieldByName("Data")
		return indirect(f.Type), true
	case strings.HasPrefix(t.Name(), "Expandable["):
		f, _ := t.FieldByName("Object")
		return indirect(f.Type), true
	}
	return nil, false
}

// isUnion reports whether t is a generated tagged union.
func isUnion(t reflect.Type) bool {
	f, ok := t.FieldByName("Other")
	return ok && t.Kind() == reflect.Struct && f.Type == reflect.PointerTo(rawObjectType)
}

// unionVariant finds which field of union type t holds an object with the
// given "object" value, by decoding a stub.
func unionVariant(t reflect.Type, object string, deleted bool) (reflect.Type, bool) {
	v := reflect.New(t)
	stub, _ := json.Marshal(map[string]any{"object": object, "deleted": deleted})
	if err := json.Unmarshal(stub, v.Interface()); err != nil {
		return nil, false
	}
	for i := 0; i < t.NumField(); i++ {
		f := v.Elem().Field(i)
		if f.Kind() == reflect.Pointer && !f.IsNil() && t.Field(i).Name != "Other" {
			return indirect(t.Field(i).Type), true
		}
	}
	return nil, false
}

// checkType walks schema s against Go type t.
func (c *coverage) checkType(spec *openapi, path string, s *schema, t reflect.Type) {
	if s == nil {
		return
	}
	t = indirect(t)
	if t == rawObjectType || t == rawJSONType {
		return
	}
	if arg, ok := genericArg(t); ok {
		switch {
		case s.ExpansionResources != nil:
			for _, r := range s.ExpansionResources.OneOf {
				c.checkType(spec, path, r, arg)
			}
			return
		case s.Properties["data"] != nil:
			c.checkType(spec, path+"[]", s.Properties["data"].Items, arg)
			return
		}
	}
	if r := refName(s); r != "" && isUnion(t) {
		sub := spec.Components.Schemas[r]
		obj := sub.Properties["object"]
		if obj == nil || len(obj.Enum) != 1 {
			return
		}
		_, deleted := sub.Properties["deleted"]
		vt, ok := unionVariant(t, fmt.Sprint(obj.Enum[0]), deleted)
		if !ok {
			return // a variant kept as RawObject
		}
		t = vt
	}
	if r := refName(s); r != "" {
		key := r + "@" + t.String()
		if c.seen[key] {
			return
		}
		c.seen[key] = true
		target := spec.Components.Schemas[r]
		if target.ResourceID != "" && resources[r] == nil {
			return // out of scope: the field exists and holds a RawObject
		}
		c.checkType(spec, r, target, t)
		return
	}
	if len(s.AnyOf) > 0 {
		for _, a := range s.AnyOf {
			if len(a.Enum) == 1 && a.Enum[0] == "" {
				continue
			}
			at := t
			if isUnion(t) {
				if r := refName(a); r != "" {
					sub := spec.Components.Schemas[r]
					obj, _ := sub.Properties["object"]
					if obj == nil || len(obj.Enum) != 1 {
						continue
					}
					_, deleted := sub.Properties["deleted"]
					vt, ok := unionVariant(t, fmt.Sprint(obj.Enum[0]), deleted)
					if !ok {
						continue // a variant kept as RawObject
					}
					at = vt
				}
			}
			c.checkType(spec, path, a, at)
		}
		return
	}
	if s.Items != nil {
		c.checkType(spec, path+"[]", s.Items, t)
		return
	}
	if len(s.Properties) == 0 || t.Kind() != reflect.Struct {
		return
	}
	fields := jsonFields(t)
	for _, name := range sortedNames(s.Properties) {
		c.checked++
		f, ok := fields[name]
		if !ok {
			c.missing = append(c.missing, path+"."+name+" (in "+t.String()+")")
			continue
		}
		c.checkType(spec, path+"."+name, s.Properties[name], f.Type)
	}
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestTypesCoverSpec holds every property of the in-scope resources, and of
// the objects nested in them, against a field of the Go types (by JSON
// name). Objects outside the SDK's products are RawObject and not entered.
func TestTypesCoverSpec(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	c := &coverage{seen: map[string]bool{}}
	for _, name := range sortedNames(resources) {
		s := spec.Components.Schemas[name]
		require.NotNil(t, s, name)
		c.checkType(spec, name, s, resources[name])
	}
	t.Logf("response properties checked: %d, without a field: %d", c.checked, len(c.missing))
	require.Empty(t, c.missing)
	require.Greater(t, c.checked, 1000)
}

// packageClients builds each package's client so methods can be found by
// the names in apimap.
func packageClients(c *embedfin.Client) map[string]reflect.Value {
	return map[string]reflect.Value{
		"connect":              reflect.ValueOf(connect.New(c)),
		"customers":            reflect.ValueOf(customers.New(c)),
		"financialconnections": reflect.ValueOf(financialconnections.New(c)),
		"setupintents":         reflect.ValueOf(setupintents.New(c)),
		"issuing":              reflect.ValueOf(issuing.New(c)),
		"treasury":             reflect.ValueOf(treasury.New(c)),
		"events":               reflect.ValueOf(events.New(c)),
	}
}

// paramsType returns the params struct type of an apimap call such as
// "treasury.New(c).TestHelpers.InboundTransfers.Succeed".
func paramsType(t *testing.T, clients map[string]reflect.Value, call string) reflect.Type {
	t.Helper()
	parts := strings.Split(call, ".")
	v := clients[parts[0]]
	require.True(t, v.IsValid(), call)
	for _, p := range parts[2 : len(parts)-1] {
		v = v.Elem().FieldByName(p)
		require.True(t, v.IsValid(), call)
	}
	m := v.MethodByName(parts[len(parts)-1])
	require.True(t, m.IsValid(), call)
	mt := m.Type()
	for i := 0; i < mt.NumIn(); i++ {
		in := mt.In(i)
		if in.Kind() == reflect.Pointer && strings.HasSuffix(in.Elem().Name(), "Params") {
			return in.Elem()
		}
	}
	t.Fatalf("%s has no params argument", call)
	return nil
}

// urlFields maps url tag names to fields (several fields may share one
// wire name: Created and CreatedRange), embedded structs flattened.
func urlFields(t reflect.Type) map[string][]reflect.StructField {
	out := map[string][]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			for k, v := range urlFields(f.Type) {
				out[k] = append(out[k], v...)
			}
			continue
		}
		name := strings.Split(f.Tag.Get("url"), ",")[0]
		if name != "" && name != "-" {
			out[name] = append(out[name], f)
		}
	}
	return out
}

// checkParams walks a parameter schema against the params struct fields
// that carry its wire name.
func (c *coverage) checkParams(path string, s *schema, fields []reflect.StructField) {
	if s == nil {
		return
	}
	alts := []*schema{s}
	if len(s.AnyOf) > 0 {
		alts = s.AnyOf
	}
	for _, a := range alts {
		if a.Items != nil {
			a = a.Items
			if len(a.AnyOf) > 0 {
				a = a.AnyOf[0]
			}
		}
		if a.Type != "object" || len(a.Properties) == 0 || a.Title == "range_query_specs" {
			continue
		}
		for _, f := range fields {
			ft := indirect(f.Type)
			if ft.Kind() != reflect.Struct || ft == reflect.TypeFor[embedfin.RangeQueryParams]() {
				continue
			}
			c.checkParamObject(path, a, ft)
		}
	}
}

func (c *coverage) checkParamObject(path string, s *schema, t reflect.Type) {
	key := path + "@" + t.String()
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	fields := urlFields(t)
	for _, name := range sortedNames(s.Properties) {
		c.checked++
		fs, ok := fields[name]
		if !ok {
			c.missing = append(c.missing, path+"["+name+"] (in "+t.String()+")")
			continue
		}
		c.checkParams(path+"["+name+"]", s.Properties[name], fs)
	}
}

// TestParamsCoverSpec holds every request parameter of every typed
// endpoint, nested ones included, against a field of its params struct (by
// wire name).
func TestParamsCoverSpec(t *testing.T) {
	t.Parallel()
	spec := loadSpec(t)
	clients := packageClients(client)
	c := &coverage{seen: map[string]bool{}}
	for _, ep := range apimap.Endpoints {
		op := spec.Paths[ep.Path][strings.ToLower(ep.Method)]
		pt := paramsType(t, clients, ep.Call)
		top := &schema{Type: "object", Properties: map[string]*schema{}}
		for _, p := range op.Parameters {
			if p.In == "query" {
				top.Properties[p.Name] = p.Schema
			}
		}
		if op.RequestBody != nil {
			if body, ok := op.RequestBody.Content["application/x-www-form-urlencoded"]; ok && body.Schema != nil {
				for k, v := range body.Schema.Properties {
					top.Properties[k] = v
				}
			}
		}
		c.checkParamObject(ep.Method+" "+ep.Path+" ", top, pt)
	}
	t.Logf("request parameters checked: %d, without a field: %d", c.checked, len(c.missing))
	require.Empty(t, c.missing)
	require.Greater(t, c.checked, 1000)
}
