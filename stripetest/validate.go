package stripetest

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/embedfin/embedfin-go/internal/apimap"
)

// Request parameters are checked, before the endpoint runs, against the
// facts the spec gives about them (internal/apimap.Validation, generated
// by internal/codegen): the names an endpoint takes, their shapes, enums,
// string lengths, integer ranges, required ones, which may be emptied to
// unset them; plus the limits Stripe puts on every metadata hash. A
// request refused here saves no idempotent result.

// maxParamPairs is the most key=value pairs a body or query may carry.
const maxParamPairs = 10000

// errTooManyPairs reports a body or query over maxParamPairs.
var errTooManyPairs = fmt.Errorf("more than %d parameters", maxParamPairs)

// parseParams parses a form body or a query string strictly: a bad
// escape, a ';' separator or more than maxParamPairs pairs is an error,
// never a pair silently dropped.
func parseParams(raw string) (url.Values, error) {
	pairs := 0
	for s := range strings.SplitSeq(raw, "&") {
		if s != "" {
			pairs++
		}
	}
	if pairs > maxParamPairs {
		return nil, errTooManyPairs
	}
	v, err := url.ParseQuery(raw)
	var ue url.EscapeError
	if errors.As(err, &ue) {
		err = fmt.Errorf("invalid escape %q", string(ue))
	}
	return v, err
}

// endpointRules is the compiled form of one endpoint's parameters.
type endpointRules struct {
	params map[string]*apimap.Param
	// required lists, per object path ("" for the top level), the
	// properties that must be sent with it.
	required map[string][]string
	// bare holds the object parameters without known keys, sent as "".
	bare map[string]bool
}

// validationRules indexes apimap.Validation by route pattern
// ("POST /v1/customers/{customer}").
var validationRules = func() map[string]*endpointRules {
	out := make(map[string]*endpointRules, len(apimap.Validation))
	for i := range apimap.Validation {
		ep := &apimap.Validation[i]
		r := &endpointRules{params: make(map[string]*apimap.Param, len(ep.Params)), required: map[string][]string{}, bare: map[string]bool{}}
		for j := range ep.Params {
			p := &ep.Params[j]
			r.params[p.Path] = p
			parent, name := splitLast(p.Path)
			if p.Required {
				r.required[parent] = append(r.required[parent], name)
			}
			if p.Kind&apimap.KindObject != 0 {
				r.bare[p.Path] = true
			}
			delete(r.bare, parent)
		}
		out[ep.Method+" "+ep.Path] = r
	}
	return out
}()

// splitLast splits "a[b][c]" into "a[b]" and "c", and "a" into "" and "a".
func splitLast(path string) (string, string) {
	if !strings.HasSuffix(path, "]") {
		return "", path
	}
	i := strings.LastIndexByte(path, '[')
	return path[:i], path[i+1 : len(path)-1]
}

// splitParamKey splits "a[b][0]" into its segments; ok is false for a
// malformed key, which the decoder reports.
func splitParamKey(key string) ([]string, bool) {
	i := strings.IndexByte(key, '[')
	if i < 0 {
		return []string{key}, key != "" && !strings.Contains(key, "]")
	}
	if i == 0 {
		return nil, false
	}
	segs := []string{key[:i]}
	rest := key[i:]
	for rest != "" {
		if rest[0] != '[' {
			return nil, false
		}
		j := strings.IndexAny(rest[1:], "[]")
		if j < 0 || rest[1+j] != ']' {
			return nil, false
		}
		segs = append(segs, rest[1:1+j])
		rest = rest[2+j:]
	}
	return segs, true
}

func isIndex(seg string) bool {
	if seg == "" {
		return true
	}
	for i := 0; i < len(seg); i++ {
		if seg[i] < '0' || seg[i] > '9' {
			return false
		}
	}
	return true
}

// validateParams checks the parameters of a request to the route pattern
// against the spec's facts; routes the spec does not describe (the
// emulator's own test helpers, Ownership Match) pass untouched.
func validateParams(pattern string, values url.Values) *apiError {
	rules := validationRules[pattern]
	if rules == nil {
		return nil
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)

	// present maps every instance path sent (with the indexes as sent) to
	// its spec path; parents records the ones sent with nested keys.
	present := map[string]string{}
	parents := map[string]bool{}
	// Metadata hashes: keys sent per hash instance.
	metadata := map[string][]string{}
	for _, key := range keys {
		segs, ok := splitParamKey(key)
		if !ok {
			continue // the decoder reports malformed keys
		}
		spec, inst := segs[0], segs[0]
		p := rules.params[spec]
		if p == nil {
			return unknownParam(key)
		}
		present[inst] = spec
		mapKey := ""
		for i := 1; i < len(segs) && mapKey == ""; i++ {
			seg := segs[i]
			parents[inst] = true
			switch {
			case p.Kind&apimap.KindMap != 0:
				if i != len(segs)-1 {
					return invalidRequest("", inst, "Invalid %s: a metadata value must be a string, not a hash (%s).", inst, key)
				}
				if seg == "" {
					return invalidRequest("", inst, "Invalid %s: metadata keys may not be empty.", inst)
				}
				mapKey = seg
				metadata[inst] = append(metadata[inst], seg)
				continue
			case p.Kind&apimap.KindArray != 0 && isIndex(seg):
				spec += "[]"
			case p.Kind&apimap.KindObject != 0 && seg != "":
				spec += "[" + seg + "]"
			default:
				return unknownParam(key)
			}
			inst += "[" + seg + "]"
			if p = rules.params[spec]; p == nil {
				return unknownParam(key)
			}
			present[inst] = spec
		}
		vals := values[key]
		for n, v := range vals {
			param := key
			if strings.HasSuffix(key, "[]") && len(vals) > 1 {
				param = key[:len(key)-2] + "[" + strconv.Itoa(n) + "]"
			}
			var ae *apiError
			if mapKey != "" {
				ae = checkMetadataEntry(inst, mapKey, v)
			} else {
				ae = rules.checkValue(p, param, v)
			}
			if ae != nil {
				return ae
			}
		}
	}
	for _, inst := range sortedKeys(metadata) {
		if n := len(slices.Compact(slices.Sorted(slices.Values(metadata[inst])))); n > apimap.MetadataMaxKeys {
			return invalidRequest("", inst, "Invalid %s: a metadata hash holds at most %d keys, and this request sets %d.", inst, apimap.MetadataMaxKeys, n)
		}
	}
	// Required parameters: the top-level ones, then those of every object
	// sent with nested keys.
	for _, name := range rules.required[""] {
		if _, ok := present[name]; !ok {
			return missingParam(name)
		}
	}
	for _, inst := range sortedKeys(present) {
		if !parents[inst] {
			continue
		}
		for _, name := range rules.required[present[inst]] {
			if _, ok := present[inst+"["+name+"]"]; !ok {
				return missingParam(inst + "[" + name + "]")
			}
		}
	}
	return nil
}

func unknownParam(key string) *apiError {
	return invalidRequest("parameter_unknown", key, "Received unknown parameter: %s", key)
}

func missingParam(param string) *apiError {
	return invalidRequest("parameter_missing", param, "Missing required param: %s.", param)
}

// scalarKinds are the shapes a plain value can take.
const scalarKinds = apimap.KindString | apimap.KindInteger | apimap.KindNumber | apimap.KindBoolean

// checkValue checks one value sent for p (param names it as sent).
func (r *endpointRules) checkValue(p *apimap.Param, param, v string) *apiError {
	if v == "" {
		if p.Emptyable || r.bare[p.Path] && p.Kind&scalarKinds == 0 {
			return nil
		}
		return invalidRequest("parameter_invalid_empty", param,
			"An empty value for '%s' would unset it, and '%s' cannot be unset: leave it out or give it a value.", param, param)
	}
	if p.Kind&scalarKinds == 0 {
		if p.Kind&apimap.KindArray != 0 {
			return invalidRequest("", param, "Invalid array: %s takes a list, sent as %s[]=... or %s[0]=...", param, param, param)
		}
		return invalidRequest("", param, "Invalid hash: %s takes nested parameters, sent as %s[name]=...", param, param)
	}
	var first *apiError
	for _, k := range []apimap.Kind{apimap.KindString, apimap.KindInteger, apimap.KindNumber, apimap.KindBoolean} {
		if p.Kind&k == 0 {
			continue
		}
		ae := checkScalar(p, k, param, v)
		if ae == nil {
			return nil
		}
		if first == nil {
			first = ae
		}
	}
	return first
}

func checkScalar(p *apimap.Param, k apimap.Kind, param, v string) *apiError {
	switch k {
	case apimap.KindString:
		if p.Enum != nil && !slices.Contains(p.Enum, v) {
			return invalidRequest("", param, "Invalid %s: %q is not one of %s.", param, v, oneOf(p.Enum))
		}
		if n := utf8.RuneCountInString(v); p.MaxLength > 0 && n > p.MaxLength {
			return invalidRequest("", param, "Invalid string: %s is %d characters long, and takes at most %d.", param, n, p.MaxLength)
		}
	case apimap.KindInteger:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return invalidRequest("parameter_invalid_integer", param, "Invalid integer: %s (for %s).", clip(v), param)
		}
		if p.Bounded && (n < p.Min || n > p.Max) {
			return invalidRequest("parameter_invalid_integer", param, "Invalid %s: must be between %d and %d (got %d).", param, p.Min, p.Max, n)
		}
	case apimap.KindNumber:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return invalidRequest("", param, "Invalid decimal number: %s (for %s).", clip(v), param)
		}
	case apimap.KindBoolean:
		if v != "true" && v != "false" {
			return invalidRequest("", param, "Invalid boolean: %s (for %s); send true or false.", clip(v), param)
		}
	}
	return nil
}

// checkMetadataEntry checks one key of a metadata hash.
func checkMetadataEntry(inst, key, v string) *apiError {
	if n := utf8.RuneCountInString(key); n > apimap.MetadataMaxKeyLength {
		return invalidRequest("", inst, "Invalid %s: the key %q has %d characters; metadata keys have at most %d.", inst, clip(key), n, apimap.MetadataMaxKeyLength)
	}
	if n := utf8.RuneCountInString(v); n > apimap.MetadataMaxValueLength {
		return invalidRequest("", inst, "Invalid %s: the value of %q has %d characters; metadata values have at most %d.", inst, key, n, apimap.MetadataMaxValueLength)
	}
	return nil
}

// oneOf lists enum values for a message: "a, b or c".
func oneOf(vals []string) string {
	if len(vals) > 12 {
		return strings.Join(vals[:12], ", ") + fmt.Sprintf(" ... (%d values in all)", len(vals))
	}
	if len(vals) == 1 {
		return vals[0]
	}
	return strings.Join(vals[:len(vals)-1], ", ") + " or " + vals[len(vals)-1]
}

// clip shortens a long value quoted back in a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	r := []rune(s)
	return string(r[:20]) + "..." + string(r[len(r)-10:])
}
