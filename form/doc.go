// Package form encodes params structs as application/x-www-form-urlencoded
// request bodies in Stripe's bracket syntax, and decodes such bodies back
// into structs.
//
//	type AddressParams struct {
//		City *string `url:"city,omitempty"`
//	}
//	type CustomerParams struct {
//		Email    *string           `url:"email,omitempty"`
//		Address  *AddressParams    `url:"address,omitempty"`
//		Tags     []string          `url:"tags,omitempty"`
//		Metadata map[string]string `url:"metadata,omitempty"`
//	}
//
// encodes as
//
//	email=a%40b.c&address[city]=Paris&tags[0]=x&tags[1]=y&metadata[k]=v
//
// # Tags
//
// Params structs use one tag vocabulary, go-querystring's
// (github.com/google/go-querystring/query): `url:"name,opt1,opt2"`, plus the
// separate `del:"..."` and `layout:"..."` tags. The same struct can be
// given to go-querystring for a GET query string and to this package for a
// POST body. This package adds what go-querystring lacks (maps, slices of
// structs, decoding) and otherwise follows it:
//
//   - The key is the tag name, or the Go field name when the tag has none.
//     `url:"-"` and unexported fields are skipped. A name may not contain
//     '[' or ']' (a [*TypeError] when the field is encoded; never matched
//     when decoding).
//   - An anonymous (embedded) struct or pointer to struct without a tag
//     name has its fields promoted into the parent. As in go-querystring,
//     the promoted fields are written after all of the parent's own
//     fields, one embedded struct after another. A nil embedded pointer is
//     skipped (go-querystring writes "Name=" for it). When decoding, a
//     shallower field hides a deeper field of the same name.
//   - omitempty skips a field holding an empty value: false, 0, "", a nil
//     pointer or interface, an empty slice, map or array, or a value whose
//     IsZero method reports true (time.Time). A non-nil pointer to a zero
//     value is not empty: Description: ptr("") writes "description=",
//     which is how a field is unset.
//   - Without omitempty, zero values are written ("n=0", "b=false", "s=")
//     and a nil pointer or interface writes "name=" (also for a pointer to
//     a struct), as go-querystring does.
//
// # Values
//
//   - Strings are written as they are; bools as "true"/"false", or "1"/"0"
//     with the int option; integers in decimal.
//   - Floats are written in plain decimal notation
//     (strconv.FormatFloat(f, 'f', -1, bits)), never in exponent notation,
//     which Stripe rejects: 1e21 is written as "1000000000000000000000"
//     and 0.00001 as "0.00001". This differs from go-querystring, whose
//     fmt.Sprint switches to exponent notation when the decimal exponent
//     is 6 or more or below -4 (it writes 1e6 as "1e+06" and 0.00001 as
//     "1e-05"). NaN and infinities are an [*UnsupportedValueError].
//   - Named types (type Status string) are written by their underlying
//     value; their String methods are not called.
//   - time.Time is written as RFC 3339, or with the options unix,
//     unixmilli, unixnano (seconds, milliseconds, nanoseconds since 1970)
//     or a `layout:"2006-01-02"` tag, as in go-querystring. (unixmilli uses
//     time.Time.UnixMilli, which rounds down where go-querystring
//     truncates toward zero: the two differ only for times before 1970
//     with a fraction of a millisecond.)
//   - An interface is written as its dynamic value, with the field's
//     options; a nil interface is written like a nil pointer ("name=").
//     go-querystring instead prints the interface with fmt.Sprint ("<nil>",
//     the address of a pointer, options ignored).
//   - Other kinds (channels, functions, complex numbers, maps whose keys
//     are not strings) are a *TypeError when met.
//
// # Nesting
//
//   - A nested struct, or non-nil pointer to one, writes its fields as
//     parent[child], to any depth: a[b][c]=x.
//   - A map with string keys writes parent[key] for each entry, keys
//     sorted; values may be scalars, structs, slices or maps. An entry
//     with an empty value writes "metadata[k]=", which unsets that key. A
//     map key that is empty or contains '[' or ']' cannot be read back and
//     is an *UnsupportedValueError.
//   - A slice or array of scalars is written indexed by default:
//     a[0]=x&a[1]=y. This is Stripe's syntax and deliberately differs from
//     go-querystring, which repeats the key (a=x&a=y). The options work as
//     in go-querystring: brackets writes a[]=x&a[]=y; comma, space and
//     semicolon write one value joined by that delimiter, as does a
//     `del:"|"` tag; numbered writes a0=x&a1=y. These options apply only to
//     slices of scalars (and pointers to scalars).
//   - A slice or array of anything else (structs, pointers to structs,
//     maps, slices, interfaces) is always written indexed, each element
//     under its index: a[0][b]=x&a[1][b]=y.
//   - Empty (nil or zero-length) slices, arrays and maps write nothing,
//     with or without omitempty, as go-querystring does for slices. An
//     "unset the whole object" request ("metadata=") is sent through
//     [ExtraProvider].
//
// Pairs come in a fixed order: struct fields in declaration order (promoted
// fields as described above), slice elements by index, map entries by
// sorted key, then the pairs of the top-level value's [ExtraProvider].
//
// Encoders are compiled once per type and cached; encoding is safe for
// concurrent use.
//
// # Decoding
//
// Decode and Unmarshal read keys of the form name[seg][seg]... and walk the
// target by tag names, allocating pointers and creating maps and slices as
// needed. What Marshal writes decodes back to the same value, including
// the brackets, numbered and delimited slice styles, with these
// exceptions: a nil pointer without omitempty writes "name=", which reads
// back as a pointer to a zero value (or fails for numbers, bools and
// times); empty slices and maps write nothing and read back as nil; an
// element of a delimited slice that contains the delimiter, or a lone
// empty string, does not survive; RFC 3339 times lose fractions of a
// second; and two fields with the same name share one key.
//
//   - A slice accepts indexed keys (a[0], in any order, placed by index;
//     missing indexes leave zero values), a[] (each value appended in
//     order), and the bare key: split on the delimiter for the delimited
//     styles, otherwise one element per value (go-querystring's repeated
//     style). Indexed elements come first, then a[] values, then bare
//     values. Indexes above MaxIndex are a *KeyError.
//   - An empty value on a whole object is Stripe's "unset" request and
//     decodes to an empty, non-nil value: "metadata=" gives a non-nil empty
//     map, "tags=" a non-nil empty slice, "address=" a non-nil pointer to a
//     zero struct (a zero struct for a non-pointer field), and
//     "description=" for a *string field a pointer to "". A non-empty value
//     for an object is a *ValueError.
//   - Numbers must be well-formed: "amount=abc" and "amount=" are a
//     *ValueError for an integer field, and NaN and infinities are
//     rejected for floats. Bools accept "true" and "false", and also "1"
//     and "0" with the int option. Times are parsed as their options say.
//   - For a scalar sent several times, the last value wins.
//   - A nil empty interface (any) receives a string, or a map[string]any
//     for a key with bracketed children; a non-nil interface holding a
//     pointer is decoded through the pointer.
//   - Keys that match no field are collected into one *UnknownKeysError
//     with their full bracketed names ("address[zip]" when address is known
//     but zip is not); the rest is still decoded.
//   - Malformed keys (unbalanced brackets, "a]b", text after ']' other
//     than '[' or the digits of a numbered key, "[]" before the end of a
//     key, an empty map key) are a *KeyError.
//
// Decode never panics on any input and never modifies a target that is not
// a non-nil pointer to a struct.
package form
