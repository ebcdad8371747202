package form_test

import (
	"bytes"
	"errors"
	"math"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/embedfin/embedfin-go/form"
)

type fuzzAddr struct {
	Line1 string  `url:"line1"`
	City  *string `url:"city,omitempty"`
}

type fuzzItem struct {
	Price    string            `url:"price"`
	Quantity *int64            `url:"quantity,omitempty"`
	Meta     map[string]string `url:"metadata,omitempty"`
	Tags     []string          `url:"tags,omitempty"`
}

type FuzzBase struct {
	Base string `url:"base,omitempty"`
}

// fuzzParams is shaped so that every value Decode can produce re-encodes to
// a body that decodes to the same value (up to empty-versus-nil slices and
// maps): every struct has a field without omitempty, so that a zero
// element still writes a key, and no delimited slice holds strings.
type fuzzParams struct {
	FuzzBase
	Name     string              `url:"name"`
	Desc     *string             `url:"description,omitempty"`
	Amount   *int64              `url:"amount,omitempty"`
	N        int64               `url:"n"`
	U        uint32              `url:"u,omitempty"`
	F        float64             `url:"f"`
	F32      float32             `url:"f32,omitempty"`
	Flag     bool                `url:"flag"`
	FlagInt  bool                `url:"flag_int,int"`
	PFlag    *bool               `url:"pflag,omitempty"`
	Status   encStatus           `url:"status,omitempty"`
	Address  *fuzzAddr           `url:"address,omitempty"`
	Billing  fuzzAddr            `url:"billing"`
	Items    []fuzzItem          `url:"items,omitempty"`
	Tags     []string            `url:"tags,omitempty"`
	Expand   []string            `url:"expand,brackets,omitempty"`
	Nums     []int               `url:"nums,comma,omitempty"`
	Numbered []string            `url:"nb,numbered,omitempty"`
	Metadata map[string]string   `url:"metadata,omitempty"`
	Places   map[string]fuzzAddr `url:"places,omitempty"`
	When     *time.Time          `url:"when,unix,omitempty"`
}

func FuzzFormRoundTrip(f *testing.F) {
	f.Add("name", "line", "key", "value", "", int64(42), 1.5, uint8(0xff))
	f.Add("", "", "", "", "", int64(0), 0.0, uint8(0))
	f.Add("a&b=c", "%zz%", "k y", "[]", "=&", int64(-1), math.Copysign(0, -1), uint8(0x55))
	f.Add("\xff\xfe\x00", "é", "\x80", "+;", "%", int64(1<<62), 1e21, uint8(0xaa))
	f.Add("x", "y", "a[b]", "v", "d", int64(7), 1e-7, uint8(0x0f))
	f.Add("x", "y", "", "v", "d", int64(7), 3.5e38, uint8(0xf0))
	f.Add("x", "y", "]", "v", "", int64(-9), 1e300, uint8(0x33))
	f.Fuzz(func(t *testing.T, s1, s2, key, val, desc string, n int64, fl float64, flags uint8) {
		in := buildFuzzParams(s1, s2, key, val, desc, n, fl, flags)
		body, err := form.Marshal(&in)
		if err != nil {
			var uv *form.UnsupportedValueError
			require.ErrorAs(t, err, &uv, "only unsupported values may fail")
			return
		}
		var out fuzzParams
		require.NoError(t, form.Unmarshal(body, &out), "body: %s", body)
		require.Equal(t, in, out, "body: %s", body)
	})
}

func buildFuzzParams(s1, s2, key, val, desc string, n int64, fl float64, flags uint8) fuzzParams {
	bit := func(i uint) bool { return flags&(1<<i) != 0 }
	p := fuzzParams{
		FuzzBase: FuzzBase{Base: s2},
		Name:     s1,
		N:        n,
		U:        uint32(n),
		F:        fl,
		F32:      float32(fl),
		Flag:     bit(0),
		FlagInt:  bit(1),
		Status:   encStatus(val),
		Billing:  fuzzAddr{Line1: s2},
		Nums:     []int{int(n), int(flags)},
		Numbered: []string{desc, s1},
	}
	if bit(2) {
		p.Desc = &desc // possibly the explicit empty string
	}
	if bit(3) {
		a := n % 1000 // possibly a pointer to zero
		p.Amount = &a
	}
	if bit(4) {
		b := bit(0)
		p.PFlag = &b
	}
	if bit(5) {
		p.Address = &fuzzAddr{Line1: val}
		if bit(6) {
			p.Address.City = &desc
		}
	}
	if key != "" {
		p.Metadata = map[string]string{key: val, "fixed": s1}
		p.Places = map[string]fuzzAddr{key: {Line1: s2, City: &val}}
	}
	if bit(7) {
		q := n
		p.Items = []fuzzItem{{Price: s1, Quantity: &q}, {Price: s2, Tags: []string{val, desc, ""}}}
		if key != "" {
			p.Items[0].Meta = map[string]string{key: desc}
		}
		w := time.Unix(n%(1<<40), 0).UTC()
		p.When = &w
	}
	if s2 != "" {
		p.Tags = []string{s2, "", s1}
	}
	if val != "" {
		p.Expand = []string{val, desc}
	}
	return p
}

func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		"",
		"name=x&amount=5&items[0][price]=p&items[1][quantity]=2&metadata[k]=v",
		"items[10][price]=a&items[2][metadata][x]=&tags[]=a&tags[]=b&expand[]=c",
		"nums=1,2,3&nb0=a&nb3=b&when=1700000000&f=1e5&f32=0.1&flag_int=true",
		"address=&metadata=&tags=&nums=&places[a]=&places[b][city]=x",
		"a]b=1&a[b=2&[x]=3&items[x][price]=1&items[99999][price]=1&metadata[]=1",
		"name=%zz&f=NaN&f=Inf&n=99999999999999999999&u=-1&flag=1",
		"billing=x&address=y&metadata=z&any[a]=1&nb[2]0=q&tags[0]0=r",
		"items[0][tags][10000]=a&items[1][tags][10000]=b",
		"name=a;b&status=%FF%00&description=&pflag=false&base=%5B%5D",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var first fuzzParams
		if err := form.Unmarshal(body, &first); err != nil {
			requireKnownDecodeError(t, err)
			return
		}
		normalize(reflect.ValueOf(&first).Elem())
		again, err := form.Marshal(&first)
		require.NoError(t, err, "re-encoding %q", clip(body))
		var second fuzzParams
		if bytes.Count(again, []byte("&")) < 10000 {
			require.NoError(t, form.Unmarshal(again, &second), "re-decoding %q from %q", clip(again), clip(body))
		} else {
			// Missing indexes filled with zero elements can make the
			// re-encoding longer than the 10000 parameters url.ParseQuery
			// accepts; parse it without that limit.
			require.NoError(t, form.Decode(parseUnlimited(t, again), &second), "re-decoding %q", clip(body))
		}
		normalize(reflect.ValueOf(&second).Elem())
		if !reflect.DeepEqual(first, second) {
			t.Fatalf("body %q re-encoded as %q decodes differently", clip(body), clip(again))
		}
	})
}

// requireKnownDecodeError checks that every error is one of the documented
// kinds.
func requireKnownDecodeError(t *testing.T, err error) {
	t.Helper()
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		var (
			ke *form.KeyError
			ve *form.ValueError
			uk *form.UnknownKeysError
			se *form.SyntaxError
		)
		if !errors.As(e, &ke) && !errors.As(e, &ve) && !errors.As(e, &uk) && !errors.As(e, &se) {
			t.Fatalf("unexpected error %T: %v", e, e)
		}
	}
}

// normalize replaces empty slices and maps by nil: "tags=" and
// "metadata=" decode to empty non-nil values, which encode to nothing.
func normalize(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			normalize(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				normalize(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.SetZero()
			return
		}
		for i := range v.Len() {
			normalize(v.Index(i))
		}
	case reflect.Map:
		if v.Len() == 0 {
			v.SetZero()
			return
		}
		for it := v.MapRange(); it.Next(); {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			normalize(e)
			v.SetMapIndex(it.Key(), e)
		}
	}
}

// parseUnlimited parses a body Marshal produced, like url.ParseQuery but
// without its limit on the number of parameters.
func parseUnlimited(t *testing.T, body []byte) url.Values {
	t.Helper()
	vals := url.Values{}
	for _, pair := range strings.Split(string(body), "&") {
		k, v, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(k)
		require.NoError(t, err)
		v, err = url.QueryUnescape(v)
		require.NoError(t, err)
		vals[k] = append(vals[k], v)
	}
	return vals
}

// clip shortens long inputs in failure messages.
func clip(b []byte) string {
	if len(b) > 500 {
		return string(b[:500]) + "..."
	}
	return string(b)
}
