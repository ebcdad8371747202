package dedupe_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/embedfin/embedfin-go/fleet/dedupe"
	"github.com/embedfin/embedfin-go/fleet/internal/testenv"
	"github.com/embedfin/embedfin-go/webhook"
	"github.com/embedfin/embedfin-go/webhook/dedupetest"
)

// Each handle of a namespace has its own pool, as a process would; the
// namespace is a schema of the subtest's own.
func TestPostgresStoreConformance(t *testing.T) {
	t.Parallel()
	dedupetest.Run(t, func(t *testing.T, cfg dedupetest.Config) dedupetest.Opener {
		connURL, _ := testenv.PostgresSchema(t)
		open := func() webhook.DedupeStore {
			pcfg, err := pgxpool.ParseConfig(connURL)
			if err != nil {
				t.Fatal(err)
			}
			pcfg.MaxConns = 4
			pool, err := pgxpool.NewWithConfig(context.Background(), pcfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(pool.Close)
			s, err := dedupe.NewPostgresStore(pool, dedupe.WithTTL(cfg.TTL), dedupe.WithClaimTimeout(cfg.ClaimTimeout))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := open().(*dedupe.PostgresStore).Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return open
	})
}

// Each handle has its own client; the namespace is a key prefix of the
// subtest's own.
func TestRedisStoreConformance(t *testing.T) {
	t.Parallel()
	dedupetest.Run(t, func(t *testing.T, cfg dedupetest.Config) dedupetest.Opener {
		_, prefix := testenv.Redis(t)
		return func() webhook.DedupeStore {
			opt, err := redis.ParseURL(testenv.RedisURL())
			if err != nil {
				t.Fatal(err)
			}
			rdb := redis.NewClient(opt)
			t.Cleanup(func() { _ = rdb.Close() })
			s, err := dedupe.NewRedisStore(rdb, dedupe.WithKeyPrefix(prefix),
				dedupe.WithTTL(cfg.TTL), dedupe.WithClaimTimeout(cfg.ClaimTimeout))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	})
}
