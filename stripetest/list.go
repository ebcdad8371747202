package stripetest

import (
	"github.com/embedfin/embedfin-go"
)

// page cuts one page out of items (newest first) per limit, starting_after
// and ending_before, as the API does.
func page[T any](items []*T, lp embedfin.ListParams, url string, id func(*T) string) (*embedfin.List[T], error) {
	limit := int64(10)
	if lp.Limit != nil {
		limit = *lp.Limit
		if limit < 1 || limit > 100 {
			return nil, invalidRequest("parameter_invalid_integer", "limit", "Invalid limit: must be between 1 and 100")
		}
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
		start = max(0, end-int(limit))
		return &embedfin.List[T]{Object: "list", URL: url, Data: nonNil(items[start:end]), HasMore: start > 0}, nil
	}
	stop := min(start+int(limit), end)
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
