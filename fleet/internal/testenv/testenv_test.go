package testenv_test

import (
	"context"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go/fleet/internal/testenv"
)

func TestPostgresSchemaIsFreshAndIsolated(t *testing.T) {
	t.Parallel()
	pool, _, schema := testenv.Postgres(t)
	var got string
	if err := pool.QueryRow(context.Background(), "SELECT current_schema()").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != schema || !strings.HasPrefix(schema, "embedfin_test_") {
		t.Fatalf("current_schema() = %q, want the test's own %q", got, schema)
	}
}

func TestRedisPrefix(t *testing.T) {
	t.Parallel()
	client, prefix := testenv.Redis(t)
	ctx := context.Background()
	if err := client.Set(ctx, prefix+"k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v := client.Get(ctx, prefix+"k").Val(); v != "v" {
		t.Fatalf("got %q", v)
	}
}
