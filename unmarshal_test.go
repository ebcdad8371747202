package embedfin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/internal/stripemock"
	"github.com/embedfin/embedfin-go/issuing"
	"github.com/embedfin/embedfin-go/setupintents"
	"github.com/embedfin/embedfin-go/treasury"
)

// Unmarshal must agree with encoding/json on every input: the same error
// (nil or the same message) and, on success, deeply equal values, whether
// decoding into a zero value or into one already filled.

type upperText string

func (u *upperText) UnmarshalText(b []byte) error {
	*u = upperText(strings.ToUpper(string(b)))
	return nil
}

type oddInner struct {
	Name  string `json:"name"`
	Inner int    `json:"inner"`
}

type OddEmbedded struct {
	Promoted string `json:"promoted"`
	Shadowed string `json:"shadowed"`
}

type oddPtrEmbedded struct {
	Deep string `json:"deep"`
}

type oddities struct {
	OddEmbedded
	Shadowed string `json:"shadowed"`
	Plain    string // no tag: its Go name, matched case-insensitively
	Skipped  string `json:"-"`
	//lint:ignore SA5008 the "-," tag (a field named "-") is an edge case the decoder must match
	Dash string `json:"-,"`
	//lint:ignore U1000 an unexported field the decoder must leave untouched
	unexported  string
	Raw         json.RawMessage                `json:"raw"`
	RawPtr      *json.RawMessage               `json:"raw_ptr"`
	Any         any                            `json:"any"`
	Bytes       []byte                         `json:"bytes"`
	Array       [2]int                         `json:"array"`
	Number      json.Number                    `json:"number"`
	Quoted      int64                          `json:"quoted,string"`
	Time        time.Time                      `json:"time"`
	TimePtr     *time.Time                     `json:"time_ptr"`
	IntMap      map[int]string                 `json:"int_map"`
	PtrMap      map[string]*oddInner           `json:"ptr_map"`
	StrMap      map[string]string              `json:"str_map"`
	I64Map      map[string]int64               `json:"i64_map"`
	AnyMap      map[string]any                 `json:"any_map"`
	TextMap     map[upperText]int              `json:"text_map"`
	PtrPtr      **int                          `json:"ptr_ptr"`
	F32         float32                        `json:"f32"`
	F64         *float64                       `json:"f64"`
	U8          uint8                          `json:"u8"`
	U64         uint64                         `json:"u64"`
	I8          int8                           `json:"i8"`
	Bool        *bool                          `json:"bool"`
	Text        upperText                      `json:"text"`
	Nested      [][]string                     `json:"nested"`
	Structs     []oddInner                     `json:"structs"`
	StructPtrs  []*oddInner                    `json:"struct_ptrs"`
	Inner       *oddInner                      `json:"inner"`
	Unicode     string                         `json:"ünïcode"`
	Expandable  *embedfin.Expandable[oddID]    `json:"expandable"`
	ExpandValue embedfin.Expandable[oddID]     `json:"expand_value"`
	RawObj      embedfin.RawObject             `json:"raw_obj"`
	RawObjPtr   *embedfin.RawObject            `json:"raw_obj_ptr"`
	NoID        *embedfin.Expandable[oddInner] `json:"no_id"`
	Self        *oddities                      `json:"self"`
}

type oddID struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
}

func (o *oddID) GetID() string { return o.ID }

type withPtrEmbed struct {
	*oddPtrEmbedded
	Name string `json:"name"`
}

type target struct {
	name string
	new  func() any
}

var targets = []target{
	{"financialconnections.Account", func() any { return new(financialconnections.Account) }},
	{"List[financialconnections.Transaction]", func() any { return new(embedfin.List[financialconnections.Transaction]) }},
	{"financialconnections.Session", func() any { return new(financialconnections.Session) }},
	{"connect.Account", func() any { return new(connect.Account) }},
	{"connect.Customer", func() any { return new(connect.Customer) }},
	{"SearchResult[connect.Customer]", func() any { return new(embedfin.SearchResult[connect.Customer]) }},
	{"issuing.Cardholder", func() any { return new(issuing.Cardholder) }},
	{"issuing.Card", func() any { return new(issuing.Card) }},
	{"issuing.Authorization", func() any { return new(issuing.Authorization) }},
	{"setupintents.SetupIntent", func() any { return new(setupintents.SetupIntent) }},
	{"treasury.FinancialAccount", func() any { return new(treasury.FinancialAccount) }},
	{"events.Event", func() any { return new(events.Event) }},
	{"RawObject", func() any { return new(embedfin.RawObject) }},
	{"*Expandable[connect.Customer]", func() any { return new(*embedfin.Expandable[connect.Customer]) }},
	{"map[string]any", func() any { return new(map[string]any) }},
	{"[]string", func() any { return new([]string) }},
	{"string", func() any { return new(string) }},
	{"int64", func() any { return new(int64) }},
	{"oddities", func() any { return new(oddities) }},
	{"withPtrEmbed", func() any { return new(withPtrEmbed) }},
	{"struct{RawObject}", func() any { return new(struct{ embedfin.RawObject }) }},
}

// agree decodes data with both decoders into fresh values, and into values
// prefilled from prefill, and reports any difference.
func agree(t *testing.T, data, prefill []byte) {
	t.Helper()
	for _, tg := range targets {
		for _, pre := range [][]byte{nil, prefill} {
			a, b := tg.new(), tg.new()
			if pre != nil {
				_ = json.Unmarshal(pre, a)
				_ = json.Unmarshal(pre, b)
				if !reflect.DeepEqual(a, b) {
					continue // prefill not deterministic for this type (cannot happen)
				}
			}
			errA := json.Unmarshal(data, a)
			errB := embedfin.Unmarshal(data, b)
			if (errA == nil) != (errB == nil) || (errA != nil && errA.Error() != errB.Error()) {
				t.Fatalf("%s (prefilled %v): encoding/json: %v; Unmarshal: %v\ninput: %q", tg.name, pre != nil, errA, errB, data)
			}
			if errA == nil && !reflect.DeepEqual(a, b) {
				t.Fatalf("%s (prefilled %v): values differ\nencoding/json: %+v\nUnmarshal:     %+v\ninput: %q", tg.name, pre != nil, a, b, data)
			}
		}
	}
}

const oddJSON = `{"promoted":"p","shadowed":"outer","PLAIN":"x","Skipped":"no","-":"dash","unexported":"u",
"raw":{"a":[1,2]},"raw_ptr":null,"any":{"k":[true,null,1.5e3,"s"]},"bytes":"aGVsbG8=","array":[1,2,3],
"number":12.50,"quoted":"42","time":"2026-01-02T03:04:05Z","time_ptr":null,"int_map":{"1":"a","-2":"b"},
"ptr_map":{"x":{"name":"n","inner":1},"y":null},"str_map":{"a":"b","c":null},"i64_map":{"usd":100,"eur":null,"gbp":-7},
"any_map":{"n":1},"text_map":{"ab":1},"ptr_ptr":5,"f32":1.25,"f64":-0.5e-3,"u8":255,"u64":18446744073709551615,"i8":-128,
"bool":false,"text":"shout","nested":[["a"],[],null],"structs":[{"name":"s"},{}],"struct_ptrs":[null,{"NAME":"case"}],
"inner":{"name":"i"},"\u00fcn\u00efcode":"\u00e9\ud83d\ude00\ud800x","expandable":{"id":"obj_1","kind":"k"},
"expand_value":"obj_2","raw_obj":{"id":"ro_1","object":"thing","x":{"y":[1]}},"raw_obj_ptr":null,
"no_id":{"name":"noid","inner":2,"id":"no_1"},"self":{"plain":"nested","self":null}}`

// edgeInputs are the hand-picked cases; the fuzz target adds more.
var edgeInputs = []string{
	``, ` `, `null`, `{}`, `[]`, `""`, `0`, `-0`, `1e3`, `true`, `{"id":"x"} x`, `{"id":"x",}`, `{"id" "x"}`,
	`{"id":"x"`, `{"id":"\u00e9\"\\\/\b\f\n\r\t"}`, `{"id":"\ud800"}`, `{"id":"\ud83d\ude00"}`, `{"id":"\uD83D\uDE00"}`,
	`{"id":"\x"}`, `{"id":"\u12"}`, "{\"id\":\"\xff\xfe\"}", "{\"id\":\"a\tb\"}", "{\"id\":\"\xed\xa0\x80\"}",
	`{"ID":"upper","Object":"o"}`, `{"id":"a","id":"b"}`, `{"id":1}`, `{"id":null}`, `{"created":1.5}`,
	`{"created":-9223372036854775808}`, `{"created":9223372036854775808}`, `{"created":"1"}`, `{"created":01}`,
	`{"created":1.}`, `{"created":-}`, `{"created":1e}`, `{"created":tru}`, `{"livemode":nul}`, `{"livemode":1}`,
	`{"metadata":{"a":"b","a":"c"}}`, `{"metadata":null}`, `{"metadata":[]}`, `{"metadata":{"k":1}}`,
	`{"data":[],"has_more":false}`, `{"data":null}`, `{"data":[null,{"id":"t1"}],"has_more":true}`, `{"data":{}}`,
	`{"customer":"cus_1"}`, `{"customer":{"id":"cus_1","object":"customer"}}`, `{"customer":null}`, `{"customer":5}`,
	`{"customer":["x"]}`, `{"account_holder":{"customer":{"id":"cus_2","email":"a@b.c"},"type":"customer"}}`,
	`{"ownership":{"id":"fcaowns_1","owners":{"data":[{"name":"N"}]}}}`, `{"ownership":"fcaowns_1"}`,
	`{"balance":{"current":{"usd":1,"eur":-2},"cash":{"available":null}}}`, `{"balance":{"current":{"usd":1.5}}}`,
	`{"external_accounts":{"data":[{"object":"bank_account","id":"ba_1"},{"object":"card","id":"card_1"},{"object":"x","id":"x_1"}]}}`,
	`{"data":{"object":{"id":"fca_1"},"previous_attributes":null}}`, `{"raw":null}`, `{"raw_ptr":{"a":1}}`,
	`{"unknown_field":{"deep":[1,{"a":null}]},"id":"ok"}`, `{"\u0069d":"escaped key"}`, `{"ſtatus":"long s"}`,
	`[1,2]`, `["a","b"]`, `"str"`, `42`, `{"self":` + strings.Repeat(`{"self":`, 30) + `null` + strings.Repeat(`}`, 31),
	strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001), `{"i8":128}`, `{"u8":-1}`, `{"u64":18446744073709551616}`,
	`{"f32":3.5e38}`, `{"ptr_ptr":null}`, `{"array":[1]}`, `{"text":5}`, `{"time":"bad"}`, `{"quoted":42}`,
	`{"expand_value":null}`, `{"expandable":null}`, `{"expandable":"e"}`, `{"expandable":{"kind":"no id"}}`,
	`{"raw_obj":null}`, `{"raw_obj":"s"}`, `{"raw_obj":{"id":5}}`, `{"no_id":{"ID":"N"}}`, `{"no_id":{"id":3}}`,
	`{"name":"n","deep":"d"}`, `{"nested":[[1]]}`, `{"structs":[{"inner":"x"}]}`, oddJSON,
}

func TestUnmarshalAgreesWithEncodingJSON(t *testing.T) {
	for _, in := range edgeInputs {
		agree(t, []byte(in), []byte(oddJSON))
	}
}

// TestUnmarshalStripeFixtures decodes every fixture of stripe-mock's spec
// into the matching types, and each page and search result built from them.
func TestUnmarshalStripeFixtures(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the stripe-mock module")
	}
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
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	n := 0
	for name, obj := range fx.Resources {
		agree(t, obj, nil)
		page := fmt.Sprintf(`{"object":"list","data":[%s,%s],"has_more":true,"url":"/v1/x"}`, obj, obj)
		agree(t, []byte(page), obj)
		_ = name
		n++
	}
	t.Logf("%d fixtures", n)
}

func FuzzUnmarshal(f *testing.F) {
	for _, in := range edgeInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		agree(t, data, []byte(oddJSON))
	})
}

// TestUnmarshalSharesOneCopy checks that the decoded strings do not alias
// the input, which the client reuses.
func TestUnmarshalSharesOneCopy(t *testing.T) {
	data := []byte(`{"id":"fca_1","object":"financial_connections.account","permissions":["balances"]}`)
	var a financialconnections.Account
	if err := embedfin.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 'x'
	}
	if a.ID != "fca_1" || a.Object != "financial_connections.account" || a.Permissions[0] != "balances" {
		t.Fatalf("decoded strings changed with the input: %+v", a)
	}
}
