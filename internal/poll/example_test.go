package poll_test

import (
	"context"
	"fmt"
	"time"

	"github.com/embedfin/embedfin-go/internal/poll"
)

func ExampleUntil() {
	checks := 0
	err := poll.Until(context.Background(), poll.Interval{Min: time.Millisecond, Max: 4 * time.Millisecond, Factor: 2}, time.Minute,
		func(context.Context) (bool, error) {
			checks++
			return checks == 3, nil // done on the third look
		})
	fmt.Println(checks, err)
	// Output: 3 <nil>
}
