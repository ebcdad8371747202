package form

import (
	"reflect"
	"strconv"
	"strings"
)

// UnknownKeysError is returned by [Decode] and [Unmarshal] when the input
// holds keys that match no field of the target. Every other key is still
// decoded. Keys lists the full bracketed keys as they arrived (for example
// "address[zip]"), sorted and without duplicates.
type UnknownKeysError struct {
	// Keys are the unknown keys, sorted.
	Keys []string
}

// Error implements the error interface.
func (e *UnknownKeysError) Error() string {
	return "form: unknown parameter(s): " + strings.Join(e.Keys, ", ")
}

// ValueError reports a value that cannot be decoded into the Go type of the
// field its key names, such as "amount=abc" for an int64 field.
type ValueError struct {
	// Key is the full key the value arrived under.
	Key string
	// Value is the offending value.
	Value string
	// Type is the Go type the value was being decoded into.
	Type reflect.Type
}

// Error implements the error interface.
func (e *ValueError) Error() string {
	return "form: invalid value " + strconv.Quote(e.Value) + " for " + e.Key + " (" + typeString(e.Type) + ")"
}

// KeyError reports a key that cannot be decoded because of its shape:
// unbalanced brackets, text after a closing bracket, a slice index that is
// not a number or is larger than [MaxIndex], and similar.
type KeyError struct {
	// Key is the key as it arrived.
	Key string
	// Reason says what is wrong with it.
	Reason string
}

// Error implements the error interface.
func (e *KeyError) Error() string {
	return "form: invalid key " + strconv.Quote(e.Key) + ": " + e.Reason
}

// TypeError reports a Go type that this package cannot encode or decode:
// a top-level value that is not a struct, a decode target that is not a
// non-nil pointer to a struct, a field of an unsupported kind (channel,
// function, complex number, map with non-string keys, ...), or a field name
// containing a bracket.
type TypeError struct {
	// Type is the offending type (nil for an untyped nil).
	Type reflect.Type
	// Key is the key at which the type was met, if any.
	Key string
	// Reason says why the type cannot be used.
	Reason string
}

// Error implements the error interface.
func (e *TypeError) Error() string {
	s := "form: "
	if e.Key != "" {
		s += e.Key + ": "
	}
	return s + "cannot use type " + typeString(e.Type) + ": " + e.Reason
}

// UnsupportedValueError is returned by the encoders for a value that has
// no form encoding: a NaN or infinite float, a map key that is empty or
// contains '[' or ']', or a value nested too deeply (a cycle).
type UnsupportedValueError struct {
	// Key is the key of the offending value (for a map key, the key of the
	// map).
	Key string
	// Reason says what is wrong with the value.
	Reason string
}

// Error implements the error interface.
func (e *UnsupportedValueError) Error() string {
	return "form: cannot encode " + strconv.Quote(e.Key) + ": " + e.Reason
}

// SyntaxError is returned by [Unmarshal] when the body is not a valid
// application/x-www-form-urlencoded document by the rules of
// [net/url.ParseQuery] (a bad percent escape, a semicolon separator, too
// many parameters). Err is the error ParseQuery returned.
type SyntaxError struct {
	// Err is the parse error.
	Err error
}

// Error implements the error interface.
func (e *SyntaxError) Error() string {
	return "form: malformed body: " + e.Err.Error()
}

// Unwrap returns the underlying parse error.
func (e *SyntaxError) Unwrap() error { return e.Err }

func typeString(t reflect.Type) string {
	if t == nil {
		return "nil"
	}
	return t.String()
}
