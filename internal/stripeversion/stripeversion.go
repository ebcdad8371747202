package stripeversion

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Beta is one beta feature pinned at a numeric version (the N of "vN").
type Beta struct {
	// Name of the beta, e.g. financial_connections_ownership_match_api_preview.
	Name string
	// Version is N of "vN".
	Version int
}

// String renders the beta as it appears in the header, "name=vN".
func (b Beta) String() string { return b.Name + "=v" + strconv.Itoa(b.Version) }

// ErrInvalid is wrapped by every parse error of this package.
var ErrInvalid = errors.New("invalid Stripe-Version")

// ParseBeta validates a beta name and a version of the form "vN" (N a
// non-negative decimal integer without sign) and returns the Beta.
func ParseBeta(name, version string) (Beta, error) {
	if !validName(name) {
		return Beta{}, fmt.Errorf("%w: beta name %q must be non-empty and use only a-z, 0-9, '_', '-' and '.'", ErrInvalid, name)
	}
	n, ok := parseVN(version)
	if !ok {
		return Beta{}, fmt.Errorf("%w: beta %q version %q must look like v1, v2, ... v10", ErrInvalid, name, version)
	}
	return Beta{Name: name, Version: n}, nil
}

// Parse splits a full header value into its base version and betas.
func Parse(header string) (base string, betas []Beta, err error) {
	parts := strings.Split(header, ";")
	base = strings.TrimSpace(parts[0])
	if !validBase(base) {
		return "", nil, fmt.Errorf("%w: base version %q", ErrInvalid, base)
	}
	for _, p := range parts[1:] {
		p = strings.TrimSpace(p)
		name, ver, ok := strings.Cut(p, "=")
		if !ok {
			return "", nil, fmt.Errorf("%w: beta %q is not name=vN", ErrInvalid, p)
		}
		b, err := ParseBeta(strings.TrimSpace(name), strings.TrimSpace(ver))
		if err != nil {
			return "", nil, err
		}
		betas = append(betas, b)
	}
	return base, Merge(betas), nil
}

// Merge deduplicates betas by name, keeping for each name the highest version
// compared as numbers (v10 beats v9). Names keep the order of their first
// appearance. The input is not modified.
func Merge(lists ...[]Beta) []Beta {
	var out []Beta
	for _, list := range lists {
	next:
		for _, b := range list {
			for i := range out {
				if out[i].Name == b.Name {
					if b.Version > out[i].Version {
						out[i].Version = b.Version
					}
					continue next
				}
			}
			out = append(out, b)
		}
	}
	return out
}

// Compose renders base and the merged betas as a header value.
func Compose(base string, betas ...[]Beta) string {
	merged := Merge(betas...)
	if len(merged) == 0 {
		return base
	}
	var sb strings.Builder
	sb.WriteString(base)
	for _, b := range merged {
		sb.WriteString("; ")
		sb.WriteString(b.String())
	}
	return sb.String()
}

func parseVN(s string) (int, bool) {
	if len(s) < 2 || s[0] != 'v' {
		return 0, false
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s[1:])
	return n, err == nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.':
		default:
			return false
		}
	}
	return true
}

// validBase accepts versions shaped like "2026-08-26" or "2026-08-26.dahlia".
func validBase(s string) bool {
	if len(s) < 10 {
		return false
	}
	for i, c := range s[:10] {
		if i == 4 || i == 7 {
			if c != '-' {
				return false
			}
		} else if c < '0' || c > '9' {
			return false
		}
	}
	rest := s[10:]
	if rest == "" {
		return true
	}
	if rest[0] != '.' || len(rest) == 1 {
		return false
	}
	for _, c := range rest[1:] {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
