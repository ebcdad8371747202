package stripetest

import (
	"slices"
	"sort"
	"time"

	"github.com/embedfin/embedfin-go"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/issuing"
	si "github.com/embedfin/embedfin-go/setupintents"
	"github.com/embedfin/embedfin-go/treasury"
)

// Retention: what an emulator keeps, so that its memory stays flat under
// a steady load. Each account (a secret key's platform, or one connected
// account) keeps at most WithRetention's n objects of each kind (Financial
// Connections transactions: n per linked account); once a
// request (or a timer) has run, the oldest objects of a kind past n are
// evicted, by creation, with their index entries and whatever is keyed by
// them: a card's secrets, a financial account's feature state, a
// Financial Connections account's bank-side state, a transaction's record
// at the bank, a connected account's own objects, rate limiter and saved
// idempotent results. Retrieving an evicted object is a 404
// resource_missing, as for an ID never seen; a list cursor naming one is
// the 400 resource_missing of an unknown cursor.
//
// The rule for objects others depend on: an object named by a retained
// object of a kind that depends on it (dependsOn: a customer named by a
// Financial Connections account, session, SetupIntent, payment method or
// outbound payment; an FC account named by its transactions; an account's
// current ownership; a card named by its authorizations...) is pinned: it
// is passed over and not counted, and evicted once nothing retained names
// it and its kind is still past n. A kind therefore holds at most n
// unpinned objects besides the pinned ones, which are bounded by the
// retained dependants (so an object just created is never the one
// evicted). Dependencies
// only go from a kind of higher rank to one of lower rank, so pins form no
// cycle. Events (which name objects by snapshot only) pin nothing and are
// also dropped 30 days after their creation on the emulator's clock, as
// Stripe keeps them. References are read again from each object read or
// written during the request, once it is over, so objects mutated in
// place pin what they name.

// DefaultRetention is how many objects of each kind an account keeps
// unless WithRetention says otherwise.
const DefaultRetention = 10_000

// eventTTL is how long Stripe keeps events.
const eventTTL = 30 * 24 * time.Hour

// retainer is an env's bookkeeping for the retention bound (kept only
// when the bound is set).
type retainer struct {
	queues  map[string]*recQueue // per counted kind
	kinds   []string             // the queues' kinds, in creation order (a deterministic trim order)
	dirty   []*record            // tracked records read or written since the last settle
	scratch []*record
	ids     []string
	queued  bool // in the server's unsettled list
	dropped bool // the env left with its connected account
}

// recQueue holds a kind's records in creation order, for eviction. A
// pinned record met at the front is parked (left out of recs) until
// nothing names it; gone records stay in recs until they reach the front
// or a compaction.
type recQueue struct {
	recs   []*record
	head   int
	live   int // the kind's records in the env, parked ones included
	pinned int // live records that something retained names
	stale  int // gone records in recs[head:]
}

// over reports whether the kind holds more than n unpinned records.
func (q *recQueue) over(n int) bool { return q.live-q.pinned > n }

// attachments are side state kept under an object's ID: not counted,
// removed with their owner.
var attachments = map[string]bool{kindAccountState: true, kindCardSecrets: true, kindFAFeatures: true}

// rank orders the kinds that depend on others: an object pins only
// objects of a lower-ranked kind (unlisted kinds rank 0).
var rank = map[string]int{
	kindFCAccount: 1, kindCard: 1, kindTreasuryTxn: 1, kindAccountLink: 1,
	kindFCSession: 2, kindFCTransaction: 2, kindPaymentMethod: 2, kindAuthorization: 2, kindTreasuryEntry: 2,
	kindReceivedCredit: 2, kindReceivedDebit: 2,
	kindSetupIntent: 3, kindIssuingTxn: 3, kindInboundTransfer: 3, kindOutboundTransfer: 3, kindOutboundPayment: 3,
	kindMicrodepositPage: 4,
}

// dependsOn returns, per kind, the IDs an object names and needs (appended
// to out): the objects it pins.
var dependsOn = map[string]func(v any, out []string) []string{
	kindFCAccount: refs(func(a *fc.Account, out []string) []string {
		if h := a.AccountHolder; h != nil {
			out = append(out, xid(h.Customer), xid(h.Account))
		}
		return append(out, xid(a.Ownership))
	}),
	kindFCSession: refs(func(s *fc.Session, out []string) []string {
		if h := s.AccountHolder; h != nil {
			out = append(out, xid(h.Customer), xid(h.Account))
		}
		return out
	}),
	kindFCTransaction: refs(func(t *fc.Transaction, out []string) []string { return append(out, t.Account) }),
	kindPaymentMethod: refs(func(pm *paymentMethod, out []string) []string { return append(out, pm.Customer, pm.FCAccount) }),
	kindSetupIntent: refs(func(s *si.SetupIntent, out []string) []string {
		return append(out, customerID(s), xid(s.PaymentMethod))
	}),
	kindCard: refs(func(c *issuing.Card, out []string) []string {
		if c.Cardholder != nil {
			out = append(out, c.Cardholder.ID)
		}
		return append(out, embedfin.Deref(c.FinancialAccount))
	}),
	kindAuthorization: refs(func(a *issuing.Authorization, out []string) []string {
		if a.Card != nil {
			out = append(out, a.Card.ID)
		}
		if a.Treasury != nil {
			out = append(out, embedfin.Deref(a.Treasury.Transaction))
		}
		return append(out, xid(a.Cardholder))
	}),
	kindIssuingTxn: refs(func(t *issuing.Transaction, out []string) []string {
		return append(out, xid(t.Card), xid(t.Cardholder), xid(t.Authorization))
	}),
	kindTreasuryTxn: refs(func(t *treasury.Transaction, out []string) []string { return append(out, t.FinancialAccount) }),
	kindTreasuryEntry: refs(func(t *treasury.TransactionEntry, out []string) []string {
		return append(out, xid(t.Transaction), t.FinancialAccount)
	}),
	kindReceivedCredit: refs(func(r *treasury.ReceivedCredit, out []string) []string {
		return append(out, embedfin.Deref(r.FinancialAccount), xid(r.Transaction))
	}),
	kindReceivedDebit: refs(func(r *treasury.ReceivedDebit, out []string) []string {
		return append(out, embedfin.Deref(r.FinancialAccount), xid(r.Transaction))
	}),
	kindInboundTransfer: refs(func(t *treasury.InboundTransfer, out []string) []string {
		return append(out, t.FinancialAccount, embedfin.Deref(t.OriginPaymentMethod), xid(t.Transaction))
	}),
	kindOutboundTransfer: refs(func(t *treasury.OutboundTransfer, out []string) []string {
		return append(out, t.FinancialAccount, embedfin.Deref(t.DestinationPaymentMethod), xid(t.Transaction))
	}),
	kindOutboundPayment: refs(func(p *treasury.OutboundPayment, out []string) []string {
		return append(out, p.FinancialAccount, embedfin.Deref(p.Customer), embedfin.Deref(p.DestinationPaymentMethod), xid(p.Transaction))
	}),
	kindAccountLink:      refs(func(l *accountLink, out []string) []string { return append(out, l.Account) }),
	kindMicrodepositPage: refs(func(p *microdepositPage, out []string) []string { return append(out, p.Account, p.Intent) }),
}

// refs adapts a function of *T to one of any (nothing for other types).
func refs[T any](f func(*T, []string) []string) func(any, []string) []string {
	return func(v any, out []string) []string {
		if t, ok := v.(*T); ok && t != nil {
			return f(t, out)
		}
		return out
	}
}

// xid is an expandable reference's ID ("" when unset).
func xid[T any](x *embedfin.Expandable[T]) string {
	if x == nil {
		return ""
	}
	return x.ID
}

// queueKey names the eviction queue a record counts in: its kind, except
// for Financial Connections transactions, which count per linked account
// (an account's history is what a sync reads whole; a platform with many
// linked accounts keeps every account's transactions, bounded through the
// accounts themselves).
func queueKey(r *record) string {
	if t, ok := r.v.(*fc.Transaction); ok && r.kind == kindFCTransaction && t != nil {
		return r.kind + "|" + t.Account
	}
	return r.kind
}

// admit counts a new record against its kind's bound.
func (e *env) admit(r *record) {
	n := e.srv.cfg.retention
	if n <= 0 || attachments[r.kind] {
		return
	}
	key := queueKey(r)
	q := e.ret.queues[key]
	if q == nil {
		if e.ret.queues == nil {
			e.ret.queues = map[string]*recQueue{}
		}
		q = &recQueue{}
		e.ret.queues[key] = q
		e.ret.kinds = append(e.ret.kinds, key)
	}
	q.recs = append(q.recs, r)
	q.live++
	r.queued = true
	r.tracked = dependsOn[r.kind] != nil
	e.touch(r)
	if q.over(n) {
		e.unsettle()
	}
}

// touch notes that a tracked record was read or written: what it names
// is read again once the request is over.
func (e *env) touch(r *record) {
	if r.tracked && !r.dirty {
		r.dirty = true
		e.ret.dirty = append(e.ret.dirty, r)
		e.unsettle()
	}
}

// unsettle puts the env on the server's list of envs to settle.
func (e *env) unsettle() {
	if !e.ret.queued {
		e.ret.queued = true
		e.srv.unsettled = append(e.srv.unsettled, e)
	}
}

// settle applies the retention bound to the envs that changed (called
// with s.mu held, once a request or a timer has run).
func (s *Server) settle() {
	for len(s.unsettled) > 0 {
		e := s.unsettled[len(s.unsettled)-1]
		s.unsettled[len(s.unsettled)-1] = nil
		s.unsettled = s.unsettled[:len(s.unsettled)-1]
		e.ret.queued = false
		if !e.ret.dropped {
			e.settle()
		}
	}
	if cap(s.unsettled) > 64 {
		s.unsettled = nil
	}
}

// settle reads again what the touched records name, then evicts the
// oldest unpinned objects of each kind past the bound.
func (e *env) settle() {
	dirty := e.ret.dirty
	for i, r := range dirty {
		r.dirty = false
		if !r.gone {
			e.pin(r)
		}
		dirty[i] = nil
	}
	e.ret.dirty = dirty[:0]
	if cap(dirty) > 1024 {
		e.ret.dirty = nil
	}
	n := e.srv.cfg.retention
	for evicted := true; evicted; {
		evicted = false
		for _, kind := range e.ret.kinds {
			if q := e.ret.queues[kind]; q.over(n) && e.trim(q, n) {
				evicted = true
			}
		}
	}
}

// trim evicts a kind's oldest unpinned records while it holds more than
// n of them; it reports whether it evicted any.
func (e *env) trim(q *recQueue, n int) (evicted bool) {
	for q.over(n) && q.head < len(q.recs) {
		r := q.recs[q.head]
		q.pop()
		switch {
		case r.gone:
			q.stale--
		case r.deps > 0:
			r.parked = true
		default:
			e.drop(r)
			evicted = true
		}
	}
	return evicted
}

// pop takes the front record out of the queue.
func (q *recQueue) pop() {
	q.recs[q.head].queued = false
	q.recs[q.head] = nil
	q.head++
	switch {
	case q.head == len(q.recs):
		q.recs, q.head = q.recs[:0], 0
	case q.head >= 256 && 2*q.head >= len(q.recs):
		k := copy(q.recs, q.recs[q.head:])
		clear(q.recs[k:])
		q.recs, q.head = q.recs[:k], 0
	}
}

// insert puts a record back at its place in creation order.
func (q *recQueue) insert(r *record) {
	rest := q.recs[q.head:]
	i := sort.Search(len(rest), func(i int) bool { return rest[i].seq > r.seq })
	if i == 0 && q.head > 0 {
		q.head--
		q.recs[q.head] = r
	} else {
		q.recs = slices.Insert(q.recs, q.head+i, r)
	}
	r.queued = true
}

// compact drops gone records from the queue once they are half of it.
func (q *recQueue) compact() {
	if q.stale < 64 || 2*q.stale < len(q.recs)-q.head {
		return
	}
	kept := q.recs[:0]
	for _, r := range q.recs[q.head:] {
		if !r.gone {
			kept = append(kept, r)
		}
	}
	clear(q.recs[len(kept):])
	q.recs, q.head, q.stale = kept, 0, 0
}

// pin reads what a record names now and moves its pins accordingly.
func (e *env) pin(r *record) {
	e.ret.ids = dependsOn[r.kind](r.v, e.ret.ids[:0])
	targets := e.ret.scratch[:0]
	for _, id := range e.ret.ids {
		if id == "" {
			continue
		}
		t := e.objects[id]
		if t == nil || t == r || rank[t.kind] >= rank[r.kind] || slices.Contains(targets, t) {
			continue
		}
		targets = append(targets, t)
	}
	e.ret.scratch = targets
	defer clear(targets) // the scratch holds no record past this call
	if slices.Equal(targets, r.refs) {
		return
	}
	for _, t := range targets {
		if !slices.Contains(r.refs, t) {
			if t.deps++; t.deps == 1 {
				if q := e.ret.queues[queueKey(t)]; q != nil {
					q.pinned++
				}
			}
		}
	}
	for _, t := range r.refs {
		if !slices.Contains(targets, t) {
			e.unpin(t)
		}
	}
	r.refs = slices.Clone(targets)
}

// unpin takes one pin off a record; unpinned, a parked record goes back
// to its place in the queue.
func (e *env) unpin(t *record) {
	if t.deps--; t.deps > 0 || t.gone {
		return
	}
	q := e.ret.queues[queueKey(t)]
	if q == nil {
		return
	}
	q.pinned--
	if t.parked {
		t.parked = false
		q.insert(t)
	}
	if q.over(e.srv.cfg.retention) {
		e.unsettle()
	}
}

// forget is called once a record has left the env: it updates the
// kind's count and the pins, and removes what is keyed by the object.
func (e *env) forget(r *record) {
	r.gone = true
	if q := e.ret.queues[queueKey(r)]; q != nil {
		q.live--
		if r.deps > 0 { // removed while named (a connected account deleted)
			q.pinned--
		}
		if r.queued {
			q.stale++
			q.compact()
		}
		r.parked = false
	}
	for _, t := range r.refs {
		e.unpin(t)
	}
	r.refs = nil
	s := e.srv
	switch r.kind {
	case kindAccount:
		remove(e, kindAccountState, stateID(r.id))
		if ks := s.keys[e.key]; ks != nil {
			if ce := ks.connected[r.id]; ce != nil {
				ce.ret.dropped = true
				delete(ks.connected, r.id)
			}
		}
		delete(s.limits, e.key+"|"+r.id)
		s.idem.dropAccount(e.key, r.id)
	case kindCard:
		remove(e, kindCardSecrets, secretsKey(r.id))
	case kindFinancialAccount:
		remove(e, kindFAFeatures, featuresKey(r.id))
	case kindFCAccount:
		delete(e.fc, r.id)
	case kindFCTransaction:
		if t, ok := r.v.(*fc.Transaction); ok {
			e.forgetAtBank(t)
		}
	}
}

// forgetAtBank drops an evicted Financial Connections transaction from
// the bank-side history (a posted amount moves into the opening balance,
// so balances do not change). An account left with no transaction gets
// the bank activity since its last fetch now, so that its next refresh
// still brings transactions (a refresh finding none fetched takes what
// changed at the bank).
func (e *env) forgetAtBank(t *fc.Transaction) {
	st := e.fc[t.Account]
	if st == nil {
		return
	}
	for i, b := range st.bank {
		if b.id != t.ID {
			continue
		}
		if b.status == "posted" {
			st.opening += b.amount
		}
		if i == 0 {
			st.bank[0] = nil
			st.bank = st.bank[1:]
		} else {
			st.bank = slices.Delete(st.bank, i, i+1)
		}
		break
	}
	if !hasFetched(e, t.Account) {
		s := e.srv
		st.bank = evolveHistory(s.rng, st.bank, st.fetchedAt, s.now(), func() string { return s.newID("fctxn") })
	}
}

// expireEvents drops the events created more than 30 days ago on the
// emulator's clock, oldest first.
func (e *env) expireEvents() {
	x := e.index(kindEvent, "")
	if x == nil {
		return
	}
	cutoff := e.srv.now().Add(-eventTTL).Unix()
	for len(x.entries) > 0 && x.entries[0].at < cutoff {
		remove(e, kindEvent, x.entries[0].id)
	}
}

// boundRefreshes keeps the last n transaction refreshes of a Financial
// Connections account (those transaction_refresh[after] may name).
func (e *env) boundRefreshes(account string) {
	n := e.srv.cfg.retention
	if st := e.fc[account]; st != nil && n > 0 && len(st.refreshes) > n {
		clear(st.refreshes[:len(st.refreshes)-n])
		st.refreshes = st.refreshes[len(st.refreshes)-n:]
	}
}
