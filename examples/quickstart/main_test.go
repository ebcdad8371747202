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
	assert.Contains(t, out.String(), "cash $190.00, outbound pending $0.00")
}
