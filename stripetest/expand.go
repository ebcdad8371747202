package stripetest

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/internal/apimap"
)

// maxExpandDepth is how many properties an expand[] path may name, "data"
// of a list included, as in the API.
const maxExpandDepth = 4

// expandPaths returns the request's expand[] paths (expand[], expand[N],
// or a bare expand).
func (c *call) expandPaths() []string {
	var out []string
	for k, vs := range c.values {
		if k == "expand" || strings.HasPrefix(k, "expand[") {
			out = append(out, vs...)
		}
	}
	return out
}

var routeParam = regexp.MustCompile(`\{[^}]*\}`)

// responseShape returns what the request's endpoint answers with, from
// the spec; false for an endpoint outside it (the emulator's own helpers).
func (c *call) responseShape() (apimap.ResponseShape, bool) {
	rs, ok := apimap.ResponseShapes[routeParam.ReplaceAllString(c.r.Pattern, "{}")]
	return rs, ok
}

// checkExpand refuses, before the endpoint runs, an expand[] path that
// its answer cannot expand: an unknown property, one that is not
// expandable, a path deeper than the API allows, or a list property not
// under "data.". The API answers these with a 400 invalid_request_error
// carrying neither code nor param.
func (c *call) checkExpand() *apiError {
	paths := c.expandPaths()
	if len(paths) == 0 {
		return nil
	}
	rs, ok := c.responseShape()
	if !ok {
		return nil
	}
	for _, p := range paths {
		if ae := checkExpandPath(rs, p); ae != nil {
			return ae
		}
	}
	return nil
}

func expandError(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, embedfin.ErrorTypeInvalidRequest, "", "", format, args...)
}

func checkExpandPath(rs apimap.ResponseShape, path string) *apiError {
	segs := strings.Split(path, ".")
	for _, s := range segs {
		if s == "" {
			return expandError("Cannot expand %q: a property name is empty.", path)
		}
	}
	if len(segs) > maxExpandDepth {
		return expandError("Cannot expand %q: expansions go at most %d properties deep.", path, maxExpandDepth)
	}
	if rs.List {
		if segs[0] != "data" {
			if len(segs) < maxExpandDepth && expandable(rs.Items, false, segs) == len(segs) {
				return expandError("Cannot expand %q on a list: expansions of its items start with \"data.\" (%q).", path, "data."+path)
			}
			return expandError("Cannot expand %q: a list's items are expanded with paths starting with \"data.\".", path)
		}
		segs = segs[1:]
		if len(segs) == 0 {
			return nil // the items themselves: nothing to do
		}
	}
	if n := expandable(rs.Items, false, segs); n < len(segs) {
		bad := strings.Join(segs[:n+1], ".")
		if rs.List {
			bad = "data." + bad
		}
		return expandError("Cannot expand %q: %s is not a property that can be expanded.", path, bad)
	}
	return nil
}

// expandable returns how many leading properties of segs can be expanded
// from objects of the schemas cands (len(segs) when the whole path can).
// Below an opaque property (objects the table does not describe, such as
// resources the SDK does not type) any path is accepted.
func expandable(cands []string, opaque bool, segs []string) int {
	best := 0
	for _, name := range cands {
		sh := apimap.Shapes[name]
		if sh == nil {
			continue
		}
		f := sh.Fields[segs[0]]
		if f == nil {
			continue
		}
		if len(segs) == 1 {
			if f.Final() {
				return 1
			}
			continue
		}
		if !f.Traversable() {
			best = max(best, 1)
			continue
		}
		if n := 1 + expandable(f.Child, f.Opaque, segs[1:]); n == len(segs) {
			return n
		} else {
			best = max(best, n)
		}
	}
	if opaque {
		return len(segs)
	}
	return best
}
