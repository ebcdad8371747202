package stripetest

import (
	"net/http"
	"reflect"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/events"
)

const (
	kindAccount = "account"
)

func (s *Server) connectRoutes() {
	route(s, "POST /v1/accounts", func(c *call, p *connect.AccountCreateParams) (any, error) {
		if c.env.account != "" {
			return nil, newAPIError(http.StatusBadRequest, embedfin.ErrorTypeInvalidRequest, "", "", "Connected accounts cannot create connected accounts: drop the Stripe-Account header.")
		}
		acct := &connect.Account{
			ID:               c.s.newID("acct"),
			Object:           "account",
			Created:          embedfin.Ptr(c.unix()),
			Country:          embedfin.Ptr("US"),
			DefaultCurrency:  embedfin.Ptr("usd"),
			ChargesEnabled:   embedfin.Ptr(false),
			PayoutsEnabled:   embedfin.Ptr(false),
			DetailsSubmitted: embedfin.Ptr(false),
			Metadata:         metadataOf(p.Metadata),
			Capabilities:     &connect.AccountCapabilities{},
			Requirements: &connect.AccountRequirements{
				CurrentlyDue: []string{}, EventuallyDue: []string{}, PastDue: []string{},
				PendingVerification: []string{}, Errors: []*connect.RequirementsError{}, Alternatives: []*connect.RequirementsAlternative{},
			},
			ExternalAccounts: &embedfin.List[connect.ExternalAccount]{Object: "list", Data: []*connect.ExternalAccount{}},
		}
		applyParams(acct, p)
		acct.Metadata = metadataOf(p.Metadata)
		if p.Type != nil {
			acct.Type = embedfin.Ptr(connect.AccountType(*p.Type))
		} else if p.Controller == nil {
			acct.Type = embedfin.Ptr(connect.AccountTypeCustom)
		} else {
			acct.Type = embedfin.Ptr(connect.AccountTypeNone)
		}
		acct.ExternalAccounts.URL = "/v1/accounts/" + acct.ID + "/external_accounts"
		requestCapabilities(acct, p.Capabilities)
		put(c.env, kindAccount, acct.ID, acct)
		c.ks.connected[acct.ID] = c.s.newEnv(c.ks.key, acct.ID)
		return acct, nil
	})
	route(s, "GET /v1/accounts", func(c *call, p *connect.AccountListParams) (any, error) {
		return listPage(c.ks.platform, kindAccount, listQuery[connect.Account]{at: p.Created, atRange: p.CreatedRange}, p.ListParams, "/v1/accounts")
	})
	route(s, "GET /v1/accounts/{account}", func(c *call, p *connect.AccountRetrieveParams) (any, error) {
		return c.connected(c.id("account"))
	})
	route(s, "POST /v1/accounts/{account}", func(c *call, p *connect.AccountUpdateParams) (any, error) {
		acct, err := c.connected(c.id("account"))
		if err != nil {
			return nil, err
		}
		before := snapshot(acct)
		meta := p.Metadata
		p.Metadata = nil
		applyParams(acct, p)
		acct.Metadata = mergeMetadata(acct.Metadata, meta)
		requestCapabilities(acct, p.Capabilities)
		if prev := previous(before, acct); prev != nil {
			c.ks.platform.emit(c, events.EventTypeAccountUpdated, acct, prev)
		}
		return acct, nil
	})
	route(s, "DELETE /v1/accounts/{account}", func(c *call, p *connect.AccountDeleteParams) (any, error) {
		acct, err := c.connected(c.id("account"))
		if err != nil {
			return nil, err
		}
		remove(c.ks.platform, kindAccount, acct.ID)
		delete(c.ks.connected, acct.ID)
		return &connect.DeletedAccount{ID: acct.ID, Object: "account", Deleted: true}, nil
	})
	route(s, "POST /v1/account_links", func(c *call, p *connect.AccountLinkCreateParams) (any, error) {
		if _, err := c.connectedParam(*p.Account, "account"); err != nil {
			return nil, err
		}
		now := c.unix()
		return &connect.AccountLink{
			Object:    "account_link",
			Created:   now,
			ExpiresAt: now + 300,
			URL:       c.s.URL + "/connect/onboarding/" + *p.Account + "/" + c.s.newID("link"),
		}, nil
	})
	route(s, "POST /v1/account_sessions", func(c *call, p *connect.AccountSessionCreateParams) (any, error) {
		if _, err := c.connectedParam(*p.Account, "account"); err != nil {
			return nil, err
		}
		sess := &connect.AccountSession{
			Object:       "account_session",
			Account:      *p.Account,
			ClientSecret: c.s.newID("accs_secret"),
			ExpiresAt:    c.unix() + 1800,
			Components:   &connect.AccountSessionComponents{},
		}
		applyParams(sess.Components, p.Components)
		return sess, nil
	})
}

// connected returns a connected account of the key's platform.
func (c *call) connected(id string) (*connect.Account, error) {
	return c.connectedParam(id, "account")
}

func (c *call) connectedParam(id, param string) (*connect.Account, error) {
	acct, ok := get[connect.Account](c.ks.platform, id)
	if !ok || c.env.account != "" && c.env.account != id {
		return nil, notFound("account", id, param)
	}
	return acct, nil
}

// requestCapabilities marks each capability requested in params as active
// (test mode grants them once asked) and each one un-requested as
// inactive, matching the fields by name.
func requestCapabilities(acct *connect.Account, p *connect.AccountCapabilitiesParams) {
	if p == nil {
		return
	}
	if acct.Capabilities == nil {
		acct.Capabilities = &connect.AccountCapabilities{}
	}
	pv, dv := reflect.ValueOf(p).Elem(), reflect.ValueOf(acct.Capabilities).Elem()
	for i := 0; i < pv.NumField(); i++ {
		req, ok := pv.Field(i).Interface().(*connect.AccessParams)
		if !ok || req == nil || req.Requested == nil {
			continue
		}
		f := dv.FieldByName(pv.Type().Field(i).Name)
		if !f.IsValid() {
			continue
		}
		status := connect.CapabilityStatusInactive
		if *req.Requested {
			status = connect.CapabilityStatusActive
		}
		f.Set(reflect.ValueOf(embedfin.Ptr(status)))
	}
}
