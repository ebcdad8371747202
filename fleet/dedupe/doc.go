// Package dedupe holds [webhook.DedupeStore] implementations shared by every
// replica of a service: [PostgresStore] on PostgreSQL (through
// github.com/jackc/pgx/v5) and [RedisStore] on Redis (through
// github.com/redis/go-redis/v9). With either behind each replica's
// [webhook.Handler], a delivery that Stripe repeats, or that the load
// balancer sends to another replica, is processed once:
//
//	store, err := dedupe.NewPostgresStore(pool)
//	if err != nil { ... }
//	if err := store.Migrate(ctx); err != nil { ... } // once, at start-up
//	h := webhook.NewHandler(secret, webhook.WithDedupe(store))
//
// Both keep [webhook.MemoryStore]'s semantics, checked by the conformance
// suite of package webhook/dedupetest: Claim elects one holder of an event
// among all replicas; Complete remembers the event as processed for a time
// to live ([WithTTL], [webhook.DefaultDedupeTTL] by default); Release
// forgets a failed claim but never a completed event; a claim nobody
// completes or releases expires after a claim timeout ([WithClaimTimeout],
// [webhook.DefaultClaimTimeout] by default), so that a replica dying mid-way
// does not hold an event forever. Make the claim timeout longer than the
// slowest processing of an event: past it, another delivery may process
// the event again.
//
// Every decision is one atomic step on the server, timed by the server's
// clock (PostgreSQL's now(), Redis's key expiry), so replicas need no
// agreement on time.
//
// # PostgreSQL
//
// One table ([WithTable], [DefaultTable] by default) holds a row per event:
// its state, the token of its current claim and when the row expires.
// [PostgresStore.Migrate] creates it ([PostgresStore.DDL] returns the
// statements, for a migration tool of your own). A claim is one INSERT ...
// ON CONFLICT DO UPDATE that takes the row when it is absent or expired and
// keeps it otherwise, returning enough to tell acquired, done and busy
// apart.
//
// Expired rows are dead weight, not wrong answers: a claim takes over an
// expired row. They are deleted opportunistically, at most once per sweep
// interval ([WithSweepInterval]) by each store, a bounded batch after a
// claim, and by [PostgresStore.Sweep], which deletes all of them: call it
// from a periodic job if claims are too rare to keep the table small.
//
// # Redis
//
// One key per event under a prefix ([WithKeyPrefix], [DefaultKeyPrefix] by
// default), holding "claimed" or "done" and expiring with the claim timeout
// or the TTL: Redis deletes old entries itself. A claim is SET NX PX with
// GET, which needs Redis 7.0 or later; Release is a script that deletes the
// key only while it is claimed. In a cluster, each event's key lives on one
// node.
package dedupe
