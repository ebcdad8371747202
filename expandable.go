package embedfin

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
)

// Expandable is a reference to another API object: the ID always, and the
// object itself when the request asked for the field to be expanded
// (Params.AddExpand). It decodes from either form Stripe sends: a bare ID
// string, or the full object.
type Expandable[T any] struct {
	// ID is the referenced object's ID.
	ID string
	// Object is the referenced object, nil unless the field was expanded.
	Object *T
}

// Expanded reports whether the full object is present.
func (e *Expandable[T]) Expanded() bool { return e != nil && e.Object != nil }

// expandedType tells Unmarshal the type of the object, so that it decodes
// expandable fields itself, in one pass.
func (e *Expandable[T]) expandedType() reflect.Type { return reflect.TypeFor[T]() }

// UnmarshalJSON accepts an ID string or an object with an "id" field.
func (e *Expandable[T]) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0:
		return errors.New("embedfin: empty JSON for an expandable field")
	case data[0] == '"':
		e.Object = nil
		return json.Unmarshal(data, &e.ID)
	case bytes.Equal(data, []byte("null")):
		return nil
	}
	obj := new(T)
	if err := Unmarshal(data, obj); err != nil {
		return err
	}
	if g, ok := any(obj).(interface{ GetID() string }); ok {
		e.ID = g.GetID()
	} else {
		var head struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(data, &head); err != nil {
			return err
		}
		e.ID = head.ID
	}
	e.Object = obj
	return nil
}

// MarshalJSON writes the object when present, else the ID, as Stripe does.
func (e Expandable[T]) MarshalJSON() ([]byte, error) {
	if e.Object != nil {
		return json.Marshal(e.Object)
	}
	return json.Marshal(e.ID)
}

// RawObject is an API object of a type this SDK does not model (a payment
// method, a file, a charge...), or one it cannot type at this spot without
// an import cycle (a bank account's customer). It keeps the JSON as sent;
// decode it with Decode.
type RawObject struct {
	// ID is the object's "id", when it has one.
	ID string
	// Object is the object's "object" field: its type, e.g. "payment_method".
	Object string
	// Raw is the object's JSON.
	Raw json.RawMessage
}

// UnmarshalJSON keeps the JSON and reads the id and object fields.
func (o *RawObject) UnmarshalJSON(data []byte) error {
	var head struct {
		ID     string `json:"id"`
		Object string `json:"object"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return err
	}
	o.ID, o.Object = head.ID, head.Object
	o.Raw = append(o.Raw[:0], data...)
	return nil
}

// MarshalJSON writes the JSON as received.
func (o RawObject) MarshalJSON() ([]byte, error) {
	if len(o.Raw) == 0 {
		return []byte("null"), nil
	}
	return o.Raw, nil
}

// GetID returns the object's ID.
func (o *RawObject) GetID() string {
	if o == nil {
		return ""
	}
	return o.ID
}

// Decode unmarshals the object into v, e.g. an object of a type the SDK
// does not model into a struct of the caller's.
func (o *RawObject) Decode(v any) error {
	if o == nil || len(o.Raw) == 0 {
		return errors.New("embedfin: no object to decode")
	}
	return Unmarshal(o.Raw, v)
}
