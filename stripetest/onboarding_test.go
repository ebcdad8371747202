package stripetest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// guideCapabilities are the capabilities seed 003's account requests.
var guideCapabilities = []string{"card_issuing", "transfers", "treasury", "us_bank_account_ach_payments"}

// guideAccount creates the seed's account (platform controller, four
// capabilities) without onboarding it, and returns its raw JSON too.
func guideAccount(t *testing.T, c *embedfin.Client) (*connect.Account, map[string]json.RawMessage) {
	t.Helper()
	res, err := c.RawRequest(ctx, "POST", "/v1/accounts", url.Values{
		"country":                                               {"US"},
		"controller[stripe_dashboard][type]":                    {"none"},
		"controller[fees][payer]":                               {"application"},
		"controller[losses][payments]":                          {"application"},
		"controller[requirement_collection]":                    {"application"},
		"capabilities[transfers][requested]":                    {"true"},
		"capabilities[card_issuing][requested]":                 {"true"},
		"capabilities[treasury][requested]":                     {"true"},
		"capabilities[us_bank_account_ach_payments][requested]": {"true"},
	})
	require.NoError(t, err)
	var acct connect.Account
	require.NoError(t, json.Unmarshal(res.Body, &acct))
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(res.Body, &raw))
	return &acct, raw
}

// noRedirect is a browser that shows redirects instead of following them.
var noRedirect = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// pageGet and pagePost fetch a hosted page; they return status, Location
// and body.
func pageGet(t *testing.T, u string) (int, string, string) {
	t.Helper()
	resp, err := noRedirect.Get(u)
	require.NoError(t, err)
	return pageResult(t, resp)
}

func pagePost(t *testing.T, u string, form url.Values) (int, string, string) {
	t.Helper()
	resp, err := noRedirect.PostForm(u, form)
	require.NoError(t, err)
	return pageResult(t, resp)
}

func pageResult(t *testing.T, resp *http.Response) (int, string, string) {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if resp.StatusCode < 300 || resp.StatusCode >= 400 {
		assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// formValues reads the values an HTML form of the emulator would send as
// it stands: text inputs, checked boxes, selected options.
func formValues(body string) url.Values {
	out := url.Values{}
	for _, m := range regexp.MustCompile(`<input ([^>]*)>`).FindAllStringSubmatch(body, -1) {
		name := regexp.MustCompile(`name="([^"]*)"`).FindStringSubmatch(m[1])
		if name == nil || strings.Contains(m[1], `type="checkbox"`) && !strings.Contains(m[1], "checked") {
			continue
		}
		val := ""
		if v := regexp.MustCompile(`value="([^"]*)"`).FindStringSubmatch(m[1]); v != nil {
			val = v[1]
		}
		out.Set(name[1], val)
	}
	for _, m := range regexp.MustCompile(`(?s)<select name="([^"]*)">(.*?)</select>`).FindAllStringSubmatch(body, -1) {
		if v := regexp.MustCompile(`value="([^"]*)" selected`).FindStringSubmatch(m[2]); v != nil {
			out.Set(m[1], v[1])
		}
	}
	return out
}

func capabilityOf(t *testing.T, a *connect.Account, name string) string {
	t.Helper()
	var caps map[string]string
	b, err := json.Marshal(a.Capabilities)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &caps))
	return caps[name]
}

// accountEvents lists the events of a connected account, oldest first.
func accountEvents(t *testing.T, c *embedfin.Client, account string) []*events.Event {
	t.Helper()
	var out []*events.Event
	for ev, err := range events.New(c).Events.All(ctx, nil, embedfin.WithStripeAccount(account)) {
		require.NoError(t, err)
		out = append([]*events.Event{ev}, out...)
	}
	return out
}

func TestAccountControllerAndCapabilitiesAsTheGuide(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	acct, raw := guideAccount(t, srv.Client())

	// The guide's controller, with its derived fields.
	var ctl map[string]any
	require.NoError(t, json.Unmarshal(raw["controller"], &ctl))
	assert.Equal(t, map[string]any{
		"fees": map[string]any{"payer": "application"}, "losses": map[string]any{"payments": "application"},
		"stripe_dashboard": map[string]any{"type": "none"}, "requirement_collection": "application",
		"is_controller": true, "type": "application",
	}, ctl)

	// Only the requested capabilities, inactive until onboarding.
	var caps map[string]string
	require.NoError(t, json.Unmarshal(raw["capabilities"], &caps))
	assert.Equal(t, map[string]string{"card_issuing": "inactive", "transfers": "inactive", "treasury": "inactive", "us_bank_account_ach_payments": "inactive"}, caps)
	r := acct.Requirements
	assert.Equal(t, []string{"business_profile.mcc", "business_profile.url", "business_type", "card_issuing.tos_acceptance.date",
		"card_issuing.tos_acceptance.ip", "external_account", "tos_acceptance.date", "tos_acceptance.ip",
		"treasury.tos_acceptance.date", "treasury.tos_acceptance.ip"}, r.CurrentlyDue)
	assert.Equal(t, r.CurrentlyDue, r.PastDue)
	assert.Equal(t, r.CurrentlyDue, r.EventuallyDue)
	assert.Equal(t, connect.RequirementsDisabledReasonRequirementsPastDue, *r.DisabledReason)
	assert.False(t, *acct.ChargesEnabled)
	assert.False(t, *acct.PayoutsEnabled)
	assert.False(t, *acct.DetailsSubmitted)
}

func TestAccountControllerDefaults(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cs := connect.New(srv.Client())
	for _, tc := range []struct {
		params     *connect.AccountCreateParams
		typ        connect.AccountType
		fees       connect.AccountControllerFeesPayer
		losses     connect.ResponsibleParty
		collection connect.ResponsibleParty
		dashboard  connect.AccountControllerStripeDashboardType
	}{
		{&connect.AccountCreateParams{}, connect.AccountTypeCustom, "application_custom", "application", "application", "none"},
		{&connect.AccountCreateParams{Type: embedfin.Ptr(connect.AccountTypeExpress)}, connect.AccountTypeExpress, "application_express", "application", "stripe", "express"},
		{&connect.AccountCreateParams{Type: embedfin.Ptr(connect.AccountTypeStandard)}, connect.AccountTypeStandard, "account", "stripe", "stripe", "full"},
		{&connect.AccountCreateParams{Controller: &connect.AccountControllerParams{
			Losses: &connect.AccountControllerLossesParams{Payments: embedfin.Ptr(connect.ResponsiblePartyApplication)},
		}}, connect.AccountTypeNone, "account", "application", "stripe", "full"},
	} {
		a, err := cs.Accounts.Create(ctx, tc.params)
		require.NoError(t, err)
		assert.Equal(t, tc.typ, *a.Type)
		assert.True(t, *a.Controller.IsController)
		assert.Equal(t, connect.AccountControllerTypeApplication, a.Controller.Type)
		assert.Equal(t, tc.fees, a.Controller.Fees.Payer)
		assert.Equal(t, tc.losses, a.Controller.Losses.Payments)
		assert.Equal(t, tc.collection, *a.Controller.RequirementCollection)
		assert.Equal(t, tc.dashboard, a.Controller.StripeDashboard.Type)
		assert.Empty(t, a.Requirements.CurrentlyDue, "nothing requested, nothing due")
	}
}

// TestRequirementsThroughTheAPI provides what an individual's account
// needs through the Accounts API, as a platform that collects
// requirements itself does: the capabilities activate as the last one
// arrives, with account.updated and capability.updated on the connected
// account.
func TestRequirementsThroughTheAPI(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client()
	acct, _ := guideAccount(t, c)
	update := func(v url.Values) *connect.Account {
		t.Helper()
		res, err := c.RawRequest(ctx, "POST", "/v1/accounts/"+acct.ID, v)
		require.NoError(t, err)
		var a connect.Account
		require.NoError(t, json.Unmarshal(res.Body, &a))
		return &a
	}
	a := update(url.Values{"business_type": {"individual"}})
	assert.Contains(t, a.Requirements.CurrentlyDue, "individual.first_name")
	assert.Contains(t, a.Requirements.CurrentlyDue, "individual.ssn_last_4")
	assert.NotContains(t, a.Requirements.CurrentlyDue, "business_type")
	assert.NotContains(t, a.Requirements.CurrentlyDue, "company.name")

	tos := func(prefix string) url.Values {
		return url.Values{prefix + "[date]": {"1700000000"}, prefix + "[ip]": {"203.0.113.7"}}
	}
	v := url.Values{
		"business_profile[mcc]": {"5734"}, "business_profile[url]": {"https://example.com"},
		"individual[first_name]": {"Jenny"}, "individual[last_name]": {"Rosen"}, "individual[email]": {"jenny.rosen@example.com"},
		"individual[phone]": {"+12025550123"}, "individual[ssn_last_4]": {"0000"},
		"individual[dob][day]": {"1"}, "individual[dob][month]": {"1"}, "individual[dob][year]": {"1901"},
		"individual[address][line1]": {"address_full_match"}, "individual[address][city]": {"San Francisco"},
		"individual[address][state]": {"CA"}, "individual[address][postal_code]": {"94111"},
		"external_account": {"btok_us_verified"},
	}
	for _, p := range []string{"tos_acceptance", "settings[card_issuing][tos_acceptance]", "settings[treasury][tos_acceptance]"} {
		for k, x := range tos(p) {
			v[k] = x
		}
	}
	a = update(v)
	assert.Empty(t, a.Requirements.CurrentlyDue)
	assert.Nil(t, a.Requirements.DisabledReason)
	for _, name := range guideCapabilities {
		assert.Equal(t, "active", capabilityOf(t, a, name), name)
	}
	assert.True(t, *a.Individual.SSNLast4Provided)
	assert.True(t, *a.PayoutsEnabled)
	assert.True(t, *a.DetailsSubmitted)
	require.Len(t, a.ExternalAccounts.Data, 1)
	assert.Equal(t, "6789", a.ExternalAccounts.Data[0].BankAccount.Last4)

	// The events are the connected account's.
	evs := accountEvents(t, c, acct.ID)
	var types []string
	for _, ev := range evs {
		types = append(types, string(ev.Type))
		assert.Equal(t, acct.ID, *ev.Account)
	}
	// business_type gave the capabilities new requirements, then the
	// rest activated them: each change is an account.updated and a
	// capability.updated per capability, in name order.
	caps4 := []string{"capability.updated", "capability.updated", "capability.updated", "capability.updated"}
	assert.Equal(t, append(append([]string{"account.updated"}, caps4...), append([]string{"account.updated"}, caps4...)...), types)
	var capEv struct {
		ID, Object, Account, Status string
		Requested                   bool
		Requirements                struct {
			CurrentlyDue []string `json:"currently_due"`
		}
	}
	require.NoError(t, json.Unmarshal(evs[8].Data.Object, &capEv))
	assert.Equal(t, "capability", capEv.Object)
	assert.Equal(t, "treasury", capEv.ID)
	assert.Equal(t, acct.ID, capEv.Account)
	assert.Equal(t, "active", capEv.Status)
	assert.True(t, capEv.Requested)
	assert.Empty(t, capEv.Requirements.CurrentlyDue)
	var prev map[string]any
	require.NoError(t, json.Unmarshal(evs[8].Data.PreviousAttributes, &prev))
	assert.Equal(t, "inactive", prev["status"])
	// account.updated names what changed, a hash by its changed keys only.
	require.NoError(t, json.Unmarshal(evs[5].Data.PreviousAttributes, &prev))
	assert.Equal(t, map[string]any{"card_issuing": "inactive", "transfers": "inactive", "treasury": "inactive", "us_bank_account_ach_payments": "inactive"}, prev["capabilities"])
	assert.Equal(t, false, prev["payouts_enabled"])

	// Un-requesting a capability leaves it inactive in the hash.
	a = update(url.Values{"capabilities[transfers][requested]": {"false"}})
	assert.Equal(t, "inactive", capabilityOf(t, a, "transfers"))
	assert.Equal(t, "active", capabilityOf(t, a, "treasury"))
}

func TestAccountDetailsRefused(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client()
	acct, _ := guideAccount(t, c)
	_, err := c.RawRequest(ctx, "POST", "/v1/accounts/"+acct.ID, url.Values{"external_account": {"tok_visa"}})
	apiError(t, err, 400, "resource_missing")
	_, err = c.RawRequest(ctx, "POST", "/v1/accounts", url.Values{"bank_account[country]": {"US"}, "bank_account[account_number]": {"000123456789"}, "bank_account[routing_number]": {"110000001"}})
	apiError(t, err, 400, "routing_number_invalid")
	_, err = connect.New(c).AccountLinks.Create(ctx, &connect.AccountLinkCreateParams{
		Account: embedfin.Ptr(acct.ID), Type: embedfin.Ptr(connect.AccountLinkTypeAccountOnboarding),
		RefreshURL: embedfin.Ptr("not a url"), ReturnURL: embedfin.Ptr("https://example.com/return"),
	})
	ae := apiError(t, err, 400, "url_invalid")
	assert.Equal(t, "refresh_url", ae.Param)
}

// onboardingLink creates an account_onboarding link for the account.
func onboardingLink(t *testing.T, c *embedfin.Client, account string) *connect.AccountLink {
	t.Helper()
	link, err := connect.New(c).AccountLinks.Create(ctx, &connect.AccountLinkCreateParams{
		Account: embedfin.Ptr(account), Type: embedfin.Ptr(connect.AccountLinkTypeAccountOnboarding),
		RefreshURL: embedfin.Ptr("https://example.com/reauth"), ReturnURL: embedfin.Ptr("https://example.com/return"),
	})
	require.NoError(t, err)
	return link
}

// TestOnboardingPage goes through the hosted onboarding page over HTTP:
// the form, its refusals, its completion, and the link used up.
func TestOnboardingPage(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client()
	acct, _ := guideAccount(t, c)
	link := onboardingLink(t, c, acct.ID)
	assert.Equal(t, link.Created+300, link.ExpiresAt)
	require.True(t, strings.HasPrefix(link.URL, srv.URL+"/setup/s/"), link.URL)

	status, _, body := pageGet(t, link.URL)
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, acct.ID)
	assert.Contains(t, body, "the Issuing terms")
	assert.Contains(t, body, "treasury.tos_acceptance.date")
	form := formValues(body)
	assert.Equal(t, "company", form.Get("business_type"))
	assert.Equal(t, "110000000", form.Get("routing_number"))
	assert.Equal(t, "yes", form.Get("accept_terms"))
	require.NotEmpty(t, form.Get("session"))

	// Opened again, the link leads to refresh_url.
	status, loc, _ := pageGet(t, link.URL)
	assert.Equal(t, http.StatusFound, status)
	assert.Equal(t, "https://example.com/reauth", loc)

	// A form from elsewhere leads to refresh_url too.
	forged := url.Values{}
	for k, v := range form {
		forged[k] = v
	}
	forged.Set("session", "form_forged")
	status, loc, _ = pagePost(t, link.URL, forged)
	assert.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "https://example.com/reauth", loc)

	// Refused fields come back with the form, and nothing changes.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("routing_number", "110000001")
	bad.Set("dob", "yesterday")
	bad.Del("accept_terms")
	status, _, body = pagePost(t, link.URL, bad)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	for _, field := range []string{"routing_number", "dob", "accept_terms"} {
		assert.Contains(t, body, `data-field="`+field+`"`)
	}
	assert.Contains(t, body, `value="110000001"`, "the form keeps what was typed")
	a, err := connect.New(c).Accounts.Retrieve(ctx, acct.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, "inactive", capabilityOf(t, a, "treasury"))

	// Submitted as filled, it completes onboarding.
	status, loc, _ = pagePost(t, link.URL, form)
	assert.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "https://example.com/return", loc)
	a, err = connect.New(c).Accounts.Retrieve(ctx, acct.ID, nil)
	require.NoError(t, err)
	for _, name := range guideCapabilities {
		assert.Equal(t, "active", capabilityOf(t, a, name), name)
	}
	assert.Empty(t, a.Requirements.CurrentlyDue)
	assert.True(t, *a.DetailsSubmitted)
	assert.True(t, *a.ChargesEnabled)
	assert.True(t, *a.PayoutsEnabled)
	assert.Equal(t, connect.AccountBusinessTypeCompany, *a.BusinessType)
	assert.Equal(t, "Example Corp", *a.Company.Name)
	assert.True(t, *a.Company.TaxIDProvided)
	assert.Equal(t, "127.0.0.1", *a.TOSAcceptance.IP)
	assert.NotNil(t, a.Settings.Treasury.TOSAcceptance.Date)
	assert.NotNil(t, a.Settings.CardIssuing.TOSAcceptance.Date)

	evs := accountEvents(t, c, acct.ID)
	var types []string
	for _, ev := range evs {
		types = append(types, string(ev.Type))
		assert.Nil(t, ev.Request.ID, "made on a page, not by an API request")
	}
	assert.Equal(t, []string{"account.updated", "capability.updated", "capability.updated", "capability.updated", "capability.updated",
		"account.external_account.created"}, types)

	// Used, the link is done.
	status, loc, _ = pagePost(t, link.URL, form)
	assert.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "https://example.com/reauth", loc)

	status, _, body = pageGet(t, srv.URL+"/setup/s/acctlink_nope")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, body, "does not exist")
}

func TestOnboardingLinkExpiresAndCanBeLeft(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	srv := newServer(t, stripetest.WithClock(clock.now))
	c := srv.Client()
	acct, _ := guideAccount(t, c)

	expired := onboardingLink(t, c, acct.ID)
	clock.advance(300 * time.Second)
	status, loc, _ := pageGet(t, expired.URL)
	assert.Equal(t, http.StatusFound, status)
	assert.Equal(t, "https://example.com/reauth", loc)

	// Leaving the page returns to the platform with nothing changed.
	link := onboardingLink(t, c, acct.ID)
	status, _, body := pageGet(t, link.URL)
	require.Equal(t, http.StatusOK, status)
	status, loc, _ = pagePost(t, link.URL, url.Values{"session": {formValues(body).Get("session")}, "action": {"leave"}})
	assert.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, "https://example.com/return", loc)
	a, err := connect.New(c).Accounts.Retrieve(ctx, acct.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, "inactive", capabilityOf(t, a, "treasury"))
	assert.Empty(t, accountEvents(t, c, acct.ID))
}

func TestOnboardAccountHelper(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client()
	acct, _ := guideAccount(t, c)
	a, err := stripetest.OnboardAccount(ctx, c, acct.ID)
	require.NoError(t, err)
	for _, name := range guideCapabilities {
		assert.Equal(t, "active", capabilityOf(t, a, name), name)
	}
	assert.Empty(t, a.Requirements.CurrentlyDue)

	// An individual, through the endpoint.
	other, _ := guideAccount(t, c)
	res, err := c.RawRequest(ctx, "POST", "/v1/test_helpers/accounts/"+other.ID+"/onboard", url.Values{"business_type": {"individual"}})
	require.NoError(t, err)
	var got connect.Account
	require.NoError(t, json.Unmarshal(res.Body, &got))
	assert.Equal(t, connect.AccountBusinessTypeIndividual, *got.BusinessType)
	assert.Equal(t, "Jenny", *got.Individual.FirstName)
	assert.Equal(t, "active", capabilityOf(t, &got, "treasury"))

	_, err = c.RawRequest(ctx, "POST", "/v1/test_helpers/accounts/"+other.ID+"/onboard", url.Values{"business_type": {"trust"}})
	apiError(t, err, 400, "parameter_invalid")
	_, err = stripetest.OnboardAccount(ctx, c, "acct_nope")
	apiError(t, err, 404, "resource_missing")
}
