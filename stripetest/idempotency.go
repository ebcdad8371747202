package stripetest

import (
	"time"
	"unicode/utf8"
)

// Idempotency, as Stripe keeps it: the result of a POST that carried an
// Idempotency-Key is saved once the endpoint has begun to run (after
// authentication, the account, the rate limit and parameter validation),
// replayed for the same request within 24 hours and refused for another
// one. Keys are scoped to the account the request acts as.
const (
	// maxIdemKeyLen is the longest Idempotency-Key accepted, in characters.
	maxIdemKeyLen = 255
	// idemTTL is how long a saved result is kept, on the emulator's clock.
	idemTTL = 24 * time.Hour
	// maxIdemBytes bounds the memory saved results take, all keys and
	// accounts together; past it the oldest results are dropped before
	// their 24 hours (a request replayed after that runs again).
	maxIdemBytes = 64 << 20
	// idemOverhead is the bookkeeping counted per saved result besides
	// its key and body.
	idemOverhead = 256
)

// idemID identifies a saved result: secret key, account, Idempotency-Key.
type idemID struct{ key, account, idem string }

// idemRecord is a saved result.
type idemRecord struct {
	id          idemID
	fingerprint [32]byte
	status      int
	body        []byte
	requestID   string
	saved       time.Time // on the emulator's clock
	dropped     bool      // left before reaching the front of the queue
}

func (r *idemRecord) size() int {
	return len(r.id.key) + len(r.id.account) + len(r.id.idem) + len(r.body) + len(r.requestID) + idemOverhead
}

// idemStore holds the saved results of a server, oldest first in queue so
// that expiry and the memory bound drop from the front. With a count per
// account (perAccount, WithRetention's n), each account also keeps the
// results of its last perAccount requests only: its own queue, a
// subsequence of queue, drops from its front.
type idemStore struct {
	byID       map[idemID]*idemRecord
	queue      []*idemRecord // queue[head:] are live, superseded or dropped records
	head       int
	dropped    int // dropped records in queue[head:]
	bytes      int
	limit      int // maxIdemBytes unless set (by tests)
	perAccount int // results kept per account; 0: no count
	accounts   map[idemAccount]*idemQueue
}

// idemAccount is an account's scope: secret key and connected account.
type idemAccount struct{ key, account string }

// idemQueue is an account's saved results, oldest first.
type idemQueue struct {
	recs []*idemRecord
	head int
}

func (q *idemQueue) len() int { return len(q.recs) - q.head }

// popFront takes the front record out of an account's queue.
func (q *idemQueue) popFront() *idemRecord {
	r := q.recs[q.head]
	q.recs[q.head] = nil
	q.head++
	if q.head >= len(q.recs)/2 {
		n := copy(q.recs, q.recs[q.head:])
		clear(q.recs[n:])
		q.recs, q.head = q.recs[:n], 0
	}
	return r
}

// release frees a record's memory and its key.
func (st *idemStore) release(r *idemRecord) {
	st.bytes -= r.size()
	if st.byID[r.id] == r {
		delete(st.byID, r.id)
	}
}

// prune drops the results older than idemTTL at now, and the oldest ones
// while the store holds more than maxIdemBytes. Each record is dropped
// once, so the cost is amortised over the saves.
func (st *idemStore) prune(now time.Time) {
	limit := st.limit
	if limit == 0 {
		limit = maxIdemBytes
	}
	for st.head < len(st.queue) {
		r := st.queue[st.head]
		if !r.dropped && st.bytes <= limit && now.Sub(r.saved) < idemTTL {
			break
		}
		st.queue[st.head] = nil
		st.head++
		if r.dropped {
			st.dropped--
			continue
		}
		st.release(r)
		if st.perAccount > 0 {
			a := idemAccount{r.id.key, r.id.account}
			if q := st.accounts[a]; q != nil && q.len() > 0 && q.recs[q.head] == r {
				q.popFront()
				if q.len() == 0 {
					delete(st.accounts, a)
				}
			}
		}
	}
	if st.head > 0 && st.head >= len(st.queue)/2 {
		n := copy(st.queue, st.queue[st.head:])
		clear(st.queue[n:])
		st.queue = st.queue[:n]
		st.head = 0
	}
}

// drop takes a record out before it reaches the front of queue; its slot
// there stays until the front or a compaction reaches it.
func (st *idemStore) drop(r *idemRecord) {
	st.release(r)
	r.dropped, r.body = true, nil
	st.dropped++
	if st.dropped > 64 && 2*st.dropped > len(st.queue)-st.head {
		kept := st.queue[:0]
		for _, q := range st.queue[st.head:] {
			if !q.dropped {
				kept = append(kept, q)
			}
		}
		clear(st.queue[len(kept):])
		st.queue, st.head, st.dropped = kept, 0, 0
	}
}

// dropAccount forgets the results of an account that is gone.
func (st *idemStore) dropAccount(key, account string) {
	a := idemAccount{key, account}
	q := st.accounts[a]
	if q == nil {
		return
	}
	delete(st.accounts, a)
	for _, r := range q.recs[q.head:] {
		st.drop(r)
	}
}

// lookup returns the live result saved under id, if any.
func (st *idemStore) lookup(id idemID, now time.Time) *idemRecord {
	st.prune(now)
	r := st.byID[id]
	if r == nil || now.Sub(r.saved) >= idemTTL {
		return nil
	}
	return r
}

// save keeps a result.
func (st *idemStore) save(r *idemRecord) {
	if st.byID == nil {
		st.byID = map[idemID]*idemRecord{}
	}
	st.byID[r.id] = r
	st.queue = append(st.queue, r)
	st.bytes += r.size()
	if st.perAccount > 0 {
		if st.accounts == nil {
			st.accounts = map[idemAccount]*idemQueue{}
		}
		a := idemAccount{r.id.key, r.id.account}
		q := st.accounts[a]
		if q == nil {
			q = &idemQueue{}
			st.accounts[a] = q
		}
		q.recs = append(q.recs, r)
		for q.len() > st.perAccount {
			st.drop(q.popFront())
		}
	}
	st.prune(r.saved)
}

// len returns how many results are saved.
func (st *idemStore) len() int { return len(st.byID) }

// idemKeyError checks the length of an Idempotency-Key.
func idemKeyError(key string) *apiError {
	if n := utf8.RuneCountInString(key); n == 0 || n > maxIdemKeyLen {
		return invalidRequest("", "", "The Idempotency-Key header is %d characters long; a key must have between 1 and %d characters.", n, maxIdemKeyLen)
	}
	return nil
}
