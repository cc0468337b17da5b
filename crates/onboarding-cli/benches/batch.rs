//! `cargo bench -p onboarding-cli --bench batch`: the batch against the test kit, in one run,
//! printing the ratios the README states (see "Onboarding many users"):
//!
//! 1. users/s with the ledger (SQLite; PostgreSQL too when `ONBOARDING_TEST_POSTGRES_URL` is
//!    set) ÷ users/s of the same loop without it (`batch::run_without_ledger`), no rate limit,
//!    with the kit answering at once, then answering after 10 ms;
//! 2. with the kit's rate limit at 2,000 requests/s and `--rate 2000`: created users/s ÷ 2,000;
//! 3. the `onboard` process's peak memory (VmHWM) for 100,000 lines ÷ for 10,000 lines.
//!
//! Set `ONBOARD_BENCH_USERS` to change the size of runs 1 and 2 (default 10,000).

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use onboarding_cli::batch::{self, Options};
use onboarding_ledger::{Credentials, Provider, State};
use onboarding_testkit::{
    CLIENT_ID, CLIENT_SECRET, Endpoint, Fault, JournalDetail, RateLimit, TestKit,
    WEALTHYHOOD_AUDIENCE,
};

fn write_users(path: &Path, count: usize, salt: &str) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for n in 0..count {
        writeln!(
            out,
            "{}",
            serde_json::json!({
                "key": format!("{salt}{n}"),
                "email": format!("{salt}{n}@example.com"),
                "given_names": ["Maria"],
                "family_name": "Papadopoulou",
                "date_of_birth": "1985-11-02",
                "country_of_residence": "GR",
                "language": "en"
            })
        )
        .unwrap();
    }
}

fn credentials(kit: &TestKit) -> [(&'static str, String); 4] {
    [
        ("ONBOARDING_WEALTHYHOOD_ISSUER", kit.wealthyhood.url()),
        (
            "ONBOARDING_WEALTHYHOOD_AUDIENCE",
            WEALTHYHOOD_AUDIENCE.into(),
        ),
        ("ONBOARDING_WEALTHYHOOD_CLIENT_ID", CLIENT_ID.into()),
        ("ONBOARDING_WEALTHYHOOD_CLIENT_SECRET", CLIENT_SECRET.into()),
    ]
}

fn options(kit: &TestKit, ledger: String, file: &Path, rate: Option<f64>) -> Options {
    Options {
        provider: Provider::Wealthyhood,
        base_url: Some(kit.wealthyhood.url()),
        ledger,
        concurrency: 32,
        load_only: false,
        lease: Duration::from_secs(30),
        timeout: Duration::from_secs(30),
        max_attempts: 50,
        rate,
        worker: "bench".into(),
        file: file.to_owned(),
        reconcile_only: false,
        credentials: Some(Credentials::Auth0 {
            issuer: kit.wealthyhood.url(),
            audience: WEALTHYHOOD_AUDIENCE.into(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
        }),
    }
}

async fn with_ledger(options: &Options, users: usize) -> f64 {
    let started = Instant::now();
    let summary = batch::run(options).await.expect("the batch runs");
    let elapsed = started.elapsed().as_secs_f64();
    let created = summary.counts.get(&State::Created).copied().unwrap_or(0);
    assert_eq!(created as usize, users, "{:?}", summary.counts);
    users as f64 / elapsed
}

async fn without_ledger(options: &Options, users: usize) -> f64 {
    let started = Instant::now();
    let counts = batch::run_without_ledger(options)
        .await
        .expect("the loop runs");
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(
        counts.get(&State::Created).copied().unwrap_or(0) as usize,
        users
    );
    users as f64 / elapsed
}

/// The peak resident memory of `onboard batch` over `lines` users, in KiB.
async fn peak_memory(kit: &TestKit, dir: &Path, lines: usize) -> u64 {
    let file = dir.join(format!("memory-{lines}.jsonl"));
    write_users(&file, lines, &format!("m{lines}-"));
    let ledger = dir.join(format!("memory-{lines}.db"));
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_onboard"));
    command
        .args(["batch", "--provider", "wealthyhood", "--concurrency", "32"])
        .arg("--base-url")
        .arg(kit.wealthyhood.url())
        .arg("--ledger")
        .arg(&ledger)
        .arg(&file)
        .envs(credentials(kit))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let pid = child.id().unwrap();
    let mut peak = 0;
    loop {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kib: u64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            peak = peak.max(kib);
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(child.wait().await.unwrap().code(), Some(0));
    peak
}

async fn postgres_database(round: usize) -> Option<String> {
    use sqlx::Connection;
    let base = std::env::var("ONBOARDING_TEST_POSTGRES_URL").ok()?;
    sqlx::any::install_default_drivers();
    let name = format!("onboard_bench_{}_{round}", std::process::id());
    let mut conn = sqlx::AnyConnection::connect(&base).await.ok()?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .ok()?;
    let (prefix, _) = base.rsplit_once('/')?;
    Some(format!("{prefix}/{name}"))
}

/// [`with_ledger`] when there are `options` (a PostgreSQL ledger is optional).
async fn with_optional_ledger(options: Option<&Options>, users: usize) -> Option<f64> {
    match options {
        Some(options) => Some(with_ledger(options, users).await),
        None => None,
    }
}

/// Prints the median of the rounds' `ratios` with the lowest and highest.
fn print_median(ledger: &str, ratios: &mut [f64]) {
    let middle = median(ratios);
    println!(
        "with {ledger} ledger: ratio {middle:.2}, median of {} rounds [{:.2} .. {:.2}] (target >= 0.80)",
        ratios.len(),
        ratios.first().copied().unwrap_or(f64::NAN),
        ratios.last().copied().unwrap_or(f64::NAN),
    );
}

/// The median of `values`, which it leaves sorted (lowest first).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing: run only
    // when benchmarking.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let only_ratio = std::env::var_os("ONBOARD_BENCH_RATIO_ONLY").is_some();
    let users: usize = std::env::var("ONBOARD_BENCH_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let kit = onboarding_testkit::start().await;
    kit.wealthyhood.set_journal_detail(JournalDetail::Keys);
    let dir = tempfile::tempdir().unwrap();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("machine: {cpus} cores; {users} users per run; kit in this process");

    // 1. With and without the ledger, no rate limit, in alternating rounds: each round runs the
    // loop without the ledger and with each ledger on fresh files (the order swapped every
    // round), and its ratios compare runs made at nearly the same time; the median of the
    // rounds is the figure (a single pair moved by about ±0.15 with the load).
    let rounds: usize = std::env::var("ONBOARD_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let sqlite_url = |round: usize| {
        dir.path()
            .join(format!("ledger{round}.db"))
            .display()
            .to_string()
    };
    let mut sqlite_ratios = Vec::new();
    let mut pg_ratios = Vec::new();
    for round in 0..rounds {
        let file = |name: &str| {
            let path = dir.path().join(format!("{name}{round}.jsonl"));
            write_users(&path, users, &format!("{name}{round}-"));
            path
        };
        let (plain_file, sqlite_file, pg_file) = (file("p"), file("s"), file("g"));
        let pg_url = postgres_database(round).await;
        let plain_options = options(&kit, String::new(), &plain_file, None);
        let sqlite_options = options(&kit, sqlite_url(round), &sqlite_file, None);
        let pg_options = pg_url.map(|url| options(&kit, url, &pg_file, None));
        let (plain, sqlite, pg);
        if round % 2 == 0 {
            plain = without_ledger(&plain_options, users).await;
            sqlite = with_ledger(&sqlite_options, users).await;
            pg = with_optional_ledger(pg_options.as_ref(), users).await;
        } else {
            pg = with_optional_ledger(pg_options.as_ref(), users).await;
            sqlite = with_ledger(&sqlite_options, users).await;
            plain = without_ledger(&plain_options, users).await;
        }
        let pg_text = pg.map_or("not run".to_owned(), |pg| {
            format!("{pg:.0} users/s, ratio {:.2}", pg / plain)
        });
        println!(
            "round {}: without ledger {plain:.0} users/s; SQLite {sqlite:.0} users/s, ratio {:.2}; PostgreSQL {pg_text}",
            round + 1,
            sqlite / plain
        );
        sqlite_ratios.push(sqlite / plain);
        if let Some(pg) = pg {
            pg_ratios.push(pg / plain);
        }
    }
    print_median("SQLite", &mut sqlite_ratios);
    if pg_ratios.is_empty() {
        println!(
            "with PostgreSQL ledger: not run (set ONBOARDING_TEST_POSTGRES_URL, e.g. scripts/test-postgres cargo bench -p onboarding-cli --bench batch)"
        );
    } else {
        print_median("PostgreSQL", &mut pg_ratios);
    }

    // 1b. The same with a provider that takes 10 ms to answer (as a real one over a network
    // would): the ledger's cost against the time a request takes.
    kit.wealthyhood.fail_with(|call| {
        (call.endpoint() == Endpoint::User).then(|| Fault::Slow(Duration::from_millis(10)))
    });
    let slow_plain_file = dir.path().join("slow-plain.jsonl");
    write_users(&slow_plain_file, users, "sp");
    let slow_plain =
        without_ledger(&options(&kit, String::new(), &slow_plain_file, None), users).await;
    let slow_file = dir.path().join("slow.jsonl");
    write_users(&slow_file, users, "ss");
    let slow_ledger = dir.path().join("slow.db").display().to_string();
    let slow = with_ledger(&options(&kit, slow_ledger, &slow_file, None), users).await;
    println!(
        "answers after 10 ms: without ledger {slow_plain:.0} users/s, with SQLite {slow:.0} users/s, ratio {:.2}",
        slow / slow_plain
    );
    kit.wealthyhood.clear_faults();
    if only_ratio {
        return;
    }
    // 2. The kit limits to 2,000 requests/s; the batch paces itself at that rate.
    let limited = 2000.0;
    kit.wealthyhood
        .set_rate_limit(Some(RateLimit::per_second(limited)));
    let rate_file = dir.path().join("rate.jsonl");
    write_users(&rate_file, users, "r");
    let rate_ledger = dir.path().join("rate.db").display().to_string();
    let rate = with_ledger(
        &options(&kit, rate_ledger, &rate_file, Some(limited)),
        users,
    )
    .await;
    println!(
        "rate limit 2000/s: {rate:.0} users/s, {:.1} % of the allowed rate (target >= 95 %)",
        100.0 * rate / limited
    );
    kit.wealthyhood.set_rate_limit(None);

    // 3. Peak memory of the process, 100,000 lines against 10,000.
    let small = peak_memory(&kit, dir.path(), 10_000).await;
    let large = peak_memory(&kit, dir.path(), 100_000).await;
    println!(
        "peak memory: {small} KiB for 10,000 lines, {large} KiB for 100,000, ratio {:.2} (target <= 1.2)",
        large as f64 / small as f64
    );
}
