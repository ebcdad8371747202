package stripetest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/events"
	fc "github.com/embedfin/embedfin-go/financialconnections"
)

// Institution is a Financial Connections test institution: the bank the
// test user links accounts from when the emulator completes a session
// (CompleteSession, or the institution parameter of
// POST /v1/test_helpers/financial_connections/sessions/{session}/complete).
// They mirror the institutions Stripe offers in test mode, and carry on
// into refreshes: the failure paths of an integration can be run offline.
type Institution string

// The test institutions. Without one, a session links one checking
// account at "Test Bank", whose refreshes succeed.
const (
	// InstitutionTest is Stripe's "Test Institution": a healthy bank with
	// a checking and a savings account; refreshes succeed.
	InstitutionTest Institution = "test_institution"
	// InstitutionTestOAuth is "Test OAuth Institution": the same accounts,
	// linked through OAuth in the real flow; refreshes succeed.
	InstitutionTestOAuth Institution = "test_oauth_institution"
	// InstitutionOwnership is "Ownership Accounts": four accounts in
	// different ownership states. The first is the account holder's own,
	// the second a joint account (the holder and a second owner), the
	// third someone else's, and the fourth has no ownership data: its
	// ownership refreshes fail.
	InstitutionOwnership Institution = "ownership_accounts"
	// InstitutionInvalidPayment is "Invalid Payment Accounts": an account
	// unusable for ACH payments (supported_payment_method_types is empty;
	// a us_bank_account PaymentMethod made from it is refused with
	// financial_connections_account_unavailable_account_numbers). Its data
	// refreshes succeed.
	InstitutionInvalidPayment Institution = "invalid_payment_accounts"
	// InstitutionDownScheduled is "Down Bank (Scheduled)": the bank is
	// down for maintenance it announced, for an hour after linking on the
	// emulator's clock (WithClock moves past it). Refreshes fail until
	// then, and their next_refresh_available_at is the end of the
	// downtime; later ones succeed.
	InstitutionDownScheduled Institution = "down_bank_scheduled"
	// InstitutionDownUnscheduled is "Down Bank (Unscheduled)": the bank is
	// down with nothing announced. Every refresh fails, with no better
	// next_refresh_available_at than a normal failure's.
	InstitutionDownUnscheduled Institution = "down_bank_unscheduled"
	// InstitutionDownError is "Down Bank (Error)": Stripe meets unknown
	// errors talking to the bank. Refreshes of the account fail and
	// succeed in turn, the first failing: a retry gets through.
	InstitutionDownError Institution = "down_bank_error"
	// InstitutionInactiveAccount is a test bank's account that was closed
	// after linking: its first refresh fails and turns the account
	// inactive (financial_connections.account.deactivated); later refresh
	// and subscribe requests are refused (account_not_active).
	InstitutionInactiveAccount Institution = "inactive_account"
	// InstitutionDisconnectedAccount is a test bank's account whose owner
	// withdrew access at the bank after linking: its first refresh fails
	// and disconnects it (financial_connections.account.disconnected);
	// later refresh and subscribe requests are refused.
	InstitutionDisconnectedAccount Institution = "disconnected_account"
)

// Institutions lists the test institutions, in the order of their
// documentation.
func Institutions() []Institution {
	return []Institution{InstitutionTest, InstitutionTestOAuth, InstitutionOwnership, InstitutionInvalidPayment,
		InstitutionDownScheduled, InstitutionDownUnscheduled, InstitutionDownError, InstitutionInactiveAccount, InstitutionDisconnectedAccount}
}

// Summary says in one line what linking from the institution tests.
func (i Institution) Summary() string { return summaries[i] }

var summaries = map[Institution]string{
	InstitutionTest:                "Test Institution: a checking and a savings account; refreshes succeed",
	InstitutionTestOAuth:           "Test OAuth Institution: the same accounts, linked through OAuth",
	InstitutionOwnership:           "Ownership Accounts: the holder's, a joint one, someone else's, one without ownership data (ownership refreshes fail)",
	InstitutionInvalidPayment:      "Invalid Payment Accounts: an account unusable for ACH payments",
	InstitutionDownScheduled:       "Down Bank (Scheduled): refreshes fail for an hour after linking, next_refresh_available_at says until when",
	InstitutionDownUnscheduled:     "Down Bank (Unscheduled): refreshes fail, with no end announced",
	InstitutionDownError:           "Down Bank (Error): refreshes fail and succeed in turn, the first failing",
	InstitutionInactiveAccount:     "an account closed at the bank: its first refresh fails and deactivates it",
	InstitutionDisconnectedAccount: "an account whose access was withdrawn: its first refresh fails and disconnects it",
}

// scheduledDowntime is how long Down Bank (Scheduled) stays down after an
// account is linked.
const scheduledDowntime = time.Hour

// Ownership states of the accounts of InstitutionOwnership.
type ownershipKind int

const (
	ownedByHolder ownershipKind = iota
	ownedJointly
	ownedByOther
	ownershipUnknown
)

// testAccount is one account an institution offers.
type testAccount struct {
	name        string
	subcategory fc.AccountSubcategory
	last4       string
	ownership   ownershipKind
}

// institution is what a test institution is made of.
type institution struct {
	name     string
	accounts []testAccount
}

var (
	checkingAndSavings = []testAccount{{"Checking", fc.AccountSubcategoryChecking, "6789", ownedByHolder}, {"Savings", fc.AccountSubcategorySavings, "4321", ownedByHolder}}
	oneChecking        = []testAccount{{"Checking", fc.AccountSubcategoryChecking, "6789", ownedByHolder}}
)

var institutions = map[Institution]institution{
	"":                   {"Test Bank", []testAccount{{"Premium Checking", fc.AccountSubcategoryChecking, "", ownedByHolder}}},
	InstitutionTest:      {"Test Institution", checkingAndSavings},
	InstitutionTestOAuth: {"Test OAuth Institution", checkingAndSavings},
	InstitutionOwnership: {"Ownership Accounts", []testAccount{
		{"Individual Checking", fc.AccountSubcategoryChecking, "1111", ownedByHolder},
		{"Joint Checking", fc.AccountSubcategoryChecking, "2222", ownedJointly},
		{"Other Owner Checking", fc.AccountSubcategoryChecking, "3333", ownedByOther},
		{"No Ownership Data", fc.AccountSubcategoryChecking, "4444", ownershipUnknown},
	}},
	InstitutionInvalidPayment:      {"Invalid Payment Accounts", []testAccount{{"Checking (no ACH)", fc.AccountSubcategoryChecking, "0000", ownedByHolder}}},
	InstitutionDownScheduled:       {"Down Bank (Scheduled)", oneChecking},
	InstitutionDownUnscheduled:     {"Down Bank (Unscheduled)", oneChecking},
	InstitutionDownError:           {"Down Bank (Error)", oneChecking},
	InstitutionInactiveAccount:     {"Test Institution", []testAccount{{"Closed Checking", fc.AccountSubcategoryChecking, "5555", ownedByHolder}}},
	InstitutionDisconnectedAccount: {"Test Institution", []testAccount{{"Revoked Checking", fc.AccountSubcategoryChecking, "6666", ownedByHolder}}},
}

// institutionOf checks the institution parameter.
func institutionOf(p *CompleteSessionParams) (Institution, institution, error) {
	if p.Institution == nil {
		return "", institutions[""], nil
	}
	in, ok := institutions[*p.Institution]
	if !ok || *p.Institution == "" {
		names := make([]string, 0, len(institutions))
		for _, x := range Institutions() {
			names = append(names, string(x))
		}
		return "", institution{}, invalidRequest("parameter_invalid", "institution", "Invalid institution: must be one of %s", strings.Join(names, ", "))
	}
	return *p.Institution, in, nil
}

// secondOwner is the other owner of a joint account; otherOwner owns the
// account the holder linked but does not own.
var (
	secondOwner = ownerData{Name: "Jordan Rosen", Email: "jordan.rosen@example.com", Phone: "+1 212-555-0142", RawAddress: "354 Oyster Point Blvd South San Francisco, CA 94080 USA"}
	otherOwner  = ownerData{Name: "Taylor Brooks", Email: "taylor.brooks@example.net", Phone: "+1 503-555-0187", RawAddress: "1200 NW Naito Pkwy Portland, OR 97209 USA"}
)

// owners returns the owners the bank reports for an account of the
// ownership kind, given the holder's own record.
func (k ownershipKind) owners(holder ownerData) []ownerData {
	switch k {
	case ownedJointly:
		return []ownerData{holder, secondOwner}
	case ownedByOther:
		return []ownerData{otherOwner}
	case ownershipUnknown:
		return nil
	}
	return []ownerData{holder}
}

// bankAnswer decides how a refresh of feature ends at now for a linked
// account: whether the bank gave the data, and when the next refresh may
// start. It applies the account's institution (and WithRefreshOutcome);
// an account that turns inactive or disconnected does so here, with its
// event.
func (e *env) bankAnswer(acct *fc.Account, st *fcState, feature fc.AccountFeature, now time.Time) (ok bool, next int64) {
	next = now.Unix() + 1
	ok = e.srv.cfg.refreshOutcome(acct.ID, string(feature)) != RefreshFails && acct.Status == fc.AccountStatusActive
	switch st.institution {
	case InstitutionDownScheduled:
		if now.Before(st.downUntil) {
			return false, st.downUntil.Unix()
		}
	case InstitutionDownUnscheduled:
		return false, next
	case InstitutionDownError:
		st.answers++
		if st.answers%2 == 1 {
			return false, next
		}
	case InstitutionInactiveAccount, InstitutionDisconnectedAccount:
		if acct.Status != fc.AccountStatusActive {
			return false, next
		}
		acct.Subscriptions = []fc.AccountSubscription{}
		if st.institution == InstitutionInactiveAccount {
			acct.Status = fc.AccountStatusInactive
			e.emit(nil, events.EventTypeFinancialConnectionsAccountDeactivated, snapshot(acct), nil)
		} else {
			acct.Status = fc.AccountStatusDisconnected
			e.emit(nil, events.EventTypeFinancialConnectionsAccountDisconnected, snapshot(acct), nil)
		}
		return false, next
	case InstitutionOwnership:
		if feature == fc.AccountFeatureOwnership && st.ownership == ownershipUnknown {
			return false, next
		}
	}
	return ok, next
}

// CompleteSessionParams describes what the test user links when the
// emulator completes a Financial Connections session. Every field is
// optional.
type CompleteSessionParams struct {
	embedfin.Params
	// Institution is the test institution linked from (default: one
	// checking account at "Test Bank").
	Institution *Institution `url:"institution,omitempty"`
	// Accounts describes the accounts linked, overriding the
	// institution's: as many accounts are linked as are described.
	Accounts []*LinkedAccountParams `url:"accounts,omitempty"`
}

// LinkedAccountParams describes one account linked; a field left nil
// keeps the institution's value.
type LinkedAccountParams struct {
	DisplayName     *string `url:"display_name,omitempty"`
	InstitutionName *string `url:"institution_name,omitempty"`
	// Category is cash, credit, investment or other; Subcategory checking,
	// savings, credit_card...
	Category    *string `url:"category,omitempty"`
	Subcategory *string `url:"subcategory,omitempty"`
	Last4       *string `url:"last4,omitempty"`
	// Owners are the owners the bank reports, instead of the account
	// holder's details.
	Owners []*LinkedOwnerParams `url:"owners,omitempty"`
}

// LinkedOwnerParams is an owner as the bank reports it.
type LinkedOwnerParams struct {
	Name       *string `url:"name,omitempty"`
	Email      *string `url:"email,omitempty"`
	Phone      *string `url:"phone,omitempty"`
	RawAddress *string `url:"raw_address,omitempty"`
}

// linkedAccounts returns the accounts a completed session links: the
// institution's, or as many as p describes, each over the institution's
// account in the same place (cycling).
func linkedAccounts(in institution, p *CompleteSessionParams) ([]testAccount, []*LinkedAccountParams) {
	n := len(in.accounts)
	if len(p.Accounts) > 0 {
		n = len(p.Accounts)
	}
	accts := make([]testAccount, n)
	specs := make([]*LinkedAccountParams, n)
	for i := range n {
		accts[i] = in.accounts[i%len(in.accounts)]
		if i < len(p.Accounts) {
			specs[i] = p.Accounts[i]
		}
	}
	return accts, specs
}

// supportsPayments reports whether a linked account can back a
// us_bank_account PaymentMethod.
func supportsPayments(a *fc.Account) bool {
	return slices.Contains(a.SupportedPaymentMethodTypes, fc.AccountSupportedPaymentMethodTypeUSBankAccount)
}

// defaultLast4 is the last four digits of the i-th account of the default
// bank, which has none of its own.
func defaultLast4(i int) string { return fmt.Sprintf("%04d", 4242+i*1111%10000) }
