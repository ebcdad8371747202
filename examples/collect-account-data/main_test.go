package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunOnEmulator(t *testing.T) {
	t.Setenv("STRIPE_SECRET_KEY", "")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	assert.Contains(t, out.String(), "Premium Checking")
	assert.Contains(t, out.String(), `owner "Jenny Rosen"`)
	assert.Regexp(t, `\d+ transactions in the history fetched by refresh fctxnref_`, out.String())
}
