package poll

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var fast = Interval{Min: time.Millisecond, Max: 2 * time.Millisecond, Factor: 2}

func TestUntilDone(t *testing.T) {
	t.Parallel()
	n := 0
	err := Until(context.Background(), fast, 0, func(context.Context) (bool, error) {
		n++
		return n == 3, nil
	})
	require.NoError(t, err)
	assert.Equal(t, 3, n)
}

func TestUntilCheckError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	err := Until(context.Background(), fast, 0, func(context.Context) (bool, error) { return false, boom })
	assert.Same(t, boom, err)
}

func TestUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := Until(ctx, Interval{Min: time.Hour, Max: time.Hour, Factor: 1}, 0, func(context.Context) (bool, error) {
		n++
		cancel()
		return false, nil
	})
	assert.Same(t, context.Canceled, err)
	assert.Equal(t, 1, n)
}

func TestUntilOwnTimeout(t *testing.T) {
	t.Parallel()
	err := Until(context.Background(), fast, 5*time.Millisecond, func(context.Context) (bool, error) { return false, nil })
	assert.ErrorIs(t, err, ErrTimeout)
}

func TestUntilCallerDeadlineIsNotOurTimeout(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	err := Until(ctx, fast, time.Hour, func(context.Context) (bool, error) { return false, nil })
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, ErrTimeout)
}

func TestUntilCheckReturningContextError(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	err := Until(ctx, fast, 0, func(ctx context.Context) (bool, error) {
		cancel()
		return false, ctx.Err()
	})
	assert.Same(t, context.Canceled, err)
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	def := Interval{Min: time.Second, Max: 10 * time.Second, Factor: 1.5}
	assert.Equal(t, def, Interval{}.Normalize(def))
	assert.Equal(t, Interval{Min: 5 * time.Second, Max: 5 * time.Second, Factor: 2}, Interval{Min: 5 * time.Second, Max: time.Second, Factor: 2}.Normalize(def))
	assert.Equal(t, Interval{Min: time.Second, Max: time.Second, Factor: 1}, Interval{Min: time.Second, Max: time.Second, Factor: 0.5}.Normalize(Interval{}))
}

func TestJitterBounds(t *testing.T) {
	t.Parallel()
	for i := 0; i < 1000; i++ {
		d := jitter(time.Second)
		assert.True(t, d >= 800*time.Millisecond && d <= 1200*time.Millisecond, d)
	}
	assert.Equal(t, time.Duration(0), jitter(0))
	assert.Equal(t, time.Duration(3), jitter(3))
}
