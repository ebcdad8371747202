package dedupe_test

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/embedfin/embedfin-go/fleet/dedupe"
	"github.com/embedfin/embedfin-go/webhook"
)

func ExampleNewPostgresStore() {
	// pgxpool.New connects lazily: nothing here reaches the database.
	pool, err := pgxpool.New(context.Background(), "postgres://app@127.0.0.1:5432/app")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	store, err := dedupe.NewPostgresStore(pool,
		dedupe.WithTable("billing.webhook_dedupe"),
		dedupe.WithClaimTimeout(time.Minute))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(store)
	// At start-up: store.Migrate(ctx), or these statements in your own
	// migrations.
	for _, stmt := range store.DDL() {
		fmt.Println(stmt + ";")
	}
	// Every replica serves the same endpoint with a store on the table.
	h := webhook.NewHandler("whsec_example", webhook.WithDedupe(store))
	fmt.Println(h)
	// Output:
	// dedupe.PostgresStore{table "billing"."webhook_dedupe", ttl 72h0m0s, claim timeout 1m0s, sweep 1m0s}
	// CREATE TABLE IF NOT EXISTS "billing"."webhook_dedupe" (
	// 	event_id    text        PRIMARY KEY,
	// 	done        boolean     NOT NULL,
	// 	claim_token text        NOT NULL,
	// 	expires_at  timestamptz NOT NULL
	// );
	// CREATE INDEX IF NOT EXISTS "webhook_dedupe_expires_at_idx" ON "billing"."webhook_dedupe" (expires_at);
	// webhook.Handler{secrets: 1, routes: 0, fallback: false, dedupe: true, maxBodyBytes: 1048576}
}

func ExampleNewRedisStore() {
	// redis.NewClient connects lazily: nothing here reaches Redis.
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	store, err := dedupe.NewRedisStore(rdb, dedupe.WithKeyPrefix("billing:webhooks:"), dedupe.WithTTL(24*time.Hour))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(store)
	fmt.Println(store.Key("evt_1Example"))

	// Durations a store cannot keep are refused.
	_, err = dedupe.NewRedisStore(rdb, dedupe.WithClaimTimeout(time.Microsecond))
	fmt.Println(err)
	// Output:
	// dedupe.RedisStore{prefix "billing:webhooks:", ttl 24h0m0s, claim timeout 5m0s}
	// billing:webhooks:evt_1Example
	// dedupe: invalid configuration: WithClaimTimeout: 1µs is under a millisecond
}
