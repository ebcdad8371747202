package webhook

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func claim(t *testing.T, s DedupeStore, id string) ClaimResult {
	t.Helper()
	res, err := s.Claim(context.Background(), id)
	require.NoError(t, err)
	return res
}

func TestMemoryStore_Protocol(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewMemoryStore(time.Hour, WithStoreClock(newFakeClock().Now))

	assert.Equal(t, ClaimAcquired, claim(t, s, "evt_1"))
	assert.Equal(t, ClaimBusy, claim(t, s, "evt_1"))
	require.NoError(t, s.Release(ctx, "evt_1"))
	assert.Equal(t, ClaimAcquired, claim(t, s, "evt_1"), "a released claim can be taken again")
	require.NoError(t, s.Complete(ctx, "evt_1"))
	assert.Equal(t, ClaimDone, claim(t, s, "evt_1"))
	require.NoError(t, s.Release(ctx, "evt_1"))
	assert.Equal(t, ClaimDone, claim(t, s, "evt_1"), "Release leaves a completed event alone")
	require.NoError(t, s.Release(ctx, "evt_unknown"))
	assert.Equal(t, ClaimAcquired, claim(t, s, "evt_2"))
	assert.Equal(t, 2, s.Len())

	assert.Equal(t, "acquired", ClaimAcquired.String())
	assert.Equal(t, "done", ClaimDone.String())
	assert.Equal(t, "busy", ClaimBusy.String())
	assert.Equal(t, "ClaimResult(7)", ClaimResult(7).String())
}

func TestMemoryStore_Expiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newFakeClock()
	s := NewMemoryStore(time.Hour, WithStoreClock(clock.Now), WithClaimTimeout(10*time.Minute))

	// A processed event is remembered for the TTL, then forgotten.
	require.Equal(t, ClaimAcquired, claim(t, s, "evt_done"))
	require.NoError(t, s.Complete(ctx, "evt_done"))
	clock.Advance(time.Hour - time.Second)
	assert.Equal(t, ClaimDone, claim(t, s, "evt_done"))
	clock.Advance(time.Second)
	assert.Zero(t, s.Len())
	assert.Equal(t, ClaimAcquired, claim(t, s, "evt_done"))

	// An abandoned claim lasts the claim timeout.
	require.Equal(t, ClaimAcquired, claim(t, s, "evt_stuck"))
	clock.Advance(10*time.Minute - time.Second)
	assert.Equal(t, ClaimBusy, claim(t, s, "evt_stuck"))
	clock.Advance(time.Second)
	assert.Equal(t, ClaimAcquired, claim(t, s, "evt_stuck"))

	// Completing after the claim expired still records the event.
	clock.Advance(time.Hour)
	require.NoError(t, s.Complete(ctx, "evt_stuck"))
	assert.Equal(t, ClaimDone, claim(t, s, "evt_stuck"))
}

func TestMemoryStore_SweepsExpiredEntries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := newFakeClock()
	s := NewMemoryStore(time.Hour, WithStoreClock(clock.Now))
	for i := range 100 {
		id := fmt.Sprintf("evt_%d", i)
		require.Equal(t, ClaimAcquired, claim(t, s, id))
		require.NoError(t, s.Complete(ctx, id))
	}
	assert.Len(t, s.entries, 100)
	clock.Advance(2 * time.Hour)
	// The next claim sweeps the map: memory does not grow without bound.
	require.Equal(t, ClaimAcquired, claim(t, s, "evt_new"))
	assert.Len(t, s.entries, 1)
	assert.Equal(t, 1, s.Len())
}

func TestMemoryStore_Defaults(t *testing.T) {
	t.Parallel()
	s := NewMemoryStore(0, nil)
	assert.Equal(t, DefaultDedupeTTL, s.ttl)
	assert.Equal(t, DefaultClaimTimeout, s.claimTimeout)
	assert.NotNil(t, s.now)
	assert.Equal(t, ClaimAcquired, claim(t, s, "evt_1"))
	// Invalid options are programming errors, as for NewHandler.
	assert.PanicsWithError(t, "embedfin: invalid webhook.WithStoreClock: clock must not be nil", func() { NewMemoryStore(0, WithStoreClock(nil)) })
	assert.PanicsWithError(t, "embedfin: invalid webhook.WithClaimTimeout: 0s is not positive", func() { NewMemoryStore(0, WithClaimTimeout(0)) })
}

func TestMemoryStore_ConcurrentClaims(t *testing.T) {
	t.Parallel()
	s := NewMemoryStore(0)
	var acquired atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := s.Claim(context.Background(), "evt_race")
			assert.NoError(t, err)
			if res == ClaimAcquired {
				acquired.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 1, acquired.Load())
}
