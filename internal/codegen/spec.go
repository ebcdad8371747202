package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/embedfin/embedfin-go/internal/stripemock"
)

// The pinned stripe-mock module whose embedded OpenAPI document is the
// source of every generated fact.
const (
	stripeMockModule  = stripemock.Module
	stripeMockVersion = stripemock.Version
)

// Spec is the subset of an OpenAPI 3 document the generator reads.
type Spec struct {
	Info struct {
		Version string `json:"version"`
	} `json:"info"`
	Paths      map[string]map[string]*Operation `json:"paths"`
	Components struct {
		Schemas map[string]*Schema `json:"schemas"`
	} `json:"components"`
}

// Operation is one method on one path.
type Operation struct {
	OperationID string       `json:"operationId"`
	Parameters  []*Parameter `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema *Schema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]struct {
			Schema *Schema `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

// Parameter is a path or query parameter.
type Parameter struct {
	Name     string  `json:"name"`
	In       string  `json:"in"`
	Required bool    `json:"required"`
	Schema   *Schema `json:"schema"`
	// Description is read for numeric facts only (validation.go), never
	// copied.
	Description string `json:"description"`
}

// Schema is a JSON schema as Stripe's spec uses it.
type Schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Format               string             `json:"format"`
	Enum                 []any              `json:"enum"`
	Nullable             bool               `json:"nullable"`
	Properties           map[string]*Schema `json:"properties"`
	Required             []string           `json:"required"`
	Items                *Schema            `json:"items"`
	AnyOf                []*Schema          `json:"anyOf"`
	AdditionalProperties json.RawMessage    `json:"additionalProperties"`
	Title                string             `json:"title"`
	MaxLength            int                `json:"maxLength"`
	Description          string             `json:"description"` // for numeric facts only, never copied
	ResourceID           string             `json:"x-resourceId"`
	ExpansionResources   *struct {
		OneOf []*Schema `json:"oneOf"`
	} `json:"x-expansionResources"`
}

// RefName returns the component name a $ref points to, or "".
func (s *Schema) RefName() string {
	if s == nil || s.Ref == "" {
		return ""
	}
	return s.Ref[strings.LastIndexByte(s.Ref, '/')+1:]
}

// IsRequired reports whether name is in the schema's required list.
func (s *Schema) IsRequired(name string) bool {
	for _, r := range s.Required {
		if r == name {
			return true
		}
	}
	return false
}

// MapValue returns the schema of a map's values when additionalProperties
// is a schema, and whether the object is an open map at all.
func (s *Schema) MapValue() (*Schema, bool) {
	raw := strings.TrimSpace(string(s.AdditionalProperties))
	switch raw {
	case "", "false":
		return nil, false
	case "true":
		return nil, true
	}
	var v Schema
	if err := json.Unmarshal(s.AdditionalProperties, &v); err != nil {
		return nil, false
	}
	return &v, true
}

// StringEnum returns the enum values as strings, skipping non-strings.
func (s *Schema) StringEnum() []string {
	var out []string
	for _, v := range s.Enum {
		if str, ok := v.(string); ok {
			out = append(out, str)
		}
	}
	return out
}

// IsEmptyMarker reports whether the schema is {type: string, enum: [""]},
// Stripe's way of saying "send an empty string to unset this parameter".
func (s *Schema) IsEmptyMarker() bool {
	return s.Type == "string" && len(s.Enum) == 1 && s.Enum[0] == ""
}

// LocateSpec finds spec3.json of the pinned stripe-mock module,
// downloading the module if needed. STRIPE_SPEC overrides the path.
func LocateSpec() (string, error) {
	return stripemock.SpecPath(context.Background())
}

// LoadSpec reads and parses the document.
func LoadSpec(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Spec
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return &s, nil
}
