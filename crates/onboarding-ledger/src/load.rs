//! Loading input lines into the ledger: as `pending` rows for later claims, or — a file no one
//! loaded yet — straight into `in_flight` for the loading worker, so that a line is read,
//! decoded and committed once before it is sent.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::time::Duration;

use sqlx::Row;

use crate::error::LedgerError;
use crate::outcome::Problem;
use crate::provider::Provider;
use crate::sql::{Marks, pieces};
use crate::state::State;
use crate::store::{Ledger, joined, millis};

/// A row to load from an input line.
#[derive(Debug, Clone)]
pub struct NewRow {
    /// The caller's key.
    pub key: String,
    /// The 1-based input line.
    pub line: i64,
    /// Byte offset of the line in the file.
    pub offset: i64,
    /// Length of the line in bytes (without the newline).
    pub length: i64,
    /// The body's fingerprint (`None` for a line that did not decode).
    pub fingerprint: Option<String>,
    /// Whether the body carries Bitpanda's `external_id`.
    pub has_external_id: bool,
    /// `Some` to load the row already rejected (a line refused before sending).
    pub rejected: Option<Problem>,
}

/// A line whose key was already in the ledger for another line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadConflict {
    /// The key.
    pub key: String,
    /// The line being loaded.
    pub line: i64,
    /// The line the ledger holds for that key.
    pub earlier_line: i64,
    /// Whether the bodies are the same (a repeated line) or differ (a key re-used).
    pub same_body: bool,
}

/// What [`Ledger::load_claimed`] did with the rows it was given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    /// Lines whose key the ledger already held for another line (left as they are).
    pub conflicts: Vec<LoadConflict>,
    /// The rows (indexes into those given, in their order) this call inserted `in_flight`
    /// under the owner's lease: its own to send.
    pub claimed: Vec<usize>,
}

/// The lease of rows inserted `in_flight`.
struct Claim<'a> {
    owner: &'a str,
    lease_until: i64,
}

/// What the ledger holds for a key of this load.
struct Held {
    fingerprint: Option<String>,
    line: i64,
    /// `in_flight` for this load's owner.
    ours: bool,
}

impl Held {
    /// Whether this call inserted the row for the input line `line`: only then is the row held
    /// `in_flight` for this owner for that very line. A process reads each line of a fresh
    /// file once, and an owner is one process, so a row of this owner for another line is an
    /// earlier group's (the file repeats the key), and a row for this line held otherwise was
    /// loaded before.
    fn inserted_now_for(&self, line: i64) -> bool {
        self.ours && self.line == line
    }
}

/// The columns of an inserted row, in the order they are bound.
const COLUMNS: usize = 15;

impl Ledger {
    /// Loads rows in one transaction: new keys are inserted (`pending`, or `rejected` for a
    /// line refused before sending); a key already held for another line is returned as a
    /// [`LoadConflict`] and left as it is. Loading the same lines again changes nothing.
    pub async fn load(
        &self,
        provider: Provider,
        rows: &[NewRow],
    ) -> Result<Vec<LoadConflict>, LedgerError> {
        Ok(self.insert_rows(provider, rows, None).await?.conflicts)
    }

    /// Loads rows as [`Ledger::load`] does, but a new key of a user (not refused) is inserted
    /// straight `in_flight` for `owner` under a lease until `now + lease`, as a claim would
    /// leave it — in the same commit, before anything is sent. A key already in the ledger
    /// (loaded before, or by another worker loading the same file) is left as it is and not
    /// claimed here.
    pub async fn load_claimed(
        &self,
        provider: Provider,
        rows: &[NewRow],
        owner: &str,
        lease: Duration,
    ) -> Result<Loaded, LedgerError> {
        let lease_until = crate::facade::now_ms().saturating_add(millis(lease));
        let claim = Claim { owner, lease_until };
        self.insert_rows(provider, rows, Some(claim)).await
    }

    /// Inserts the rows whose key is new (one statement per piece; nothing is read first: a
    /// fresh file has none held), then — only when some key was held already — reads what
    /// the ledger holds for them, all in one transaction.
    async fn insert_rows(
        &self,
        provider: Provider,
        rows: &[NewRow],
        claim: Option<Claim<'_>>,
    ) -> Result<Loaded, LedgerError> {
        let mut loaded = Loaded::default();
        if rows.is_empty() {
            return Ok(loaded);
        }
        // The first line of each key among these rows; a later one repeats it.
        let mut first: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
        // The first row of each key, with its index among `rows`.
        let mut fresh: Vec<(usize, &NewRow)> = Vec::with_capacity(rows.len());
        let mut repeats: Vec<(usize, usize)> = Vec::new();
        for (index, row) in rows.iter().enumerate() {
            match first.entry(row.key.as_str()) {
                Entry::Occupied(earlier) => repeats.push((index, *earlier.get())),
                Entry::Vacant(slot) => {
                    slot.insert(index);
                    fresh.push((index, row));
                }
            }
        }
        let now = crate::facade::now_ms();
        let mut tx = self.pool.begin().await.map_err(|e| self.error(e))?;
        let mut inserted = 0;
        for piece in pieces(&fresh) {
            let mut marks = Marks::new(self.backend());
            let sql = format!(
                "INSERT INTO ledger_rows (provider, row_key, state, fingerprint, line, byte_offset, \
                 byte_length, has_external_id, error_kind, fields, attempts, lease_owner, \
                 lease_until, created_at, updated_at) \
                 VALUES {} ON CONFLICT (provider, row_key) DO NOTHING",
                marks.rows(piece.len(), COLUMNS)
            );
            let mut query = sqlx::query(&sql);
            for (_, row) in piece {
                let (state, kind, fields) = match &row.rejected {
                    Some(problem) => (
                        State::Rejected,
                        Some(problem.kind.as_str()),
                        joined(&problem.fields),
                    ),
                    None if claim.is_some() => (State::InFlight, None, None),
                    None => (State::Pending, None, None),
                };
                let lease = claim
                    .as_ref()
                    .filter(|_| state == State::InFlight)
                    .map(|claim| (claim.owner, claim.lease_until));
                query = query
                    .bind(provider.name())
                    .bind(row.key.as_str())
                    .bind(state.name())
                    .bind(row.fingerprint.as_deref())
                    .bind(row.line)
                    .bind(row.offset)
                    .bind(row.length)
                    .bind(i64::from(row.has_external_id))
                    .bind(kind)
                    .bind(fields)
                    .bind(i64::from(lease.is_some()))
                    .bind(lease.map(|(owner, _)| owner))
                    .bind(lease.map(|(_, until)| until))
                    .bind(now)
                    .bind(now);
            }
            let done = query.execute(&mut *tx).await.map_err(|e| self.error(e))?;
            inserted += usize::try_from(done.rows_affected()).unwrap_or(usize::MAX);
        }
        // Keys the ledger held already: what it holds, read in the same transaction.
        let mut held: HashMap<String, Held> = HashMap::new();
        if inserted < fresh.len() {
            for piece in pieces(&fresh) {
                let mut marks = Marks::new(self.backend());
                let sql = format!(
                    "SELECT row_key, fingerprint, line, lease_owner, state FROM ledger_rows \
                     WHERE provider = {} AND row_key IN ({})",
                    marks.one(),
                    marks.list(piece.len())
                );
                let mut query = sqlx::query(&sql).bind(provider.name());
                for (_, row) in piece {
                    query = query.bind(row.key.as_str());
                }
                for found in query.fetch_all(&mut *tx).await.map_err(|e| self.error(e))? {
                    let read = || -> Result<(String, Held), sqlx::Error> {
                        let owner: Option<String> = found.try_get(3)?;
                        let state: String = found.try_get(4)?;
                        let ours = claim.as_ref().is_some_and(|claim| {
                            owner.as_deref() == Some(claim.owner) && state == State::InFlight.name()
                        });
                        Ok((
                            found.try_get(0)?,
                            Held {
                                fingerprint: found.try_get(1)?,
                                line: found.try_get(2)?,
                                ours,
                            },
                        ))
                    };
                    let (key, row) = read().map_err(|e| self.error(e))?;
                    held.insert(key, row);
                }
            }
        }
        tx.commit().await.map_err(|e| self.error(e))?;
        let mut conflicts: Vec<(usize, LoadConflict)> = Vec::new();
        for &(index, row) in &fresh {
            match held.get(&row.key) {
                // Held already: this line loaded before (or by another worker, which sends
                // it), or another line under the same key (an earlier group's included).
                Some(found) if !found.inserted_now_for(row.line) => {
                    if found.line != row.line {
                        conflicts.push((
                            index,
                            LoadConflict {
                                key: row.key.clone(),
                                line: row.line,
                                earlier_line: found.line,
                                same_body: found.fingerprint == row.fingerprint,
                            },
                        ));
                    }
                }
                _ => {
                    if claim.is_some() && row.rejected.is_none() {
                        loaded.claimed.push(index);
                    }
                }
            }
        }
        for (index, earlier) in repeats {
            let row = &rows[index];
            let (fingerprint, line) = match held.get(&row.key) {
                Some(found) if !found.inserted_now_for(rows[earlier].line) => {
                    (&found.fingerprint, found.line)
                }
                _ => (&rows[earlier].fingerprint, rows[earlier].line),
            };
            conflicts.push((
                index,
                LoadConflict {
                    key: row.key.clone(),
                    line: row.line,
                    earlier_line: line,
                    same_body: *fingerprint == row.fingerprint,
                },
            ));
        }
        conflicts.sort_by_key(|(index, _)| *index);
        loaded.conflicts = conflicts.into_iter().map(|(_, c)| c).collect();
        Ok(loaded)
    }
}
