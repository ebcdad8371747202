package embedfin

import (
	"fmt"
	"log/slog"
	"strconv"

	"github.com/embedfin/embedfin-go/internal/redact"
)

// The methods in this file make every rendering of the error and response
// types as redacted as their Error methods: fmt under any verb (%#v
// included, which would otherwise print raw fields), and log/slog, whose
// JSON handler would otherwise marshal a non-pointer Error with its json
// tags. They have value receivers so that T and *T both have them.

// GoString renders e as Go-like syntax with every string redacted, the raw
// body shown by its length and the header by its names only.
func (e Error) GoString() string {
	return redact.NewStruct("embedfin.Error").
		Int("HTTPStatusCode", e.HTTPStatusCode).
		Str("Type", string(e.Type)).
		Str("Code", string(e.Code)).
		Str("DeclineCode", e.DeclineCode).
		Str("Param", e.Param).
		Str("Message", e.Message).
		URL("DocURL", e.DocURL).
		URL("RequestLogURL", e.RequestLogURL).
		Str("RequestID", e.RequestID).
		Str("IdempotencyKey", e.IdempotencyKey).
		Header("Header", e.Header).
		Bytes("RawBody", e.RawBody).
		Done()
}

// Format prints the redacted Error text for %v, %+v and %s (quoted by %q,
// hex by %x), and GoString for %#v.
func (e Error) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, redact.String(e.Error()), e.GoString())
}

// LogValue makes log/slog print the redacted Error text.
func (e Error) LogValue() slog.Value { return slog.StringValue(redact.String(e.Error())) }

// GoString renders e as Go-like syntax with every string redacted.
func (e ValidationError) GoString() string {
	return redact.NewStruct("embedfin.ValidationError").
		Str("Param", e.Param).
		Str("Reason", e.Reason).
		Done()
}

// Format prints the redacted Error text for %v, %+v and %s (quoted by %q,
// hex by %x), and GoString for %#v.
func (e ValidationError) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, redact.String(e.Error()), e.GoString())
}

// LogValue makes log/slog print the redacted Error text.
func (e ValidationError) LogValue() slog.Value {
	return slog.StringValue(redact.String(e.Error()))
}

// GoString renders e as Go-like syntax with every string redacted and the
// cause shown by its type and redacted message. MaybeApplied() is shown
// alongside the fields.
func (e ConnectionError) GoString() string {
	return redact.NewStruct("embedfin.ConnectionError").
		Str("Method", e.Method).
		URL("Path", e.Path).
		Int("Attempts", e.Attempts).
		Str("IdempotencyKey", e.IdempotencyKey).
		Int("StatusCode", e.StatusCode).
		Bool("ReachedServer", e.ReachedServer).
		Bool("MaybeApplied()", e.MaybeApplied()).
		Err("Err", e.Err).
		Done()
}

// Format prints the redacted Error text for %v, %+v and %s (quoted by %q,
// hex by %x), and GoString for %#v.
func (e ConnectionError) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, redact.String(e.Error()), e.GoString())
}

// LogValue makes log/slog print the redacted Error text.
func (e ConnectionError) LogValue() slog.Value {
	return slog.StringValue(redact.String(e.Error()))
}

// GoString renders e as Go-like syntax with every string redacted and the
// cause shown by its type and redacted message.
func (e DecodeError) GoString() string {
	return redact.NewStruct("embedfin.DecodeError").
		Int("StatusCode", e.StatusCode).
		Str("RequestID", e.RequestID).
		Str("ContentType", e.ContentType).
		Err("Err", e.Err).
		Done()
}

// Format prints the redacted Error text for %v, %+v and %s (quoted by %q,
// hex by %x), and GoString for %#v.
func (e DecodeError) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, redact.String(e.Error()), e.GoString())
}

// LogValue makes log/slog print the redacted Error text.
func (e DecodeError) LogValue() slog.Value { return slog.StringValue(redact.String(e.Error())) }

// describe is the one-line text of a Response: its status, request ID,
// idempotency key and attempts, plus extra.
func (r Response) describe(typeName, extra string) string {
	s := typeName + "{status: " + strconv.Itoa(r.StatusCode)
	if r.RequestID != "" {
		s += ", request: " + r.RequestID
	}
	if r.IdempotencyKey != "" {
		s += ", idempotency key: " + r.IdempotencyKey
	}
	s += ", attempts: " + strconv.Itoa(r.Attempts) + extra + "}"
	return redact.String(s)
}

func (r Response) logAttrs() []slog.Attr {
	attrs := []slog.Attr{slog.Int("status", r.StatusCode)}
	if r.RequestID != "" {
		attrs = append(attrs, slog.String("request_id", redact.String(r.RequestID)))
	}
	if r.IdempotencyKey != "" {
		attrs = append(attrs, slog.String("idempotency_key", redact.String(r.IdempotencyKey)))
	}
	return append(attrs, slog.Int("attempts", r.Attempts))
}

// GoString renders r as Go-like syntax with every string redacted and the
// header shown by its names only.
func (r Response) GoString() string {
	return redact.NewStruct("embedfin.Response").
		Int("StatusCode", r.StatusCode).
		Header("Header", r.Header).
		Str("RequestID", r.RequestID).
		Str("IdempotencyKey", r.IdempotencyKey).
		Int("Attempts", r.Attempts).
		Done()
}

// Format prints a one-line description, `embedfin.Response{status: 200,
// request: req_1, attempts: 1}`, for %v, %+v and %s (quoted by %q, hex by
// %x), and GoString for %#v. Headers are never printed.
func (r Response) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, r.describe("embedfin.Response", ""), r.GoString())
}

// LogValue makes log/slog print r as a group of status, request_id,
// idempotency_key (when set) and attempts.
func (r Response) LogValue() slog.Value { return slog.GroupValue(r.logAttrs()...) }

// GoString renders r as Go-like syntax with every string redacted, the
// header shown by its names only and the body by its length.
func (r RawResponse) GoString() string {
	return redact.NewStruct("embedfin.RawResponse").
		Raw("Response", r.Response.GoString()).
		Bytes("Body", r.Body).
		Done()
}

// Format prints a one-line description, `embedfin.RawResponse{status: 200,
// request: req_1, attempts: 1, body: 61 bytes}`, for %v, %+v and %s (quoted
// by %q, hex by %x), and GoString for %#v. Headers and the body are never
// printed.
func (r RawResponse) Format(f fmt.State, verb rune) {
	text := r.describe("embedfin.RawResponse", ", body: "+strconv.Itoa(len(r.Body))+" bytes")
	redact.Format(f, verb, text, r.GoString())
}

// LogValue makes log/slog print r as a group of status, request_id,
// idempotency_key (when set), attempts and body_bytes (the body's length).
func (r RawResponse) LogValue() slog.Value {
	return slog.GroupValue(append(r.Response.logAttrs(), slog.Int("body_bytes", len(r.Body)))...)
}
