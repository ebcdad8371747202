// Package txsync keeps Financial Connections data — transactions,
// balances, owners — in your database, driven by Stripe's webhooks and
// worked by River jobs, on PostgreSQL for a fleet of processes or on
// SQLite for one.
//
// It is the recipe of Stripe's transactions guide run across workers:
// keep the fetched transactions, and on each
// financial_connections.account.refreshed_transactions event list only
// what changed since the last refresh you stored (transaction_refresh[after])
// and merge it.
//
//	db := txsync.Postgres(pool, "")          // or txsync.SQLite(sqlDB)
//	if err := txsync.Migrate(ctx, db); err != nil { ... }
//	s, err := txsync.New(db, client, &txsync.Config{Workers: 8})
//	http.Handle("/stripe/webhook", s.Receiver(webhookSecret))
//	err = s.Start(ctx)                       // the workers of this process
//	progress, err := s.Backfill(ctx, &txsync.BackfillOptions{Progress: txsync.ProgressTo(os.Stdout)})
//
// client is an *embedfin.Client configured by the caller: give every
// process the same shared limiter ([embedfin.WithLimiter] with the fleet's
// ratelimit package) so that the fleet as a whole stays under Stripe's
// rate limit.
//
// # Receiver
//
// [Syncer.Receiver] is a [webhook.Handler] (signature verification, body size
// limit) that, for refreshed_transactions, refreshed_balance and
// refreshed_ownership events (and disconnected, deactivated, reactivated),
// records the event in fc_events and inserts its River job in the same
// database transaction (River's InsertManyTx), and answers 2xx only after
// the commit. Jobs are unique per account, feature and refresh (River's
// UniqueOpts.ByArgs), and events per ID, so a redelivered event is
// recorded once and enqueues nothing new. A bad signature is answered 400
// before the database is touched.
//
// # Workers
//
// A transactions job retrieves the account, reads its cursor (the last
// transaction refresh stored), lists the transactions changed after it a
// page at a time and upserts each page in its own transaction; the new
// cursor (the refresh the account reported at the start) is written in
// the transaction of the last page. A crash at any point leaves either
// the old cursor (the pages are listed again and upserted again:
// nothing is lost, nothing duplicated) or the new one with every row it
// covers. Balance, ownership and account jobs retrieve the account (and
// list its owners) and upsert.
//
// Two jobs of one account never run at once, on either database: on
// PostgreSQL a job holds a session advisory lock on a hash of the account
// (pg_try_advisory_lock) on the pooled connection through which it also
// writes, so losing the connection loses the lock and the writes with
// it; on SQLite it holds a lease row in fc_sync_locks that each of its
// transactions renews and checks first. A job that finds its account
// busy waits up to [Config.LockWait], then snoozes (river.JobSnooze, which
// spends no attempt).
//
// Failures: transient errors (connection errors, 5xx, 429, 409, 401, 403,
// database errors, timeouts) are returned to River, which retries with
// backoff up to [Config.MaxAttempts]. A job that cannot succeed — the
// account disconnected or inactive, unknown to the API, its refresh
// failed, its cursor refused — records a typed [FailureReason] in
// fc_sync_failures and is cancelled (river.JobCancel) at once: no retry
// storm. A job whose refresh is still pending snoozes until it ends (up
// to [Config.PendingWait]); one whose refresh was overtaken by a newer one
// completes without work, since the newer refresh's job lists everything
// after the cursor.
//
// # Schema
//
// [Migrate] applies the embedded migrations ([Migrations] lists them) and
// River's own (rivermigrate), and is safe on every start. Times are Unix
// seconds, as Stripe gives them; amounts are in minor units.
//
//	fc_transactions   one row per transaction ID: account, amount, currency,
//	                  description, status, transacted_at, posted_at, void_at,
//	                  transaction_refresh, updated (Stripe's), livemode, raw
//	                  (JSON, with Config.KeepRaw), synced_at. A version
//	                  replaces the row only if its updated is newer, or equal
//	                  and not a step back to pending: a late replay never
//	                  regresses a row.
//	fc_accounts       one row per account: status, institution_name,
//	                  display_name, last4, category, subcategory, the latest
//	                  balance (JSON) and its as_of (never replaced by an older
//	                  one), the ownership whose owners fc_owners holds, and the
//	                  status and time of the latest balance, ownership and
//	                  transaction refreshes (with the transaction refresh ID).
//	fc_owners         the owners of each account's latest ownership.
//	fc_cursors        per account, the transaction refresh stored up to, and
//	                  how many transactions its syncs upserted.
//	fc_events         every event received, once: ID, type, account, Connect
//	                  account, created, received_at, the job it enqueued. Rows
//	                  older than Stripe's redelivery window (3 days) may be
//	                  deleted.
//	fc_sync_failures  jobs that ended without syncing: account, feature,
//	                  FailureReason, detail, job, event, time.
//	fc_sync_locks     SQLite's per-account leases.
//
// On PostgreSQL the tables go in the schema given to Postgres, with
// River's, or in the connection's search_path.
//
// # Processes
//
// Any number of processes may run a Syncer on one PostgreSQL database:
// each receives webhooks (behind a load balancer) and works jobs, River
// sharing the jobs out; Config.RescueStuckJobsAfter bounds how long the
// job of a killed process waits before another runs it. A process that
// only receives may pass a nil client and never call Start. SQLite has a
// single writer: run one process per database file (its Workers share
// one connection).
package txsync
