package form_test

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedfin/embedfin-go/form"
)

type decAddress struct {
	Line1 string  `url:"line1"`
	City  *string `url:"city,omitempty"`
}

type decItem struct {
	Price    string   `url:"price"`
	Quantity *int64   `url:"quantity,omitempty"`
	Tags     []string `url:"tags,omitempty"`
}

type DecEmbedded struct {
	Inner string `url:"inner"`
}

type DecEmbeddedPtr struct {
	Deep string `url:"deep"`
}

type decNested struct {
	N []string `url:"n,numbered"`
}

type decParams struct {
	DecEmbedded
	*DecEmbeddedPtr
	Name        string                 `url:"name"`
	Description *string                `url:"description,omitempty"`
	Amount      int64                  `url:"amount"`
	PAmount     *int64                 `url:"p_amount,omitempty"`
	Count       uint8                  `url:"count"`
	Ratio       float64                `url:"ratio"`
	F32         float32                `url:"f32"`
	Flag        bool                   `url:"flag"`
	IntFlag     bool                   `url:"int_flag,int"`
	Status      encStatus              `url:"status"`
	Address     *decAddress            `url:"address,omitempty"`
	Billing     decAddress             `url:"billing"`
	Items       []decItem              `url:"items,omitempty"`
	PItems      []*decItem             `url:"pitems,omitempty"`
	Tags        []string               `url:"tags,omitempty"`
	Expand      []string               `url:"expand,brackets,omitempty"`
	Comma       []int                  `url:"comma,comma,omitempty"`
	Pipe        []string               `url:"pipe,omitempty" del:"|"`
	Num         []string               `url:"num,numbered,omitempty"`
	PNum        *[]int                 `url:"pnum,numbered,omitempty"`
	Nested      decNested              `url:"nested"`
	Metadata    map[string]string      `url:"metadata,omitempty"`
	MapItems    map[string]decItem     `url:"map_items,omitempty"`
	MapPtr      map[encStatus]*decItem `url:"map_ptr,omitempty"`
	When        time.Time              `url:"when,unix"`
	WhenRFC     *time.Time             `url:"when_rfc,omitempty"`
	Day         time.Time              `url:"day" layout:"2006-01-02"`
	Millis      time.Time              `url:"ms,unixmilli"`
	Nanos       time.Time              `url:"ns,unixnano"`
	Any         any                    `url:"any"`
	Arr         [2]int                 `url:"arr"`
	Skip        string                 `url:"-"`
}

func TestDecodeRules(t *testing.T) {
	t.Parallel()
	rfc := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		body string
		want decParams
	}{
		{"scalars", "name=x&amount=-5&p_amount=0&count=255&ratio=1.5&f32=0.25&flag=true&int_flag=1&status=active",
			decParams{Name: "x", Amount: -5, PAmount: ptr(int64(0)), Count: 255, Ratio: 1.5, F32: 0.25, Flag: true, IntFlag: true, Status: "active"}},
		{"bool words with int option", "int_flag=true&flag=false", decParams{IntFlag: true}},
		{"int option zero", "int_flag=0", decParams{}},
		{"exponent float", "ratio=1e3", decParams{Ratio: 1000}},
		{"nested pointer", "address[line1]=l&address[city]=c", decParams{Address: &decAddress{Line1: "l", City: ptr("c")}}},
		{"nested value", "billing[city]=x", decParams{Billing: decAddress{City: ptr("x")}}},
		{"out of order indexes", "items[10][price]=k&items[2][price]=c&items[0][price]=a&items[1][price]=b",
			decParams{Items: func() []decItem {
				s := make([]decItem, 11)
				s[0].Price, s[1].Price, s[2].Price, s[10].Price = "a", "b", "c", "k"
				return s
			}()}},
		{"leading zeros", "tags[01]=b&tags[0]=a", decParams{Tags: []string{"a", "b"}}},
		{"pointer elements", "pitems[1][price]=x", decParams{PItems: []*decItem{nil, {Price: "x"}}}},
		{"nested slices in slices", "items[0][tags][1]=b&items[0][tags][0]=a&items[0][quantity]=2",
			decParams{Items: []decItem{{Tags: []string{"a", "b"}, Quantity: ptr(int64(2))}}}},
		{"append", "tags[]=a&tags[]=b", decParams{Tags: []string{"a", "b"}}},
		{"repeated bare key", "tags=a&tags=b", decParams{Tags: []string{"a", "b"}}},
		{"mixed slice forms", "tags=c&tags[]=b&tags[0]=a", decParams{Tags: []string{"a", "b", "c"}}},
		{"unset slice", "tags=", decParams{Tags: []string{}}},
		{"unset map", "metadata=", decParams{Metadata: map[string]string{}}},
		{"unset object", "address=", decParams{Address: &decAddress{}}},
		{"unset value object", "billing[line1]=x&billing=", decParams{Billing: decAddress{Line1: "x"}}},
		{"explicit empty string", "description=", decParams{Description: ptr("")}},
		{"map", "metadata[b]=&metadata[a]=1&metadata[x+y]=%5Bz%5D", decParams{Metadata: map[string]string{"a": "1", "b": "", "x y": "[z]"}}},
		{"map with unset and keys", "metadata=&metadata[a]=1", decParams{Metadata: map[string]string{"a": "1"}}},
		{"map of structs", "map_items[x][price]=1&map_items[x][quantity]=2&map_items[y][price]=",
			decParams{MapItems: map[string]decItem{"x": {Price: "1", Quantity: ptr(int64(2))}, "y": {}}}},
		{"map of pointers, named keys", "map_ptr[k][price]=1", decParams{MapPtr: map[encStatus]*decItem{"k": {Price: "1"}}}},
		{"brackets", "expand[]=a&expand[]=b", decParams{Expand: []string{"a", "b"}}},
		{"comma", "comma=1,2,3", decParams{Comma: []int{1, 2, 3}}},
		{"comma unset", "comma=", decParams{Comma: []int{}}},
		{"comma indexed", "comma[1]=2&comma[0]=1", decParams{Comma: []int{1, 2}}},
		{"del tag", "pipe=a|b||c", decParams{Pipe: []string{"a", "b", "", "c"}}},
		{"numbered", "num10=k&num1=b&num0=a", decParams{Num: func() []string {
			s := make([]string, 11)
			s[0], s[1], s[10] = "a", "b", "k"
			return s
		}()}},
		{"numbered and indexed", "num0=a&num[1]=b", decParams{Num: []string{"a", "b"}}},
		{"numbered pointer to slice", "pnum1=2&pnum0=1", decParams{PNum: &[]int{1, 2}}},
		{"numbered nested", "nested[n]1=y&nested[n]0=x", decParams{Nested: decNested{N: []string{"x", "y"}}}},
		{"numbered nested in brackets", "nested[n0]=x", decParams{Nested: decNested{N: []string{"x"}}}},
		{"times", "when=1700000000&when_rfc=2024-01-02T03:04:05Z&day=2024-05-06&ms=1700000000123&ns=5",
			decParams{When: time.Unix(1700000000, 0).UTC(), WhenRFC: &rfc, Day: time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC),
				Millis: time.UnixMilli(1700000000123).UTC(), Nanos: time.Unix(0, 5).UTC()}},
		{"any string", "any=x", decParams{Any: "x"}},
		{"any map", "any[a][b]=1&any[c]=2", decParams{Any: map[string]any{"a": map[string]any{"b": "1"}, "c": "2"}}},
		{"any map with unset", "any=&any[c]=2", decParams{Any: map[string]any{"c": "2"}}},
		{"array", "arr[1]=5", decParams{Arr: [2]int{0, 5}}},
		{"array bare", "arr=7", decParams{Arr: [2]int{7, 0}}},
		{"last wins", "name=a&name=b", decParams{Name: "b"}},
		{"embedded", "inner=i&deep=d", decParams{DecEmbedded: DecEmbedded{Inner: "i"}, DecEmbeddedPtr: &DecEmbeddedPtr{Deep: "d"}}},
		{"escapes", "name=a%26b%3D+c%00%FF", decParams{Name: "a&b= c\x00\xff"}},
		{"escaped brackets in key", "address%5Bline1%5D=x", decParams{Address: &decAddress{Line1: "x"}}},
		{"empty body", "", decParams{}},
		{"empty pairs", "&&name=x&", decParams{Name: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got decParams
			require.NoError(t, form.Unmarshal([]byte(tt.body), &got))
			assert.Equal(t, tt.want, got)

			vals, err := url.ParseQuery(tt.body)
			require.NoError(t, err)
			var viaDecode decParams
			require.NoError(t, form.Decode(vals, &viaDecode))
			assert.Equal(t, tt.want, viaDecode)
		})
	}
}

func TestDecodeUnknownKeys(t *testing.T) {
	t.Parallel()
	var got decParams
	err := form.Unmarshal([]byte("foo=1&bar[baz]=2&name=ok&address[zip]=3&address[line1]=l&skip=x&amount[x]=1&amount=4&address[]=z&foo=2&Name=n"), &got)
	var unknown *form.UnknownKeysError
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, []string{"Name", "address[]", "address[zip]", "amount[x]", "bar[baz]", "foo", "skip"}, unknown.Keys)
	assert.Equal(t, "form: unknown parameter(s): Name, address[], address[zip], amount[x], bar[baz], foo, skip", err.Error())
	// Everything else was decoded.
	assert.Equal(t, "ok", got.Name)
	assert.Equal(t, int64(4), got.Amount)
	assert.Equal(t, &decAddress{Line1: "l"}, got.Address)
}

func TestDecodeValueErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body, key, value string
		typ              string
	}{
		{"amount=abc", "amount", "abc", "int64"},
		{"amount=", "amount", "", "int64"},
		{"amount=1.5", "amount", "1.5", "int64"},
		{"p_amount=", "p_amount", "", "int64"},
		{"count=256", "count", "256", "uint8"},
		{"count=-1", "count", "-1", "uint8"},
		{"flag=1", "flag", "1", "bool"},
		{"flag=", "flag", "", "bool"},
		{"int_flag=2", "int_flag", "2", "bool"},
		{"ratio=NaN", "ratio", "NaN", "float64"},
		{"ratio=Inf", "ratio", "Inf", "float64"},
		{"ratio=1e400", "ratio", "1e400", "float64"},
		{"f32=1e39", "f32", "1e39", "float32"},
		{"when=abc", "when", "abc", "time.Time"},
		{"when_rfc=", "when_rfc", "", "time.Time"},
		{"day=2024-13-01", "day", "2024-13-01", "time.Time"},
		{"address=x", "address", "x", "form_test.decAddress"},
		{"metadata=x", "metadata", "x", "map[string]string"},
		{"any=x&any[a]=1", "any", "x", "map[string]interface {}"},
		{"comma=1,x", "comma", "x", "int"},
		{"tags[0]=a&items[0][quantity]=q", "items[0][quantity]", "q", "int64"},
		{"pipe=a&num0=1&pnum0=z", "pnum0", "z", "int"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			t.Parallel()
			var got decParams
			err := form.Unmarshal([]byte(tt.body), &got)
			var ve *form.ValueError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.key, ve.Key)
			assert.Equal(t, tt.value, ve.Value)
			assert.Equal(t, tt.typ, ve.Type.String())
			assert.Contains(t, err.Error(), tt.key)
		})
	}
}

func TestDecodeKeyErrors(t *testing.T) {
	t.Parallel()
	deep := "a" + strings.Repeat("[b]", 101)
	tests := []struct {
		key    string
		reason string
	}{
		{"a]b", "unexpected ']'"},
		{"a[b", "unclosed '['"},
		{"a[b]c", "unexpected text after ']'"},
		{"a[b[c]]", "'[' inside brackets"},
		{"[a]", "missing name before '['"},
		{"a[][b]", "'[]' must end the key"},
		{"a[]0", "'[]' must end the key"},
		{deep, "more than 100 bracketed parts"},
		{"items[x][price]", `"x" is not a slice index`},
		{"items[-1][price]", `"-1" is not a slice index`},
		{"items[10001][price]", "slice index 10001 is larger than 10000"},
		{"items[99999999999999999999][price]", "slice index 99999999999999999999 is larger than 10000"},
		{"num99999", "slice index 99999 is larger than 10000"},
		{"metadata[]", "empty map key"},
		{"any[]", "empty map key"},
		{"arr[2]", "3 elements for an array of length 2"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			var got decParams
			err := form.Decode(url.Values{tt.key: {"1"}, "name": {"kept"}}, &got)
			var ke *form.KeyError
			require.ErrorAs(t, err, &ke)
			assert.Equal(t, tt.key, ke.Key)
			assert.Equal(t, tt.reason, ke.Reason)
			assert.Contains(t, err.Error(), tt.reason)
			assert.Equal(t, "kept", got.Name)
		})
	}
	t.Run("empty key", func(t *testing.T) {
		t.Parallel()
		var got decParams
		var ke *form.KeyError
		require.ErrorAs(t, form.Decode(url.Values{"": {"1"}}, &got), &ke)
		assert.Equal(t, "empty key", ke.Reason)
	})
}

func TestDecodeIndexCapAndGapBudget(t *testing.T) {
	t.Parallel()
	var got decParams
	require.NoError(t, form.Unmarshal([]byte("tags[10000]=x"), &got))
	assert.Len(t, got.Tags, 10001)
	assert.Equal(t, "x", got.Tags[10000])

	// Missing indexes may create at most MaxIndex zero elements per call.
	got = decParams{}
	err := form.Unmarshal([]byte("items[0][tags][10000]=a&items[1][tags][10000]=b"), &got)
	var ke *form.KeyError
	require.ErrorAs(t, err, &ke)
	assert.Equal(t, "items[1][tags][10000]", ke.Key)
	require.Len(t, got.Items, 2)
	assert.Len(t, got.Items[0].Tags, 10001)
	assert.Nil(t, got.Items[1].Tags)

	// Dense input in any order creates no gaps.
	dense := url.Values{}
	for i := 10000; i >= 0; i-- {
		dense.Set(fmt.Sprintf("tags[%d]", i), strconv.Itoa(i))
	}
	got = decParams{}
	require.NoError(t, form.Decode(dense, &got))
	require.Len(t, got.Tags, 10001)
	assert.Equal(t, "9999", got.Tags[9999])
}

func TestDecodeMultipleErrors(t *testing.T) {
	t.Parallel()
	var got decParams
	err := form.Unmarshal([]byte("amount=x&a]b=1&foo=1&count=z&name=ok"), &got)
	require.Error(t, err)
	var ve *form.ValueError
	require.ErrorAs(t, err, &ve)
	var ke *form.KeyError
	require.ErrorAs(t, err, &ke)
	assert.Equal(t, "a]b", ke.Key)
	var unknown *form.UnknownKeysError
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, []string{"foo"}, unknown.Keys)

	joined, ok := err.(interface{ Unwrap() []error })
	require.True(t, ok, "several errors are joined")
	errs := joined.Unwrap()
	require.Len(t, errs, 4)
	assert.IsType(t, &form.KeyError{}, errs[0])
	assert.Equal(t, "amount", errs[1].(*form.ValueError).Key)
	assert.Equal(t, "count", errs[2].(*form.ValueError).Key)
	assert.IsType(t, &form.UnknownKeysError{}, errs[3])
	assert.Equal(t, "ok", got.Name)
}

func TestDecodeTargets(t *testing.T) {
	t.Parallel()
	vals := url.Values{"price": {"p"}}
	n := 5
	var nilItem *decItem
	for _, target := range []any{nil, decItem{}, &n, nilItem, ptr("s"), ptr(&n), []decItem{}} {
		err := form.Decode(vals, target)
		var te *form.TypeError
		require.ErrorAs(t, err, &te, "%T", target)
		assert.NotEmpty(t, te.Error())
		require.ErrorAs(t, form.Unmarshal([]byte("price=p"), target), &te)
	}
	assert.Equal(t, 5, n)

	// Nil inner pointers are allocated.
	var pp *decItem
	require.NoError(t, form.Decode(vals, &pp))
	assert.Equal(t, &decItem{Price: "p"}, pp)
}

func TestDecodeSyntaxError(t *testing.T) {
	t.Parallel()
	var got decParams
	err := form.Unmarshal([]byte("description=%zz&name=ok"), &got)
	var se *form.SyntaxError
	require.ErrorAs(t, err, &se)
	var esc url.EscapeError
	require.ErrorAs(t, err, &esc)
	assert.Contains(t, err.Error(), "malformed body")
	assert.Equal(t, "ok", got.Name)

	err = form.Unmarshal([]byte("name=a;b&foo=1"), &got)
	require.ErrorAs(t, err, &se)
	var unknown *form.UnknownKeysError
	require.ErrorAs(t, err, &unknown)
}

type decIfaces struct {
	Str  fmt.Stringer `url:"str"`
	Any  any          `url:"any"`
	Chan chan int     `url:"chan"`
	Cplx complex64    `url:"cplx"`
	IntM map[int]int  `url:"intm"`
}

func TestDecodeInterfacesAndUnsupported(t *testing.T) {
	t.Parallel()
	addr := &decAddress{}
	got := decIfaces{Any: addr}
	require.NoError(t, form.Unmarshal([]byte("any[line1]=x"), &got))
	assert.Equal(t, "x", addr.Line1)

	got = decIfaces{Any: 5}
	require.NoError(t, form.Unmarshal([]byte("any=x"), &got))
	assert.Equal(t, "x", got.Any)

	for _, body := range []string{"str=x", "chan=1", "cplx=1", "intm[1]=2"} {
		var te *form.TypeError
		require.ErrorAs(t, form.Unmarshal([]byte(body), &decIfaces{}), &te, body)
		assert.Equal(t, strings.SplitN(body, "=", 2)[0], te.Key)
	}

	// A target that points back into itself fails instead of looping.
	var self any
	self = &self
	cyc := decIfaces{Any: self}
	var te *form.TypeError
	require.ErrorAs(t, form.Unmarshal([]byte("any=x"), &cyc), &te)
}

type decHidden struct {
	*decHiddenInner
	Name string `url:"name"`
}

type decHiddenInner struct {
	Deep string `url:"deep"`
}

type decShadow struct {
	DecEmbedded
	Inner string `url:"inner"`
}

func TestDecodeEmbedded(t *testing.T) {
	t.Parallel()
	var h decHidden
	var te *form.TypeError
	require.ErrorAs(t, form.Unmarshal([]byte("deep=x&name=n"), &h), &te)
	assert.Equal(t, "n", h.Name)

	h = decHidden{decHiddenInner: &decHiddenInner{}}
	require.NoError(t, form.Unmarshal([]byte("deep=x"), &h))
	assert.Equal(t, "x", h.Deep)

	// The shallower field wins.
	var s decShadow
	require.NoError(t, form.Unmarshal([]byte("inner=x"), &s))
	assert.Equal(t, "x", s.Inner)
	assert.Empty(t, s.DecEmbedded.Inner)
}

type recNode struct {
	Name     string    `url:"name"`
	Children []recNode `url:"children,omitempty"`
	Parent   *recNode  `url:"parent,omitempty"`
}

type recTree map[string]recTree

type recSelf struct {
	*recSelf
	X string `url:"x"`
}

func TestRecursiveTypes(t *testing.T) {
	t.Parallel()
	in := recNode{Name: "a", Children: []recNode{{Name: "b", Children: []recNode{{Name: "c"}}}}, Parent: &recNode{Name: "p"}}
	b, err := form.Marshal(in)
	require.NoError(t, err)
	assert.Equal(t, "name=a&children[0][name]=b&children[0][children][0][name]=c&parent[name]=p", string(b))
	var out recNode
	require.NoError(t, form.Unmarshal(b, &out))
	assert.Equal(t, in, out)

	type withTree struct {
		T recTree `url:"t"`
	}
	tree := withTree{T: recTree{"a": {"b": {"c": nil}}, "d": nil}}
	b, err = form.Marshal(tree)
	require.NoError(t, err)
	assert.Empty(t, string(b), "empty maps write nothing")

	self := recSelf{X: "outer", recSelf: &recSelf{X: "inner"}}
	b, err = form.Marshal(self)
	require.NoError(t, err)
	assert.Equal(t, "x=outer&x=inner", string(b))
	var selfOut recSelf
	require.NoError(t, form.Unmarshal([]byte("x=1"), &selfOut))
	assert.Equal(t, "1", selfOut.X)
}

func TestRoundTripRich(t *testing.T) {
	t.Parallel()
	in := decParams{
		DecEmbedded:    DecEmbedded{Inner: "in"},
		DecEmbeddedPtr: &DecEmbeddedPtr{Deep: "deep"},
		Name:           "a&b=c [d] %e",
		Description:    ptr(""),
		Amount:         -9,
		PAmount:        ptr(int64(0)),
		Count:          7,
		Ratio:          1e-7,
		F32:            3.25,
		Flag:           true,
		IntFlag:        true,
		Status:         "ok",
		Address:        &decAddress{Line1: "l", City: ptr("")},
		Billing:        decAddress{Line1: "b"},
		Items:          []decItem{{Price: "p", Tags: []string{"x", ""}}, {Quantity: ptr(int64(3))}},
		PItems:         []*decItem{{Price: "q"}},
		Tags:           []string{"", "t"},
		Expand:         []string{"e1", "e2"},
		Comma:          []int{1, -2},
		Pipe:           []string{"a", "b"},
		Num:            []string{"n0", "n1"},
		PNum:           &[]int{4},
		Nested:         decNested{N: []string{"z"}},
		Metadata:       map[string]string{"k": "v", "empty": "", "sp ace": "%"},
		MapItems:       map[string]decItem{"m": {Price: "1"}},
		MapPtr:         map[encStatus]*decItem{"s": {Price: "2"}},
		When:           time.Unix(1700000000, 0).UTC(),
		WhenRFC:        ptr(time.Date(2020, 2, 3, 4, 5, 6, 0, time.UTC)),
		Day:            time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC),
		Millis:         time.UnixMilli(-1500).UTC(),
		Nanos:          time.Unix(0, 123456789).UTC(),
		Any:            "any",
		Arr:            [2]int{1, 2},
	}
	b, err := form.Marshal(&in)
	require.NoError(t, err)
	var out decParams
	require.NoError(t, form.Unmarshal(b, &out), string(b))
	assert.Equal(t, in, out)
}

type selfPtr *selfPtr

type pathological struct {
	P   selfPtr  `url:"p"`
	PPI **int    `url:"ppi,numbered"`
	Any any      `url:"any"`
	Arr [1][]int `url:"arr"`
}

func TestPathologicalTypes(t *testing.T) {
	t.Parallel()
	// A pointer type that points to itself has no encoding.
	var te *form.TypeError
	_, err := form.Marshal(pathological{})
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "p", te.Key)
	require.ErrorAs(t, form.Unmarshal([]byte("p=1"), &pathological{}), &te)

	var sp selfPtr
	sp = &sp
	_, err = form.Marshal(sp)
	require.ErrorAs(t, err, &te)
	require.ErrorAs(t, form.Decode(url.Values{}, &sp), &te)

	// Numbered keys for a field that is not a slice are unknown.
	var p pathological
	err = form.Unmarshal([]byte("ppi0=1&ppi=2&arr[0][1]=3"), &p)
	var unknown *form.UnknownKeysError
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, []string{"ppi0"}, unknown.Keys)
	require.NotNil(t, p.PPI)
	assert.Equal(t, 2, **p.PPI)
	assert.Equal(t, [1][]int{{0, 3}}, p.Arr)

	// Cycles through maps and interfaces fail instead of recursing forever.
	m := map[string]any{}
	m["self"] = m
	var uv *form.UnsupportedValueError
	_, err = form.Marshal(struct {
		M map[string]any `url:"m"`
	}{m})
	require.ErrorAs(t, err, &uv)
	var box any
	box = []any{&box}
	_, err = form.Marshal(struct {
		B any `url:"b"`
	}{box})
	require.ErrorAs(t, err, &uv)
	assert.Contains(t, uv.Error(), "cyclic")
}

func TestDecodeScalarWithOnlyChildren(t *testing.T) {
	t.Parallel()
	var p decParams
	err := form.Unmarshal([]byte("count[x]=1&count[y][z]=2"), &p)
	var unknown *form.UnknownKeysError
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, []string{"count[x]", "count[y][z]"}, unknown.Keys)
	assert.Zero(t, p.Count)
}

// Params that accept a value or an object under one name decode each shape
// into its own field.
func TestDecodeAlternativeShapes(t *testing.T) {
	t.Parallel()
	type rng struct {
		GTE *int64 `url:"gte,omitempty"`
		LT  *int64 `url:"lt,omitempty"`
	}
	type params struct {
		CreatedRange *rng   `url:"created,omitempty"`
		Created      *int64 `url:"created,omitempty"`
		Limit        *int64 `url:"limit,omitempty"`
	}
	var a params
	require.NoError(t, form.Decode(url.Values{"created": {"5"}}, &a))
	require.NotNil(t, a.Created)
	assert.Equal(t, int64(5), *a.Created)
	assert.Nil(t, a.CreatedRange)

	var b params
	require.NoError(t, form.Decode(url.Values{"created[gte]": {"1"}, "created[lt]": {"9"}}, &b))
	require.NotNil(t, b.CreatedRange)
	assert.Equal(t, int64(1), *b.CreatedRange.GTE)
	assert.Equal(t, int64(9), *b.CreatedRange.LT)
	assert.Nil(t, b.Created)

	// Encoding and decoding agree for both shapes.
	for _, p := range []params{a, b} {
		body, err := form.Marshal(&p)
		require.NoError(t, err)
		var back params
		require.NoError(t, form.Unmarshal(body, &back))
		assert.Equal(t, p, back)
	}
}
