package ratelimit_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/fleet/internal/testenv"
	"github.com/embedfin/embedfin-go/fleet/ratelimit"
	"github.com/embedfin/embedfin-go/stripetest"
)

func newLimiter(t *testing.T, rdb redis.UniversalClient, perSecond float64, burst int, opts ...ratelimit.Option) *ratelimit.Limiter {
	t.Helper()
	l, err := ratelimit.New(rdb, perSecond, burst, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"}) // never used
	defer rdb.Close()
	for _, tc := range []struct {
		name      string
		rdb       redis.UniversalClient
		perSecond float64
		burst     int
		opts      []ratelimit.Option
		want      string
	}{
		{"zero rate", rdb, 0, 1, nil, "perSecond must be positive and finite, got 0"},
		{"negative rate", rdb, -5, 1, nil, "perSecond must be positive and finite, got -5"},
		{"NaN rate", rdb, math.NaN(), 1, nil, "got NaN"},
		{"infinite rate", rdb, math.Inf(1), 1, nil, "got +Inf"},
		{"rate too high", rdb, 2.5e6, 1, nil, "perSecond 2.5e+06 is out of range [1e-06, 1e+06]"},
		{"rate too low", rdb, 1e-300, 1, nil, "out of range"},
		{"zero burst", rdb, 25, 0, nil, "burst must be at least 1, got 0"},
		{"nil client", nil, 25, 1, nil, "the Redis client is nil"},
		{"empty prefix", rdb, 25, 1, []ratelimit.Option{ratelimit.WithKeyPrefix("")}, "the prefix is empty"},
	} {
		_, err := ratelimit.New(tc.rdb, tc.perSecond, tc.burst, tc.opts...)
		if !errors.Is(err, ratelimit.ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want ErrInvalidConfig saying %q", tc.name, err, tc.want)
		}
	}
	l, err := ratelimit.New(rdb, 0.5, 3, ratelimit.WithGlobal(), ratelimit.WithFailOpen(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.String(), `ratelimit.Limiter{0.5/s, burst 3, global, prefix "embedfin:ratelimit:", fail open}`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
	if l.PerSecond() != 0.5 || l.Burst() != 3 || !l.Global() {
		t.Errorf("accessors: %v %v %v", l.PerSecond(), l.Burst(), l.Global())
	}
}

// mustTakeBurst takes burst slots at once, then checks that the next one
// is refused early: the wait it needs is past a short deadline, and Wait
// says so before the deadline comes.
func mustTakeBurst(t *testing.T, l *ratelimit.Limiter, account string, burst int) {
	t.Helper()
	for i := range burst {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := l.Wait(ctx, account)
		cancel()
		if err != nil {
			t.Fatalf("%q: slot %d of a full budget: %v", account, i+1, err)
		}
	}
	mustBeEmpty(t, l, account)
}

func mustBeEmpty(t *testing.T, l *ratelimit.Limiter, account string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := l.Wait(ctx, account)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%q: Wait on an empty budget = %v, want an error wrapping context.DeadlineExceeded", account, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("%q: Wait returned when the deadline passed (%v), want at once", account, err)
	}
}

func TestAccountsHaveTheirOwnBudgets(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	l := newLimiter(t, rdb, 0.1, 2, ratelimit.WithKeyPrefix(prefix)) // one slot per 10 s
	mustTakeBurst(t, l, "acct_A", 2)
	mustTakeBurst(t, l, "acct_B", 2)
	mustTakeBurst(t, l, "", 2)
	mustBeEmpty(t, l, "acct_A")

	// Another limiter on the prefix (another process) sees the same budgets.
	other := newLimiter(t, rdb, 0.1, 2, ratelimit.WithKeyPrefix(prefix))
	mustBeEmpty(t, other, "acct_B")
	mustTakeBurst(t, other, "acct_C", 2)

	ctx := context.Background()
	for account, key := range map[string]string{"": prefix + "platform", "acct_A": prefix + "account:acct_A"} {
		if got := l.Key(account); got != key {
			t.Errorf("Key(%q) = %q, want %q", account, got, key)
		}
		if n := rdb.Exists(ctx, "rate:"+key).Val(); n != 1 {
			t.Errorf("Redis key rate:%s is missing", key)
		}
	}
}

func TestGlobalBudgetIsShared(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	l := newLimiter(t, rdb, 0.1, 3, ratelimit.WithKeyPrefix(prefix), ratelimit.WithGlobal())
	ctx := context.Background()
	for _, account := range []string{"acct_A", "acct_B", ""} {
		if err := l.Wait(ctx, account); err != nil {
			t.Fatal(err)
		}
	}
	for _, account := range []string{"acct_A", "acct_C", ""} {
		mustBeEmpty(t, l, account)
	}
	if got := l.Key("acct_A"); got != prefix+"global" {
		t.Errorf("Key = %q", got)
	}
}

// Wait paces attempts: 11 at 20 per second with a burst of 1 cannot all
// pass in less than 10 intervals of 50 ms (a bound on the pace, not on
// speed).
func TestWaitPaces(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	l := newLimiter(t, rdb, 20, 1, ratelimit.WithKeyPrefix(prefix))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 11)
	start := time.Now()
	for range 11 {
		wg.Go(func() { errs <- l.Wait(ctx, "acct_pace") })
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if elapsed < 480*time.Millisecond {
		t.Errorf("11 slots at 20/s with burst 1 took %v, want at least 500 ms", elapsed)
	}
}

func TestWaitEndsWithTheContext(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	l := newLimiter(t, rdb, 1.0/60, 1, ratelimit.WithKeyPrefix(prefix))
	if err := l.Wait(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	// No deadline: the wait (a minute) is cut by cancellation.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if err := l.Wait(ctx, ""); err != context.Canceled {
		t.Fatalf("Wait after cancel = %v, want context.Canceled", err)
	}
	// An ended context fails before asking Redis.
	if err := l.Wait(ctx, "acct_new"); err != context.Canceled {
		t.Fatalf("Wait with an ended context = %v, want context.Canceled", err)
	}
	if n := rdb.Exists(context.Background(), "rate:"+l.Key("acct_new")).Val(); n != 0 {
		t.Errorf("an ended context spent a slot of acct_new")
	}
}

func TestRedisDown(t *testing.T) {
	t.Parallel()
	closed := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	_ = closed.Close()
	refused := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: time.Second})
	defer refused.Close()
	for name, rdb := range map[string]*redis.Client{"closed client": closed, "refused connection": refused} {
		l := newLimiter(t, rdb, 25, 1)
		err := l.Wait(context.Background(), "acct_A")
		if err == nil || errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "the budget of acct_A") {
			t.Errorf("%s: Wait = %v, want the Redis error", name, err)
		}
		var reported []string
		open := newLimiter(t, rdb, 25, 1, ratelimit.WithFailOpen(func(account string, err error) {
			reported = append(reported, account+": "+err.Error())
		}))
		if err := open.Wait(context.Background(), "acct_A"); err != nil {
			t.Errorf("%s: fail-open Wait = %v, want nil", name, err)
		}
		if len(reported) != 1 || !strings.HasPrefix(reported[0], "acct_A: ratelimit: ") {
			t.Errorf("%s: reported %q", name, reported)
		}
	}
	// Through the client: the call fails unsent.
	srv := stripetest.NewServer()
	defer srv.Close()
	c := srv.Client(embedfin.WithLimiter(newLimiter(t, closed, 25, 1)), embedfin.WithMaxRetries(0))
	if _, err := customers.New(c).Customers.List(context.Background(), nil); err == nil {
		t.Fatal("List succeeded with the limiter's Redis down")
	}
}

// The client asks the limiter as the account the request is made as.
func TestClientBudgetsPerAccount(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	l := newLimiter(t, rdb, 0.1, 1, ratelimit.WithKeyPrefix(prefix))
	srv := stripetest.NewServer()
	defer srv.Close()
	c := srv.Client(embedfin.WithLimiter(l), embedfin.WithMaxRetries(0))
	ctx := context.Background()
	cust := customers.New(c).Customers
	if _, err := cust.List(ctx, nil); err != nil {
		t.Fatal(err)
	}
	mustBeEmpty(t, l, "")
	// A connected account has its own budget: its first request goes
	// (the emulator answers 404 for an account it does not know; the slot
	// is what matters).
	_, err := cust.List(ctx, nil, embedfin.WithStripeAccount("acct_1Connected"))
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
	mustBeEmpty(t, l, "acct_1Connected")
	// The platform's next request waits past a short deadline: it fails
	// unsent, at once.
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := cust.List(short, nil); !errors.Is(err, context.DeadlineExceeded) || short.Err() != nil {
		t.Fatalf("List on an empty budget = %v, want an early context.DeadlineExceeded", err)
	}
}
