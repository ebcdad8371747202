package stripetest

import (
	"slices"

	"github.com/embedfin/embedfin-go"
)

// pageLimit checks a list's limit (default 10).
func pageLimit(lp embedfin.ListParams) (int, error) {
	if lp.Limit == nil {
		return 10, nil
	}
	if *lp.Limit < 1 || *lp.Limit > 100 {
		return 0, invalidRequest("parameter_invalid_integer", "limit", "Invalid limit: must be between 1 and 100")
	}
	return int(*lp.Limit), nil
}

// listQuery selects the objects of one list request.
type listQuery[T any] struct {
	// filter names a filtered index (see listings), "" for the kind's.
	filter string
	// at and atRange filter on the kind's time (created, or
	// transacted_at for Financial Connections transactions).
	at      *int64
	atRange *embedfin.RangeQueryParams
	// keep applies the other filters; nil keeps everything.
	keep func(*T) bool
	// view is what a listed object looks like; nil returns it as stored.
	view func(*T) *T
}

// listPage cuts one page, newest first, out of an index, per limit,
// starting_after and ending_before as the API does. A cursor must be an
// object the query selects. The page is found with a binary search for
// the cursor (and for a created range, when the index is in created
// order), then by reading entries until it is full: its cost does not
// grow with the number of objects stored, only with those the filters in
// keep skip.
func listPage[T any](e *env, kind string, q listQuery[T], lp embedfin.ListParams, url string) (*embedfin.List[T], error) {
	limit, err := pageLimit(lp)
	if err != nil {
		return nil, err
	}
	if lp.StartingAfter != nil && lp.EndingBefore != nil {
		return nil, invalidRequest("parameter_invalid", "ending_before", "You may only specify one of starting_after and ending_before.")
	}
	x := e.index(kind, q.filter)
	if x == nil {
		x = &index{}
	}
	ents := x.entries
	lo, hi := 0, len(ents)
	if (x.byAt || x.atSorted) && (q.at != nil || q.atRange != nil) {
		lo, hi = x.atBounds(q.at, q.atRange)
	}
	match := func(i int) (*T, bool) {
		en := ents[i]
		if !inRange(en.at, q.at, q.atRange) {
			return nil, false
		}
		v, ok := get[T](e, en.id)
		if !ok || q.keep != nil && !q.keep(v) {
			return nil, false
		}
		return v, true
	}
	cursor := func(id, param string) (int, error) {
		if rec := e.objects[id]; rec != nil {
			if i, ok := x.find(entry{rec.at, rec.seq, id}); ok {
				if _, ok := match(i); ok {
					return i, nil
				}
			}
		}
		return 0, invalidRequest("resource_missing", param, "No such object: '%s'", id)
	}
	out := make([]*T, 0, min(limit+1, hi-lo))
	if lp.EndingBefore != nil {
		p, err := cursor(*lp.EndingBefore, "ending_before")
		if err != nil {
			return nil, err
		}
		for i := max(p+1, lo); i < hi && len(out) <= limit; i++ {
			if v, ok := match(i); ok {
				out = append(out, v)
			}
		}
	} else {
		start := hi - 1
		if lp.StartingAfter != nil {
			p, err := cursor(*lp.StartingAfter, "starting_after")
			if err != nil {
				return nil, err
			}
			start = min(p-1, start)
		}
		for i := start; i >= lo && len(out) <= limit; i-- {
			if v, ok := match(i); ok {
				out = append(out, v)
			}
		}
	}
	more := len(out) > limit
	out = out[:min(len(out), limit)]
	if lp.EndingBefore != nil {
		slices.Reverse(out)
	}
	if q.view != nil {
		for i, v := range out {
			out[i] = q.view(v)
		}
	}
	return &embedfin.List[T]{Object: "list", URL: url, Data: out, HasMore: more}, nil
}

// page cuts one page out of items (newest first) per limit, starting_after
// and ending_before, as the API does: for lists held in full anyway (an
// ownership's owners) or ordered otherwise than the indexes.
func page[T any](items []*T, lp embedfin.ListParams, url string, id func(*T) string) (*embedfin.List[T], error) {
	limit, err := pageLimit(lp)
	if err != nil {
		return nil, err
	}
	find := func(cursor, param string) (int, error) {
		for i, it := range items {
			if id(it) == cursor {
				return i, nil
			}
		}
		return 0, invalidRequest("resource_missing", param, "No such object: '%s'", cursor)
	}
	start, end := 0, len(items)
	switch {
	case lp.StartingAfter != nil && lp.EndingBefore != nil:
		return nil, invalidRequest("parameter_invalid", "ending_before", "You may only specify one of starting_after and ending_before.")
	case lp.StartingAfter != nil:
		i, err := find(*lp.StartingAfter, "starting_after")
		if err != nil {
			return nil, err
		}
		start = i + 1
	case lp.EndingBefore != nil:
		i, err := find(*lp.EndingBefore, "ending_before")
		if err != nil {
			return nil, err
		}
		end = i
		start = max(0, end-limit)
		return &embedfin.List[T]{Object: "list", URL: url, Data: nonNil(items[start:end]), HasMore: start > 0}, nil
	}
	stop := min(start+limit, end)
	return &embedfin.List[T]{Object: "list", URL: url, Data: nonNil(items[start:stop]), HasMore: stop < end}, nil
}

func nonNil[T any](s []*T) []*T {
	if s == nil {
		return []*T{}
	}
	return s
}

// inRange applies a created/transacted_at filter: an exact value or a
// range.
func inRange(v int64, exact *int64, r *embedfin.RangeQueryParams) bool {
	if exact != nil && v != *exact {
		return false
	}
	if r == nil {
		return true
	}
	return (r.GreaterThan == nil || v > *r.GreaterThan) &&
		(r.GreaterThanOrEqual == nil || v >= *r.GreaterThanOrEqual) &&
		(r.LesserThan == nil || v < *r.LesserThan) &&
		(r.LesserThanOrEqual == nil || v <= *r.LesserThanOrEqual)
}
