package stripetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"testing"
)

// BenchmarkListTenItems lists a page of 10 customers from the middle of
// the list (starting_after a stored customer) with 1,000 and 100,000
// stored: the cost of a page should not depend on how many are stored.
func BenchmarkListTenItems(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := NewServer()
			defer s.Close()
			ids := make([]string, 0, n)
			for i := range n {
				w := serveLocal(s, "POST", "/v1/customers", fmt.Sprintf("email=c%d%%40example.com&name=Customer+%d", i, i))
				if w.Code != http.StatusOK {
					b.Fatalf("create: %d %s", w.Code, w.Body)
				}
				var c struct{ ID string }
				if err := json.Unmarshal(w.Body.Bytes(), &c); err != nil {
					b.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
			path := "/v1/customers?limit=10&starting_after=" + ids[n/2]
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				w := serveLocal(s, "GET", path, "")
				if w.Code != http.StatusOK {
					b.Fatalf("list: %d %s", w.Code, w.Body)
				}
			}
		})
	}
}
