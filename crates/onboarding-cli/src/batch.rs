//! `onboard batch`: load the input into the ledger once (streamed, in chunks), then claim rows
//! in groups (one commit makes a whole group `in_flight` before any of it is sent), send at
//! most N at a time, and record outcomes in groups, until every row is final.

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use onboarding_ledger::{
    Backend, ClaimKind, Claimed, ClientSettings, CreateClient, Credentials, Ledger, LedgerError,
    NewRow, Outcome, Problem, Provider, State, now_ms, reconcile,
};
use tokio::sync::Mutex;
use tokio::task::JoinSet;

use crate::exit;
use crate::hook::{self, Point};
use crate::input::{self, Decoded, Lines};
use crate::progress::{Progress, Tally};

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Bitpanda or Wealthyhood.
    pub provider: Provider,
    /// The provider's base URL (`None` with `load_only`).
    pub base_url: Option<String>,
    /// The ledger URL.
    pub ledger: String,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Only load the input.
    pub load_only: bool,
    /// How long a claim holds a row without a heartbeat.
    pub lease: Duration,
    /// The timeout of one request.
    pub timeout: Duration,
    /// Attempts per row before a `retry_later` row is left for the next run.
    pub max_attempts: i64,
    /// Requests per second at most, when set.
    pub rate: Option<f64>,
    /// This worker's name in the ledger.
    pub worker: String,
    /// The JSON Lines file.
    pub file: PathBuf,
    /// Only resend `in_doubt` rows the provider makes safe to resend (`onboard reconcile`).
    pub reconcile_only: bool,
    /// The credentials; `None` reads them from the environment (as the command does).
    pub credentials: Option<Credentials>,
}

impl Options {
    fn client(&self, base_url: &str) -> Result<CreateClient, Failure> {
        let settings = ClientSettings {
            base_url: base_url.to_owned(),
            timeout: Some(self.timeout),
        };
        match &self.credentials {
            Some(credentials) => CreateClient::new(self.provider, &settings, credentials.clone()),
            None => CreateClient::from_env(self.provider, &settings),
        }
        .map_err(Failure::Configuration)
    }
}

/// What went wrong before or while running.
#[derive(Debug)]
pub enum Failure {
    /// The ledger.
    Ledger(LedgerError),
    /// The input file.
    Input(String),
    /// Credentials or base URL.
    Configuration(String),
}

impl Failure {
    /// The exit code.
    pub fn code(&self) -> u8 {
        match self {
            Failure::Ledger(_) => exit::LEDGER,
            Failure::Input(_) => exit::INPUT,
            Failure::Configuration(_) => exit::CONFIGURATION,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Ledger(e) => write!(f, "{e}"),
            Failure::Input(e) | Failure::Configuration(e) => f.write_str(e),
        }
    }
}

impl From<LedgerError> for Failure {
    fn from(error: LedgerError) -> Self {
        Failure::Ledger(error)
    }
}

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

/// The end of a batch.
#[derive(Debug)]
pub struct Summary {
    /// Rows per state for the provider, in the whole ledger.
    pub counts: BTreeMap<State, i64>,
    /// This run's outcomes per state.
    pub mine: BTreeMap<State, u64>,
    /// What loading found.
    pub load: LoadReport,
    /// Rows recorded per worker.
    pub shares: BTreeMap<String, i64>,
}

impl Summary {
    /// The exit code the summary calls for.
    pub fn code(&self) -> u8 {
        let count = |state| self.counts.get(&state).copied().unwrap_or(0);
        if count(State::Pending) + count(State::InFlight) + count(State::RetryLater) > 0 {
            exit::UNFINISHED
        } else if count(State::InDoubt) > 0 {
            exit::IN_DOUBT
        } else if count(State::Rejected) > 0 || self.load.reused > 0 || self.load.repeated > 0 {
            exit::REJECTED
        } else {
            exit::OK
        }
    }

    /// The table printed at the end.
    pub fn table(&self, worker: &str) -> String {
        let mut out = String::from("state                 ledger   this run\n");
        for state in State::ALL {
            out.push_str(&format!(
                "{:<20} {:>7} {:>10}\n",
                state.name(),
                self.counts.get(&state).copied().unwrap_or(0),
                self.mine.get(&state).copied().unwrap_or(0)
            ));
        }
        if self.load.repeated + self.load.reused > 0 {
            out.push_str(&format!(
                "lines repeating a key: {} (same body, ignored), {} (another body, not sent)\n",
                self.load.repeated, self.load.reused
            ));
        }
        for (name, count) in &self.shares {
            let me = if name == worker { " (this worker)" } else { "" };
            out.push_str(&format!("worker {name}: {count} rows{me}\n"));
        }
        out
    }
}

/// Loads the file into the ledger unless this very file was loaded in full before.
pub async fn load(
    ledger: &Ledger,
    provider: Provider,
    file: &std::path::Path,
) -> Result<LoadReport, Failure> {
    let unreadable = |e: std::io::Error| Failure::Input(format!("{}: {e}", file.display()));
    let digest = input::digest(file).map_err(unreadable)?;
    let mut report = LoadReport::default();
    if ledger.is_loaded(provider, &digest).await? {
        return Ok(report);
    }
    report.loaded = true;
    let mut lines = Lines::open(file).map_err(unreadable)?;
    let mut chunk = Vec::with_capacity(1000);
    loop {
        let next = lines.next_line().map_err(unreadable)?;
        let end = next.is_none();
        if let Some(raw) = next {
            report.lines = raw.number;
            let length = i64::try_from(raw.bytes.len()).unwrap_or(i64::MAX);
            let row = match input::decode(&raw.bytes, raw.terminated) {
                Decoded::Blank => None,
                Decoded::User { key, user } => Some(NewRow {
                    key,
                    line: raw.number,
                    offset: raw.offset,
                    length,
                    fingerprint: Some(user.fingerprint().to_owned()),
                    has_external_id: provider == Provider::Bitpanda && user.has_external_id(),
                    rejected: None,
                }),
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
                    Some(NewRow {
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
                    })
                }
            };
            chunk.extend(row);
        }
        if chunk.len() >= 1000 || (end && !chunk.is_empty()) {
            for conflict in ledger.load(provider, &chunk).await? {
                if conflict.same_body {
                    report.repeated += 1;
                    eprintln!(
                        "line {}: repeats key {:?} of line {} with the same body; ignored",
                        conflict.line, conflict.key, conflict.earlier_line
                    );
                } else {
                    report.reused += 1;
                    eprintln!(
                        "line {}: key {:?} is already recorded for line {} with another body; \
                         not sent",
                        conflict.line, conflict.key, conflict.earlier_line
                    );
                }
            }
            chunk.clear();
        }
        if end {
            break;
        }
    }
    ledger.mark_loaded(provider, &digest, report.lines).await?;
    Ok(report)
}

/// A client-side pace: a token bucket of `rate` sends a second that saves up at most a quarter
/// of a second's worth (so a pause — a commit, the load — is made up for, as the provider's own
/// bucket allows).
struct Pacer {
    next: Mutex<Instant>,
    interval: Duration,
    burst: Duration,
}

impl Pacer {
    fn new(rate: f64) -> Self {
        let burst = Duration::from_millis(250);
        let now = Instant::now();
        Self {
            // The bucket starts full, as the provider's does.
            next: Mutex::new(now.checked_sub(burst).unwrap_or(now)),
            interval: Duration::from_secs_f64(1.0 / rate.max(0.001)),
            burst,
        }
    }

    async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let earliest = now.checked_sub(self.burst).unwrap_or(now);
            let slot = (*next).max(earliest);
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot.into()).await;
    }
}

/// One row ready to send.
struct Job {
    claimed: Claimed,
    user: onboarding_ledger::User,
}

/// Reads a claimed row's line and checks it is the body that was loaded.
fn prepare(file: &File, claimed: Claimed) -> Result<Job, (String, Outcome)> {
    let changed = |claimed: &Claimed| {
        (
            claimed.key.clone(),
            Outcome::Rejected(Problem::kind("input_changed")),
        )
    };
    let Ok(bytes) = input::read_at(file, claimed.offset, claimed.length) else {
        return Err(changed(&claimed));
    };
    match input::decode(&bytes, true) {
        Decoded::User { key, user }
            if key == claimed.key && claimed.fingerprint.as_deref() == Some(user.fingerprint()) =>
        {
            Ok(Job {
                claimed,
                user: *user,
            })
        }
        _ => Err(changed(&claimed)),
    }
}

/// Runs the batch to its end (or only loads, with `load_only`).
pub async fn run(options: &Options) -> Result<Summary, Failure> {
    let opening = Instant::now();
    let ledger = Ledger::open(&options.ledger, onboarding_ledger::Access::Write).await?;
    let opened = opening.elapsed();
    let client = match (&options.base_url, options.load_only) {
        (_, true) => None,
        (Some(base_url), false) => Some(options.client(base_url)?),
        (None, false) => return Err(Failure::Configuration("--base-url is required".into())),
    };
    let started = Instant::now();
    let load = if options.reconcile_only {
        LoadReport::default()
    } else {
        load(&ledger, options.provider, &options.file).await?
    };
    let loaded = started.elapsed();
    let tally = Arc::new(Tally::default());
    if let Some(client) = client {
        work(&ledger, &client, options, tally.clone()).await?;
    }
    if std::env::var_os("ONBOARD_PHASES").is_some() {
        eprintln!(
            "phases: open {:?}, load {:?}, work {:?}",
            opened,
            loaded,
            started.elapsed() - loaded
        );
    }
    if options.reconcile_only {
        ledger.close().await;
        return Ok(Summary {
            counts: BTreeMap::new(),
            mine: tally.snapshot(),
            load,
            shares: BTreeMap::new(),
        });
    }
    let summary = Summary {
        counts: ledger.counts(Some(options.provider)).await?,
        mine: tally.snapshot(),
        load,
        shares: ledger.shares(options.provider).await?,
    };
    ledger.close().await;
    Ok(summary)
}

/// Claims, sends and records until nothing is left to claim.
async fn work(
    ledger: &Ledger,
    client: &CreateClient,
    options: &Options,
    tally: Arc<Tally>,
) -> Result<(), Failure> {
    let provider = options.provider;
    let file = File::open(&options.file)
        .map_err(|e| Failure::Input(format!("{}: {e}", options.file.display())))?;
    // On SQLite this process holds the ledger alone: every row in flight belongs to a process
    // that died. On PostgreSQL only rows whose lease ran out.
    let expired = ledger
        .expire_leases(provider, ledger.backend() == Backend::Sqlite)
        .await?;
    if expired > 0 {
        eprintln!("{expired} rows were in flight in a worker that stopped: now in_doubt");
    }
    let total = ledger.counts(Some(provider)).await?;
    let open: i64 = total
        .iter()
        .filter(|(state, _)| !state.is_final())
        .map(|(_, count)| count)
        .sum();
    let progress = Progress::start(tally.clone(), u64::try_from(open).unwrap_or(0));
    let owner = format!("{}-{}-{}", options.worker, std::process::id(), now_ms());
    ledger.heartbeat(&owner, options.lease).await?;
    let heartbeat = {
        let ledger = ledger.clone();
        let owner = owner.clone();
        let lease = options.lease;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(lease / 3).await;
                if let Err(error) = ledger.heartbeat(&owner, lease).await {
                    eprintln!("heartbeat: {error}");
                }
            }
        })
    };
    let result = work_loop(ledger, client, options, &owner, &file, &tally).await;
    heartbeat.abort();
    if result.is_ok() {
        ledger.retire(&owner).await?;
    }
    drop(progress);
    result
}

async fn work_loop(
    ledger: &Ledger,
    client: &CreateClient,
    options: &Options,
    owner: &str,
    file: &File,
    tally: &Arc<Tally>,
) -> Result<(), Failure> {
    let provider = options.provider;
    let group = (options.concurrency * 8).clamp(16, 1000);
    let pacer = options.rate.map(|rate| Arc::new(Pacer::new(rate)));
    let mut queue: VecDeque<Job> = VecDeque::new();
    let mut running: JoinSet<(String, Outcome)> = JoinSet::new();
    let mut done: Vec<(String, Outcome)> = Vec::new();
    let mut last_flush = Instant::now();
    let mut writer = Writer { pending: None };
    let reconciles = reconcile::rule(provider, true) == reconcile::Rule::Resend;
    // The next group's claim runs in the background while the current group is sent, so that
    // its commit does not stall the senders; its rows are queued only once it has committed.
    let mut claiming: Option<tokio::task::JoinHandle<Result<Vec<Claimed>, LedgerError>>> = None;
    loop {
        let mut claimed_none = false;
        // Claim a whole group when the queue runs below one (not a row each time one
        // finishes: each claim is a commit).
        if !options.reconcile_only && claiming.is_none() && queue.len() < group {
            let ledger = ledger.clone();
            let owner = owner.to_owned();
            let lease = options.lease;
            let max_attempts = options.max_attempts;
            claiming = Some(tokio::spawn(async move {
                ledger
                    .claim(
                        provider,
                        &owner,
                        lease,
                        group,
                        ClaimKind::Work { max_attempts },
                    )
                    .await
            }));
        }
        // Take the claim's rows when it has committed, or wait for it when nothing else is
        // left to send.
        let ready = claiming
            .as_ref()
            .is_some_and(|handle| handle.is_finished() || queue.len() < options.concurrency);
        let mut claimed = Vec::new();
        if ready && let Some(handle) = claiming.take() {
            claimed = handle
                .await
                .map_err(|e| Failure::Input(format!("the claim stopped: {e}")))??;
            claimed_none = claimed.is_empty();
        } else if options.reconcile_only {
            claimed_none = true;
        }
        if claimed_none && reconciles && running.is_empty() && queue.is_empty() {
            claimed = ledger
                .claim(
                    provider,
                    owner,
                    options.lease,
                    group,
                    ClaimKind::Reconcile {
                        max_attempts: options.max_attempts,
                    },
                )
                .await?;
            claimed_none = claimed.is_empty();
        }
        if !claimed.is_empty() {
            hook::reached(Point::AfterInFlightCommit);
        }
        for row in claimed {
            match prepare(file, row) {
                Ok(job) => queue.push_back(job),
                Err(refused) => {
                    eprintln!(
                        "key {:?}: the input line changed since loading; rejected",
                        refused.0
                    );
                    done.push(refused);
                }
            }
        }
        while running.len() < options.concurrency {
            let Some(job) = queue.pop_front() else { break };
            let client = client.clone();
            let pacer = pacer.clone();
            running.spawn(async move {
                if let Some(pacer) = pacer {
                    pacer.wait().await;
                }
                let outcome = client.create(&job.user, job.claimed.sent_before).await;
                hook::reached(Point::AfterAnswer);
                (job.claimed.key, outcome)
            });
        }
        if running.is_empty() && queue.is_empty() {
            writer
                .flush(ledger, owner, options, &mut done, tally)
                .await?;
            writer.wait().await?;
            last_flush = Instant::now();
            if claimed_none && options.reconcile_only {
                return Ok(());
            }
            if claimed_none {
                // Nothing claimable now: wait for retries that come due, or for other workers'
                // rows to settle or their leases to run out.
                match ledger.next_wakeup(provider, options.max_attempts).await? {
                    None => return Ok(()),
                    Some(at) => {
                        let wait = (at - now_ms()).clamp(50, 500);
                        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
                        if ledger.backend() == Backend::Postgres {
                            ledger.expire_leases(provider, false).await?;
                        }
                    }
                }
            }
            continue;
        }
        if !running.is_empty() {
            tokio::select! {
                joined = running.join_next() => {
                    if let Some(Ok(result)) = joined {
                        done.push(result);
                    }
                }
                () = tokio::time::sleep(Duration::from_millis(50)) => {}
            }
        }
        let writing = writer.pending.as_ref().is_some_and(|w| !w.is_finished());
        if !writing && (done.len() >= group || last_flush.elapsed() >= Duration::from_millis(100)) {
            writer
                .flush(ledger, owner, options, &mut done, tally)
                .await?;
            last_flush = Instant::now();
        }
    }
}

/// Commits outcomes in the background, one transaction at a time, while the senders go on.
struct Writer {
    pending: Option<tokio::task::JoinHandle<Result<(), Failure>>>,
}

impl Writer {
    /// Starts committing `done` once the previous commit has ended.
    async fn flush(
        &mut self,
        ledger: &Ledger,
        owner: &str,
        options: &Options,
        done: &mut Vec<(String, Outcome)>,
        tally: &Arc<Tally>,
    ) -> Result<(), Failure> {
        self.wait().await?;
        if done.is_empty() {
            return Ok(());
        }
        let outcomes = std::mem::take(done);
        let ledger = ledger.clone();
        let owner = owner.to_owned();
        let worker = options.worker.clone();
        let provider = options.provider;
        let tally = tally.clone();
        self.pending = Some(tokio::spawn(async move {
            let refused = ledger.record(provider, &owner, &worker, &outcomes).await?;
            if refused > 0 {
                eprintln!(
                    "{refused} outcomes came after their lease ran out and were not recorded over in_doubt"
                );
            }
            for (_, outcome) in &outcomes {
                tally.add(outcome.state());
            }
            Ok(())
        }));
        Ok(())
    }

    /// Waits until every outcome handed over is committed.
    async fn wait(&mut self) -> Result<(), Failure> {
        match self.pending.take() {
            Some(handle) => handle
                .await
                .map_err(|e| Failure::Input(format!("the outcome writer stopped: {e}")))?,
            None => Ok(()),
        }
    }
}

/// The same loop without the ledger — stream the file, decode each line, send at most N at a
/// time at the same pace — for the benchmark's baseline. Nothing is recorded: it does not
/// survive a crash. Returns how many lines ended in each state.
pub async fn run_without_ledger(options: &Options) -> Result<BTreeMap<State, u64>, Failure> {
    let base_url = options
        .base_url
        .as_deref()
        .ok_or_else(|| Failure::Configuration("--base-url is required".into()))?;
    let client = options.client(base_url)?;
    let unreadable = |e: std::io::Error| Failure::Input(format!("{}: {e}", options.file.display()));
    let mut lines = Lines::open(&options.file).map_err(unreadable)?;
    let pacer = options.rate.map(|rate| Arc::new(Pacer::new(rate)));
    let mut running: JoinSet<State> = JoinSet::new();
    let mut counts: BTreeMap<State, u64> = BTreeMap::new();
    while let Some(raw) = lines.next_line().map_err(unreadable)? {
        let user = match input::decode(&raw.bytes, raw.terminated) {
            Decoded::Blank => continue,
            Decoded::Refused { .. } => {
                *counts.entry(State::Rejected).or_default() += 1;
                continue;
            }
            Decoded::User { user, .. } => user,
        };
        while running.len() >= options.concurrency {
            if let Some(Ok(state)) = running.join_next().await {
                *counts.entry(state).or_default() += 1;
            }
        }
        let client = client.clone();
        let pacer = pacer.clone();
        running.spawn(async move {
            if let Some(pacer) = pacer {
                pacer.wait().await;
            }
            client.create(&user, false).await.state()
        });
    }
    while let Some(joined) = running.join_next().await {
        if let Ok(state) = joined {
            *counts.entry(state).or_default() += 1;
        }
    }
    Ok(counts)
}
