package webhook

import (
	"fmt"
	"log/slog"

	"github.com/embedfin/embedfin-go/internal/redact"
)

// GoString renders e as Go-like syntax: the panic value by its type and
// redacted text, the stack by its length only (a stack trace can hold
// arguments and other values that are secrets).
func (e PanicError) GoString() string {
	return redact.NewStruct("webhook.PanicError").
		Value("Value", e.Value).
		Bytes("Stack", e.Stack).
		Done()
}

// Format prints the redacted Error text for %v, %+v and %s (quoted by %q,
// hex by %x), and GoString for %#v. The stack is never printed.
func (e PanicError) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, redact.String(e.Error()), e.GoString())
}

// LogValue makes log/slog print the redacted Error text.
func (e PanicError) LogValue() slog.Value { return slog.StringValue(redact.String(e.Error())) }
