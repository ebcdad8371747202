package webhook

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// ClaimResult is the answer of DedupeStore.Claim.
type ClaimResult int

const (
	// ClaimAcquired means that the caller now holds the event: it must
	// process it, then call Complete on success or Release on failure.
	ClaimAcquired ClaimResult = iota
	// ClaimDone means that the event was already processed successfully.
	ClaimDone
	// ClaimBusy means that another delivery of the event holds it right now.
	ClaimBusy
)

// String names the result.
func (r ClaimResult) String() string {
	switch r {
	case ClaimAcquired:
		return "acquired"
	case ClaimDone:
		return "done"
	case ClaimBusy:
		return "busy"
	}
	return fmt.Sprintf("ClaimResult(%d)", int(r))
}

// DedupeStore remembers which events were processed, so that a Handler
// processes each event at most once successfully even though Stripe may
// deliver it several times. Processing is a three-step protocol:
//
//   - Claim marks the event as being processed, atomically: of several
//     concurrent claims of one ID, at most one gets ClaimAcquired.
//   - Complete marks it as processed; later claims get ClaimDone.
//   - Release forgets a claim whose processing failed, so that Stripe's next
//     delivery processes the event again.
//
// A store shared by several instances (a database table with a unique key,
// Redis SET NX with an expiry...) deduplicates across them. Claims should
// expire in case a process dies while holding one. Implementations must be
// safe for concurrent use.
type DedupeStore interface {
	// Claim tries to take eventID for processing.
	Claim(ctx context.Context, eventID string) (ClaimResult, error)
	// Complete records that eventID was processed successfully.
	Complete(ctx context.Context, eventID string) error
	// Release gives up a claim of eventID whose processing failed.
	Release(ctx context.Context, eventID string) error
}

// DefaultDedupeTTL is how long a MemoryStore remembers a processed event:
// three days, the time over which Stripe retries a delivery.
const DefaultDedupeTTL = 72 * time.Hour

// DefaultClaimTimeout is how long a MemoryStore claim lasts before another
// delivery may take the event over, in case processing never ends.
const DefaultClaimTimeout = 5 * time.Minute

// MemoryStore is a DedupeStore in the process's memory, for a service
// that runs as a single instance: with several replicas, a redelivery that
// reaches another replica is processed again there. Replicas share the
// stores of the fleet module instead (dedupe.PostgresStore and
// dedupe.RedisStore in github.com/embedfin/embedfin-go/fleet), which pass
// the same conformance suite (package webhook/dedupetest).
//
// Processed events are forgotten after a time to live and unfinished
// claims after a claim timeout; expired entries are swept as claims
// arrive, so memory stays proportional to the events of one TTL.
// Create it with NewMemoryStore; it is safe for concurrent use.
type MemoryStore struct {
	ttl, claimTimeout time.Duration
	now               func() time.Time

	mu        sync.Mutex
	entries   map[string]memEntry
	nextSweep time.Time
}

type memEntry struct {
	done    bool
	expires time.Time
}

// MemoryStoreOption configures a MemoryStore. Like [Option], it reports an
// invalid value as a *embedfin.ValidationError naming the option, with
// which NewMemoryStore panics. A nil MemoryStoreOption is ignored.
type MemoryStoreOption func(*MemoryStore) error

// WithStoreClock sets the function that gives the current time (the
// default is time.Now); tests use it to expire entries without waiting. It
// must not be nil.
func WithStoreClock(now func() time.Time) MemoryStoreOption {
	return func(s *MemoryStore) error {
		if now == nil {
			return invalid("WithStoreClock", "clock must not be nil")
		}
		s.now = now
		return nil
	}
}

// WithClaimTimeout sets how long a claim lasts before the event can be
// claimed again (DefaultClaimTimeout unless set). It must be positive;
// make it longer than the slowest processing of an event.
func WithClaimTimeout(d time.Duration) MemoryStoreOption {
	return func(s *MemoryStore) error {
		if d <= 0 {
			return invalid("WithClaimTimeout", "%v is not positive", d)
		}
		s.claimTimeout = d
		return nil
	}
}

// NewMemoryStore returns an empty MemoryStore that remembers processed
// events for ttl (DefaultDedupeTTL when ttl is zero or less). It panics
// with the *embedfin.ValidationError of the first invalid option.
func NewMemoryStore(ttl time.Duration, opts ...MemoryStoreOption) *MemoryStore {
	if ttl <= 0 {
		ttl = DefaultDedupeTTL
	}
	s := &MemoryStore{
		ttl:          ttl,
		claimTimeout: DefaultClaimTimeout,
		now:          time.Now,
		entries:      make(map[string]memEntry),
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(s); err != nil {
			panic(err)
		}
	}
	return s
}

// Claim implements DedupeStore.
func (s *MemoryStore) Claim(_ context.Context, eventID string) (ClaimResult, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweepLocked(now)
	if e, ok := s.entries[eventID]; ok && now.Before(e.expires) {
		if e.done {
			return ClaimDone, nil
		}
		return ClaimBusy, nil
	}
	s.entries[eventID] = memEntry{expires: now.Add(s.claimTimeout)}
	return ClaimAcquired, nil
}

// Complete implements DedupeStore. The event is remembered for the TTL from
// now, even if its claim had expired.
func (s *MemoryStore) Complete(_ context.Context, eventID string) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries[eventID] = memEntry{done: true, expires: now.Add(s.ttl)}
	return nil
}

// Release implements DedupeStore. It leaves a completed event alone.
func (s *MemoryStore) Release(_ context.Context, eventID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[eventID]; ok && !e.done {
		delete(s.entries, eventID)
	}
	return nil
}

// Len returns how many events the store holds, processed or claimed, not
// counting expired ones.
func (s *MemoryStore) Len() int {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.entries {
		if now.Before(e.expires) {
			n++
		}
	}
	return n
}

// sweepLocked deletes expired entries, at most once per claim timeout, so
// that the cost of a sweep is spread over the claims in between.
func (s *MemoryStore) sweepLocked(now time.Time) {
	if now.Before(s.nextSweep) {
		return
	}
	for id, e := range s.entries {
		if !now.Before(e.expires) {
			delete(s.entries, id)
		}
	}
	s.nextSweep = now.Add(min(s.claimTimeout, s.ttl))
}
