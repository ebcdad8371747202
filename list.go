package embedfin

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// List is one page of a list endpoint.
type List[T any] struct {
	APIResource
	// Object is "list".
	Object string `json:"object"`
	// Data holds the page's objects, newest first for most endpoints.
	Data []*T `json:"data"`
	// HasMore reports whether another page follows this one.
	HasMore bool `json:"has_more"`
	// URL is the list's path.
	URL string `json:"url"`
}

// SearchResult is one page of a search endpoint.
type SearchResult[T any] struct {
	APIResource
	// Object is "search_result".
	Object string `json:"object"`
	// Data holds the page's matches.
	Data []*T `json:"data"`
	// HasMore reports whether another page follows this one.
	HasMore bool `json:"has_more"`
	// NextPage is the cursor of the next page, nil on the last one.
	NextPage *string `json:"next_page"`
	// URL is the search's path.
	URL string `json:"url"`
	// TotalCount is the number of matches, present only when requested with
	// expand[]=total_count.
	TotalCount *int64 `json:"total_count,omitempty"`
}

// ErrPaginationStalled is returned by an iterator when a page claims more
// results but gives no cursor to reach them (an empty page, an object without
// an ID, or the same cursor twice), which would otherwise loop forever.
var ErrPaginationStalled = errors.New("embedfin: pagination cannot advance: the page gave no new cursor")

// ListParamsHolder is satisfied by pointers to params structs that embed
// ListParams.
type ListParamsHolder[P any] interface {
	*P
	GetListParams() *ListParams
}

// SearchParamsHolder is satisfied by pointers to params structs that embed
// SearchParams.
type SearchParamsHolder[P any] interface {
	*P
	GetSearchParams() *SearchParams
}

// Paginate returns an iterator over every object of a list endpoint, fetching
// pages with fetch as the loop consumes them; id gives an object's ID, the
// cursor of the next page. Nothing is fetched until the loop starts, and
// fetching stops as soon as the loop breaks.
//
// It pages forward with starting_after. When params set EndingBefore (and not
// StartingAfter) it pages backward with ending_before instead, and yields each
// page in reverse, so objects arrive in the order the walk meets them. The
// caller's params are never modified: each page is fetched with a copy.
//
// An error ends the iteration after being yielded once with a nil object;
// otherwise the object is never nil (a null in a page's data is skipped). A
// page decoded from a response whose object is not "list" (an empty or
// foreign JSON object from a misbehaving server or proxy) is a
// *DecodeError, so that a walk never ends early as if the list were
// complete; pages that fetch builds itself may leave Object empty.
func Paginate[T any, P any, PP ListParamsHolder[P]](ctx context.Context, params PP, fetch func(context.Context, PP) (*List[T], error), id func(*T) string) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		if fetch == nil || id == nil {
			yield(nil, invalid("Paginate", "fetch and id must not be nil"))
			return
		}
		cp := PP(new(P))
		if params != nil {
			*cp = *params
		}
		lp := cp.GetListParams()
		backward := lp.EndingBefore != nil && lp.StartingAfter == nil
		var last string
		for {
			page, err := fetch(ctx, cp)
			if err == nil {
				err = page.check()
			}
			if err != nil {
				yield(nil, err)
				return
			}
			n := len(page.Data)
			for i := range n {
				item := page.Data[i]
				if backward {
					item = page.Data[n-1-i]
				}
				if item == nil {
					continue // a JSON null in data: no object to hand over
				}
				if !yield(item, nil) {
					return
				}
			}
			if !page.HasMore {
				return
			}
			var cursor string
			if n > 0 {
				edge := page.Data[n-1]
				if backward {
					edge = page.Data[0]
				}
				if edge != nil {
					cursor = id(edge)
				}
			}
			if cursor == "" || cursor == last {
				yield(nil, ErrPaginationStalled)
				return
			}
			last = cursor
			if backward {
				lp.EndingBefore = &cursor
			} else {
				lp.StartingAfter = &cursor
			}
		}
	}
}

// PaginateSearch returns an iterator over every match of a search endpoint,
// following next_page. It behaves as Paginate does: lazy, stops on break,
// never modifies the caller's params, yields an error once and ends.
func PaginateSearch[T any, P any, PP SearchParamsHolder[P]](ctx context.Context, params PP, fetch func(context.Context, PP) (*SearchResult[T], error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		if fetch == nil {
			yield(nil, invalid("PaginateSearch", "fetch must not be nil"))
			return
		}
		cp := PP(new(P))
		if params != nil {
			*cp = *params
		}
		sp := cp.GetSearchParams()
		var last string
		for {
			page, err := fetch(ctx, cp)
			if err == nil {
				err = page.check()
			}
			if err != nil {
				yield(nil, err)
				return
			}
			for _, item := range page.Data {
				if item == nil {
					continue
				}
				if !yield(item, nil) {
					return
				}
			}
			if !page.HasMore {
				return
			}
			if page.NextPage == nil || *page.NextPage == "" || *page.NextPage == last {
				yield(nil, ErrPaginationStalled)
				return
			}
			last = *page.NextPage
			next := last
			sp.Page = &next
		}
	}
}

// check returns a *DecodeError when the page is missing, or when it came
// from a response (LastResponse is set) or names an object type, and that
// type is not "list".
func (l *List[T]) check() error {
	if l == nil {
		return pageError("", "list", nil)
	}
	if l.Object != "list" && (l.Object != "" || l.LastResponse != nil) {
		return pageError(l.Object, "list", l.LastResponse)
	}
	return nil
}

// check is List.check for search results.
func (s *SearchResult[T]) check() error {
	if s == nil {
		return pageError("", "search_result", nil)
	}
	if s.Object != "search_result" && (s.Object != "" || s.LastResponse != nil) {
		return pageError(s.Object, "search_result", s.LastResponse)
	}
	return nil
}

func pageError(object, want string, meta *Response) error {
	e := &DecodeError{Err: fmt.Errorf("the response is not a page: its object is %q, not %q", object, want)}
	if meta != nil {
		e.StatusCode, e.RequestID, e.ContentType = meta.StatusCode, meta.RequestID, meta.Header.Get("Content-Type")
	}
	return e
}
