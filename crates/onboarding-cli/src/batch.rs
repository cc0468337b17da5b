//! `onboard batch`: load the input into the ledger once (streamed, in chunks), then claim rows
//! in groups (one commit makes a whole group `in_flight` before any of it is sent), send at
//! most N at a time, and record outcomes in groups, until every row is final.

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use onboarding_ledger::{
    Backend, ClaimKind, ClientSettings, CreateClient, Credentials, Ledger, Outcome, Provider,
    State, now_ms, reconcile,
};
use tokio::sync::Mutex;
use tokio::task::JoinSet;

use crate::exit;
pub use crate::failure::Failure;
use crate::hook::{self, Point};
use crate::input::{Decoded, Format, Lines};
use crate::progress::{Progress, Tally};
pub use crate::source::LoadReport;
use crate::source::{self, Fetch, Fetched, Fresh, Job, Source};

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

/// Loads the file into the ledger unless this very file was loaded in full before
/// (`--load-only`: the rows wait `pending` for workers to claim them).
pub async fn load(
    ledger: &Ledger,
    provider: Provider,
    file: &std::path::Path,
) -> Result<LoadReport, Failure> {
    let format = Format::of(file).map_err(|e| Failure::unreadable(file, e))?;
    let Some(mut fresh) = Fresh::open(ledger, provider, file, format).await? else {
        return Ok(LoadReport::default());
    };
    loop {
        let chunk = fresh.read(provider, 1000)?;
        let conflicts = ledger.load(provider, &chunk.rows).await?;
        fresh.note(&conflicts);
        if chunk.end {
            return fresh.finish(ledger, provider).await;
        }
    }
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

/// Runs the batch to its end (or only loads, with `load_only`).
///
/// A file no one loaded yet is loaded as it is sent: each group of lines is read, decoded and
/// inserted `in_flight` for this worker in one commit, then sent; the rows left over (retries,
/// or a file loaded before) are claimed from the ledger in groups.
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
    let mut load = LoadReport::default();
    // Read (a CSV file's header checked) once, before anything is sent: for loading as it is
    // sent and for re-reading claimed lines.
    let format = match client {
        Some(_) => {
            Some(Format::of(&options.file).map_err(|e| Failure::unreadable(&options.file, e))?)
        }
        None => None,
    };
    let mut fresh = None;
    if !options.reconcile_only {
        match &format {
            None => load = self::load(&ledger, options.provider, &options.file).await?,
            Some(format) => {
                fresh =
                    Fresh::open(&ledger, options.provider, &options.file, format.clone()).await?
            }
        }
    }
    let loaded = started.elapsed();
    let tally = Arc::new(Tally::default());
    if let (Some(client), Some(format)) = (client, format) {
        let source = fresh.map_or(Source::Ledger, Source::Fresh);
        if let Some(report) = work(&ledger, &client, options, format, tally.clone(), source).await?
        {
            load = report;
        }
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

/// Sends and records until nothing is left to claim; returns what loading found when this
/// run loaded the file.
async fn work(
    ledger: &Ledger,
    client: &CreateClient,
    options: &Options,
    format: Format,
    tally: Arc<Tally>,
    source: Source,
) -> Result<Option<LoadReport>, Failure> {
    let provider = options.provider;
    let file = File::open(&options.file).map_err(|e| Failure::unreadable(&options.file, e))?;
    // On SQLite this process holds the ledger alone: every row in flight belongs to a process
    // that died. On PostgreSQL only rows whose lease ran out. (Before this run inserts any row
    // in flight of its own.)
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
    let fetch = Fetch {
        ledger: ledger.clone(),
        file: Arc::new(file),
        format: Arc::new(format),
        provider,
        owner: owner.clone(),
        lease: options.lease,
        group: (options.concurrency * 8).clamp(16, 1000),
        max_attempts: options.max_attempts,
    };
    let mut load = None;
    let result = work_loop(fetch, client, options, &progress, &tally, source, &mut load).await;
    heartbeat.abort();
    if result.is_ok() {
        ledger.retire(&owner).await?;
    }
    drop(progress);
    result.map(|()| load)
}

async fn work_loop(
    fetch: Fetch,
    client: &CreateClient,
    options: &Options,
    progress: &Progress,
    tally: &Arc<Tally>,
    source: Source,
    load: &mut Option<LoadReport>,
) -> Result<(), Failure> {
    let ledger = &fetch.ledger;
    let owner = fetch.owner.as_str();
    let provider = options.provider;
    let group = fetch.group;
    let pacer = options.rate.map(|rate| Arc::new(Pacer::new(rate)));
    let mut queue: VecDeque<Job> = VecDeque::new();
    let mut running: JoinSet<(String, Outcome)> = JoinSet::new();
    let mut done: Vec<(String, Outcome)> = Vec::new();
    let mut last_flush = Instant::now();
    let mut writer = Writer { pending: None };
    let reconciles = reconcile::rule(provider, true) == reconcile::Rule::Resend;
    // The next group is fetched (and committed in flight) in the background while the current
    // one is sent, so that its commit does not stall the senders; its rows are queued only
    // once it has committed.
    let mut source = Some(source);
    let mut fetching: JoinSet<Result<Fetched, Failure>> = JoinSet::new();
    // Whether the last claim found nothing claimable (then the ledger is asked again only
    // once every request sent has ended).
    let mut exhausted = options.reconcile_only;
    loop {
        // Reconciling claims only in doubt rows, each time the previous ones have ended.
        exhausted |= options.reconcile_only;
        let idle = running.is_empty() && queue.is_empty();
        // Fetch a whole group when the queue runs below one (not a row each time one
        // finishes: each group is a commit).
        if !options.reconcile_only
            && fetching.is_empty()
            && queue.len() < group
            && (!exhausted || idle)
            && let Some(source) = source.take()
        {
            fetching.spawn(fetch.clone().next(source));
        }
        // With nothing else to send, wait for the group being fetched.
        if idle && let Some(joined) = fetching.join_next().await {
            let fetched =
                joined.map_err(|e| Failure::Input(format!("fetching rows stopped: {e}")))??;
            exhausted = take(fetched, &mut source, &mut queue, &mut done, progress, load);
        }
        let idle = running.is_empty() && queue.is_empty();
        if exhausted && reconciles && idle {
            let claimed = ledger
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
            if !claimed.is_empty() {
                hook::reached(Point::AfterInFlightCommit);
                exhausted = false;
            }
            let (jobs, refused) = source::prepare_all(&fetch.file, &fetch.format, claimed);
            queue.extend(jobs);
            done.extend(refused);
        }
        while running.len() < options.concurrency {
            let Some(job) = queue.pop_front() else { break };
            let client = client.clone();
            let pacer = pacer.clone();
            running.spawn(async move {
                if let Some(pacer) = pacer {
                    pacer.wait().await;
                }
                let outcome = client.create(&job.user, job.sent_before).await;
                hook::reached(Point::AfterAnswer);
                (job.key, outcome)
            });
        }
        if running.is_empty() && queue.is_empty() && fetching.is_empty() {
            writer
                .flush(ledger, owner, options, &mut done, tally)
                .await?;
            writer.wait().await?;
            last_flush = Instant::now();
            if exhausted && options.reconcile_only {
                return Ok(());
            }
            if exhausted {
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
        tokio::select! {
            Some(joined) = running.join_next(), if !running.is_empty() => {
                if let Ok(result) = joined {
                    done.push(result);
                }
            }
            Some(joined) = fetching.join_next(), if !fetching.is_empty() => {
                let fetched = joined
                    .map_err(|e| Failure::Input(format!("fetching rows stopped: {e}")))??;
                exhausted = take(fetched, &mut source, &mut queue, &mut done, progress, load);
            }
            () = tokio::time::sleep(Duration::from_millis(50)) => {}
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

/// Queues a fetched group (its rows are committed `in_flight`) and takes its source back;
/// returns whether the ledger had nothing claimable.
fn take(
    fetched: Fetched,
    source: &mut Option<Source>,
    queue: &mut VecDeque<Job>,
    done: &mut Vec<(String, Outcome)>,
    progress: &Progress,
    load: &mut Option<LoadReport>,
) -> bool {
    *source = Some(fetched.next);
    if !fetched.jobs.is_empty() || !fetched.refused.is_empty() {
        hook::reached(Point::AfterInFlightCommit);
    }
    if fetched.loaded.is_some() {
        *load = fetched.loaded;
    }
    progress.add_total(fetched.inserted);
    queue.extend(fetched.jobs);
    done.extend(fetched.refused);
    fetched.none
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
    let unreadable = |e| Failure::unreadable(&options.file, e);
    let mut lines = Lines::open(&options.file).map_err(unreadable)?;
    let format = Format::of(&options.file).map_err(unreadable)?;
    let pacer = options.rate.map(|rate| Arc::new(Pacer::new(rate)));
    let mut running: JoinSet<State> = JoinSet::new();
    let mut counts: BTreeMap<State, u64> = BTreeMap::new();
    while let Some(raw) = lines.next_line().map_err(unreadable)? {
        let user = match format.decode(raw.number, &raw.bytes, raw.terminated) {
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
