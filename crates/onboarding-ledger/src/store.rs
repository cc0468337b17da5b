//! The ledger's storage: opening (SQLite or PostgreSQL through one `Any` pool), migrations and
//! the schema check, and the statements the ledger runs (loading is in `load`). Statements are
//! written once, in SQL both databases accept; the differences are `FOR UPDATE SKIP LOCKED` on
//! PostgreSQL claims and the placeholders of multi-row statements (see `sql`).

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyConnection, AnyPool, Connection, Executor, Row};

use crate::backend::Backend;
use crate::error::LedgerError;
use crate::outcome::Outcome;
use crate::provider::Provider;
use crate::sql::{Marks, pieces};
use crate::state::State;
use crate::url::Location;

/// The migrations compiled into this build.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Whether the ledger is opened to work (migrate, write) or only to read (`onboard report`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Migrate if needed, prove the database writable, and on SQLite hold it exclusively.
    Write,
    /// Read only; the schema must exist and not be newer than this build.
    Read,
}

/// An open ledger.
#[derive(Clone)]
pub struct Ledger {
    pub(crate) pool: AnyPool,
    backend: Backend,
    shown: String,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("backend", &self.backend)
            .field("ledger", &self.shown)
            .finish()
    }
}

/// A row claimed for sending.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The key.
    pub key: String,
    /// The input line.
    pub line: i64,
    /// Byte offset of the line.
    pub offset: i64,
    /// Length of the line.
    pub length: i64,
    /// The fingerprint recorded at load.
    pub fingerprint: Option<String>,
    /// Whether an earlier attempt of this row may have reached the provider.
    pub sent_before: bool,
}

/// Which rows a claim takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimKind {
    /// `pending` rows, and `retry_later` rows that are due and below `max_attempts`.
    Work {
        /// Rows that reached this many attempts are left in `retry_later`.
        max_attempts: i64,
    },
    /// `in_doubt` rows whose body carries an `external_id`, below `max_attempts` (Bitpanda only:
    /// a resend is safe there, see [`crate::reconcile`]).
    Reconcile {
        /// Rows that reached this many attempts stay in doubt.
        max_attempts: i64,
    },
}

/// One row as `onboard report` shows it: no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    /// The provider.
    pub provider: String,
    /// The caller's key.
    pub key: String,
    /// The state's name.
    pub state: String,
    /// The input line.
    pub line: i64,
    /// The provider's id, when created.
    pub provider_id: Option<String>,
    /// The last error's kind.
    pub error_kind: Option<String>,
    /// The provider's codes, comma-separated.
    pub provider_codes: Option<String>,
    /// The fields at fault, comma-separated.
    pub fields: Option<String>,
    /// When a `retry_later` row may be sent again (Unix ms).
    pub retry_at: Option<i64>,
    /// Attempts made.
    pub attempts: i64,
    /// The worker that recorded the last outcome.
    pub worker: Option<String>,
    /// When the row last changed (Unix ms).
    pub updated_at: i64,
}

/// Maps a database error to a [`LedgerError`], naming `shown` (the ledger without password).
fn classify(shown: &str, error: sqlx::Error) -> LedgerError {
    let text = error.to_string();
    let code = error
        .as_database_error()
        .and_then(|e| e.code().map(|c| c.into_owned()));
    let lower = text.to_lowercase();
    if lower.contains("readonly") || lower.contains("read-only") || code.as_deref() == Some("25006")
    {
        return LedgerError::ReadOnly {
            ledger: shown.to_owned(),
        };
    }
    if lower.contains("database is locked") || code.as_deref() == Some("5") {
        return LedgerError::InUse {
            ledger: shown.to_owned(),
        };
    }
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::Tls(_)
        | sqlx::Error::Configuration(_) => LedgerError::Unreachable {
            ledger: shown.to_owned(),
            detail: text,
        },
        sqlx::Error::Database(_)
            if matches!(code.as_deref(), Some("14" | "3D000" | "28P01" | "28000")) =>
        {
            LedgerError::Unreachable {
                ledger: shown.to_owned(),
                detail: text,
            }
        }
        _ => LedgerError::Database(text),
    }
}

/// Sets a new connection up: on SQLite a busy timeout, and for a writer the exclusive lock, WAL
/// and full sync (a commit survives a power cut).
async fn configure(
    conn: &mut AnyConnection,
    backend: Backend,
    exclusive: bool,
) -> Result<(), sqlx::Error> {
    if backend == Backend::Sqlite {
        conn.execute("PRAGMA busy_timeout = 1000").await?;
        if exclusive {
            conn.execute("PRAGMA locking_mode = EXCLUSIVE").await?;
            conn.execute("PRAGMA journal_mode = WAL").await?;
            conn.execute("PRAGMA synchronous = FULL").await?;
            // Takes the exclusive lock now (and fails now when another process holds it).
            conn.execute("BEGIN IMMEDIATE").await?;
            conn.execute("COMMIT").await?;
        }
    }
    Ok(())
}

/// Opens one connection, sets it up as the pool will, and closes it.
async fn probe(url: &str, backend: Backend, exclusive: bool) -> Result<(), sqlx::Error> {
    let mut conn = AnyConnection::connect(url).await?;
    configure(&mut conn, backend, exclusive).await?;
    conn.close().await
}

/// The newest schema version this build knows.
pub fn supported_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// The states a row may be in for `next` to be recorded over it, as an SQL list.
fn sources_of(next: State) -> String {
    State::ALL
        .into_iter()
        .filter(|from| *from != State::Pending && *from != State::RetryLater)
        .filter(|from| from.can_become(next))
        .map(|from| format!("'{}'", from.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Ledger {
    /// Opens the ledger at `url` (a SQLite path or URL, or `postgres://…`).
    ///
    /// With [`Access::Write`]: a SQLite file is created with mode 0600 when missing, set to WAL
    /// and held exclusively by this process; the schema is migrated up (never down: a newer one
    /// is [`LedgerError::NewerSchema`]); a write proves the database writable
    /// ([`LedgerError::ReadOnly`] otherwise) — all before anything is sent.
    pub async fn open(url: &str, access: Access) -> Result<Self, LedgerError> {
        install_default_drivers();
        let location = Location::parse(url)?;
        let shown = location.shown();
        let backend = match &location {
            Location::Sqlite { path, .. } => {
                if access == Access::Write && !path.exists() {
                    OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .mode(0o600)
                        .open(path)
                        .map_err(|e| LedgerError::Unreachable {
                            ledger: shown.clone(),
                            detail: e.to_string(),
                        })?;
                } else if !path.exists() {
                    return Err(LedgerError::Unreachable {
                        ledger: shown,
                        detail: "no such file".into(),
                    });
                }
                Backend::Sqlite
            }
            Location::Postgres(_) => Backend::Postgres,
        };
        let exclusive = backend == Backend::Sqlite && access == Access::Write;
        let url = location.connect_url();
        // One connection first, so that a refusal is reported as itself (the pool would retry
        // until its timeout and report only that). A SQLite file this process has just closed
        // can take a moment to be released by its connection's thread: "in use" is tried again
        // a few times before it is believed.
        let asked_read_only = matches!(&location, Location::Sqlite { query: Some(q), .. }
            if q.split('&').any(|pair| pair == "mode=ro"));
        let mut tries = 0;
        loop {
            tries += 1;
            match probe(&url, backend, exclusive).await {
                Ok(()) => break,
                Err(error) => match classify(&shown, error) {
                    LedgerError::InUse { .. } if tries < 3 => {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    // SQLite opened read-only refuses the write lock with an I/O error code.
                    LedgerError::Database(_) if asked_read_only => {
                        return Err(LedgerError::ReadOnly { ledger: shown });
                    }
                    other => return Err(other),
                },
            }
        }
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 1 } else { 8 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move { configure(conn, backend, exclusive).await })
            })
            .connect(&url)
            .await
            .map_err(|e| classify(&shown, e))?;
        let ledger = Ledger {
            pool,
            backend,
            shown,
        };
        ledger.check_version(access).await?;
        if access == Access::Write {
            MIGRATOR.run(&ledger.pool).await.map_err(|e| match e {
                sqlx::migrate::MigrateError::Execute(e) => classify(&ledger.shown, e),
                other => LedgerError::Database(other.to_string()),
            })?;
            sqlx::query("UPDATE ledger_info SET opened_at = $1 WHERE id = 1")
                .bind(crate::facade::now_ms())
                .execute(&ledger.pool)
                .await
                .map_err(|e| ledger.error(e))?;
        }
        Ok(ledger)
    }

    /// The database underneath.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The ledger as shown in messages (no password).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    pub(crate) fn error(&self, error: sqlx::Error) -> LedgerError {
        classify(&self.shown, error)
    }

    /// Refuses a schema newer than this build's; with [`Access::Read`], also a missing one.
    async fn check_version(&self, access: Access) -> Result<(), LedgerError> {
        let found: Option<i64> =
            match sqlx::query("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(&self.pool)
                .await
            {
                Ok(row) => row.try_get(0).map_err(|e| self.error(e))?,
                Err(sqlx::Error::Database(_)) => None,
                Err(other) => return Err(self.error(other)),
            };
        let supported = supported_version();
        match found {
            Some(found) if found > supported => Err(LedgerError::NewerSchema { found, supported }),
            None if access == Access::Read => Err(LedgerError::Unreachable {
                ledger: self.shown.clone(),
                detail: "not a ledger (no schema)".into(),
            }),
            _ => Ok(()),
        }
    }

    /// Closes the pool (and on SQLite releases the file).
    ///
    /// A connection handed back to the pool just before (its return runs in a task of its own)
    /// can land in the idle list after the pool's close looked there: the close is repeated
    /// until no connection is left, so the file is free when this returns.
    pub async fn close(&self) {
        for _ in 0..200 {
            self.pool.close().await;
            if self.pool.size() == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Whether the input with this digest was loaded in full for `provider`.
    pub async fn is_loaded(&self, provider: Provider, digest: &str) -> Result<bool, LedgerError> {
        let row = sqlx::query("SELECT lines FROM ledger_loads WHERE provider = $1 AND digest = $2")
            .bind(provider.name())
            .bind(digest)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.error(e))?;
        Ok(row.is_some())
    }

    /// Records that the input with this digest was loaded in full.
    pub async fn mark_loaded(
        &self,
        provider: Provider,
        digest: &str,
        lines: i64,
    ) -> Result<(), LedgerError> {
        sqlx::query(
            "INSERT INTO ledger_loads (provider, digest, lines, loaded_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (provider, digest) DO NOTHING",
        )
        .bind(provider.name())
        .bind(digest)
        .bind(lines)
        .bind(crate::facade::now_ms())
        .execute(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Claims up to `limit` rows for `owner` in one commit: each becomes `in_flight` under a
    /// lease until `now + lease` — before anything is sent. On PostgreSQL rows locked by
    /// another worker's claim are skipped (`FOR UPDATE SKIP LOCKED`). The rows are picked in a
    /// CTE, which PostgreSQL runs once: a `WHERE key IN (SELECT … LIMIT n FOR UPDATE SKIP
    /// LOCKED)` may run its subquery again and take more than `n`.
    pub async fn claim(
        &self,
        provider: Provider,
        owner: &str,
        lease: Duration,
        limit: usize,
        kind: ClaimKind,
    ) -> Result<Vec<Claimed>, LedgerError> {
        let now = crate::facade::now_ms();
        let lease_until = now.saturating_add(millis(lease));
        let which = match kind {
            ClaimKind::Work { .. } => {
                "(state = 'pending' OR (state = 'retry_later' AND retry_at <= $2 AND attempts < $6))"
            }
            ClaimKind::Reconcile { .. } => {
                "(state = 'in_doubt' AND has_external_id = 1 AND attempts < $6)"
            }
        };
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "WITH picked AS (SELECT row_key AS picked_key FROM ledger_rows \
             WHERE provider = $1 AND {which} ORDER BY line LIMIT $5{lock}) \
             UPDATE ledger_rows SET state = 'in_flight', lease_owner = $3, lease_until = $4, \
             attempts = attempts + 1, updated_at = $2 \
             FROM picked WHERE provider = $1 AND row_key = picked_key \
             RETURNING row_key, line, byte_offset, byte_length, fingerprint, attempts"
        );
        let max_attempts = match kind {
            ClaimKind::Work { max_attempts } => max_attempts,
            ClaimKind::Reconcile { max_attempts } => {
                if crate::reconcile::rule(provider, true) != crate::reconcile::Rule::Resend
                    || provider == Provider::BtcDirect
                {
                    return Ok(Vec::new());
                }
                max_attempts
            }
        };
        let rows = sqlx::query(&sql)
            .bind(provider.name())
            .bind(now)
            .bind(owner)
            .bind(lease_until)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(max_attempts)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.error(e))?;
        let mut claimed = rows
            .iter()
            .map(|row| -> Result<Claimed, sqlx::Error> {
                let attempts: i64 = row.try_get(5)?;
                Ok(Claimed {
                    key: row.try_get(0)?,
                    line: row.try_get(1)?,
                    offset: row.try_get(2)?,
                    length: row.try_get(3)?,
                    fingerprint: row.try_get(4)?,
                    sent_before: attempts > 1,
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.error(e))?;
        claimed.sort_by_key(|row| row.line);
        Ok(claimed)
    }

    /// Records outcomes of rows `owner` holds, in one commit. A row is updated only when the
    /// transition is allowed ([`State::can_become`]) and `owner` holds (or held, before its
    /// lease ran out) the row; returns how many were not.
    pub async fn record(
        &self,
        provider: Provider,
        owner: &str,
        worker: &str,
        outcomes: &[(String, Outcome)],
    ) -> Result<usize, LedgerError> {
        if outcomes.is_empty() {
            return Ok(0);
        }
        let now = crate::facade::now_ms();
        // One order for every writer, so that two transactions never wait on each other.
        let mut sorted: Vec<&(String, Outcome)> = outcomes.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        // Each outcome's state may only be recorded over the states that can become it.
        let allowed = State::ALL
            .into_iter()
            .filter(|next| !sources_of(*next).is_empty())
            // `state || ''`: no index on the state may drive the join (the planner's estimate of
            // rows in flight is stale while a batch runs); the primary key on row_key does.
            .map(|next| {
                format!(
                    "(v.column2 = '{}' AND state || '' IN ({}))",
                    next.name(),
                    sources_of(next)
                )
            })
            .collect::<Vec<_>>()
            .join(" OR ");
        const COLUMNS: usize = 7;
        let mut updated = 0;
        let mut tx = self.pool.begin().await.map_err(|e| self.error(e))?;
        for chunk in pieces(&sorted) {
            let mut marks = Marks::new(self.backend);
            let (worker_mark, now_mark) = (marks.one(), marks.one());
            let values = marks.rows(chunk.len(), COLUMNS);
            let (provider_mark, owner_mark) = (marks.one(), marks.one());
            let sql = format!(
                "UPDATE ledger_rows SET state = v.column2, provider_id = v.column3, \
                 error_kind = v.column4, provider_codes = v.column5, fields = v.column6, \
                 retry_at = v.column7, lease_owner = NULL, lease_until = NULL, \
                 worker = {worker_mark}, updated_at = {now_mark} FROM (VALUES {values}) AS v \
                 WHERE provider = {provider_mark} AND row_key = v.column1 \
                 AND lease_owner = {owner_mark} AND ({allowed})"
            );
            let mut query = sqlx::query(&sql).bind(worker).bind(now);
            for (key, outcome) in chunk {
                let problem = outcome.problem();
                let provider_id = match outcome {
                    Outcome::Created { provider_id } => Some(provider_id.clone()),
                    _ => None,
                };
                let retry_at = match outcome {
                    Outcome::RetryLater { retry_at, .. } => Some(*retry_at),
                    _ => None,
                };
                query = query
                    .bind(key.as_str())
                    .bind(outcome.state().name())
                    .bind(provider_id)
                    .bind(problem.map(|p| p.kind.clone()))
                    .bind(problem.and_then(|p| joined(&p.codes)))
                    .bind(problem.and_then(|p| joined(&p.fields)))
                    .bind(retry_at);
            }
            let done = query
                .bind(provider.name())
                .bind(owner)
                .execute(&mut *tx)
                .await
                .map_err(|e| self.error(e))?;
            updated += usize::try_from(done.rows_affected()).unwrap_or(usize::MAX);
        }
        tx.commit().await.map_err(|e| self.error(e))?;
        Ok(outcomes.len().saturating_sub(updated))
    }

    /// Renews `owner`'s lease: every row it holds in flight stays its own until `now + lease`.
    /// One row is written (the worker's), whatever the number of rows it holds.
    pub async fn heartbeat(&self, owner: &str, lease: Duration) -> Result<(), LedgerError> {
        let until = crate::facade::now_ms().saturating_add(millis(lease));
        sqlx::query(
            "INSERT INTO ledger_workers (owner, alive_until) VALUES ($1, $2) \
             ON CONFLICT (owner) DO UPDATE SET alive_until = excluded.alive_until",
        )
        .bind(owner)
        .bind(until)
        .execute(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Forgets `owner` (at the end of a run).
    pub async fn retire(&self, owner: &str) -> Result<(), LedgerError> {
        sqlx::query("DELETE FROM ledger_workers WHERE owner = $1")
            .bind(owner)
            .execute(&self.pool)
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Turns `in_flight` rows whose lease ran out — the claim's lease passed and their worker's
    /// heartbeat stopped — into `in_doubt` (never back to `pending`: the request may have been
    /// sent). On a SQLite ledger this process holds exclusively, every `in_flight` row belongs
    /// to a process that died, so `all_dead` expires them all.
    pub async fn expire_leases(
        &self,
        provider: Provider,
        all_dead: bool,
    ) -> Result<u64, LedgerError> {
        let now = crate::facade::now_ms();
        let until = if all_dead { i64::MAX } else { now };
        let done = sqlx::query(
            "UPDATE ledger_rows SET state = 'in_doubt', error_kind = 'lease_expired', updated_at = $1 \
             WHERE provider = $2 AND state = 'in_flight' AND lease_until < $3 \
             AND NOT EXISTS (SELECT 1 FROM ledger_workers w \
             WHERE w.owner = ledger_rows.lease_owner AND w.alive_until >= $3)",
        )
        .bind(now)
        .bind(provider.name())
        .bind(until)
        .execute(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        Ok(done.rows_affected())
    }

    /// How many rows are in each state (for `provider`, or all).
    pub async fn counts(
        &self,
        provider: Option<Provider>,
    ) -> Result<BTreeMap<State, i64>, LedgerError> {
        let rows = sqlx::query(
            "SELECT state, COUNT(*) FROM ledger_rows WHERE provider = $1 OR $1 = '' GROUP BY state",
        )
        .bind(provider.map_or("", Provider::name))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        let mut counts = BTreeMap::new();
        for row in rows {
            let state: String = row.try_get(0).map_err(|e| self.error(e))?;
            let count: i64 = row.try_get(1).map_err(|e| self.error(e))?;
            let state = state
                .parse::<State>()
                .map_err(|e| LedgerError::Database(e.to_string()))?;
            counts.insert(state, count);
        }
        Ok(counts)
    }

    /// How many rows each worker recorded, per state (for `provider`).
    pub async fn shares(&self, provider: Provider) -> Result<BTreeMap<String, i64>, LedgerError> {
        let rows = sqlx::query(
            "SELECT worker, COUNT(*) FROM ledger_rows WHERE provider = $1 AND worker IS NOT NULL \
             GROUP BY worker",
        )
        .bind(provider.name())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        let mut shares = BTreeMap::new();
        for row in rows {
            let worker: String = row.try_get(0).map_err(|e| self.error(e))?;
            let count: i64 = row.try_get(1).map_err(|e| self.error(e))?;
            shares.insert(worker, count);
        }
        Ok(shares)
    }

    /// When something may next be claimable: the earliest due `retry_later` row below
    /// `max_attempts`, or the earliest lease of a row in flight (Unix ms).
    pub async fn next_wakeup(
        &self,
        provider: Provider,
        max_attempts: i64,
    ) -> Result<Option<i64>, LedgerError> {
        let row = sqlx::query(
            "SELECT MIN(t) FROM (\
             SELECT retry_at AS t FROM ledger_rows WHERE provider = $1 AND state = 'retry_later' AND attempts < $2 \
             UNION ALL SELECT lease_until AS t FROM ledger_rows WHERE provider = $1 AND state = 'in_flight'\
             ) AS w",
        )
        .bind(provider.name())
        .bind(max_attempts)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        row.try_get::<Option<i64>, _>(0).map_err(|e| self.error(e))
    }

    /// One page of the report, after `(provider, line, key)` = `after`, at most `limit` rows,
    /// in that order; `state` filters when given.
    pub async fn report_page(
        &self,
        provider: Option<Provider>,
        state: Option<State>,
        after: Option<(&str, i64, &str)>,
        limit: usize,
    ) -> Result<Vec<ReportRow>, LedgerError> {
        let (after_provider, after_line, after_key) = after.unwrap_or(("", i64::MIN, ""));
        let rows = sqlx::query(
            "SELECT provider, row_key, state, line, provider_id, error_kind, provider_codes, fields, \
             retry_at, attempts, worker, updated_at FROM ledger_rows \
             WHERE ($1 = '' OR provider = $1) AND ($2 = '' OR state = $2) \
             AND (provider > $3 OR (provider = $3 AND (line > $4 OR (line = $4 AND row_key > $5)))) \
             ORDER BY provider, line, row_key LIMIT $6",
        )
        .bind(provider.map_or("", Provider::name))
        .bind(state.map_or("", State::name))
        .bind(after_provider)
        .bind(after_line)
        .bind(after_key)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        rows.iter()
            .map(|row| -> Result<ReportRow, sqlx::Error> {
                Ok(ReportRow {
                    provider: row.try_get(0)?,
                    key: row.try_get(1)?,
                    state: row.try_get(2)?,
                    line: row.try_get(3)?,
                    provider_id: row.try_get(4)?,
                    error_kind: row.try_get(5)?,
                    provider_codes: row.try_get(6)?,
                    fields: row.try_get(7)?,
                    retry_at: row.try_get(8)?,
                    attempts: row.try_get(9)?,
                    worker: row.try_get(10)?,
                    updated_at: row.try_get(11)?,
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.error(e))
    }

    /// The row for one key, for the library path.
    pub(crate) async fn get(
        &self,
        provider: Provider,
        key: &str,
    ) -> Result<Option<KeyRow>, LedgerError> {
        let row = sqlx::query(
            "SELECT state, fingerprint, provider_id, error_kind, lease_until, retry_at \
             FROM ledger_rows WHERE provider = $1 AND row_key = $2",
        )
        .bind(provider.name())
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        row.map(|row| -> Result<KeyRow, sqlx::Error> {
            let state: String = row.try_get(0)?;
            Ok(KeyRow {
                state: state
                    .parse()
                    .map_err(|e: crate::state::UnknownState| sqlx::Error::Decode(Box::new(e)))?,
                fingerprint: row.try_get(1)?,
                provider_id: row.try_get(2)?,
                error_kind: row.try_get(3)?,
                lease_until: row.try_get(4)?,
                retry_at: row.try_get(5)?,
            })
        })
        .transpose()
        .map_err(|e| self.error(e))
    }

    /// Inserts one row straight into `in_flight` for `owner` (the library path: the intent is
    /// committed before the request is sent). `false` when the key exists already.
    pub(crate) async fn insert_in_flight(
        &self,
        provider: Provider,
        key: &str,
        fingerprint: &str,
        has_external_id: bool,
        owner: &str,
        lease: Duration,
    ) -> Result<bool, LedgerError> {
        let now = crate::facade::now_ms();
        let done = sqlx::query(
            "INSERT INTO ledger_rows (provider, row_key, state, fingerprint, line, byte_offset, \
             byte_length, has_external_id, attempts, lease_owner, lease_until, created_at, updated_at) \
             VALUES ($1, $2, 'in_flight', $3, 0, 0, 0, $4, 1, $5, $6, $7, $7) \
             ON CONFLICT (provider, row_key) DO NOTHING",
        )
        .bind(provider.name())
        .bind(key)
        .bind(fingerprint)
        .bind(i64::from(has_external_id))
        .bind(owner)
        .bind(now.saturating_add(millis(lease)))
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        Ok(done.rows_affected() == 1)
    }

    /// Claims one key that is `pending` or due in `retry_later`; `Some(sent_before)` when
    /// claimed.
    pub(crate) async fn claim_key(
        &self,
        provider: Provider,
        key: &str,
        owner: &str,
        lease: Duration,
    ) -> Result<Option<bool>, LedgerError> {
        let now = crate::facade::now_ms();
        let row = sqlx::query(
            "UPDATE ledger_rows SET state = 'in_flight', lease_owner = $3, lease_until = $4, \
             attempts = attempts + 1, updated_at = $5 WHERE provider = $1 AND row_key = $2 \
             AND (state = 'pending' OR (state = 'retry_later' AND retry_at <= $5)) RETURNING attempts",
        )
        .bind(provider.name())
        .bind(key)
        .bind(owner)
        .bind(now.saturating_add(millis(lease)))
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        row.map(|row| row.try_get::<i64, _>(0).map(|attempts| attempts > 1))
            .transpose()
            .map_err(|e| self.error(e))
    }

    /// Expires one key's lease when it ran out (the library path).
    pub(crate) async fn expire_key(
        &self,
        provider: Provider,
        key: &str,
    ) -> Result<(), LedgerError> {
        let now = crate::facade::now_ms();
        sqlx::query(
            "UPDATE ledger_rows SET state = 'in_doubt', error_kind = 'lease_expired', updated_at = $1 \
             WHERE provider = $2 AND row_key = $3 AND state = 'in_flight' AND lease_until < $1",
        )
        .bind(now)
        .bind(provider.name())
        .bind(key)
        .execute(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        Ok(())
    }
}

/// One key's row, as the library path reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyRow {
    pub(crate) state: State,
    pub(crate) fingerprint: Option<String>,
    pub(crate) provider_id: Option<String>,
    pub(crate) error_kind: Option<String>,
    pub(crate) lease_until: Option<i64>,
    pub(crate) retry_at: Option<i64>,
}

pub(crate) fn joined(items: &[String]) -> Option<String> {
    (!items.is_empty()).then(|| items.join(","))
}

pub(crate) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
