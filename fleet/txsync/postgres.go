package txsync

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// Advisory lock keys. The sync uses PostgreSQL's two-key form
// (class, object), a key space apart from the one-key form River uses.
const (
	// lockClassAccount is the class of per-account locks; the object is
	// a 32-bit FNV-1a hash of the account ID (two accounts sharing a hash
	// only serialise each other).
	lockClassAccount int32 = 0x6673796e // "fsyn"
	// lockClassMigrate guards Migrate.
	lockClassMigrate int32 = 0x666d6967 // "fmig"
)

// accountLockKey is the object half of an account's advisory lock.
func accountLockKey(account string) int32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(account))
	return int32(h.Sum32())
}

type pgBackend struct {
	pool   *pgxpool.Pool
	schema string
}

func (b *pgBackend) backend() backend { return b }
func (b *pgBackend) dialect() string  { return "postgres" }

func (b *pgBackend) prefix() string {
	if b.schema == "" {
		return ""
	}
	return b.schema + "."
}

func (b *pgBackend) valid() error {
	if b.pool == nil {
		return errors.New("txsync: Postgres needs a pool")
	}
	if b.schema != "" && !schemaName.MatchString(b.schema) {
		return fmt.Errorf("txsync: schema %q is not a plain identifier", b.schema)
	}
	return nil
}

func (b *pgBackend) check(cfg *Config, working bool) error {
	if err := b.valid(); err != nil {
		return err
	}
	if !working {
		return nil
	}
	if max := int(b.pool.Config().MaxConns); max < cfg.Workers+4 {
		return fmt.Errorf("txsync: the pool allows %d connections; %d workers need at least %d (each running job holds one for its account lock, River needs a few more): raise pool_max_conns", max, cfg.Workers, cfg.Workers+4)
	}
	return nil
}

func (b *pgBackend) newRiver(config *river.Config) (riverClient, error) {
	config.Schema = b.schema
	return river.NewClient(riverpgxv5.New(b.pool), config)
}

func (b *pgBackend) tx(ctx context.Context, rc riverClient, fn func(q querier, ins inserter) error) error {
	client, ok := rc.(*river.Client[pgx.Tx])
	if !ok {
		return errors.New("txsync: the River client is not a PostgreSQL one")
	}
	return pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		ins := func(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
			return client.InsertManyTx(ctx, tx, params)
		}
		return fn(pgQuerier{db: tx, prefix: b.prefix()}, ins)
	})
}

func (b *pgBackend) read(ctx context.Context, fn func(q querier) error) error {
	return fn(pgQuerier{db: b.pool, prefix: b.prefix()})
}

func (b *pgBackend) lockAccount(ctx context.Context, account, _ string, _ time.Duration) (accountLock, error) {
	conn, err := b.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2)`, lockClassAccount, accountLockKey(account)).Scan(&ok); err != nil {
		conn.Release()
		return nil, err
	}
	if !ok {
		conn.Release()
		return nil, errLockBusy
	}
	return &pgLock{conn: conn, key: accountLockKey(account), prefix: b.prefix()}, nil
}

func (b *pgBackend) migrate(ctx context.Context, logger *slog.Logger) error {
	if err := b.valid(); err != nil {
		return err
	}
	migrator, err := rivermigrate.New(riverpgxv5.New(b.pool), &rivermigrate.Config{Schema: b.schema, Logger: logger})
	if err != nil {
		return err
	}
	// One session lock for the whole step, so replicas starting together
	// migrate once. River's migrations run each in its own transaction
	// (one of them adds an enum value, which PostgreSQL cannot use in the
	// transaction that added it).
	conn, err := b.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, 0)`, lockClassMigrate); err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1, 0)`, lockClassMigrate); err != nil {
			_ = conn.Conn().Close(ctx)
		}
	}()
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if b.schema != "" {
			if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+b.schema); err != nil {
				return err
			}
		}
		return applyOwn(ctx, pgQuerier{db: tx, prefix: b.prefix()}, b.dialect())
	})
	if err != nil {
		return err
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("River's migrations: %w", err)
	}
	return nil
}

// pgLock is a session advisory lock held on one pooled connection; every
// write of the job goes through that connection, so a write can only
// succeed while the lock is held (a lost connection loses both).
type pgLock struct {
	conn   *pgxpool.Conn
	key    int32
	prefix string
}

func (l *pgLock) tx(ctx context.Context, fn func(q querier) error) error {
	return pgx.BeginFunc(ctx, l.conn, func(tx pgx.Tx) error {
		return fn(pgQuerier{db: tx, prefix: l.prefix})
	})
}

func (l *pgLock) release(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	var ok bool
	if err := l.conn.QueryRow(ctx, `SELECT pg_advisory_unlock($1, $2)`, lockClassAccount, l.key).Scan(&ok); err != nil || !ok {
		// The session is in an unknown state: close it, which ends any
		// lock it still holds; the pool then drops it.
		_ = l.conn.Conn().Close(ctx)
	}
	l.conn.Release()
}

// pgxDB is what pgx.Tx, *pgxpool.Pool and *pgxpool.Conn share.
type pgxDB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

type pgQuerier struct {
	db     pgxDB
	prefix string
}

func (q pgQuerier) exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := q.db.Exec(ctx, expand(query, q.prefix), args...)
	return tag.RowsAffected(), err
}

func (q pgQuerier) queryRow(ctx context.Context, query string, dest []any, args ...any) error {
	err := q.db.QueryRow(ctx, expand(query, q.prefix), args...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return errNoRows
	}
	return err
}

func (q pgQuerier) query(ctx context.Context, query string, each func(scan func(dest ...any) error) error, args ...any) error {
	rows, err := q.db.Query(ctx, expand(query, q.prefix), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (q pgQuerier) execBatch(ctx context.Context, query string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	query = expand(query, q.prefix)
	batch := &pgx.Batch{}
	for _, r := range rows {
		batch.Queue(query, r...)
	}
	br := q.db.SendBatch(ctx, batch)
	for range rows {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return err
		}
	}
	return br.Close()
}
