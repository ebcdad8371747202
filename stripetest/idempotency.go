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
}

func (r *idemRecord) size() int {
	return len(r.id.key) + len(r.id.account) + len(r.id.idem) + len(r.body) + len(r.requestID) + idemOverhead
}

// idemStore holds the saved results of a server, oldest first in queue so
// that expiry and the memory bound drop from the front.
type idemStore struct {
	byID  map[idemID]*idemRecord
	queue []*idemRecord // queue[head:] are live or superseded records
	head  int
	bytes int
	limit int // maxIdemBytes unless set (by tests)
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
		if st.bytes <= limit && now.Sub(r.saved) < idemTTL {
			break
		}
		st.queue[st.head] = nil
		st.head++
		st.bytes -= r.size()
		if st.byID[r.id] == r {
			delete(st.byID, r.id)
		}
	}
	if st.head > 0 && st.head >= len(st.queue)/2 {
		n := copy(st.queue, st.queue[st.head:])
		clear(st.queue[n:])
		st.queue = st.queue[:n]
		st.head = 0
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
