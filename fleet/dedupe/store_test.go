package dedupe_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/embedfin/embedfin-go/fleet/dedupe"
	"github.com/embedfin/embedfin-go/fleet/internal/testenv"
	"github.com/embedfin/embedfin-go/webhook"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestOptionsAreValidated(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"}) // never used
	defer rdb.Close()
	for _, tc := range []struct {
		opts []dedupe.RedisOption
		want string
	}{
		{[]dedupe.RedisOption{dedupe.WithTTL(-time.Second)}, "WithTTL: -1s is under a millisecond"},
		{[]dedupe.RedisOption{dedupe.WithClaimTimeout(time.Microsecond)}, "WithClaimTimeout: 1µs is under a millisecond"},
		{[]dedupe.RedisOption{dedupe.WithKeyPrefix("")}, "WithKeyPrefix: the prefix is empty"},
	} {
		_, err := dedupe.NewRedisStore(rdb, tc.opts...)
		if !errors.Is(err, dedupe.ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewRedisStore: err = %v, want ErrInvalidConfig saying %q", err, tc.want)
		}
	}
	if _, err := dedupe.NewRedisStore(nil); !errors.Is(err, dedupe.ErrInvalidConfig) {
		t.Errorf("NewRedisStore(nil) = %v", err)
	}
	pool, _, _ := testenv.Postgres(t)
	for _, tc := range []struct {
		opts []dedupe.PostgresOption
		want string
	}{
		{[]dedupe.PostgresOption{dedupe.WithTable("")}, `WithTable: "" is not a table name`},
		{[]dedupe.PostgresOption{dedupe.WithTable("a.b.c")}, `WithTable: "a.b.c" has more than two parts`},
		{[]dedupe.PostgresOption{dedupe.WithTable("a.")}, `WithTable: "a." is not a table name`},
		{[]dedupe.PostgresOption{dedupe.WithTTL(time.Nanosecond)}, "WithTTL: 1ns is under a millisecond"},
	} {
		_, err := dedupe.NewPostgresStore(pool, tc.opts...)
		if !errors.Is(err, dedupe.ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewPostgresStore: err = %v, want ErrInvalidConfig saying %q", err, tc.want)
		}
	}
	if _, err := dedupe.NewPostgresStore(nil); !errors.Is(err, dedupe.ErrInvalidConfig) {
		t.Errorf("NewPostgresStore(nil) = %v", err)
	}
}

// Replicas starting together may all migrate; a schema-qualified table
// with an odd name works like any.
func TestMigrateConcurrentlyAndQualifiedTable(t *testing.T) {
	t.Parallel()
	pool, _, schema := testenv.Postgres(t)
	ctx := testCtx(t)
	table := schema + `.Odd "Name"`
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			s, err := dedupe.NewPostgresStore(pool, dedupe.WithTable(table))
			if err == nil {
				err = s.Migrate(ctx)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s, err := dedupe.NewPostgresStore(pool, dedupe.WithTable(table))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := s.Claim(ctx, "evt_1"); err != nil || r != webhook.ClaimAcquired {
		t.Fatalf("Claim = %v, %v", r, err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM `+schema+`."Odd ""Name"""`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows in the table: %d, %v", n, err)
	}
}

func TestPostgresUnmigratedTableIsAnError(t *testing.T) {
	t.Parallel()
	pool, _, _ := testenv.Postgres(t)
	s, err := dedupe.NewPostgresStore(pool)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	if _, err := s.Claim(ctx, "evt_1"); err == nil || !strings.Contains(err.Error(), "dedupe: claiming evt_1") {
		t.Errorf("Claim = %v, want an error", err)
	}
	if err := s.Complete(ctx, "evt_1"); err == nil {
		t.Error("Complete succeeded without a table")
	}
	if err := s.Release(ctx, "evt_1"); err == nil {
		t.Error("Release succeeded without a table")
	}
	if _, err := s.Sweep(ctx); err == nil {
		t.Error("Sweep succeeded without a table")
	}
}

// Sweep deletes expired rows only, and claims delete a batch of them once
// per sweep interval.
func TestPostgresSweep(t *testing.T) {
	t.Parallel()
	pool, _, _ := testenv.Postgres(t)
	ctx := testCtx(t)
	short, err := dedupe.NewPostgresStore(pool, dedupe.WithTTL(time.Millisecond),
		dedupe.WithClaimTimeout(time.Millisecond), dedupe.WithSweepInterval(-1))
	if err != nil {
		t.Fatal(err)
	}
	if err := short.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	long, err := dedupe.NewPostgresStore(pool, dedupe.WithSweepInterval(-1))
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		t.Helper()
		var n int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM `+dedupe.DefaultTable).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const expired = 2500 // more than one batch
	if _, err := pool.Exec(ctx, `INSERT INTO `+dedupe.DefaultTable+` (event_id, done, claim_token, expires_at)
		SELECT 'evt_old_' || i, i % 2 = 0, '', now() - interval '1 second' FROM generate_series(1, $1) AS i`, expired); err != nil {
		t.Fatal(err)
	}
	if _, err := long.Claim(ctx, "evt_claimed"); err != nil {
		t.Fatal(err)
	}
	if err := long.Complete(ctx, "evt_done"); err != nil {
		t.Fatal(err)
	}
	if _, err := short.Claim(ctx, "evt_short"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	n, err := long.Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != expired+1 || count() != 2 {
		t.Fatalf("Sweep deleted %d rows, leaving %d; want %d, leaving the 2 live ones", n, count(), expired+1)
	}
	if r, err := long.Claim(ctx, "evt_done"); err != nil || r != webhook.ClaimDone {
		t.Fatalf("after Sweep, Claim(evt_done) = %v, %v", r, err)
	}

	// The opportunistic sweep: the first claim of a store deletes a batch.
	if _, err := pool.Exec(ctx, `INSERT INTO `+dedupe.DefaultTable+` (event_id, done, claim_token, expires_at)
		SELECT 'evt_old_' || i, true, '', now() - interval '1 second' FROM generate_series(1, 10) AS i`); err != nil {
		t.Fatal(err)
	}
	auto, err := dedupe.NewPostgresStore(pool)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auto.Claim(ctx, "evt_new"); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != 3 {
		t.Fatalf("after a claim with the sweep on, %d rows, want the 3 live ones", got)
	}
	if !strings.Contains(short.String(), "sweep off") {
		t.Errorf("String() = %s", short)
	}
}

// Entries expire in Redis by themselves, after the claim timeout or TTL.
func TestRedisExpiry(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	ctx := testCtx(t)
	s, err := dedupe.NewRedisStore(rdb, dedupe.WithKeyPrefix(prefix), dedupe.WithClaimTimeout(time.Minute), dedupe.WithTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, "evt_1"); err != nil {
		t.Fatal(err)
	}
	if d := rdb.PTTL(ctx, prefix+"evt_1").Val(); d <= 59*time.Second || d > time.Minute {
		t.Errorf("claimed key expires in %v, want about 1m", d)
	}
	if err := s.Complete(ctx, "evt_1"); err != nil {
		t.Fatal(err)
	}
	if d := rdb.PTTL(ctx, prefix+"evt_1").Val(); d <= 59*time.Minute || d > time.Hour {
		t.Errorf("done key expires in %v, want about 1h", d)
	}
	// A key holding something else is reported, not overwritten.
	rdb.Set(ctx, prefix+"evt_2", "other", time.Minute)
	if _, err := s.Claim(ctx, "evt_2"); err == nil || !strings.Contains(err.Error(), `holds "other"`) {
		t.Errorf("Claim of a foreign key = %v", err)
	}
}

func TestRedisDown(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	_ = rdb.Close()
	s, err := dedupe.NewRedisStore(rdb)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	for name, err := range map[string]error{
		"Claim":    func() error { _, err := s.Claim(ctx, "evt_1"); return err }(),
		"Complete": s.Complete(ctx, "evt_1"),
		"Release":  s.Release(ctx, "evt_1"),
	} {
		if !errors.Is(err, redis.ErrClosed) {
			t.Errorf("%s on a closed client = %v, want redis.ErrClosed", name, err)
		}
	}
}

// A Handler answers 500 when its store fails, so Stripe delivers again.
func TestHandlerWithStoreDown(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	_ = rdb.Close()
	s, err := dedupe.NewRedisStore(rdb)
	if err != nil {
		t.Fatal(err)
	}
	var called bool
	h := webhook.NewHandler("whsec_test", webhook.WithDedupe(s))
	h.HandleFallback(func(context.Context, webhook.Event) error { called = true; return nil })
	status := deliverOnce(t, h, "whsec_test", "evt_down")
	if status != 500 || called {
		t.Errorf("status %d, handler called %v; want 500 and not called", status, called)
	}
}

func deliverOnce(t *testing.T, h *webhook.Handler, secret, id string) int {
	t.Helper()
	payload := fmt.Appendf(nil, `{"id":%q,"object":"event","type":"customer.updated","created":1,"livemode":false,`+
		`"pending_webhooks":1,"data":{"object":{"id":"cus_1","object":"customer"}}}`, id)
	return serve(h, payload, webhook.SignHeader(payload, secret, time.Now()))
}

func serve(h *webhook.Handler, payload []byte, sig string) int {
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(payload))
	req.Header.Set(webhook.SignatureHeader, sig)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}
