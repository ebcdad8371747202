package retry_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/embedfin/embedfin-go/internal/retry"
)

func ExampleBackoff() {
	now := time.Date(2026, 8, 26, 12, 0, 0, 0, time.UTC)
	// Fixed random sources: the lowest and the highest point of the jitter.
	lowest := func(int64) int64 { return 0 }
	highest := func(n int64) int64 { return n - 1 }

	for attempt := range 6 {
		lo := retry.Backoff(retry.DefaultMinWait, retry.DefaultMaxWait, attempt, nil, now, lowest)
		hi := retry.Backoff(retry.DefaultMinWait, retry.DefaultMaxWait, attempt, nil, now, highest)
		fmt.Printf("retry %d waits %v to %v\n", attempt+1, lo, hi)
	}

	// Retry-After wins over the schedule, up to the cap.
	for _, after := range []string{"3", "60"} {
		resp := &http.Response{Header: http.Header{"Retry-After": {after}}}
		fmt.Println("Retry-After", after, "->", retry.Backoff(retry.DefaultMinWait, retry.DefaultMaxWait, 0, resp, now, lowest))
	}
	// Output:
	// retry 1 waits 250ms to 500ms
	// retry 2 waits 500ms to 1s
	// retry 3 waits 1s to 2s
	// retry 4 waits 2s to 4s
	// retry 5 waits 4s to 8s
	// retry 6 waits 4s to 8s
	// Retry-After 3 -> 3s
	// Retry-After 60 -> 8s
}
