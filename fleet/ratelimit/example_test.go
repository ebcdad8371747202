package ratelimit_test

import (
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/fleet/ratelimit"
)

func ExampleNew() {
	// Every replica builds the same limiter on the same Redis; neither
	// redis.NewClient nor New connects until the first attempt.
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	lim, err := ratelimit.New(rdb, 25, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := embedfin.NewClient("sk_test_example", embedfin.WithLimiter(lim))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Limiter())
	// Each account the client acts as has its own budget.
	fmt.Println(lim.Key(""))
	fmt.Println(lim.Key("acct_1Connected"))

	// A rate or burst that cannot work is refused.
	_, err = ratelimit.New(rdb, 25, 0)
	fmt.Println(err)
	// Output:
	// ratelimit.Limiter{25/s, burst 2, per account, prefix "embedfin:ratelimit:"}
	// embedfin:ratelimit:platform
	// embedfin:ratelimit:account:acct_1Connected
	// ratelimit: invalid configuration: burst must be at least 1, got 0
}

func ExampleWithGlobal() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	// One budget for the platform and all its connected accounts, under a
	// prefix of this service's own.
	lim, err := ratelimit.New(rdb, 100, 5, ratelimit.WithGlobal(), ratelimit.WithKeyPrefix("payouts:ratelimit:"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(lim)
	fmt.Println(lim.Key("acct_1A") == lim.Key("acct_1B"))
	// Output:
	// ratelimit.Limiter{100/s, burst 5, global, prefix "payouts:ratelimit:"}
	// true
}
