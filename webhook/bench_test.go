package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go/events"
)

// benchmarkConstructEvent verifies and decodes one signed event of about
// size bytes per iteration, as a webhook endpoint does for each delivery.
func benchmarkConstructEvent(b *testing.B, size int) {
	payload := sizedEvent(size)
	header := SignHeader(payload, testSecret, time.Now())
	if _, err := ConstructEvent(payload, header, testSecret); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		ev, err := ConstructEvent(payload, header, testSecret)
		if err != nil || ev.ID == "" {
			b.Fatal(err)
		}
	}
}

func BenchmarkConstructEvent2KiB(b *testing.B)  { benchmarkConstructEvent(b, 2<<10) }
func BenchmarkConstructEvent64KiB(b *testing.B) { benchmarkConstructEvent(b, 64<<10) }

// BenchmarkEncodingJSONEnvelope2KiB is the baseline the envelope decoder
// replaces: the same payload decoded by encoding/json, without verification.
func BenchmarkEncodingJSONEnvelope2KiB(b *testing.B) {
	payload := sizedEvent(2 << 10)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		var ev Event
		if err := json.Unmarshal(payload, &ev.Event); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandler2KiB serves one signed 2 KiB delivery per iteration:
// reading the body, verifying, deduplicating and dispatching.
func BenchmarkHandler2KiB(b *testing.B) {
	payload := sizedEvent(2 << 10)
	header := SignHeader(payload, testSecret, time.Now())
	h := NewHandler(testSecret)
	h.Handle(events.EventTypeFinancialConnectionsAccountAccountNumbersUpdated, func(context.Context, Event) error { return nil })
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Header.Set(SignatureHeader, header)
	rd := bytes.NewReader(payload)
	w := httptest.NewRecorder()
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		rd.Reset(payload)
		r.Body = io.NopCloser(rd)
		r.ContentLength = int64(len(payload))
		w.Body.Reset()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
