package dedupetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go/webhook"
)

// Config is what the suite asks of the stores it opens. Stores must honour
// both durations (to the precision of their backend, within 50 ms).
type Config struct {
	// TTL is how long a completed event is remembered.
	TTL time.Duration
	// ClaimTimeout is how long an unfinished claim holds the event.
	ClaimTimeout time.Duration
}

// Opener opens a store on the namespace of one subtest. Every call must
// return a store that shares state with the others of that Opener, as
// stores in different processes sharing one database would.
type Opener func() webhook.DedupeStore

// Factory returns the Opener of a new, empty namespace for t, configured
// by cfg. It is called once per subtest; clean up with t.Cleanup.
type Factory func(t *testing.T, cfg Config) Opener

// The durations the suite configures stores with.
const (
	shortTimeout = 400 * time.Millisecond
	longTimeout  = time.Hour
)

// Run runs the conformance suite against the stores that factory makes.
func Run(t *testing.T, factory Factory) {
	t.Helper()
	long := Config{TTL: longTimeout, ClaimTimeout: longTimeout}
	cases := []struct {
		name string
		cfg  Config
		run  func(t *testing.T, open Opener)
	}{
		{"ClaimCompleteDone", long, claimCompleteDone},
		{"BusyWhileClaimed", long, busyWhileClaimed},
		{"ReleaseAllowsAnotherClaim", long, releaseAllowsAnotherClaim},
		{"ReleaseAfterCompleteKeepsDone", long, releaseAfterCompleteKeepsDone},
		{"CompleteWithoutClaim", long, completeWithoutClaim},
		{"EventsAreIndependent", long, eventsAreIndependent},
		{"LongAndOddIDs", long, longAndOddIDs},
		{"ClaimTimeout", Config{TTL: longTimeout, ClaimTimeout: shortTimeout}, claimTimeout},
		{"TTL", Config{TTL: shortTimeout, ClaimTimeout: longTimeout}, ttl},
		{"ConcurrentClaimsAcrossHandles", long, concurrentClaims},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, factory(t, tc.cfg))
		})
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func claim(t *testing.T, s webhook.DedupeStore, id string, want webhook.ClaimResult, why string) {
	t.Helper()
	got, err := s.Claim(ctx(t), id)
	if err != nil {
		t.Fatalf("Claim(%q): %v (%s)", id, err, why)
	}
	if got != want {
		t.Fatalf("Claim(%q) = %v, want %v (%s)", id, got, want, why)
	}
}

func complete(t *testing.T, s webhook.DedupeStore, id string) {
	t.Helper()
	if err := s.Complete(ctx(t), id); err != nil {
		t.Fatalf("Complete(%q): %v", id, err)
	}
}

func release(t *testing.T, s webhook.DedupeStore, id string) {
	t.Helper()
	if err := s.Release(ctx(t), id); err != nil {
		t.Fatalf("Release(%q): %v", id, err)
	}
}

func claimCompleteDone(t *testing.T, open Opener) {
	a, b := open(), open()
	claim(t, a, "evt_1", webhook.ClaimAcquired, "first claim")
	complete(t, a, "evt_1")
	claim(t, a, "evt_1", webhook.ClaimDone, "after Complete, same handle")
	claim(t, b, "evt_1", webhook.ClaimDone, "after Complete, another handle")
}

func busyWhileClaimed(t *testing.T, open Opener) {
	a, b := open(), open()
	claim(t, a, "evt_1", webhook.ClaimAcquired, "first claim")
	claim(t, a, "evt_1", webhook.ClaimBusy, "claimed, same handle")
	claim(t, b, "evt_1", webhook.ClaimBusy, "claimed, another handle")
}

func releaseAllowsAnotherClaim(t *testing.T, open Opener) {
	a, b := open(), open()
	claim(t, a, "evt_1", webhook.ClaimAcquired, "first claim")
	release(t, a, "evt_1")
	claim(t, b, "evt_1", webhook.ClaimAcquired, "after Release")
	claim(t, a, "evt_1", webhook.ClaimBusy, "claimed again by the other handle")
	release(t, a, "evt_unknown") // releasing what nobody holds is not an error
}

func releaseAfterCompleteKeepsDone(t *testing.T, open Opener) {
	a, b := open(), open()
	claim(t, a, "evt_1", webhook.ClaimAcquired, "first claim")
	complete(t, a, "evt_1")
	release(t, b, "evt_1")
	claim(t, b, "evt_1", webhook.ClaimDone, "Release after Complete changes nothing")
}

func completeWithoutClaim(t *testing.T, open Opener) {
	a := open()
	complete(t, a, "evt_1")
	claim(t, a, "evt_1", webhook.ClaimDone, "Complete records the event even unclaimed")
}

func eventsAreIndependent(t *testing.T, open Opener) {
	a := open()
	claim(t, a, "evt_1", webhook.ClaimAcquired, "evt_1")
	claim(t, a, "evt_2", webhook.ClaimAcquired, "another event is not held by evt_1's claim")
	complete(t, a, "evt_2")
	claim(t, a, "evt_1", webhook.ClaimBusy, "evt_1 is still only claimed")
	claim(t, a, "evt_10", webhook.ClaimAcquired, "an ID that extends another is another event")
}

func longAndOddIDs(t *testing.T, open Opener) {
	a, b := open(), open()
	for _, id := range []string{
		"evt_" + strings.Repeat("x", 251), // 255 characters
		"evt_with:colon*star?and%percent",
		"evt_ünïcode_✓",
		"evt_'quote\"double;--",
	} {
		claim(t, a, id, webhook.ClaimAcquired, "first claim")
		claim(t, b, id, webhook.ClaimBusy, "second claim")
		complete(t, b, id)
		claim(t, a, id, webhook.ClaimDone, "after Complete")
	}
}

func claimTimeout(t *testing.T, open Opener) {
	a, b := open(), open()
	claim(t, a, "evt_1", webhook.ClaimAcquired, "first claim")
	claim(t, b, "evt_1", webhook.ClaimBusy, "within the claim timeout")
	time.Sleep(shortTimeout + 300*time.Millisecond)
	claim(t, b, "evt_1", webhook.ClaimAcquired, "a claim past its timeout can be taken over")
	complete(t, b, "evt_1")
	claim(t, a, "evt_1", webhook.ClaimDone, "after the new holder completed")
}

func ttl(t *testing.T, open Opener) {
	a, b := open(), open()
	claim(t, a, "evt_1", webhook.ClaimAcquired, "first claim")
	complete(t, a, "evt_1")
	claim(t, b, "evt_1", webhook.ClaimDone, "within the TTL")
	time.Sleep(shortTimeout + 300*time.Millisecond)
	claim(t, b, "evt_1", webhook.ClaimAcquired, "forgotten after the TTL")
}

// concurrentClaims races 8 handles x 8 goroutines over 50 events: each
// event must have exactly one holder, and once completed, no new one.
func concurrentClaims(t *testing.T, open Opener) {
	const handles, perHandle, events = 8, 8, 50
	stores := make([]webhook.DedupeStore, handles)
	for i := range stores {
		stores[i] = open()
	}
	var mu sync.Mutex
	acquired := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, handles*perHandle)
	start := make(chan struct{})
	for h := range handles {
		for range perHandle {
			wg.Add(1)
			go func(s webhook.DedupeStore) {
				defer wg.Done()
				<-start
				for e := range events {
					id := fmt.Sprintf("evt_race_%d", e)
					r, err := s.Claim(ctx(t), id)
					if err != nil {
						errs <- fmt.Errorf("Claim(%s): %w", id, err)
						return
					}
					if r == webhook.ClaimAcquired {
						mu.Lock()
						acquired[id]++
						mu.Unlock()
						if e%2 == 0 { // half are completed at once
							if err := s.Complete(ctx(t), id); err != nil {
								errs <- err
								return
							}
						}
					}
				}
			}(stores[h])
		}
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for e := range events {
		id := fmt.Sprintf("evt_race_%d", e)
		if acquired[id] != 1 {
			t.Errorf("%s acquired %d times, want exactly once", id, acquired[id])
		}
		want := webhook.ClaimBusy
		if e%2 == 0 {
			want = webhook.ClaimDone
		}
		claim(t, stores[e%handles], id, want, "after the race")
	}
}
