// Package fleet holds what several replicas of a service built on
// embedfin-go share: a rate limit kept in Redis (package ratelimit),
// webhook dedupe stores on PostgreSQL and Redis (package dedupe), and
// Financial Connections transaction sync into a database across workers,
// on River (package txsync, command cmd/embedfin-sync).
//
// It is a module of its own, so the SDK module does not depend on pgx,
// go-redis or River.
package fleet
