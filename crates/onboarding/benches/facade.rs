//! What the facade costs at run time, side by side with doing the same by hand (issue 5, item 4).
//!
//! - `create_user_<provider>`: one create-user request, `facade` =
//!   [`OnboardingClient::create_user`] of a borrowed user (validate, map, serialise, send through
//!   the generated client, decode the typed answer; [`RetryPolicy::never`]) versus `raw_reqwest` =
//!   a hand-written `reqwest` POST of the same, already mapped, generated body (serialised by
//!   `.json()` on every iteration, as the facade does), with the same headers, decoding only the
//!   new user's `id`. Both go to the same in-process loopback HTTP/1.1 server, which answers every
//!   request with a fixed `201` and keeps the connection alive, over the same kind of
//!   `reqwest::Client` (same timeouts, no redirects, pooled connection), on one current-thread
//!   Tokio runtime. `generated_client` calls the provider's generated client directly with the
//!   same body, built once beforehand (the denominator of the targets); `generated_fresh_body`
//!   does the same with a copy of that body made in each iteration (what a caller that builds each
//!   user's body anew pays at the least).
//! - `body_<provider>`: `facade` = `mapping::<provider>_request(&user)` (validation and mapping)
//!   followed by `serde_json::to_vec`, versus `generated_only` = `serde_json::to_vec` of the
//!   already built generated request; `generated_fresh_body` as above.
//!
//! The user is the crate's test fixture (`tests/fixtures/user.json`), valid for both Bitpanda and
//! Wealthyhood. Runs are kept short (1 s warm-up, 3 s measurement; `cargo bench` flags override).
//! After the run, the ratios of every group that ran are printed from criterion's own
//! estimates, then the main ones measured in pairs (`support/paired.rs`: both routines timed
//! in alternating rounds, the median of the rounds' ratios), which a change of the machine's
//! speed during the run moves far less. Run with `cargo bench -p onboarding --bench facade`.

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion};

#[path = "support/paired.rs"]
mod paired;
#[path = "support/ratios.rs"]
mod ratios;
use onboarding::{ClientBuilder, FixedToken, NewUser, RetryPolicy, mapping};
use paired::{PairedRatio, Routine, paired, print_paired};
use ratios::print_ratios;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

const TOKEN: &str = "bench-access-token";
/// The `api-version` header every generated client sends (`info.version` of the specs).
const API_VERSION: &str = "1.0.0-curated";

/// What the loopback server answers to a Wealthyhood create (the fields `User` requires).
const WEALTHYHOOD_CREATED: &str = r#"{"id":"64f0c51e7fb3fc001234a001","email":"giorgos.papadopoulos@example.com","portfolios":[],"createdAt":"2024-10-03T10:30:00Z","updatedAt":"2024-10-03T10:30:00Z"}"#;
/// What the loopback server answers to a Bitpanda create.
const BITPANDA_CREATED: &str = r#"{"data":{"id":"3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a93"}}"#;

fn user() -> NewUser {
    serde_json::from_str(include_str!("../tests/fixtures/user.json")).expect("fixture user")
}

// ---------------------------------------------------------------------------------------------
// The loopback server.

/// Starts, on `runtime`, a loopback HTTP/1.1 server that answers every request with
/// `201 Created` and `body`, keeping connections alive, and returns its address.
///
/// It reads each request's head and its `Content-Length` body and does nothing else, so the
/// server's share of each iteration is as small as it can be and the same for both sides.
fn start_server(runtime: &Runtime, body: &str) -> SocketAddr {
    let response: &'static [u8] = format!(
        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
    .leak();
    let listener = runtime
        .block_on(TcpListener::bind("127.0.0.1:0"))
        .expect("bind a loopback port");
    let address = listener.local_addr().expect("loopback address");
    runtime.spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer(stream, response));
        }
    });
    address
}

/// Answers every request on one connection with `response`, until the client closes it.
async fn answer(mut stream: TcpStream, response: &'static [u8]) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(read) => buffer.extend_from_slice(&chunk[..read]),
            }
        };
        let request_end = head_end + content_length(&buffer[..head_end]);
        while buffer.len() < request_end {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(read) => buffer.extend_from_slice(&chunk[..read]),
            }
        }
        buffer.drain(..request_end);
        if stream.write_all(response).await.is_err() {
            return;
        }
    }
}

/// The `Content-Length` of a request head (0 when absent).
fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// The hand-written side.

/// The HTTP client a hand-written integration would build: the facade's settings (15 s connect
/// and request timeouts, no redirects), written out with `reqwest` directly.
fn raw_http_client() -> reqwest::Client {
    let timeout = Duration::from_secs(15);
    reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client")
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

#[derive(Deserialize)]
struct BitpandaCreated {
    data: Created,
}

/// POSTs `body` as JSON with the headers the generated client sends and returns the 201 answer.
async fn raw_post(
    http: &reqwest::Client,
    url: &str,
    authorization: &HeaderValue,
    body: &impl serde::Serialize,
) -> reqwest::Response {
    let response = http
        .post(url)
        .header(ACCEPT, "application/json")
        .header(AUTHORIZATION, authorization.clone())
        .header("api-version", API_VERSION)
        .json(body)
        .send()
        .await
        .expect("loopback POST");
    assert_eq!(response.status(), StatusCode::CREATED);
    response
}

// ---------------------------------------------------------------------------------------------
// The benchmarks.

fn create_user(criterion: &mut Criterion, runtime: &Runtime, results: &mut Results) {
    let user = user();
    let mut authorization =
        HeaderValue::from_str(&format!("Bearer {TOKEN}")).expect("header value");
    authorization.set_sensitive(true);

    // Wealthyhood.
    let address = start_server(runtime, WEALTHYHOOD_CREATED);
    let facade = ClientBuilder::new(format!("http://{address}"))
        .retry_policy(RetryPolicy::never())
        .wealthyhood(FixedToken::new(TOKEN).expect("token"))
        .expect("facade client");
    let raw = raw_http_client();
    let url = format!("http://{address}/users");
    let body = mapping::wealthyhood_request(&user).expect("fixture maps");
    let raw_create = || async {
        let response = raw_post(&raw, &url, &authorization, &body).await;
        response.json::<Created>().await.expect("created").id
    };
    // Both sides work before anything is measured.
    let generated = wealthyhood_client::Client::new_with_client(
        &format!("http://{address}"),
        raw_http_client(),
        wealthyhood_client::Credentials::bearer(TOKEN).expect("token"),
    );
    let created = runtime.block_on(facade.create_user(&user)).expect("facade");
    assert_eq!(created.id(), Some(runtime.block_on(raw_create()).as_str()));
    measure(
        criterion,
        results,
        "create_user_wealthyhood",
        create_user_group(
            || {
                black_box(runtime.block_on(raw_create()));
            },
            &|body| runtime.block_on(generated.create_user(body)).is_ok(),
            &body,
            || {
                runtime
                    .block_on(facade.create_user(black_box(&user)))
                    .is_ok()
            },
        ),
    );

    // Bitpanda.
    let address = start_server(runtime, BITPANDA_CREATED);
    let facade = ClientBuilder::new(format!("http://{address}"))
        .retry_policy(RetryPolicy::never())
        .bitpanda(FixedToken::new(TOKEN).expect("token"))
        .expect("facade client");
    let url = format!("http://{address}/v2/users");
    let body = mapping::bitpanda_request(&user).expect("fixture maps");
    let raw_create = || async {
        let response = raw_post(&raw, &url, &authorization, &body).await;
        response
            .json::<BitpandaCreated>()
            .await
            .expect("created")
            .data
            .id
    };
    let generated = bitpanda_client::Client::new_with_client(
        &format!("http://{address}"),
        raw_http_client(),
        bitpanda_client::Credentials::bearer(TOKEN).expect("token"),
    );
    let created = runtime.block_on(facade.create_user(&user)).expect("facade");
    assert_eq!(created.id(), Some(runtime.block_on(raw_create()).as_str()));
    measure(
        criterion,
        results,
        "create_user_bitpanda",
        create_user_group(
            || {
                black_box(runtime.block_on(raw_create()));
            },
            &|body| runtime.block_on(generated.create_user_v2(body)).is_ok(),
            &body,
            || {
                runtime
                    .block_on(facade.create_user(black_box(&user)))
                    .is_ok()
            },
        ),
    );
}

fn request_body(criterion: &mut Criterion, results: &mut Results) {
    let user = user();

    let built = mapping::wealthyhood_request(&user).expect("fixture maps");
    measure(
        criterion,
        results,
        "body_wealthyhood",
        body_group(&built, || {
            let request = mapping::wealthyhood_request(black_box(&user)).expect("fixture maps");
            serde_json::to_vec(&request).expect("serialises")
        }),
    );

    let built = mapping::bitpanda_request(&user).expect("fixture maps");
    measure(
        criterion,
        results,
        "body_bitpanda",
        body_group(&built, || {
            let request = mapping::bitpanda_request(black_box(&user)).expect("fixture maps");
            serde_json::to_vec(&request).expect("serialises")
        }),
    );
}

/// Runs `routine` as the criterion benchmark `group_name/<its name>`, or, when the environment
/// variable `FACADE_BENCH_COUNT` is `group_name/<its name>:N`, exactly `N` times without
/// criterion (and no other benchmark at all), each inside [`counted_run`]: its instructions are
/// then counted with `valgrind --tool=callgrind --toggle-collect='*counted_run*'`, which leaves
/// out the start-up, the server and the warm-up calls (docs/performance.md).
fn bench(group: &mut BenchmarkGroup<'_, WallTime>, group_name: &str, routine: &mut Routine<'_>) {
    match std::env::var("FACADE_BENCH_COUNT") {
        Ok(count) => {
            let (only, iterations) = count
                .rsplit_once(':')
                .expect("FACADE_BENCH_COUNT=group/name:N");
            if only == format!("{group_name}/{}", routine.name) {
                for _ in 0..iterations.parse::<u64>().expect("a number of iterations") {
                    counted_run(&mut routine.run);
                }
            }
        }
        Err(_) => {
            group.bench_function(routine.name, |b| b.iter(&mut routine.run));
        }
    }
}

/// One iteration of a `FACADE_BENCH_COUNT` run: the only code callgrind counts (see [`bench`]).
#[inline(never)]
fn counted_run(run: &mut dyn FnMut()) {
    run();
}

/// The routines of one group, in the order they run.
struct Group<'r> {
    /// `raw_reqwest`: the request written by hand (request groups only).
    raw: Option<Routine<'r>>,
    /// `generated_client` / `generated_only`: the generated client (or `to_vec`) given the body
    /// built once beforehand: the denominator of the issue's targets.
    baseline: Routine<'r>,
    /// `generated_fresh_body`: the same with a copy of that body made in each iteration, as a
    /// caller that builds each user's body anew pays at the least.
    fresh: Routine<'r>,
    /// `facade`: the facade.
    facade: Routine<'r>,
}

/// A create-user group: the hand-written request `raw`, the generated client's call `send` given
/// the `body` built once and then a copy of it made per call, and the `facade`.
fn create_user_group<'r, B: Clone>(
    raw: impl FnMut() + 'r,
    send: &'r impl Fn(&B) -> bool,
    body: &'r B,
    mut facade: impl FnMut() -> bool + 'r,
) -> Group<'r> {
    Group {
        raw: Some(Routine::plain("raw_reqwest", raw)),
        baseline: Routine::plain("generated_client", move || {
            black_box(send(black_box(body)));
        }),
        fresh: Routine::plain("generated_fresh_body", move || {
            black_box(send(&black_box(body).clone()));
        }),
        facade: Routine::plain("facade", move || {
            black_box(facade());
        }),
    }
}

/// A request-body group: `to_vec` of the request `built` once, of a copy of it made per
/// iteration, and the `facade`'s validation, mapping and `to_vec`.
fn body_group<'r, B: Clone + serde::Serialize>(
    built: &'r B,
    mut facade: impl FnMut() -> Vec<u8> + 'r,
) -> Group<'r> {
    Group {
        raw: None,
        baseline: Routine::plain("generated_only", move || {
            black_box(serde_json::to_vec(black_box(built)).expect("serialises"));
        }),
        fresh: Routine::plain("generated_fresh_body", move || {
            let request = black_box(built).clone();
            black_box(serde_json::to_vec(&request).expect("serialises"));
        }),
        facade: Routine::plain("facade", move || {
            black_box(facade());
        }),
    }
}

/// What the run prints at its end: the criterion ratios to read from its estimates, and the
/// paired ratios measured.
#[derive(Default)]
struct Results {
    /// `(group, numerator, denominator)` of every ratio of criterion's estimates.
    ratios: Vec<(&'static str, &'static str, &'static str)>,
    /// The paired ratios.
    pairs: Vec<PairedRatio>,
}

/// Measures `routines` as the criterion group `group_name`, lists the ratios of its estimates
/// to print, then measures the paired ratios `facade` / the baseline and `facade` /
/// `generated_fresh_body`.
fn measure(
    criterion: &mut Criterion,
    results: &mut Results,
    group_name: &'static str,
    routines: Group<'_>,
) {
    let Group {
        raw,
        mut baseline,
        mut fresh,
        mut facade,
    } = routines;
    let mut group = criterion.benchmark_group(group_name);
    if let Some(mut raw) = raw {
        bench(&mut group, group_name, &mut raw);
        results.ratios.extend([
            (group_name, facade.name, raw.name),
            (group_name, baseline.name, raw.name),
        ]);
    }
    bench(&mut group, group_name, &mut baseline);
    bench(&mut group, group_name, &mut fresh);
    bench(&mut group, group_name, &mut facade);
    group.finish();
    results.ratios.extend([
        (group_name, facade.name, baseline.name),
        (group_name, facade.name, fresh.name),
        (group_name, fresh.name, baseline.name),
    ]);
    pair(&mut results.pairs, group_name, &mut facade, &mut baseline);
    pair(&mut results.pairs, group_name, &mut facade, &mut fresh);
}

/// Rounds of each paired ratio: about 1.3 s per pair.
const PAIRED_ROUNDS: usize = 31;

/// Adds the paired ratio `numerator / denominator` of `group_name` to `pairs`, in a `cargo bench`
/// run only (not under `FACADE_BENCH_COUNT`, nor in the single pass of `cargo test --benches`).
fn pair(
    pairs: &mut Vec<PairedRatio>,
    group_name: &str,
    numerator: &mut Routine<'_>,
    denominator: &mut Routine<'_>,
) {
    if std::env::var_os("FACADE_BENCH_COUNT").is_some()
        || !std::env::args().any(|arg| arg == "--bench")
    {
        return;
    }
    let label = format!("{group_name:<24} {} / {}", numerator.name, denominator.name);
    pairs.push(paired(label, PAIRED_ROUNDS, numerator, denominator));
}

fn main() {
    let started = SystemTime::now();
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut results = Results::default();
    create_user(&mut criterion, &runtime, &mut results);
    request_body(&mut criterion, &mut results);
    criterion.final_summary();
    print_ratios(started, &results.ratios);
    print_paired(&results.pairs);
}
