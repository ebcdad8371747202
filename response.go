package embedfin

import "net/http"

// Response describes the HTTP exchange that produced a result.
type Response struct {
	// StatusCode is the HTTP status of the final attempt.
	StatusCode int
	// Header holds the final attempt's response headers.
	Header http.Header
	// RequestID is the Request-Id header, to quote to Stripe support.
	RequestID string
	// IdempotencyKey is the key sent with the request (POST and DELETE only).
	IdempotencyKey string
	// Attempts is how many times the request was sent, retries included.
	Attempts int
}

// APIResource is embedded in every object the API returns. LastResponse is
// set on the top-level result of a call (not on objects nested in it, such as
// the items of a list page).
type APIResource struct {
	// LastResponse describes the exchange that returned the object.
	LastResponse *Response `json:"-"`
}

func (r *APIResource) setLastResponse(resp *Response) { r.LastResponse = resp }

// responseRecorder is satisfied by every type embedding APIResource.
type responseRecorder interface{ setLastResponse(*Response) }
