package financialconnections

import (
	"fmt"
	"log/slog"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/internal/redact"
)

// The methods in this file make every rendering of the wait and sync errors
// as redacted as their Error methods: fmt under any verb (%#v included) and
// log/slog. They have value receivers so that T and *T both have them.

// accountGoString renders the account an error carries by the fields that
// matter to it (ID, status and the last response), redacted; names, account
// numbers and the rest of the object are left out.
func accountGoString(a *Account) string {
	if a == nil {
		return "nil"
	}
	return "&" + redact.NewStruct("financialconnections.Account").
		Str("ID", a.ID).
		Str("Status", string(a.Status)).
		Raw("LastResponse", responseGoString(a.LastResponse)).
		Done()
}

func responseGoString(r *embedfin.Response) string {
	if r == nil {
		return "nil"
	}
	return "&" + r.GoString()
}

// GoString renders e as Go-like syntax: the account by its ID, status and
// last response only, every string redacted.
func (e AccountNotActiveError) GoString() string {
	return redact.NewStruct("financialconnections.AccountNotActiveError").
		Raw("Account", accountGoString(e.Account)).
		Done()
}

// Format prints the redacted Error text for %v, %+v and %s (quoted by %q,
// hex by %x), and GoString for %#v.
func (e AccountNotActiveError) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, redact.String(e.Error()), e.GoString())
}

// LogValue makes log/slog print the redacted Error text.
func (e AccountNotActiveError) LogValue() slog.Value {
	return slog.StringValue(redact.String(e.Error()))
}

// GoString renders e as Go-like syntax: the account by its ID, status and
// last response only, every string redacted.
func (e RefreshFailedError) GoString() string {
	return redact.NewStruct("financialconnections.RefreshFailedError").
		Str("Feature", string(e.Feature)).
		Raw("Account", accountGoString(e.Account)).
		Done()
}

// Format prints the redacted Error text for %v, %+v and %s (quoted by %q,
// hex by %x), and GoString for %#v.
func (e RefreshFailedError) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, redact.String(e.Error()), e.GoString())
}

// LogValue makes log/slog print the redacted Error text.
func (e RefreshFailedError) LogValue() slog.Value {
	return slog.StringValue(redact.String(e.Error()))
}

// GoString renders e as Go-like syntax with every string redacted and the
// cause shown by its type and redacted message.
func (e UpsertError) GoString() string {
	return redact.NewStruct("financialconnections.UpsertError").
		Str("TransactionID", e.TransactionID).
		Err("Err", e.Err).
		Done()
}

// Format prints the redacted Error text for %v, %+v and %s (quoted by %q,
// hex by %x), and GoString for %#v.
func (e UpsertError) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, redact.String(e.Error()), e.GoString())
}

// LogValue makes log/slog print the redacted Error text.
func (e UpsertError) LogValue() slog.Value { return slog.StringValue(redact.String(e.Error())) }
