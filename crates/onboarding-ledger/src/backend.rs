//! The two databases a ledger can live in.

/// Which database is underneath.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One process at a time, holding the file exclusively.
    Sqlite,
    /// Many workers, claiming with `FOR UPDATE SKIP LOCKED` under leases.
    Postgres,
}
