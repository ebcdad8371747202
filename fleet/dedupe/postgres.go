package dedupe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/embedfin/embedfin-go/webhook"
)

// DB is what a PostgresStore needs of its database: a *pgxpool.Pool (the
// usual choice, safe for concurrent use), a *pgx.Conn (not safe for
// concurrent use, so neither is the store then) or a pgx.Tx. In a
// transaction, the store's writes commit or roll back with it, and its
// clock, now(), is the transaction's start: keep such transactions short.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
}

// sweepBatch is how many expired rows one statement of a sweep deletes.
const sweepBatch = 1000

// PostgresStore is a webhook.DedupeStore in a PostgreSQL table, shared by
// every store on that table (see the package documentation). Create it
// with NewPostgresStore and the table with Migrate; it is safe for
// concurrent use when its DB is.
type PostgresStore struct {
	db    DB
	cfg   config
	ident string // the table, quoted

	claimSQL, completeSQL, releaseSQL, sweepSQL string

	nextSweep atomic.Int64 // Unix nanoseconds of the next opportunistic sweep
}

var _ webhook.DedupeStore = (*PostgresStore)(nil)

// NewPostgresStore returns a store on db's table (DefaultTable unless
// WithTable). It does not contact the database; call Migrate to create the
// table, once, before the first claim.
func NewPostgresStore(db DB, opts ...PostgresOption) (*PostgresStore, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: the database is nil", ErrInvalidConfig)
	}
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.applyPostgres(&cfg)
		}
	}
	if cfg.err != nil {
		return nil, cfg.err
	}
	t := pgx.Identifier(strings.Split(cfg.table, ".")).Sanitize()
	s := &PostgresStore{db: db, cfg: cfg, ident: t}
	// A claim takes the row when it is absent or expired, and otherwise
	// writes it back unchanged; the returned token says which happened.
	s.claimSQL = `INSERT INTO ` + t + ` AS d (event_id, done, claim_token, expires_at)
VALUES ($1, false, $2, now() + $3::bigint * interval '1 microsecond')
ON CONFLICT (event_id) DO UPDATE SET
	done        = CASE WHEN d.expires_at <= now() THEN false                 ELSE d.done        END,
	claim_token = CASE WHEN d.expires_at <= now() THEN excluded.claim_token ELSE d.claim_token END,
	expires_at  = CASE WHEN d.expires_at <= now() THEN excluded.expires_at  ELSE d.expires_at  END
RETURNING done, claim_token = $2`
	s.completeSQL = `INSERT INTO ` + t + ` (event_id, done, claim_token, expires_at)
VALUES ($1, true, '', now() + $2::bigint * interval '1 microsecond')
ON CONFLICT (event_id) DO UPDATE SET done = true, claim_token = '', expires_at = excluded.expires_at`
	s.releaseSQL = `DELETE FROM ` + t + ` WHERE event_id = $1 AND NOT done`
	// The outer condition is checked again on rows a concurrent claim has
	// just taken over, so that a fresh claim is never swept.
	s.sweepSQL = `DELETE FROM ` + t + ` WHERE event_id IN (
	SELECT event_id FROM ` + t + ` WHERE expires_at <= now() LIMIT $1
) AND expires_at <= now()`
	return s, nil
}

// DDL returns the statements that Migrate runs: the table and an index on
// its expiry, each created if absent. Use it to put the table in
// migrations of your own.
func (s *PostgresStore) DDL() []string {
	base := s.cfg.table[strings.LastIndexByte(s.cfg.table, '.')+1:]
	index := pgx.Identifier{base + "_expires_at_idx"}.Sanitize()
	return []string{
		`CREATE TABLE IF NOT EXISTS ` + s.ident + ` (
	event_id    text        PRIMARY KEY,
	done        boolean     NOT NULL,
	claim_token text        NOT NULL,
	expires_at  timestamptz NOT NULL
)`,
		`CREATE INDEX IF NOT EXISTS ` + index + ` ON ` + s.ident + ` (expires_at)`,
	}
}

// Migrate creates the store's table and index if they do not exist, in
// one transaction under an advisory lock, so that replicas starting
// together may all call it.
func (s *PostgresStore) Migrate(ctx context.Context) error {
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("dedupe: migrating %s: %w", s.cfg.table, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "embedfin/fleet/dedupe "+s.ident); err != nil {
		return fmt.Errorf("dedupe: migrating %s: %w", s.cfg.table, err)
	}
	for _, stmt := range s.DDL() {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("dedupe: migrating %s: %w", s.cfg.table, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("dedupe: migrating %s: %w", s.cfg.table, err)
	}
	return nil
}

// Claim implements webhook.DedupeStore in one statement: it takes the
// event's row when there is none or it has expired, and otherwise reports
// it done or busy. It may then delete a batch of expired rows (see
// WithSweepInterval); that sweep's errors are ignored.
func (s *PostgresStore) Claim(ctx context.Context, eventID string) (webhook.ClaimResult, error) {
	token := newToken()
	var done, mine bool
	err := s.db.QueryRow(ctx, s.claimSQL, eventID, token, s.cfg.claimTimeout.Microseconds()).Scan(&done, &mine)
	if err != nil {
		return 0, fmt.Errorf("dedupe: claiming %s: %w", eventID, err)
	}
	s.maybeSweep(ctx)
	switch {
	case mine:
		return webhook.ClaimAcquired, nil
	case done:
		return webhook.ClaimDone, nil
	default:
		return webhook.ClaimBusy, nil
	}
}

// Complete implements webhook.DedupeStore: the event is done for the TTL
// from now, whether or not it was claimed.
func (s *PostgresStore) Complete(ctx context.Context, eventID string) error {
	if _, err := s.db.Exec(ctx, s.completeSQL, eventID, s.cfg.ttl.Microseconds()); err != nil {
		return fmt.Errorf("dedupe: completing %s: %w", eventID, err)
	}
	return nil
}

// Release implements webhook.DedupeStore: it deletes the event's claim,
// and leaves a completed event alone.
func (s *PostgresStore) Release(ctx context.Context, eventID string) error {
	if _, err := s.db.Exec(ctx, s.releaseSQL, eventID); err != nil {
		return fmt.Errorf("dedupe: releasing %s: %w", eventID, err)
	}
	return nil
}

// Sweep deletes every expired row (claims past their timeout, events past
// their TTL), in batches, and returns how many it deleted. Expired rows
// never change an answer, so sweeping is only about the table's size; see
// the package documentation.
func (s *PostgresStore) Sweep(ctx context.Context) (int64, error) {
	var total int64
	for {
		tag, err := s.db.Exec(ctx, s.sweepSQL, sweepBatch)
		if err != nil {
			return total, fmt.Errorf("dedupe: sweeping %s: %w", s.cfg.table, err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < sweepBatch {
			return total, nil
		}
	}
}

// maybeSweep deletes one batch of expired rows when the sweep interval has
// passed since this store's last one; one goroutine of the store does it.
func (s *PostgresStore) maybeSweep(ctx context.Context) {
	if s.cfg.sweepInterval < 0 {
		return
	}
	now := time.Now().UnixNano()
	next := s.nextSweep.Load()
	if now < next || !s.nextSweep.CompareAndSwap(next, now+int64(s.cfg.sweepInterval)) {
		return
	}
	_, _ = s.db.Exec(ctx, s.sweepSQL, sweepBatch)
}

// String describes the store: its table, TTL and claim timeout.
func (s *PostgresStore) String() string {
	sweep := s.cfg.sweepInterval.String()
	if s.cfg.sweepInterval < 0 {
		sweep = "off"
	}
	return fmt.Sprintf("dedupe.PostgresStore{table %s, ttl %v, claim timeout %v, sweep %s}",
		s.ident, s.cfg.ttl, s.cfg.claimTimeout, sweep)
}

// newToken returns a random claim token.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
