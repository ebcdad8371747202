package idempotency

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewKeyIsUniqueV4UUID(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		k := NewKey()
		assert.Regexp(t, uuidV4, k)
		assert.False(t, seen[k], "duplicate key %s", k)
		seen[k] = true
	}
}

func BenchmarkNewKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = NewKey()
	}
}
