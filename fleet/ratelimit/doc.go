// Package ratelimit is an [embedfin.Limiter] whose budget lives in Redis, so
// that every replica of a service shares one rate limit instead of each
// spending its own.
//
// It runs the generic cell rate algorithm (GCRA) of
// github.com/go-redis/redis_rate/v10 on a github.com/redis/go-redis/v9
// client: each attempt of the SDK asks Redis for a slot, atomically, and
// waits for the time Redis says the next slot is due when there is none.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	lim, err := ratelimit.New(rdb, 25, 2) // 25 requests per second per account
//	if err != nil { ... }
//	c, err := embedfin.NewClient(key, embedfin.WithLimiter(lim))
//
// # Budgets
//
// Stripe counts its rate limits per account: the platform's own requests,
// and each connected account's (Stripe-Account). By default the limiter
// does the same, with one Redis key per account under its prefix:
// "rate:<prefix>platform" and "rate:<prefix>account:<acct_...>" (redis_rate
// adds "rate:"). [WithGlobal] makes every account share one budget,
// "rate:<prefix>global". Keys expire on their own once their budget is full
// again, so nothing needs cleaning up.
//
// # Burst
//
// The burst is how many attempts may go at once after a quiet spell. Keep
// it small, 2 to a few, well under the server's own: a slot granted by
// Redis reaches Stripe a little later, and not always equally late, so
// attempts granted at the limit's exact pace can arrive closer together
// than that pace. With a small burst the server's bucket stays nearly full
// and absorbs those differences; with the server's burst, both buckets
// empty together and an unlucky arrival is answered 429 (this package's
// fleet test, run with the server's burst, saw one). A burst of 1 works too, but loses
// the moments between a slot falling due and a waiter asking for it, about
// 2% of the rate on loopback; a burst of 2 gives them back.
//
// # Failures
//
// Wait returns the context's error when the context ends while waiting, and
// fails at once, wrapping context.DeadlineExceeded, when the next slot is
// due after the context's deadline. When Redis cannot be reached (or
// answers an error), Wait returns that error and the SDK fails the call
// without sending it: the limit is never silently lifted. WithFailOpen
// chooses the other way: send anyway, and report the error to a function.
package ratelimit
