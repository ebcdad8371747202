package stripetest

import (
	"cmp"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/events"
)

const kindCustomer = "customer"

func sortStrings(s []string) { sort.Strings(s) }

func (s *Server) customerRoutes() {
	route(s, "POST /v1/customers", func(c *call, p *customers.CustomerCreateParams) (any, error) {
		cust := &connect.Customer{
			ID:                  c.s.newID("cus"),
			Object:              "customer",
			Created:             c.unix(),
			Address:             addressOf(p.Address),
			Balance:             embedfin.Ptr(embedfin.Deref(p.Balance)),
			Delinquent:          embedfin.Ptr(false),
			Description:         p.Description,
			Email:               p.Email,
			Name:                p.Name,
			Phone:               p.Phone,
			Metadata:            metadataOf(p.Metadata),
			PreferredLocales:    append([]string{}, p.PreferredLocales...),
			InvoicePrefix:       embedfin.Ptr(strings.ToUpper(c.s.newID("x")[2:10])),
			NextInvoiceSequence: embedfin.Ptr(int64(1)),
			InvoiceSettings:     &connect.CustomerInvoiceSettings{},
			TaxExempt:           embedfin.Ptr(connect.CustomerTaxExemptNone),
		}
		if p.InvoicePrefix != nil {
			cust.InvoicePrefix = p.InvoicePrefix
		}
		if p.TaxExempt != nil && *p.TaxExempt != "" {
			cust.TaxExempt = embedfin.Ptr(connect.CustomerTaxExempt(*p.TaxExempt))
		}
		if p.Shipping != nil {
			cust.Shipping = &connect.CustomerShipping{Address: addressOf(p.Shipping.Address), Name: p.Shipping.Name, Phone: p.Shipping.Phone}
		}
		put(c.env, kindCustomer, cust.ID, cust)
		c.env.emit(c, events.EventTypeCustomerCreated, cust, nil)
		return cust, nil
	})
	route(s, "GET /v1/customers", func(c *call, p *customers.CustomerListParams) (any, error) {
		q := listQuery[connect.Customer]{at: p.Created, atRange: p.CreatedRange, keep: func(cu *connect.Customer) bool {
			return !cu.Deleted && (p.Email == nil || embedfin.Deref(cu.Email) == *p.Email)
		}}
		if p.Email != nil && *p.Email != "" {
			q.filter = "email=" + *p.Email
		}
		return listPage(c.env, kindCustomer, q, p.ListParams, "/v1/customers")
	})
	route(s, "GET /v1/customers/search", func(c *call, p *customers.CustomerSearchParams) (any, error) {
		match, err := parseSearch(p.Query)
		if err != nil {
			return nil, err
		}
		items := all(c.env, kindCustomer, func(cu *connect.Customer) bool { return !cu.Deleted && match(cu) })
		return searchPage(items, p.SearchParams, "/v1/customers/search")
	})
	route(s, "GET /v1/customers/{customer}", func(c *call, p *customers.CustomerRetrieveParams) (any, error) {
		cust, ok := get[connect.Customer](c.env, c.id("customer"))
		if !ok {
			return nil, notFound("customer", c.id("customer"), "id")
		}
		if cust.Deleted {
			return &connect.Customer{ID: cust.ID, Object: "customer", Deleted: true}, nil
		}
		return cust, nil
	})
	route(s, "POST /v1/customers/{customer}", func(c *call, p *customers.CustomerUpdateParams) (any, error) {
		cust, ok := get[connect.Customer](c.env, c.id("customer"))
		if !ok || cust.Deleted {
			return nil, notFound("customer", c.id("customer"), "id")
		}
		before := snapshot(cust)
		setString(&cust.Description, p.Description)
		setString(&cust.Email, p.Email)
		setString(&cust.Name, p.Name)
		setString(&cust.Phone, p.Phone)
		if p.Address != nil {
			cust.Address = addressOf(p.Address)
		}
		if p.Balance != nil {
			cust.Balance = p.Balance
		}
		if p.PreferredLocales != nil {
			cust.PreferredLocales = append([]string{}, p.PreferredLocales...)
		}
		if p.TaxExempt != nil { // "" unsets it: back to none
			cust.TaxExempt = embedfin.Ptr(connect.CustomerTaxExempt(cmp.Or(string(*p.TaxExempt), "none")))
		}
		if p.Shipping != nil {
			cust.Shipping = &connect.CustomerShipping{Address: addressOf(p.Shipping.Address), Name: p.Shipping.Name, Phone: p.Shipping.Phone}
		}
		cust.Metadata = mergeMetadata(cust.Metadata, p.Metadata)
		if c.values.Has("shipping") && c.values.Get("shipping") == "" {
			cust.Shipping = nil
		}
		put(c.env, kindCustomer, cust.ID, cust) // the email index follows
		if prev := previous(before, cust); prev != nil {
			c.env.emit(c, events.EventTypeCustomerUpdated, cust, prev)
		}
		return cust, nil
	})
	route(s, "DELETE /v1/customers/{customer}", func(c *call, p *customers.CustomerDeleteParams) (any, error) {
		cust, ok := get[connect.Customer](c.env, c.id("customer"))
		if !ok || cust.Deleted {
			return nil, notFound("customer", c.id("customer"), "id")
		}
		c.env.emit(c, events.EventTypeCustomerDeleted, cust, nil)
		cust.Deleted = true
		put(c.env, kindCustomer, cust.ID, cust) // out of the lists
		return &connect.DeletedCustomer{ID: cust.ID, Object: "customer", Deleted: true}, nil
	})
}

// searchPage pages search results with the page cursor being the offset.
func searchPage[T any](items []*T, sp embedfin.SearchParams, url string) (*embedfin.SearchResult[T], error) {
	limit := 10
	if sp.Limit != nil {
		if *sp.Limit < 1 || *sp.Limit > 100 {
			return nil, invalidRequest("parameter_invalid_integer", "limit", "Invalid limit: must be between 1 and 100")
		}
		limit = int(*sp.Limit)
	}
	start := 0
	if sp.Page != nil {
		n, err := strconv.Atoi(strings.TrimPrefix(*sp.Page, "page_"))
		if err != nil || n < 0 || n > len(items) {
			return nil, invalidRequest("parameter_invalid", "page", "Invalid page: %q", *sp.Page)
		}
		start = n
	}
	end := min(start+limit, len(items))
	res := &embedfin.SearchResult[T]{Object: "search_result", URL: url, Data: nonNil(items[start:end]), HasMore: end < len(items)}
	if res.HasMore {
		res.NextPage = embedfin.Ptr("page_" + strconv.Itoa(end))
	}
	return res, nil
}

var searchClause = regexp.MustCompile(`^\s*([a-z_]+(?:\['[^']*'\])?)\s*(:|~|>=|<=|>|<)\s*(?:'([^']*)'|(-?\d+))\s*$`)

// parseSearch understands the customer search language as far as the
// emulator needs: field:'value' (exact, case-insensitive), field~'value'
// (substring), created>N style comparisons, metadata['key']:'value', and
// clauses joined by AND or by OR (not both).
func parseSearch(q string) (func(*connect.Customer) bool, error) {
	bad := func() error {
		return invalidRequest("parameter_invalid", "query", "Invalid search query: %q", q)
	}
	if strings.TrimSpace(q) == "" {
		return nil, invalidRequest("parameter_missing", "query", "Missing required param: query.")
	}
	sep, any := " AND ", false
	if strings.Contains(q, " OR ") {
		if strings.Contains(q, " AND ") {
			return nil, bad()
		}
		sep, any = " OR ", true
	}
	var preds []func(*connect.Customer) bool
	for _, clause := range strings.Split(q, sep) {
		m := searchClause.FindStringSubmatch(clause)
		if m == nil {
			return nil, bad()
		}
		field, op, str, num := m[1], m[2], m[3], m[4]
		var value func(*connect.Customer) (string, bool)
		switch {
		case field == "email":
			value = func(cu *connect.Customer) (string, bool) { return embedfin.Deref(cu.Email), cu.Email != nil }
		case field == "name":
			value = func(cu *connect.Customer) (string, bool) { return embedfin.Deref(cu.Name), cu.Name != nil }
		case field == "phone":
			value = func(cu *connect.Customer) (string, bool) { return embedfin.Deref(cu.Phone), cu.Phone != nil }
		case field == "created":
			value = func(cu *connect.Customer) (string, bool) { return strconv.FormatInt(cu.Created, 10), true }
		case strings.HasPrefix(field, "metadata['"):
			k := strings.TrimSuffix(strings.TrimPrefix(field, "metadata['"), "']")
			value = func(cu *connect.Customer) (string, bool) { v, ok := cu.Metadata[k]; return v, ok }
		default:
			return nil, invalidRequest("parameter_invalid", "query", "Field '%s' is not supported for search on customers.", field)
		}
		preds = append(preds, clausePredicate(value, op, str, num))
	}
	return func(cu *connect.Customer) bool {
		for _, p := range preds {
			if p(cu) == any {
				return any
			}
		}
		return !any
	}, nil
}

func clausePredicate(value func(*connect.Customer) (string, bool), op, str, num string) func(*connect.Customer) bool {
	return func(cu *connect.Customer) bool {
		v, ok := value(cu)
		if !ok {
			return false
		}
		switch op {
		case ":":
			if num != "" {
				return v == num
			}
			return strings.EqualFold(v, str)
		case "~":
			return strings.Contains(strings.ToLower(v), strings.ToLower(str))
		}
		a, err1 := strconv.ParseInt(v, 10, 64)
		b, err2 := strconv.ParseInt(num, 10, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		switch op {
		case ">":
			return a > b
		case "<":
			return a < b
		case ">=":
			return a >= b
		}
		return a <= b
	}
}
