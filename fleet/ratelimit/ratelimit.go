package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/embedfin/embedfin-go"
)

// DefaultKeyPrefix is the prefix of the limiter's Redis keys unless
// WithKeyPrefix sets another (redis_rate puts "rate:" before it).
const DefaultKeyPrefix = "embedfin:ratelimit:"

// The range of rates New accepts: from one attempt in about 11.6 days to
// a million per second.
const (
	minPerSecond = 1e-6
	maxPerSecond = 1_000_000
)

// ErrInvalidConfig is wrapped by the errors New returns for a rate, a burst
// or an option that cannot work.
var ErrInvalidConfig = errors.New("ratelimit: invalid configuration")

// Limiter is an embedfin.Limiter whose budgets are kept in Redis and shared
// by every Limiter configured with the same Redis, prefix, rate and burst.
// Create it with New; it is safe for concurrent use.
type Limiter struct {
	rl        *redis_rate.Limiter
	limit     redis_rate.Limit
	perSecond float64
	prefix    string
	global    bool
	failOpen  bool
	onError   func(account string, err error)
}

var _ embedfin.Limiter = (*Limiter)(nil)

// Option configures a Limiter.
type Option func(*Limiter) error

// WithKeyPrefix sets the prefix of the limiter's Redis keys
// (DefaultKeyPrefix unless set). Limiters share a budget when they share a
// prefix, so give each Stripe key (each platform) its own. It must not be
// empty.
func WithKeyPrefix(prefix string) Option {
	return func(l *Limiter) error {
		if prefix == "" {
			return fmt.Errorf("%w: WithKeyPrefix: the prefix is empty", ErrInvalidConfig)
		}
		l.prefix = prefix
		return nil
	}
}

// WithGlobal makes every account share one budget: the platform and all
// connected accounts together. Without it each account has its own, as
// Stripe counts them.
func WithGlobal() Option {
	return func(l *Limiter) error {
		l.global = true
		return nil
	}
}

// WithFailOpen lets attempts go when Redis fails, instead of failing them:
// Wait then returns nil after calling report (if not nil) with the account
// and the error. Use it when an occasional 429 from Stripe is better than a
// failed call; without it, a Redis failure fails the call unsent. An ended
// context is still an error.
func WithFailOpen(report func(account string, err error)) Option {
	return func(l *Limiter) error {
		l.failOpen = true
		l.onError = report
		return nil
	}
}

// New returns a Limiter allowing perSecond attempts per second per account
// (or in all, with WithGlobal), with bursts of up to burst attempts, kept in
// Redis through rdb (a *redis.Client, *redis.ClusterClient, ...). perSecond
// must be positive, from 10^-6 to 10^6, and burst at least 1; see the package
// documentation for choosing the burst. New does not contact Redis.
func New(rdb redis.UniversalClient, perSecond float64, burst int, opts ...Option) (*Limiter, error) {
	if rdb == nil {
		return nil, fmt.Errorf("%w: the Redis client is nil", ErrInvalidConfig)
	}
	if !(perSecond > 0) || math.IsInf(perSecond, 1) {
		return nil, fmt.Errorf("%w: perSecond must be positive and finite, got %v", ErrInvalidConfig, perSecond)
	}
	if perSecond > maxPerSecond || perSecond < minPerSecond {
		return nil, fmt.Errorf("%w: perSecond %v is out of range [%v, %v]", ErrInvalidConfig, perSecond, minPerSecond, float64(maxPerSecond))
	}
	if burst < 1 {
		return nil, fmt.Errorf("%w: burst must be at least 1, got %d", ErrInvalidConfig, burst)
	}
	var limit redis_rate.Limit
	if perSecond == math.Trunc(perSecond) {
		limit = redis_rate.Limit{Rate: int(perSecond), Period: time.Second, Burst: burst}
	} else {
		// One attempt per emission interval: redis_rate only uses
		// Period/Rate, so a fractional rate is one attempt per period.
		period := time.Duration(float64(time.Second) / perSecond)
		limit = redis_rate.Limit{Rate: 1, Period: period, Burst: burst}
	}
	l := &Limiter{
		rl:        redis_rate.NewLimiter(rdb),
		limit:     limit,
		perSecond: perSecond,
		prefix:    DefaultKeyPrefix,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(l); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// Key returns the Redis key (without redis_rate's "rate:") of the budget
// that attempts as account draw from: "" is the platform, "acct_..." a
// connected account.
func (l *Limiter) Key(account string) string {
	switch {
	case l.global:
		return l.prefix + "global"
	case account == "":
		return l.prefix + "platform"
	default:
		return l.prefix + "account:" + account
	}
}

// Wait implements embedfin.Limiter: it takes a slot from the budget of
// account in Redis, waiting as long as Redis says the next slot is due. It
// returns the context's error when the context ends first, an error
// wrapping context.DeadlineExceeded at once when the next slot is due after
// the context's deadline, and the Redis error when Redis fails (unless
// WithFailOpen).
func (l *Limiter) Wait(ctx context.Context, account string) error {
	key := l.Key(account)
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := l.rl.Allow(ctx, key, l.limit)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			err = fmt.Errorf("ratelimit: asking Redis for a slot of %s: %w", budgetName(l.global, account), err)
			if l.failOpen {
				if l.onError != nil {
					l.onError(account, err)
				}
				return nil
			}
			return err
		}
		if res.Allowed > 0 {
			return nil
		}
		wait := max(res.RetryAfter, time.Millisecond)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return fmt.Errorf("ratelimit: the next slot of %s is due in %v, after the context's deadline: %w",
				budgetName(l.global, account), wait.Round(time.Millisecond), context.DeadlineExceeded)
		}
		if timer == nil {
			timer = time.NewTimer(wait)
		} else {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// PerSecond returns the rate the limiter allows, in attempts per second.
func (l *Limiter) PerSecond() float64 { return l.perSecond }

// Burst returns how many attempts may go at once when the budget is full.
func (l *Limiter) Burst() int { return l.limit.Burst }

// Global reports whether all accounts share one budget (WithGlobal).
func (l *Limiter) Global() bool { return l.global }

// String describes the limiter: rate, burst, budgets and key prefix.
func (l *Limiter) String() string {
	scope := "per account"
	if l.global {
		scope = "global"
	}
	open := ""
	if l.failOpen {
		open = ", fail open"
	}
	return fmt.Sprintf("ratelimit.Limiter{%s/s, burst %d, %s, prefix %q%s}",
		strconv.FormatFloat(l.perSecond, 'g', -1, 64), l.limit.Burst, scope, l.prefix, open)
}

func budgetName(global bool, account string) string {
	switch {
	case global:
		return "the global budget"
	case account == "":
		return "the platform's budget"
	default:
		return "the budget of " + account
	}
}
