//! The load bench's correctness checks (`benches/load.rs` measures only), at a small size on
//! Tokio's paused clock: many distinct users registered through one [`OnboardingClient`] against
//! the test kit's fake Bitpanda with its rate limit on (a token bucket answering `429` with
//! `Retry-After: 1`), several in flight at once. Then
//!
//! - every user is returned once to its caller, and accounted for: created exactly once
//!   server-side with the id the caller got, or returned as an error and then not created;
//! - the attempts the caller reports are the requests the server saw, none malformed;
//! - no retry arrives before the `Retry-After` it answered has elapsed;
//! - the requests stay within `users × max_attempts`, and the 429s within what honouring
//!   `Retry-After` allows (`concurrency` per `Retry-After`, plus the first round).
//!
//! A second run retries at once (`max_retry_after` of zero, a retry storm) and the checks must
//! catch it: they can fail.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use onboarding::{ClientBuilder, FixedToken, NewUser, RetryPolicy};
use onboarding_testkit::{FakeProvider, JournalDetail, Outcome as Served, RateLimit};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::common::fixtures;

const USERS: usize = 60;
const CONCURRENCY: usize = 16;
const RETRY_AFTER: Duration = Duration::from_secs(1);
const MAX_ATTEMPTS: u32 = 10;

/// How one user's registration ended, as its caller saw it: the id and attempts, or the error's
/// kind.
type Returned = Result<(Option<String>, u32), &'static str>;

/// What the fake saw for one `external_id`.
#[derive(Default)]
struct Seen {
    requests: u32,
    created: Option<String>,
}

/// Registers `USERS` distinct users with `CONCURRENCY` workers sharing one client whose policy
/// caps `Retry-After` at `max_retry_after`; returns each user's end, by index, the fake, and how
/// long the run took on the (paused) clock.
async fn run(max_retry_after: Duration) -> (Vec<Vec<Returned>>, FakeProvider, Duration) {
    let kit = onboarding_testkit::start().await;
    let fake = kit.bitpanda.clone();
    fake.set_rate_limit(Some(RateLimit {
        per_second: 10.0,
        burst: 10.0,
        retry_after: RETRY_AFTER.as_secs(),
    }));
    fake.set_journal_detail(JournalDetail::Keys);
    fake.set_token_lifetime(Duration::from_secs(86_400));
    let policy = RetryPolicy::default()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_max_retry_after(max_retry_after);
    let client = ClientBuilder::new(fake.url())
        .retry_policy(policy)
        .bitpanda(FixedToken::new(&fake.access_token()).expect("token"))
        .expect("client");
    let template: Arc<NewUser> = Arc::new(fixtures::user());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (client, template, next) = (client.clone(), template.clone(), next.clone());
        workers.spawn(async move {
            let mut ends = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= USERS {
                    return ends;
                }
                let mut user = (*template).clone();
                user.external_id = Some(external_id(index));
                user.email = format!("load.user.{index}@example.com");
                let returned = client
                    .create_user(&user)
                    .await
                    .map(|created| (created.id().map(str::to_owned), created.attempts()))
                    .map_err(|error| error.kind().name());
                ends.push((index, returned));
            }
        });
    }
    let mut returned: Vec<Vec<Returned>> = vec![Vec::new(); USERS];
    while let Some(done) = workers.join_next().await {
        for (index, end) in done.expect("a worker panicked") {
            returned[index].push(end);
        }
    }
    let elapsed = started.elapsed();
    drop(kit);
    (returned, fake, elapsed)
}

fn external_id(index: usize) -> String {
    format!("load-{index:06}")
}

/// Every check that fails, each as one line; empty when the run was correct.
fn failed_checks(
    returned: &[Vec<Returned>],
    fake: &FakeProvider,
    elapsed: Duration,
) -> Vec<String> {
    let mut failures = Vec::new();
    let mut seen: HashMap<String, Seen> = HashMap::new();
    let mut throttled_at: HashMap<String, Instant> = HashMap::new();
    let (mut requests, mut served_429, mut early, mut duplicates, mut malformed) = (0, 0, 0, 0, 0);
    for request in fake.user_requests() {
        requests += 1;
        let Some(key) = request.json_str("/external_id").map(str::to_owned) else {
            malformed += 1;
            continue;
        };
        match request.outcome() {
            Served::Created | Served::Throttled => {}
            Served::Duplicate => duplicates += 1,
            _ => malformed += 1,
        }
        let at = request.arrived_at();
        if let Some(then) = throttled_at.remove(&key)
            && at.saturating_duration_since(then) < RETRY_AFTER
        {
            early += 1;
        }
        if request.outcome() == Served::Throttled {
            served_429 += 1;
            throttled_at.insert(key.clone(), at);
        }
        seen.entry(key).or_default().requests += 1;
    }
    for user in fake.users() {
        if let Some(key) = user.external_id() {
            seen.entry(key.to_owned()).or_default().created = Some(user.id().to_owned());
        }
    }
    let mut check = |ok: bool, what: String| {
        if !ok {
            failures.push(what);
        }
    };
    let twice = returned.iter().filter(|ends| ends.len() != 1).count();
    check(
        twice == 0,
        format!("{twice} users not returned exactly once"),
    );
    let (mut unaccounted, mut attempts_mismatch, mut created) = (0, 0, 0);
    for (index, ends) in returned.iter().enumerate() {
        let server = seen.get(&external_id(index));
        for end in ends {
            match end {
                Ok((id, attempts)) => {
                    created += 1;
                    if id.is_none() || id.as_ref() != server.and_then(|s| s.created.as_ref()) {
                        unaccounted += 1;
                    }
                    if server.map(|s| s.requests) != Some(*attempts) {
                        attempts_mismatch += 1;
                    }
                }
                Err(kind) => {
                    if *kind != "outcome_unknown" && server.is_some_and(|s| s.created.is_some()) {
                        unaccounted += 1;
                    }
                }
            }
        }
    }
    let server_created = seen.values().filter(|s| s.created.is_some()).count();
    check(
        unaccounted == 0 && duplicates == 0 && server_created == created,
        format!(
            "users unaccounted for: {unaccounted} mismatches, {duplicates} duplicates, \
             {server_created} created by the server, {created} returned created"
        ),
    );
    check(
        attempts_mismatch == 0,
        format!("{attempts_mismatch} users whose reported attempts differ from the requests"),
    );
    check(malformed == 0, format!("{malformed} malformed requests"));
    check(
        early == 0,
        format!("{early} retries before their Retry-After elapsed"),
    );
    let bound = USERS * MAX_ATTEMPTS as usize;
    check(
        requests <= bound,
        format!("{requests} requests, over users × max_attempts = {bound}"),
    );
    let throttle_bound =
        CONCURRENCY as f64 * (elapsed.as_secs_f64() / RETRY_AFTER.as_secs_f64() + 1.0);
    check(
        f64::from(served_429) <= throttle_bound,
        format!("{served_429} 429s, over concurrency per Retry-After ({throttle_bound:.0})"),
    );
    failures
}

#[tokio::test(start_paused = true)]
async fn under_a_rate_limit_every_user_is_created_once_and_no_retry_comes_early() {
    let (returned, fake, elapsed) = run(Duration::from_secs(30)).await;
    let throttled = fake
        .user_requests()
        .iter()
        .filter(|r| r.outcome() == Served::Throttled)
        .count();
    assert!(
        throttled > 0,
        "the rate limit was met: the run tests retries"
    );
    assert_eq!(
        failed_checks(&returned, &fake, elapsed),
        Vec::<String>::new()
    );
    let created = returned.iter().flatten().filter(|end| end.is_ok()).count();
    assert_eq!(created, USERS, "{returned:?}");
}

#[tokio::test(start_paused = true)]
async fn a_retry_storm_fails_the_checks() {
    let (returned, fake, elapsed) = run(Duration::ZERO).await;
    let failures = failed_checks(&returned, &fake, elapsed);
    assert!(
        failures
            .iter()
            .any(|f| f.contains("retries before their Retry-After elapsed")),
        "{failures:#?}"
    );
}
