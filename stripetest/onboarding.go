package stripetest

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/events"
)

// Connect onboarding. A capability asked for starts inactive and lists
// what it needs in requirements; it becomes active once the account holds
// all of it, whether the platform sent it through the Accounts API (its
// right when it collects requirements itself) or the account holder
// entered it on the hosted onboarding page (pages.go). Requirements are
// recomputed from the account after every change, so the two ways mix.

// kindAccountState is the emulator's side state of a connected account,
// kept in the platform's env under stateID.
const kindAccountState = "stripetest.account_state"

// eventCapabilityUpdated is Connect's capability.updated: the SDK's event
// constants cover the products it types, and capabilities are not typed.
const eventCapabilityUpdated events.EventType = "capability.updated"

// accountState is what the emulator keeps about a connected account beside
// the account object.
type accountState struct {
	// requested holds the capabilities asked for, with when: one asked
	// for then un-requested leaves (its status stays in the hash, inactive).
	requested map[string]int64
	// representative is the company's representative, which the hosted
	// page collects (the Persons API is not emulated).
	representative *connect.Person
}

func stateID(account string) string { return "state:" + account }

// accountState returns the side state of a connected account of the key,
// creating it.
func (ks *keyState) accountState(account string) *accountState {
	st, ok := get[accountState](ks.platform, stateID(account))
	if !ok {
		st = &accountState{requested: map[string]int64{}}
		put(ks.platform, kindAccountState, stateID(account), st)
	}
	return st
}

// capabilityFields maps each capability's name to its field in
// connect.AccountCapabilities.
var capabilityFields = sync.OnceValue(func() map[string]int {
	t := reflect.TypeFor[connect.AccountCapabilities]()
	out := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		if name := tagName(t.Field(i), "json"); name != "" {
			out[name] = i
		}
	}
	return out
})

// capabilityStatus returns a capability's status in the account's hash,
// "" when it is not there.
func capabilityStatus(a *connect.Account, name string) connect.CapabilityStatus {
	i, ok := capabilityFields()[name]
	if !ok || a.Capabilities == nil {
		return ""
	}
	p := reflect.ValueOf(a.Capabilities).Elem().Field(i).Interface().(*connect.CapabilityStatus)
	return embedfin.Deref(p)
}

func setCapabilityStatus(a *connect.Account, name string, status connect.CapabilityStatus) {
	if a.Capabilities == nil {
		a.Capabilities = &connect.AccountCapabilities{}
	}
	reflect.ValueOf(a.Capabilities).Elem().Field(capabilityFields()[name]).Set(reflect.ValueOf(embedfin.Ptr(status)))
}

// requestCapabilities records the capabilities asked for or un-requested
// in params (matched by name). A new one enters the hash inactive;
// syncRequirements decides what it becomes.
func requestCapabilities(acct *connect.Account, st *accountState, p *connect.AccountCapabilitiesParams, now int64) {
	if p == nil {
		return
	}
	pv := reflect.ValueOf(p).Elem()
	for i := range pv.NumField() {
		req, ok := pv.Field(i).Interface().(*embedfin.AccessParams)
		if !ok || req == nil || req.Requested == nil {
			continue
		}
		name := tagName(pv.Type().Field(i), "url")
		if _, ok := capabilityFields()[name]; !ok {
			continue
		}
		switch _, was := st.requested[name]; {
		case *req.Requested && !was:
			st.requested[name] = now
			setCapabilityStatus(acct, name, connect.CapabilityStatusInactive)
		case !*req.Requested:
			delete(st.requested, name)
			if capabilityStatus(acct, name) != "" {
				setCapabilityStatus(acct, name, connect.CapabilityStatusInactive)
			}
		}
	}
}

// capabilityNeeds lists what a capability needs that the account does not
// hold yet, as Stripe names requirements. Every capability needs the
// business, its identity, a bank account for payouts and the services
// agreement; card_issuing and treasury also need their own terms.
func capabilityNeeds(a *connect.Account, st *accountState, capability string) []string {
	var due []string
	need := func(name string, held bool) {
		if !held {
			due = append(due, name)
		}
	}
	bp := embedfin.Deref(a.BusinessProfile)
	need("business_profile.mcc", filled(bp.MCC))
	need("business_profile.url", filled(bp.URL) || filled(bp.ProductDescription))
	need("business_type", a.BusinessType != nil)
	switch embedfin.Deref(a.BusinessType) {
	case connect.AccountBusinessTypeIndividual:
		due = append(due, personNeeds("individual", a.Individual, false)...)
	case "":
	default:
		co := embedfin.Deref(a.Company)
		due = append(due, addressNeeds("company.address", co.Address)...)
		need("company.name", filled(co.Name))
		need("company.phone", filled(co.Phone))
		need("company.tax_id", embedfin.Deref(co.TaxIDProvided))
		due = append(due, personNeeds("representative", st.representative, true)...)
	}
	need("external_account", a.ExternalAccounts != nil && len(a.ExternalAccounts.Data) > 0)
	tos := embedfin.Deref(a.TOSAcceptance)
	need("tos_acceptance.date", tos.Date != nil)
	need("tos_acceptance.ip", filled(tos.IP))
	settings := embedfin.Deref(a.Settings)
	switch capability {
	case "card_issuing":
		t := embedfin.Deref(embedfin.Deref(settings.CardIssuing).TOSAcceptance)
		need("card_issuing.tos_acceptance.date", t.Date != nil)
		need("card_issuing.tos_acceptance.ip", filled(t.IP))
	case "treasury":
		t := embedfin.Deref(embedfin.Deref(settings.Treasury).TOSAcceptance)
		need("treasury.tos_acceptance.date", t.Date != nil)
		need("treasury.tos_acceptance.ip", filled(t.IP))
	}
	return due
}

// personNeeds lists what is missing of a person (the individual, or a
// company's representative), under prefix.
func personNeeds(prefix string, p *connect.Person, representative bool) []string {
	v := embedfin.Deref(p)
	dob := embedfin.Deref(v.DOB)
	due := addressNeeds(prefix+".address", v.Address)
	for _, f := range []struct {
		name string
		held bool
	}{
		{"dob.day", dob.Day != nil},
		{"dob.month", dob.Month != nil},
		{"dob.year", dob.Year != nil},
		{"email", filled(v.Email)},
		{"first_name", filled(v.FirstName)},
		{"last_name", filled(v.LastName)},
		{"phone", filled(v.Phone)},
		{"relationship.title", !representative || filled(embedfin.Deref(v.Relationship).Title)},
		{"ssn_last_4", embedfin.Deref(v.SSNLast4Provided) || embedfin.Deref(v.IDNumberProvided)},
	} {
		if !f.held {
			due = append(due, prefix+"."+f.name)
		}
	}
	return due
}

// addressNeeds lists the missing parts of a US address.
func addressNeeds(prefix string, a *embedfin.Address) []string {
	v := embedfin.Deref(a)
	var due []string
	for _, f := range []struct {
		name string
		val  *string
	}{{"city", v.City}, {"line1", v.Line1}, {"postal_code", v.PostalCode}, {"state", v.State}} {
		if !filled(f.val) {
			due = append(due, prefix+"."+f.name)
		}
	}
	return due
}

func filled(s *string) bool { return s != nil && strings.TrimSpace(*s) != "" }

// syncRequirements recomputes the account's requirements and the status
// of each requested capability from what the account holds: a capability
// whose needs are met is active (test data verifies at once), any other
// inactive.
func syncRequirements(a *connect.Account, st *accountState) {
	var due []string
	for _, name := range sortedKeys(st.requested) {
		needs := capabilityNeeds(a, st, name)
		due = append(due, needs...)
		status := connect.CapabilityStatusActive
		if len(needs) > 0 {
			status = connect.CapabilityStatusInactive
		}
		setCapabilityStatus(a, name, status)
	}
	slices.Sort(due)
	due = slices.Compact(due)
	if due == nil {
		due = []string{}
	}
	r := a.Requirements
	if r == nil {
		r = &connect.AccountRequirements{}
		a.Requirements = r
	}
	// Nothing verified yet means nothing can run: what is due is also
	// past due, and the account is disabled until it is provided.
	r.CurrentlyDue, r.EventuallyDue, r.PastDue = due, slices.Clone(due), slices.Clone(due)
	r.PendingVerification, r.Errors, r.Alternatives = []string{}, []*connect.RequirementsError{}, []*connect.RequirementsAlternative{}
	r.DisabledReason = nil
	if len(due) > 0 {
		r.DisabledReason = embedfin.Ptr(connect.RequirementsDisabledReasonRequirementsPastDue)
	}
	if a.FutureRequirements == nil {
		a.FutureRequirements = &connect.AccountFutureRequirements{
			CurrentlyDue: []string{}, EventuallyDue: []string{}, PastDue: []string{}, PendingVerification: []string{},
			Errors: []*connect.RequirementsError{}, Alternatives: []*connect.RequirementsAlternative{},
		}
	}
	complete := len(due) == 0 && len(st.requested) > 0
	if complete {
		a.DetailsSubmitted = embedfin.Ptr(true)
	}
	a.ChargesEnabled = embedfin.Ptr(complete)
	a.PayoutsEnabled = embedfin.Ptr(complete && a.ExternalAccounts != nil && len(a.ExternalAccounts.Data) > 0)
}

// capabilityObject is a capability as its own API object (capability),
// the data of capability.updated.
type capabilityObject struct {
	Account            string                  `json:"account"`
	FutureRequirements *capabilityRequirements `json:"future_requirements"`
	ID                 string                  `json:"id"`
	Object             string                  `json:"object"`
	Requested          bool                    `json:"requested"`
	RequestedAt        *int64                  `json:"requested_at"`
	Requirements       *capabilityRequirements `json:"requirements"`
	Status             string                  `json:"status"`
}

// capabilityRequirements is account_capability_requirements.
type capabilityRequirements struct {
	Alternatives        []*connect.RequirementsAlternative `json:"alternatives"`
	CurrentDeadline     *int64                             `json:"current_deadline"`
	CurrentlyDue        []string                           `json:"currently_due"`
	DisabledReason      *string                            `json:"disabled_reason"`
	Errors              []*connect.RequirementsError       `json:"errors"`
	EventuallyDue       []string                           `json:"eventually_due"`
	PastDue             []string                           `json:"past_due"`
	PendingVerification []string                           `json:"pending_verification"`
}

func emptyCapabilityRequirements() *capabilityRequirements {
	return &capabilityRequirements{Alternatives: []*connect.RequirementsAlternative{}, CurrentlyDue: []string{},
		Errors: []*connect.RequirementsError{}, EventuallyDue: []string{}, PastDue: []string{}, PendingVerification: []string{}}
}

// capability renders one capability of the account.
func capability(a *connect.Account, st *accountState, name string) *capabilityObject {
	at, requested := st.requested[name]
	out := &capabilityObject{Account: a.ID, ID: name, Object: "capability", Requested: requested, Status: string(capabilityStatus(a, name)),
		Requirements: emptyCapabilityRequirements(), FutureRequirements: emptyCapabilityRequirements()}
	if requested {
		out.RequestedAt = embedfin.Ptr(at)
		if needs := capabilityNeeds(a, st, name); len(needs) > 0 {
			r := out.Requirements
			slices.Sort(needs)
			r.CurrentlyDue, r.EventuallyDue, r.PastDue = needs, slices.Clone(needs), slices.Clone(needs)
			r.DisabledReason = embedfin.Ptr("requirements.fields_needed")
		}
	}
	return out
}

// unrequested is a capability before it was asked for: the baseline of
// the capability.updated that announces it.
func unrequested(a *connect.Account, name string) *capabilityObject {
	return &capabilityObject{Account: a.ID, ID: name, Object: "capability", Status: "unrequested",
		Requirements: emptyCapabilityRequirements(), FutureRequirements: emptyCapabilityRequirements()}
}

// accountChange snapshots an account and its capabilities before a change,
// so that changed can emit what Stripe emits afterwards.
type accountChange struct {
	before *connect.Account
	caps   map[string]*capabilityObject
}

func startChange(a *connect.Account, st *accountState) *accountChange {
	ch := &accountChange{before: snapshot(a), caps: map[string]*capabilityObject{}}
	for name := range capabilityFields() {
		if capabilityStatus(a, name) != "" {
			ch.caps[name] = capability(a, st, name)
		}
	}
	return ch
}

// finish emits, in the connected account's env, account.updated when the
// account changed and capability.updated for each capability whose status
// or requirements changed. c is nil for changes no API request made (the
// hosted page).
func (ch *accountChange) finish(c *call, ks *keyState, a *connect.Account, st *accountState) {
	e := ks.connected[a.ID]
	if e == nil {
		return
	}
	if prev := changedFrom(ch.before, a); prev != nil {
		e.emit(c, events.EventTypeAccountUpdated, snapshot(a), prev)
	}
	for _, name := range sortedKeys(capabilityFields()) {
		if capabilityStatus(a, name) == "" {
			continue
		}
		now := capability(a, st, name)
		before := ch.caps[name]
		if before == nil {
			before = unrequested(a, name)
		}
		if prev := changedFrom(before, now); prev != nil {
			e.emit(c, eventCapabilityUpdated, now, prev)
		}
	}
}

// changedFrom returns the previous_attributes of an update from before to
// after, as rendered: each changed field's former value, and for a hash
// only its changed keys, recursively (a list changed is given whole).
// nil when nothing changed.
func changedFrom(before, after any) map[string]any {
	var a, b map[string]any
	_ = json.Unmarshal(shapeJSON(rawJSON(before)), &a)
	_ = json.Unmarshal(shapeJSON(rawJSON(after)), &b)
	return diffHash(a, b)
}

func diffHash(before, after map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range sortedKeys(after) {
		old, now := before[k], after[k]
		if reflect.DeepEqual(old, now) {
			continue
		}
		oldHash, ok1 := old.(map[string]any)
		nowHash, ok2 := now.(map[string]any)
		if ok1 && ok2 {
			out[k] = diffHash(oldHash, nowHash)
			continue
		}
		out[k] = old
	}
	for k, old := range before {
		if _, ok := after[k]; !ok {
			out[k] = old
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
