package reliability

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The cut-body tests: 2,000 customer creates from 32 goroutines through a
// proxy that injects one of transientFaults into 30% of the requests,
// among them 2xx bodies cut, stalled or reset after the emulator committed
// the create, with 3 retries per call. Each create carries metadata[n] =
// its number, so the proxy ties every request to its create and the
// emulator's objects can be counted per create.
const (
	cutCreates  = 2000
	cutWorkers  = 32
	cutRetries  = 3  // the figures are for 30% faults and 3 retries
	cutMaxCalls = 20 // bound on the calls a caller makes for one create
)

// attemptCounter is the transport under the SDK: it counts, per
// Idempotency-Key, the attempts the SDK sends. The proxy can see more
// requests under a key than that: net/http's Transport resends a request
// that carries an Idempotency-Key on a new connection when a reused one
// failed before any answer arrived, under a single attempt of the SDK.
type attemptCounter struct {
	next  *http.Transport
	mu    sync.Mutex
	byKey map[string]int
	total int
}

func (c *attemptCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.byKey[req.Header.Get("Idempotency-Key")]++
	c.total++
	c.mu.Unlock()
	return c.next.RoundTrip(req)
}

func (c *attemptCounter) attempts(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byKey[key]
}

func (c *attemptCounter) sent() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total
}

// cutClient is faultyClient with cutRetries retries and the attempts
// counted.
func cutClient(t *testing.T, proxy *faultProxy, key string) (*embedfin.Client, *attemptCounter) {
	t.Helper()
	counter := &attemptCounter{next: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}, byKey: map[string]int{}}
	c, err := embedfin.NewClient(key,
		embedfin.WithBaseURL(proxy.URL()),
		embedfin.WithHTTPClient(&http.Client{Timeout: clientTimeout, Transport: counter}),
		embedfin.WithBackoff(time.Millisecond, 20*time.Millisecond),
		embedfin.WithMaxRetries(cutRetries),
		embedfin.WithRetryRateLimited(true),
	)
	require.NoError(t, err)
	return c, counter
}

func cutParams(i int) *customers.CustomerCreateParams {
	return &customers.CustomerCreateParams{
		Email:    embedfin.Ptr(fmt.Sprintf("cut-%04d@reliability.test", i)),
		Metadata: map[string]string{"n": strconv.Itoa(i)},
	}
}

// forEach runs fn(i) for every i in [0, total) on workers goroutines and
// returns when all have finished (or ctx ended).
func forEach(ctx context.Context, total, workers int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= total || ctx.Err() != nil {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// cutErrorKind is errorKind, with connection errors whose last attempt got
// a status line (then lost its body) told apart.
// countsOrNone is formatCounts, "none" for an empty map.
func countsOrNone(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	return formatCounts(m)
}

func cutErrorKind(err error) string {
	var ce *embedfin.ConnectionError
	if errors.As(err, &ce) && ce.StatusCode != 0 {
		return fmt.Sprintf("connection_error_body_lost_%d", ce.StatusCode)
	}
	return errorKind(err)
}

// checkConnectionError holds a *ConnectionError returned for create n to
// what the proxy saw of its key on the wire. fresh says that the key was
// used by this call alone (so the count of its attempts is this call's).
func checkConnectionError(t *testing.T, proxy *faultProxy, counter *attemptCounter, n int, ce *embedfin.ConnectionError, fresh bool) {
	t.Helper()
	assert.Equal(t, http.MethodPost, ce.Method, "create %d", n)
	assert.Equal(t, "/v1/customers", ce.Path, "create %d", n)
	assert.Equal(t, cutRetries+1, ce.Attempts, "create %d: a connection error only once the attempts are exhausted", n)
	if !assert.NotEmpty(t, ce.IdempotencyKey, "create %d: the error carries its Idempotency-Key", n) {
		return
	}
	rec, ok := proxy.record(ce.IdempotencyKey)
	if !assert.True(t, ok, "create %d: the error's key %q is the one that went over the wire", n, ce.IdempotencyKey) {
		return
	}
	assert.Equal(t, strconv.Itoa(n), rec.n, "create %d: the error's key was sent with this create", n)
	if fresh {
		assert.Equal(t, counter.attempts(ce.IdempotencyKey), ce.Attempts, "create %d: the error counts the attempts sent", n)
	}
	if rec.attempts > 0 {
		assert.True(t, ce.ReachedServer, "create %d: %d attempt(s) reached the proxy (faults %v)", n, rec.attempts, rec.faults)
	}
	if rec.forwarded > 0 {
		assert.True(t, ce.MaybeApplied(), "create %d: the proxy forwarded %d attempt(s) to the emulator (faults %v), so the create may have been applied", n, rec.forwarded, rec.faults)
	}
	if ce.StatusCode != 0 {
		assert.Equal(t, http.StatusOK, ce.StatusCode, "create %d: the status of the response whose body was lost", n)
		assert.True(t, slices.ContainsFunc(rec.faults, func(f fault) bool { return bodyFaults[f] }),
			"create %d: a status with a lost body only comes from a body fault (faults %v)", n, rec.faults)
	}
}

// listByN lists the emulator's customers directly and groups their IDs by
// metadata[n].
func listByN(ctx context.Context, t *testing.T, srv *stripetest.Server, key string) (map[string][]string, int) {
	t.Helper()
	direct, directTr := directClient(srv, key)
	defer directTr.CloseIdleConnections()
	byN := map[string][]string{}
	listed := 0
	for cust, err := range customers.New(direct).Customers.All(ctx, &customers.CustomerListParams{ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(100))}}) {
		require.NoError(t, err)
		listed++
		byN[cust.Metadata["n"]] = append(byN[cust.Metadata["n"]], cust.ID)
	}
	return byN, listed
}

// Mode A: no caller re-issue. Every failed call returns a typed error: a
// *ConnectionError carrying the Idempotency-Key its attempts used (and
// saying the create may have been applied when any attempt was forwarded),
// or an API *Error; never a *DecodeError. Re-issuing each failed call with
// its key then ends with exactly one customer per create.
func TestFaultCutBodiesReissueWithKey(t *testing.T) {
	leaks := newLeakCheck()
	const key = "sk_test_reliability_cut_with_key"
	srv := stripetest.NewServer()
	proxy := newFaultProxyOf(srv.URL, transientFaults, faultRate, faultSeed+2, slowDelay)
	client, counter := cutClient(t, proxy, key)
	cs := customers.New(client).Customers
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// Pass 1: one call per create, no re-issue. Each goroutine writes only
	// the entries of its own i.
	ids := make([]string, cutCreates)    // the ID the successful call returned
	okKeys := make([]string, cutCreates) // the key of the successful call
	firstErr := make([]error, cutCreates)
	forEach(ctx, cutCreates, cutWorkers, func(i int) {
		cust, err := cs.Create(ctx, cutParams(i))
		if err != nil {
			firstErr[i] = err
			return
		}
		ids[i], okKeys[i] = cust.ID, cust.LastResponse.IdempotencyKey
	})
	require.NoError(t, ctx.Err(), "the creates did not finish in time")
	pass1Attempts := counter.sent()

	errKinds := map[string]int{}
	reissueKey := map[int]string{}
	var maybeApplied, untyped int
	for i, err := range firstErr {
		keys := proxy.keysFor(strconv.Itoa(i))
		require.Len(t, keys, 1, "create %d: every attempt of the call carried one Idempotency-Key", i)
		if err == nil {
			assert.Equal(t, keys[0], okKeys[i], "create %d: LastResponse.IdempotencyKey is the key on the wire", i)
			continue
		}
		errKinds[cutErrorKind(err)]++
		var (
			ce *embedfin.ConnectionError
			ae *embedfin.Error
		)
		switch {
		case errors.As(err, &ce):
			checkConnectionError(t, proxy, counter, i, ce, true)
			assert.Equal(t, keys[0], ce.IdempotencyKey, "create %d", i)
			if ce.MaybeApplied() {
				maybeApplied++
			}
			reissueKey[i] = ce.IdempotencyKey
		case errors.As(err, &ae):
			// An *Error carries no key; a caller re-issuing it safely uses
			// the key it sent, here the one seen on the wire.
			reissueKey[i] = keys[0]
		default:
			untyped++
			t.Errorf("create %d: %T is neither *embedfin.ConnectionError nor *embedfin.Error: %v", i, err, err)
		}
	}
	require.NotEmpty(t, reissueKey, "at 30%% faults and %d retries some calls exhaust their attempts", cutRetries)

	// Pass 2: re-issue every failed call with its key until it succeeds.
	failed := make([]int, 0, len(reissueKey))
	for i := range reissueKey {
		failed = append(failed, i)
	}
	sort.Ints(failed)
	reCalls := make([]int, cutCreates)
	reErrs := make([][]error, cutCreates)
	forEach(ctx, len(failed), cutWorkers, func(j int) {
		i := failed[j]
		for reCalls[i] < cutMaxCalls {
			reCalls[i]++
			cust, err := cs.Create(ctx, cutParams(i), embedfin.WithIdempotencyKey(reissueKey[i]))
			if err == nil {
				ids[i], okKeys[i] = cust.ID, cust.LastResponse.IdempotencyKey
				return
			}
			reErrs[i] = append(reErrs[i], err)
			if ctx.Err() != nil {
				return
			}
		}
	})
	require.NoError(t, ctx.Err(), "the re-issues did not finish in time")
	reissues, reFailures := 0, map[string]int{}
	for _, i := range failed {
		reissues += reCalls[i]
		assert.Equal(t, reissueKey[i], okKeys[i], "create %d: the re-issue succeeded under the key it was given", i)
		for _, err := range reErrs[i] {
			reFailures[cutErrorKind(err)]++
			var (
				ce *embedfin.ConnectionError
				ae *embedfin.Error
			)
			switch {
			case errors.As(err, &ce):
				checkConnectionError(t, proxy, counter, i, ce, false)
				assert.Equal(t, reissueKey[i], ce.IdempotencyKey, "create %d: a re-issue's error carries the key it was given", i)
			case errors.As(err, &ae):
			default:
				untyped++
				t.Errorf("create %d, re-issue: %T is neither *embedfin.ConnectionError nor *embedfin.Error: %v", i, err, err)
			}
		}
	}

	proxy.Close()
	counter.next.CloseIdleConnections()

	byN, listed := listByN(ctx, t, srv, key)
	once := 0
	for i := range cutCreates {
		n := strconv.Itoa(i)
		assert.Len(t, proxy.keysFor(n), 1, "create %d: its calls all used one key", i)
		if assert.Len(t, byN[n], 1, "create %d exists exactly once on the emulator", i) {
			once++
			assert.Equal(t, ids[i], byN[n][0], "create %d: the object is the one its successful call returned", i)
		}
	}

	attempts, faults := proxy.stats()
	injected := attempts - faults[faultNone]
	sent := counter.sent()
	t.Logf("mode A (no caller re-issue, then re-issue with the error's key): %d creates, %d goroutines, %.0f%% faults, %d retries, seed %d", cutCreates, cutWorkers, 100*faultRate, cutRetries, faultSeed+2)
	logCounts(t, "mode A faults by kind", faults)
	t.Logf("mode A summary: pass 1: %d calls, %d attempts, %d failed after their retries (%s; %d said MaybeApplied), decode errors %d, untyped %d; "+
		"pass 2: %d re-issues with the key for %d creates (failures %s); total %d attempts sent (%d requests at the proxy, net/http's replays included), %d faults; emulator: %d customers, %d of %d creates exactly once",
		cutCreates, pass1Attempts, len(failed), countsOrNone(errKinds), maybeApplied, errKinds["decode_error"], untyped,
		reissues, len(failed), countsOrNone(reFailures), sent, attempts, injected, listed, once, cutCreates)

	assert.Zero(t, errKinds["decode_error"]+reFailures["decode_error"], "a cut or stalled body is never a *DecodeError")
	assert.Zero(t, untyped)
	assert.Equal(t, cutCreates, listed, "exactly one customer per create")
	for _, f := range transientFaults {
		assert.Positive(t, faults[f], "fault %s was injected", f)
	}

	srv.Close()
	leaks.verify(t, 10*time.Second)
}

// Mode B: the caller re-issues every failed call as a fresh call, without
// its key, as a job runner that knows nothing of idempotency would. Every
// duplicate this makes is traced to the failed call whose key committed a
// customer: none may come from a body cut the SDK gave up on early (nor
// from a *DecodeError); all come from calls that exhausted their attempts.
func TestFaultCutBodiesReissueWithoutKey(t *testing.T) {
	leaks := newLeakCheck()
	const key = "sk_test_reliability_cut_without_key"
	srv := stripetest.NewServer()
	proxy := newFaultProxyOf(srv.URL, transientFaults, faultRate, faultSeed+3, slowDelay)
	client, counter := cutClient(t, proxy, key)
	cs := customers.New(client).Customers
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	type createLog struct {
		calls     int
		errs      []error
		okKey, id string
	}
	logs := make([]createLog, cutCreates)
	forEach(ctx, cutCreates, cutWorkers, func(i int) {
		l := &logs[i]
		for l.calls < cutMaxCalls {
			l.calls++
			cust, err := cs.Create(ctx, cutParams(i))
			if err == nil {
				l.okKey, l.id = cust.LastResponse.IdempotencyKey, cust.ID
				return
			}
			l.errs = append(l.errs, err)
			if ctx.Err() != nil {
				return
			}
		}
	})
	require.NoError(t, ctx.Err(), "the creates did not finish in time")

	proxy.Close()
	counter.next.CloseIdleConnections()
	byN, listed := listByN(ctx, t, srv, key)

	var (
		calls, untyped, duplicates   int
		dupConn, dupBodyLost, dupAPI int // duplicates by the error of the call that caused them
		dupEarly                     int // duplicates after a call that had attempts left (must stay 0)
		errKinds                     = map[string]int{}
	)
	for i := range cutCreates {
		l := logs[i]
		n := strconv.Itoa(i)
		calls += l.calls
		if !assert.NotEmpty(t, l.okKey, "create %d succeeded within %d calls", i, cutMaxCalls) {
			continue
		}
		connErrs := map[string]*embedfin.ConnectionError{}
		for _, err := range l.errs {
			errKinds[cutErrorKind(err)]++
			var (
				ce *embedfin.ConnectionError
				ae *embedfin.Error
			)
			switch {
			case errors.As(err, &ce):
				checkConnectionError(t, proxy, counter, i, ce, true)
				connErrs[ce.IdempotencyKey] = ce
			case errors.As(err, &ae):
			default:
				untyped++
				t.Errorf("create %d: %T is neither *embedfin.ConnectionError nor *embedfin.Error: %v", i, err, err)
			}
		}

		// Each call has a key of its own; the customers of create n are
		// exactly those its keys committed.
		keys := proxy.keysFor(n)
		assert.Len(t, keys, l.calls, "create %d: one Idempotency-Key per call, shared by its attempts", i)
		var committed []string
		for _, k := range keys {
			rec, _ := proxy.record(k)
			assert.LessOrEqual(t, len(rec.ids), 1, "create %d: at most one customer per key", i)
			for id := range rec.ids {
				committed = append(committed, id)
			}
			if len(rec.ids) == 0 || k == l.okKey {
				continue
			}
			// A failed call whose create was applied: re-issued without its
			// key, it left a duplicate.
			if ce := connErrs[k]; ce != nil {
				dupConn++
				if ce.StatusCode != 0 {
					dupBodyLost++
				}
			} else {
				dupAPI++
			}
			if sent := counter.attempts(k); sent < cutRetries+1 {
				dupEarly++
				t.Errorf("create %d: a call whose create was applied gave up after %d attempt(s) (faults on the wire %v)", i, sent, rec.faults)
			}
		}
		assert.ElementsMatch(t, committed, byN[n], "create %d: the emulator holds exactly the customers its keys committed", i)
		assert.Contains(t, byN[n], l.id, "create %d: the successful call's customer exists", i)
		if len(byN[n]) > 1 {
			duplicates += len(byN[n]) - 1
		}
	}

	attempts, faults := proxy.stats()
	sent := counter.sent()
	failedCalls := calls - cutCreates
	t.Logf("mode B (caller re-issues without a key): %d creates, %d goroutines, %.0f%% faults, %d retries, seed %d", cutCreates, cutWorkers, 100*faultRate, cutRetries, faultSeed+3)
	logCounts(t, "mode B faults by kind", faults)
	t.Logf("mode B summary: %d calls (%d failed and re-issued: %s), %d attempts sent (%d requests at the proxy, net/http's replays included), %d faults; decode errors %d, untyped %d; emulator: %d customers; "+
		"duplicates %d (%.2f%% of calls, %.2f%% of creates): %d after a *ConnectionError (%d of them with the last attempt's body lost), %d after an error without a key (an API *Error), %d after a call with attempts left",
		calls, failedCalls, countsOrNone(errKinds), sent, attempts, attempts-faults[faultNone], errKinds["decode_error"], untyped, listed,
		duplicates, 100*float64(duplicates)/float64(calls), 100*float64(duplicates)/float64(cutCreates), dupConn, dupBodyLost, dupAPI, dupEarly)

	assert.Zero(t, errKinds["decode_error"], "a cut or stalled body is never a *DecodeError")
	assert.Zero(t, untyped)
	assert.Zero(t, dupEarly, "no duplicate comes from a call that gave up with attempts left (a body cut not retried)")
	assert.Equal(t, duplicates, dupConn+dupAPI, "every duplicate is traced to the failed call that committed it")
	assert.Equal(t, cutCreates+duplicates, listed)
	assert.Less(t, duplicates, cutCreates/100, "duplicates stay under 1%% of the creates")
	for _, f := range transientFaults {
		assert.Positive(t, faults[f], "fault %s was injected", f)
	}

	srv.Close()
	leaks.verify(t, 10*time.Second)
}
