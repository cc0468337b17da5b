//! Where a batch's next group of rows to send comes from: the input file no one loaded yet —
//! each line read and decoded once, its row inserted straight `in_flight` for this worker in
//! the group's one commit, and the decoded user kept to send — or, once the file is loaded,
//! claims of the ledger's `pending` and due `retry_later` rows (their lines read again).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use onboarding_ledger::{
    ClaimKind, Claimed, Ledger, LoadConflict, NewRow, Outcome, Problem, Provider, User,
};

use crate::failure::Failure;
use crate::input::{self, Decoded, Format, Lines};

/// What loading found in the input.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoadReport {
    /// Lines read (blank ones included).
    pub lines: i64,
    /// Lines repeating a key with the same body (ignored).
    pub repeated: u64,
    /// Lines re-using a key with another body (not sent).
    pub reused: u64,
    /// Whether this run loaded the file (`false`: it was loaded before).
    pub loaded: bool,
}

/// The input file while this worker loads it.
pub(crate) struct Fresh {
    lines: Lines,
    format: Format,
    path: PathBuf,
    digest: String,
    report: LoadReport,
}

impl Fresh {
    /// The file at `path`, unless this very file was loaded in full before (`None`).
    pub(crate) async fn open(
        ledger: &Ledger,
        provider: Provider,
        path: &Path,
        format: Format,
    ) -> Result<Option<Box<Self>>, Failure> {
        let digest = input::digest(path).map_err(|e| Failure::unreadable(path, e))?;
        if ledger.is_loaded(provider, &digest).await? {
            return Ok(None);
        }
        Ok(Some(Box::new(Self {
            lines: Lines::open(path).map_err(|e| Failure::unreadable(path, e))?,
            format,
            path: path.to_owned(),
            digest,
            report: LoadReport {
                loaded: true,
                ..LoadReport::default()
            },
        })))
    }

    /// The next rows (up to `limit`, blank lines skipped), decoded.
    pub(crate) fn read(&mut self, provider: Provider, limit: usize) -> Result<Chunk, Failure> {
        let mut chunk = Chunk {
            rows: Vec::with_capacity(limit),
            users: Vec::with_capacity(limit),
            end: false,
        };
        while chunk.rows.len() < limit {
            let Some(raw) = self
                .lines
                .next_line()
                .map_err(|e| Failure::unreadable(&self.path, e))?
            else {
                chunk.end = true;
                break;
            };
            self.report.lines = raw.number;
            let length = i64::try_from(raw.bytes.len()).unwrap_or(i64::MAX);
            match self.format.decode(raw.number, &raw.bytes, raw.terminated) {
                Decoded::Blank => {}
                Decoded::User { key, user } => {
                    chunk.rows.push(NewRow {
                        key,
                        line: raw.number,
                        offset: raw.offset,
                        length,
                        fingerprint: Some(user.fingerprint().to_owned()),
                        has_external_id: provider == Provider::Bitpanda && user.has_external_id(),
                        rejected: None,
                    });
                    chunk.users.push(Some(user));
                }
                Decoded::Refused { key, kind, fields } => {
                    eprintln!(
                        "line {}: refused ({kind}{}), recorded rejected",
                        raw.number,
                        if fields.is_empty() {
                            String::new()
                        } else {
                            format!(", fields {}", fields.join(","))
                        }
                    );
                    chunk.rows.push(NewRow {
                        key: key.unwrap_or_else(|| input::line_key(raw.number)),
                        line: raw.number,
                        offset: raw.offset,
                        length,
                        fingerprint: None,
                        has_external_id: false,
                        rejected: Some(Problem {
                            kind: kind.to_owned(),
                            codes: Vec::new(),
                            fields,
                        }),
                    });
                    chunk.users.push(None);
                }
            }
        }
        Ok(chunk)
    }

    /// Counts and shows the lines whose key the ledger held for another line.
    pub(crate) fn note(&mut self, conflicts: &[LoadConflict]) {
        for conflict in conflicts {
            if conflict.same_body {
                self.report.repeated += 1;
                eprintln!(
                    "line {}: repeats key {:?} of line {} with the same body; ignored",
                    conflict.line, conflict.key, conflict.earlier_line
                );
            } else {
                self.report.reused += 1;
                eprintln!(
                    "line {}: key {:?} is already recorded for line {} with another body; \
                     not sent",
                    conflict.line, conflict.key, conflict.earlier_line
                );
            }
        }
    }

    /// Records that the whole file is loaded, and returns what loading found.
    pub(crate) async fn finish(
        self,
        ledger: &Ledger,
        provider: Provider,
    ) -> Result<LoadReport, Failure> {
        ledger
            .mark_loaded(provider, &self.digest, self.report.lines)
            .await?;
        Ok(self.report)
    }
}

/// Lines read and decoded.
pub(crate) struct Chunk {
    /// The rows to load, in file order.
    pub(crate) rows: Vec<NewRow>,
    /// For each row, its user (`None` for a line refused before sending).
    pub(crate) users: Vec<Option<Box<User>>>,
    /// Whether the file ended.
    pub(crate) end: bool,
}

/// One row ready to send: committed `in_flight` for this worker.
pub(crate) struct Job {
    pub(crate) key: String,
    pub(crate) sent_before: bool,
    pub(crate) user: Box<User>,
}

/// Where the next group comes from.
pub(crate) enum Source {
    /// The input file, not loaded yet.
    Fresh(Box<Fresh>),
    /// The ledger's claimable rows.
    Ledger,
}

/// One group, committed `in_flight`.
pub(crate) struct Fetched {
    /// The rows to send.
    pub(crate) jobs: Vec<Job>,
    /// Claimed rows whose line changed since loading: to record rejected.
    pub(crate) refused: Vec<(String, Outcome)>,
    /// Where the group after this one comes from.
    pub(crate) next: Source,
    /// Whether the ledger had nothing claimable.
    pub(crate) none: bool,
    /// How many of the rows this group inserted (new to the ledger).
    pub(crate) inserted: u64,
    /// What loading found, when this group ended the file.
    pub(crate) loaded: Option<LoadReport>,
}

/// What fetching needs besides its source.
#[derive(Clone)]
pub(crate) struct Fetch {
    pub(crate) ledger: Ledger,
    pub(crate) file: Arc<File>,
    pub(crate) format: Arc<Format>,
    pub(crate) provider: Provider,
    pub(crate) owner: String,
    pub(crate) lease: Duration,
    pub(crate) group: usize,
    pub(crate) max_attempts: i64,
}

impl Fetch {
    /// The next group from `source`, in one commit that makes it `in_flight`.
    pub(crate) async fn next(self, source: Source) -> Result<Fetched, Failure> {
        match source {
            Source::Fresh(mut fresh) => {
                let chunk = fresh.read(self.provider, self.group)?;
                let loaded = self
                    .ledger
                    .load_claimed(self.provider, &chunk.rows, &self.owner, self.lease)
                    .await?;
                fresh.note(&loaded.conflicts);
                let (mut rows, mut users) = (chunk.rows, chunk.users);
                let jobs = loaded
                    .claimed
                    .iter()
                    .filter_map(|&index| {
                        Some(Job {
                            key: std::mem::take(&mut rows[index].key),
                            sent_before: false,
                            user: users[index].take()?,
                        })
                    })
                    .collect::<Vec<_>>();
                let inserted = u64::try_from(jobs.len()).unwrap_or(u64::MAX);
                let (next, loaded) = if chunk.end {
                    let report = fresh.finish(&self.ledger, self.provider).await?;
                    (Source::Ledger, Some(report))
                } else {
                    (Source::Fresh(fresh), None)
                };
                Ok(Fetched {
                    jobs,
                    refused: Vec::new(),
                    next,
                    none: false,
                    inserted,
                    loaded,
                })
            }
            Source::Ledger => {
                let claimed = self
                    .ledger
                    .claim(
                        self.provider,
                        &self.owner,
                        self.lease,
                        self.group,
                        ClaimKind::Work {
                            max_attempts: self.max_attempts,
                        },
                    )
                    .await?;
                let none = claimed.is_empty();
                let (jobs, refused) = prepare_all(&self.file, &self.format, claimed);
                Ok(Fetched {
                    jobs,
                    refused,
                    next: Source::Ledger,
                    none,
                    inserted: 0,
                    loaded: None,
                })
            }
        }
    }
}

/// Reads claimed rows' lines and checks each is the body that was loaded; a line that changed
/// is refused (to record rejected).
pub(crate) fn prepare_all(
    file: &File,
    format: &Format,
    claimed: Vec<Claimed>,
) -> (Vec<Job>, Vec<(String, Outcome)>) {
    let mut jobs = Vec::with_capacity(claimed.len());
    let mut refused = Vec::new();
    for row in claimed {
        match prepare(file, format, row) {
            Ok(job) => jobs.push(job),
            Err(key) => {
                eprintln!("key {key:?}: the input line changed since loading; rejected");
                refused.push((key, Outcome::Rejected(Problem::kind("input_changed"))));
            }
        }
    }
    (jobs, refused)
}

fn prepare(file: &File, format: &Format, claimed: Claimed) -> Result<Job, String> {
    let Ok(bytes) = input::read_at(file, claimed.offset, claimed.length) else {
        return Err(claimed.key);
    };
    match format.decode(claimed.line, &bytes, true) {
        Decoded::User { key, user }
            if key == claimed.key && claimed.fingerprint.as_deref() == Some(user.fingerprint()) =>
        {
            Ok(Job {
                key: claimed.key,
                sent_before: claimed.sent_before,
                user,
            })
        }
        _ => Err(claimed.key),
    }
}
