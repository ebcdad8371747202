package ownershipmatch

import (
	"context"
	"net/http"

	"github.com/embedfin/embedfin-go"
)

// Path is the endpoint of the API.
const Path = "/v1/financial_connections/ownership_match"

// Beta name and version every call sends in Stripe-Version.
const (
	BetaName    = "financial_connections_ownership_match_api_preview"
	BetaVersion = "v1"
)

// Type says where the owner data to compare comes from.
type Type string

// Values of Type. Leaving Type nil compares with the customer holding the
// account.
const (
	TypeCustomer         Type = "customer"
	TypeOwnerInformation Type = "owner_information"
)

// Mode is how the owner is given; it follows from the params.
type Mode int

// The three input modes.
const (
	// ModeAccountHolder compares with the Customer that holds the account.
	ModeAccountHolder Mode = iota
	// ModeCustomer compares with the given Customer.
	ModeCustomer
	// ModeOwnerInformation compares with the given owner data.
	ModeOwnerInformation
)

// String names the mode.
func (m Mode) String() string {
	switch m {
	case ModeAccountHolder:
		return "account holder"
	case ModeCustomer:
		return "customer"
	case ModeOwnerInformation:
		return "owner information"
	}
	return "unknown"
}

// CreateParams asks for a match. FinancialConnectionsAccount is always
// required; the rest depends on the mode (see Validate).
type CreateParams struct {
	embedfin.Params
	// FinancialConnectionsAccount is the linked account (fca_...).
	FinancialConnectionsAccount *string `url:"financial_connections_account,omitempty"`
	// Type selects the mode; nil compares with the account holder.
	Type *Type `url:"type,omitempty"`
	// Customer is the Customer to compare with (Type customer).
	Customer *string `url:"customer,omitempty"`
	// OwnerInformation is the owner data to compare with (Type
	// owner_information).
	OwnerInformation *OwnerInformationParams `url:"owner_information,omitempty"`
}

// OwnerInformationParams is the owner as your user described them. At
// least one field is required.
type OwnerInformationParams struct {
	// Name of the owner.
	Name *string `url:"name,omitempty"`
	// Email of the owner.
	Email *string `url:"email,omitempty"`
	// Phone with its + and country code for non-US numbers.
	Phone *string `url:"phone,omitempty"`
	// Address needs every field but Line2.
	Address *AddressParams `url:"address,omitempty"`
}

// AddressParams is a postal address.
type AddressParams struct {
	// Line1 is the street address; required.
	Line1 *string `url:"line1,omitempty"`
	// Line2 is the apartment, suite or floor; optional (Ptr("") sends it empty).
	Line2 *string `url:"line2,omitempty"`
	// City; required.
	City *string `url:"city,omitempty"`
	// State, county or province; required.
	State *string `url:"state,omitempty"`
	// PostalCode; required.
	PostalCode *string `url:"postal_code,omitempty"`
	// Country as a two-letter ISO code; required.
	Country *string `url:"country,omitempty"`
}

// Mode returns the input mode the params select.
func (p *CreateParams) Mode() Mode {
	if p == nil || p.Type == nil {
		return ModeAccountHolder
	}
	if *p.Type == TypeOwnerInformation {
		return ModeOwnerInformation
	}
	return ModeCustomer
}

func set(s *string) bool { return s != nil && *s != "" }

// Validate checks the params against their mode before anything is sent:
// the account always; with Type customer a Customer and no owner data; with
// Type owner_information owner data with at least one field (an address
// complete but for line2) and no Customer; with no Type neither. Errors are
// *embedfin.ValidationError naming the parameter.
func (p *CreateParams) Validate() error {
	invalid := func(param, reason string) error {
		return &embedfin.ValidationError{Param: param, Reason: reason}
	}
	if p == nil {
		return embedfin.MissingParam("params")
	}
	if !set(p.FinancialConnectionsAccount) {
		return embedfin.MissingParam("financial_connections_account")
	}
	if p.Type != nil && *p.Type != TypeCustomer && *p.Type != TypeOwnerInformation {
		return invalid("type", `must be "customer", "owner_information", or unset to compare with the account holder`)
	}
	switch p.Mode() {
	case ModeAccountHolder:
		if p.Customer != nil {
			return invalid("customer", `is only used with type "customer"; set Type to TypeCustomer`)
		}
		if p.OwnerInformation != nil {
			return invalid("owner_information", `is only used with type "owner_information"; set Type to TypeOwnerInformation`)
		}
	case ModeCustomer:
		if !set(p.Customer) {
			return invalid("customer", `is required with type "customer"`)
		}
		if p.OwnerInformation != nil {
			return invalid("owner_information", `is not used with type "customer"`)
		}
	case ModeOwnerInformation:
		if p.Customer != nil {
			return invalid("customer", `is not used with type "owner_information"`)
		}
		oi := p.OwnerInformation
		if oi == nil || !set(oi.Name) && !set(oi.Email) && !set(oi.Phone) && oi.Address == nil {
			return invalid("owner_information", "needs at least one of name, email, phone and address")
		}
		if a := oi.Address; a != nil {
			for _, f := range []struct {
				name string
				v    *string
			}{{"line1", a.Line1}, {"city", a.City}, {"state", a.State}, {"postal_code", a.PostalCode}, {"country", a.Country}} {
				if !set(f.v) {
					return invalid("owner_information[address]["+f.name+"]", "is required when an address is given (only line2 is optional)")
				}
			}
		}
	}
	return nil
}

// OwnershipMatch is the result of a match (object
// "financial_connections.ownership_match", ID prefix fcom_).
type OwnershipMatch struct {
	embedfin.APIResource
	// ID is the match's identifier.
	ID string `json:"id"`
	// Object is "financial_connections.ownership_match".
	Object string `json:"object"`
	// Created is Unix time in seconds.
	Created int64 `json:"created"`
	// FinancialConnectionsAccount is the account matched.
	FinancialConnectionsAccount string `json:"financial_connections_account"`
	// Type is the mode's type, nil when none was given.
	Type *Type `json:"type"`
	// OwnerInformation is the owner data compared, whatever its source.
	OwnerInformation *OwnerInformation `json:"owner_information"`
	// Customer is the Customer compared, when one was.
	Customer *string `json:"customer"`
	// Ownership is the account ownership record used (fcaowns_...).
	Ownership *string `json:"ownership"`
	// Results holds one score per field.
	Results Results `json:"results"`
}

// GetID returns the match's ID.
func (m *OwnershipMatch) GetID() string {
	if m == nil {
		return ""
	}
	return m.ID
}

// OwnerInformation is the owner data a match compared.
type OwnerInformation struct {
	// Name compared, nil when null.
	Name *string `json:"name"`
	// Email compared, nil when null.
	Email *string `json:"email"`
	// Phone compared, nil when null.
	Phone *string `json:"phone"`
	// Address compared, nil when null.
	Address *Address `json:"address"`
}

// Address is a postal address; nil fields were null.
type Address struct {
	// Line1 is the street address.
	Line1 *string `json:"line1"`
	// Line2 is the apartment, suite or floor.
	Line2 *string `json:"line2"`
	// City of the address.
	City *string `json:"city"`
	// State, county or province.
	State *string `json:"state"`
	// PostalCode of the address.
	PostalCode *string `json:"postal_code"`
	// Country as a two-letter ISO code.
	Country *string `json:"country"`
}

// Results holds the score of each field; a nil field was not compared.
type Results struct {
	// Name is the name's score.
	Name *FieldResult `json:"name"`
	// Email is the email's score.
	Email *FieldResult `json:"email"`
	// Phone is the phone's score.
	Phone *FieldResult `json:"phone"`
	// Address is the address's score.
	Address *FieldResult `json:"address"`
}

// FieldResult is one field's score.
type FieldResult struct {
	// MatchScore is 0 to 100, nil when there was nothing to compare.
	MatchScore *int64 `json:"match_score"`
	// MissingData is true when either side lacked the field.
	MissingData bool `json:"missing_data"`
}

// Score returns the score and whether there is one to use: a non-nil
// result, with a score, and no missing data.
func (r *FieldResult) Score() (int64, bool) {
	if r == nil || r.MatchScore == nil || r.MissingData {
		return 0, false
	}
	return *r.MatchScore, true
}

// Field returns the result of one field.
func (r *Results) Field(f Field) *FieldResult {
	if r == nil {
		return nil
	}
	switch f {
	case FieldName:
		return r.Name
	case FieldEmail:
		return r.Email
	case FieldPhone:
		return r.Phone
	case FieldAddress:
		return r.Address
	}
	return nil
}

// Client gives access to the Ownership Match endpoint, with the shape of the
// other packages' clients (customers.New(c).Customers.Create, here
// ownershipmatch.New(c).OwnershipMatches.Create). Create it with New; it is
// as safe for concurrent use as the *embedfin.Client it wraps.
type Client struct {
	// OwnershipMatches calls the ownership match endpoint.
	OwnershipMatches *OwnershipMatchService
}

// New returns a Client that sends its requests through c.
func New(c *embedfin.Client) *Client {
	return &Client{OwnershipMatches: &OwnershipMatchService{c: c}}
}

// OwnershipMatchService calls the ownership match endpoint: Create.
type OwnershipMatchService struct{ c *embedfin.Client }

// Create asks Stripe to score the owner of a linked account against the
// data of the chosen mode. The params are validated first (Validate); the
// beta version is always sent, merged with any the caller adds through
// opts (the higher version of a beta wins).
//
// API: POST /v1/financial_connections/ownership_match (private beta)
func (s *OwnershipMatchService) Create(ctx context.Context, params *CreateParams, opts ...embedfin.RequestOption) (*OwnershipMatch, error) {
	if err := params.Validate(); err != nil {
		return nil, err
	}
	all := make([]embedfin.RequestOption, 0, len(opts)+1)
	all = append(all, embedfin.WithBetaVersion(BetaName, BetaVersion))
	all = append(all, opts...)
	out := new(OwnershipMatch)
	if err := s.c.Do(ctx, http.MethodPost, Path, params, out, all...); err != nil {
		return nil, err
	}
	return out, nil
}
