package stripetest

import (
	"net/http"
	"net/url"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/events"
)

const (
	kindAccount     = "account"
	kindAccountLink = "stripetest.account_link" // side state: where a link leads
)

// accountLinkTTL is how long an account link can be opened: the guide's
// example expires 300 s after its creation.
const accountLinkTTL = 300 * time.Second

// accountLink is what an account link's URL leads to (see pages.go).
type accountLink struct {
	Token      string // the last part of the URL
	Account    string
	Type       string
	RefreshURL string
	ReturnURL  string
	ExpiresAt  int64
	Opened     bool   // a link opens once; again, it leads to refresh_url
	Nonce      string // the form's, once opened
	Done       bool   // the form was submitted or left
}

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
			ExternalAccounts: &embedfin.List[connect.ExternalAccount]{Object: "list", Data: []*connect.ExternalAccount{}},
		}
		applyParams(acct, p)
		acct.Metadata = metadataOf(p.Metadata)
		acct.Controller, acct.Type = controllerOf(p)
		acct.ExternalAccounts.URL = "/v1/accounts/" + acct.ID + "/external_accounts"
		if err := c.accountDetails(acct, p.Company, p.Individual, p.BankAccount, p.ExternalAccount); err != nil {
			return nil, err
		}
		st := c.ks.accountState(acct.ID)
		requestCapabilities(acct, st, p.Capabilities, c.unix())
		syncRequirements(acct, st)
		put(c.env, kindAccount, acct.ID, acct)
		c.ks.connected[acct.ID] = c.s.newEnv(c.ks.key, acct.ID)
		return acct, nil
	})
	route(s, "GET /v1/accounts", func(c *call, p *connect.AccountListParams) (any, error) {
		return listPage(c.ks.platform, kindAccount, listQuery[connect.Account]{at: p.Created, atRange: p.CreatedRange}, p.ListParams, "/v1/accounts")
	})
	route(s, "GET /v1/accounts/{account}", func(c *call, p *connect.AccountRetrieveParams) (any, error) {
		acct, err := c.connected(c.id("account"))
		if err != nil {
			return nil, err
		}
		return acct, nil
	})
	route(s, "POST /v1/accounts/{account}", func(c *call, p *connect.AccountUpdateParams) (any, error) {
		acct, err := c.connected(c.id("account"))
		if err != nil {
			return nil, err
		}
		st := c.ks.accountState(acct.ID)
		change := startChange(acct, st)
		saved := snapshot(acct)
		meta := p.Metadata
		p.Metadata = nil
		applyParams(acct, p)
		acct.Metadata = mergeMetadata(acct.Metadata, meta)
		if err := c.accountDetails(acct, p.Company, p.Individual, nil, p.ExternalAccount); err != nil {
			*acct = *saved
			return nil, err
		}
		requestCapabilities(acct, st, p.Capabilities, c.unix())
		syncRequirements(acct, st)
		change.finish(c, c.ks, acct, st)
		return acct, nil
	})
	route(s, "DELETE /v1/accounts/{account}", func(c *call, p *connect.AccountDeleteParams) (any, error) {
		acct, err := c.connected(c.id("account"))
		if err != nil {
			return nil, err
		}
		remove(c.ks.platform, kindAccount, acct.ID)
		remove(c.ks.platform, kindAccountState, stateID(acct.ID))
		delete(c.ks.connected, acct.ID)
		return &connect.DeletedAccount{ID: acct.ID, Object: "account", Deleted: true}, nil
	})
	route(s, "POST /v1/account_links", func(c *call, p *connect.AccountLinkCreateParams) (any, error) {
		if _, err := c.connectedParam(*p.Account, "account"); err != nil {
			return nil, err
		}
		link := &accountLink{Account: *p.Account, Type: string(*p.Type), ReturnURL: embedfin.Deref(p.ReturnURL)}
		for param, v := range map[string]*string{"refresh_url": p.RefreshURL, "return_url": p.ReturnURL} {
			if v != nil && !webURL(*v) {
				return nil, invalidRequest("url_invalid", param, "Not a valid URL")
			}
		}
		link.RefreshURL = embedfin.Deref(p.RefreshURL)
		if link.RefreshURL == "" {
			link.RefreshURL = link.ReturnURL
		}
		now := c.unix()
		link.ExpiresAt = now + int64(accountLinkTTL/time.Second)
		link.Token = c.s.newID("acctlink")
		put(c.ks.platform, kindAccountLink, link.Token, link)
		return &connect.AccountLink{
			Object:    "account_link",
			Created:   now,
			ExpiresAt: link.ExpiresAt,
			URL:       c.s.URL + onboardingPath + link.Token,
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
	// Emulator only: onboarding completed with Stripe's test data, for
	// programs without a browser (see OnboardAccount).
	route(s, "POST /v1/test_helpers/accounts/{account}/onboard", func(c *call, p *onboardParams) (any, error) {
		acct, err := c.connected(c.id("account"))
		if err != nil {
			return nil, err
		}
		f := testOnboardingForm()
		if p.BusinessType != nil {
			f.BusinessType = *p.BusinessType
		}
		if problems := f.check(); len(problems) > 0 {
			return nil, invalidRequest("parameter_invalid", "business_type", "%s", problems[0].Message)
		}
		c.ks.onboard(c, acct, f, "127.0.0.1", "embedfin-emulator test helper")
		return acct, nil
	})
	s.onboardingPages()
}

// onboardParams are the parameters of the onboarding test helper.
type onboardParams struct {
	embedfin.Params
	// BusinessType is "company" (the default) or "individual".
	BusinessType *string `url:"business_type,omitempty"`
}

// controllerOf derives the controller hash and the account type from the
// create parameters: the platform that creates an account through the API
// controls it (is_controller, type application); each property left out
// takes the default of the legacy type asked for, or Stripe's default for
// controller properties (the account pays its fees, Stripe bears losses
// and collects requirements, full Dashboard).
func controllerOf(p *connect.AccountCreateParams) (*connect.AccountController, *connect.AccountType) {
	ctl := &connect.AccountController{IsController: embedfin.Ptr(true), Type: connect.AccountControllerTypeApplication}
	fees, losses := connect.AccountControllerFeesPayerAccount, connect.ResponsiblePartyStripe
	collection, dashboard := connect.ResponsiblePartyStripe, connect.AccountControllerStripeDashboardTypeFull
	typ := connect.AccountTypeNone
	switch {
	case p.Type != nil:
		typ = connect.AccountType(*p.Type)
	case p.Controller == nil:
		typ = connect.AccountTypeCustom
	}
	switch typ {
	case connect.AccountTypeCustom:
		fees, losses = connect.AccountControllerFeesPayerApplicationCustom, connect.ResponsiblePartyApplication
		collection, dashboard = connect.ResponsiblePartyApplication, connect.AccountControllerStripeDashboardTypeNone
	case connect.AccountTypeExpress:
		fees, losses = connect.AccountControllerFeesPayerApplicationExpress, connect.ResponsiblePartyApplication
		dashboard = connect.AccountControllerStripeDashboardTypeExpress
	}
	if q := p.Controller; q != nil {
		if q.Fees != nil && q.Fees.Payer != nil {
			fees = connect.AccountControllerFeesPayer(*q.Fees.Payer)
		}
		if q.Losses != nil && q.Losses.Payments != nil {
			losses = *q.Losses.Payments
		}
		if q.RequirementCollection != nil {
			collection = *q.RequirementCollection
		}
		if q.StripeDashboard != nil && q.StripeDashboard.Type != nil {
			dashboard = *q.StripeDashboard.Type
		}
	}
	ctl.Fees = &connect.AccountControllerFees{Payer: fees}
	ctl.Losses = &connect.AccountControllerLosses{Payments: losses}
	ctl.RequirementCollection = &collection
	ctl.StripeDashboard = &connect.AccountControllerStripeDashboard{Type: dashboard}
	return ctl, &typ
}

// accountDetails applies what applyParams cannot: identity numbers sent
// become *_provided flags (they are never returned), and a bank account
// sent as bank_account details or a test token (btok_...) becomes the
// account's external account.
func (c *call) accountDetails(acct *connect.Account, company *connect.AccountCompanyParams, individual *connect.AccountIndividualParams, bank *connect.AccountBankAccountParams, token *string) error {
	var taxID, ssnLast4, idNumber *string
	if company != nil {
		taxID = company.TaxID
	}
	if individual != nil {
		ssnLast4, idNumber = individual.SSNLast4, individual.IDNumber
	}
	if filled(taxID) {
		if acct.Company == nil {
			acct.Company = &connect.AccountCompany{}
		}
		acct.Company.TaxIDProvided = embedfin.Ptr(true)
	}
	if filled(ssnLast4) || filled(idNumber) {
		if acct.Individual == nil {
			acct.Individual = &connect.Person{}
		}
		if filled(ssnLast4) {
			acct.Individual.SSNLast4Provided = embedfin.Ptr(true)
		}
		if filled(idNumber) {
			acct.Individual.IDNumberProvided = embedfin.Ptr(true)
			acct.Individual.SSNLast4Provided = embedfin.Ptr(true)
		}
	}
	switch {
	case bank != nil:
		if !validRoutingNumber(embedfin.Deref(bank.RoutingNumber)) {
			return invalidRequest("routing_number_invalid", "bank_account[routing_number]", "Routing number must have 9 digits and a valid checksum: '%s'.", embedfin.Deref(bank.RoutingNumber))
		}
		n := embedfin.Deref(bank.AccountNumber)
		if len(n) < 4 {
			return invalidRequest("account_number_invalid", "bank_account[account_number]", "Bank account numbers have 4 to 17 digits.")
		}
		addBankAccount(c.s, acct, *bank.RoutingNumber, n[len(n)-4:], embedfin.Deref(bank.AccountHolderName), string(embedfin.Deref(bank.AccountHolderType)))
	case token != nil && *token != "":
		if len(*token) < 5 || (*token)[:5] != "btok_" {
			return invalidRequest("resource_missing", "external_account", "No such token: '%s'; the emulator takes Stripe's test bank account tokens (btok_...)", *token)
		}
		addBankAccount(c.s, acct, testRoutingNumber, "6789", "", "")
	}
	return nil
}

// addBankAccount makes a bank account the account's external account for
// USD (the one payouts go to).
func addBankAccount(s *Server, acct *connect.Account, routing, last4, holderName, holderType string) *connect.BankAccount {
	ba := &connect.BankAccount{
		ID:                     s.newID("ba"),
		Object:                 "bank_account",
		Account:                &embedfin.Expandable[connect.Account]{ID: acct.ID},
		AccountType:            embedfin.Ptr("checking"),
		AvailablePayoutMethods: []connect.AvailablePayoutMethod{"standard", "instant"},
		BankName:               embedfin.Ptr("STRIPE TEST BANK"),
		Country:                "US",
		Currency:               "usd",
		DefaultForCurrency:     embedfin.Ptr(true),
		Fingerprint:            embedfin.Ptr(s.newID("fp")[3:]),
		Last4:                  last4,
		Metadata:               map[string]string{},
		RoutingNumber:          embedfin.Ptr(routing),
		Status:                 "new",
	}
	if holderName != "" {
		ba.AccountHolderName = embedfin.Ptr(holderName)
	}
	if holderType != "" {
		ba.AccountHolderType = embedfin.Ptr(holderType)
	}
	for _, x := range acct.ExternalAccounts.Data {
		if x.BankAccount != nil {
			x.BankAccount.DefaultForCurrency = embedfin.Ptr(false)
		}
	}
	acct.ExternalAccounts.Data = append(acct.ExternalAccounts.Data, &connect.ExternalAccount{Object: "bank_account", BankAccount: ba})
	return ba
}

// webURL reports whether s is an absolute http(s) URL, as a link's return
// and refresh URLs must be.
func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// onboard applies what hosted onboarding collected to the account: the
// business and its identity, the bank account, the services agreement and
// the terms of the requested card_issuing and treasury capabilities
// accepted from ip and userAgent. It emits account.updated,
// capability.updated for each capability that changed, and
// account.external_account.created. c is nil when the page did it.
func (ks *keyState) onboard(c *call, acct *connect.Account, f *onboardingForm, ip, userAgent string) {
	s := ks.platform.srv
	st := ks.accountState(acct.ID)
	change := startChange(acct, st)
	now := s.now().Unix()
	f.applyTo(acct, st)
	tos := func() (*int64, *string, *string) { return embedfin.Ptr(now), embedfin.Ptr(ip), embedfin.Ptr(userAgent) }
	acct.TOSAcceptance = &connect.AccountTOSAcceptance{}
	acct.TOSAcceptance.Date, acct.TOSAcceptance.IP, acct.TOSAcceptance.UserAgent = tos()
	if acct.Settings == nil {
		acct.Settings = &connect.AccountSettings{}
	}
	if _, ok := st.requested["card_issuing"]; ok {
		t := &connect.AccountSettingsCardIssuingTOSAcceptance{}
		t.Date, t.IP, t.UserAgent = tos()
		acct.Settings.CardIssuing = &connect.AccountSettingsCardIssuing{TOSAcceptance: t}
	}
	if _, ok := st.requested["treasury"]; ok {
		t := &connect.AccountSettingsTreasuryTOSAcceptance{}
		t.Date, t.IP, t.UserAgent = tos()
		acct.Settings.Treasury = &connect.AccountSettingsTreasury{TOSAcceptance: t}
	}
	ba := addBankAccount(s, acct, f.RoutingNumber, f.AccountNumber[len(f.AccountNumber)-4:], f.holderName(), f.holderType())
	acct.DetailsSubmitted = embedfin.Ptr(true)
	syncRequirements(acct, st)
	change.finish(c, ks, acct, st)
	if e := ks.connected[acct.ID]; e != nil {
		e.emit(c, events.EventTypeAccountExternalAccountCreated, snapshot(ba), nil)
	}
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
