package form_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedfin/embedfin-go/form"
)

type qsInner struct {
	A string `url:"a"`
	B *int   `url:"b,omitempty"`
}

type qsOuter struct {
	Name  string   `url:"name"`
	Inner qsInner  `url:"inner"`
	PIn   *qsInner `url:"pin"`
	Deep  struct {
		Mid struct {
			Leaf int `url:"leaf"`
		} `url:"mid"`
	} `url:"deep"`
}

type QsEmbedded struct {
	E    string `url:"e"`
	Same string `url:"same"`
}

type QsEmbeddedPtr struct {
	P string `url:"p"`
}

type QsKind string

type qsWithEmbedded struct {
	QsEmbedded
	*QsEmbeddedPtr
	QsKind
	Own  string `url:"own"`
	Same string `url:"same"`
}

type qsTaggedEmbedded struct {
	QsEmbedded `url:"emb"`
	Own        int `url:"own"`
}

type qsLevel int

type qsStringer string

func (qsStringer) String() string { return "from String" }

// TestQuerystringDifferential checks that, for everything go-querystring
// can encode and where no deliberate difference applies, form.Values gives
// exactly what query.Values gives.
func TestQuerystringDifferential(t *testing.T) {
	t.Parallel()
	when := time.Date(2023, 7, 8, 9, 10, 11, 0, time.UTC)
	tests := []struct {
		name string
		in   any
	}{
		{"scalars", struct {
			S   string  `url:"s"`
			I   int     `url:"i"`
			I64 int64   `url:"i64"`
			I8  int8    `url:"i8"`
			U   uint    `url:"u"`
			U16 uint16  `url:"u16"`
			T   bool    `url:"t"`
			F   bool    `url:"f"`
			TI  bool    `url:"ti,int"`
			FI  bool    `url:"fi,int"`
			Fl  float64 `url:"fl"`
			F32 float32 `url:"f32"`
		}{"a b&c", -3, -1 << 40, -8, 9, 65535, true, false, true, false, 123.25, 0.1}},
		{"floats in non-exponent range", struct {
			A float64 `url:"a"`
			B float64 `url:"b"`
			C float64 `url:"c"`
			D float64 `url:"d"`
			E float32 `url:"e"`
			F float64 `url:"f"`
		}{0.0001, 999999, 123456.5, -0.5, 0.1, 1.0 / 3}},
		{"pointers", struct {
			S    *string `url:"s"`
			N    *int    `url:"n"`
			Nil  *string `url:"nil"`
			NilO *string `url:"nilo,omitempty"`
			PP   **int   `url:"pp"`
			Zero *int    `url:"zero,omitempty"`
			Emp  *string `url:"emp,omitempty"`
		}{S: ptr("x"), N: ptr(4), PP: ptr(ptr(5)), Zero: ptr(0), Emp: ptr("")}},
		{"nested", qsOuter{Name: "n", Inner: qsInner{A: "a", B: ptr(2)}, PIn: &qsInner{A: "p"}}},
		{"nested nil pointer without omitempty", qsOuter{Name: "n"}},
		{"named types", struct {
			L qsLevel  `url:"l"`
			K QsKind   `url:"k"`
			P *QsKind  `url:"p"`
			S []QsKind `url:"s,comma"`
		}{4, "kind", ptr(QsKind("pk")), []QsKind{"a", "b"}}},
		{"brackets", struct {
			L []string `url:"l,brackets"`
		}{[]string{"a", "b", ""}}},
		{"comma", struct {
			L []int `url:"l,comma"`
		}{[]int{1, 2, 3}}},
		{"space", struct {
			L []string `url:"l,space"`
		}{[]string{"a", "b"}}},
		{"semicolon", struct {
			L []uint `url:"l,semicolon"`
		}{[]uint{7, 8}}},
		{"numbered", struct {
			L []string `url:"l,numbered"`
		}{[]string{"x", "y", "z"}}},
		{"numbered nested", struct {
			X struct {
				L []bool `url:"l,numbered,int"`
			} `url:"x"`
		}{struct {
			L []bool `url:"l,numbered,int"`
		}{[]bool{true, false}}}},
		{"del", struct {
			L []bool   `url:"l,int" del:"!"`
			M []string `url:"m" del:"--"`
		}{[]bool{true, false}, []string{"a", "b"}}},
		{"pointer elements", struct {
			L []*string `url:"l,comma"`
			B []*int    `url:"b,brackets"`
		}{[]*string{ptr("a"), nil}, []*int{ptr(1), nil}}},
		{"arrays", struct {
			A [2]string `url:"a,brackets"`
			B [3]int    `url:"b,comma"`
			Z [0]int    `url:"z,comma"`
		}{[2]string{"x", ""}, [3]int{1, 2, 3}, [0]int{}}},
		{"empty slices", struct {
			A []string `url:"a,comma"`
			B []string `url:"b,brackets"`
			C []string `url:"c,numbered,omitempty"`
		}{A: []string{}}},
		{"pointer to slice", struct {
			P *[]string `url:"p,brackets"`
			N *[]string `url:"n,comma"`
		}{P: &[]string{"a"}}},
		{"embedded", qsWithEmbedded{QsEmbedded: QsEmbedded{E: "e", Same: "inner"}, QsEmbeddedPtr: &QsEmbeddedPtr{P: "p"}, QsKind: "k", Own: "o", Same: "outer"}},
		{"embedded with tag name", qsTaggedEmbedded{QsEmbedded: QsEmbedded{E: "e"}, Own: 1}},
		{"omitempty all empty", struct {
			S  string            `url:"s,omitempty"`
			I  int               `url:"i,omitempty"`
			U  uint              `url:"u,omitempty"`
			F  float64           `url:"f,omitempty"`
			B  bool              `url:"b,omitempty"`
			P  *int              `url:"p,omitempty"`
			I2 any               `url:"i2,omitempty"`
			T  time.Time         `url:"t,omitempty"`
			SL []string          `url:"sl,omitempty,comma"`
			M  map[string]string `url:"m,omitempty"`
		}{}},
		{"omitempty all set", struct {
			S  string    `url:"s,omitempty"`
			I  int       `url:"i,omitempty"`
			U  uint      `url:"u,omitempty"`
			F  float64   `url:"f,omitempty"`
			B  bool      `url:"b,omitempty"`
			P  *int      `url:"p,omitempty"`
			I2 any       `url:"i2,omitempty"`
			T  time.Time `url:"t,omitempty"`
			SL []string  `url:"sl,omitempty,comma"`
		}{"s", -1, 1, 0.5, true, ptr(0), "x", when, []string{"a"}}},
		{"no omitempty zero values", struct {
			S  string     `url:"s"`
			I  int        `url:"i"`
			F  float64    `url:"f"`
			B  bool       `url:"b"`
			T  time.Time  `url:"t"`
			PT *time.Time `url:"pt"`
		}{}},
		{"time", struct {
			D  time.Time   `url:"d"`
			U  time.Time   `url:"u,unix"`
			M  time.Time   `url:"m,unixmilli"`
			N  time.Time   `url:"n,unixnano"`
			L  time.Time   `url:"l" layout:"2006-01-02 15:04"`
			P  *time.Time  `url:"p,unix"`
			SL []time.Time `url:"sl,brackets,unix"`
		}{when, when, when.Add(123 * time.Millisecond), when.Add(5), when, &when, []time.Time{when, when.Add(time.Second)}}},
		{"time with zone", struct {
			D time.Time `url:"d"`
		}{time.Date(2023, 1, 2, 3, 4, 5, 0, time.FixedZone("X", -5*3600))}},
		{"untagged names", struct {
			Name  string
			Count int `url:",omitempty"`
			Skip  int `url:"-"`
			skip  int
		}{Name: "n", Count: 2, Skip: 3, skip: 4}},
		{"interface scalars", struct {
			S any `url:"s"`
			N any `url:"n"`
			B any `url:"b"`
			F any `url:"f"`
		}{"s", 5, true, 2.5}},
		{"top-level pointer to pointer", ptr(&qsInner{A: "a"})},
		{"top-level nil pointer", (*qsInner)(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want, err := query.Values(tt.in)
			require.NoError(t, err)
			got, err := form.Values(tt.in)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			if len(want) > 0 {
				// And the encoded body matches once both are sorted.
				b, err := form.Marshal(tt.in)
				require.NoError(t, err)
				parsed, err := url.ParseQuery(string(b))
				require.NoError(t, err)
				assert.Equal(t, want.Encode(), parsed.Encode())
			}
		})
	}
}

// TestQuerystringDeliberateDifferences pins down where form departs from
// go-querystring on purpose.
func TestQuerystringDeliberateDifferences(t *testing.T) {
	t.Parallel()
	type item struct {
		Price string `url:"price"`
	}
	tests := []struct {
		name     string
		in       any
		wantQS   url.Values
		wantForm url.Values
	}{
		{"default slices are indexed", struct {
			Tags []string `url:"tags"`
		}{[]string{"x", "y"}},
			url.Values{"tags": {"x", "y"}},
			url.Values{"tags[0]": {"x"}, "tags[1]": {"y"}}},
		{"large floats stay decimal", struct {
			M float64 `url:"m"`
			F float64 `url:"f"`
			G float32 `url:"g"`
		}{1e6, 1e21, 2500000.5},
			url.Values{"m": {"1e+06"}, "f": {"1e+21"}, "g": {"2.5000005e+06"}},
			url.Values{"m": {"1000000"}, "f": {"1000000000000000000000"}, "g": {"2500000.5"}}},
		{"small floats stay decimal", struct {
			F float64 `url:"f"`
			G float32 `url:"g"`
		}{0.00001, 1.5e-7},
			url.Values{"f": {"1e-05"}, "g": {"1.5e-07"}},
			url.Values{"f": {"0.00001"}, "g": {"0.00000015"}}},
		{"maps are bracketed", struct {
			Metadata map[string]string `url:"metadata"`
		}{map[string]string{"a": "1"}},
			url.Values{"metadata": {"map[a:1]"}},
			url.Values{"metadata[a]": {"1"}}},
		{"slices of structs are indexed", struct {
			Items []item `url:"items"`
		}{[]item{{"p"}}},
			url.Values{"items": {"{p}"}},
			url.Values{"items[0][price]": {"p"}}},
		{"String methods are not called", struct {
			S qsStringer `url:"s"`
		}{"raw"},
			url.Values{"s": {"from String"}},
			url.Values{"s": {"raw"}}},
		{"interfaces are written as their dynamic value", struct {
			Nil any `url:"nil"`
			P   any `url:"p"`
			B   any `url:"b,int"`
		}{nil, ptr("x"), true},
			url.Values{"nil": {"<nil>"}, "p": {"0xADDRESS"}, "b": {"true"}},
			url.Values{"nil": {""}, "p": {"x"}, "b": {"1"}}},
		{"nil embedded pointer is skipped", qsWithEmbedded{Own: "o"},
			url.Values{"QsEmbeddedPtr": {""}, "own": {"o"}, "same": {"", ""}, "e": {""}, "QsKind": {""}},
			url.Values{"own": {"o"}, "same": {"", ""}, "e": {""}, "QsKind": {""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			qs, err := query.Values(tt.in)
			require.NoError(t, err)
			for k, vs := range qs {
				for i, v := range vs {
					if strings.HasPrefix(v, "0x") {
						qs[k][i] = "0xADDRESS" // a pointer printed by fmt
					}
				}
			}
			assert.Equal(t, tt.wantQS, qs, "go-querystring changed behaviour")
			got, err := form.Values(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.wantForm, got)
		})
	}
}
