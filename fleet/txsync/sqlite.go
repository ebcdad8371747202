package txsync

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

type sqliteBackend struct {
	db *sql.DB
}

func (b *sqliteBackend) backend() backend { return b }
func (b *sqliteBackend) dialect() string  { return "sqlite" }
func (b *sqliteBackend) prefix() string   { return "" }

func (b *sqliteBackend) check(*Config, bool) error {
	if b.db == nil {
		return errors.New("txsync: SQLite needs a database")
	}
	return nil
}

func (b *sqliteBackend) newRiver(config *river.Config) (riverClient, error) {
	return river.NewClient(riversqlite.New(b.db), config)
}

// withTx runs fn in a transaction of b.db.
func (b *sqliteBackend) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (b *sqliteBackend) tx(ctx context.Context, rc riverClient, fn func(q querier, ins inserter) error) error {
	client, ok := rc.(*river.Client[*sql.Tx])
	if !ok {
		return errors.New("txsync: the River client is not a SQLite one")
	}
	return b.withTx(ctx, func(tx *sql.Tx) error {
		ins := func(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
			return client.InsertManyTx(ctx, tx, params)
		}
		return fn(sqlQuerier{db: tx}, ins)
	})
}

func (b *sqliteBackend) read(ctx context.Context, fn func(q querier) error) error {
	return fn(sqlQuerier{db: b.db})
}

// lockAccount takes a lease on the account in fc_sync_locks: the row is
// claimed when absent, expired, or already the holder's. SQLite's single
// writer makes the claim atomic.
func (b *sqliteBackend) lockAccount(ctx context.Context, account, holder string, lease time.Duration) (accountLock, error) {
	var n int64
	err := b.withTx(ctx, func(tx *sql.Tx) error {
		now := time.Now().UnixMilli()
		var err error
		n, err = sqlQuerier{db: tx}.exec(ctx, `INSERT INTO fc_sync_locks (account, holder, expires_at) VALUES ($1, $2, $3)
ON CONFLICT (account) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE fc_sync_locks.expires_at < $4 OR fc_sync_locks.holder = excluded.holder`, account, holder, now+lease.Milliseconds(), now)
		return err
	})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errLockBusy
	}
	return &sqliteLock{b: b, account: account, holder: holder, lease: lease}, nil
}

func (b *sqliteBackend) migrate(ctx context.Context, logger *slog.Logger) error {
	if b.db == nil {
		return errors.New("txsync: SQLite needs a database")
	}
	migrator, err := rivermigrate.New(riversqlite.New(b.db), &rivermigrate.Config{Logger: logger})
	if err != nil {
		return err
	}
	return b.withTx(ctx, func(tx *sql.Tx) error {
		if err := applyOwn(ctx, sqlQuerier{db: tx}, b.dialect()); err != nil {
			return err
		}
		if _, err := migrator.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("River's migrations: %w", err)
		}
		return nil
	})
}

// sqliteLock is a lease row. Each of its transactions first renews the
// lease, and fails with errLockLost if another holder has it: a job whose
// lease expired (it ran past the lease) writes nothing more.
type sqliteLock struct {
	b       *sqliteBackend
	account string
	holder  string
	lease   time.Duration
}

func (l *sqliteLock) tx(ctx context.Context, fn func(q querier) error) error {
	return l.b.withTx(ctx, func(tx *sql.Tx) error {
		q := sqlQuerier{db: tx}
		now := time.Now().UnixMilli()
		n, err := q.exec(ctx, `UPDATE fc_sync_locks SET expires_at = $3 WHERE account = $1 AND holder = $2 AND expires_at >= $4`,
			l.account, l.holder, now+l.lease.Milliseconds(), now)
		if err != nil {
			return err
		}
		if n == 0 {
			return errLockLost
		}
		return fn(q)
	})
}

func (l *sqliteLock) release(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	// A failure leaves the lease to expire on its own.
	_, _ = l.b.db.ExecContext(ctx, `DELETE FROM fc_sync_locks WHERE account = $1 AND holder = $2`, l.account, l.holder)
}

// sqlDB is what *sql.DB and *sql.Tx share.
type sqlDB interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// sqlQuerier runs the statements on SQLite, whose driver binds $N to the
// Nth argument.
type sqlQuerier struct {
	db sqlDB
}

func (q sqlQuerier) exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := q.db.ExecContext(ctx, expand(query, ""), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (q sqlQuerier) queryRow(ctx context.Context, query string, dest []any, args ...any) error {
	err := q.db.QueryRowContext(ctx, expand(query, ""), args...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return errNoRows
	}
	return err
}

func (q sqlQuerier) query(ctx context.Context, query string, each func(scan func(dest ...any) error) error, args ...any) error {
	rows, err := q.db.QueryContext(ctx, expand(query, ""), args...)
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

func (q sqlQuerier) execBatch(ctx context.Context, query string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	stmt, err := q.db.PrepareContext(ctx, expand(query, ""))
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r...); err != nil {
			return err
		}
	}
	return nil
}
