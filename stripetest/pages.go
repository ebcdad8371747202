package stripetest

import (
	"bytes"
	"crypto/subtle"
	"embed"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
)

// The hosted pages: where Stripe sends a person instead of an API call,
// the emulator serves a plain HTML form on its own address. An account
// link's URL leads to the onboarding form; a SetupIntent's
// hosted_verification_url to the microdeposit form (microdeposits.go).
// Like the API, a page computes its answer under the state lock and
// writes it after.

// Where the pages live, mirroring Stripe's URLs.
const (
	onboardingPath   = "/setup/s/"
	microdepositPath = "/microdeposit/"
)

//go:embed pages/*.html
var pageFiles embed.FS

var pageTemplates = template.Must(template.ParseFS(pageFiles, "pages/*.html"))

// htmlPage is an answer of a hosted page: HTML, or a redirect.
type htmlPage struct {
	status   int
	location string // a redirect's target
	body     []byte
}

func redirect(status int, to string) htmlPage { return htmlPage{status: status, location: to} }

// render executes a template into a page.
func render(status int, name string, data any) htmlPage {
	var b bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&b, name, data); err != nil {
		return htmlPage{status: http.StatusInternalServerError, body: []byte("template error: " + template.HTMLEscapeString(err.Error()))}
	}
	return htmlPage{status: status, body: b.Bytes()}
}

// message is a page that only says something.
func message(status int, title, text string) htmlPage {
	return render(status, "message.html", struct{ Title, Text string }{title, text})
}

// handlePage registers a page: POST forms are read (within maxBody)
// before the lock is taken; h runs under it; the answer is written after.
func (s *Server) handlePage(pattern string, h func(r *http.Request, form url.Values) htmlPage) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		var form url.Values
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
			if err := r.ParseForm(); err != nil {
				http.Error(w, "bad form: "+err.Error(), http.StatusBadRequest)
				return
			}
			form = r.PostForm
		}
		s.mu.Lock()
		var p htmlPage
		if s.closed {
			p = message(http.StatusServiceUnavailable, "Closed", "This emulator is shutting down.")
		} else {
			p = h(r, form)
		}
		s.mu.Unlock()
		hdr := w.Header()
		hdr.Set("Cache-Control", "no-store")
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "no-referrer")
		if p.location != "" {
			hdr.Set("Location", p.location)
			w.WriteHeader(p.status)
			return
		}
		hdr.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(p.status)
		_, _ = w.Write(p.body)
	})
}

// clientIP is the address a form was sent from, for tos_acceptance.ip.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// sameSecret compares a submitted form token with the expected one.
func sameSecret(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// ---- onboarding ----

// findLink returns the account link behind a token, with its key's state.
func (s *Server) findLink(token string) (*keyState, *accountLink) {
	for _, ks := range s.keys {
		if l, ok := get[accountLink](ks.platform, token); ok {
			return ks, l
		}
	}
	return nil, nil
}

// onboardingPages registers the hosted onboarding form at account links'
// URLs. A link opens once, before it expires; opened again, expired, or
// for an account gone, it leads to the link's refresh_url, as Stripe's
// do. The form submitted completes the requirements and leads to
// return_url; leaving it (the "Return" button) leads there too, with
// nothing changed.
func (s *Server) onboardingPages() {
	s.handlePage("GET "+onboardingPath+"{token}", func(r *http.Request, _ url.Values) htmlPage {
		ks, link := s.findLink(r.PathValue("token"))
		if link == nil {
			return message(http.StatusNotFound, "Link not found", "This onboarding link does not exist.")
		}
		acct, ok := get[connect.Account](ks.platform, link.Account)
		if !ok || link.Opened || s.now().Unix() >= link.ExpiresAt {
			return redirect(http.StatusFound, link.RefreshURL)
		}
		link.Opened, link.Nonce = true, s.newID("form")
		return onboardingPage(http.StatusOK, ks, acct, link, testOnboardingForm(), nil)
	})
	s.handlePage("POST "+onboardingPath+"{token}", func(r *http.Request, form url.Values) htmlPage {
		ks, link := s.findLink(r.PathValue("token"))
		if link == nil {
			return message(http.StatusNotFound, "Link not found", "This onboarding link does not exist.")
		}
		acct, ok := get[connect.Account](ks.platform, link.Account)
		if !ok || link.Done || !sameSecret(form.Get("session"), link.Nonce) {
			return redirect(http.StatusSeeOther, link.RefreshURL)
		}
		if form.Get("action") == "leave" {
			link.Done = true
			return redirect(http.StatusSeeOther, link.ReturnURL)
		}
		f := parseOnboardingForm(form)
		if problems := f.check(); len(problems) > 0 {
			return onboardingPage(http.StatusUnprocessableEntity, ks, acct, link, f, problems)
		}
		ks.onboard(nil, acct, f, clientIP(r), r.UserAgent())
		link.Done = true
		return redirect(http.StatusSeeOther, link.ReturnURL)
	})
}

func onboardingPage(status int, ks *keyState, acct *connect.Account, link *accountLink, f *onboardingForm, problems []formProblem) htmlPage {
	st := ks.accountState(acct.ID)
	data := struct {
		Account      *connect.Account
		Capabilities []string
		Due          []string
		Form         *onboardingForm
		Problems     []formProblem
		Session      string
	}{acct, sortedKeys(st.requested), embedfin.Deref(acct.Requirements).CurrentlyDue, f, problems, link.Nonce}
	return render(status, "onboarding.html", data)
}

// onboardingForm is what the onboarding page collects, as typed in.
type onboardingForm struct {
	BusinessType  string // company or individual
	MCC, URL      string // business_profile
	CompanyName   string
	CompanyPhone  string
	TaxID         string // nine digits (EIN)
	Line1, City   string // the company's address, or the individual's
	State, Postal string
	FirstName     string // the individual, or the company's representative
	LastName      string
	DOB           string // YYYY-MM-DD
	Email, Phone  string
	Title         string // the representative's
	SSNLast4      string
	RoutingNumber string // the bank account payouts go to
	AccountNumber string
	AcceptTerms   bool
}

// testOnboardingForm is the form filled with Stripe's test values: the
// address, date of birth and identity numbers that verify in test mode,
// and the test bank account.
func testOnboardingForm() *onboardingForm {
	return &onboardingForm{
		BusinessType: "company", MCC: "5734", URL: "https://example.com",
		CompanyName: "Example Corp", CompanyPhone: "+1 202 555 0123", TaxID: "000000000",
		Line1: "address_full_match", City: "San Francisco", State: "CA", Postal: "94111",
		FirstName: "Jenny", LastName: "Rosen", DOB: "1901-01-01", Email: "jenny.rosen@example.com",
		Phone: "+1 202 555 0123", Title: "CEO", SSNLast4: "0000",
		RoutingNumber: testRoutingNumber, AccountNumber: "000123456789", AcceptTerms: true,
	}
}

func parseOnboardingForm(v url.Values) *onboardingForm {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	return &onboardingForm{
		BusinessType: g("business_type"), MCC: g("mcc"), URL: g("url"),
		CompanyName: g("company_name"), CompanyPhone: g("company_phone"), TaxID: g("tax_id"),
		Line1: g("line1"), City: g("city"), State: g("state"), Postal: g("postal_code"),
		FirstName: g("first_name"), LastName: g("last_name"), DOB: g("dob"), Email: g("email"),
		Phone: g("phone"), Title: g("title"), SSNLast4: g("ssn_last_4"),
		RoutingNumber: g("routing_number"), AccountNumber: g("account_number"), AcceptTerms: v.Get("accept_terms") != "",
	}
}

// formProblem is one field the form refuses, by its input name.
type formProblem struct {
	Field, Message string
}

var (
	digits4   = regexp.MustCompile(`^[0-9]{4}$`)
	digits5   = regexp.MustCompile(`^[0-9]{5}$`)
	digits9   = regexp.MustCompile(`^[0-9]{9}$`)
	usState   = regexp.MustCompile(`^[A-Za-z]{2}$`)
	bankDigit = regexp.MustCompile(`^[0-9]{4,17}$`)
)

// check validates the form as the hosted page does before it submits.
func (f *onboardingForm) check() []formProblem {
	var out []formProblem
	bad := func(field, msg string) { out = append(out, formProblem{field, msg}) }
	company := f.BusinessType == "company"
	if !company && f.BusinessType != "individual" {
		bad("business_type", "Choose a business type: company or individual.")
	}
	if !digits4.MatchString(f.MCC) {
		bad("mcc", "The merchant category code has four digits.")
	}
	if !webURL(f.URL) {
		bad("url", "Enter the business's website (https://...).")
	}
	if company {
		if f.CompanyName == "" {
			bad("company_name", "Enter the company's legal name.")
		}
		if f.CompanyPhone == "" {
			bad("company_phone", "Enter the company's phone number.")
		}
		if !digits9.MatchString(f.TaxID) {
			bad("tax_id", "The employer identification number has nine digits (000000000 in test mode).")
		}
		if f.Title == "" {
			bad("title", "Enter the representative's job title.")
		}
	}
	if f.Line1 == "" || f.City == "" {
		bad("line1", "Enter the street address and city.")
	}
	if !usState.MatchString(f.State) {
		bad("state", "Enter the two-letter state code.")
	}
	if !digits5.MatchString(f.Postal) {
		bad("postal_code", "The ZIP code has five digits.")
	}
	if f.FirstName == "" || f.LastName == "" {
		bad("first_name", "Enter the first and last name.")
	}
	if d, err := time.Parse(time.DateOnly, f.DOB); err != nil || d.Year() < 1900 || d.After(time.Now()) {
		bad("dob", "Enter the date of birth as YYYY-MM-DD.")
	}
	if !strings.Contains(f.Email, "@") {
		bad("email", "Enter an email address.")
	}
	if f.Phone == "" {
		bad("phone", "Enter a phone number.")
	}
	if !digits4.MatchString(f.SSNLast4) {
		bad("ssn_last_4", "The last four digits of the SSN (0000 in test mode).")
	}
	if !validRoutingNumber(f.RoutingNumber) {
		bad("routing_number", "The routing number has nine digits with a valid checksum (110000000 in test mode).")
	}
	if !bankDigit.MatchString(f.AccountNumber) {
		bad("account_number", "The account number has 4 to 17 digits (000123456789 in test mode).")
	}
	if !f.AcceptTerms {
		bad("accept_terms", "Accept the terms to continue.")
	}
	return out
}

func (f *onboardingForm) holderName() string {
	if f.BusinessType == "company" {
		return f.CompanyName
	}
	return f.FirstName + " " + f.LastName
}

func (f *onboardingForm) holderType() string {
	if f.BusinessType == "company" {
		return "company"
	}
	return "individual"
}

// applyTo writes the business and the person onto the account (a
// company's representative into the side state); check has passed.
func (f *onboardingForm) applyTo(a *connect.Account, st *accountState) {
	a.BusinessType = embedfin.Ptr(connect.AccountBusinessType(f.BusinessType))
	if a.BusinessProfile == nil {
		a.BusinessProfile = &connect.AccountBusinessProfile{}
	}
	a.BusinessProfile.MCC, a.BusinessProfile.URL = embedfin.Ptr(f.MCC), embedfin.Ptr(f.URL)
	addr := &embedfin.Address{Line1: embedfin.Ptr(f.Line1), City: embedfin.Ptr(f.City), State: embedfin.Ptr(strings.ToUpper(f.State)),
		PostalCode: embedfin.Ptr(f.Postal), Country: embedfin.Ptr("US")}
	d, _ := time.Parse(time.DateOnly, f.DOB)
	person := &connect.Person{
		FirstName: embedfin.Ptr(f.FirstName), LastName: embedfin.Ptr(f.LastName), Email: embedfin.Ptr(f.Email), Phone: embedfin.Ptr(f.Phone),
		Address:          addr,
		DOB:              &connect.PersonDOB{Day: embedfin.Ptr(int64(d.Day())), Month: embedfin.Ptr(int64(d.Month())), Year: embedfin.Ptr(int64(d.Year()))},
		SSNLast4Provided: embedfin.Ptr(true),
	}
	if f.BusinessType == "company" {
		if a.Company == nil {
			a.Company = &connect.AccountCompany{}
		}
		a.Company.Name, a.Company.Phone, a.Company.Address = embedfin.Ptr(f.CompanyName), embedfin.Ptr(f.CompanyPhone), addr
		a.Company.TaxIDProvided = embedfin.Ptr(true)
		person.Relationship = &connect.PersonRelationship{Representative: embedfin.Ptr(true), Title: embedfin.Ptr(f.Title)}
		st.representative = person
		return
	}
	a.Individual = person
}

// amountCents reads a microdeposit amount typed as cents ("32") or
// dollars ("0.32").
func amountCents(s string) (int64, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "$")
	if whole, frac, ok := strings.Cut(s, "."); ok {
		d, err1 := strconv.ParseInt(whole, 10, 64)
		if len(frac) == 1 {
			frac += "0"
		}
		c, err2 := strconv.ParseInt(frac, 10, 64)
		if err1 != nil || err2 != nil || len(frac) != 2 || d < 0 || c < 0 {
			return 0, false
		}
		return d*100 + c, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}
