package txsync

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

// Database is where the sync keeps its tables and River its jobs: a
// PostgreSQL pool (Postgres) or a SQLite database (SQLite). Get one from
// those functions; its methods are internal.
type Database interface {
	backend() backend
}

// Postgres returns the Database of a pgx pool. schema names the PostgreSQL
// schema of both the sync's tables and River's ("" uses the connection's
// search_path). Workers each hold one connection of the pool while their
// job runs (the account's advisory lock lives on it), so the pool needs
// more connections than Config.Workers: Start refuses a pool with fewer
// than Workers+4.
func Postgres(pool *pgxpool.Pool, schema string) Database {
	return &pgBackend{pool: pool, schema: schema}
}

// SQLite returns the Database of a SQLite handle opened with OpenSQLite
// (or opened by the caller with the "sqlite" driver of modernc.org/sqlite,
// one open connection at most, as River's SQLite driver requires). SQLite
// has one writer: run one process per database file; Config.Workers
// goroutines then share that connection, and per-account leases in
// fc_sync_locks keep two jobs of one account apart.
func SQLite(db *sql.DB) Database {
	return &sqliteBackend{db: db}
}

// OpenSQLite opens (creating it and its directory if needed) the SQLite
// database at path with the settings the sync expects: write-ahead
// logging, a busy timeout, transactions that take the write lock when
// they begin, and at most one open connection.
func OpenSQLite(path string) (*sql.DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("txsync: creating the database directory: %w", err)
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("txsync: opening %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	if err := db.PingContext(context.Background()); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("txsync: opening %s: %w", path, err)
	}
	return db, nil
}

// backend is what the two databases implement.
type backend interface {
	dialect() string
	// prefix is the schema prefix of table names ("" or `schema.`).
	prefix() string
	// check validates the backend for cfg before a client is made, and
	// (working) before workers start.
	check(cfg *Config, working bool) error
	// newRiver makes the River client for config.
	newRiver(config *river.Config) (riverClient, error)
	// tx runs fn in one database transaction, committed when fn returns
	// nil; jobs inserted with ins commit or roll back with it.
	tx(ctx context.Context, rc riverClient, fn func(q querier, ins inserter) error) error
	// read runs fn outside a transaction.
	read(ctx context.Context, fn func(q querier) error) error
	// lockAccount takes the per-account lock for the length of a job, or
	// returns errLockBusy at once when another job holds it.
	lockAccount(ctx context.Context, account, holder string, lease time.Duration) (accountLock, error)
	// migrate applies the sync's migrations and River's, in one step.
	migrate(ctx context.Context, logger *slog.Logger) error
}

// riverClient is what the sync uses of a *river.Client, whatever its
// transaction type.
type riverClient interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

// inserter inserts River jobs in the transaction it belongs to.
type inserter func(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)

// querier runs statements, written with $1-style placeholders and {S}
// for the schema prefix, in a transaction or on the database.
type querier interface {
	exec(ctx context.Context, query string, args ...any) (int64, error)
	queryRow(ctx context.Context, query string, dest []any, args ...any) error
	query(ctx context.Context, query string, each func(scan func(dest ...any) error) error, args ...any) error
	// execBatch runs query once per row of args.
	execBatch(ctx context.Context, query string, rows [][]any) error
}

// accountLock is one job's hold on an account. Its transactions are
// fenced: they fail when the hold was lost.
type accountLock interface {
	tx(ctx context.Context, fn func(q querier) error) error
	release(ctx context.Context)
}

// errLockBusy: another job holds the account.
var errLockBusy = errors.New("txsync: another job holds the account")

// errLockLost: the job's hold on the account ended before it finished
// (lease expired, connection lost); its writes were not made.
var errLockLost = errors.New("txsync: the account lock was lost")

// errNoRows is returned by queryRow when the query found no row.
var errNoRows = errors.New("txsync: no rows")

var schemaName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// expand fills in the schema prefix.
func expand(query, prefix string) string {
	return strings.ReplaceAll(query, "{S}", prefix)
}
