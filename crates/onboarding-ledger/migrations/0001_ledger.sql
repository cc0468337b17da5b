-- The onboarding ledger, version 1. Portable SQL: the same statements run on SQLite and
-- PostgreSQL. No column holds personal data: the key is the caller's own id, the body only its
-- SHA-256 fingerprint, errors only their kind, provider codes and field names.

-- One row per (provider, key).
CREATE TABLE ledger_rows (
    provider TEXT NOT NULL,
    row_key TEXT NOT NULL,
    -- pending | in_flight | created | confirmed_existing | rejected | retry_later | in_doubt
    state TEXT NOT NULL,
    -- Hex SHA-256 of the canonical request body; NULL for an input line that did not decode.
    fingerprint TEXT,
    -- Where the line is in the input file (1-based line, byte offset, length in bytes).
    line BIGINT NOT NULL,
    byte_offset BIGINT NOT NULL,
    byte_length BIGINT NOT NULL,
    -- 1 when the body carries Bitpanda's external_id (a resend is then provably safe).
    has_external_id BIGINT NOT NULL,
    provider_id TEXT,
    error_kind TEXT,
    provider_codes TEXT,
    fields TEXT,
    retry_at BIGINT,
    attempts BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    worker TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (provider, row_key)
);

CREATE INDEX ledger_rows_work ON ledger_rows (provider, state, line);

-- Input files already loaded in full (by their SHA-256), so later workers only claim.
CREATE TABLE ledger_loads (
    provider TEXT NOT NULL,
    digest TEXT NOT NULL,
    lines BIGINT NOT NULL,
    loaded_at BIGINT NOT NULL,
    PRIMARY KEY (provider, digest)
);

-- The workers holding rows in flight, and until when they are known alive (their heartbeat
-- renews this one row, not every row they hold).
CREATE TABLE ledger_workers (
    owner TEXT PRIMARY KEY,
    alive_until BIGINT NOT NULL
);

-- One row, written when a process opens the ledger for writing (proves it is writable).
CREATE TABLE ledger_info (
    id BIGINT PRIMARY KEY,
    opened_at BIGINT NOT NULL
);
INSERT INTO ledger_info (id, opened_at) VALUES (1, 0);
