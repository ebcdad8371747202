package form

import (
	"net/url"
)

// Pair is one key/value of an encoded form, in order.
type Pair struct {
	// Key in bracket form, unescaped: "metadata[order]".
	Key string
	// Value, unescaped.
	Value string
}

// ExtraProvider is implemented by params structs that carry key/value
// pairs beyond their typed fields (for example "metadata=" to unset a whole
// object, or a beta parameter that has no typed field yet). The encoders
// call FormExtra on the top-level value only, never on nested values, and
// append the returned pairs after the typed fields, in the order returned,
// with the keys used as they are.
type ExtraProvider interface {
	FormExtra() []Pair
}

// MaxIndex is the largest slice index Decode accepts. It is also the
// number of zero-valued elements that missing indexes (a[0] and a[5]
// without a[1] to a[4]) may create in one call. Both limits keep hostile
// input from allocating unbounded memory; going over them is a *KeyError.
const MaxIndex = 10000

// Marshal returns the application/x-www-form-urlencoded encoding of v, for
// example "amount=2000&metadata[order]=6735&items[0][price]=p_1".
//
// v must be a struct or a pointer (through any number of pointers) to one;
// a nil pointer encodes to nothing. Any other value is a *TypeError. See
// the package documentation for the encoding rules.
//
// Values are escaped as url.QueryEscape does; keys are escaped the same way
// except that '[' and ']' are left literal.
func Marshal(v any) ([]byte, error) {
	e := getEncState()
	defer e.release()
	if err := e.encodeTop(v); err != nil {
		return nil, err
	}
	out := make([]byte, len(e.out))
	copy(out, e.out)
	return out, nil
}

// AppendMarshal appends the encoding of v, as Marshal produces it, to dst
// and returns the extended buffer. It does not write a separator before the
// first pair. On error it returns dst with its original length.
func AppendMarshal(dst []byte, v any) ([]byte, error) {
	e := getEncState()
	defer e.release()
	saved := e.out
	e.out, e.start = dst, len(dst)
	err := e.encodeTop(v)
	out := e.out
	e.out = saved[:0]
	if err != nil {
		return dst, err
	}
	return out, nil
}

// Pairs returns the same content as Marshal, unescaped, in the same order.
func Pairs(v any) ([]Pair, error) {
	e := getEncState()
	defer e.release()
	e.toPairs = true
	if err := e.encodeTop(v); err != nil {
		return nil, err
	}
	return e.pairs(), nil
}

// Values returns the same content as Marshal as a url.Values. The values
// of a key keep their order; the order between keys is lost. It is never
// nil when the error is nil.
func Values(v any) (url.Values, error) {
	pairs, err := Pairs(v)
	if err != nil {
		return nil, err
	}
	vals := make(url.Values, len(pairs))
	backing := make([]string, len(pairs)) // one value per key, usually
	for i, p := range pairs {
		if vs, ok := vals[p.Key]; ok {
			vals[p.Key] = append(vs, p.Value)
			continue
		}
		backing[i] = p.Value
		vals[p.Key] = backing[i : i+1 : i+1]
	}
	return vals, nil
}

// Unmarshal parses body with the rules of url.ParseQuery and decodes the
// result into v as Decode does. A body that ParseQuery rejects yields a
// *SyntaxError (joined with any decoding errors of the pairs that did
// parse). Note that ParseQuery refuses bodies of more than 10000
// parameters (see GODEBUG urlmaxqueryparams); to decode more, parse the
// body yourself and call Decode.
func Unmarshal(body []byte, v any) error {
	rv, err := decodeTarget(v)
	if err != nil {
		return err
	}
	values, perr := url.ParseQuery(string(body))
	var d decState
	if perr != nil {
		d.errs = append(d.errs, &SyntaxError{Err: perr})
	}
	d.decodeInto(rv, values)
	return d.err()
}

// Decode stores values into the struct that v points to, matching keys to
// fields by their `url` tag names. v must be a non-nil pointer to a struct
// (through any number of pointers, nil ones being allocated); otherwise
// Decode returns a *TypeError without modifying anything.
//
// Decode does not stop at the first problem: it decodes every key it can
// and returns the problems it met. A single problem is returned as is
// (*KeyError, *ValueError, *TypeError or *UnknownKeysError); several are
// returned together by errors.Join, key and value errors first in key
// order, then one *UnknownKeysError listing every unknown key. Use
// errors.As to find a given kind. When Decode returns an error, v may be
// partly filled. See the package documentation for the decoding rules.
func Decode(values url.Values, v any) error {
	rv, err := decodeTarget(v)
	if err != nil {
		return err
	}
	var d decState
	d.decodeInto(rv, values)
	return d.err()
}
