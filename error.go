package embedfin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/embedfin/embedfin-go/internal/redact"
)

// ErrorType is the category of an API error, the "type" of Stripe's error
// object.
type ErrorType string

// The error types Stripe returns.
const (
	ErrorTypeAPI            ErrorType = "api_error"
	ErrorTypeCard           ErrorType = "card_error"
	ErrorTypeIdempotency    ErrorType = "idempotency_error"
	ErrorTypeInvalidRequest ErrorType = "invalid_request_error"
)

// ErrorCode is the machine-readable reason of an API error, the "code" of
// Stripe's error object. The constants cover the codes this SDK's helpers and
// workflows act on; any other code Stripe sends is kept verbatim.
type ErrorCode string

// Error codes the SDK recognises.
const (
	ErrorCodeResourceMissing       ErrorCode = "resource_missing"
	ErrorCodeLockTimeout           ErrorCode = "lock_timeout"
	ErrorCodeRateLimit             ErrorCode = "rate_limit"
	ErrorCodeParameterMissing      ErrorCode = "parameter_missing"
	ErrorCodeParameterUnknown      ErrorCode = "parameter_unknown"
	ErrorCodeParameterInvalidEmpty ErrorCode = "parameter_invalid_empty"
	ErrorCodeIdempotencyKeyInUse   ErrorCode = "idempotency_key_in_use"
	ErrorCodeAccountInvalid        ErrorCode = "account_invalid"
	ErrorCodeInsufficientFunds     ErrorCode = "insufficient_funds"
	ErrorCodeBalanceInsufficient   ErrorCode = "balance_insufficient"
	ErrorCodeSecretKeyRequired     ErrorCode = "secret_key_required"
	ErrorCodeAPIKeyExpired         ErrorCode = "api_key_expired"
	ErrorCodeFeatureNotEnabled     ErrorCode = "feature_not_enabled"
	ErrorCodeResourceAlreadyExists ErrorCode = "resource_already_exists"
)

// maxErrorBody caps how much of an error response is read and kept.
const maxErrorBody = 1 << 20

// Error is an error response from the API (any status of 300 or more). It is
// the only error type for API failures: match it with errors.As and read its
// fields, or use IsNotFound, IsRateLimited and the other helpers.
//
// When the body is not Stripe's JSON error object (an HTML page from a proxy,
// an empty or truncated body), Error still carries the status, the request ID
// and the raw body, and Message describes what arrived.
type Error struct {
	// HTTPStatusCode is the response status, e.g. 404.
	HTTPStatusCode int `json:"-"`
	// Type is the error category.
	Type ErrorType `json:"type"`
	// Code is the specific reason, when Stripe gives one.
	Code ErrorCode `json:"code,omitempty"`
	// DeclineCode is the issuer's reason for card errors.
	DeclineCode string `json:"decline_code,omitempty"`
	// Param names the request parameter at fault, in bracket form.
	Param string `json:"param,omitempty"`
	// Message is Stripe's human-readable explanation.
	Message string `json:"message,omitempty"`
	// DocURL links to documentation about Code.
	DocURL string `json:"doc_url,omitempty"`
	// RequestLogURL links to the request in the Dashboard's logs.
	RequestLogURL string `json:"request_log_url,omitempty"`
	// RequestID is the Request-Id response header, to quote to Stripe support.
	RequestID string `json:"-"`
	// IdempotencyKey is the Idempotency-Key the request carried (POST and
	// DELETE). After a 5xx the request may still have been carried out;
	// re-issuing it with WithIdempotencyKey(e.IdempotencyKey) cannot
	// duplicate it.
	IdempotencyKey string `json:"-"`
	// Header holds the response headers.
	Header http.Header `json:"-"`
	// RawBody is the response body as received, at most 1 MiB of it.
	RawBody []byte `json:"-"`
}

// Error renders the status, type, code, parameter, message and request ID.
// Secrets that a message might quote (keys, client secrets, account numbers)
// are masked.
func (e *Error) Error() string {
	var sb strings.Builder
	sb.WriteString("embedfin: ")
	sb.WriteString(strconv.Itoa(e.HTTPStatusCode))
	if e.Type != "" {
		sb.WriteString(" ")
		sb.WriteString(string(e.Type))
	}
	if e.Code != "" || e.Param != "" || e.DeclineCode != "" {
		sb.WriteString(" (")
		sep := ""
		if e.Code != "" {
			sb.WriteString("code=" + string(e.Code))
			sep = ", "
		}
		if e.DeclineCode != "" {
			sb.WriteString(sep + "decline_code=" + e.DeclineCode)
			sep = ", "
		}
		if e.Param != "" {
			sb.WriteString(sep + "param=" + e.Param)
		}
		sb.WriteString(")")
	}
	if e.Message != "" {
		sb.WriteString(": ")
		sb.WriteString(e.Message)
	}
	if e.RequestID != "" {
		sb.WriteString(" [request ")
		sb.WriteString(e.RequestID)
		sb.WriteString("]")
	}
	return redact.String(sb.String())
}

// newAPIError builds an *Error from a non-2xx response whose body has been
// read. bodyIssue describes a body that did not arrive whole ("" when it
// did): cut short, or over the 1 MiB kept of error bodies.
func newAPIError(status int, header http.Header, body []byte, bodyIssue string) *Error {
	e := &Error{HTTPStatusCode: status, Header: header, RequestID: header.Get("Request-Id"), RawBody: body}
	if status >= 300 && status <= 399 {
		// Never followed: Stripe's API does not redirect, and following
		// one would send the key and the request to another place.
		loc := header.Get("Location")
		if loc == "" {
			loc = "no Location"
		}
		e.Message = fmt.Sprintf("%s: redirect to %s not followed (the API does not redirect; check the base URL and any proxy)", statusLine(status), redact.URL(loc))
		return e
	}
	var env struct {
		Error *Error `json:"error"`
	}
	if bodyIssue == "" && json.Unmarshal(body, &env) == nil && env.Error != nil {
		env.Error.HTTPStatusCode, env.Error.Header, env.Error.RequestID, env.Error.RawBody = e.HTTPStatusCode, e.Header, e.RequestID, e.RawBody
		return env.Error
	}
	kind := bodyIssue
	switch {
	case kind != "":
	case len(body) == 0:
		kind = "an empty body"
	default:
		ct := header.Get("Content-Type")
		if ct == "" {
			ct = "unknown content type"
		}
		kind = "a body that is not a Stripe error object (" + ct + ")"
	}
	e.Message = fmt.Sprintf("%s with %s", statusLine(status), kind)
	if status >= 500 {
		e.Type = ErrorTypeAPI
	}
	return e
}

func statusLine(status int) string {
	if t := http.StatusText(status); t != "" {
		return strconv.Itoa(status) + " " + t
	}
	return "status " + strconv.Itoa(status)
}

// IsNotFound reports whether err is an API error for an object that does not
// exist (or belongs to another account).
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.HTTPStatusCode == http.StatusNotFound || e.Code == ErrorCodeResourceMissing)
}

// IsRateLimited reports whether err is a 429 that is a rate limit rather than
// lock contention (see IsLockTimeout).
func IsRateLimited(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.HTTPStatusCode == http.StatusTooManyRequests && e.Code != ErrorCodeLockTimeout
}

// IsLockTimeout reports whether err is a 429 caused by another request
// holding a lock on the same object.
func IsLockTimeout(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == ErrorCodeLockTimeout
}

// IsIdempotencyError reports whether err says an idempotency key was reused
// with different parameters or is still in use.
func IsIdempotencyError(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Type == ErrorTypeIdempotency || e.Code == ErrorCodeIdempotencyKeyInUse)
}

// IsAuthenticationError reports whether err is a 401: a missing, invalid or
// expired key.
func IsAuthenticationError(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.HTTPStatusCode == http.StatusUnauthorized
}

// IsPermissionError reports whether err is a 403: the key may not do this.
func IsPermissionError(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.HTTPStatusCode == http.StatusForbidden
}

// IsInvalidRequest reports whether err is an invalid_request_error other than
// a missing object, such as an unknown or missing parameter.
func IsInvalidRequest(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Type == ErrorTypeInvalidRequest && e.Code != ErrorCodeResourceMissing
}

// ValidationError reports bad input caught before any request was sent: an
// empty ID, a missing required parameter, an invalid option. Nothing was sent
// and nothing changed.
type ValidationError struct {
	// Param names what was wrong: an ID placeholder ("customer"), a parameter
	// ("params.type") or an option ("WithBaseURL").
	Param string
	// Reason explains the rule that was broken.
	Reason string
}

// Error renders the parameter and the reason, secrets masked.
func (e *ValidationError) Error() string {
	return redact.String("embedfin: invalid " + e.Param + ": " + e.Reason)
}

func invalid(param, format string, args ...any) *ValidationError {
	return &ValidationError{Param: param, Reason: fmt.Sprintf(format, args...)}
}

// ConnectionError reports a call whose attempts all failed without a usable
// response: DNS failure, refused or reset connection, TLS failure, timeout,
// or a response whose body was cut short or stalled. Err is the last cause;
// errors.Is and errors.As see through it.
//
// When MaybeApplied reports true, the outcome is unknown: at least one
// attempt reached the server, which may have carried out the request. Every
// attempt carried the same IdempotencyKey, so re-issuing the call with
//
//	embedfin.WithIdempotencyKey(err.IdempotencyKey)
//
// is safe: Stripe either carries the request out once or replays the result
// it saved for that key (keys are kept for at least 24 hours).
type ConnectionError struct {
	// Method and Path identify the call (the path has no query string).
	Method, Path string
	// Attempts is how many times the request was sent.
	Attempts int
	// IdempotencyKey is the Idempotency-Key every attempt of a POST or DELETE
	// carried ("" for GET).
	IdempotencyKey string
	// StatusCode is the status of the last attempt when its response headers
	// arrived but its body was cut short or stalled; 0 when no response
	// arrived.
	StatusCode int
	// ReachedServer reports that at least one attempt may have reached the
	// server: it was not refused while connecting (dial, DNS or TLS
	// failures, or the client's own rate limit).
	ReachedServer bool
	// Err is the cause of the last failure.
	Err error
}

// MaybeApplied reports whether a POST or DELETE may have been carried out by
// the server although no result came back. Re-issue it with
// WithIdempotencyKey(e.IdempotencyKey) to learn the outcome without risking
// a duplicate. A GET changes nothing, so it is never "applied".
func (e *ConnectionError) MaybeApplied() bool {
	return e.ReachedServer && e.Method != http.MethodGet
}

// Error renders the call and the cause.
func (e *ConnectionError) Error() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "embedfin: %s %s: ", e.Method, e.Path)
	if e.StatusCode != 0 {
		fmt.Fprintf(&sb, "response body lost after %d attempt(s) (last status %d): %v", e.Attempts, e.StatusCode, e.Err)
	} else {
		fmt.Fprintf(&sb, "no response after %d attempt(s): %v", e.Attempts, e.Err)
	}
	if e.MaybeApplied() && e.IdempotencyKey != "" {
		fmt.Fprintf(&sb, "; the request may have been applied: re-issue it with Idempotency-Key %s to learn its outcome", e.IdempotencyKey)
	}
	return redact.String(sb.String())
}

// Unwrap returns the cause.
func (e *ConnectionError) Unwrap() error { return e.Err }

// ErrResponseTooLarge is wrapped by the DecodeError returned when a response
// body exceeds the client's limit (see WithMaxResponseBytes).
var ErrResponseTooLarge = errors.New("response body exceeds the size limit")

// ErrEmptyResponse is wrapped by the DecodeError returned when a successful
// response has no body where an object was expected.
var ErrEmptyResponse = errors.New("empty response body")

// DecodeError reports a successful (2xx) response whose body could not be
// turned into the expected type: not JSON, truncated, too large, the wrong
// shape, or (with WithStrictDecoding) a field the SDK does not know.
type DecodeError struct {
	// StatusCode is the response status.
	StatusCode int
	// RequestID is the response's Request-Id header.
	RequestID string
	// ContentType is the response's Content-Type header.
	ContentType string
	// Err is the decoding failure.
	Err error
}

// Error renders the response and the failure.
func (e *DecodeError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	msg := fmt.Sprintf("embedfin: cannot decode %s response (%s", statusLine(e.StatusCode), ct)
	if e.RequestID != "" {
		msg += ", request " + e.RequestID
	}
	return redact.String(fmt.Sprintf("%s): %v", msg, e.Err))
}

// Unwrap returns the decoding failure.
func (e *DecodeError) Unwrap() error { return e.Err }

// MissingParam returns the *ValidationError for a required parameter left
// unset. Generated Validate methods use it; name is the wire name.
func MissingParam(name string) error {
	return &ValidationError{Param: name, Reason: "is required"}
}

// NestParamError prefixes the parameter named by a *ValidationError with
// its parent, in Stripe's bracket form: "account_holder" and "type" give
// "account_holder[type]". Other errors are returned unchanged.
func NestParamError(parent string, err error) error {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	child := ve.Param
	if i := strings.IndexByte(child, '['); i >= 0 {
		child = "[" + child[:i] + "]" + child[i:]
	} else {
		child = "[" + child + "]"
	}
	return &ValidationError{Param: parent + child, Reason: ve.Reason}
}
