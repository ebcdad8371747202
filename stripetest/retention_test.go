package stripetest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// retentionClient sends requests in memory and decodes their answers.
type retentionClient struct {
	t *testing.T
	s *Server
}

func (c retentionClient) do(method, path, body string, hdr ...string) (int, map[string]any) {
	c.t.Helper()
	w := serveLocal(c.s, method, path, body, hdr...)
	var out map[string]any
	require.NoError(c.t, json.Unmarshal(w.Body.Bytes(), &out), "%s %s: %s", method, path, w.Body.String())
	return w.Code, out
}

// id sends a request that must succeed and returns the object's ID.
func (c retentionClient) id(method, path, body string, hdr ...string) string {
	c.t.Helper()
	status, out := c.do(method, path, body, hdr...)
	require.Equal(c.t, http.StatusOK, status, "%s %s: %v", method, path, out)
	return out["id"].(string)
}

// missing checks that an object is gone: 404 resource_missing.
func (c retentionClient) missing(path string, hdr ...string) {
	c.t.Helper()
	status, out := c.do("GET", path, "", hdr...)
	require.Equal(c.t, http.StatusNotFound, status, "GET %s: %v", path, out)
	assert.Equal(c.t, "resource_missing", out["error"].(map[string]any)["code"], path)
}

// present checks that an object is retrievable.
func (c retentionClient) present(path string, hdr ...string) {
	c.t.Helper()
	status, out := c.do("GET", path, "", hdr...)
	require.Equal(c.t, http.StatusOK, status, "GET %s: %v", path, out)
}

// ids lists a whole list by pages of limit, newest first, following
// starting_after, and returns the IDs; with from, it pages backwards with
// ending_before from that object and returns those newer than it.
func (c retentionClient) ids(path string, q url.Values, limit int, from ...string) []string {
	c.t.Helper()
	var all []string
	q = cloneValues(q)
	q.Set("limit", fmt.Sprint(limit))
	backwards := len(from) > 0
	if backwards {
		q.Set("ending_before", from[0])
	}
	for {
		status, out := c.do("GET", path+"?"+q.Encode(), "")
		require.Equal(c.t, http.StatusOK, status, "%v", out)
		var page []string
		for _, o := range out["data"].([]any) {
			page = append(page, o.(map[string]any)["id"].(string))
		}
		if backwards {
			all = append(page, all...)
		} else {
			all = append(all, page...)
		}
		if !out["has_more"].(bool) || len(page) == 0 {
			return all
		}
		if backwards {
			q.Set("ending_before", page[0])
		} else {
			q.Set("starting_after", page[len(page)-1])
		}
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// audit checks the store's bookkeeping against its objects: every index
// entry names a live object that lists the index, in order; no filtered
// index is empty; every object sits in its indexes; each kind's count,
// pins and the bound hold.
func audit(t *testing.T, s *Server) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	require.Empty(t, s.unsettled, "settled after each request")
	for _, ks := range s.keys {
		envs := []*env{ks.platform}
		for _, e := range ks.connected {
			envs = append(envs, e)
		}
		for _, e := range envs {
			auditEnv(t, e)
		}
	}
}

func auditEnv(t *testing.T, e *env) {
	t.Helper()
	for name, x := range e.lists {
		if strings.Contains(name, "|") {
			assert.NotEmpty(t, x.entries, "empty filtered index %s", name)
		}
		for i, en := range x.entries {
			rec := e.objects[en.id]
			require.NotNil(t, rec, "index %s holds %s, which is gone", name, en.id)
			assert.Contains(t, rec.lists, name)
			assert.Equal(t, rec.seq, en.seq)
			if i > 0 {
				assert.True(t, x.less(x.entries[i-1], en), "index %s out of order at %d", name, i)
			}
		}
	}
	live, unpinned, deps := map[string]int{}, map[string]int{}, map[*record]int{}
	for id, rec := range e.objects {
		assert.Equal(t, id, rec.id)
		assert.False(t, rec.gone, id)
		for _, l := range rec.lists {
			x := e.lists[l]
			require.NotNil(t, x, "%s: index %s missing", id, l)
			_, ok := x.find(entry{rec.at, rec.seq, id})
			assert.True(t, ok, "%s not in index %s", id, l)
		}
		if !attachments[rec.kind] {
			live[queueKey(rec)]++
			if rec.deps == 0 {
				unpinned[queueKey(rec)]++
			}
		}
		for _, target := range rec.refs {
			deps[target]++
			assert.False(t, target.gone, "%s pins a gone object", id)
			assert.Less(t, rank[target.kind], rank[rec.kind], "%s pins %s", rec.kind, target.kind)
		}
	}
	for id, rec := range e.objects {
		assert.Equal(t, deps[rec], rec.deps, "pins of %s", id)
	}
	n := e.srv.cfg.retention
	for kind, q := range e.ret.queues {
		assert.Equal(t, live[kind], q.live, "count of %s", kind)
		assert.Equal(t, live[kind]-unpinned[kind], q.pinned, "pinned %s", kind)
		assert.LessOrEqual(t, unpinned[kind], n, "unpinned %s past the bound", kind)
		assert.LessOrEqual(t, len(q.recs)-q.head, 2*q.live+64, "queue of %s compacted", kind)
	}
}

// TestRetentionEvictsOldestAndListsFollow: with a bound of n, customers
// (deleted ones included: they are still retrievable) are evicted oldest
// first; an evicted one is a 404, a cursor naming one is a 400, and
// every list, filtered or not, paged either way with any limit, is
// exactly the retained customers, newest first — checked against a model
// over random creates, updates of the email filter and deletes.
func TestRetentionEvictsOldestAndListsFollow(t *testing.T) {
	t.Parallel()
	const n = 7
	s := NewServer(WithRetention(n))
	defer s.Close()
	c := retentionClient{t, s}
	rng := rand.New(rand.NewPCG(13, 1))
	emails := []string{"a@example.com", "b@example.com"}
	type model struct {
		id, email string
		deleted   bool
	}
	var created []*model
	evicted := map[string]bool{}
	for step := range 200 {
		email := emails[rng.IntN(2)]
		if rng.IntN(4) == 0 {
			email = fmt.Sprintf("once%d@example.com", step) // an index of its own, dropped with it
		}
		m := &model{id: c.id("POST", "/v1/customers", "email="+url.QueryEscape(email)), email: email}
		created = append(created, m)
		if len(created) > n {
			evicted[created[len(created)-n-1].id] = true
		}
		retained := created[max(0, len(created)-n):]
		switch r := retained[rng.IntN(len(retained))]; rng.IntN(6) {
		case 0:
			if !r.deleted {
				c.id("DELETE", "/v1/customers/"+r.id, "")
				r.deleted = true
			}
		case 1:
			if !r.deleted {
				r.email = emails[rng.IntN(2)]
				c.id("POST", "/v1/customers/"+r.id, "email="+url.QueryEscape(r.email))
			}
		}
		if step%10 != 9 {
			continue
		}
		audit(t, s)
		for _, m := range created {
			if evicted[m.id] {
				c.missing("/v1/customers/" + m.id)
				status, out := c.do("GET", "/v1/customers?starting_after="+m.id, "")
				assert.Equal(t, http.StatusBadRequest, status)
				assert.Equal(t, "resource_missing", out["error"].(map[string]any)["code"])
			} else {
				c.present("/v1/customers/" + m.id) // deleted ones too
			}
		}
		for _, filter := range []string{"", emails[0], emails[1]} {
			var want []string
			for i := len(retained) - 1; i >= 0; i-- {
				if m := retained[i]; !m.deleted && (filter == "" || m.email == filter) {
					want = append(want, m.id)
				}
			}
			q := url.Values{}
			if filter != "" {
				q.Set("email", filter)
			}
			for _, limit := range []int{1, 2, 3, 100} {
				assert.Equal(t, want, nonNilIDs(c.ids("/v1/customers", q, limit)), "email %q, limit %d, forwards", filter, limit)
				if len(want) > 0 {
					assert.Equal(t, nonNilIDs(want[:len(want)-1]), nonNilIDs(c.ids("/v1/customers", q, limit, want[len(want)-1])),
						"email %q, limit %d, backwards from the oldest", filter, limit)
				}
			}
		}
	}
	s.mu.Lock()
	e := s.keys[DefaultKey].platform
	assert.Equal(t, n, e.ret.queues[kindCustomer].live)
	assert.LessOrEqual(t, len(e.lists), 2+2+n+2, "indexes of evicted emails and events went: %d", len(e.lists))
	assert.LessOrEqual(t, len(e.index(kindEvent, "").entries), n, "events are bounded too")
	s.mu.Unlock()
}

func nonNilIDs(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	return ids
}

// TestRetentionPinsWhatIsNamed: a customer named by a Financial
// Connections session and account is kept past the bound while either is
// retained, not counted against it, and evicted as the oldest once nothing
// retained names it.
func TestRetentionPinsWhatIsNamed(t *testing.T) {
	t.Parallel()
	s := NewServer(WithRetention(2))
	defer s.Close()
	c := retentionClient{t, s}
	session := func(customer string) string {
		return c.id("POST", "/v1/financial_connections/sessions", "account_holder[type]=customer&account_holder[customer]="+customer+"&permissions[]=balances")
	}
	complete := func(sess string) string {
		status, out := c.do("POST", "/v1/test_helpers/financial_connections/sessions/"+sess+"/complete", "")
		require.Equal(t, http.StatusOK, status, "%v", out)
		return out["accounts"].(map[string]any)["data"].([]any)[0].(map[string]any)["id"].(string)
	}
	a := c.id("POST", "/v1/customers", "name=Pinned")
	sessA := session(a)
	fcaA := complete(sessA)
	var others []string
	for i := range 8 {
		others = append(others, c.id("POST", "/v1/customers", fmt.Sprintf("name=Other%d", i)))
		audit(t, s)
	}
	c.present("/v1/customers/" + a) // pinned by its session and account
	for _, id := range others[:6] {
		c.missing("/v1/customers/" + id)
	}
	c.present("/v1/customers/" + others[6]) // two unpinned customers kept besides the pinned one
	c.present("/v1/customers/" + others[7])

	// Two newer sessions evict A's session; A's account still names A.
	k := others[7]
	s1, s2 := session(k), session(k)
	c.missing("/v1/financial_connections/sessions/" + sessA)
	c.present("/v1/customers/" + a)
	audit(t, s)

	// Two newer accounts evict A's account (nothing pins it: no
	// transactions were fetched); A is then unpinned, the oldest customer,
	// and goes with the next customer created.
	complete(s1)
	complete(s2)
	c.missing("/v1/financial_connections/accounts/" + fcaA)
	audit(t, s)
	c.id("POST", "/v1/customers", "name=Next")
	c.missing("/v1/customers/" + a)
	c.present("/v1/customers/" + k) // pinned by the two newer sessions and accounts
	audit(t, s)
}

// waitRefresh waits for an account's transaction refresh to end.
func waitRefresh(t *testing.T, c retentionClient, account string) {
	t.Helper()
	require.Eventually(t, func() bool {
		_, out := c.do("GET", "/v1/financial_connections/accounts/"+account, "")
		r, _ := out["transaction_refresh"].(map[string]any)
		return r != nil && r["status"] == "succeeded"
	}, 10*time.Second, 5*time.Millisecond)
}

// linkWith links an account with balances and transactions for a new
// customer and waits for its transactions.
func linkWith(t *testing.T, c retentionClient) string {
	t.Helper()
	cus := c.id("POST", "/v1/customers", "")
	sess := c.id("POST", "/v1/financial_connections/sessions",
		"account_holder[type]=customer&account_holder[customer]="+cus+"&permissions[]=transactions&permissions[]=balances&prefetch[]=transactions")
	status, out := c.do("POST", "/v1/test_helpers/financial_connections/sessions/"+sess+"/complete", "")
	require.Equal(t, http.StatusOK, status, "%v", out)
	acct := out["accounts"].(map[string]any)["data"].([]any)[0].(map[string]any)["id"].(string)
	waitRefresh(t, c, acct)
	return acct
}

// balanceOfAccount refreshes an account's balance and returns it.
func balanceOfAccount(t *testing.T, c retentionClient, acct string) any {
	t.Helper()
	c.id("POST", "/v1/financial_connections/accounts/"+acct+"/refresh", "features[]=balance")
	var out map[string]any
	require.Eventually(t, func() bool {
		_, out = c.do("GET", "/v1/financial_connections/accounts/"+acct, "")
		r, _ := out["balance_refresh"].(map[string]any)
		return r != nil && r["status"] == "succeeded"
	}, 10*time.Second, 5*time.Millisecond)
	return out["balance"].(map[string]any)["current"]
}

// TestRetentionFinancialConnectionsTransactions: an account's transactions
// are evicted oldest first (with their bank-side records: the balance
// does not change); the account stays while any is retained; an account
// left with none still gets new ones from its next refresh; refreshes
// beyond the last n are forgotten (transaction_refresh[after] naming one
// is a 400 resource_missing).
func TestRetentionFinancialConnectionsTransactions(t *testing.T) {
	t.Parallel()
	const n = 40
	s := NewServer(WithRetention(n), WithRefreshDelay(0))
	defer s.Close()
	c := retentionClient{t, s}
	link := func() string { return linkWith(t, c) }
	balance := func(acct string) any { return balanceOfAccount(t, c, acct) }
	txns := func(acct string) []string {
		return c.ids("/v1/financial_connections/transactions", url.Values{"account": {acct}}, 100)
	}

	refreshOf := func(acct string) string {
		_, out := c.do("GET", "/v1/financial_connections/accounts/"+acct, "")
		return out["transaction_refresh"].(map[string]any)["id"].(string)
	}

	first := link()
	kept := txns(first)
	assert.Len(t, kept, n, "about six months of history, the newest n kept")
	audit(t, s)
	// The same history kept in full (same seed, same requests) has the
	// same balance: evicted posted amounts moved into the opening balance.
	full := NewServer(WithRetention(0), WithRefreshDelay(0))
	defer full.Close()
	fullFirst := (func() string { c := c; c.s = full; return linkWith(t, c) })()
	assert.Equal(t, first, fullFirst)
	assert.Greater(t, len(retentionClient{t, full}.ids("/v1/financial_connections/transactions", url.Values{"account": {first}}, 100)), 100)
	assert.Equal(t, balanceOfAccount(t, retentionClient{t, full}, first), balance(first))

	// Transactions count per linked account: a second account's history
	// leaves the first's alone (a platform with many linked accounts keeps
	// every account's transactions; the accounts themselves are bounded).
	second := link()
	assert.Equal(t, kept, txns(first))
	assert.Len(t, txns(second), n)
	c.present("/v1/financial_connections/accounts/" + first)
	audit(t, s)

	// A refresh adds to the first account's history: its oldest go.
	c.id("POST", "/v1/financial_connections/accounts/"+first+"/refresh", "features[]=transactions")
	waitRefresh(t, c, first)
	now := txns(first)
	assert.Len(t, now, n)
	for _, id := range kept {
		if !slices.Contains(now, id) {
			c.missing("/v1/financial_connections/transactions/" + id)
		}
	}
	audit(t, s)

	secondRefresh := refreshOf(second)
	status, out := c.do("GET", "/v1/financial_connections/transactions?account="+second+"&transaction_refresh[after]="+secondRefresh, "")
	require.Equal(t, http.StatusOK, status, "%v", out)
	for range n {
		c.id("POST", "/v1/financial_connections/accounts/"+second+"/refresh", "features[]=transactions")
		waitRefresh(t, c, second)
	}
	status, out = c.do("GET", "/v1/financial_connections/transactions?account="+second+"&transaction_refresh[after]="+secondRefresh, "")
	assert.Equal(t, http.StatusBadRequest, status, "the account's first refresh is forgotten: %v", out)
	s.mu.Lock()
	for _, st := range s.keys[DefaultKey].platform.fc {
		assert.LessOrEqual(t, len(st.refreshes), n)
		assert.LessOrEqual(t, len(st.bank), 2*n, "the bank keeps what is retained and what is new")
	}
	s.mu.Unlock()
	audit(t, s)
}

// TestRetentionEventsAndConnectedAccounts: events are bounded by count
// and leave after 30 days on the emulator's clock; an evicted connected
// account takes its objects, its Stripe-Account scope and its saved
// idempotent results with it.
func TestRetentionEventsAndConnectedAccounts(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Unix())
	s := NewServer(WithRetention(3), WithClock(func() time.Time { return time.Unix(now.Load(), 0) }))
	defer s.Close()
	c := retentionClient{t, s}

	events := func() []string { return c.ids("/v1/events", nil, 100) }
	for range 5 {
		c.id("POST", "/v1/customers", "")
	}
	evts := events()
	assert.Len(t, evts, 3)
	now.Add(29 * 86400)
	c.id("POST", "/v1/customers", "")
	assert.Len(t, events(), 3)
	now.Add(2 * 86400)
	c.id("POST", "/v1/customers", "")
	assert.Len(t, events(), 2, "events of 31 days ago left; those of 2 days ago and now stay")
	c.missing("/v1/events/" + evts[0])

	acct := c.id("POST", "/v1/accounts", "type=custom&country=US")
	cus := c.id("POST", "/v1/customers", "name=Connected", "Stripe-Account", acct, "Idempotency-Key", "in-connected")
	c.present("/v1/customers/"+cus, "Stripe-Account", acct)
	before, _ := s.savedResults()
	for range 3 {
		c.id("POST", "/v1/accounts", "type=custom&country=US")
	}
	c.missing("/v1/accounts/" + acct)
	status, out := c.do("GET", "/v1/customers/"+cus, "", "Stripe-Account", acct)
	assert.Equal(t, http.StatusForbidden, status, "%v", out)
	after, _ := s.savedResults()
	assert.Equal(t, before-1, after, "the account's saved result went with it")
	s.mu.Lock()
	assert.NotContains(t, s.keys[DefaultKey].connected, acct)
	assert.NotContains(t, s.keys[DefaultKey].platform.objects, stateID(acct), "its side state too")
	s.mu.Unlock()
	audit(t, s)
}

// TestRetentionIdempotencyPerAccount: an account keeps the results of its
// last n idempotent requests; an older key runs again.
func TestRetentionIdempotencyPerAccount(t *testing.T) {
	t.Parallel()
	s := NewServer(WithRetention(3))
	defer s.Close()
	for i := range 5 {
		w := serveLocal(s, "POST", "/v1/customers", "", "Idempotency-Key", fmt.Sprintf("k%d", i))
		require.Equal(t, http.StatusOK, w.Code)
	}
	n, _ := s.savedResults()
	assert.Equal(t, 3, n)
	w := serveLocal(s, "POST", "/v1/customers", "", "Idempotency-Key", "k4")
	assert.Equal(t, "true", w.Header().Get("Idempotent-Replayed"))
	w = serveLocal(s, "POST", "/v1/customers", "", "Idempotency-Key", "k0")
	assert.Empty(t, w.Header().Get("Idempotent-Replayed"), "dropped: runs again")

	// The store alone: per-account queues, dropped records compacted
	// out of the global queue, the byte count kept.
	st := &idemStore{perAccount: 10}
	at := time.Now()
	for i := range 5000 {
		st.save(&idemRecord{id: idemID{"sk", fmt.Sprint(i % 3), fmt.Sprint(i)}, body: make([]byte, 100), saved: at})
	}
	assert.Equal(t, 30, st.len())
	assert.Equal(t, 30*(&idemRecord{id: idemID{"sk", "0", "1234"}, body: make([]byte, 100)}).size(), st.bytes)
	assert.LessOrEqual(t, len(st.queue)-st.head, 2*30+65)
	assert.NotNil(t, st.lookup(idemID{"sk", "1", "4999"}, at))
	assert.Nil(t, st.lookup(idemID{"sk", "1", "4000"}, at))
	st.dropAccount("sk", "1")
	assert.Equal(t, 20, st.len())
	assert.Len(t, st.accounts, 2)
}

// TestRetentionZeroKeepsEverything: zero keeps everything, the default
// bound is DefaultRetention and a negative one is refused.
func TestRetentionZeroKeepsEverything(t *testing.T) {
	t.Parallel()
	s := NewServer(WithRetention(0))
	defer s.Close()
	c := retentionClient{t, s}
	first := c.id("POST", "/v1/customers", "")
	for range 50 {
		c.id("POST", "/v1/customers", "")
	}
	c.present("/v1/customers/" + first)
	s.mu.Lock()
	assert.Nil(t, s.keys[DefaultKey].platform.ret.queues)
	s.mu.Unlock()
	def := NewServer()
	defer def.Close()
	assert.Equal(t, DefaultRetention, def.cfg.retention)
	_, err := Start("127.0.0.1:0", WithRetention(-1))
	assert.ErrorContains(t, err, "WithRetention")
}
