package txsync

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationFS embed.FS

// Migration is one step of the sync's schema.
type Migration struct {
	// Version numbers the steps, from 1.
	Version int
	// Name is the file's name without its version and extension.
	Name string
	// SQL is the step's statements; {S} stands for the schema prefix.
	SQL string
}

// Migrations returns the embedded migrations of a dialect ("postgres" or
// "sqlite"), oldest first. Migrate applies them; they are exported so that
// a project with its own migration tool can ship them itself.
func Migrations(dialect string) ([]Migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("txsync: no migrations for dialect %q", dialect)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("txsync: migration %s is not named NNNN_name.sql", name)
		}
		body, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate brings db's schema up to date: the sync's tables (fc_accounts,
// fc_transactions, fc_owners, fc_cursors, fc_events, fc_sync_failures,
// fc_sync_locks, and fc_schema_migrations, which records the versions
// applied) and River's, through rivermigrate. On SQLite both run in one
// database transaction. On PostgreSQL the sync's run in one transaction
// and River's each in its own (one of them adds an enum value, which
// cannot be used in the transaction that added it), all under an
// advisory lock, so replicas starting together migrate once. It is safe
// to call on every start.
func Migrate(ctx context.Context, db Database) error {
	return MigrateWithLogger(ctx, db, nil)
}

// MigrateWithLogger is Migrate with the logger rivermigrate reports to
// (nil: warnings and errors to standard error).
func MigrateWithLogger(ctx context.Context, db Database, logger *slog.Logger) error {
	if db == nil {
		return fmt.Errorf("txsync: Migrate needs a Database")
	}
	if logger == nil {
		logger = defaultLogger()
	}
	if err := db.backend().migrate(ctx, logger); err != nil {
		return fmt.Errorf("txsync: migrating: %w", err)
	}
	return nil
}

// applyOwn applies the sync's migrations not yet recorded, in the
// caller's transaction.
func applyOwn(ctx context.Context, q querier, dialect string) error {
	if _, err := q.exec(ctx, `CREATE TABLE IF NOT EXISTS {S}fc_schema_migrations (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	applied_at bigint NOT NULL
)`); err != nil {
		return err
	}
	applied := map[int]bool{}
	err := q.query(ctx, `SELECT version FROM {S}fc_schema_migrations`, func(scan func(...any) error) error {
		var v int
		if err := scan(&v); err != nil {
			return err
		}
		applied[v] = true
		return nil
	})
	if err != nil {
		return err
	}
	migs, err := Migrations(dialect)
	if err != nil {
		return err
	}
	for _, m := range migs {
		if applied[m.Version] {
			continue
		}
		if _, err := q.exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
		}
		if _, err := q.exec(ctx, `INSERT INTO {S}fc_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			m.Version, m.Name, time.Now().Unix()); err != nil {
			return err
		}
	}
	return nil
}
