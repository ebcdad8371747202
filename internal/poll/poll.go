package poll

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Interval bounds the sleeps between checks: the first is about Min, each
// later one Factor times longer, never above Max. Every sleep is spread by
// ±20% so that many waiters do not poll in step.
type Interval struct {
	// Min is the first pause; Max the longest.
	Min, Max time.Duration
	// Factor multiplies the pause after each check (at least 1).
	Factor float64
}

// Normalize fills zero fields with the given defaults and repairs
// inconsistent ones.
func (iv Interval) Normalize(def Interval) Interval {
	if iv.Min <= 0 {
		iv.Min = def.Min
	}
	if iv.Max <= 0 {
		iv.Max = def.Max
	}
	if iv.Max < iv.Min {
		iv.Max = iv.Min
	}
	if iv.Factor < 1 {
		iv.Factor = def.Factor
	}
	if iv.Factor < 1 {
		iv.Factor = 1
	}
	return iv
}

// ErrTimeout is returned by Until when its own timeout (not the caller's
// context) ends the wait.
var ErrTimeout = errors.New("poll: timed out")

// Until calls check until it reports done or fails. Between calls it sleeps
// per iv. It returns ctx.Err() when the caller's context ends, ErrTimeout
// when timeout (if positive) passes first, or check's error.
func Until(ctx context.Context, iv Interval, timeout time.Duration, check func(context.Context) (bool, error)) error {
	if timeout > 0 {
		var cancel context.CancelFunc
		parent := ctx
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
		err := until(ctx, iv, check)
		if err != nil && errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil {
			return ErrTimeout
		}
		return err
	}
	return until(ctx, iv, check)
}

func until(ctx context.Context, iv Interval, check func(context.Context) (bool, error)) error {
	wait := iv.Min
	for {
		done, err := check(ctx)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
				return ctxErr
			}
			return err
		}
		if done {
			return nil
		}
		t := time.NewTimer(jitter(wait))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(time.Duration(float64(wait)*iv.Factor), iv.Max)
	}
}

// jitter spreads d by ±20%.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	spread := int64(d) / 5
	if spread == 0 {
		return d
	}
	return d - time.Duration(spread) + time.Duration(rand.Int64N(2*spread+1))
}
