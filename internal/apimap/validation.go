package apimap

// Kind is the set of shapes a parameter accepts: most take one, some take
// several (an ID or an object; a timestamp or a range).
type Kind uint8

// Parameter shapes.
const (
	KindString Kind = 1 << iota
	KindInteger
	KindNumber
	KindBoolean
	KindObject // a hash with known keys
	KindArray  // elements are described at Path + "[]"
	KindMap    // a hash with free keys and string values (metadata)
)

// Param is what the spec says of one request parameter of one endpoint.
type Param struct {
	// Path is the parameter in bracket form, "[]" standing for any array
	// index: "shipping[address][city]", "tax_id_data[][type]", "expand[]".
	Path string
	Kind Kind
	// Required: the parameter must be sent whenever its parent object is
	// (a top-level one, always).
	Required bool
	// Emptyable: an empty string is accepted, and unsets the parameter.
	Emptyable bool
	// MaxLength is the most characters a string may have, 0 for no limit.
	MaxLength int
	// Bounded integers lie in [Min, Max].
	Bounded  bool
	Min, Max int64
	// Enum lists the values a string accepts; nil accepts any.
	Enum []string
}

// EndpointParams holds the parameters of one endpoint, sorted by Path.
type EndpointParams struct {
	Method string // HTTP method
	Path   string // path template as in the spec
	Params []Param
}

// Metadata limits, the same for every metadata hash of the API.
const (
	MetadataMaxKeys        = 50
	MetadataMaxKeyLength   = 40
	MetadataMaxValueLength = 500
)
