// Package dedupetest is the conformance suite for webhook.DedupeStore
// implementations. A store passes when Run passes: the in-memory store of
// package webhook, the PostgreSQL and Redis stores of the fleet module, and
// any store of your own.
//
//	func TestMyStore(t *testing.T) {
//		dedupetest.Run(t, func(t *testing.T, cfg dedupetest.Config) dedupetest.Opener {
//			ns := freshNamespace(t) // a schema, key prefix or table of this test's own
//			return func() webhook.DedupeStore {
//				return mystore.New(db, ns, cfg.TTL, cfg.ClaimTimeout)
//			}
//		})
//	}
//
// The suite opens several stores on one namespace, as several processes
// would, and checks the contract of webhook.DedupeStore: one claim wins,
// Complete makes later claims ClaimDone for the TTL, Release lets the event
// be claimed again, a claim expires after the claim timeout, and concurrent
// claims of one event through different handles elect exactly one holder.
// Expiry is checked with real time: the suite's timeouts are a few hundred
// milliseconds, and it waits for them to pass.
package dedupetest
