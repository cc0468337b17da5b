//! Load benchmark of the onboarding facade under a rate-limiting provider.
//!
//! Registers many distinct users (the fixture `tests/fixtures/user.json`, each with its own
//! `external_id` and e-mail) through [`OnboardingClient`] against Bitpanda's `POST /v2/users`,
//! served by an in-process loopback HTTP/1.1 server (keep-alive, real sockets) that rate-limits
//! with a token bucket: over the limit it answers `429 Too Many Requests` with `Retry-After` in
//! whole seconds; otherwise `201` with a unique id, recording which `external_id` it created.
//!
//! It measures total time, throughput, latency per user (p50, p99, max; retries and waits
//! included), attempts per user (as the server counted them), the 429s served, the request rate
//! the server observed (the maximum over sliding 1 s windows, and the mean) against the allowed
//! rate, and peak memory (`VmHWM` of this process, server included), and prints them as a
//! Markdown table. It then checks, and exits 1 if any check fails, that
//!
//! - every user is accounted for: created exactly once server-side with the id the caller got,
//!   or returned to the caller as an error (and then not created, unless reported as
//!   outcome-unknown);
//! - there is no retry storm: no retry arrived before the `Retry-After` it answered had elapsed,
//!   the requests stay within `users × max_attempts`, and the mean request rate stays within the
//!   allowed rate plus the 429s that honouring `Retry-After` allows (`concurrency / Retry-After`
//!   per second).
//!
//! Run it (optimised, as every `cargo bench`):
//!
//! ```sh
//! cargo bench -p onboarding --bench load                                  # 10,000 users, 64 in flight
//! cargo bench -p onboarding --bench load -- --users 500 --rate 200 --burst 200  # ~2 s check
//! ```
//!
//! Options, each also read from the environment variable in brackets: `--users N`
//! (`LOAD_USERS`, default 10000), `--concurrency C` (`LOAD_CONCURRENCY`, 64), `--rate R` allowed
//! requests per second (`LOAD_RATE`, 2000; 0 = no limit), `--burst B` bucket size
//! (`LOAD_BURST`, 2000), `--retry-after S` seconds (`LOAD_RETRY_AFTER`, 1), `--max-attempts A`
//! (`LOAD_MAX_ATTEMPTS`, 10), `--max-retry-after-ms M` (`LOAD_MAX_RETRY_AFTER_MS`, 30000). The
//! retry policy is [`RetryPolicy::default`] with those two set. `--max-retry-after-ms 0` makes
//! the facade retry at once, a retry storm: the checks fail, which shows they can.
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
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use onboarding::{BitpandaClient, FixedToken, NewUser, OnboardingClient, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

const TOKEN: &str = "load-benchmark-token";
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
// The server.

/// A token bucket: `rate` tokens a second, at most `burst` saved up, one per admitted request.
struct Bucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn take(&mut self, now: Instant) -> bool {
        if self.rate <= 0.0 {
            return true;
        }
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// What the server saw for one `external_id`.
#[derive(Default)]
struct Seen {
    requests: u32,
    /// The id it created the user with.
    created: Option<String>,
    /// When it last answered 429 to this user, if the user has not been admitted since.
    throttled_at: Option<Instant>,
}

/// The server's books, behind one lock.
struct Books {
    bucket: Bucket,
    users: HashMap<String, Seen>,
    /// Arrival of every request, in microseconds since the server started, and whether it was
    /// admitted (not 429).
    log: Vec<(u64, bool)>,
    served_429: u64,
    /// A user's request that arrived before the `Retry-After` of its previous 429 had elapsed.
    early_retries: u64,
    /// A create for an `external_id` that was already created (answered 409).
    duplicates: u64,
    /// Requests the server could not attribute to a user (wrong path, no token, no
    /// `external_id`).
    malformed: u64,
    next_id: u64,
}

struct Server {
    started: Instant,
    retry_after: Duration,
    books: Mutex<Books>,
}

/// One parsed HTTP/1.1 request: what the handler needs.
struct Request<'a> {
    method: &'a str,
    path: &'a str,
    authorized: bool,
    body: &'a [u8],
}

impl Server {
    fn new(config: &Config) -> Self {
        let started = Instant::now();
        Self {
            started,
            retry_after: Duration::from_secs(config.retry_after),
            books: Mutex::new(Books {
                bucket: Bucket {
                    rate: config.rate,
                    burst: config.burst,
                    tokens: config.burst,
                    last: started,
                },
                users: HashMap::with_capacity(config.users),
                log: Vec::with_capacity(config.users * 2),
                served_429: 0,
                early_retries: 0,
                duplicates: 0,
                malformed: 0,
                next_id: 0,
            }),
        }
    }

    /// Bitpanda's `POST /v2/users`, rate-limited; returns the whole response.
    fn handle(&self, request: &Request<'_>) -> Vec<u8> {
        let external_id = (request.method == "POST" && request.path == "/v2/users")
            .then(|| serde_json::from_slice::<serde_json::Value>(request.body).ok())
            .flatten()
            .and_then(|body| body.get("external_id")?.as_str().map(str::to_owned));
        let mut guard = self.books.lock().expect("server books");
        let books = &mut *guard;
        let now = Instant::now();
        let at = u64::try_from(now.duration_since(self.started).as_micros()).unwrap_or(u64::MAX);
        let admitted = books.bucket.take(now);
        books.log.push((at, admitted));
        let (Some(external_id), true) = (external_id, request.authorized) else {
            books.malformed += 1;
            return error_response(400, "Bad Request", "invalid_request", &[]);
        };
        let seen = books.users.entry(external_id).or_default();
        seen.requests += 1;
        if seen
            .throttled_at
            .is_some_and(|then| now.duration_since(then) < self.retry_after)
        {
            books.early_retries += 1;
        }
        seen.throttled_at = (!admitted).then_some(now);
        if !admitted {
            books.served_429 += 1;
            drop(guard);
            let seconds = self.retry_after.as_secs().to_string();
            return error_response(
                429,
                "Too Many Requests",
                "rate_limited",
                &[("retry-after", &seconds)],
            );
        }
        if seen.created.is_some() {
            books.duplicates += 1;
            drop(guard);
            return error_response(409, "Conflict", "duplicate_external_id", &[]);
        }
        books.next_id += 1;
        let id = format!("bp-{:08}", books.next_id);
        seen.created = Some(id.clone());
        drop(guard);
        response(
            201,
            "Created",
            &[],
            &format!(r#"{{"data":{{"id":"{id}"}}}}"#),
        )
    }
}

fn error_response(status: u16, reason: &str, code: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let body =
        format!(r#"{{"errors":[{{"status":"{status}","code":"{code}","title":"{reason}"}}]}}"#);
    response(status, reason, headers, &body)
}

fn response(status: u16, reason: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n");
    for (name, value) in headers {
        let _ = write!(out, "{name}: {value}\r\n");
    }
    let _ = write!(out, "content-length: {}\r\n\r\n{body}", body.len());
    out.into_bytes()
}

/// Accepts connections on loopback until the process ends.
async fn start_server(server: Arc<Server>) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve_connection(stream, server.clone()));
        }
    });
    Ok(address)
}

/// Serves requests on one keep-alive connection until the peer closes it.
async fn serve_connection(mut stream: TcpStream, server: Arc<Server>) {
    let _ = stream.set_nodelay(true);
    let mut buffer: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            if buffer.len() > 64 * 1024 {
                return;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let Ok(head) = std::str::from_utf8(&buffer[..head_end]) else {
            return;
        };
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or_default().split(' ');
        let method = request_line.next().unwrap_or_default().to_owned();
        let path = request_line.next().unwrap_or_default().to_owned();
        let mut length = 0usize;
        let mut authorized = false;
        let mut close = false;
        for (name, value) in lines.filter_map(|line| line.split_once(':')) {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().unwrap_or(0);
            } else if name.eq_ignore_ascii_case("authorization") {
                authorized = value == format!("Bearer {TOKEN}");
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            }
        }
        while buffer.len() < head_end + length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        let reply = server.handle(&Request {
            method: &method,
            path: &path,
            authorized,
            body: &buffer[head_end..head_end + length],
        });
        buffer.drain(..head_end + length);
        if stream.write_all(&reply).await.is_err() || close {
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The clients.

/// How one user's registration ended, as the caller saw it.
struct Outcome {
    index: usize,
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
                    index,
                    latency: started.elapsed(),
                    result: result
                        .map(|created| (created.id, created.attempts))
                        .map_err(|error| (error.kind(), error.to_string())),
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
    let server = Arc::new(Server::new(&config));
    let address = start_server(server.clone()).await.expect("loopback server");
    let policy = RetryPolicy {
        max_attempts: config.max_attempts,
        max_retry_after: Duration::from_millis(config.max_retry_after_ms),
        ..RetryPolicy::default()
    };
    let client = OnboardingClient::builder(format!("http://{address}"))
        .retry_policy(policy.clone())
        .bitpanda(FixedToken::new(TOKEN).expect("token"))
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
    let outcomes = register_all(client, &config).await;
    let elapsed = started.elapsed();
    let load_after = load_average();
    let peak_kib = proc_status_kib("VmHWM");

    let books = server.books.lock().expect("server books");
    let mut log: Vec<(u64, bool)> = books.log.clone();
    log.sort_unstable();
    let all: Vec<u64> = log.iter().map(|&(at, _)| at).collect();
    let admitted: Vec<u64> = log.iter().filter(|e| e.1).map(|&(at, _)| at).collect();
    let max_rate_all = max_in_window(&all, 1_000_000);
    let max_rate_admitted = max_in_window(&admitted, 1_000_000);
    let requests = all.len() as u64;
    let seconds = elapsed.as_secs_f64();

    // What the caller got, and what the server did, per user.
    let mut failures: Vec<String> = Vec::new();
    let mut check = |ok: bool, what: String| {
        eprintln!("{} {what}", if ok { "ok  " } else { "FAIL" });
        if !ok {
            failures.push(what);
        }
    };
    let mut returned = vec![0u32; config.users];
    let mut created = 0u64;
    let mut errors: BTreeMap<&'static str, (u64, String)> = BTreeMap::new();
    let mut unaccounted = 0u64;
    let mut attempts_mismatch = 0u64;
    let mut latencies: Vec<Duration> = Vec::with_capacity(outcomes.len());
    for outcome in &outcomes {
        returned[outcome.index] += 1;
        latencies.push(outcome.latency);
        let seen = books.users.get(&external_id(outcome.index));
        match &outcome.result {
            Ok((id, attempts)) => {
                created += 1;
                let server_id = seen.and_then(|s| s.created.as_ref());
                if id.is_none() || id.as_ref() != server_id {
                    unaccounted += 1;
                }
                if seen.map(|s| s.requests) != Some(*attempts) {
                    attempts_mismatch += 1;
                }
            }
            Err((kind, message)) => {
                let entry = errors.entry(kind).or_insert((0, message.clone()));
                entry.0 += 1;
                if *kind != "outcome_unknown" && seen.is_some_and(|s| s.created.is_some()) {
                    unaccounted += 1;
                }
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
    // Each 429 takes its worker out for `Retry-After`, so at most `concurrency` 429s per
    // `Retry-After` (plus one round at the start), whatever the limit.
    let throttle_bound =
        config.concurrency as f64 * (seconds / config.retry_after.max(1) as f64 + 1.0);
    let mean_rate = requests as f64 / seconds;
    let allowed_mean = if config.limited() {
        config.rate + config.burst / seconds
    } else {
        f64::INFINITY
    };

    check(
        returned.iter().all(|&n| n == 1),
        format!(
            "every user returned exactly once to its caller ({} of {})",
            grouped(outcomes.len() as u64),
            grouped(config.users as u64)
        ),
    );
    check(
        unaccounted == 0 && books.duplicates == 0 && server_created == created,
        format!(
            "every user accounted for: {} created exactly once with the id the caller got, {} \
             errors not created; server created {}, duplicates {}, mismatches {unaccounted}",
            grouped(created),
            grouped(errors.values().map(|e| e.0).sum()),
            grouped(server_created),
            books.duplicates
        ),
    );
    check(
        attempts_mismatch == 0,
        format!(
            "attempts the caller reported match the requests the server saw \
             ({attempts_mismatch} mismatches)"
        ),
    );
    check(
        books.malformed == 0,
        format!("no malformed requests ({})", books.malformed),
    );
    check(
        books.early_retries == 0,
        format!(
            "no retry before its Retry-After elapsed ({} early)",
            books.early_retries
        ),
    );
    check(
        requests <= config.users as u64 * u64::from(config.max_attempts),
        format!(
            "requests within users × max_attempts ({} ≤ {})",
            grouped(requests),
            grouped(config.users as u64 * u64::from(config.max_attempts))
        ),
    );
    check(
        served_429 as f64 <= throttle_bound,
        format!(
            "429s bounded by concurrency / Retry-After ({} ≤ {:.0})",
            grouped(served_429),
            throttle_bound
        ),
    );
    check(
        mean_rate <= allowed_mean + throttle_bound / seconds,
        format!(
            "mean request rate within the allowed rate plus those 429s ({mean_rate:.0}/s ≤ {:.0}/s)",
            allowed_mean + throttle_bound / seconds
        ),
    );

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

    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("{} check(s) failed", failures.len());
        ExitCode::FAILURE
    }
}
