//! Load benchmark of the onboarding facade under a rate-limiting provider.
//!
//! Registers many distinct users (the fixture `tests/fixtures/user.json`, each with its own
//! `external_id` and e-mail) through [`OnboardingClient`] against Bitpanda's `POST /v2/users`,
//! served by the test kit's fake Bitpanda (`onboarding-testkit`: in-process, loopback, keep-alive,
//! real sockets, every request checked against the spec) with its rate limit on, a token bucket:
//! over the limit it answers `429 Too Many Requests` with `Retry-After` in whole seconds;
//! otherwise `201` with a unique id, recording which `external_id` it created.
//!
//! It measures total time, throughput, latency per user (p50, p99, max; retries and waits
//! included), attempts per user (as the server counted them), the 429s served, the request rate
//! the server observed (the maximum over sliding 1 s windows, and the mean) against the allowed
//! rate, and peak memory (`VmHWM` of this process, server included), and prints them as a
//! Markdown table. It measures only: the correctness checks of such a run (every user created
//! once, no retry before its `Retry-After`, the request bounds) are a test in every `cargo test`,
//! at a small size on Tokio's paused clock (`tests/it/load.rs`).
//!
//! Run it (optimised, as every `cargo bench`):
//!
//! ```sh
//! cargo bench -p onboarding --bench load                                  # 10,000 users, 64 in flight
//! cargo bench -p onboarding --bench load -- --users 500 --rate 200 --burst 200  # ~2 s run
//! ```
//!
//! Options, each also read from the environment variable in brackets: `--users N`
//! (`LOAD_USERS`, default 10000), `--concurrency C` (`LOAD_CONCURRENCY`, 64), `--rate R` allowed
//! requests per second (`LOAD_RATE`, 2000; 0 = no limit), `--burst B` bucket size
//! (`LOAD_BURST`, 2000), `--retry-after S` seconds (`LOAD_RETRY_AFTER`, 1), `--max-attempts A`
//! (`LOAD_MAX_ATTEMPTS`, 10), `--max-retry-after-ms M` (`LOAD_MAX_RETRY_AFTER_MS`, 30000). The
//! retry policy is [`RetryPolicy::default`] with those two set. `--max-retry-after-ms 0` makes
//! the facade retry at once, a retry storm (the 429 share in the table shows it).
//!
//! Why these defaults: `Retry-After` counts whole seconds and the facade waits exactly what it
//! is told (capped at [`RetryPolicy::max_retry_after`]), so every 429 parks its worker for at
//! least a second. Unlimited, 64 workers offer about 12,000 requests/s on loopback (2 busy
//! cores), far above any limit worth testing: once the bucket is empty all 64 meet a 429 within
//! milliseconds, sleep together, and wake together a second later to spend what the bucket saved
//! meanwhile — at most the burst. Each second therefore admits about the burst plus a few
//! milliseconds of refill. With `Retry-After: 1` (the shortest there is) and a burst equal to
//! the rate — a one-second allowance, as a provider's "2,000 requests per second" window gives —
//! 429s come every second (about one per worker), the admitted rate stays at the allowed one,
//! and 10,000 users take about 5 s. With a small burst (`--burst 100`) the same run admits only
//! about 130 users/s:
//! the facade stays far below the allowed rate and takes over a minute.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use onboarding::{BitpandaClient, ClientBuilder, FixedToken, NewUser, RetryPolicy};
use onboarding_testkit::{FakeProvider, JournalDetail, Outcome as Served, RateLimit};
use tokio::task::JoinSet;

const USAGE: &str = "usage: cargo bench -p onboarding --bench load -- [--users N] [--concurrency C] \
                     [--rate R] [--burst B] [--retry-after S] [--max-attempts A] [--max-retry-after-ms M]";

/// The size and shape of one run.
#[derive(Debug, Clone)]
struct Config {
    users: usize,
    concurrency: usize,
    /// Allowed requests per second; 0 = unlimited.
    rate: f64,
    burst: f64,
    retry_after: u64,
    max_attempts: u32,
    /// The policy's cap on `Retry-After`, in milliseconds; 0 makes every retry immediate (a retry
    /// storm, which the checks must catch).
    max_retry_after_ms: u64,
}

impl Config {
    fn from_env_and_args() -> Result<Self, String> {
        let mut config = Config {
            users: 10_000,
            concurrency: 64,
            rate: 2_000.0,
            burst: 2_000.0,
            retry_after: 1,
            max_attempts: 10,
            max_retry_after_ms: 30_000,
        };
        let mut settings: Vec<(String, String)> = Vec::new();
        for (name, var) in [
            ("users", "LOAD_USERS"),
            ("concurrency", "LOAD_CONCURRENCY"),
            ("rate", "LOAD_RATE"),
            ("burst", "LOAD_BURST"),
            ("retry-after", "LOAD_RETRY_AFTER"),
            ("max-attempts", "LOAD_MAX_ATTEMPTS"),
            ("max-retry-after-ms", "LOAD_MAX_RETRY_AFTER_MS"),
        ] {
            if let Ok(value) = std::env::var(var) {
                settings.push((name.to_owned(), value));
            }
        }
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            // `cargo bench` passes `--bench` to every bench binary.
            if arg == "--bench" {
                continue;
            }
            if arg == "--help" || arg == "-h" {
                return Err(USAGE.to_owned());
            }
            let Some(name) = arg.strip_prefix("--") else {
                return Err(format!("unexpected argument `{arg}`\n{USAGE}"));
            };
            let (name, value) = match name.split_once('=') {
                Some((name, value)) => (name.to_owned(), value.to_owned()),
                None => {
                    let value = args
                        .next()
                        .ok_or_else(|| format!("`--{name}` needs a value\n{USAGE}"))?;
                    (name.to_owned(), value)
                }
            };
            settings.push((name, value));
        }
        for (name, value) in settings {
            let bad = |e: &dyn std::fmt::Display| format!("--{name} {value}: {e}\n{USAGE}");
            match name.as_str() {
                "users" => config.users = value.parse().map_err(|e| bad(&e))?,
                "concurrency" => config.concurrency = value.parse().map_err(|e| bad(&e))?,
                "rate" => config.rate = value.parse().map_err(|e| bad(&e))?,
                "burst" => config.burst = value.parse().map_err(|e| bad(&e))?,
                "retry-after" => config.retry_after = value.parse().map_err(|e| bad(&e))?,
                "max-attempts" => config.max_attempts = value.parse().map_err(|e| bad(&e))?,
                "max-retry-after-ms" => {
                    config.max_retry_after_ms = value.parse().map_err(|e| bad(&e))?
                }
                _ => return Err(format!("unknown option `--{name}`\n{USAGE}")),
            }
        }
        if config.users == 0 || config.concurrency == 0 || config.max_attempts == 0 {
            return Err(format!(
                "users, concurrency and max-attempts must be positive\n{USAGE}"
            ));
        }
        if config.rate < 0.0 || config.burst < 1.0 {
            return Err(format!("rate must be ≥ 0 and burst ≥ 1\n{USAGE}"));
        }
        Ok(config)
    }

    fn limited(&self) -> bool {
        self.rate > 0.0
    }
}

// ---------------------------------------------------------------------------------------------
// What the kit's fake Bitpanda saw.

/// What the fake saw for one `external_id`.
#[derive(Default)]
struct Seen {
    requests: u32,
    /// The id it created the user with.
    created: Option<String>,
}

/// The fake's journal, boiled down to what the checks need.
struct Books {
    users: HashMap<String, Seen>,
    /// Arrival of every request, in microseconds since the run started, and whether it was
    /// admitted (not 429).
    log: Vec<(u64, bool)>,
    served_429: u64,
}

impl Books {
    fn read(fake: &FakeProvider, started: tokio::time::Instant) -> Self {
        let mut books = Books {
            users: HashMap::new(),
            log: Vec::new(),
            served_429: 0,
        };
        let created: HashMap<String, String> = fake
            .users()
            .iter()
            .filter_map(|user| Some((user.external_id()?.to_owned(), user.id().to_owned())))
            .collect();
        for request in fake.user_requests() {
            let at = request.arrived_at();
            let micros = u64::try_from(at.saturating_duration_since(started).as_micros());
            let admitted = request.outcome() != Served::Throttled;
            books.log.push((micros.unwrap_or(u64::MAX), admitted));
            let Some(external_id) = request.json_str("/external_id").map(str::to_owned) else {
                continue;
            };
            if !admitted {
                books.served_429 += 1;
            }
            let seen = books.users.entry(external_id).or_default();
            seen.requests += 1;
        }
        for (external_id, id) in created {
            books.users.entry(external_id).or_default().created = Some(id);
        }
        books
    }
}

// ---------------------------------------------------------------------------------------------
// The clients.

/// How one user's registration ended, as the caller saw it.
struct Outcome {
    /// From the call to its return: every attempt and every wait.
    latency: Duration,
    /// The id and attempts, or the error's kind and message.
    result: Result<(Option<String>, u32), (&'static str, String)>,
}

fn external_id(index: usize) -> String {
    format!("load-{index:06}")
}

/// The fixture user, made distinct by `index`.
fn user(template: &NewUser, index: usize) -> NewUser {
    let mut user = template.clone();
    user.external_id = Some(external_id(index));
    user.email = format!("load.user.{index}@example.com");
    user
}

/// Registers `config.users` users with `config.concurrency` workers sharing one client.
async fn register_all(client: BitpandaClient, config: &Config) -> Vec<Outcome> {
    let template: Arc<NewUser> = Arc::new(
        serde_json::from_str(include_str!("../tests/fixtures/user.json")).expect("fixture user"),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = JoinSet::new();
    for _ in 0..config.concurrency.min(config.users) {
        let (client, template, next, users) =
            (client.clone(), template.clone(), next.clone(), config.users);
        workers.spawn(async move {
            let mut outcomes = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= users {
                    return outcomes;
                }
                let user = user(&template, index);
                let started = Instant::now();
                let result = client.create_user(&user).await;
                outcomes.push(Outcome {
                    latency: started.elapsed(),
                    result: result
                        .map(|created| (created.id().map(str::to_owned), created.attempts()))
                        .map_err(|error| (error.kind().name(), error.to_string())),
                });
            }
        });
    }
    let mut outcomes = Vec::with_capacity(config.users);
    while let Some(done) = workers.join_next().await {
        outcomes.extend(done.expect("a worker panicked"));
    }
    outcomes
}

// ---------------------------------------------------------------------------------------------
// Figures and checks.

/// The most entries of the sorted `times` (µs) inside any window of `window` µs.
fn max_in_window(times: &[u64], window: u64) -> usize {
    let mut low = 0;
    let mut best = 0;
    for (high, &time) in times.iter().enumerate() {
        while time - times[low] >= window {
            low += 1;
        }
        best = best.max(high - low + 1);
    }
    best
}

/// The `q`-quantile (nearest rank) of sorted `values`.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// A `/proc/self/status` field in KiB (e.g. `VmHWM`), on Linux.
fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// `1234567` as `1,234,567`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn millis(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn main() -> ExitCode {
    let config = match Config::from_env_and_args() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(run(config))
}

async fn run(config: Config) -> ExitCode {
    let load_before = load_average();
    let kit = onboarding_testkit::start().await;
    let fake = &kit.bitpanda;
    if config.limited() {
        fake.set_rate_limit(Some(RateLimit {
            per_second: config.rate,
            burst: config.burst,
            retry_after: config.retry_after,
        }));
    }
    fake.set_journal_detail(JournalDetail::Keys);
    let policy = RetryPolicy::default()
        .with_max_attempts(config.max_attempts)
        .with_max_retry_after(Duration::from_millis(config.max_retry_after_ms));
    fake.set_token_lifetime(Duration::from_secs(86_400));
    let client = ClientBuilder::new(fake.url())
        .retry_policy(policy.clone())
        .bitpanda(FixedToken::new(&fake.access_token()).expect("token"))
        .expect("client");

    eprintln!(
        "registering {} users, {} in flight, against {} (load average {load_before}) …",
        grouped(config.users as u64),
        config.concurrency,
        if config.limited() {
            format!(
                "a limit of {} requests/s, burst {}, Retry-After {} s",
                config.rate, config.burst, config.retry_after
            )
        } else {
            "no rate limit".to_owned()
        },
    );
    let started = Instant::now();
    let started_on_tokio = tokio::time::Instant::now();
    let outcomes = register_all(client, &config).await;
    let elapsed = started.elapsed();
    let load_after = load_average();
    let peak_kib = proc_status_kib("VmHWM");

    let books = Books::read(fake, started_on_tokio);
    let mut log: Vec<(u64, bool)> = books.log.clone();
    log.sort_unstable();
    let all: Vec<u64> = log.iter().map(|&(at, _)| at).collect();
    let admitted: Vec<u64> = log.iter().filter(|e| e.1).map(|&(at, _)| at).collect();
    let max_rate_all = max_in_window(&all, 1_000_000);
    let max_rate_admitted = max_in_window(&admitted, 1_000_000);
    let requests = all.len() as u64;
    let seconds = elapsed.as_secs_f64();

    // What the caller got, per user.
    let mut created = 0u64;
    let mut errors: BTreeMap<&'static str, (u64, String)> = BTreeMap::new();
    let mut latencies: Vec<Duration> = Vec::with_capacity(outcomes.len());
    for outcome in &outcomes {
        latencies.push(outcome.latency);
        match &outcome.result {
            Ok(_) => created += 1,
            Err((kind, message)) => {
                let entry = errors.entry(kind).or_insert((0, message.clone()));
                entry.0 += 1;
            }
        }
    }
    latencies.sort_unstable();
    let attempts: Vec<u32> = (0..config.users)
        .map(|i| books.users.get(&external_id(i)).map_or(0, |s| s.requests))
        .collect();
    let attempts_total: u64 = attempts.iter().map(|&a| u64::from(a)).sum();
    let attempts_max = attempts.iter().copied().max().unwrap_or(0);
    let server_created = books.users.values().filter(|s| s.created.is_some()).count() as u64;
    let served_429 = books.served_429;
    let share_429 = served_429 as f64 / requests.max(1) as f64;
    let mean_rate = requests as f64 / seconds;

    let mut table = String::new();
    let _ = writeln!(table, "| measure | value |\n| --- | --- |");
    let mut row = |name: &str, value: String| {
        let _ = writeln!(table, "| {name} | {value} |");
    };
    row(
        "users × concurrency",
        format!(
            "{} × {} (Bitpanda `POST /v2/users`, max {} attempts)",
            grouped(config.users as u64),
            config.concurrency,
            config.max_attempts
        ),
    );
    row(
        "allowed rate",
        if config.limited() {
            format!(
                "{} requests/s, burst {}; 429 with `Retry-After: {}`",
                grouped(config.rate as u64),
                grouped(config.burst as u64),
                config.retry_after
            )
        } else {
            "unlimited".into()
        },
    );
    row("total time", format!("{seconds:.2} s"));
    row(
        "throughput",
        format!(
            "{} users/s",
            grouped((outcomes.len() as f64 / seconds).round() as u64)
        ),
    );
    row(
        "latency per user p50 / p99 / max",
        format!(
            "{} / {} / {}",
            millis(quantile(&latencies, 0.50)),
            millis(quantile(&latencies, 0.99)),
            millis(latencies.last().copied().unwrap_or_default())
        ),
    );
    row(
        "attempts per user mean / max",
        format!(
            "{:.3} / {attempts_max}",
            attempts_total as f64 / config.users as f64
        ),
    );
    row(
        "requests served",
        format!(
            "{} ({} × 201, {} × 429 = {:.1} %)",
            grouped(requests),
            grouped(server_created),
            grouped(served_429),
            share_429 * 100.0
        ),
    );
    row(
        "request rate, max over 1 s windows",
        format!(
            "{} requests/s ({} admitted{})",
            grouped(max_rate_all as u64),
            grouped(max_rate_admitted as u64),
            if config.limited() {
                format!(
                    "; the bucket admits at most {} in any 1 s",
                    grouped((config.rate + config.burst) as u64)
                )
            } else {
                String::new()
            }
        ),
    );
    row(
        "request rate, mean",
        format!(
            "{} requests/s ({} admitted)",
            grouped(mean_rate.round() as u64),
            grouped((admitted.len() as f64 / seconds).round() as u64)
        ),
    );
    row(
        "outcomes",
        format!(
            "{} created, {} errors{}",
            grouped(created),
            grouped(errors.values().map(|e| e.0).sum()),
            errors
                .iter()
                .map(|(kind, (n, message))| format!("; {n} × {kind} (e.g. {message})"))
                .collect::<String>()
        ),
    );
    row(
        "peak memory (VmHWM)",
        peak_kib.map_or("unknown".into(), |kib| {
            format!("{:.1} MiB", kib as f64 / 1024.0)
        }),
    );
    row(
        "load average before / after",
        format!("{load_before} / {load_after}"),
    );
    println!("\n{table}");
    ExitCode::SUCCESS
}
