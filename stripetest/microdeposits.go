package stripetest

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go"
	si "github.com/embedfin/embedfin-go/setupintents"
)

// microdepositIntent returns the SetupIntent behind a hosted
// verification URL's token, and the account holding it; nil when the
// token, its connected account or its SetupIntent is unknown.
func (s *Server) microdepositIntent(token string) (*env, *si.SetupIntent) {
	for _, ks := range s.keys {
		mp, ok := get[microdepositPage](ks.platform, token)
		if !ok {
			continue
		}
		e := ks.platform
		if mp.Account != "" {
			if e = ks.connected[mp.Account]; e == nil {
				return nil, nil
			}
		}
		intent, ok := get[si.SetupIntent](e, mp.Intent)
		if !ok {
			return nil, nil
		}
		return e, intent
	}
	return nil, nil
}

// microdepositPages registers the hosted microdeposit verification page:
// the descriptor code (SM11AA in test mode) or the two amounts (32 and 45
// cents) verify the bank account; a wrong entry is counted as the API
// counts it (verifyMicrodeposits). A form sent is answered with a redirect
// to the page, which then shows where the verification stands (303 after
// a verification or its end, 422 with the form again after a wrong entry).
func (s *Server) microdepositPages() {
	s.handlePage("GET "+microdepositPath+"{token}", func(r *http.Request, _ url.Values) htmlPage {
		e, intent := s.microdepositIntent(r.PathValue("token"))
		if intent == nil {
			return message(http.StatusNotFound, "Page not found", "This verification link does not exist.")
		}
		return microdepositState(e, intent, "")
	})
	s.handlePage("POST "+microdepositPath+"{token}", func(r *http.Request, form url.Values) htmlPage {
		e, intent := s.microdepositIntent(r.PathValue("token"))
		if intent == nil {
			return message(http.StatusNotFound, "Page not found", "This verification link does not exist.")
		}
		self := r.URL.Path
		if !awaitingMicrodeposits(intent) {
			return redirect(http.StatusSeeOther, self)
		}
		code, amounts, problem := microdepositEntry(form)
		if problem != "" {
			return microdepositState(e, intent, problem)
		}
		if err := e.verifyMicrodeposits(nil, intent, code, amounts); err != nil && awaitingMicrodeposits(intent) {
			return microdepositState(e, intent, err.body.Message)
		}
		return redirect(http.StatusSeeOther, self)
	})
}

// microdepositEntry reads what the form holds: a descriptor code, or two
// amounts; problem says what is wrong with it otherwise.
func microdepositEntry(form url.Values) (code *string, amounts []int64, problem string) {
	c := strings.ToUpper(strings.TrimSpace(form.Get("descriptor_code")))
	a1, a2 := strings.TrimSpace(form.Get("amount_1")), strings.TrimSpace(form.Get("amount_2"))
	switch {
	case c != "" && (a1 != "" || a2 != ""):
		return nil, nil, "Enter either the code or the two amounts, not both."
	case c != "":
		return &c, nil, ""
	case a1 != "" || a2 != "":
		x, ok1 := amountCents(a1)
		y, ok2 := amountCents(a2)
		if !ok1 || !ok2 {
			return nil, nil, "Enter both amounts, in cents (32) or dollars (0.32)."
		}
		return nil, []int64{x, y}, ""
	}
	return nil, nil, "Enter the 6-character code that starts with SM, or the two amounts."
}

// microdepositState renders where an intent's verification stands: the
// form (with problem, 422, when an entry was refused), verified (200), or
// ended (410: failed, canceled or never awaiting microdeposits).
func microdepositState(e *env, intent *si.SetupIntent, problem string) htmlPage {
	switch {
	case intent.Status == si.SetupIntentStatusSucceeded:
		return message(http.StatusOK, "Bank account verified", "Thank you: your bank account is verified. You can close this page.")
	case !awaitingMicrodeposits(intent):
		text := "This bank account can no longer be verified here."
		if le := intent.LastSetupError; le != nil && le.Message != nil {
			text += " " + *le.Message
		}
		return message(http.StatusGone, "Verification unavailable", text)
	}
	v := intent.NextAction.VerifyWithMicrodeposits
	pm, _ := get[paymentMethod](e, intent.PaymentMethod.ID)
	data := struct {
		Bank, Last4, Arrival, Problem string
		Remaining                     int
		DescriptorCode                bool
	}{Problem: problem, Arrival: time.Unix(v.ArrivalDate, 0).UTC().Format("January 2, 2006"),
		DescriptorCode: embedfin.Deref(v.MicrodepositType) == si.SetupIntentNextActionVerifyWithMicrodepositsMicrodepositTypeDescriptorCode}
	if pm != nil {
		data.Bank, data.Last4, data.Remaining = pm.BankName, pm.Last4, maxVerifyAttempts-pm.Attempts
	}
	status := http.StatusOK
	if problem != "" {
		status = http.StatusUnprocessableEntity
	}
	return render(status, "microdeposits.html", data)
}
