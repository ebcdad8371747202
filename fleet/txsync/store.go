package txsync

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	fc "github.com/embedfin/embedfin-go/financialconnections"
)

// The upsert of a transaction. A stored row is replaced only by a version
// with a newer "updated", or an equal one that is not a step back to
// pending (a transaction goes pending → posted or pending → void, never
// back), so a late or replayed page never regresses a row.
const upsertTransactionSQL = `INSERT INTO {S}fc_transactions AS t
	(id, account, amount, currency, description, status, transacted_at, posted_at, void_at,
	 transaction_refresh, updated, livemode, raw, synced_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (id) DO UPDATE SET
	account = excluded.account, amount = excluded.amount, currency = excluded.currency,
	description = excluded.description, status = excluded.status, transacted_at = excluded.transacted_at,
	posted_at = excluded.posted_at, void_at = excluded.void_at, transaction_refresh = excluded.transaction_refresh,
	updated = excluded.updated, livemode = excluded.livemode, raw = excluded.raw, synced_at = excluded.synced_at
WHERE excluded.updated > t.updated
	OR (excluded.updated = t.updated AND (excluded.status <> 'pending' OR t.status = 'pending'))`

// The upsert of an account row. The balance is replaced only by one at
// least as recent (as_of); the ownership column only by an ownership job
// (others pass NULL), so it always names the owners fc_owners holds.
const upsertAccountSQL = `INSERT INTO {S}fc_accounts AS a
	(id, stripe_account, status, institution_name, display_name, last4, category, subcategory, livemode,
	 balance, balance_as_of, balance_refresh_status, balance_refresh_attempted_at,
	 ownership, ownership_refresh_status, ownership_refresh_attempted_at,
	 transaction_refresh, transaction_refresh_status, transaction_refresh_attempted_at, retrieved_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
ON CONFLICT (id) DO UPDATE SET
	stripe_account = excluded.stripe_account, status = excluded.status, institution_name = excluded.institution_name,
	display_name = excluded.display_name, last4 = excluded.last4, category = excluded.category,
	subcategory = excluded.subcategory, livemode = excluded.livemode,
	balance = CASE WHEN excluded.balance_as_of IS NOT NULL AND (a.balance_as_of IS NULL OR excluded.balance_as_of >= a.balance_as_of)
		THEN excluded.balance ELSE a.balance END,
	balance_as_of = CASE WHEN excluded.balance_as_of IS NOT NULL AND (a.balance_as_of IS NULL OR excluded.balance_as_of >= a.balance_as_of)
		THEN excluded.balance_as_of ELSE a.balance_as_of END,
	balance_refresh_status = excluded.balance_refresh_status,
	balance_refresh_attempted_at = excluded.balance_refresh_attempted_at,
	ownership = COALESCE(excluded.ownership, a.ownership),
	ownership_refresh_status = excluded.ownership_refresh_status,
	ownership_refresh_attempted_at = excluded.ownership_refresh_attempted_at,
	transaction_refresh = excluded.transaction_refresh,
	transaction_refresh_status = excluded.transaction_refresh_status,
	transaction_refresh_attempted_at = excluded.transaction_refresh_attempted_at,
	retrieved_at = excluded.retrieved_at`

const upsertOwnerSQL = `INSERT INTO {S}fc_owners AS o (id, account, ownership, name, email, phone, raw_address, refreshed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (id) DO UPDATE SET account = excluded.account, ownership = excluded.ownership, name = excluded.name,
	email = excluded.email, phone = excluded.phone, raw_address = excluded.raw_address, refreshed_at = excluded.refreshed_at`

const upsertCursorSQL = `INSERT INTO {S}fc_cursors AS c (account, transaction_refresh, transactions, updated_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (account) DO UPDATE SET transaction_refresh = excluded.transaction_refresh,
	transactions = c.transactions + excluded.transactions, updated_at = excluded.updated_at`

const insertFailureSQL = `INSERT INTO {S}fc_sync_failures (account, feature, reason, detail, job_id, event_id, failed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`

const insertEventSQL = `INSERT INTO {S}fc_events (id, type, account, stripe_account, created, received_at)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`

// transactionRow is the statement arguments of one transaction.
func transactionRow(t *fc.Transaction, keepRaw bool, now int64) ([]any, error) {
	var posted, void *int64
	if st := t.StatusTransitions; st != nil {
		posted, void = st.PostedAt, st.VoidAt
	}
	var raw any
	if keepRaw {
		b, err := json.Marshal(t)
		if err != nil {
			return nil, err
		}
		raw = string(b)
	}
	return []any{t.ID, t.Account, t.Amount, t.Currency, t.Description, string(t.Status), t.TransactedAt,
		posted, void, t.TransactionRefresh, t.Updated, t.Livemode, raw, now}, nil
}

func upsertTransactions(ctx context.Context, q querier, txns []*fc.Transaction, keepRaw bool) error {
	now := time.Now().Unix()
	rows := make([][]any, 0, len(txns))
	for _, t := range txns {
		if t == nil {
			continue
		}
		r, err := transactionRow(t, keepRaw, now)
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	return q.execBatch(ctx, upsertTransactionSQL, rows)
}

// upsertAccount writes the account row; ownership is set only when
// withOwnership (the ownership job, which writes fc_owners alongside).
func upsertAccount(ctx context.Context, q querier, acct *fc.Account, stripeAccount string, withOwnership bool) error {
	var (
		balance                          any
		balanceAsOf                      *int64
		balStatus, ownStatus, txStatus   *string
		balAt, ownAt, txAt               *int64
		ownership, txRefresh             *string
		displayName, last4, institution  = acct.DisplayName, acct.Last4, acct.InstitutionName
		category, subcategory, accStatus = string(acct.Category), string(acct.Subcategory), string(acct.Status)
	)
	if b := acct.Balance; b != nil {
		j, err := json.Marshal(b)
		if err != nil {
			return err
		}
		balance, balanceAsOf = string(j), &b.AsOf
	}
	if r := acct.BalanceRefresh; r != nil {
		balStatus, balAt = ptr(string(r.Status)), &r.LastAttemptedAt
	}
	if r := acct.OwnershipRefresh; r != nil {
		ownStatus, ownAt = ptr(string(r.Status)), &r.LastAttemptedAt
	}
	if r := acct.TransactionRefresh; r != nil {
		txRefresh, txStatus, txAt = &r.ID, ptr(string(r.Status)), &r.LastAttemptedAt
	}
	if withOwnership && acct.Ownership != nil {
		ownership = &acct.Ownership.ID
	}
	_, err := q.exec(ctx, upsertAccountSQL, acct.ID, stripeAccount, accStatus, institution, displayName, last4,
		category, subcategory, acct.Livemode, balance, balanceAsOf, balStatus, balAt, ownership, ownStatus, ownAt,
		txRefresh, txStatus, txAt, time.Now().Unix())
	return err
}

// replaceOwners makes fc_owners hold exactly the owners of the account's
// ownership record.
func replaceOwners(ctx context.Context, q querier, account, ownership string, owners []*fc.AccountOwner) error {
	if _, err := q.exec(ctx, `DELETE FROM {S}fc_owners WHERE account = $1 AND ownership <> $2`, account, ownership); err != nil {
		return err
	}
	rows := make([][]any, 0, len(owners))
	for _, o := range owners {
		rows = append(rows, []any{o.ID, account, ownership, o.Name, o.Email, o.Phone, o.RawAddress, o.RefreshedAt})
	}
	return q.execBatch(ctx, upsertOwnerSQL, rows)
}

func readCursor(ctx context.Context, q querier, account string) (string, error) {
	var cursor string
	err := q.queryRow(ctx, `SELECT transaction_refresh FROM {S}fc_cursors WHERE account = $1`, []any{&cursor}, account)
	if errors.Is(err, errNoRows) {
		return "", nil
	}
	return cursor, err
}

func setCursor(ctx context.Context, q querier, account, refresh string, upserted int) error {
	_, err := q.exec(ctx, upsertCursorSQL, account, refresh, upserted, time.Now().Unix())
	return err
}

func recordFailure(ctx context.Context, q querier, f Failure) error {
	var event *string
	if f.Event != "" {
		event = &f.Event
	}
	var job *int64
	if f.JobID != 0 {
		job = &f.JobID
	}
	_, err := q.exec(ctx, insertFailureSQL, f.Account, string(f.Feature), string(f.Reason), f.Detail, job, event, f.FailedAt.Unix())
	return err
}

func ptr[T any](v T) *T { return &v }

// Transaction is a row of fc_transactions.
type Transaction struct {
	ID                 string
	Account            string
	Amount             int64
	Currency           string
	Description        string
	Status             string
	TransactedAt       int64
	PostedAt           *int64
	VoidAt             *int64
	TransactionRefresh string
	Updated            int64
	Livemode           bool
}

// Account is a row of fc_accounts, its balance decoded.
type Account struct {
	ID                 string
	StripeAccount      string
	Status             string
	InstitutionName    string
	DisplayName        string
	Last4              string
	Balance            *fc.AccountBalance
	BalanceAsOf        int64
	Ownership          string
	TransactionRefresh string
	RetrievedAt        int64
}

// Owner is a row of fc_owners.
type Owner struct {
	ID         string
	Account    string
	Ownership  string
	Name       string
	Email      string
	Phone      string
	RawAddress string
}

// Failure is a row of fc_sync_failures.
type Failure struct {
	Account  string
	Feature  Feature
	Reason   FailureReason
	Detail   string
	JobID    int64
	Event    string
	FailedAt time.Time
}

// Stats counts the rows of the sync's tables.
type Stats struct {
	Accounts, Transactions, Owners, Cursors, Events, Failures int64
}

// Cursor returns the transaction refresh the stored transactions of
// account are up to date with ("" before its first sync).
func (s *Syncer) Cursor(ctx context.Context, account string) (string, error) {
	var c string
	err := s.db.read(ctx, func(q querier) error {
		var err error
		c, err = readCursor(ctx, q, account)
		return err
	})
	return c, err
}

// Transactions returns the stored transactions of account, newest first
// (by transacted_at, then ID).
func (s *Syncer) Transactions(ctx context.Context, account string) ([]Transaction, error) {
	var out []Transaction
	err := s.db.read(ctx, func(q querier) error {
		return q.query(ctx, `SELECT id, account, amount, currency, description, status, transacted_at, posted_at, void_at,
	transaction_refresh, updated, livemode FROM {S}fc_transactions WHERE account = $1 ORDER BY transacted_at DESC, id`,
			func(scan func(...any) error) error {
				var t Transaction
				var posted, void sql.NullInt64
				if err := scan(&t.ID, &t.Account, &t.Amount, &t.Currency, &t.Description, &t.Status, &t.TransactedAt,
					&posted, &void, &t.TransactionRefresh, &t.Updated, &t.Livemode); err != nil {
					return err
				}
				if posted.Valid {
					t.PostedAt = &posted.Int64
				}
				if void.Valid {
					t.VoidAt = &void.Int64
				}
				out = append(out, t)
				return nil
			}, account)
	})
	return out, err
}

// Account returns the stored row of an account, or nil if there is none.
func (s *Syncer) Account(ctx context.Context, id string) (*Account, error) {
	var a Account
	var display, last4, balance, ownership, txRefresh sql.NullString
	var asOf sql.NullInt64
	balanceCol := "balance"
	if s.db.dialect() == "postgres" {
		balanceCol = "balance::text"
	}
	err := s.db.read(ctx, func(q querier) error {
		return q.queryRow(ctx, `SELECT id, stripe_account, status, institution_name, display_name, last4, `+balanceCol+`,
	balance_as_of, ownership, transaction_refresh, retrieved_at FROM {S}fc_accounts WHERE id = $1`,
			[]any{&a.ID, &a.StripeAccount, &a.Status, &a.InstitutionName, &display, &last4, &balance, &asOf, &ownership, &txRefresh, &a.RetrievedAt}, id)
	})
	if errors.Is(err, errNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a.DisplayName, a.Last4, a.Ownership, a.TransactionRefresh, a.BalanceAsOf = display.String, last4.String, ownership.String, txRefresh.String, asOf.Int64
	if balance.Valid {
		a.Balance = new(fc.AccountBalance)
		if err := json.Unmarshal([]byte(balance.String), a.Balance); err != nil {
			return nil, err
		}
	}
	return &a, nil
}

// Owners returns the stored owners of account, by name.
func (s *Syncer) Owners(ctx context.Context, account string) ([]Owner, error) {
	var out []Owner
	err := s.db.read(ctx, func(q querier) error {
		return q.query(ctx, `SELECT id, account, ownership, name, email, phone, raw_address FROM {S}fc_owners WHERE account = $1 ORDER BY name, id`,
			func(scan func(...any) error) error {
				var o Owner
				var email, phone, addr sql.NullString
				if err := scan(&o.ID, &o.Account, &o.Ownership, &o.Name, &email, &phone, &addr); err != nil {
					return err
				}
				o.Email, o.Phone, o.RawAddress = email.String, phone.String, addr.String
				out = append(out, o)
				return nil
			}, account)
	})
	return out, err
}

// Failures returns the recorded failures of account ("" for every
// account), oldest first.
func (s *Syncer) Failures(ctx context.Context, account string) ([]Failure, error) {
	var out []Failure
	err := s.db.read(ctx, func(q querier) error {
		return q.query(ctx, `SELECT account, feature, reason, detail, job_id, event_id, failed_at FROM {S}fc_sync_failures
WHERE $1 = '' OR account = $1 ORDER BY id`,
			func(scan func(...any) error) error {
				var f Failure
				var feature, reason string
				var job sql.NullInt64
				var event sql.NullString
				var at int64
				if err := scan(&f.Account, &feature, &reason, &f.Detail, &job, &event, &at); err != nil {
					return err
				}
				f.Feature, f.Reason, f.JobID, f.Event, f.FailedAt = Feature(feature), FailureReason(reason), job.Int64, event.String, time.Unix(at, 0)
				out = append(out, f)
				return nil
			}, account)
	})
	return out, err
}

// Stats counts the rows of the sync's tables.
func (s *Syncer) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := s.db.read(ctx, func(q querier) error {
		return q.queryRow(ctx, `SELECT
	(SELECT count(*) FROM {S}fc_accounts), (SELECT count(*) FROM {S}fc_transactions), (SELECT count(*) FROM {S}fc_owners),
	(SELECT count(*) FROM {S}fc_cursors), (SELECT count(*) FROM {S}fc_events), (SELECT count(*) FROM {S}fc_sync_failures)`,
			[]any{&st.Accounts, &st.Transactions, &st.Owners, &st.Cursors, &st.Events, &st.Failures})
	})
	return st, err
}
