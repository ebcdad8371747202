// Command embedfin-sync-bench measures the transaction sync of package
// txsync on PostgreSQL, in worker processes as a fleet runs it.
//
// For each rate (-rates, 0 for none) it starts an in-process emulator
// (enforcing that rate per account with stripetest.WithRateLimit) and links
// -accounts accounts, about 125 transactions each. For each worker count
// (-workers) it then starts that many worker processes (this program run
// again: a txsync.Syncer of -jobs workers each, on a fresh schema, their
// Stripe client on a limiter in Redis shared by all of them at that rate),
// enqueues one transactions job per account at once and waits until every
// cursor is written and no job is left. It prints, per run: accounts and
// transactions synced per second, the requests the workers sent (counted
// at the emulator, by answer), requests per account, what share of the
// limit the run used (requests / rate / seconds), 429s, and each worker's
// heap in use (runtime.MemStats.HeapInuse) and resident set (VmRSS),
// sampled every -sample over the run.
//
//	go run ./cmd/embedfin-sync-bench                      # 1 and 4 workers, unlimited and 25 req/s
//	go run ./cmd/embedfin-sync-bench -accounts 1000 -workers 1,2,4,8 -rates 0
//
// PostgreSQL and Redis default to the test services (EMBEDFIN_TEST_POSTGRES,
// EMBEDFIN_TEST_REDIS, else 127.0.0.1). Everything runs on loopback; each
// run is bounded by -timeout.
package main
