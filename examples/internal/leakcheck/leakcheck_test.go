package leakcheck

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFindings(t *testing.T) {
	t.Parallel()
	for _, leak := range []string{
		"key sk_test_4eC39HqLyjWDarjtT1zdp7dc", "rk_live_abc", "whsec_abc123",
		"seti_1Mm2_secret_Nq9XyZ", "fcsess_client_secret_abc", "account 000123456789",
	} {
		assert.NotEmpty(t, Findings(leak), leak)
	}
	for _, masked := range []string{
		"key sk_test_***", "whsec_***", "seti_1Mm2_secret_***", "account ***6789",
		"path=/v1/customers/cus_ABC123 status=200 attempt=1 duration=1.234567ms", "time=1767225600",
	} {
		assert.Empty(t, Findings(masked), masked)
	}
}
