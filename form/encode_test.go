package form_test

import (
	"errors"
	"math"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedfin/embedfin-go/form"
)

func ptr[T any](v T) *T { return &v }

type encAddress struct {
	Line1 *string `url:"line1,omitempty"`
	City  *string `url:"city,omitempty"`
}

type encShipping struct {
	Name    *string     `url:"name,omitempty"`
	Address *encAddress `url:"address,omitempty"`
}

type encItem struct {
	Price    *string `url:"price,omitempty"`
	Quantity *int64  `url:"quantity,omitempty"`
}

type encStatus string

// String must not be used by the encoder.
func (s encStatus) String() string { return "STRING-METHOD" }

type encLevel int

type EncEmbedded struct {
	Inner string `url:"inner"`
}

type encEmbeddedPtr struct {
	Deep string `url:"deep"`
}

type encWithEmbedded struct {
	EncEmbedded
	*encEmbeddedPtr
	Own string `url:"own"`
}

type encTaggedEmbedded struct {
	EncEmbedded `url:"emb"`
	Own         string `url:"own"`
}

type encExtra struct {
	Name  string `url:"name"`
	extra []form.Pair
}

func (p *encExtra) FormExtra() []form.Pair { return p.extra }

type encExtraVal struct {
	Name string `url:"name"`
}

func (encExtraVal) FormExtra() []form.Pair { return []form.Pair{{Key: "x[y]", Value: "a b"}} }

type encNested struct {
	Shipping *encShipping `url:"shipping,omitempty"`
}

type encCycle struct {
	Name string    `url:"name"`
	Next *encCycle `url:"next,omitempty"`
}

// marshalAll encodes v with every encoder and checks that they agree.
func marshalAll(t *testing.T, v any) string {
	t.Helper()
	b, err := form.Marshal(v)
	require.NoError(t, err)

	appended, err := form.AppendMarshal([]byte("prefix:"), v)
	require.NoError(t, err)
	assert.Equal(t, "prefix:"+string(b), string(appended))

	pairs, err := form.Pairs(v)
	require.NoError(t, err)
	var sb strings.Builder
	for i, p := range pairs {
		if i > 0 {
			sb.WriteByte('&')
		}
		k := url.QueryEscape(p.Key)
		k = strings.NewReplacer("%5B", "[", "%5D", "]").Replace(k)
		sb.WriteString(k + "=" + url.QueryEscape(p.Value))
	}
	assert.Equal(t, sb.String(), string(b), "Pairs disagrees with Marshal")

	vals, err := form.Values(v)
	require.NoError(t, err)
	parsed, err := url.ParseQuery(string(b))
	require.NoError(t, err)
	assert.Equal(t, parsed, vals, "Values disagrees with Marshal")
	return string(b)
}

func TestMarshalRules(t *testing.T) {
	t.Parallel()
	when := time.Date(2024, 3, 9, 10, 11, 12, 13_000_000, time.UTC)
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nested structs", &encNested{Shipping: &encShipping{Name: ptr("Jo"), Address: &encAddress{City: ptr("Paris")}}},
			"shipping[name]=Jo&shipping[address][city]=Paris"},
		{"nested omitempty nil", &encNested{}, ""},
		{"scalar slice indexed", struct {
			Tags []string `url:"tags"`
		}{[]string{"x", "y"}}, "tags[0]=x&tags[1]=y"},
		{"int slice indexed", struct {
			N []int64 `url:"n"`
		}{[]int64{3, -4}}, "n[0]=3&n[1]=-4"},
		{"slice of structs", struct {
			Items []encItem `url:"items"`
		}{[]encItem{{Price: ptr("p1"), Quantity: ptr(int64(2))}, {Price: ptr("p2")}}},
			"items[0][price]=p1&items[0][quantity]=2&items[1][price]=p2"},
		{"slice of struct pointers", struct {
			Items []*encItem `url:"items"`
		}{[]*encItem{{Price: ptr("p1")}, nil}}, "items[0][price]=p1&items[1]="},
		{"slice of slices", struct {
			M [][]string `url:"m"`
		}{[][]string{{"a"}, {"b", "c"}}}, "m[0][0]=a&m[1][0]=b&m[1][1]=c"},
		{"map sorted", struct {
			Metadata map[string]string `url:"metadata"`
		}{map[string]string{"b": "2", "a": "1", "c": ""}}, "metadata[a]=1&metadata[b]=2&metadata[c]="},
		{"named map", struct {
			Metadata map[encStatus]encStatus `url:"metadata"`
		}{map[encStatus]encStatus{"z": "y", "k": "v"}}, "metadata[k]=v&metadata[z]=y"},
		{"map of structs", struct {
			M map[string]encItem `url:"m"`
		}{map[string]encItem{"y": {Price: ptr("2")}, "x": {Quantity: ptr(int64(1))}}}, "m[x][quantity]=1&m[y][price]=2"},
		{"map of ints", struct {
			M map[string]int `url:"m"`
		}{map[string]int{"b": 2, "a": 1}}, "m[a]=1&m[b]=2"},
		{"map of slices", struct {
			M map[string][]string `url:"m"`
		}{map[string][]string{"k": {"v", "w"}}}, "m[k][0]=v&m[k][1]=w"},
		{"map of any", struct {
			M map[string]any `url:"m"`
		}{map[string]any{"n": 1, "nil": nil, "s": "x", "sub": map[string]any{"a": true}}}, "m[n]=1&m[nil]=&m[s]=x&m[sub][a]=true"},
		{"empty map and slice", struct {
			M map[string]string `url:"m"`
			S []string          `url:"s"`
			A [0]int            `url:"a"`
		}{M: map[string]string{}, S: []string{}}, ""},
		{"booleans", struct {
			T  bool  `url:"t"`
			F  bool  `url:"f"`
			TI bool  `url:"ti,int"`
			FI bool  `url:"fi,int"`
			P  *bool `url:"p"`
		}{T: true, TI: true, P: ptr(false)}, "t=true&f=false&ti=1&fi=0&p=false"},
		{"integers", struct {
			A int64   `url:"a"`
			B int64   `url:"b"`
			C uint64  `url:"c"`
			D int8    `url:"d"`
			E uintptr `url:"e"`
			F *int64  `url:"f"`
		}{math.MaxInt64, math.MinInt64, math.MaxUint64, -8, 7, ptr(int64(0))},
			"a=9223372036854775807&b=-9223372036854775808&c=18446744073709551615&d=-8&e=7&f=0"},
		{"floats decimal", struct {
			Big   float64 `url:"big"`
			Small float64 `url:"small"`
			Frac  float64 `url:"frac"`
			F32   float32 `url:"f32"`
			Neg   float64 `url:"neg"`
			Zero  float64 `url:"zero"`
		}{1e21, 0.00001, 123.456, 0.1, -2.5, 0}, "big=1000000000000000000000&small=0.00001&frac=123.456&f32=0.1&neg=-2.5&zero=0"},
		{"explicit empty", struct {
			Description *string `url:"description,omitempty"`
			Amount      *int64  `url:"amount,omitempty"`
			Flag        *bool   `url:"flag,omitempty"`
		}{ptr(""), ptr(int64(0)), ptr(false)}, "description=&amount=0&flag=false"},
		{"omitempty skips zero", struct {
			S  string            `url:"s,omitempty"`
			N  int               `url:"n,omitempty"`
			U  uint              `url:"u,omitempty"`
			F  float64           `url:"f,omitempty"`
			B  bool              `url:"b,omitempty"`
			P  *string           `url:"p,omitempty"`
			I  any               `url:"i,omitempty"`
			T  time.Time         `url:"t,omitempty"`
			M  map[string]string `url:"m,omitempty"`
			SL []string          `url:"sl,omitempty"`
			A  [0]int            `url:"a,omitempty"`
			St encAddress        `url:"st,omitempty"`
		}{}, ""},
		{"zero values without omitempty", struct {
			S string    `url:"s"`
			N int       `url:"n"`
			B bool      `url:"b"`
			F float64   `url:"f"`
			T time.Time `url:"t"`
		}{}, "s=&n=0&b=false&f=0&t=0001-01-01T00%3A00%3A00Z"},
		{"nil pointers without omitempty", struct {
			S  *string      `url:"s"`
			St *encShipping `url:"st"`
			I  any          `url:"i"`
		}{}, "s=&st=&i="},
		{"pointer to pointer", struct {
			P **string `url:"p"`
		}{ptr(ptr("x"))}, "p=x"},
		{"embedded", &encWithEmbedded{EncEmbedded: EncEmbedded{Inner: "i"}, encEmbeddedPtr: &encEmbeddedPtr{Deep: "d"}, Own: "o"},
			"own=o&inner=i&deep=d"},
		{"embedded nil pointer skipped", &encWithEmbedded{Own: "o"}, "own=o&inner="},
		{"embedded with tag name", &encTaggedEmbedded{EncEmbedded: EncEmbedded{Inner: "i"}, Own: "o"}, "emb[inner]=i&own=o"},
		{"untagged field names", struct {
			Name string
			Opt  string `url:",omitempty"`
		}{Name: "n"}, "Name=n"},
		{"skipped fields", struct {
			Skip    string `url:"-"`
			private string
			Kept    string `url:"kept"`
		}{"s", "p", "k"}, "kept=k"},
		{"brackets", struct {
			Expand []string `url:"expand,brackets"`
		}{[]string{"a", "b"}}, "expand[]=a&expand[]=b"},
		{"comma", struct {
			L []string `url:"l,comma"`
		}{[]string{"a", "b"}}, "l=a%2Cb"},
		{"space", struct {
			L []int `url:"l,space"`
		}{[]int{1, 2}}, "l=1+2"},
		{"semicolon", struct {
			L []string `url:"l,semicolon"`
		}{[]string{"a", "b"}}, "l=a%3Bb"},
		{"numbered", struct {
			L []string `url:"l,numbered"`
		}{[]string{"a", "b"}}, "l0=a&l1=b"},
		{"numbered nested", struct {
			X struct {
				L []string `url:"l,numbered"`
			} `url:"x"`
		}{struct {
			L []string `url:"l,numbered"`
		}{[]string{"a"}}}, "x[l]0=a"},
		{"del tag", struct {
			L []bool `url:"l,int" del:"|"`
		}{[]bool{true, false}}, "l=1%7C0"},
		{"array", struct {
			A [2]string `url:"a"`
		}{[2]string{"x", ""}}, "a[0]=x&a[1]="},
		{"slice of pointers comma", struct {
			L []*string `url:"l,comma"`
		}{[]*string{ptr("a"), nil, ptr("c")}}, "l=a%2C%2Cc"},
		{"options ignored for struct elements", struct {
			Items []encItem `url:"items,brackets"`
		}{[]encItem{{Price: ptr("p")}}}, "items[0][price]=p"},
		{"time default", struct {
			T time.Time `url:"t"`
		}{when}, "t=2024-03-09T10%3A11%3A12Z"},
		{"time unix", struct {
			T  time.Time  `url:"t,unix"`
			TM time.Time  `url:"tm,unixmilli"`
			TN time.Time  `url:"tn,unixnano"`
			TL time.Time  `url:"tl" layout:"2006-01-02"`
			TP *time.Time `url:"tp,unix"`
		}{when, when, when, when, &when},
			"t=1709979072&tm=1709979072013&tn=1709979072013000000&tl=2024-03-09&tp=1709979072"},
		{"time slice", struct {
			T []time.Time `url:"t,unix,comma"`
		}{[]time.Time{time.Unix(1, 0), time.Unix(2, 0)}}, "t=1%2C2"},
		{"interfaces", struct {
			S   any `url:"s"`
			N   any `url:"n"`
			B   any `url:"b,int"`
			St  any `url:"st"`
			Nil any `url:"nil"`
			P   any `url:"p"`
		}{"x", 5, true, encItem{Price: ptr("p")}, nil, ptr(2.5)}, "s=x&n=5&b=1&st[price]=p&nil=&p=2.5"},
		{"slice of interfaces", struct {
			L []any `url:"l"`
		}{[]any{"a", encItem{Price: ptr("p")}, nil}}, "l[0]=a&l[1][price]=p&l[2]="},
		{"named scalar types", struct {
			S encStatus   `url:"s"`
			L encLevel    `url:"l"`
			P *encStatus  `url:"p"`
			A []encStatus `url:"a"`
		}{"active", 3, ptr(encStatus("x")), []encStatus{"y"}}, "s=active&l=3&p=x&a[0]=y"},
		{"escaping", struct {
			V string            `url:"v"`
			M map[string]string `url:"m"`
			K string            `url:"a b&c"`
		}{"a&b=c%d+e f[g]é\x00", map[string]string{"x y/z": "1"}, "k"},
			"v=a%26b%3Dc%25d%2Be+f%5Bg%5D%C3%A9%00&m[x+y%2Fz]=1&a+b%26c=k"},
		{"extra provider", &encExtra{Name: "n", extra: []form.Pair{{Key: "metadata", Value: ""}, {Key: "beta[x y]", Value: "1&2"}}},
			"name=n&metadata=&beta[x+y]=1%262"},
		{"extra provider by value, pointer receiver", encExtra{Name: "n", extra: []form.Pair{{Key: "a", Value: "b"}}}, "name=n&a=b"},
		{"extra provider value receiver", encExtraVal{Name: "n"}, "name=n&x[y]=a+b"},
		{"extra provider only top level", struct {
			E encExtraVal `url:"e"`
		}{encExtraVal{Name: "n"}}, "e[name]=n"},
		{"pointer to pointer top level", ptr(&encItem{Price: ptr("p")}), "price=p"},
		{"typed nil", (*encItem)(nil), ""},
		{"typed nil in pointer", ptr((*encItem)(nil)), ""},
		{"untyped nil", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, marshalAll(t, tt.in))
		})
	}
}

func TestMarshalExplicitEmptyVersusNil(t *testing.T) {
	t.Parallel()
	type params struct {
		Description *string `url:"description,omitempty"`
	}
	got, err := form.Marshal(&params{Description: ptr("")})
	require.NoError(t, err)
	assert.Equal(t, "description=", string(got))

	got, err = form.Marshal(&params{})
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestMarshalErrors(t *testing.T) {
	t.Parallel()
	cyc := &encCycle{Name: "a"}
	cyc.Next = cyc
	tests := []struct {
		name  string
		in    any
		check func(t *testing.T, err error)
	}{
		{"non-struct", 5, isType[*form.TypeError]},
		{"pointer to non-struct", ptr("x"), isType[*form.TypeError]},
		{"slice", []string{"a"}, isType[*form.TypeError]},
		{"NaN", struct {
			F float64 `url:"f"`
		}{math.NaN()}, unsupported("f")},
		{"Inf", struct {
			F float32 `url:"f"`
		}{float32(math.Inf(1))}, unsupported("f")},
		{"NaN in delimited slice", struct {
			F []float64 `url:"f,comma"`
		}{[]float64{1, math.Inf(-1)}}, unsupported("f")},
		{"NaN in map", struct {
			M map[string]float64 `url:"m"`
		}{map[string]float64{"k": math.NaN()}}, unsupported("m[k]")},
		{"map key with bracket", struct {
			M map[string]string `url:"m"`
		}{map[string]string{"a[b]": "x"}}, unsupported("m")},
		{"map key with closing bracket", struct {
			M map[string]int `url:"m"`
		}{map[string]int{"a]": 1}}, unsupported("m")},
		{"empty map key", struct {
			M map[string]string `url:"m"`
		}{map[string]string{"": "x"}}, unsupported("m")},
		{"chan field", struct {
			C chan int `url:"c"`
		}{make(chan int)}, isType[*form.TypeError]},
		{"func field", struct {
			F func() `url:"f"`
		}{func() {}}, isType[*form.TypeError]},
		{"complex field", struct {
			C complex128 `url:"c"`
		}{1}, isType[*form.TypeError]},
		{"int map keys", struct {
			M map[int]string `url:"m"`
		}{map[int]string{1: "a"}}, isType[*form.TypeError]},
		{"bracket in field name", struct {
			A string `url:"a[b]"`
		}{"x"}, isType[*form.TypeError]},
		{"cycle", cyc, isType[*form.UnsupportedValueError]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := form.Marshal(tt.in)
			tt.check(t, err)
			assert.NotEmpty(t, err.Error())
			_, err = form.Pairs(tt.in)
			tt.check(t, err)
			_, err = form.Values(tt.in)
			tt.check(t, err)
			dst := []byte("keep")
			out, err := form.AppendMarshal(dst, tt.in)
			tt.check(t, err)
			assert.Equal(t, "keep", string(out))
		})
	}
}

func isType[E error](t *testing.T, err error) {
	t.Helper()
	var target E
	require.Error(t, err)
	require.True(t, errors.As(err, &target), "got %T: %v", err, err)
}

func unsupported(key string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var uv *form.UnsupportedValueError
		require.ErrorAs(t, err, &uv)
		assert.Equal(t, key, uv.Key)
	}
}

func TestMarshalSkipsUnusedBadFields(t *testing.T) {
	t.Parallel()
	// Unsupported fields are only an error when they are encoded.
	type params struct {
		M map[int]string `url:"m,omitempty"`
		A string         `url:"a[b],omitempty"`
		N string         `url:"n"`
	}
	got, err := form.Marshal(params{N: "x"})
	require.NoError(t, err)
	assert.Equal(t, "n=x", string(got))
}

func TestMarshalDeterministic(t *testing.T) {
	t.Parallel()
	meta := map[string]string{}
	for i := range 50 {
		meta[string(rune('a'+i%26))+strings.Repeat("x", i)] = "v"
	}
	in := struct {
		Metadata map[string]string    `url:"metadata"`
		Nested   map[string]encItem   `url:"nested"`
		Any      map[string]any       `url:"any"`
		Deep     map[string][]encItem `url:"deep"`
	}{
		Metadata: meta,
		Nested:   map[string]encItem{"q": {Price: ptr("1")}, "b": {Price: ptr("2")}, "m": {}},
		Any:      map[string]any{"z": 1, "a": 2, "k": 3},
		Deep:     map[string][]encItem{"y": {{Price: ptr("y")}}, "x": {{Price: ptr("x")}}},
	}
	first, err := form.Marshal(in)
	require.NoError(t, err)
	for range 50 {
		again, err := form.Marshal(in)
		require.NoError(t, err)
		require.Equal(t, string(first), string(again))
	}
	assert.True(t, strings.HasPrefix(string(first), "metadata[a]=v&metadata[ax"), string(first))
}

func TestMarshalConcurrent(t *testing.T) {
	t.Parallel()
	type local struct {
		Items    []encItem         `url:"items"`
		Metadata map[string]string `url:"metadata"`
		Ship     *encShipping      `url:"shipping"`
		Any      any               `url:"any"`
	}
	in := &local{
		Items:    []encItem{{Price: ptr("p"), Quantity: ptr(int64(3))}},
		Metadata: map[string]string{"b": "2", "a": "1"},
		Ship:     &encShipping{Name: ptr("n"), Address: &encAddress{City: ptr("c")}},
		Any:      encAddress{Line1: ptr("l")},
	}
	const want = "items[0][price]=p&items[0][quantity]=3&metadata[a]=1&metadata[b]=2&shipping[name]=n&shipping[address][city]=c&any[line1]=l"
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				b, err := form.Marshal(in)
				if err != nil {
					errs <- err
					return
				}
				if string(b) != want {
					errs <- errors.New("unexpected encoding: " + string(b))
					return
				}
				if _, err := form.Values(in); err != nil {
					errs <- err
					return
				}
				var out local
				out.Any = &encAddress{}
				if err := form.Unmarshal(b, &out); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func TestAppendMarshalAppends(t *testing.T) {
	t.Parallel()
	buf := make([]byte, 0, 128)
	buf, err := form.AppendMarshal(buf, encItem{Price: ptr("a")})
	require.NoError(t, err)
	buf = append(buf, '&')
	buf, err = form.AppendMarshal(buf, encItem{Quantity: ptr(int64(1))})
	require.NoError(t, err)
	assert.Equal(t, "price=a&quantity=1", string(buf))
}

func TestValuesEmpty(t *testing.T) {
	t.Parallel()
	v, err := form.Values(nil)
	require.NoError(t, err)
	assert.NotNil(t, v)
	assert.Empty(t, v)
}

type encMeta map[string]string

func TestMarshalNamedStringMap(t *testing.T) {
	t.Parallel()
	type params struct {
		Metadata encMeta `url:"metadata"`
	}
	in := params{Metadata: encMeta{"b": "2", "a": "1"}}
	// By value (not addressable) and by pointer (addressable).
	assert.Equal(t, "metadata[a]=1&metadata[b]=2", marshalAll(t, in))
	assert.Equal(t, "metadata[a]=1&metadata[b]=2", marshalAll(t, &in))
	// Inside an interface.
	assert.Equal(t, "m[a]=1&m[b]=2", marshalAll(t, struct {
		M any `url:"m"`
	}{in.Metadata}))
	var out params
	require.NoError(t, form.Unmarshal([]byte("metadata[a]=1&metadata[b]=2"), &out))
	assert.Equal(t, in, out)
}
