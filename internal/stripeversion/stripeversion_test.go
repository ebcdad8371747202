package stripeversion

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestComposeKeepsHigherVersionNumerically(t *testing.T) {
	t.Parallel()
	got := Compose("2026-08-26.dahlia",
		[]Beta{{"a", 9}, {"b", 1}},
		[]Beta{{"a", 10}, {"b", 0}, {"c", 2}})
	assert.Equal(t, "2026-08-26.dahlia; a=v10; b=v1; c=v2", got)
	assert.Equal(t, "2026-08-26.dahlia", Compose("2026-08-26.dahlia"))
}

func TestMergeDoesNotModifyInput(t *testing.T) {
	t.Parallel()
	in := []Beta{{"a", 1}, {"a", 3}}
	out := Merge(in)
	assert.Equal(t, []Beta{{"a", 3}}, out)
	assert.Equal(t, []Beta{{"a", 1}, {"a", 3}}, in)
}

func TestParse(t *testing.T) {
	t.Parallel()
	base, betas, err := Parse("2026-08-26.dahlia; x=v2;y=v1 ; x=v11")
	require.NoError(t, err)
	assert.Equal(t, "2026-08-26.dahlia", base)
	assert.Equal(t, []Beta{{"x", 11}, {"y", 1}}, betas)

	base, betas, err = Parse("2024-06-20")
	require.NoError(t, err)
	assert.Equal(t, "2024-06-20", base)
	assert.Empty(t, betas)

	for _, bad := range []string{"", "dahlia", "2026-08-26.", "2026-08-26.Dahlia!", "2026-08-26.dahlia; x", "2026-08-26.dahlia; x=1", "2026-08-26.dahlia; =v1", "2026/08/26"} {
		_, _, err := Parse(bad)
		assert.Truef(t, errors.Is(err, ErrInvalid), "%q: %v", bad, err)
	}
}

func TestParseBeta(t *testing.T) {
	t.Parallel()
	b, err := ParseBeta("financial_connections_ownership_match_api_preview", "v1")
	require.NoError(t, err)
	assert.Equal(t, "financial_connections_ownership_match_api_preview=v1", b.String())
	for _, c := range [][2]string{{"", "v1"}, {"a b", "v1"}, {"a;b", "v1"}, {"a", "1"}, {"a", "v"}, {"a", "v-1"}, {"a", "v+1"}, {"a", "V1"}, {"a", "v99999999999999999999999"}} {
		_, err := ParseBeta(c[0], c[1])
		assert.Truef(t, errors.Is(err, ErrInvalid), "%v", c)
	}
}
