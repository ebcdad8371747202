package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRetentionFlag: -retention N keeps each kind's newest N objects per
// account (the oldest is then a 404), -h documents it, and a negative N is
// refused.
func TestRetentionFlag(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	require.ErrorIs(t, run(context.Background(), []string{"-h"}, io.Discard, &stderr), flag.ErrHelp)
	assert.Contains(t, stderr.String(), "-retention")
	assert.Contains(t, stderr.String(), "Retention (-retention N)")
	assert.ErrorContains(t, run(context.Background(), []string{"-addr", "127.0.0.1:0", "-retention", "-1"}, io.Discard, io.Discard), "WithRetention")

	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{lines: make(chan string, 1)}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-retention", "2"}, out, io.Discard) }()
	var url string
	select {
	case url = <-out.lines:
	case <-time.After(30 * time.Second):
		t.Fatal("no URL printed")
	}
	call := func(method, path string) (int, string) {
		req, _ := http.NewRequest(method, url+path, nil)
		req.Header.Set("Authorization", "Bearer sk_test_retention")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var o struct {
			ID    string
			Error struct{ Code string }
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&o))
		if resp.StatusCode != http.StatusOK {
			return resp.StatusCode, o.Error.Code
		}
		return resp.StatusCode, o.ID
	}
	var ids []string
	for range 3 {
		status, id := call("POST", "/v1/customers")
		require.Equal(t, http.StatusOK, status, id)
		ids = append(ids, id)
	}
	status, code := call("GET", "/v1/customers/"+ids[0])
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "resource_missing", code)
	status, _ = call("GET", "/v1/customers/"+ids[1])
	assert.Equal(t, http.StatusOK, status)

	cancel()
	require.NoError(t, <-done)
}
