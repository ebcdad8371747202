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
	assert.Contains(t, out.String(), "pull the whole history")
	assert.Regexp(t, `only \d+ new or updated transactions came back`, out.String())
}
