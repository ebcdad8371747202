// Command embedfin-sync keeps Financial Connections transactions, balances
// and owners in a database: it runs the webhook receiver and the River
// workers of package txsync, and a backfill of the accounts already
// linked.
//
// With no flags it needs nothing but Go: SQLite in a state directory
// (-state, default the user's cache directory) and an embedded Stripe
// emulator that links a few demo accounts and delivers their webhooks to
// the receiver. It syncs them, refreshes them once more (pending
// transactions post or are voided, new ones arrive), verifies the table
// against the API, prints what it did and exits 0:
//
//	go run ./cmd/embedfin-sync
//
// With -database postgres://... it works on PostgreSQL and is one replica
// of many; with -redis redis://... every replica shares one Stripe rate
// limit (-rate, default 25 requests per second per account) through
// fleet/ratelimit. -stripe-key (or STRIPE_SECRET_KEY) talks to Stripe in
// test mode: it backfills every linked account, and receives webhooks on
// -listen with -webhook-secret (or STRIPE_WEBHOOK_SECRET). -serve keeps it
// running until interrupted; -workers sets the jobs worked at once (0: a
// replica that only receives).
package main
