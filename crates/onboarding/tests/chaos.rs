//! Nothing lost, nothing duplicated: 50 Bitpanda creates through a loopback server that fails at
//! random (seeded), and every user ends in exactly one known state, consistent with what the
//! server holds.
//!
//! The server keeps the set of `external_id`s it has created and answers 409 for a duplicate,
//! like Bitpanda. Each request's fate is drawn from a tiny xorshift seeded with the test seed,
//! the `external_id` and the attempt number, so the run is the same whatever the interleaving.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{token, user};
use onboarding::{OnboardingClient, OnboardingError, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const SEED: u64 = 0x5EED_2026_0004;
const USERS: usize = 50;
const TIMEOUT: Duration = Duration::from_millis(150);
const SLOW: Duration = Duration::from_millis(400);

/// xorshift64*.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> Self {
        let mut rng = Self(seed | 1);
        for _ in 0..4 {
            rng.next();
        }
        rng
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..100`.
    fn percent(&mut self) -> u64 {
        self.next() % 100
    }
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What the server did with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    TooMany,
    Unavailable,
    Failed,
    /// Creates the user, then answers after the client's timeout.
    SlowCreated,
    /// Answers after the client's timeout without creating anything.
    SlowNothing,
    /// 201 if new, 409 if the external_id exists.
    Normal,
    /// The user is invalid for the provider: 422 on every attempt, never created.
    Invalid,
}

#[derive(Default)]
struct State {
    /// external_id → the id the server gave it.
    created: HashMap<String, String>,
    /// Every creation, in order (a duplicate here would be a double creation).
    creations: Vec<String>,
    /// external_id → requests seen.
    attempts: HashMap<String, u32>,
    /// external_id → 409s answered.
    conflicts: HashMap<String, u32>,
    fates: BTreeMap<&'static str, u32>,
}

struct Chaos {
    state: Arc<Mutex<State>>,
}

impl Chaos {
    fn fate(external_id: &str, attempt: u32) -> Fate {
        let key = SEED ^ fnv1a(external_id);
        if XorShift::new(key).percent() < 8 {
            return Fate::Invalid;
        }
        let roll =
            XorShift::new(key ^ u64::from(attempt).wrapping_mul(0x9E37_79B9_7F4A_7C15)).percent();
        match roll {
            0..=11 => Fate::TooMany,
            12..=21 => Fate::Unavailable,
            22..=27 => Fate::Failed,
            28..=42 => Fate::SlowCreated,
            43..=49 => Fate::SlowNothing,
            _ => Fate::Normal,
        }
    }
}

fn errors(code: &str, detail: &str) -> Value {
    json!({"errors": [{"code": code, "detail": detail}]})
}

impl Respond for Chaos {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).expect("a JSON body");
        let external_id = body["external_id"]
            .as_str()
            .expect("every create carries an external_id")
            .to_owned();
        let mut state = self.state.lock().unwrap();
        let attempt = {
            let n = state.attempts.entry(external_id.clone()).or_default();
            *n += 1;
            *n
        };
        let fate = Self::fate(&external_id, attempt);
        *state.fates.entry(format!("{fate:?}").leak()).or_default() += 1;
        let create = |state: &mut State| -> Option<String> {
            if state.created.contains_key(&external_id) {
                *state.conflicts.entry(external_id.clone()).or_default() += 1;
                return None;
            }
            let id = format!("bp-{}", state.creations.len() + 1);
            state.created.insert(external_id.clone(), id.clone());
            state.creations.push(external_id.clone());
            Some(id)
        };
        let conflict = || {
            ResponseTemplate::new(409).set_body_json(errors(
                "duplicate_external_id",
                "A user with this external_id already exists",
            ))
        };
        match fate {
            Fate::TooMany => ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(errors("rate_limited", "Too many requests")),
            Fate::Unavailable => ResponseTemplate::new(503)
                .insert_header("retry-after", "0")
                .set_body_json(errors("maintenance", "Down for maintenance")),
            Fate::Failed => {
                ResponseTemplate::new(500).set_body_json(errors("internal", "Internal error"))
            }
            Fate::Invalid => ResponseTemplate::new(422)
                .set_body_json(errors("invalid_first_name", "first_name is invalid")),
            Fate::SlowNothing => ResponseTemplate::new(500)
                .set_body_json(errors("internal", "late"))
                .set_delay(SLOW),
            Fate::SlowCreated => match create(&mut state) {
                Some(id) => ResponseTemplate::new(201).set_body_json(json!({"data": {"id": id}})),
                None => conflict(),
            }
            .set_delay(SLOW),
            Fate::Normal => match create(&mut state) {
                Some(id) => ResponseTemplate::new(201).set_body_json(json!({"data": {"id": id}})),
                None => conflict(),
            },
        }
    }
}

/// How one registration ended, as the caller sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    /// Created, with the provider's id.
    Created(String),
    /// Created by an earlier unanswered attempt, confirmed by a 409 on the retry.
    Confirmed,
    /// Not created, with the reason (the error's kind and codes).
    NotCreated(&'static str, Vec<String>),
    /// Reported to the caller as outcome unknown.
    Unknown,
}

#[tokio::test]
async fn every_user_ends_known_and_none_is_created_twice() {
    let server = MockServer::start().await;
    let state = Arc::new(Mutex::new(State::default()));
    Mock::given(method("POST"))
        .and(path("/v2/users"))
        .respond_with(Chaos {
            state: state.clone(),
        })
        .mount(&server)
        .await;
    let policy = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_retry_after: Duration::from_millis(50),
        max_total: Duration::from_secs(10),
    };
    let client = OnboardingClient::builder(server.uri())
        .retry_policy(policy.clone())
        .timeout(TIMEOUT)
        .bitpanda(token())
        .unwrap();

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..USERS {
        let client = client.clone();
        tasks.spawn(async move {
            let mut new_user = user();
            let external_id = format!("partner-user-{i:04}");
            new_user.external_id = Some(external_id.clone());
            new_user.email = format!("user{i}@example.com");
            let result = client.create_user(&new_user).await;
            (external_id, result)
        });
    }
    let mut ends = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        let (external_id, result) = joined.expect("no task panicked");
        let end = match result {
            Ok(created) => {
                assert!(created.attempts >= 1 && created.attempts <= policy.max_attempts);
                match created.id {
                    Some(id) => End::Created(id),
                    None => End::Confirmed,
                }
            }
            Err(OnboardingError::OutcomeUnknown { attempts, .. }) => {
                assert!(attempts <= policy.max_attempts);
                End::Unknown
            }
            Err(
                error @ (OnboardingError::Rejected { .. }
                | OnboardingError::RateLimited { .. }
                | OnboardingError::Unavailable { .. }
                | OnboardingError::ServerError { .. }),
            ) => End::NotCreated(
                error.kind(),
                error
                    .provider_codes()
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
            ),
            Err(other) => panic!("{external_id}: an end outside the contract: {other:?}"),
        };
        assert!(ends.insert(external_id, end).is_none(), "one end per user");
    }
    let elapsed = started.elapsed();
    assert_eq!(ends.len(), USERS, "every user is accounted for");

    let state = state.lock().unwrap();
    // Never created twice.
    let distinct: BTreeSet<&String> = state.creations.iter().collect();
    assert_eq!(
        distinct.len(),
        state.creations.len(),
        "a user was created twice"
    );
    // Never more attempts than the policy allows.
    for (external_id, attempts) in &state.attempts {
        assert!(
            *attempts <= policy.max_attempts,
            "{external_id}: {attempts} attempts"
        );
    }
    // What the caller was told agrees with what the server holds.
    for (external_id, end) in &ends {
        let held = state.created.get(external_id);
        match end {
            End::Created(id) => assert_eq!(held, Some(id), "{external_id}"),
            End::Confirmed => {
                assert!(
                    held.is_some(),
                    "{external_id}: confirmed but not on the server"
                );
                assert!(state.conflicts.get(external_id).is_some_and(|n| *n >= 1));
            }
            End::NotCreated(kind, codes) => {
                assert!(
                    held.is_none(),
                    "{external_id}: LOST: the server created it as {held:?}, the caller was told {kind} {codes:?}"
                );
                assert!(!codes.is_empty(), "{external_id}: the reason is known");
            }
            End::Unknown => {}
        }
    }
    // The seed exercises every end.
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for end in ends.values() {
        let name = match end {
            End::Created(_) => "created",
            End::Confirmed => "confirmed_by_409",
            End::NotCreated(kind, _) => kind,
            End::Unknown => "outcome_unknown",
        };
        *tally.entry(name).or_default() += 1;
    }
    let requests: u32 = state.attempts.values().sum();
    println!(
        "chaos: {USERS} users, {requests} requests, {} created on the server, ends {tally:?}, fates {:?}, {elapsed:?}",
        state.creations.len(),
        state.fates
    );
    for name in ["created", "confirmed_by_409", "rejected", "outcome_unknown"] {
        assert!(
            tally.contains_key(name),
            "the seed never reached {name}: {tally:?}"
        );
    }
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
}

#[test]
fn the_xorshift_is_deterministic_and_spread() {
    let a: Vec<u64> = {
        let mut rng = XorShift::new(SEED);
        (0..5).map(|_| rng.next()).collect()
    };
    let b: Vec<u64> = {
        let mut rng = XorShift::new(SEED);
        (0..5).map(|_| rng.next()).collect()
    };
    assert_eq!(a, b);
    let mut rng = XorShift::new(1);
    let mut buckets = [0u32; 10];
    for _ in 0..10_000 {
        buckets[(rng.percent() / 10) as usize] += 1;
    }
    assert!(
        buckets.iter().all(|n| (800..1200).contains(n)),
        "{buckets:?}"
    );
}
