package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go/fleet/internal/testenv"
)

func TestFleetExample(t *testing.T) {
	testenv.PostgresSchema(t) // skips (or fails in CI) when PostgreSQL is unreachable
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out, testenv.PostgresURL(), 4); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"fleet: 1 receiver, 3 workers", "linked 4 accounts", "second refresh: ", "jobs worked: "} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
	t.Log("\n" + out.String())
}
