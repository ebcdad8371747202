package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a goroutine-safe writer that signals its first line.
type syncBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan string
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	sc := bufio.NewScanner(strings.NewReader(b.buf.String()))
	if sc.Scan() {
		select {
		case b.lines <- sc.Text():
		default:
		}
	}
	return len(p), nil
}

func TestRunPrintsURLFirstAndServes(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{lines: make(chan string, 1)}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-refresh-delay", "10ms"}, out, io.Discard) }()
	var url string
	select {
	case url = <-out.lines:
	case <-time.After(30 * time.Second):
		t.Fatal("no URL printed")
	}
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, url)

	req, _ := http.NewRequest("GET", url+"/v1/customers", nil)
	req.Header.Set("Authorization", "Bearer sk_test_cmd123")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)

	cancel()
	require.NoError(t, <-done)
}

func TestRunRejectsBadFlags(t *testing.T) {
	t.Parallel()
	assert.Error(t, run(context.Background(), []string{"-addr", "0.0.0.0:0"}, io.Discard, io.Discard), "only loopback")
	assert.Error(t, run(context.Background(), []string{"-webhook-url", "http://127.0.0.1:1/hook"}, io.Discard, io.Discard), "a URL needs a secret")
	assert.Error(t, run(context.Background(), []string{"-nope"}, io.Discard, io.Discard))
}

// TestHelpListsPagesHelpersAndInstitutions: -h documents what the emulator
// serves besides the API.
func TestHelpListsPagesHelpersAndInstitutions(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"-h"}, io.Discard, &stderr)
	require.ErrorIs(t, err, flag.ErrHelp)
	help := stderr.String()
	for _, want := range []string{"-webhook-url", "/setup/s/{token}", "/microdeposit/{token}", "SM11AA",
		"POST /v1/test_helpers/accounts/{account}/onboard", "POST /v1/test_helpers/financial_connections/sessions/{session}/complete"} {
		assert.Contains(t, help, want)
	}
	for _, in := range stripetest.Institutions() {
		assert.Regexp(t, `(?m)^  `+string(in)+` +\S`, help)
	}
}
