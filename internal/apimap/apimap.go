package apimap

import "strings"

// Endpoint is one API operation and the Go method that calls it.
type Endpoint struct {
	Method string // HTTP method
	Path   string // path template as in the spec, e.g. /v1/customers/{customer}
	Call   string // e.g. customers.New(c).Customers.Retrieve
}

// Match returns the endpoint a concrete request belongs to, if any.
func Match(method, path string) (Endpoint, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, ep := range Endpoints {
		if ep.Method != method {
			continue
		}
		tpl := strings.Split(strings.Trim(ep.Path, "/"), "/")
		if len(tpl) != len(segs) {
			continue
		}
		ok := true
		for i := range tpl {
			if strings.HasPrefix(tpl[i], "{") {
				continue
			}
			if tpl[i] != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return ep, true
		}
	}
	return Endpoint{}, false
}
