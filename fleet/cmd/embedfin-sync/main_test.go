package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go/fleet/internal/testenv"
)

// TestOnePassSQLite is the command with no flags but a state directory:
// SQLite, the embedded emulator, two rounds, verified, exit 0.
func TestOnePassSQLite(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-state", t.TempDir(), "-demo-accounts", "2"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"SQLite ", "linked 2 demo accounts", "backfill: accounts 2/2", "pass 2: 2 accounts", "0 failures", "verified: "} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
	t.Log("\n" + out.String())
}

// TestOnePassPostgresAndRedis is one replica on PostgreSQL with the
// shared rate limit in Redis.
func TestOnePassPostgresAndRedis(t *testing.T) {
	t.Parallel()
	connURL, _ := testenv.PostgresSchema(t)
	testenv.Redis(t) // skips (or fails in CI) when Redis is unreachable
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-database", connURL, "-redis", testenv.RedisURL(), "-demo-accounts", "2", "-workers", "3"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "PostgreSQL ") || !strings.Contains(out.String(), "verified: ") {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestHelpHidesSecrets(t *testing.T) {
	t.Setenv("STRIPE_SECRET_KEY", "sk_test_secretvalue")
	t.Setenv("STRIPE_WEBHOOK_SECRET", "whsec_secretvalue")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, &out, &errOut); code != 0 {
		t.Fatalf("-h: exit %d", code)
	}
	if s := out.String() + errOut.String(); strings.Contains(s, "secretvalue") || !strings.Contains(s, "-stripe-key") {
		t.Fatalf("-h printed:\n%s", s)
	}
}

func TestBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-stripe-key", "sk_live_123"},
		{"-workers", "-1"},
		{"extra"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if strings.Contains(errOut.String(), "sk_live_123") {
			t.Errorf("%v: the key was printed", args)
		}
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-state", t.TempDir(), "-database", "mysql://x"}, &out, &errOut); code != 1 {
		t.Errorf("-database mysql: exit %d, want 1", code)
	}
}
