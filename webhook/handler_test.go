package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/financialconnections"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deliver POSTs payload with a valid signature to h, as Stripe would.
func deliver(h http.Handler, payload []byte) *httptest.ResponseRecorder {
	return deliverWith(h, payload, SignHeader(payload, testSecret, testNow))
}

func deliverWith(h http.Handler, payload []byte, header string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/stripe/webhook", bytes.NewReader(payload))
	if header != "" {
		r.Header.Set("Stripe-Signature", header)
	}
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// hookLog records what the ErrorHook is told.
type hookLog struct {
	mu   sync.Mutex
	errs []error
	evs  []*Event
}

func (l *hookLog) hook(_ *http.Request, ev *Event, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, err)
	l.evs = append(l.evs, ev)
}

func (l *hookLog) last() (*Event, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.errs) == 0 {
		return nil, nil
	}
	return l.evs[len(l.evs)-1], l.errs[len(l.errs)-1]
}

func newTestHandler(opts ...Option) (*Handler, *hookLog) {
	log := new(hookLog)
	opts = append([]Option{fixedClock(), WithErrorHook(log.hook)}, opts...)
	return NewHandler(testSecret, opts...), log
}

// assertSafeBody checks that a response body repeats neither a secret nor
// the payload.
func assertSafeBody(t *testing.T, w *httptest.ResponseRecorder, payload []byte) {
	t.Helper()
	body := w.Body.String()
	assert.NotContains(t, body, "whsec_")
	assert.NotContains(t, body, testSecret)
	assert.NotContains(t, body, "evt_")
	assert.NotContains(t, body, "fca_")
	if len(payload) > 0 {
		assert.NotContains(t, body, string(payload))
	}
	assert.Less(t, len(body), 64)
	assert.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))
}

func TestHandler_TypedDispatch(t *testing.T) {
	t.Parallel()
	h, _ := newTestHandler()
	var got *financialconnections.Account
	var gotEv Event
	On(h, events.EventTypeFinancialConnectionsAccountRefreshedTransactions,
		func(ctx context.Context, ev Event, acct *financialconnections.Account) error {
			require.NotNil(t, ctx)
			got, gotEv = acct, ev
			return nil
		})
	payload := fcEvent("evt_1Typed")
	w := deliver(h, payload)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "ok\n", w.Body.String())
	assertSafeBody(t, w, payload)
	require.NotNil(t, got)
	assert.Equal(t, "fca_1Test", got.ID)
	assert.Equal(t, "StripeBank", got.InstitutionName)
	assert.Equal(t, financialconnections.AccountStatus("active"), got.Status)
	require.NotNil(t, got.TransactionRefresh)
	assert.Equal(t, "fctxnref_1Abc", got.TransactionRefresh.ID)
	assert.Nil(t, got.TransactionRefresh.NextRefreshAvailableAt)
	assert.Equal(t, "evt_1Typed", gotEv.ID)
}

func TestHandler_UntypedAndUnknown(t *testing.T) {
	t.Parallel()
	h, _ := newTestHandler()
	var calls []string
	var mu sync.Mutex
	record := func(tag string) HandlerFunc {
		return func(_ context.Context, ev Event) error {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, tag+":"+string(ev.Type))
			return nil
		}
	}
	h.Handle(events.EventTypeCustomerCreated, record("customer"))

	w := deliver(h, eventJSON("evt_1Cust", events.EventTypeCustomerCreated, `{"id":"cus_1","object":"customer"}`))
	assert.Equal(t, http.StatusOK, w.Code)

	// An unknown type is acknowledged and ignored...
	unknown := eventJSON("evt_1Unknown", "charge.succeeded", `{"id":"ch_1","object":"charge"}`)
	w = deliver(h, unknown)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "ignored\n", w.Body.String())
	assert.Equal(t, []string{"customer:customer.created"}, calls)

	// ... or goes to the fallback, which can be removed again.
	h.HandleFallback(record("fallback"))
	w = deliver(h, unknown)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "ok\n", w.Body.String())
	assert.Equal(t, []string{"customer:customer.created", "fallback:charge.succeeded"}, calls)
	h.HandleFallback(nil)
	w = deliver(h, unknown)
	assert.Equal(t, "ignored\n", w.Body.String())
	assert.Len(t, calls, 2)
	assert.Equal(t, "webhook.Handler{secrets: 1, routes: 1, fallback: false, dedupe: false, maxBodyBytes: 1048576}", fmt.Sprint(h))
}

func TestHandler_RegistrationPanics(t *testing.T) {
	t.Parallel()
	h := NewHandler(testSecret)
	ok := func(context.Context, Event) error { return nil }
	h.Handle(events.EventTypeCustomerCreated, ok)
	assert.PanicsWithValue(t, "webhook: a HandlerFunc is already registered for customer.created", func() {
		h.Handle(events.EventTypeCustomerCreated, ok)
	})
	assert.PanicsWithValue(t, "webhook: nil HandlerFunc for customer.updated", func() {
		h.Handle(events.EventTypeCustomerUpdated, nil)
	})
	assert.PanicsWithValue(t, "webhook: nil function for customer.updated", func() {
		On[financialconnections.Account](h, events.EventTypeCustomerUpdated, nil)
	})
}

func TestHandler_Rejections(t *testing.T) {
	t.Parallel()
	payload := fcEvent("evt_1Bad")
	h, log := newTestHandler(WithStrictAPIVersion())
	called := false
	h.Handle(events.EventTypeFinancialConnectionsAccountRefreshedTransactions, func(context.Context, Event) error {
		called = true
		return nil
	})

	cases := map[string]struct {
		payload []byte
		header  string
		want    error
	}{
		"bad signature":   {payload, stripeHeader(payload, otherSecret, testNow.Unix()), ErrNoValidSignature},
		"no header":       {payload, "", ErrMissingHeader},
		"garbage header":  {payload, "nonsense", ErrInvalidHeader},
		"stale":           {payload, stripeHeader(payload, testSecret, testNow.Unix()-3600), ErrTimestampOutOfTolerance},
		"not JSON":        {[]byte("not json"), SignHeader([]byte("not json"), testSecret, testNow), ErrInvalidPayload},
		"not an event":    {[]byte(`{"object":"customer"}`), SignHeader([]byte(`{"object":"customer"}`), testSecret, testNow), ErrInvalidPayload},
		"other version":   {bytes.Replace(payload, []byte("dahlia"), []byte("acacia"), 1), SignHeader(bytes.Replace(payload, []byte("dahlia"), []byte("acacia"), 1), testSecret, testNow), ErrAPIVersionMismatch},
		"secret in input": {[]byte(testSecret), SignHeader([]byte(testSecret), testSecret, testNow), ErrInvalidPayload},
	}
	for name, c := range cases {
		w := deliverWith(h, c.payload, c.header)
		assert.Equal(t, http.StatusBadRequest, w.Code, name)
		assert.Equal(t, "Bad Request\n", w.Body.String(), name)
		assertSafeBody(t, w, c.payload)
		ev, err := log.last()
		assert.ErrorIs(t, err, c.want, name)
		assert.Nil(t, ev, name)
	}
	assert.False(t, called)

	// Methods other than POST.
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodHead} {
		r := httptest.NewRequest(m, "/stripe/webhook", nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
		assert.Equal(t, "POST", w.Header().Get("Allow"))
		_, err := log.last()
		assert.ErrorIs(t, err, ErrMethodNotAllowed)
	}

	// A body that cannot be read.
	r := httptest.NewRequest(http.MethodPost, "/stripe/webhook", io.MultiReader(strings.NewReader("{"), iotestErrReader{}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusBadRequest, w.Code)
	_, err := log.last()
	assert.ErrorIs(t, err, errBroken)

	// No body at all.
	r = httptest.NewRequest(http.MethodPost, "/stripe/webhook", nil)
	r.Body = nil
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusBadRequest, w.Code)
	assert.False(t, called)
}

var errBroken = errors.New("connection reset")

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errBroken }

// countingReader counts the bytes read from it; it holds n bytes.
type countingReader struct {
	n    int64
	read atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	left := c.n - c.read.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	for i := range p {
		p[i] = ' '
	}
	c.read.Add(int64(len(p)))
	return len(p), nil
}

func TestHandler_BodyLimit(t *testing.T) {
	t.Parallel()
	const limit = 4096
	h, log := newTestHandler(WithMaxBodyBytes(limit))
	h.HandleFallback(func(context.Context, Event) error {
		t.Error("no event should be dispatched")
		return nil
	})

	// Declared length over the limit: refused before reading anything.
	body := &countingReader{n: 10 * limit}
	r := httptest.NewRequest(http.MethodPost, "/stripe/webhook", body)
	r.ContentLength = body.n
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
	assert.Equal(t, "close", w.Header().Get("Connection"))
	assert.Zero(t, body.read.Load())
	_, err := log.last()
	assert.ErrorIs(t, err, ErrBodyTooLarge)

	// Unknown length (chunked): reading stops just past the limit.
	body = &countingReader{n: 1 << 20}
	r = httptest.NewRequest(http.MethodPost, "/stripe/webhook", body)
	r.ContentLength = -1
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
	assert.LessOrEqual(t, body.read.Load(), int64(limit+1))
	assertSafeBody(t, w, nil)

	// At the limit, a body is read (and here fails verification: 400).
	body = &countingReader{n: limit}
	r = httptest.NewRequest(http.MethodPost, "/stripe/webhook", body)
	r.ContentLength = -1
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusBadRequest, w.Code)
	assert.Equal(t, int64(limit), body.read.Load())

	// The default limit is 1 MiB: a real event far below it is accepted.
	d, _ := newTestHandler()
	w = deliver(d, sizedEvent(64<<10))
	assert.Equal(t, http.StatusOK, w.Code)
	r = httptest.NewRequest(http.MethodPost, "/stripe/webhook", &countingReader{n: DefaultMaxBodyBytes + 1})
	w = httptest.NewRecorder()
	d.ServeHTTP(w, r)
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
}

func TestHandler_FailureThenRedelivery(t *testing.T) {
	t.Parallel()
	h, log := newTestHandler(WithDedupe(NewMemoryStore(0)))
	var calls atomic.Int32
	failFirst := errors.New("database unavailable")
	On(h, events.EventTypeFinancialConnectionsAccountRefreshedTransactions,
		func(_ context.Context, _ Event, _ *financialconnections.Account) error {
			if calls.Add(1) == 1 {
				return failFirst
			}
			return nil
		})
	payload := fcEvent("evt_1Retry")

	w := deliver(h, payload)
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	assert.Equal(t, "Internal Server Error\n", w.Body.String())
	assertSafeBody(t, w, payload)
	ev, err := log.last()
	require.ErrorIs(t, err, failFirst)
	require.NotNil(t, ev)
	assert.Equal(t, "evt_1Retry", ev.ID)

	// Stripe delivers again: the failure did not mark the event done.
	w = deliver(h, payload)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "ok\n", w.Body.String())
	assert.EqualValues(t, 2, calls.Load())

	// A further delivery is a duplicate and is not processed.
	w = deliver(h, payload)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "duplicate\n", w.Body.String())
	assert.EqualValues(t, 2, calls.Load())
}

func TestHandler_SequentialDuplicates(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore(0)
	h, _ := newTestHandler(WithDedupe(store))
	var calls atomic.Int32
	h.Handle(events.EventTypeCustomerCreated, func(context.Context, Event) error {
		calls.Add(1)
		return nil
	})
	a := eventJSON("evt_1A", events.EventTypeCustomerCreated, `{"id":"cus_1"}`)
	b := eventJSON("evt_1B", events.EventTypeCustomerCreated, `{"id":"cus_1"}`)
	for range 3 {
		assert.Equal(t, http.StatusOK, deliver(h, a).Code)
		assert.Equal(t, http.StatusOK, deliver(h, b).Code)
	}
	assert.EqualValues(t, 2, calls.Load())
	assert.Equal(t, 2, store.Len())

	// Without a store, every delivery is processed.
	h2, _ := newTestHandler()
	h2.Handle(events.EventTypeCustomerCreated, func(context.Context, Event) error {
		calls.Add(1)
		return nil
	})
	deliver(h2, a)
	deliver(h2, a)
	assert.EqualValues(t, 4, calls.Load())
}

func TestHandler_ConcurrentDuplicate(t *testing.T) {
	t.Parallel()
	h, log := newTestHandler(WithDedupe(NewMemoryStore(0)))
	entered := make(chan struct{})
	release := make(chan struct{})
	var calls atomic.Int32
	h.Handle(events.EventTypeCustomerCreated, func(context.Context, Event) error {
		calls.Add(1)
		close(entered)
		<-release
		return nil
	})
	payload := eventJSON("evt_1Concurrent", events.EventTypeCustomerCreated, `{"id":"cus_1"}`)

	first := make(chan int)
	go func() { first <- deliver(h, payload).Code }()
	<-entered
	// The second delivery arrives while the first is being processed.
	w := deliver(h, payload)
	assert.Equal(t, http.StatusConflict, w.Code)
	assertSafeBody(t, w, payload)
	_, err := log.last()
	assert.ErrorIs(t, err, ErrInProgress)

	close(release)
	assert.Equal(t, http.StatusOK, <-first)
	assert.Equal(t, "duplicate\n", deliver(h, payload).Body.String())
	assert.EqualValues(t, 1, calls.Load())
}

func TestHandler_ConcurrentStorm(t *testing.T) {
	t.Parallel()
	h, _ := newTestHandler(WithDedupe(NewMemoryStore(0)))
	var calls atomic.Int32
	h.Handle(events.EventTypeCustomerCreated, func(context.Context, Event) error {
		calls.Add(1)
		return nil
	})
	payload := eventJSON("evt_1Storm", events.EventTypeCustomerCreated, `{"id":"cus_1"}`)
	var wg sync.WaitGroup
	codes := make([]int, 32)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = deliver(h, payload).Code
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 1, calls.Load())
	for _, c := range codes {
		assert.Contains(t, []int{http.StatusOK, http.StatusConflict}, c)
	}
}

func TestHandler_Panic(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore(0)
	h, log := newTestHandler(WithDedupe(store))
	var calls atomic.Int32
	h.Handle(events.EventTypeCustomerCreated, func(context.Context, Event) error {
		if calls.Add(1) == 1 {
			panic("boom with key " + testSecret)
		}
		return nil
	})
	payload := eventJSON("evt_1Panic", events.EventTypeCustomerCreated, `{"id":"cus_1"}`)
	w := deliver(h, payload)
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	assertSafeBody(t, w, payload)
	_, err := log.last()
	var pe *PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "boom with key "+testSecret, pe.Value)
	assert.Contains(t, string(pe.Stack), "TestHandler_Panic")
	assert.Equal(t, "webhook: handler panicked: boom with key whsec_***", pe.Error())

	// The panic released the claim: the redelivery is processed.
	assert.Equal(t, "ok\n", deliver(h, payload).Body.String())
	assert.EqualValues(t, 2, calls.Load())

	// http.ErrAbortHandler keeps its meaning: the panic goes on to the
	// server, after the claim is released.
	h.Handle(events.EventTypeCustomerUpdated, func(context.Context, Event) error {
		panic(http.ErrAbortHandler)
	})
	abort := eventJSON("evt_1Abort", events.EventTypeCustomerUpdated, `{"id":"cus_1"}`)
	assert.PanicsWithValue(t, http.ErrAbortHandler, func() { deliver(h, abort) })
	assert.Equal(t, 1, store.Len(), "only evt_1Panic is held")
	res, err := store.Claim(context.Background(), "evt_1Abort")
	require.NoError(t, err)
	assert.Equal(t, ClaimAcquired, res)
}

func TestHandler_TypedDecodeFailure(t *testing.T) {
	t.Parallel()
	h, log := newTestHandler()
	On(h, events.EventTypeCustomerCreated, func(context.Context, Event, *financialconnections.Account) error {
		t.Error("must not be called")
		return nil
	})
	// "status" of an account is a string; a number cannot decode.
	w := deliver(h, eventJSON("evt_1Mismatch", events.EventTypeCustomerCreated, `{"id":"cus_1","status":42}`))
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	_, err := log.last()
	assert.ErrorContains(t, err, "evt_1Mismatch")
}

// faultyStore fails on demand and otherwise delegates to a MemoryStore.
type faultyStore struct {
	*MemoryStore
	claimErr, completeErr, releaseErr error
}

func (s *faultyStore) Claim(ctx context.Context, id string) (ClaimResult, error) {
	if s.claimErr != nil {
		return 0, s.claimErr
	}
	return s.MemoryStore.Claim(ctx, id)
}

func (s *faultyStore) Complete(ctx context.Context, id string) error {
	if s.completeErr != nil {
		return s.completeErr
	}
	return s.MemoryStore.Complete(ctx, id)
}

func (s *faultyStore) Release(ctx context.Context, id string) error {
	if s.releaseErr != nil {
		return s.releaseErr
	}
	return s.MemoryStore.Release(ctx, id)
}

// oddStore answers claims with a result the protocol does not define.
type oddStore struct{ DedupeStore }

func (oddStore) Claim(context.Context, string) (ClaimResult, error) { return ClaimResult(9), nil }

func TestHandler_StoreFailures(t *testing.T) {
	t.Parallel()
	payload := eventJSON("evt_1Store", events.EventTypeCustomerCreated, `{"id":"cus_1"}`)
	errDown := errors.New("store down")
	handlerErr := errors.New("handler failed")

	// Claim fails: nothing is processed, Stripe will retry.
	s := &faultyStore{MemoryStore: NewMemoryStore(0), claimErr: errDown}
	h, log := newTestHandler(WithDedupe(s))
	called := false
	h.Handle(events.EventTypeCustomerCreated, func(context.Context, Event) error {
		called = true
		return nil
	})
	assert.Equal(t, http.StatusInternalServerError, deliver(h, payload).Code)
	assert.False(t, called)
	ev, err := log.last()
	assert.ErrorIs(t, err, errDown)
	assert.Equal(t, "evt_1Store", ev.ID)

	// A store answering something unknown is a store failure.
	h, log = newTestHandler(WithDedupe(oddStore{}))
	h.Handle(events.EventTypeCustomerCreated, func(context.Context, Event) error {
		called = true
		return nil
	})
	assert.Equal(t, http.StatusInternalServerError, deliver(h, payload).Code)
	assert.False(t, called)
	_, err = log.last()
	assert.ErrorContains(t, err, "unknown result ClaimResult(9)")

	// Complete fails after success: still 2xx (the work is done), reported.
	s = &faultyStore{MemoryStore: NewMemoryStore(0), completeErr: errDown}
	h, log = newTestHandler(WithDedupe(s))
	h.Handle(events.EventTypeCustomerCreated, func(context.Context, Event) error { return nil })
	assert.Equal(t, http.StatusOK, deliver(h, payload).Code)
	_, err = log.last()
	assert.ErrorIs(t, err, errDown)

	// Release fails after a handler error: both errors are reported.
	s = &faultyStore{MemoryStore: NewMemoryStore(0), releaseErr: errDown}
	h, log = newTestHandler(WithDedupe(s))
	h.Handle(events.EventTypeCustomerCreated, func(context.Context, Event) error { return handlerErr })
	assert.Equal(t, http.StatusInternalServerError, deliver(h, payload).Code)
	_, err = log.last()
	assert.ErrorIs(t, err, errDown)
	assert.ErrorIs(t, err, handlerErr)
}

func TestHandler_CanceledRequestStillRecorded(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore(0)
	h, _ := newTestHandler(WithDedupe(store))
	payload := eventJSON("evt_1Cancel", events.EventTypeCustomerCreated, `{"id":"cus_1"}`)
	ctx, cancel := context.WithCancel(context.Background())
	h.Handle(events.EventTypeCustomerCreated, func(ctx context.Context, _ Event) error {
		cancel() // the client goes away while the event is processed
		return ctx.Err()
	})
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(payload)).WithContext(ctx)
	r.Header.Set("Stripe-Signature", SignHeader(payload, testSecret, testNow))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	assert.Zero(t, store.Len(), "the failed claim is released")
}

func TestHandler_RealServer(t *testing.T) {
	t.Parallel()
	h := NewHandler(otherSecret, WithSecrets(testSecret), WithDedupe(NewMemoryStore(0)))
	got := make(chan string, 1)
	On(h, events.EventTypeFinancialConnectionsAccountRefreshedTransactions,
		func(_ context.Context, _ Event, acct *financialconnections.Account) error {
			got <- acct.ID
			return nil
		})
	srv := httptest.NewServer(h)
	defer srv.Close()

	payload := fcEvent("evt_1Server")
	post := func(body io.Reader, header string) *http.Response {
		req, err := http.NewRequest(http.MethodPost, srv.URL, body)
		require.NoError(t, err)
		req.Header.Set("Stripe-Signature", header)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { _ = resp.Body.Close() })
		return resp
	}
	// Signed with the second secret, by the real time.
	resp := post(bytes.NewReader(payload), SignHeader(payload, testSecret, time.Now()))
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "fca_1Test", <-got)

	big := bytes.Repeat([]byte(" "), 2<<20)
	resp = post(bytes.NewReader(big), SignHeader(big, testSecret, time.Now()))
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "Request Entity Too Large\n", string(b))
}

func TestHandler_DedupeExpiry(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	h, _ := newTestHandler(WithDedupe(NewMemoryStore(24*time.Hour, WithStoreClock(clock.Now))))
	var calls atomic.Int32
	h.Handle(events.EventTypeCustomerCreated, func(context.Context, Event) error {
		calls.Add(1)
		return nil
	})
	payload := eventJSON("evt_1Expiry", events.EventTypeCustomerCreated, `{"id":"cus_1"}`)
	assert.Equal(t, "ok\n", deliver(h, payload).Body.String())
	clock.Advance(24*time.Hour - time.Second)
	assert.Equal(t, "duplicate\n", deliver(h, payload).Body.String())
	clock.Advance(time.Second)
	// Forgotten after the TTL: a (very late) delivery is processed again.
	assert.Equal(t, "ok\n", deliver(h, payload).Body.String())
	assert.EqualValues(t, 2, calls.Load())
}
