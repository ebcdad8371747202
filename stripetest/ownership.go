package stripetest

import (
	"net/http"
	"strings"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	om "github.com/embedfin/embedfin-go/ownershipmatch"
)

// betaRequired is the Stripe-Version suffix Ownership Match requires.
const betaRequired = om.BetaName + "=" + om.BetaVersion

func (s *Server) ownershipRoutes() {
	route(s, "POST "+om.Path, func(c *call, p *om.CreateParams) (any, error) {
		if !hasBeta(c.r.Header.Get("Stripe-Version"), betaRequired) {
			return nil, newAPIError(http.StatusBadRequest, embedfin.ErrorTypeInvalidRequest, "", "",
				"Ownership Match is in private beta: send Stripe-Version with '; %s'.", betaRequired)
		}
		acct, err := c.fcAccount(*p.FinancialConnectionsAccount)
		if err != nil {
			return nil, err
		}
		owners, ownership, aerr := c.ownersOf(acct)
		if aerr != nil {
			return nil, aerr
		}
		res := &om.OwnershipMatch{
			ID:                          c.s.newID("fcom"),
			Object:                      "financial_connections.ownership_match",
			Created:                     c.unix(),
			FinancialConnectionsAccount: acct.ID,
			Ownership:                   embedfin.Ptr(ownership),
			Type:                        p.Type,
		}
		var in ownerInput
		switch p.Mode() {
		case om.ModeAccountHolder:
			h := acct.AccountHolder
			if h == nil || h.Customer == nil {
				return nil, invalidRequest("parameter_missing", "type", "The account is not held by a customer: give type=customer with a customer, or type=owner_information.")
			}
			cu, ok := get[connect.Customer](c.env, h.Customer.ID)
			if !ok || cu.Deleted {
				return nil, notFound("customer", h.Customer.ID, "financial_connections_account")
			}
			in = customerInput(cu)
			res.Customer = embedfin.Ptr(cu.ID)
		case om.ModeCustomer:
			cu, ok := get[connect.Customer](c.env, *p.Customer)
			if !ok || cu.Deleted {
				return nil, notFound("customer", *p.Customer, "customer")
			}
			in = customerInput(cu)
			res.Customer = embedfin.Ptr(cu.ID)
		case om.ModeOwnerInformation:
			in = paramsInput(p.OwnerInformation)
		}
		res.OwnerInformation = in.info()
		res.Results = bestMatch(in, owners)
		return res, nil
	})
}

// hasBeta reports whether a Stripe-Version header carries the beta.
func hasBeta(header, beta string) bool {
	for _, part := range strings.Split(header, ";") {
		if strings.TrimSpace(part) == beta {
			return true
		}
	}
	return false
}

// ownersOf returns the owners of the account's latest ownership record.
func (c *call) ownersOf(acct *fc.Account) ([]*fc.AccountOwner, string, error) {
	if acct.Ownership == nil {
		return nil, "", invalidRequest("ownership_data_unavailable", "financial_connections_account",
			"The account %s has no ownership data yet: link it with the ownership permission and refresh ownership (or prefetch it).", acct.ID)
	}
	own, ok := get[fc.AccountOwnership](c.env, acct.Ownership.ID)
	if !ok {
		return nil, "", notFound("ownership", acct.Ownership.ID, "financial_connections_account")
	}
	return own.Owners.Data, own.ID, nil
}

// ownerInput is the owner data a platform compares.
type ownerInput struct {
	name, email, phone string
	address            *addressInput
}

func customerInput(cu *connect.Customer) ownerInput {
	in := ownerInput{name: embedfin.Deref(cu.Name), email: embedfin.Deref(cu.Email), phone: embedfin.Deref(cu.Phone)}
	if a := cu.Address; a != nil {
		in.address = &addressInput{Line1: embedfin.Deref(a.Line1), Line2: embedfin.Deref(a.Line2), City: embedfin.Deref(a.City), State: embedfin.Deref(a.State), PostalCode: embedfin.Deref(a.PostalCode), Country: embedfin.Deref(a.Country)}
	}
	return in
}

func paramsInput(p *om.OwnerInformationParams) ownerInput {
	in := ownerInput{name: embedfin.Deref(p.Name), email: embedfin.Deref(p.Email), phone: embedfin.Deref(p.Phone)}
	if a := p.Address; a != nil {
		in.address = &addressInput{Line1: embedfin.Deref(a.Line1), Line2: embedfin.Deref(a.Line2), City: embedfin.Deref(a.City), State: embedfin.Deref(a.State), PostalCode: embedfin.Deref(a.PostalCode), Country: embedfin.Deref(a.Country)}
	}
	return in
}

// info renders the input as the response's owner_information.
func (in ownerInput) info() *om.OwnerInformation {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return embedfin.Ptr(s)
	}
	out := &om.OwnerInformation{Name: opt(in.name), Email: opt(in.email), Phone: opt(in.phone)}
	if a := in.address; a != nil {
		out.Address = &om.Address{Line1: opt(a.Line1), Line2: opt(a.Line2), City: opt(a.City), State: opt(a.State), PostalCode: opt(a.PostalCode), Country: opt(a.Country)}
	}
	return out
}

// bestMatch scores the input against each owner and keeps the owner that
// matches best overall (an account may have several, e.g. a joint one).
func bestMatch(in ownerInput, owners []*fc.AccountOwner) om.Results {
	var best om.Results
	bestSum := -1
	for _, o := range owners {
		var addr *addressInput
		if o.RawAddress != nil && *o.RawAddress != "" {
			a := parseRawAddress(*o.RawAddress)
			addr = &a
		}
		r := om.Results{
			Name:  result(in.name != "", o.Name != "", func() int { return scoreName(in.name, o.Name) }),
			Email: result(in.email != "", embedfin.Deref(o.Email) != "", func() int { return scoreEmail(in.email, embedfin.Deref(o.Email)) }),
			Phone: result(in.phone != "", embedfin.Deref(o.Phone) != "", func() int { return scorePhone(in.phone, embedfin.Deref(o.Phone)) }),
		}
		r.Address = result(in.address != nil, addr != nil, func() int { return scoreAddress(*in.address, *addr) })
		sum := 0
		for _, f := range om.Fields {
			if s, ok := r.Field(f).Score(); ok {
				sum += int(s)
			}
		}
		if sum > bestSum {
			best, bestSum = r, sum
		}
	}
	if bestSum < 0 { // no owners at all
		miss := func(given bool) *om.FieldResult {
			if !given {
				return nil
			}
			return &om.FieldResult{MissingData: true}
		}
		best = om.Results{Name: miss(in.name != ""), Email: miss(in.email != ""), Phone: miss(in.phone != ""), Address: miss(in.address != nil)}
	}
	return best
}

// result is one field's result: nil when the field was not given, missing
// data when the bank has none, else the score.
func result(given, known bool, score func() int) *om.FieldResult {
	switch {
	case !given:
		return nil
	case !known:
		return &om.FieldResult{MissingData: true}
	}
	s := score()
	if s < 0 {
		return &om.FieldResult{MissingData: true}
	}
	return &om.FieldResult{MatchScore: embedfin.Ptr(int64(s))}
}
