package benchmarks

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/form"
	efwebhook "github.com/embedfin/embedfin-go/webhook"
	stripe "github.com/stripe/stripe-go/v85"
	sgform "github.com/stripe/stripe-go/v85/form"
	sgwebhook "github.com/stripe/stripe-go/v85/webhook"
)

// Every Benchmark below has two sub-benchmarks, embedfin and stripe-go, doing
// the same work on the same inputs. Each is what the SDK itself does on that
// path: embedfin encodes bodies with form.Marshal (what Client.Do calls) and
// stripe-go with form.AppendTo + Values.Encode (what its backend calls).

// --- Encoding ---------------------------------------------------------------

func benchEncode(b *testing.B, ef, sg any) {
	efBody, err := form.Marshal(ef)
	if err != nil {
		b.Fatal(err)
	}
	sgVals := &sgform.Values{}
	sgform.AppendTo(sgVals, sg)
	if !samePairs(string(efBody), sgVals.Encode()) {
		b.Fatalf("the SDKs encode different pairs:\n embedfin:  %s\n stripe-go: %s", efBody, sgVals.Encode())
	}
	b.Run("embedfin", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := form.Marshal(ef); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stripe-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v := &sgform.Values{}
			sgform.AppendTo(v, sg)
			_ = []byte(v.Encode())
		}
	})
}

// samePairs reports whether two form bodies hold the same key=value pairs,
// whatever their order and however '[' and ']' are escaped.
func samePairs(a, b string) bool {
	norm := func(s string) map[string]int {
		s = strings.NewReplacer("%5B", "[", "%5D", "]").Replace(s)
		m := map[string]int{}
		for _, p := range strings.Split(s, "&") {
			m[p]++
		}
		return m
	}
	ma, mb := norm(a), norm(b)
	if len(ma) != len(mb) {
		return false
	}
	for k, n := range ma {
		if mb[k] != n {
			return false
		}
	}
	return true
}

func BenchmarkEncodeSessionParams(b *testing.B) {
	benchEncode(b, efSessionParams(), sgSessionParams())
}

func BenchmarkEncodeAccountCreateParams(b *testing.B) {
	benchEncode(b, efAccountParams(), sgAccountParams())
}

func BenchmarkEncodeCardholderParams(b *testing.B) {
	benchEncode(b, efCardholderParams(), sgCardholderParams())
}

// --- Decoding ---------------------------------------------------------------

func BenchmarkDecodeAccount(b *testing.B) {
	data := []byte(accountJSON)
	b.Run("embedfin", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var a financialconnections.Account
			if err := embedfin.Unmarshal(data, &a); err != nil {
				b.Fatal(err)
			}
			if a.Ownership.Object == nil || len(a.Ownership.Object.Owners.Data) != 2 || a.Balance.Current["usd"] != 682400 {
				b.Fatal("incomplete decode")
			}
		}
	})
	b.Run("stripe-go", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var a stripe.FinancialConnectionsAccount
			if err := json.Unmarshal(data, &a); err != nil {
				b.Fatal(err)
			}
			if a.Ownership == nil || len(a.Ownership.Owners.Data) != 2 || a.Balance.Current["usd"] != 682400 {
				b.Fatal("incomplete decode")
			}
		}
	})
}

func BenchmarkDecodeTransactionPage(b *testing.B) {
	data := transactionPage(0, pageSize, transactionsTotal)
	b.Run("embedfin", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var page embedfin.List[financialconnections.Transaction]
			if err := embedfin.Unmarshal(data, &page); err != nil {
				b.Fatal(err)
			}
			if len(page.Data) != pageSize {
				b.Fatal("short page")
			}
		}
	})
	b.Run("stripe-go", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var page stripe.FinancialConnectionsTransactionList
			if err := json.Unmarshal(data, &page); err != nil {
				b.Fatal(err)
			}
			if len(page.Data) != pageSize {
				b.Fatal("short page")
			}
		}
	})
}

// --- Whole calls against a local server -------------------------------------

// BenchmarkRoundTrip makes one session create call per iteration: encoding,
// headers, idempotency key, retry wrapper, HTTP round trip over a kept-alive
// loopback connection, body read and JSON decode. The net-http baseline
// sends the same body with the same headers through a bare http.Client and
// reads the answer without decoding it: what is left after subtracting it
// from embedfin is the SDK's own cost (see README.md).
func BenchmarkRoundTrip(b *testing.B) {
	ctx := context.Background()
	b.Run("embedfin", func(b *testing.B) {
		srv := startServer(b)
		fc := financialconnections.New(newEmbedfin(b, srv))
		params := efSessionParams()
		b.ReportAllocs()
		for b.Loop() {
			s, err := fc.Sessions.Create(ctx, params)
			if err != nil || s.ID == "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("stripe-go", func(b *testing.B) {
		srv := startServer(b)
		sc := newStripeGo(b, srv)
		b.ReportAllocs()
		for b.Loop() {
			// stripe-go writes the context into the params, so each call gets
			// its own params value, as concurrent callers must.
			s, err := sc.V1FinancialConnectionsSessions.Create(ctx, sgSessionParams())
			if err != nil || s.ID == "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("net-http", func(b *testing.B) {
		srv := startServer(b)
		benchRawRoundTrip(b, httpClient(), srv.URL)
	})
}

// BenchmarkRoundTripInMemory is RoundTrip with an in-memory transport in
// place of the loopback server: no sockets, no server, so what it measures is
// the SDK's own cost per call plus net/http's client-side request handling
// (the net-http sub-benchmark, the same request through a bare http.Client,
// is that floor).
func BenchmarkRoundTripInMemory(b *testing.B) {
	ctx := context.Background()
	b.Run("embedfin", func(b *testing.B) {
		fc := financialconnections.New(newEmbedfinMem(b))
		params := efSessionParams()
		b.ReportAllocs()
		for b.Loop() {
			s, err := fc.Sessions.Create(ctx, params)
			if err != nil || s.ID == "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("stripe-go", func(b *testing.B) {
		sc := newStripeGoMem()
		b.ReportAllocs()
		for b.Loop() {
			s, err := sc.V1FinancialConnectionsSessions.Create(ctx, sgSessionParams())
			if err != nil || s.ID == "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("net-http", func(b *testing.B) {
		// No Timeout: around a transport that is not an *http.Transport,
		// net/http implements one with a goroutine and a timer per request,
		// which would inflate the floor.
		hc := &http.Client{Transport: memTransport{theFake()}}
		benchRawRoundTrip(b, hc, memBase)
	})
}

// benchRawRoundTrip is the floor any SDK pays on this machine: the body
// embedfin sends, with the headers embedfin sends (captured from one of its
// calls, the idempotency key then fixed), through a bare http.Client,
// reading the answer into a reused buffer without decoding it.
func benchRawRoundTrip(b *testing.B, hc *http.Client, base string) {
	body, err := form.Marshal(efSessionParams())
	if err != nil {
		b.Fatal(err)
	}
	hdr := embedfinHeaders(b)
	url := base + "/v1/financial_connections/sessions"
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		for k, v := range hdr {
			req.Header[k] = v
		}
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		buf.Reset()
		_, err = buf.ReadFrom(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || buf.Len() == 0 {
			b.Fatal(resp.StatusCode, err)
		}
	}
}

// embedfinHeaders returns the headers embedfin sets on a session create
// (those net/http adds itself left out).
func embedfinHeaders(tb testing.TB) http.Header {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		theFake().ServeHTTP(w, r)
	}))
	defer srv.Close()
	if _, err := financialconnections.New(newEmbedfin(tb, srv)).Sessions.Create(context.Background(), efSessionParams()); err != nil {
		tb.Fatal(err)
	}
	for _, k := range []string{"Content-Length", "Accept-Encoding"} {
		delete(got, k)
	}
	if len(got["Idempotency-Key"]) != 1 || len(got["Authorization"]) != 1 {
		tb.Fatalf("unexpected headers %v", got)
	}
	return got
}

// BenchmarkListAll10k walks 10,000 transactions, 100 pages of 100, per
// iteration, with each SDK's iterator.
func BenchmarkListAll10k(b *testing.B) {
	ctx := context.Background()
	var wantSum int64
	for i := range transactionsTotal {
		wantSum += txAmount(i)
	}
	b.Run("embedfin", func(b *testing.B) {
		srv := startServer(b)
		fc := financialconnections.New(newEmbedfin(b, srv))
		b.ReportAllocs()
		for b.Loop() {
			params := &financialconnections.TransactionListParams{Account: embedfin.Ptr(fcAccountID)}
			params.Limit = embedfin.Ptr[int64](pageSize)
			n, sum := 0, int64(0)
			for tx, err := range fc.Transactions.All(ctx, params) {
				if err != nil {
					b.Fatal(err)
				}
				n++
				sum += tx.Amount
			}
			if n != transactionsTotal || sum != wantSum {
				b.Fatalf("got %d transactions summing to %d", n, sum)
			}
		}
	})
	b.Run("stripe-go", func(b *testing.B) {
		srv := startServer(b)
		sc := newStripeGo(b, srv)
		b.ReportAllocs()
		for b.Loop() {
			params := &stripe.FinancialConnectionsTransactionListParams{Account: stripe.String(fcAccountID)}
			params.Limit = stripe.Int64(pageSize)
			n, sum := 0, int64(0)
			for tx, err := range sc.V1FinancialConnectionsTransactions.List(ctx, params).All(ctx) {
				if err != nil {
					b.Fatal(err)
				}
				n++
				sum += tx.Amount
			}
			if n != transactionsTotal || sum != wantSum {
				b.Fatalf("got %d transactions summing to %d", n, sum)
			}
		}
	})
}

// BenchmarkConcurrentRoundTrip runs the RoundTrip call from 64 goroutines
// sharing one client (b.SetParallelism over GOMAXPROCS).
func BenchmarkConcurrentRoundTrip(b *testing.B) {
	ctx := context.Background()
	parallelism := func(b *testing.B) {
		p := 64 / runtime.GOMAXPROCS(0)
		if p < 1 {
			p = 1
		}
		b.SetParallelism(p)
	}
	b.Run("embedfin", func(b *testing.B) {
		srv := startServer(b)
		fc := financialconnections.New(newEmbedfin(b, srv))
		params := efSessionParams()
		parallelism(b)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				s, err := fc.Sessions.Create(ctx, params)
				if err != nil || s.ID == "" {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("stripe-go", func(b *testing.B) {
		srv := startServer(b)
		sc := newStripeGo(b, srv)
		parallelism(b)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				s, err := sc.V1FinancialConnectionsSessions.Create(ctx, sgSessionParams())
				if err != nil || s.ID == "" {
					b.Error(err)
					return
				}
			}
		})
	})
}

// --- Webhooks ---------------------------------------------------------------

func benchWebhook(b *testing.B, size int) {
	payload := sizedEvent(size)
	header := efwebhook.SignHeader(payload, webhookSecret, signedAt())
	if !json.Valid(payload) {
		b.Fatal("fixture is not JSON")
	}
	b.Run("embedfin", func(b *testing.B) {
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
		for b.Loop() {
			ev, err := efwebhook.ConstructEvent(payload, header, webhookSecret)
			if err != nil || ev.ID == "" {
				b.Fatal(err)
			}
		}
	})
	b.Run("stripe-go", func(b *testing.B) {
		b.SetBytes(int64(len(payload)))
		b.ReportAllocs()
		for b.Loop() {
			ev, err := sgwebhook.ConstructEvent(payload, header, webhookSecret)
			if err != nil || ev.ID == "" {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkVerifyWebhook2KiB(b *testing.B)  { benchWebhook(b, 2<<10) }
func BenchmarkVerifyWebhook64KiB(b *testing.B) { benchWebhook(b, 64<<10) }
