package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/events"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const badInputSecret = "whsec_badinputBadInput0123456789"

// endless is a request body that never ends: the Handler must stop
// reading it at its limit.
type endless struct{ served int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	e.served += int64(len(p))
	return len(p), nil
}

func TestBadInputConstructEvent(t *testing.T) {
	t.Parallel()
	now := time.Now()
	good := []byte(`{"id":"evt_1","object":"event","type":"customer.created","data":{"object":{"id":"cus_1"}}}`)
	sign := func(p []byte) string { return webhook.SignHeader(p, badInputSecret, now) }
	cases := []struct {
		name    string
		payload []byte
		header  string
		secret  string
		want    error
	}{
		{"nil payload", nil, sign(nil), badInputSecret, webhook.ErrInvalidPayload},
		{"empty payload", []byte{}, sign([]byte{}), badInputSecret, webhook.ErrInvalidPayload},
		{"not JSON", []byte("<html>"), sign([]byte("<html>")), badInputSecret, webhook.ErrInvalidPayload},
		{"truncated", good[:30], sign(good[:30]), badInputSecret, webhook.ErrInvalidPayload},
		{"JSON null", []byte("null"), sign([]byte("null")), badInputSecret, webhook.ErrInvalidPayload},
		{"another object", []byte(`{"id":"cus_1","object":"customer"}`), sign([]byte(`{"id":"cus_1","object":"customer"}`)), badInputSecret, webhook.ErrInvalidPayload},
		{"no data.object", []byte(`{"id":"evt_1","object":"event","type":"x","data":{}}`), sign([]byte(`{"id":"evt_1","object":"event","type":"x","data":{}}`)), badInputSecret, webhook.ErrInvalidPayload},
		{"non-UTF-8 outside strings", []byte("{\xff}"), sign([]byte("{\xff}")), badInputSecret, webhook.ErrInvalidPayload},
		{"no secret", good, sign(good), "", webhook.ErrNoSecret},
		{"no header", good, "", badInputSecret, webhook.ErrMissingHeader},
		{"header garbage", good, "\x00\xff,,==", badInputSecret, webhook.ErrInvalidHeader},
		{"header without t", good, "v1=" + strings.Repeat("a", 64), badInputSecret, webhook.ErrInvalidHeader},
		{"negative t", good, "t=-1,v1=" + strings.Repeat("a", 64), badInputSecret, webhook.ErrInvalidHeader},
		{"huge t", good, "t=" + strings.Repeat("9", 40) + ",v1=" + strings.Repeat("a", 64), badInputSecret, webhook.ErrInvalidHeader},
		{"two t", good, "t=1,t=2,v1=" + strings.Repeat("a", 64), badInputSecret, webhook.ErrInvalidHeader},
		{"10,000 wrong v1", good, "t=1," + strings.Repeat("v1="+strings.Repeat("0", 64)+",", 10000) + "v0=x", badInputSecret, webhook.ErrNoValidSignature},
		{"wrong secret", good, webhook.SignHeader(good, "whsec_other", now), badInputSecret, webhook.ErrNoValidSignature},
		{"too old", good, webhook.SignHeader(good, badInputSecret, now.Add(-time.Hour)), badInputSecret, webhook.ErrTimestampOutOfTolerance},
		{"in the future", good, webhook.SignHeader(good, badInputSecret, now.Add(time.Hour)), badInputSecret, webhook.ErrTimestampOutOfTolerance},
	}
	for _, tc := range cases {
		var err error
		var ev webhook.Event
		require.NotPanics(t, func() { ev, err = webhook.ConstructEvent(tc.payload, tc.header, tc.secret) }, tc.name)
		require.ErrorIs(t, err, tc.want, tc.name)
		assert.Empty(t, ev.ID, "%s: the zero Event on error", tc.name)
		assert.NotContains(t, err.Error(), badInputSecret, tc.name)
	}

	// Invalid UTF-8 inside a string is accepted, as encoding/json accepts it.
	odd := []byte("{\"id\":\"evt_\xff\",\"object\":\"event\",\"type\":\"customer.created\",\"data\":{\"object\":{\"id\":\"cus_\xfe\"}}}")
	ev, err := webhook.ConstructEvent(odd, sign(odd), badInputSecret)
	require.NoError(t, err)
	assert.NotEmpty(t, ev.ID)

	// A 32 MiB payload is verified without trouble (the Handler caps bodies).
	big := append([]byte(`{"id":"evt_big","object":"event","type":"customer.created","data":{"object":{"id":"cus_1","pad":"`), bytes.Repeat([]byte("x"), 32<<20)...)
	big = append(big, `"}}}`...)
	_, err = webhook.ConstructEvent(big, sign(big), badInputSecret)
	require.NoError(t, err)
}

func TestBadInputData(t *testing.T) {
	t.Parallel()
	for name, ev := range map[string]webhook.Event{
		"zero event":   {},
		"nil data":     {Event: events.Event{ID: "evt_1"}},
		"empty object": {Event: events.Event{ID: "evt_1", Data: &events.EventData{}}},
	} {
		_, err := webhook.Data[fc.Account](ev)
		assert.ErrorIs(t, err, webhook.ErrNoData, name)
		prev, err := webhook.PreviousAttributes[map[string]any](ev)
		assert.NoError(t, err, name)
		assert.Nil(t, prev, name)
	}
	wrong := webhook.Event{Event: events.Event{ID: "evt_1", Type: "x", Data: &events.EventData{
		Object: []byte(`{"id":"cus_1","status":42}`), PreviousAttributes: []byte(`[1]`),
	}}}
	_, err := webhook.Data[fc.Account](wrong)
	require.Error(t, err, "a status that is not a string")
	assert.Contains(t, err.Error(), "evt_1")
	_, err = webhook.PreviousAttributes[map[string]any](wrong)
	require.Error(t, err)
	acct, err := webhook.Data[fc.Account](webhook.Event{Event: events.Event{ID: "evt_2", Data: &events.EventData{Object: []byte(`{"id":"cus_1","object":"customer"}`)}}})
	require.NoError(t, err, "another object type decodes into the fields both share")
	assert.Equal(t, "customer", acct.Object, "Object tells what arrived")
}

func TestBadInputHandler(t *testing.T) {
	t.Parallel()
	var hooked []error
	h := webhook.NewHandler(badInputSecret, webhook.WithMaxBodyBytes(1<<10), webhook.WithErrorHook(func(_ *http.Request, _ *webhook.Event, err error) {
		hooked = append(hooked, err)
	}))
	called := 0
	h.HandleFallback(func(context.Context, webhook.Event) error { called++; return nil })
	good := []byte(`{"id":"evt_1","object":"event","type":"customer.created","data":{"object":{"id":"cus_1"}}}`)

	serve := func(method string, body io.Reader, contentLength int64, header string) int {
		req := httptest.NewRequest(method, "/webhook", body)
		req.ContentLength = contentLength
		if header != "" {
			req.Header.Set(webhook.SignatureHeader, header)
		}
		rec := httptest.NewRecorder()
		require.NotPanics(t, func() { h.ServeHTTP(rec, req) })
		return rec.Code
	}
	assert.Equal(t, http.StatusMethodNotAllowed, serve(http.MethodGet, nil, 0, ""))
	assert.Equal(t, http.StatusBadRequest, serve(http.MethodPost, bytes.NewReader(good), int64(len(good)), ""), "no signature")
	assert.Equal(t, http.StatusBadRequest, serve(http.MethodPost, http.NoBody, 0, webhook.SignHeader(nil, badInputSecret, time.Now())), "no body")
	assert.Equal(t, http.StatusBadRequest, serve(http.MethodPost, strings.NewReader("<html>"), 6, webhook.SignHeader([]byte("<html>"), badInputSecret, time.Now())), "not JSON")
	assert.Equal(t, http.StatusRequestEntityTooLarge, serve(http.MethodPost, bytes.NewReader(make([]byte, 100<<20)), 100<<20, "t=1,v1=x"), "declared 100 MiB")
	stream := &endless{}
	assert.Equal(t, http.StatusRequestEntityTooLarge, serve(http.MethodPost, stream, -1, "t=1,v1=x"), "an endless body")
	assert.LessOrEqual(t, stream.served, int64(64<<10), "the endless body was not read past the limit")
	assert.Zero(t, called, "no bad delivery reached the handler function")
	require.NotEmpty(t, hooked)
	for _, err := range hooked {
		assert.True(t, errors.Is(err, webhook.ErrMethodNotAllowed) || errors.Is(err, webhook.ErrBodyTooLarge) ||
			errors.Is(err, webhook.ErrMissingHeader) || errors.Is(err, webhook.ErrInvalidPayload) || errors.Is(err, webhook.ErrInvalidHeader),
			"%v", err)
	}
	assert.Equal(t, http.StatusOK, serve(http.MethodPost, bytes.NewReader(good), int64(len(good)), webhook.SignHeader(good, badInputSecret, time.Now())))
	assert.Equal(t, 1, called)

	// Registration mistakes panic at setup, as http.ServeMux does, with a
	// message naming the event type.
	assert.PanicsWithValue(t, "webhook: nil HandlerFunc for customer.created", func() { h.Handle(events.EventTypeCustomerCreated, nil) })
}

func TestBadInputMemoryStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, opt := range []webhook.MemoryStoreOption{webhook.WithClaimTimeout(-1), webhook.WithStoreClock(nil)} {
		func() {
			defer func() {
				_, ok := recover().(*embedfin.ValidationError)
				assert.True(t, ok, "an invalid option panics with a *embedfin.ValidationError")
			}()
			webhook.NewMemoryStore(0, opt)
		}()
	}
	for _, ttl := range []time.Duration{0, -time.Hour} {
		s := webhook.NewMemoryStore(ttl, nil)
		for _, id := range []string{"", "\xff", strings.Repeat("e", 1<<16)} {
			var res webhook.ClaimResult
			var err error
			require.NotPanics(t, func() { res, err = s.Claim(ctx, id) })
			require.NoError(t, err)
			assert.Equal(t, webhook.ClaimAcquired, res)
			require.NoError(t, s.Complete(ctx, id))
			res, err = s.Claim(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, webhook.ClaimDone, res)
			require.NoError(t, s.Release(ctx, id), "releasing a completed event is a no-op")
		}
		require.NoError(t, s.Release(ctx, "never-claimed"))
		require.NoError(t, s.Complete(ctx, "never-claimed"))
	}
}
