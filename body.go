package embedfin

import (
	"errors"
	"io"
	"sync"
)

// Reading response bodies. Every body is read whole inside its attempt
// (attempt.go), into memory, never past a limit: the client's
// WithMaxResponseBytes for 2xx bodies, maxErrorBody for the others.
//
// Memory: a body whose Content-Length is known is read into a buffer of
// exactly that size. A body of unknown length (chunked) grows through
// sizes limit/4^k (..., limit/16, limit/4, limit), so the buffers allocated
// for a body at the limit add up to at most 4/3 of it, where doubling a
// bytes.Buffer would add up to 2x, plus a last doubling past the limit when
// it probes for one more byte (the 4x of issue 11). The probe for a byte
// past the limit reads into a one-byte array instead.

// smallBodyCap is the capacity of pooled buffers: most API objects fit.
const smallBodyCap = 16 << 10

// maxPooledCap is the largest buffer returned to the pool.
const maxPooledCap = 1 << 20

var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, smallBodyCap); return &b }}

// getBuf returns an empty buffer of capacity at least n, from the pool when
// one there is large enough.
func getBuf(n int) []byte {
	p := bodyPool.Get().(*[]byte)
	if cap(*p) >= n {
		return (*p)[:0]
	}
	bodyPool.Put(p)
	return make([]byte, 0, n)
}

// putBuf returns a buffer to the pool unless it is unusually large.
func putBuf(b []byte) {
	if cap(b) == 0 || cap(b) > maxPooledCap {
		return
	}
	b = b[:0]
	bodyPool.Put(&b)
}

// errBodyCut is the cause of a body that ended before its Content-Length.
var errBodyCut = errors.New("body ended before its Content-Length")

// readLimited reads r to its end. length is the announced Content-Length
// (-1 when unknown); limit is the most that is kept. It returns what arrived
// (at most limit bytes), whether the body holds more than limit (over), and
// the error that ended the read early (nil at a clean end of body, and nil
// when the read stopped because the body is over the limit).
func readLimited(r io.Reader, length, limit int64) (data []byte, over bool, err error) {
	if length > limit {
		return nil, true, nil
	}
	if length >= 0 {
		data = getBuf(int(length))[:length]
		n, err := io.ReadFull(r, data)
		data = data[:n]
		switch {
		case err == io.ErrUnexpectedEOF || (err == io.EOF && length > 0):
			return data, false, errBodyCut
		case err != nil && err != io.EOF:
			return data, false, err
		}
		// A conforming transport ends the body here; reading to its end
		// lets net/http reuse the connection.
		var one [1]byte
		if m, _ := io.ReadFull(r, one[:]); m > 0 {
			return data, true, nil
		}
		return data, false, nil
	}
	data = getBuf(0)
	for {
		if int64(len(data)) >= limit || len(data) == cap(data) {
			if int64(len(data)) >= limit {
				var one [1]byte
				m, rerr := io.ReadFull(r, one[:])
				if m > 0 {
					return data, true, nil
				}
				if rerr != nil && rerr != io.EOF {
					return data, false, rerr
				}
				return data, false, nil
			}
			data = grow(data, limit)
		}
		end := int64(cap(data))
		if end > limit {
			end = limit
		}
		n, rerr := r.Read(data[len(data):end])
		data = data[:len(data)+n]
		if rerr == io.EOF {
			return data, false, nil
		}
		if rerr != nil {
			return data, false, rerr
		}
	}
}

// grow moves data into the next buffer of the limit/4^k schedule that is
// larger than its capacity (never larger than limit).
func grow(data []byte, limit int64) []byte {
	next := limit
	for next/4 > int64(cap(data)) && next/4 >= smallBodyCap {
		next /= 4
	}
	bigger := make([]byte, len(data), next)
	copy(bigger, data)
	putBuf(data)
	return bigger
}
