package stripetest

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/form"
)

// apiError is an error response in Stripe's shape.
type apiError struct {
	status int
	body   embedfin.Error
}

func (e *apiError) Error() string { return e.body.Message }

func newAPIError(status int, typ embedfin.ErrorType, code, param, format string, args ...any) *apiError {
	return &apiError{status: status, body: embedfin.Error{
		Type:    typ,
		Code:    embedfin.ErrorCode(code),
		Param:   param,
		Message: fmt.Sprintf(format, args...),
		DocURL:  docURL(code),
	}}
}

func invalidRequest(code, param, format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, embedfin.ErrorTypeInvalidRequest, code, param, format, args...)
}

func notFound(kind, id, param string) *apiError {
	return newAPIError(http.StatusNotFound, embedfin.ErrorTypeInvalidRequest, "resource_missing", param, "No such %s: '%s'", kind, id)
}

// paramsError turns decoding and validation failures into Stripe's 400s.
func paramsError(err error) *apiError {
	var unknown *form.UnknownKeysError
	var value *form.ValueError
	var key *form.KeyError
	var syntax *form.SyntaxError
	var missing *embedfin.ValidationError
	switch {
	case errors.As(err, &syntax), errors.As(err, &key):
		return invalidRequest("", "", "Invalid request: the parameters could not be parsed (%v)", err)
	case errors.As(err, &value):
		return invalidRequest("parameter_invalid", value.Key, "Invalid value for %s: %q", value.Key, value.Value)
	case errors.As(err, &unknown):
		return invalidRequest("parameter_unknown", unknown.Keys[0], "Received unknown parameter: %s", unknown.Keys[0])
	case errors.As(err, &missing):
		if missing.Reason == "is required" {
			return invalidRequest("parameter_missing", missing.Param, "Missing required param: %s.", missing.Param)
		}
		return invalidRequest("parameter_invalid", missing.Param, "Invalid %s: %s", missing.Param, missing.Reason)
	}
	return invalidRequest("", "", "Invalid request: %v", err)
}
