package stripetest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go/connect"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/stretchr/testify/require"
)

// TestListPagesMatchAFullScan compares customer list pages served from the
// indexes with pages cut from a full scan (the emulator's former way), over
// random stores (emails changed, customers deleted, a clock that goes back
// now and then) and random queries: filters, created ranges, limits and
// cursors, valid or not.
func TestListPagesMatchAFullScan(t *testing.T) {
	t.Parallel()
	for _, backwards := range []bool{false, true} {
		t.Run(fmt.Sprintf("clock going back %v", backwards), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(7, map[bool]uint64{false: 1, true: 2}[backwards]))
			var now atomic.Int64
			now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix())
			s := NewServer(WithClock(func() time.Time { return time.Unix(now.Load(), 0) }))
			defer s.Close()
			emails := []string{"a@example.com", "b@example.com", "c@example.com"}
			var ids []string
			for range 300 {
				step := int64(rng.IntN(3))
				if backwards && rng.IntN(10) == 0 {
					step = -int64(rng.IntN(20))
				}
				now.Add(step)
				w := serveLocal(s, "POST", "/v1/customers", "email="+url.QueryEscape(emails[rng.IntN(len(emails))]))
				require.Equal(t, 200, w.Code)
				var c struct{ ID string }
				require.NoError(t, json.Unmarshal(w.Body.Bytes(), &c))
				ids = append(ids, c.ID)
				switch rng.IntN(10) {
				case 0:
					id := ids[rng.IntN(len(ids))]
					serveLocal(s, "DELETE", "/v1/customers/"+id, "")
				case 1:
					id := ids[rng.IntN(len(ids))]
					serveLocal(s, "POST", "/v1/customers/"+id, "email="+url.QueryEscape(emails[rng.IntN(len(emails))]))
				}
			}
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
			for q := range 2000 {
				v := url.Values{}
				p := &customers.CustomerListParams{}
				if rng.IntN(2) == 0 {
					e := emails[rng.IntN(len(emails))]
					v.Set("email", e)
					p.Email = &e
				}
				if rng.IntN(3) == 0 {
					p.CreatedRange = &embedfin.RangeQueryParams{}
					if rng.IntN(2) == 0 {
						x := base + int64(rng.IntN(300))
						v.Set("created[gte]", fmt.Sprint(x))
						p.CreatedRange.GreaterThanOrEqual = &x
					}
					if rng.IntN(2) == 0 {
						x := base + int64(rng.IntN(300))
						v.Set("created[lt]", fmt.Sprint(x))
						p.CreatedRange.LesserThan = &x
					}
				} else if rng.IntN(8) == 0 {
					x := base + int64(rng.IntN(300))
					v.Set("created", fmt.Sprint(x))
					p.Created = &x
				}
				if rng.IntN(4) > 0 {
					n := int64(1 + rng.IntN(20))
					v.Set("limit", fmt.Sprint(n))
					p.Limit = &n
				}
				switch rng.IntN(3) {
				case 0:
					id := ids[rng.IntN(len(ids))]
					v.Set("starting_after", id)
					p.StartingAfter = &id
				case 1:
					id := ids[rng.IntN(len(ids))]
					v.Set("ending_before", id)
					p.EndingBefore = &id
				}
				w := serveLocal(s, "GET", "/v1/customers?"+v.Encode(), "")

				// The reference: every customer, filtered, then cut.
				s.mu.Lock()
				items := all(s.keyState(DefaultKey).platform, kindCustomer, func(cu *connect.Customer) bool {
					return !cu.Deleted && (p.Email == nil || embedfin.Deref(cu.Email) == *p.Email) && inRange(cu.Created, p.Created, p.CreatedRange)
				})
				want, err := page(items, p.ListParams, "/v1/customers", (*connect.Customer).GetID)
				var wantBody []byte
				if err != nil {
					wantBody = errorBody(err.(*apiError))
				} else {
					wantBody = shapeJSON(rawJSON(want)) // as rendered (render.go)
				}
				s.mu.Unlock()
				require.JSONEq(t, string(wantBody), w.Body.String(), "query %d: %s", q, v.Encode())
			}
		})
	}
}
