//! Nothing lost, nothing duplicated, under a provider that fails at random in the ways that break
//! naive retries: it creates the user and then answers 500, or creates it and never answers.
//!
//! For each of three setups — Bitpanda with an `external_id` (provably idempotent: the server
//! answers 409 to a second user with the same `external_id`), Bitpanda without one (the server
//! creates a new user for every request, as a create without a key would), and Wealthyhood (the
//! server answers 409 to a second user with the same email) — and for each of three seeds, 200
//! users are registered through the facade against the test kit's fake provider (which checks
//! every request against the spec and keeps the users, as the provider does). Every user ends in
//! exactly one state, what the caller was told agrees with what the fake holds, and no
//! `external_id` or email is ever created twice.
//!
//! Each request's fate is drawn from a tiny xorshift seeded with the seed, the user's key and the
//! attempt number, so each user's story is the same whatever the interleaving, and played as one
//! of the kit's faults (`FakeProvider::fail_with`). The fake runs on the test's runtime and the
//! clock is Tokio's paused clock: the 10 s timeouts and the `Retry-After` waits cost no real
//! time.

use crate::common;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::user;
use onboarding::{
    ClientBuilder, CreatedUser, FixedToken, OnboardingClient, OnboardingError, RetryAdvice,
    RetryPolicy,
};
use onboarding_testkit::{FakeProvider, Fault, MaintenanceBody, OffSpecBody, Outcome, TestKit};
use serde_json::{Value, json};

const SEEDS: [u64; 3] = [0x5EED_2026_0001, 0x5EED_2026_0002, 0x5EED_2026_0003];
const USERS: usize = 200;
/// Users in flight at once.
const IN_FLIGHT: usize = 50;
const TIMEOUT: Duration = Duration::from_secs(10);

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

/// The provider and how the user is keyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setup {
    /// Bitpanda, every user with an `external_id`: a duplicate `external_id` is answered 409.
    BitpandaWithExternalId,
    /// Bitpanda, no `external_id`: every request that reaches the create makes a new user.
    BitpandaWithoutExternalId,
    /// Wealthyhood: a duplicate email is answered 409.
    Wealthyhood,
}

impl Setup {
    /// The kit's fake for this setup.
    fn fake(self, kit: &TestKit) -> &FakeProvider {
        match self {
            Self::Wealthyhood => &kit.wealthyhood,
            _ => &kit.bitpanda,
        }
    }

    fn client(self, fake: &FakeProvider) -> OnboardingClient {
        let policy = RetryPolicy::default()
            .with_max_attempts(3)
            .with_initial_backoff(Duration::from_millis(200))
            .with_max_backoff(Duration::from_secs(2))
            .with_max_retry_after(Duration::from_secs(5))
            .with_max_total(Duration::from_secs(60));
        // A day-long token: the paused clock runs through hours of timeouts and waits.
        fake.set_token_lifetime(Duration::from_secs(86_400));
        let token = FixedToken::new(&fake.access_token()).expect("token");
        let builder = ClientBuilder::new(fake.url())
            .retry_policy(policy)
            .timeout(TIMEOUT);
        match self {
            Self::Wealthyhood => builder.wealthyhood(token).map(OnboardingClient::from),
            _ => builder.bitpanda(token).map(OnboardingClient::from),
        }
        .expect("client")
    }

    /// The unique key of a request body: the `external_id`, else the email.
    fn key(self, body: &Value) -> Option<String> {
        let field = match self {
            Self::BitpandaWithExternalId => "/external_id",
            Self::BitpandaWithoutExternalId => "/email",
            Self::Wealthyhood => "/email",
        };
        body.pointer(field)
            .and_then(Value::as_str)
            .map(str::to_owned)
    }
}

/// What the server does with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fate {
    /// 429 with a `Retry-After`; nothing created.
    TooMany,
    /// 503 with a `Retry-After`; nothing created.
    Unavailable,
    /// 500; nothing created.
    FailsBefore,
    /// Creates the user, then answers 500.
    CreatesThenFails,
    /// Creates the user, then never answers (the client times out).
    CreatesThenSilent,
    /// Never answers, creates nothing.
    Silent,
    /// Creates the user and answers 201 with a body off the spec, id still readable.
    CreatesOffSpec,
    /// Creates the user and answers 201 with a body holding no id.
    CreatesWithoutId,
    /// 201 if new, 409 if the key exists (for a unique key).
    Normal,
    /// The user is invalid for the provider: 422 on every attempt, never created.
    Invalid,
}

impl Fate {
    fn draw(setup: Setup, seed: u64, key: &str, attempt: u32) -> Self {
        let base = fnv1a(&format!("{setup:?}/{seed:x}/{key}"));
        if XorShift::new(base).percent() < 5 {
            return Self::Invalid;
        }
        let roll =
            XorShift::new(base ^ u64::from(attempt).wrapping_mul(0x9E37_79B9_7F4A_7C15)).percent();
        match roll {
            0..=9 => Self::TooMany,
            10..=16 => Self::Unavailable,
            17..=22 => Self::FailsBefore,
            23..=32 => Self::CreatesThenFails,
            33..=42 => Self::CreatesThenSilent,
            43..=47 => Self::Silent,
            48..=51 => Self::CreatesOffSpec,
            52..=54 => Self::CreatesWithoutId,
            _ => Self::Normal,
        }
    }

    /// The kit's fault that plays this fate (`None`: answer as the provider would).
    fn fault(self, setup: Setup, attempt: u32) -> Option<Fault> {
        let wait = Some(u64::from(attempt % 3));
        Some(match self {
            Self::TooMany => Fault::TooManyRequests { retry_after: wait },
            Self::Unavailable => Fault::Maintenance {
                body: MaintenanceBody::Json,
                retry_after: wait,
            },
            Self::FailsBefore => Fault::documented(500, "internal"),
            Self::CreatesThenFails => Fault::ServerErrorAfterCreate,
            Self::CreatesThenSilent => Fault::NoAnswerAfterCreate,
            Self::Silent => Fault::NoAnswer,
            Self::CreatesOffSpec => Fault::OffSpecSuccess(OffSpecBody::Default),
            Self::CreatesWithoutId => {
                Fault::OffSpecSuccess(OffSpecBody::Json(json!({"status": "created"})))
            }
            // Bitpanda documents 422 for an invalid body, Wealthyhood 400.
            Self::Invalid => match setup {
                Setup::Wealthyhood => Fault::documented(400, "invalid_first_name"),
                _ => Fault::documented(422, "invalid_first_name"),
            },
            Self::Normal => return None,
        })
    }
}

/// Each request's fate, drawn per key and attempt; counts the fates drawn.
struct Fates {
    setup: Setup,
    seed: u64,
    attempts: Mutex<HashMap<String, u32>>,
    drawn: Mutex<BTreeMap<Fate, u32>>,
}

impl Fates {
    fn fault(&self, body: Option<&Value>) -> Option<Fault> {
        let key = self.setup.key(body?)?;
        let attempt = {
            let mut attempts = self.attempts.lock().unwrap();
            let n = attempts.entry(key.clone()).or_default();
            *n += 1;
            *n
        };
        let fate = Fate::draw(self.setup, self.seed, &key, attempt);
        *self.drawn.lock().unwrap().entry(fate).or_default() += 1;
        fate.fault(self.setup, attempt)
    }
}

/// What the fake holds, read from its journal and its users.
#[derive(Default)]
struct Ledger {
    /// Key → the ids created for it (more than one would be a duplicate).
    created: HashMap<String, Vec<String>>,
    /// Every creation.
    creations: usize,
    /// Key → requests seen.
    attempts: HashMap<String, u32>,
    /// Key → 409s answered.
    conflicts: HashMap<String, u32>,
}

impl Ledger {
    fn read(setup: Setup, fake: &FakeProvider) -> Self {
        let mut ledger = Ledger::default();
        for request in fake.user_requests() {
            let key = request
                .json()
                .and_then(|body| setup.key(body))
                .expect("every create carries its key");
            *ledger.attempts.entry(key.clone()).or_default() += 1;
            if request.outcome() == Outcome::Duplicate {
                *ledger.conflicts.entry(key).or_default() += 1;
            }
        }
        for held in fake.users() {
            let key = setup.key(held.body()).expect("a held user has its key");
            ledger.creations += 1;
            ledger
                .created
                .entry(key)
                .or_default()
                .push(held.id().to_owned());
        }
        ledger
    }
}

/// How one registration ended, as the caller sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    /// Created by this call, with the provider's id (read leniently when `off_spec`).
    Created { id: String, off_spec: bool },
    /// Created by an earlier unanswered attempt of this call, confirmed by a 409 on the retry.
    ConfirmedExisting,
    /// An error whose advice is to reconcile first: the user may exist.
    Reconcile,
    /// An error whose advice is that the same request may be sent again.
    RetryLater,
    /// An error whose advice is not to send it again.
    Rejected,
}

/// Per-seed figures.
#[derive(Debug, Default)]
struct Figures {
    users: usize,
    created: usize,
    created_off_spec: usize,
    confirmed_existing: usize,
    reconcile: usize,
    retry_later: usize,
    rejected: usize,
    requests: u32,
    server_creations: usize,
    duplicates: usize,
}

/// Registers `USERS` users with `setup` against a chaotic server, checks every invariant, and
/// returns the figures.
async fn run(setup: Setup, seed: u64) -> Figures {
    let kit = onboarding_testkit::start().await;
    let fake = setup.fake(&kit);
    let fates = Arc::new(Fates {
        setup,
        seed,
        attempts: Mutex::default(),
        drawn: Mutex::default(),
    });
    {
        let fates = fates.clone();
        fake.fail_with(move |call| fates.fault(call.json()));
    }
    let client = setup.client(fake);
    let slots = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..USERS {
        let client = client.clone();
        let slot = slots.clone().acquire_owned().await.expect("open semaphore");
        tasks.spawn(async move {
            let mut new_user = user();
            new_user.email = format!("user{i}.{seed:x}@example.com");
            new_user.external_id = match setup {
                Setup::BitpandaWithExternalId => Some(format!("partner-user-{i:04}")),
                _ => None,
            };
            let key = match setup {
                Setup::BitpandaWithExternalId => new_user.external_id.clone().unwrap(),
                _ => new_user.email.clone(),
            };
            let result = client.create_user(&new_user).await;
            drop(slot);
            (key, result)
        });
    }
    let mut ends = BTreeMap::new();
    while let Some(joined) = tasks.join_next().await {
        let (key, result) = joined.expect("no task panicked");
        let end = end_of(setup, &key, result);
        assert!(ends.insert(key, end).is_none(), "one end per user");
    }
    assert_eq!(ends.len(), USERS, "every user is accounted for");

    let ledger = Ledger::read(setup, fake);
    let mut figures = Figures {
        users: ends.len(),
        requests: ledger.attempts.values().sum(),
        server_creations: ledger.creations,
        ..Figures::default()
    };
    figures.duplicates = ledger.created.values().map(|ids| ids.len() - 1).sum();
    assert_eq!(
        figures.duplicates, 0,
        "{setup:?} seed {seed:x}: a user was created twice"
    );
    for (key, attempts) in &ledger.attempts {
        assert!(*attempts <= 3, "{key}: {attempts} attempts");
    }
    assert_eq!(figures.users, USERS);
    assert!(figures.requests as usize >= figures.users, "{figures:?}");
    assert_eq!(
        figures.server_creations,
        ledger.created.len(),
        "{figures:?}"
    );
    // What the caller was told agrees with what the server holds.
    for (key, end) in &ends {
        let held = ledger.created.get(key).map(|ids| ids[0].as_str());
        match end {
            End::Created { id, off_spec } => {
                assert_eq!(held, Some(id.as_str()), "{key}");
                figures.created += 1;
                figures.created_off_spec += usize::from(*off_spec);
            }
            End::ConfirmedExisting => {
                assert!(held.is_some(), "{key}: confirmed but not on the server");
                assert!(ledger.conflicts.get(key).is_some_and(|n| *n >= 1), "{key}");
                figures.confirmed_existing += 1;
            }
            End::Reconcile => figures.reconcile += 1,
            End::RetryLater => {
                // Sending it again must not make a second user: either nothing was created, or
                // the create is keyed by an external_id.
                assert!(
                    held.is_none() || setup == Setup::BitpandaWithExternalId,
                    "{key}: told to retry, but the server holds it: a retry would duplicate it"
                );
                figures.retry_later += 1;
            }
            End::Rejected => {
                assert!(
                    held.is_none(),
                    "LOST {key}: the server created it, the caller was told not to retry"
                );
                figures.rejected += 1;
            }
        }
    }
    println!(
        "chaos {setup:?} seed {seed:#x}: {figures:?}; server fates {:?}",
        fates.drawn.lock().unwrap()
    );
    figures
}

/// The end of one registration, checked against the contract of [`CreatedUser`] and
/// [`RetryAdvice`].
fn end_of(setup: Setup, key: &str, result: Result<CreatedUser, OnboardingError>) -> End {
    match result {
        Ok(CreatedUser::Created {
            id,
            attempts,
            off_spec,
            ..
        }) => {
            assert!((1..=3).contains(&attempts), "{key}: {attempts}");
            End::Created { id, off_spec }
        }
        Ok(CreatedUser::ConfirmedExisting { attempts, .. }) => {
            assert_eq!(
                setup,
                Setup::BitpandaWithExternalId,
                "{key}: only a create keyed by an external_id is confirmed by a conflict"
            );
            assert!((2..=3).contains(&attempts), "{key}: {attempts}");
            End::ConfirmedExisting
        }
        Ok(other) => panic!("{key}: an end outside the contract: {other:?}"),
        Err(error) => {
            if let OnboardingError::Conflict { .. } = error {
                panic!("{key}: a first-time user met a conflict: {error:?}");
            }
            match error.retry_advice() {
                RetryAdvice::ReconcileFirst => End::Reconcile,
                RetryAdvice::RetrySafe => End::RetryLater,
                RetryAdvice::DoNotRetry => {
                    assert!(
                        !error.provider_codes().is_empty(),
                        "{key}: a refusal carries the provider's reason: {error:?}"
                    );
                    End::Rejected
                }
                other => panic!("{key}: unknown advice {other:?}"),
            }
        }
    }
}

/// Runs every seed for `setup`, checks that the seeds reach every end the setup can produce,
/// and returns the figures.
async fn every_seed(setup: Setup, expected_ends: &[&str]) {
    let mut total = Figures::default();
    for seed in SEEDS {
        let figures = run(setup, seed).await;
        total.created += figures.created;
        total.created_off_spec += figures.created_off_spec;
        total.confirmed_existing += figures.confirmed_existing;
        total.reconcile += figures.reconcile;
        total.retry_later += figures.retry_later;
        total.rejected += figures.rejected;
    }
    let reached = [
        ("created", total.created),
        ("created_off_spec", total.created_off_spec),
        ("confirmed_existing", total.confirmed_existing),
        ("reconcile", total.reconcile),
        ("retry_later", total.retry_later),
        ("rejected", total.rejected),
    ];
    for (name, count) in reached {
        assert_eq!(
            count > 0,
            expected_ends.contains(&name),
            "{setup:?}: end {name} reached {count} times; expected ends {expected_ends:?}"
        );
    }
}

/// The ends every setup reaches; only a create keyed by an `external_id` is also confirmed by a
/// conflict.
const ENDS: [&str; 5] = [
    "created",
    "created_off_spec",
    "reconcile",
    "retry_later",
    "rejected",
];

#[tokio::test(start_paused = true)]
async fn bitpanda_with_external_id_never_duplicates_and_confirms_by_conflict() {
    let mut ends = ENDS.to_vec();
    ends.push("confirmed_existing");
    every_seed(Setup::BitpandaWithExternalId, &ends).await;
}

#[tokio::test(start_paused = true)]
async fn bitpanda_without_external_id_never_resends_what_may_have_been_created() {
    every_seed(Setup::BitpandaWithoutExternalId, &ENDS).await;
}

#[tokio::test(start_paused = true)]
async fn wealthyhood_never_duplicates_an_email() {
    every_seed(Setup::Wealthyhood, &ENDS).await;
}

#[test]
fn the_xorshift_is_deterministic_and_spread() {
    let a: Vec<u64> = {
        let mut rng = XorShift::new(SEEDS[0]);
        (0..5).map(|_| rng.next()).collect()
    };
    let b: Vec<u64> = {
        let mut rng = XorShift::new(SEEDS[0]);
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
