package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/events"
)

// Event is a verified event received by webhook. It embeds the generated
// events.Event, so its fields read as in the Events API: ev.ID, ev.Type (an
// events.EventType, with a constant per event type of the SDK's products),
// ev.Created, ev.Livemode, ev.Account, ev.PendingWebhooks, ev.Request and
// ev.Data.Object, the object as raw JSON (decode it with Data).
type Event struct {
	events.Event
	// APIVersionMismatch is true when the event was rendered in another API
	// version than embedfin.APIVersion, the version the SDK's types follow
	// ("; beta=vN" suffixes are ignored in the comparison). Fields of
	// data.object may then be missing from, or unknown to, the SDK's types.
	// It is false when the event has no api_version.
	APIVersionMismatch bool
}

// pinnedBase is embedfin.APIVersion without any beta suffix.
var pinnedBase = baseVersion(embedfin.APIVersion)

// baseVersion returns an API version without its "; beta=vN" parts.
func baseVersion(v string) string {
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	return strings.TrimSpace(v)
}

// decodeEvent fills ev, which must be the zero value, from an event payload.
//
// The envelope is decoded with embedfin.Unmarshal, the SDK's one JSON
// decoder (its differential and fuzz tests hold it to encoding/json's
// results and errors), straight into the generated events.Event; this
// function only adds the checks that make the JSON an event. Keys therefore
// match as encoding/json matches them (exactly, then case-insensitively),
// a repeated scalar key keeps its last value, and a repeated "data" or
// "request" object is merged into the first one.
func decodeEvent(p []byte, ev *events.Event) error {
	if err := embedfin.Unmarshal(p, ev); err != nil {
		// encoding/json's *json.SyntaxError or *json.UnmarshalTypeError,
		// wrapped for errors.As. Their messages name a field of
		// events.Event, and quote at most one character or a number of the
		// payload; a syntax error's offset is added, as its message lacks it.
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return fmt.Errorf("%w: %w (offset %d)", ErrInvalidPayload, err, syntax.Offset)
		}
		return fmt.Errorf("%w: %w", ErrInvalidPayload, err)
	}
	// The type errors above already reject a "data" or "request" that is not
	// an object (or null), and wrong types for the other fields.
	switch {
	case ev.Object != "event":
		return fmt.Errorf(`%w: "object" is not "event"`, ErrInvalidPayload)
	case ev.ID == "" || ev.Type == "":
		return fmt.Errorf(`%w: "id" or "type" is missing`, ErrInvalidPayload)
	case ev.Data == nil:
		return fmt.Errorf(`%w: "data" is not an object`, ErrInvalidPayload)
	case len(ev.Data.Object) == 0 || ev.Data.Object[0] != '{':
		return fmt.Errorf(`%w: "data.object" is not an object`, ErrInvalidPayload)
	}
	detachStrings(ev)
	return nil
}

// detachStrings moves the event's strings into one allocation of their own.
// Unmarshal's strings are slices of one copy of the whole payload: an event
// ID kept by a DedupeStore for its TTL would otherwise keep that copy alive.
// (data.object and data.previous_attributes are copies of their own, made by
// json.RawMessage.)
func detachStrings(ev *events.Event) {
	ev.Object = "event"
	strs := [...]*string{&ev.ID, (*string)(&ev.Type), ev.APIVersion, ev.Account, ev.Context, nil, nil}
	if ev.Request != nil {
		strs[5], strs[6] = ev.Request.ID, ev.Request.IdempotencyKey
	}
	n := 0
	for _, s := range strs {
		if s != nil {
			n += len(*s)
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range strs {
		if s != nil {
			b.WriteString(*s)
		}
	}
	all := b.String()
	for _, s := range strs {
		if s != nil {
			*s, all = all[:len(*s)], all[len(*s):]
		}
	}
}

// ErrNoData is returned by Data for an event without data.object, which
// ConstructEvent never returns.
var ErrNoData = errors.New("webhook: event has no data.object")

// Data decodes the event's data.object into a new T, the type of the object
// the event is about: for example financialconnections.Account for the
// financial_connections.account.* events, or treasury.ReceivedCredit for
// treasury.received_credit.created.
//
//	acct, err := webhook.Data[financialconnections.Account](ev)
//
// The error names the event and T; it wraps ErrNoData or the JSON decoding
// error.
func Data[T any](ev Event) (*T, error) {
	if ev.Data == nil || len(ev.Data.Object) == 0 {
		return nil, fmt.Errorf("%w (event %s)", ErrNoData, ev.ID)
	}
	obj := new(T)
	if err := embedfin.Unmarshal(ev.Data.Object, obj); err != nil {
		return nil, fmt.Errorf("webhook: decoding data.object of event %s (%s) into %T: %w", ev.ID, ev.Type, obj, err)
	}
	return obj, nil
}

// PreviousAttributes decodes the event's data.previous_attributes into a new
// T. Stripe sends it with *.updated events: the values the changed fields
// had before the change, and only those fields, so T is typically a struct
// of pointers or a map[string]json.RawMessage. It returns nil and no error
// when the event has no previous attributes.
func PreviousAttributes[T any](ev Event) (*T, error) {
	if ev.Data == nil || len(ev.Data.PreviousAttributes) == 0 || string(ev.Data.PreviousAttributes) == "null" {
		return nil, nil
	}
	prev := new(T)
	if err := embedfin.Unmarshal(ev.Data.PreviousAttributes, prev); err != nil {
		return nil, fmt.Errorf("webhook: decoding data.previous_attributes of event %s (%s) into %T: %w", ev.ID, ev.Type, prev, err)
	}
	return prev, nil
}
