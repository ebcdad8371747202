package apimap

// Response shapes: what the emulator needs to render objects with the keys
// the API sends by default, and to expand what a request asks for. The
// table (shapes_gen.go) is generated from the spec's facts and
// stripe-mock's fixtures; internal/codegen/shapes.go says how.

// Presence says when a property appears in a response.
type Presence uint8

// Presences.
const (
	// PresenceAlways: in the default rendering, null or not.
	PresenceAlways Presence = iota
	// PresenceIfSet: only when it has a value (null leaves the key out):
	// the variants of a multi-type hash, conditional properties.
	PresenceIfSet
	// PresenceOnExpand: only when expand[] names it (a customer's sources,
	// an Issuing card's number).
	PresenceOnExpand
)

// ValueKind is what a property holds, as far as rendering cares.
type ValueKind uint8

// Value kinds.
const (
	ValueScalar ValueKind = iota
	ValueObject           // objects (or arrays of them), or IDs of them
	ValueList             // a list object (object "list", data, has_more, url)
	ValueMap              // a hash with free keys
)

// ShapeField is one property of a Shape.
type ShapeField struct {
	Presence Presence
	Value    ValueKind
	// Refs are the resources an ID held here names: the property is an
	// expandable reference.
	Refs []string
	// Child are the schemas (keys of Shapes) of the objects it holds:
	// nested, array items, or references once expanded.
	Child []string
	// Opaque: it may hold objects the table does not describe (resources
	// the SDK does not type, free-form hashes).
	Opaque bool
	// URL is the url of a list returned only when expanded, %s standing
	// for the parent object's ID.
	URL string
}

// Shape is one object schema.
type Shape struct {
	// Object is the "object" value of a resource, "" for a nested object.
	Object string
	// Closed: keys other than Fields are not part of it (a deleted
	// object's few).
	Closed bool
	// Fields lists the properties that are not simply always sent, and
	// those leading to objects described here.
	Fields map[string]*ShapeField
}

// ResponseShape is what an operation answers with.
type ResponseShape struct {
	List  bool     // a list: expand[] paths start with "data."
	Items []string // the resources (keys of Shapes) it returns
}

// Final reports whether an expand[] path may end at the property: an
// expandable reference, or a property outside the default rendering (one
// returned only when expanded, like an Issuing card's number, or an
// optional one, like a financial address's full account_number).
func (f *ShapeField) Final() bool {
	return len(f.Refs) > 0 || f.Presence != PresenceAlways
}

// Traversable reports whether an expand[] path may go on past the property.
func (f *ShapeField) Traversable() bool {
	return len(f.Child) > 0 || len(f.Refs) > 0 || f.Opaque
}
