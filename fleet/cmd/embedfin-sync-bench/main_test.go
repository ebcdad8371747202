package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go/fleet/internal/testenv"
)

func TestMain(m *testing.M) {
	if os.Getenv(envWorker) == "1" { // a worker process of the smoke test
		if err := worker(os.Stdout); err != nil {
			os.Stderr.WriteString("worker: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestSmoke runs the benchmark small: 6 accounts, 1 and 2 worker
// processes, unlimited and at 25 req/s. It checks what the table says
// (every account and transaction synced, no 429, no error, memory
// sampled), not how fast.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes; skipped with -short")
	}
	testenv.PostgresSchema(t) // skips (or fails in CI) when PostgreSQL is unreachable
	testenv.Redis(t)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-accounts", "6", "-workers", "1,2", "-rates", "0,25", "-sample", "50ms",
		"-database", testenv.PostgresURL(), "-redis", testenv.RedisURL()}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	t.Log("\n" + out.String())
	rows := regexp.MustCompile(`(?m)^\s+(\d+)\s+(unlimited|25 req/s)\s+6\s+(\d+)\s.*$`).FindAllStringSubmatch(out.String(), -1)
	if len(rows) != 4 {
		t.Fatalf("%d rows in the table, want 4:\n%s", len(rows), out.String())
	}
	for _, r := range rows {
		fields := strings.Fields(r[0])
		if r[3] == "0" || strings.Contains(r[0], "other errors") {
			t.Fatalf("row %q: want transactions and no error", r[0])
		}
		// workers, rate (1 or 2 fields), accounts, transactions, seconds,
		// accounts/s, transactions/s, requests, req/account, req/s, of the
		// limit, 429, then memory.
		i := 2
		if r[2] != "unlimited" {
			i = 3
		}
		if limited := fields[i+9]; limited != "0" {
			t.Fatalf("row %q: %s answers 429", r[0], limited)
		}
		if !strings.Contains(r[0], "->") {
			t.Fatalf("row %q: no memory figures", r[0])
		}
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-workers", "0"}, {"-rates", "x"}, {"-accounts", "0"}, {"extra"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
