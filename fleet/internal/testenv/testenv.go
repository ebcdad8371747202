// Package testenv gives the fleet module's tests their PostgreSQL and Redis:
// a fresh schema or key prefix per test, on the servers named by
// EMBEDFIN_TEST_POSTGRES and EMBEDFIN_TEST_REDIS (defaulting to the
// project machines' 127.0.0.1:5432 database test and 127.0.0.1:6379).
// Outside CI a test whose service is unreachable is skipped with a message
// naming it; with CI=true it fails.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

// Default addresses of the project machines' services.
const (
	DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	DefaultRedis    = "redis://127.0.0.1:6379/0"
)

// PostgresURL returns the base URL of the test database.
func PostgresURL() string {
	if v := os.Getenv("EMBEDFIN_TEST_POSTGRES"); v != "" {
		return v
	}
	return DefaultPostgres
}

// RedisURL returns the URL of the test Redis.
func RedisURL() string {
	if v := os.Getenv("EMBEDFIN_TEST_REDIS"); v != "" {
		return v
	}
	return DefaultRedis
}

// unavailable skips t outside CI and fails it in CI.
func unavailable(t testing.TB, service string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is unreachable (CI=true, so this fails): %v", service, err)
	}
	t.Skipf("%s is unreachable, skipping: %v", service, err)
}

// Name returns a random identifier with the prefix, fit for a schema name
// or a key prefix.
func Name(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}

// PostgresSchema creates a fresh schema for t (dropped when t ends) and
// returns a connection URL whose search_path is that schema, and the
// schema's name. Hand the URL to other processes to share the schema.
func PostgresSchema(t testing.TB) (connURL, schema string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		unavailable(t, "PostgreSQL ("+redactURL(PostgresURL())+")", err)
	}
	defer conn.Close(ctx)
	schema = Name("embedfin_test")
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, PostgresURL())
		if err != nil {
			t.Logf("dropping schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Logf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(PostgresURL())
	if err != nil {
		t.Fatalf("EMBEDFIN_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema
}

// Postgres returns a pool on a fresh schema for t (see PostgresSchema),
// closed when t ends.
func Postgres(t testing.TB) (pool *pgxpool.Pool, connURL, schema string) {
	t.Helper()
	connURL, schema = PostgresSchema(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, connURL)
	if err != nil {
		t.Fatalf("opening a pool on schema %s: %v", schema, err)
	}
	t.Cleanup(pool.Close)
	return pool, connURL, schema
}

// Redis returns a client of the test Redis and a fresh key prefix for t;
// the keys under the prefix are deleted when t ends.
func Redis(t testing.TB) (client *redis.Client, prefix string) {
	t.Helper()
	opt, err := redis.ParseURL(RedisURL())
	if err != nil {
		t.Fatalf("EMBEDFIN_TEST_REDIS: %v", err)
	}
	client = redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		unavailable(t, "Redis ("+redactURL(RedisURL())+")", err)
	}
	prefix = Name("embedfin_test") + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		iter := client.Scan(ctx, 0, prefix+"*", 500).Iterator()
		for iter.Next(ctx) {
			client.Del(ctx, iter.Val())
		}
		_ = client.Close()
	})
	return client, prefix
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "an unparsable URL"
	}
	u.User = nil
	return fmt.Sprint(u.Redacted())
}
