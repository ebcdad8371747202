package redact

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Format is the body of a Format method for a type whose every rendering
// must be redacted. text is what %v, %+v and %s print (quoted by %q, hex by
// %x and %X), gostring what %#v prints. Both must be redacted already;
// widths, precision and flags apply to text as they would to a string.
// Any other verb prints text inside fmt's usual bad-verb marker, never the
// raw fields.
func Format(f fmt.State, verb rune, text, gostring string) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, gostring)
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), text)
}

// Struct builds a Go-syntax-like rendering of a struct for a GoString
// method, redacting as it goes: Struct("pkg.T").Int("N", 1).String("S",
// "sk_test_x").Done() gives `pkg.T{N:1, S:"sk_test_***"}`.
type Struct struct {
	sb     strings.Builder
	fields int
}

// NewStruct starts the rendering of a struct of the named type.
func NewStruct(typeName string) *Struct {
	s := new(Struct)
	s.sb.WriteString(typeName)
	s.sb.WriteByte('{')
	return s
}

func (s *Struct) field(name string) {
	if s.fields > 0 {
		s.sb.WriteString(", ")
	}
	s.fields++
	s.sb.WriteString(name)
	s.sb.WriteByte(':')
}

// Str adds a string field, passed through String and quoted.
func (s *Struct) Str(name, v string) *Struct {
	s.field(name)
	s.sb.WriteString(strconv.Quote(String(v)))
	return s
}

// URL adds a URL field, passed through URL and quoted.
func (s *Struct) URL(name, v string) *Struct {
	s.field(name)
	if v == "" {
		s.sb.WriteString(`""`)
	} else {
		s.sb.WriteString(strconv.Quote(URL(v)))
	}
	return s
}

// Int adds an integer field.
func (s *Struct) Int(name string, v int) *Struct {
	s.field(name)
	s.sb.WriteString(strconv.Itoa(v))
	return s
}

// Bool adds a boolean field.
func (s *Struct) Bool(name string, v bool) *Struct {
	s.field(name)
	s.sb.WriteString(strconv.FormatBool(v))
	return s
}

// Bytes adds a byte slice field shown only by its length: "<61 bytes>",
// or nil.
func (s *Struct) Bytes(name string, b []byte) *Struct {
	s.field(name)
	if b == nil {
		s.sb.WriteString("nil")
	} else {
		s.sb.WriteString("<" + strconv.Itoa(len(b)) + " bytes>")
	}
	return s
}

// Header adds a header field showing only its names (see HeaderNames); the
// values are left out, since any of them may be a credential.
func (s *Struct) Header(name string, h map[string][]string) *Struct {
	s.field(name)
	s.sb.WriteString(HeaderNames(h))
	return s
}

// Err adds an error field: its dynamic type and its message passed through
// String, as `*url.Error("...")`, or nil.
func (s *Struct) Err(name string, err error) *Struct {
	s.field(name)
	if err == nil {
		s.sb.WriteString("nil")
		return s
	}
	// fmt.Sprint rather than err.Error(): it survives a nil pointer inside
	// the interface and uses the error's own redacting Format if it has one.
	fmt.Fprintf(&s.sb, "%T(%s)", err, strconv.Quote(String(fmt.Sprint(err))))
	return s
}

// Value adds a field of any type: its dynamic type and its fmt.Sprint text
// passed through String, as `string("...")`, or nil.
func (s *Struct) Value(name string, v any) *Struct {
	s.field(name)
	if v == nil {
		s.sb.WriteString("nil")
		return s
	}
	fmt.Fprintf(&s.sb, "%T(%s)", v, strconv.Quote(String(fmt.Sprint(v))))
	return s
}

// Strs adds a slice of strings, each passed through String and quoted, as
// `[]pkg.T{"a", "b"}`; typeName is the slice type's name.
func (s *Struct) Strs(name, typeName string, vs []string) *Struct {
	s.field(name)
	if vs == nil {
		s.sb.WriteString("nil")
		return s
	}
	s.sb.WriteString(typeName)
	s.sb.WriteByte('{')
	for i, v := range vs {
		if i > 0 {
			s.sb.WriteString(", ")
		}
		s.sb.WriteString(strconv.Quote(String(v)))
	}
	s.sb.WriteByte('}')
	return s
}

// Raw adds a field rendered by the caller, which must be redacted already
// (a nested value's own GoString, for instance).
func (s *Struct) Raw(name, rendered string) *Struct {
	s.field(name)
	s.sb.WriteString(rendered)
	return s
}

// Done closes the struct and returns its rendering.
func (s *Struct) Done() string {
	s.sb.WriteByte('}')
	return s.sb.String()
}

// HeaderNames renders a header by its count and names only, each name
// passed through String, sorted: "<2 keys: Content-Type, Request-Id>", or
// nil. Values are never shown: any of them may be a credential.
func HeaderNames(h map[string][]string) string {
	if h == nil {
		return "nil"
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, String(k))
	}
	sort.Strings(names)
	s := "<" + strconv.Itoa(len(h)) + " keys"
	if len(h) == 1 {
		s = "<1 key"
	}
	if len(names) > 0 {
		s += ": " + strings.Join(names, ", ")
	}
	return s + ">"
}
