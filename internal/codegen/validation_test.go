package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDescribedRange(t *testing.T) {
	for desc, want := range map[string][3]int64{
		"A limit on the number of objects. Limit can range between 1 and 100, and the default is 10.": {1, 100, 1},
		"The desired expiration month (1-12) for this card.":                                          {1, 12, 1},
		"An amount in cents.":                     {0, 0, 0},
		"Reversed (100-1) is no range.":           {0, 0, 0},
		"Values range between -5 and 5 inclusive": {-5, 5, 1},
	} {
		lo, hi, ok := describedRange(desc)
		assert.Equal(t, want[2] == 1, ok, desc)
		if ok {
			assert.Equal(t, want[0], lo, desc)
			assert.Equal(t, want[1], hi, desc)
		}
	}
}

// TestFlattenParams checks how parameter schemas become table rows:
// alternatives merged, empty markers, enums with "", maps, arrays of
// objects, required only when every object alternative requires it.
func TestFlattenParams(t *testing.T) {
	var s Schema
	require.NoError(t, json.Unmarshal([]byte(`{"properties": {
		"exempt": {"type": "string", "enum": ["", "a", "b"]},
		"source": {"anyOf": [{"type": "string", "maxLength": 10}, {"type": "object", "properties": {
			"n": {"type": "string", "maxLength": 3}, "m": {"type": "integer"}}, "required": ["n", "m"]},
			{"type": "object", "properties": {"n": {"type": "string", "maxLength": 7}}, "required": ["n"]}]},
		"metadata": {"anyOf": [{"type": "object", "additionalProperties": {"type": "string"}}, {"type": "string", "enum": [""]}]},
		"items": {"type": "array", "items": {"type": "object", "properties": {"k": {"type": "boolean"}}, "required": ["k"]}},
		"kind": {"anyOf": [{"type": "string", "enum": ["x"]}, {"type": "string", "maxLength": 5}]},
		"limit": {"type": "integer", "description": "It can range between 1 and 100."}
	}, "required": ["items"]}`), &s))
	g := &Gen{spec: &Spec{}}
	tb := &vtable{g: g, params: map[string]*vparam{}}
	for _, k := range sortedKeys(s.Properties) {
		tb.add(k, s.Properties[k], s.IsRequired(k), "")
	}
	require.Empty(t, g.errs)
	row := func(path string) *vparam {
		p := tb.params[path]
		require.NotNil(t, p, path)
		return p
	}
	assert.True(t, row("exempt").emptyable)
	assert.Equal(t, []string{"a", "b"}, row("exempt").enum)
	src := row("source")
	assert.True(t, src.kinds["KindString"] && src.kinds["KindObject"])
	assert.Equal(t, 10, src.maxLength)
	assert.True(t, row("source[n]").required, "required by both object variants")
	assert.Equal(t, 7, row("source[n]").maxLength, "the larger limit of the two")
	assert.False(t, row("source[m]").required, "required by one variant only")
	assert.True(t, row("metadata").kinds["KindMap"] && row("metadata").emptyable)
	assert.True(t, row("items").required && row("items").kinds["KindArray"])
	assert.True(t, row("items[]").kinds["KindObject"])
	assert.True(t, row("items[][k]").required && row("items[][k]").kinds["KindBoolean"])
	assert.True(t, row("kind").freeText, "a free string alternative drops the enum")
	assert.True(t, row("limit").bounded)
	assert.Equal(t, [2]int64{1, 100}, [2]int64{row("limit").min, row("limit").max})
}

// TestValidationTableFacts checks a few facts of the generated table
// against the pinned spec.
func TestValidationTableFacts(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the pinned spec")
	}
	files, err := generateFromPath("")
	require.NoError(t, err)
	src := string(files[validationFile])
	for _, want := range []string{
		`{Method: "POST", Path: "/v1/customers", Params: []Param{`,
		`{Path: "tax_exempt", Kind: KindString, Emptyable: true, Enum: enumTaxExempt},`,
		`var enumTaxExempt = []string{"exempt", "none", "reverse"}`,
		`{Path: "name", Kind: KindString, MaxLength: 256},`,
		`{Path: "metadata", Kind: KindMap, Emptyable: true},`,
		`{Path: "tax_id_data[][value]", Kind: KindString, Required: true},`,
		`{Path: "limit", Kind: KindInteger, Bounded: true, Min: 1, Max: 100},`,
		`{Path: "created", Kind: KindInteger | KindObject},`,
		`{Path: "features", Kind: KindArray, Required: true},`,
	} {
		assert.True(t, strings.Contains(src, want), "the table lacks %s", want)
	}
	assert.Equal(t, len(endpoints), strings.Count(src, "{Method: "), "one entry per endpoint")
}
