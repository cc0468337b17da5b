//! What can go wrong with the ledger itself. Messages name the ledger without its password and
//! never carry personal data.

use std::fmt;

/// A ledger failure.
#[derive(Debug)]
#[non_exhaustive]
pub enum LedgerError {
    /// The URL is neither a SQLite path / `sqlite:` URL nor a `postgres://` URL.
    InvalidUrl(String),
    /// The database could not be opened or reached.
    Unreachable {
        /// The ledger, without credentials.
        ledger: String,
        /// What failed.
        detail: String,
    },
    /// The database refuses writes.
    ReadOnly {
        /// The ledger, without credentials.
        ledger: String,
    },
    /// Another process holds the SQLite ledger (SQLite allows one writer process).
    InUse {
        /// The ledger, without credentials.
        ledger: String,
    },
    /// The ledger was written by a newer version of this tool; it is never migrated down.
    NewerSchema {
        /// The schema version found.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// The key is recorded with another body (its fingerprint differs); nothing was sent.
    KeyReused {
        /// The caller's key.
        key: String,
    },
    /// The key is being sent by a live worker right now.
    InProgress {
        /// The caller's key.
        key: String,
    },
    /// Any other database error.
    Database(String),
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LedgerError::InvalidUrl(url) => write!(
                f,
                "ledger {url}: not a SQLite path, sqlite: URL or postgres:// URL"
            ),
            LedgerError::Unreachable { ledger, detail } => {
                write!(f, "ledger {ledger}: cannot be opened: {detail}")
            }
            LedgerError::ReadOnly { ledger } => {
                write!(
                    f,
                    "ledger {ledger}: the database is read-only; nothing was sent"
                )
            }
            LedgerError::InUse { ledger } => write!(
                f,
                "ledger {ledger}: in use by another process (a SQLite ledger has one writer; \
                 use PostgreSQL for several workers)"
            ),
            LedgerError::NewerSchema { found, supported } => write!(
                f,
                "the ledger's schema is version {found}, newer than this build's {supported}: \
                 use a newer onboard (a ledger is never migrated down)"
            ),
            LedgerError::KeyReused { key } => write!(
                f,
                "key {key:?} is already recorded with another body; nothing was sent"
            ),
            LedgerError::InProgress { key } => {
                write!(f, "key {key:?} is being sent by a live worker")
            }
            LedgerError::Database(detail) => write!(f, "ledger: {detail}"),
        }
    }
}

impl std::error::Error for LedgerError {}
