package embedfin

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"
)

// Limiter paces the client's requests. The client calls Wait once before
// every attempt (retries included), with the account the request is made
// as: the connected account ID of WithStripeAccount ("acct_..."), or ""
// for the platform itself. Stripe counts its rate limits per account, so an
// implementation may keep one budget per account or one for all.
//
// Wait blocks until the attempt may be sent and returns nil, or returns an
// error: the context's error when it ended, or any other error (a budget
// that cannot be reached before the context's deadline, a store that is
// down), which fails the call without sending it. It must be safe for
// concurrent use.
//
// WithRateLimit installs an in-process token bucket; WithLimiter installs
// any implementation, such as one shared by every replica of a service
// through Redis (the fleet module of this repository has one).
type Limiter interface {
	Wait(ctx context.Context, account string) error
}

// WithLimiter makes every attempt wait for l (see Limiter). It replaces
// the limiter of an earlier WithRateLimit; nil removes it.
func WithLimiter(l Limiter) Option {
	return func(c *config) error {
		c.limiter = l
		return nil
	}
}

// TokenBucket is the in-process Limiter of WithRateLimit: one bucket for
// every account, refilled at a steady rate, shared by all goroutines of
// the client.
type TokenBucket struct {
	bucket *rate.Limiter
}

// NewTokenBucket returns a bucket refilled at perSecond tokens per second
// that holds at most burst. perSecond must be positive and burst at least 1.
func NewTokenBucket(perSecond float64, burst int) (*TokenBucket, error) {
	if !(perSecond > 0) || burst < 1 {
		return nil, invalid("NewTokenBucket", "need perSecond > 0 and burst >= 1, got %v and %d", perSecond, burst)
	}
	return &TokenBucket{bucket: rate.NewLimiter(rate.Limit(perSecond), burst)}, nil
}

// Wait takes a token for an attempt as any account, waiting for one when
// the bucket is empty. A wait that could not end before the context's
// deadline fails at once, wrapping context.DeadlineExceeded.
func (b *TokenBucket) Wait(ctx context.Context, _ string) error {
	if err := b.bucket.Wait(ctx); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		return fmt.Errorf("waiting for the client rate limit: %w", context.DeadlineExceeded)
	}
	return nil
}

// Limit returns the bucket's refill rate, in tokens per second.
func (b *TokenBucket) Limit() float64 { return float64(b.bucket.Limit()) }

// Burst returns the most tokens the bucket holds.
func (b *TokenBucket) Burst() int { return b.bucket.Burst() }
