package embedfin

import (
	"net/url"
	"strings"

	"github.com/embedfin/embedfin-go/form"
)

// Params is embedded in every request params struct. It carries the fields
// every endpoint accepts and the pairs a typed struct cannot express.
type Params struct {
	// Expand lists response fields to return as full objects instead of IDs,
	// in dotted form ("data.customer" on lists).
	Expand []string `url:"expand,brackets,omitempty"`

	extra []form.Pair
}

// AddExpand appends fields to Expand.
func (p *Params) AddExpand(fields ...string) { p.Expand = append(p.Expand, fields...) }

// AddExtra sends key=value in addition to the typed fields, with key in
// Stripe's bracket form ("metadata[order]", "some_beta_field"). Use it for
// parameters this version of the SDK does not type yet.
func (p *Params) AddExtra(key, value string) {
	p.extra = append(p.extra, form.Pair{Key: key, Value: value})
}

// Unset sends key with an empty value, which Stripe reads as "clear this
// field". It is how a whole object or list is removed ("metadata",
// "preferred_locales"); a scalar field can also be cleared through its typed
// field set to a pointer to the zero value (Ptr("")).
func (p *Params) Unset(key string) { p.AddExtra(key, "") }

// FormExtra returns the pairs added by AddExtra and Unset, in order. It
// implements form.ExtraProvider; the client also appends them to query
// strings.
func (p *Params) FormExtra() []form.Pair { return p.extra }

// ListParams is embedded in the params of every list endpoint.
type ListParams struct {
	Params
	// Limit is the page size, 1 to 100 (Stripe's default is 10).
	Limit *int64 `url:"limit,omitempty"`
	// StartingAfter is a cursor: the ID of the object after which the page
	// starts, for paging forward.
	StartingAfter *string `url:"starting_after,omitempty"`
	// EndingBefore is a cursor: the ID of the object before which the page
	// ends, for paging backward.
	EndingBefore *string `url:"ending_before,omitempty"`
}

// GetListParams returns the embedded ListParams; the iterators use it to move
// the cursor on a copy.
func (p *ListParams) GetListParams() *ListParams { return p }

// SearchParams is embedded in the params of every search endpoint.
type SearchParams struct {
	Params
	// Query is the search query, in Stripe's search query language.
	Query string `url:"query"`
	// Limit is the page size, 1 to 100 (Stripe's default is 10).
	Limit *int64 `url:"limit,omitempty"`
	// Page is the cursor from a previous result's NextPage.
	Page *string `url:"page,omitempty"`
}

// GetSearchParams returns the embedded SearchParams; the iterators use it to
// move the cursor on a copy.
func (p *SearchParams) GetSearchParams() *SearchParams { return p }

// RangeQueryParams filters a timestamp or number by range: each bound is
// optional. It is used for list filters such as created and transacted_at.
type RangeQueryParams struct {
	// GreaterThan keeps values strictly above it.
	GreaterThan *int64 `url:"gt,omitempty"`
	// GreaterThanOrEqual keeps values at or above it.
	GreaterThanOrEqual *int64 `url:"gte,omitempty"`
	// LesserThan keeps values strictly below it.
	LesserThan *int64 `url:"lt,omitempty"`
	// LesserThanOrEqual keeps values at or below it.
	LesserThanOrEqual *int64 `url:"lte,omitempty"`
}

// maxIDLen is the longest object ID accepted in a path.
const maxIDLen = 255

// Path fills the {name} placeholders of template, in order, with ids, each
// path-escaped. An empty or malformed ID is a *ValidationError naming the
// placeholder, so the call fails before any request is made:
//
//	p, err := embedfin.Path("/v1/customers/{customer}", id)
func Path(template string, ids ...string) (string, error) {
	var sb strings.Builder
	sb.Grow(len(template) + 32)
	rest := template
	n := 0
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			sb.WriteString(rest)
			break
		}
		closing := strings.IndexByte(rest[open:], '}')
		if closing < 0 {
			return "", invalid("path template", "unbalanced '{' in %q", template)
		}
		name := rest[open+1 : open+closing]
		if n >= len(ids) {
			return "", invalid(name, "no value given for this path parameter")
		}
		if err := checkID(name, ids[n]); err != nil {
			return "", err
		}
		sb.WriteString(rest[:open])
		sb.WriteString(url.PathEscape(ids[n]))
		n++
		rest = rest[open+closing+1:]
	}
	if n != len(ids) {
		return "", invalid("path template", "%q has %d placeholder(s) but %d value(s) were given", template, n, len(ids))
	}
	return sb.String(), nil
}

// checkID rejects IDs no Stripe object can have: empty, too long, or holding
// whitespace, control characters or URL delimiters.
func checkID(name, id string) error {
	if id == "" {
		return invalid(name, "must not be empty")
	}
	if len(id) > maxIDLen {
		return invalid(name, "is %d bytes long; IDs are at most %d", len(id), maxIDLen)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c <= ' ' || c == 0x7f || c == '/' || c == '?' || c == '#' || c == '%' || c == '\\' {
			return invalid(name, "%q contains a character no ID can hold", id)
		}
	}
	return nil
}
