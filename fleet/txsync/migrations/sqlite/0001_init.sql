-- txsync schema, version 1 (SQLite). {S} is always ""; the
-- statements match the PostgreSQL ones. Times are Unix seconds,
-- as Stripe gives them; amounts are in the currency's minor unit.

-- One row per linked Financial Connections account, as last retrieved.
CREATE TABLE {S}fc_accounts (
	id                               text PRIMARY KEY,  -- fca_...
	stripe_account                   text NOT NULL DEFAULT '', -- acct_... it is read as; '' for the platform
	status                           text NOT NULL,     -- active, inactive, disconnected
	institution_name                 text NOT NULL DEFAULT '',
	display_name                     text,
	last4                            text,
	category                         text NOT NULL DEFAULT '',
	subcategory                      text NOT NULL DEFAULT '',
	livemode                         integer NOT NULL DEFAULT 0,
	balance                          text,             -- the account's balance object (current, cash/credit, type)
	balance_as_of                    bigint,            -- balance.as_of; a balance never replaces a newer one
	balance_refresh_status           text,
	balance_refresh_attempted_at     bigint,
	ownership                        text,              -- fcaowns_... whose owners fc_owners holds
	ownership_refresh_status         text,
	ownership_refresh_attempted_at   bigint,
	transaction_refresh              text,              -- fctxnref_... latest transaction refresh seen
	transaction_refresh_status       text,
	transaction_refresh_attempted_at bigint,
	retrieved_at                     bigint NOT NULL    -- when this row was last written from the API
);

-- One row per transaction ID. A version replaces the stored one only when
-- its "updated" is newer (or equal, and not a step back from posted/void
-- to pending): a late replay never regresses a row.
CREATE TABLE {S}fc_transactions (
	id                  text PRIMARY KEY,  -- fctxn_...
	account             text NOT NULL,
	amount              bigint NOT NULL,
	currency            text NOT NULL,
	description         text NOT NULL,
	status              text NOT NULL,     -- pending, posted, void
	transacted_at       bigint NOT NULL,
	posted_at           bigint,            -- status_transitions.posted_at
	void_at             bigint,            -- status_transitions.void_at
	transaction_refresh text NOT NULL,     -- the refresh that last changed it
	updated             bigint NOT NULL,   -- Stripe's "updated"
	livemode            integer NOT NULL DEFAULT 0,
	raw                 text,             -- the object as received (Config.KeepRaw)
	synced_at           bigint NOT NULL
);
CREATE INDEX fc_transactions_account_transacted_at ON {S}fc_transactions (account, transacted_at DESC);

-- The owners of each account's latest ownership record.
CREATE TABLE {S}fc_owners (
	id           text PRIMARY KEY,  -- fcaown_...
	account      text NOT NULL,
	ownership    text NOT NULL,     -- fcaowns_...
	name         text NOT NULL,
	email        text,
	phone        text,
	raw_address  text,
	refreshed_at bigint
);
CREATE INDEX fc_owners_account ON {S}fc_owners (account);

-- Per account, the transaction refresh the stored transactions are up to
-- date with: the next sync lists transaction_refresh[after]=this.
CREATE TABLE {S}fc_cursors (
	account             text PRIMARY KEY,
	transaction_refresh text NOT NULL,
	transactions        bigint NOT NULL DEFAULT 0, -- transactions upserted by syncs so far
	updated_at          bigint NOT NULL
);

-- Every webhook event received, once.
CREATE TABLE {S}fc_events (
	id             text PRIMARY KEY,  -- evt_...
	type           text NOT NULL,
	account        text NOT NULL DEFAULT '', -- fca_... of data.object
	stripe_account text NOT NULL DEFAULT '', -- the event's "account" (Connect), '' for the platform
	created        bigint NOT NULL,
	received_at    bigint NOT NULL,
	job_id         bigint              -- the River job it enqueued, if any
);

-- Jobs that ended without syncing, with a typed reason (see FailureReason).
CREATE TABLE {S}fc_sync_failures (
	id        integer PRIMARY KEY AUTOINCREMENT,
	account   text NOT NULL,
	feature   text NOT NULL,  -- transactions, balance, ownership
	reason    text NOT NULL,
	detail    text NOT NULL DEFAULT '',
	job_id    bigint,
	event_id  text,
	failed_at bigint NOT NULL
);
CREATE INDEX fc_sync_failures_account ON {S}fc_sync_failures (account);

-- Per-account leases (used on SQLite; PostgreSQL uses advisory locks).
CREATE TABLE {S}fc_sync_locks (
	account    text PRIMARY KEY,
	holder     text NOT NULL,
	expires_at bigint NOT NULL  -- Unix milliseconds
);
