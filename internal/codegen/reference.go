package main

import "strings"

// referenceBase is the root of Stripe's API reference.
const referenceBase = "https://docs.stripe.com/api/"

// referenceURL derives the page of Stripe's API reference that documents a
// method. The reference has one section per collection, its path without
// /v1 and parameters (/v1/financial_connections/accounts →
// financial_connections/accounts), and one page per action in it:
//
//   - POST on the collection is "create", GET "list", GET .../search
//     "search";
//   - on one object (/{id}), GET is "retrieve", POST "update", DELETE
//     "delete";
//   - a verb after the object (/{id}/refresh) is its own action
//     ("refresh");
//   - a method answering with an object that has its own section
//     (refSections: an account's owners, a financial account's features)
//     is in that section: "list" or "retrieve" for GET, "update" for POST;
//   - test helpers (/v1/test_helpers/...) sit in the section of their
//     object, their action prefixed with "test_mode_".
func referenceURL(m *Method) string {
	path := strings.TrimPrefix(m.EP.Path, "/v1/")
	test := strings.HasPrefix(path, "test_helpers/")
	path = strings.TrimPrefix(path, "test_helpers/")
	var coll, after []string
	id := false
	for _, seg := range strings.Split(path, "/") {
		switch {
		case strings.HasPrefix(seg, "{"):
			id = true
		case id:
			after = append(after, seg)
		default:
			coll = append(coll, seg)
		}
	}
	action := ""
	switch {
	case !id && len(coll) > 1 && coll[len(coll)-1] == "search" && m.EP.Method == "GET":
		coll, action = coll[:len(coll)-1], "search"
	case !id && m.EP.Method == "POST":
		action = "create"
	case !id:
		action = "list"
	case len(after) == 0 && m.EP.Method == "GET":
		action = "retrieve"
	case len(after) == 0 && m.EP.Method == "DELETE":
		action = "delete"
	case len(after) == 0:
		action = "update"
	default:
		action = strings.Join(after, "_")
	}
	section := strings.Join(coll, "/")
	if own, ok := refSections[m.ResultSchema]; ok && len(after) > 0 {
		section = own
		switch {
		case m.EP.Method == "POST":
			action = "update"
		case m.Kind == MList:
			action = "list"
		default:
			action = "retrieve"
		}
	}
	if test {
		action = "test_mode_" + action
	}
	return referenceBase + section + "/" + action
}
