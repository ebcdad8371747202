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
	s := out.String()
	assert.Contains(t, s, "treasury capability inactive, card_issuing inactive")
	assert.Contains(t, s, "onboarded: treasury capability active, card_issuing active, nothing due true")
	assert.Contains(t, s, "cash $190.00, outbound pending $10.00")
	assert.Contains(t, s, "cash $190.00, outbound pending $0.00")
	assert.Contains(t, s, "approved=false")
}
