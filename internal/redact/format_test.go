package redact

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// formatted prints through Format the way a type's Format method would.
type formatted struct{ text, gostring string }

func (v formatted) Format(f fmt.State, verb rune) { Format(f, verb, v.text, v.gostring) }

func TestFormat(t *testing.T) {
	t.Parallel()
	v := formatted{text: `a "b"`, gostring: "pkg.T{}"}
	cases := map[string]string{
		"%v":    `a "b"`,
		"%+v":   `a "b"`,
		"%s":    `a "b"`,
		"%8.3s": `     a "`,
		"%-7v|": `a "b"  |`,
		"%q":    `"a \"b\""`,
		"%#q":   "`a \"b\"`",
		"%x":    "6120226222",
		"%X":    "6120226222",
		"% x":   "61 20 22 62 22",
		"%#v":   "pkg.T{}",
		"%d":    `%!d(string=a "b")`,
	}
	for format, want := range cases {
		assert.Equal(t, want, fmt.Sprintf(format, v), format)
		assert.Equal(t, want, fmt.Sprintf(format, &v), format+" of a pointer")
	}
}

func TestStruct(t *testing.T) {
	t.Parallel()
	var nilErr *errType
	got := NewStruct("pkg.T").
		Str("S", "key sk_test_abc123").
		URL("U", "https://u:sk_live_x1@h/p?client_secret=seti_1_secret_abc").
		URL("Empty", "").
		Int("N", -3).
		Bool("B", true).
		Bytes("Body", []byte(`{"account_number":"000123456789"}`)).
		Bytes("NoBody", nil).
		Header("H", http.Header{"X-Echo": {"whsec_abc"}, "Request-Id": {"req_1"}}).
		Header("One", http.Header{"A": nil}).
		Header("NoH", nil).
		Err("E", errors.New("seti_1_secret_abc")).
		Err("NilE", nil).
		Err("TypedNil", nilErr).
		Value("V", 123456789012).
		Value("NilV", nil).
		Strs("L", "[]pkg.F", []string{"a", "whsec_zz"}).
		Strs("NoL", "[]pkg.F", nil).
		Raw("R", "&pkg.U{}").
		Done()
	want := `pkg.T{S:"key sk_test_***", U:"https://h/p?client_secret=***", Empty:"", N:-3, B:true, ` +
		`Body:<33 bytes>, NoBody:nil, H:<2 keys: Request-Id, X-Echo>, One:<1 key: A>, NoH:nil, ` +
		`E:*errors.errorString("seti_1_secret_***"), NilE:nil, TypedNil:*redact.errType("<nil>"), ` +
		`V:int("***9012"), NilV:nil, L:[]pkg.F{"a", "whsec_***"}, NoL:nil, R:&pkg.U{}}`
	assert.Equal(t, want, got)
	assert.Equal(t, "pkg.T{}", NewStruct("pkg.T").Done())
	assert.Equal(t, "<0 keys>", HeaderNames(http.Header{}))
}

type errType struct{ msg string }

func (e *errType) Error() string { return e.msg }
