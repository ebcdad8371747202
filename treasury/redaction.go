package treasury

import (
	"fmt"
	"log/slog"

	"github.com/embedfin/embedfin-go/internal/redact"
)

func featureStrings(fs []Feature) []string {
	if fs == nil {
		return nil
	}
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return s
}

// financialAccountGoString renders the financial account an error carries
// by the fields that matter to it (ID, status, feature lists and the last
// response), redacted; nickname, addresses and the rest are left out.
func financialAccountGoString(a *FinancialAccount) string {
	if a == nil {
		return "nil"
	}
	last := "nil"
	if a.LastResponse != nil {
		last = "&" + a.LastResponse.GoString()
	}
	return "&" + redact.NewStruct("treasury.FinancialAccount").
		Str("ID", a.ID).
		Str("Status", string(a.Status)).
		Strs("ActiveFeatures", "[]treasury.Feature", featureStrings(a.ActiveFeatures)).
		Strs("PendingFeatures", "[]treasury.Feature", featureStrings(a.PendingFeatures)).
		Strs("RestrictedFeatures", "[]treasury.Feature", featureStrings(a.RestrictedFeatures)).
		Raw("LastResponse", last).
		Done()
}

// GoString renders e as Go-like syntax: the features, and the financial
// account by its ID, status, feature lists and last response only, every
// string redacted.
func (e FeaturesRestrictedError) GoString() string {
	return redact.NewStruct("treasury.FeaturesRestrictedError").
		Strs("Restricted", "[]treasury.Feature", featureStrings(e.Restricted)).
		Strs("NotRequested", "[]treasury.Feature", featureStrings(e.NotRequested)).
		Raw("Account", financialAccountGoString(e.Account)).
		Done()
}

// Format prints the redacted Error text for %v, %+v and %s (quoted by %q,
// hex by %x), and GoString for %#v.
func (e FeaturesRestrictedError) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, redact.String(e.Error()), e.GoString())
}

// LogValue makes log/slog print the redacted Error text.
func (e FeaturesRestrictedError) LogValue() slog.Value {
	return slog.StringValue(redact.String(e.Error()))
}
