package stripetest

import (
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/events"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/issuing"
	si "github.com/embedfin/embedfin-go/setupintents"
	"github.com/embedfin/embedfin-go/treasury"
)

// The object store. Each env keeps its objects by ID and, for listing,
// ordered indexes: one per kind (every object of the kind, oldest first)
// and one per value of the filters the list endpoints take (a Financial
// Connections account's transactions, a financial account's transactions,
// a customer's SetupIntents...). A list page starts at its cursor with a
// binary search and reads entries until the page is full, so its cost
// depends on the page, not on how many objects are stored.

// record is one stored object and where it sits in the indexes.
type record struct {
	v     any
	id    string
	kind  string
	seq   uint64   // creation order within the env
	at    int64    // the time the indexes filter (and may order) by
	lists []string // names of the indexes holding it

	// Retention (retention.go): what it pins and how many pin it.
	refs    []*record
	deps    int
	tracked bool // its kind depends on others: refs are kept
	dirty   bool // read or written since the last settle
	queued  bool // in its kind's eviction queue
	parked  bool // pinned, out of the queue until unpinned
	gone    bool // left the env
}

// entry is one object's place in an index.
type entry struct {
	at  int64
	seq uint64
	id  string
}

// index is an ordered list of entries: by creation (seq), or by at and
// then creation when byAt. atSorted records whether the at values are
// ascending as well (always when byAt; when objects were created with a
// clock that never went back otherwise), in which case a created range
// is found by binary search too.
type index struct {
	byAt     bool
	atSorted bool
	entries  []entry
}

func (x *index) less(a, b entry) bool {
	if x.byAt && a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

// search returns the position of the first entry not before e.
func (x *index) search(e entry) int {
	return sort.Search(len(x.entries), func(i int) bool { return !x.less(x.entries[i], e) })
}

func (x *index) insert(e entry) {
	i := len(x.entries)
	if i > 0 && x.less(e, x.entries[i-1]) {
		i = x.search(e)
	}
	x.entries = slices.Insert(x.entries, i, e)
	if !x.byAt && x.atSorted {
		if i > 0 && x.entries[i-1].at > e.at || i+1 < len(x.entries) && e.at > x.entries[i+1].at {
			x.atSorted = false
		}
	}
}

// find returns the position of e.
func (x *index) find(e entry) (int, bool) {
	i := x.search(e)
	return i, i < len(x.entries) && x.entries[i].id == e.id
}

func (x *index) remove(e entry) {
	if i, ok := x.find(e); ok {
		if i == 0 { // the oldest, as evictions go: no copy
			x.entries[0] = entry{}
			x.entries = x.entries[1:]
			return
		}
		x.entries = slices.Delete(x.entries, i, i+1)
	}
}

// atBounds returns the range of positions whose at passes an exact value
// and a range filter (x.atSorted must hold).
func (x *index) atBounds(exact *int64, r *embedfin.RangeQueryParams) (lo, hi int) {
	from, to := int64(math.MinInt64), int64(math.MaxInt64)
	if exact != nil {
		from, to = *exact, *exact
	}
	empty := false
	if r != nil {
		if r.GreaterThan != nil {
			if *r.GreaterThan == math.MaxInt64 {
				empty = true
			} else {
				from = max(from, *r.GreaterThan+1)
			}
		}
		if r.GreaterThanOrEqual != nil {
			from = max(from, *r.GreaterThanOrEqual)
		}
		if r.LesserThan != nil {
			if *r.LesserThan == math.MinInt64 {
				empty = true
			} else {
				to = min(to, *r.LesserThan-1)
			}
		}
		if r.LesserThanOrEqual != nil {
			to = min(to, *r.LesserThanOrEqual)
		}
	}
	if empty || from > to {
		return 0, 0
	}
	lo = sort.Search(len(x.entries), func(i int) bool { return x.entries[i].at >= from })
	hi = sort.Search(len(x.entries), func(i int) bool { return x.entries[i].at > to })
	return lo, max(lo, hi)
}

// listName names a kind's index ("") or one of its filtered indexes.
func listName(kind, filter string) string {
	if filter == "" {
		return kind
	}
	return kind + "|" + filter
}

// list returns an index, creating it.
func (e *env) list(name string, byAt bool) *index {
	x := e.lists[name]
	if x == nil {
		x = &index{byAt: byAt, atSorted: true}
		e.lists[name] = x
	}
	return x
}

// index returns a kind's index (filter "") or a filtered one; nil when
// nothing was ever in it.
func (e *env) index(kind, filter string) *index { return e.lists[listName(kind, filter)] }

// each calls f with the objects in a kind's index (or a filtered one),
// oldest first, until f returns false.
func each[T any](e *env, kind, filter string, f func(*T) bool) {
	x := e.index(kind, filter)
	if x == nil {
		return
	}
	for _, en := range x.entries {
		if v, ok := get[T](e, en.id); ok && !f(v) {
			return
		}
	}
}

func put[T any](e *env, kind, id string, v *T) {
	rec := e.objects[id]
	if rec == nil {
		e.seq++
		rec = &record{id: id, kind: kind, seq: e.seq}
		e.objects[id] = rec
		rec.v = v
		e.reindex(id, rec)
		e.admit(rec) // the retention bound (retention.go)
		return
	}
	rec.v = v
	e.reindex(id, rec)
	e.touch(rec)
}

func get[T any](e *env, id string) (*T, bool) {
	rec := e.objects[id]
	if rec == nil {
		return nil, false
	}
	v, ok := rec.v.(*T)
	if ok {
		e.touch(rec) // it may be changed in place: what it names is read again
	}
	return v, ok
}

func remove(e *env, kind, id string) {
	if rec := e.objects[id]; rec != nil {
		e.drop(rec)
	}
}

// drop takes a record out of its indexes and the env, and forgets what is
// keyed by it (retention.go).
func (e *env) drop(rec *record) {
	for _, l := range rec.lists {
		e.unlist(l, entry{rec.at, rec.seq, rec.id})
	}
	rec.lists = nil
	delete(e.objects, rec.id)
	e.forget(rec)
}

// unlist removes an entry from an index; a filtered index left empty
// goes, so that filter values that come and go (emails, IDs of evicted
// objects) leave nothing behind.
func (e *env) unlist(name string, en entry) {
	x := e.lists[name]
	if x == nil {
		return
	}
	x.remove(en)
	if len(x.entries) == 0 && strings.Contains(name, "|") {
		delete(e.lists, name)
	}
}

// reindex puts an object in the indexes its current values call for (see
// listings): a put after a change to a filtered field moves it.
func (e *env) reindex(id string, rec *record) {
	spec := listings[rec.kind]
	at := atOf(rec.v, spec)
	var want []string
	if spec.hidden == nil || !spec.hidden(rec.v) {
		want = append(want, rec.kind)
		if spec.filters != nil {
			for _, f := range spec.filters(rec.v) {
				want = append(want, listName(rec.kind, f))
			}
		}
	}
	if at == rec.at && slices.Equal(want, rec.lists) {
		return
	}
	old, neu := entry{rec.at, rec.seq, id}, entry{at, rec.seq, id}
	for _, l := range rec.lists {
		if at != rec.at || !slices.Contains(want, l) {
			e.unlist(l, old)
		}
	}
	for _, l := range want {
		if at != rec.at || !slices.Contains(rec.lists, l) {
			e.list(l, spec.byAt).insert(neu)
		}
	}
	rec.at, rec.lists = at, want
}

// listing says how the objects of a kind are indexed.
type listing struct {
	// at returns the time lists filter on (created unless set).
	at func(v any) int64
	// byAt orders the kind's indexes by at, then creation (the newest
	// first when listed), instead of by creation.
	byAt bool
	// filters returns the filtered indexes the object belongs to, as
	// "name=value".
	filters func(v any) []string
	// hidden reports whether the object is left out of every list.
	hidden func(v any) bool
}

// typed adapts a function of *T to one of any (false/nil for other types).
func typed[T, R any](f func(*T) R) func(any) R {
	return func(v any) R {
		t, ok := v.(*T)
		if !ok {
			var zero R
			return zero
		}
		return f(t)
	}
}

// filter builds a filter name; "" values are left out.
func filter(name string, values ...string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if v != "" {
			out = append(out, name+"="+v)
		}
	}
	return out
}

// listings holds the kinds whose lists take filters, or that are ordered
// or hidden otherwise; any other kind has its one index by creation.
var listings = map[string]listing{
	kindCustomer: {
		hidden:  typed(func(cu *connect.Customer) bool { return cu.Deleted }),
		filters: typed(func(cu *connect.Customer) []string { return filter("email", embedfin.Deref(cu.Email)) }),
	},
	kindEvent: {filters: typed(func(ev *events.Event) []string { return filter("type", string(ev.Type)) })},
	kindFCAccount: {filters: typed(func(a *fc.Account) []string {
		var out []string
		if h := a.AccountHolder; h != nil {
			if h.Customer != nil {
				out = append(out, filter("customer", h.Customer.ID)...)
			}
			if h.Account != nil {
				out = append(out, filter("account", h.Account.ID)...)
			}
		}
		return out
	})},
	kindFCTransaction: {
		byAt:    true,
		at:      typed(func(t *fc.Transaction) int64 { return t.TransactedAt }),
		filters: typed(func(t *fc.Transaction) []string { return filter("account", t.Account) }),
	},
	kindCard: {filters: typed(func(c *issuing.Card) []string {
		if c.Cardholder == nil {
			return nil
		}
		return filter("cardholder", c.Cardholder.ID)
	})},
	kindAuthorization: {filters: typed(func(a *issuing.Authorization) []string {
		var out []string
		if a.Card != nil {
			out = append(out, filter("card", a.Card.ID)...)
		}
		if a.Cardholder != nil {
			out = append(out, filter("cardholder", a.Cardholder.ID)...)
		}
		return out
	})},
	kindIssuingTxn: {filters: typed(func(t *issuing.Transaction) []string {
		var out []string
		if t.Card != nil {
			out = append(out, filter("card", t.Card.ID)...)
		}
		if t.Cardholder != nil {
			out = append(out, filter("cardholder", t.Cardholder.ID)...)
		}
		return out
	})},
	kindSetupIntent: {filters: typed(func(x *si.SetupIntent) []string { return filter("customer", customerID(x)) })},
	kindReceivedCredit: {filters: typed(func(x *treasury.ReceivedCredit) []string {
		return filter("financial_account", embedfin.Deref(x.FinancialAccount))
	})},
	kindReceivedDebit: {filters: typed(func(x *treasury.ReceivedDebit) []string {
		return filter("financial_account", embedfin.Deref(x.FinancialAccount))
	})},
	kindTreasuryTxn: {filters: typed(func(x *treasury.Transaction) []string { return filter("financial_account", x.FinancialAccount) })},
	kindTreasuryEntry: {filters: typed(func(x *treasury.TransactionEntry) []string {
		if x.Transaction == nil {
			return nil
		}
		return filter("transaction", x.Transaction.ID)
	})},
	kindInboundTransfer:  {filters: typed(func(x *treasury.InboundTransfer) []string { return filter("financial_account", x.FinancialAccount) })},
	kindOutboundTransfer: {filters: typed(func(x *treasury.OutboundTransfer) []string { return filter("financial_account", x.FinancialAccount) })},
	kindOutboundPayment: {filters: typed(func(x *treasury.OutboundPayment) []string {
		return append(filter("financial_account", x.FinancialAccount), filter("customer", embedfin.Deref(x.Customer))...)
	})},
}

// atOf returns the time an object is filtered by: spec.at, or its Created
// field (int64 or *int64), or 0.
func atOf(v any, spec listing) int64 {
	if spec.at != nil {
		return spec.at(v)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return 0
	}
	i := createdField(rv.Elem().Type())
	if i < 0 {
		return 0
	}
	f := rv.Elem().Field(i)
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return 0
		}
		f = f.Elem()
	}
	return f.Int()
}

var createdFields sync.Map // reflect.Type -> int

// createdField returns the index of a struct type's Created field of type
// int64 or *int64, or -1.
func createdField(t reflect.Type) int {
	if i, ok := createdFields.Load(t); ok {
		return i.(int)
	}
	idx := -1
	if f, ok := t.FieldByName("Created"); ok && len(f.Index) == 1 {
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Int64 {
			idx = f.Index[0]
		}
	}
	createdFields.Store(t, idx)
	return idx
}
