package stripetest

import (
	"encoding/json"
	"maps"
	"reflect"

	"github.com/embedfin/embedfin-go"
)

// setString applies an optional string parameter: nil leaves dst alone,
// "" clears it (Stripe's unset), anything else sets it.
func setString(dst **string, src *string) {
	switch {
	case src == nil:
	case *src == "":
		*dst = nil
	default:
		*dst = embedfin.Ptr(*src)
	}
}

// mergeMetadata applies metadata parameters: a key set to "" is removed.
func mergeMetadata(dst map[string]string, src map[string]string) map[string]string {
	if src == nil {
		return dst
	}
	if dst == nil {
		dst = map[string]string{}
	}
	if len(src) == 0 { // metadata= clears everything
		return map[string]string{}
	}
	for k, v := range src {
		if v == "" {
			delete(dst, k)
		} else {
			dst[k] = v
		}
	}
	return dst
}

// metadataOf copies create-time metadata, dropping empty values.
func metadataOf(src map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range src {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// addressOf turns address parameters into an address.
func addressOf(p *embedfin.AddressParams) *embedfin.Address {
	if p == nil {
		return nil
	}
	return &embedfin.Address{City: p.City, Country: p.Country, Line1: p.Line1, Line2: p.Line2, PostalCode: p.PostalCode, State: p.State}
}

// previous returns, for every top-level field that differs between the
// encodings of before and after, its value before: the
// previous_attributes of an *.updated event. nil when nothing changed.
func previous(before, after any) map[string]any {
	var a, b map[string]any
	_ = json.Unmarshal(rawJSON(before), &a)
	_ = json.Unmarshal(rawJSON(after), &b)
	out := map[string]any{}
	for _, k := range sortedKeys(b) {
		if !reflect.DeepEqual(a[k], b[k]) {
			out[k] = a[k]
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range maps.Keys(m) {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}
