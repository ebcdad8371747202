package embedfin_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func page(hasMore bool, ids ...string) string {
	items := make([]string, len(ids))
	for i, id := range ids {
		items[i] = fmt.Sprintf(`{"id":%q,"object":"widget"}`, id)
	}
	return fmt.Sprintf(`{"object":"list","url":"/v1/widgets","has_more":%t,"data":[%s]}`, hasMore, strings.Join(items, ","))
}

// listWidgets is what a generated All method looks like.
func listWidgets(c *embedfin.Client, params *objListParams, opts ...embedfin.RequestOption) func(yield func(*obj, error) bool) {
	return embedfin.Paginate(bg, params, func(ctx context.Context, p *objListParams) (*embedfin.List[obj], error) {
		page := new(embedfin.List[obj])
		return page, c.Do(ctx, "GET", "/v1/widgets", p, page, opts...)
	}, objID)
}

func collect(t *testing.T, seq func(yield func(*obj, error) bool)) ([]string, error) {
	t.Helper()
	var ids []string
	for o, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, o.ID)
	}
	return ids, nil
}

func TestPaginateAcrossThreePages(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("GET", "/v1/widgets", ok(page(true, "w_1", "w_2")), ok(page(true, "w_3", "w_4")), ok(page(false, "w_5")))
	params := &objListParams{Customer: embedfin.Ptr("cus_1")}
	params.Limit = embedfin.Ptr(int64(2))
	ids, err := collect(t, listWidgets(c, params, embedfin.WithStripeAccount("acct_9")))
	require.NoError(t, err)
	assert.Equal(t, []string{"w_1", "w_2", "w_3", "w_4", "w_5"}, ids)
	reqs := api.requests()
	require.Len(t, reqs, 3)
	assert.Empty(t, reqs[0].Query.Get("starting_after"))
	assert.Equal(t, "w_2", reqs[1].Query.Get("starting_after"))
	assert.Equal(t, "w_4", reqs[2].Query.Get("starting_after"))
	for _, r := range reqs {
		assert.Equal(t, "cus_1", r.Query.Get("customer"))
		assert.Equal(t, "2", r.Query.Get("limit"))
		assert.Equal(t, "acct_9", r.Header.Get("Stripe-Account"))
	}
	assert.Nil(t, params.StartingAfter, "the caller's params are not modified")
}

func TestPaginateIsLazyAndStopsOnBreak(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("GET", "/v1/widgets", ok(page(true, "w_1", "w_2")), ok(page(true, "w_3", "w_4")), ok(page(false, "w_5")))
	seq := listWidgets(c, nil)
	assert.Empty(t, api.requests(), "nothing is fetched before the loop starts")
	var got []string
	for o, err := range seq {
		require.NoError(t, err)
		got = append(got, o.ID)
		if o.ID == "w_3" {
			break
		}
	}
	assert.Equal(t, []string{"w_1", "w_2", "w_3"}, got)
	assert.Len(t, api.requests(), 2, "the third page is never fetched")
}

func TestPaginateErrorMidway(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t, embedfin.WithMaxRetries(0))
	api.script("GET", "/v1/widgets", ok(page(true, "w_1", "w_2")), status(400, `{"error":{"type":"invalid_request_error","message":"bad cursor"}}`), ok(page(false, "w_9")))
	var ids []string
	var errs []error
	for o, err := range listWidgets(c, nil) {
		if err != nil {
			errs = append(errs, err)
			continue // the iterator must end by itself after the error
		}
		ids = append(ids, o.ID)
	}
	assert.Equal(t, []string{"w_1", "w_2"}, ids)
	require.Len(t, errs, 1)
	var apiErr *embedfin.Error
	assert.ErrorAs(t, errs[0], &apiErr)
	assert.Len(t, api.requests(), 2)
}

func TestPaginateBackwardReversesPages(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	// Stripe returns each page newest first; walking backward from w_1
	// meets w_2, w_3, then w_4, w_5.
	api.script("GET", "/v1/widgets", ok(page(true, "w_3", "w_2")), ok(page(false, "w_5", "w_4")))
	params := &objListParams{}
	params.EndingBefore = embedfin.Ptr("w_1")
	ids, err := collect(t, listWidgets(c, params))
	require.NoError(t, err)
	assert.Equal(t, []string{"w_2", "w_3", "w_4", "w_5"}, ids)
	reqs := api.requests()
	assert.Equal(t, "w_1", reqs[0].Query.Get("ending_before"))
	assert.Equal(t, "w_3", reqs[1].Query.Get("ending_before"))
	assert.Empty(t, reqs[1].Query.Get("starting_after"))
	assert.Equal(t, "w_1", *params.EndingBefore)
}

func TestPaginateDetectsStall(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("GET", "/v1/widgets", ok(page(true)))
	_, err := collect(t, listWidgets(c, nil))
	assert.ErrorIs(t, err, embedfin.ErrPaginationStalled)

	c2, api2 := newTestClient(t)
	api2.script("GET", "/v1/widgets", ok(page(true, "w_1")))
	ids, err := collect(t, listWidgets(c2, nil))
	assert.ErrorIs(t, err, embedfin.ErrPaginationStalled, "the same cursor twice")
	assert.Equal(t, []string{"w_1", "w_1"}, ids)
	assert.Len(t, api2.requests(), 2)
	_ = api
}

type searchParams struct {
	embedfin.SearchParams
}

func TestPaginateSearchFollowsNextPage(t *testing.T) {
	t.Parallel()
	c, api := newTestClient(t)
	api.script("GET", "/v1/widgets/search",
		ok(`{"object":"search_result","url":"/v1/widgets/search","has_more":true,"next_page":"pg_2","data":[{"id":"w_1"}]}`),
		ok(`{"object":"search_result","url":"/v1/widgets/search","has_more":false,"next_page":null,"data":[{"id":"w_2"}]}`))
	params := &searchParams{}
	params.Query = "email:'a@b.c'"
	seq := embedfin.PaginateSearch(bg, params, func(ctx context.Context, p *searchParams) (*embedfin.SearchResult[obj], error) {
		res := new(embedfin.SearchResult[obj])
		return res, c.Do(ctx, "GET", "/v1/widgets/search", p, res)
	})
	ids, err := collect(t, seq)
	require.NoError(t, err)
	assert.Equal(t, []string{"w_1", "w_2"}, ids)
	reqs := api.requests()
	assert.Equal(t, "email:'a@b.c'", reqs[0].Query.Get("query"))
	assert.Empty(t, reqs[0].Query.Get("page"))
	assert.Equal(t, "pg_2", reqs[1].Query.Get("page"))
	assert.Nil(t, params.Page)

	api.script("GET", "/v1/stuck/search", ok(`{"object":"search_result","has_more":true,"next_page":null,"data":[]}`))
	_, err = collect(t, embedfin.PaginateSearch(bg, params, func(ctx context.Context, p *searchParams) (*embedfin.SearchResult[obj], error) {
		res := new(embedfin.SearchResult[obj])
		return res, c.Do(ctx, "GET", "/v1/stuck/search", p, res)
	}))
	assert.ErrorIs(t, err, embedfin.ErrPaginationStalled)

	_, err = collect(t, embedfin.PaginateSearch(bg, (*searchParams)(nil), func(ctx context.Context, p *searchParams) (*embedfin.SearchResult[obj], error) {
		return nil, errors.New("boom")
	}))
	assert.EqualError(t, err, "boom")
}
