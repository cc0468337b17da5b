//! The crash test: `onboard batch` is `SIGKILL`ed again and again — at random moments, and
//! exactly between "in_flight committed" and "request sent" and between "answer received" and
//! "outcome committed" (the binary's test hook) — while the fake plays faults (429 with
//! `Retry-After`, create-then-500, no answer after create, reset), and restarted until it
//! finishes. Then the kit's journal is the judge.

use std::collections::BTreeMap;
use std::time::Duration;

use onboarding_testkit::{Endpoint, Fault, TestKit};

use crate::batch::wait_for_marker;
use crate::support::*;

const USERS: usize = 150;
const KILLS_PER_SEED: usize = 7;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn mix(seed: u64, n: usize) -> u64 {
    let mut rng = Rng(seed ^ (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    rng.next();
    rng.next()
}

/// Faults drawn per request from the seed: about 3 % 429 (with `Retry-After: 0`: the retry is
/// what is tested here, not the wait, which cost seconds of real time), 3 % create-then-500,
/// 2 % no answer after create, 2 % reset; every other answer comes after 15 ms.
fn script_faults(kit: &TestKit, seed: u64) {
    kit.bitpanda.fail_with(move |call| {
        if call.endpoint() != Endpoint::User {
            return None;
        }
        match mix(seed, call.sequence()) % 100 {
            0..=2 => Some(Fault::too_many_requests(0)),
            3..=5 => Some(Fault::ServerErrorAfterCreate),
            6..=7 => Some(Fault::NoAnswerAfterCreate),
            8..=9 => Some(Fault::ResetConnection),
            // Every other answer takes a little while, so that kills land mid-batch.
            _ => Some(Fault::Slow(Duration::from_millis(15))),
        }
    });
}

/// How many kills landed, per kind.
#[derive(Debug, Default)]
struct Kills {
    after_in_flight_commit: usize,
    after_answer: usize,
    random: usize,
}

impl Kills {
    fn total(&self) -> usize {
        self.after_in_flight_commit + self.after_answer + self.random
    }
}

/// One seed: kill `KILLS_PER_SEED` times, finish, check. Returns the kills that landed.
async fn crash_and_check(ledger: String, seed: u64) -> Kills {
    let kit = onboarding_testkit::start().await;
    script_faults(&kit, seed);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.jsonl");
    let lines: Vec<_> = (0..USERS)
        .map(|n| bitpanda_user(&format!("k{n}"), n, n % 3 != 0))
        .collect();
    write_lines(&file, &lines);
    let mut args = batch_args(&kit, "bitpanda", &ledger, &file);
    args.splice(1..1, ["--concurrency".to_string(), "2".into()]);
    let mut rng = Rng(seed.wrapping_mul(31) | 1);
    let mut kills = Kills::default();
    for round in 0..KILLS_PER_SEED * 4 {
        if kills.total() >= KILLS_PER_SEED {
            break;
        }
        let hook = match round % 3 {
            0 => Some(format!("after_in_flight_commit:{}", 1 + rng.next() % 3)),
            1 => Some(format!("after_answer:{}", 1 + rng.next() % 6)),
            _ => None,
        };
        let mut child = spawn(&kit, &args, hook.as_deref());
        match &hook {
            Some(hook) => {
                let reached =
                    tokio::time::timeout(Duration::from_secs(20), wait_for_marker(&mut child))
                        .await
                        .unwrap_or(false);
                if reached && child.try_wait().unwrap().is_none() {
                    child.kill().await.unwrap();
                    if hook.starts_with("after_in_flight") {
                        kills.after_in_flight_commit += 1;
                    } else {
                        kills.after_answer += 1;
                    }
                }
            }
            None => {
                tokio::spawn(drain(child.stderr.take().unwrap()));
                tokio::time::sleep(Duration::from_millis(40 + rng.next() % 400)).await;
                if child.try_wait().unwrap().is_none() {
                    child.kill().await.unwrap();
                    kills.random += 1;
                }
            }
        }
        let status = child.wait().await;
        if std::env::var_os("ONBOARD_TEST_VERBOSE").is_some() {
            eprintln!("seed {seed} round {round} hook {hook:?}: {status:?} kills {kills:?}");
        }
    }
    // Restart until it finishes.
    let mut finished = None;
    for _ in 0..8 {
        let ran = run(&kit, &args).await;
        if [0, 10, 11].contains(&ran.code) {
            finished = Some(ran);
            break;
        }
    }
    let finished = finished.expect("the batch finishes after the crashes");
    check(&kit, &ledger, &lines, &finished.stdout).await;
    kills
}

async fn drain(stderr: tokio::process::ChildStderr) {
    use tokio::io::AsyncReadExt;
    let mut stderr = stderr;
    let mut sink = Vec::new();
    let _ = stderr.read_to_end(&mut sink).await;
}

/// The journal's verdict.
async fn check(kit: &TestKit, ledger: &str, lines: &[serde_json::Value], summary: &str) {
    let rows = report(kit, ledger, None).await;
    assert_eq!(rows.len(), lines.len(), "every line is one row: {summary}");
    let held: BTreeMap<String, _> = kit
        .bitpanda
        .users()
        .into_iter()
        .map(|user| (user.id().to_owned(), user))
        .collect();
    for (n, line) in lines.iter().enumerate() {
        let key = line["key"].as_str().unwrap();
        let email = format!("person{n}@example.com");
        let row = &rows[key];
        let state = row["state"].as_str().unwrap();
        assert!(
            ["created", "confirmed_existing", "in_doubt"].contains(&state),
            "{key}: {row}"
        );
        assert!(
            kit.bitpanda.creates_for_email(&email) <= 1,
            "{key} created twice"
        );
        if let Some(external_id) = line["external_id"].as_str() {
            assert!(kit.bitpanda.creates_for_external_id(external_id) <= 1);
        }
        match state {
            "created" => {
                let id = row["provider_id"]
                    .as_str()
                    .expect("a created row has its id");
                let user = held.get(id).expect("the fake holds every created id");
                assert_eq!(user.email(), Some(email.as_str()), "{key}");
            }
            "confirmed_existing" => {
                assert_eq!(kit.bitpanda.creates_for_email(&email), 1, "{key} exists");
            }
            _ => {}
        }
    }
    // Every user the fake holds is accounted for by its row: created with that id, confirmed,
    // or in doubt — none exists that the ledger believes was never sent.
    for user in held.values() {
        let n: usize = user.email().unwrap()["person".len()..]
            .split('@')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let row = &rows[&format!("k{n}")];
        match row["state"].as_str().unwrap() {
            "created" => assert_eq!(row["provider_id"].as_str(), Some(user.id())),
            "confirmed_existing" | "in_doubt" => {}
            other => panic!("k{n} is held by the fake but {other} in the ledger"),
        }
    }
    let in_doubt = report(kit, ledger, Some("in_doubt")).await;
    let expected: Vec<&String> = rows
        .iter()
        .filter(|(_, row)| row["state"] == "in_doubt")
        .map(|(key, _)| key)
        .collect();
    assert_eq!(
        in_doubt.keys().collect::<Vec<_>>(),
        expected,
        "report lists every in_doubt row"
    );
    for row in in_doubt.values() {
        assert!(
            row["error_kind"].is_string(),
            "an in_doubt row names its last error: {row}"
        );
    }
}

async fn crash_three_seeds(ledgers: [String; 3]) {
    let [a, b, c] = ledgers;
    let (a, b, c) = tokio::join!(
        crash_and_check(a, 11),
        crash_and_check(b, 2024),
        crash_and_check(c, 987_654_321)
    );
    let all = [a, b, c];
    eprintln!("kills: {all:?}");
    let total: usize = all.iter().map(Kills::total).sum();
    assert!(total >= 20, "at least 20 kills landed: {all:?}");
    assert!(
        all.iter().map(|k| k.after_in_flight_commit).sum::<usize>() >= 3,
        "{all:?}"
    );
    assert!(
        all.iter().map(|k| k.after_answer).sum::<usize>() >= 3,
        "{all:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_on_sqlite() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let ledgers = [0, 1, 2].map(|i| sqlite_ledger(dirs[i].path()));
    crash_three_seeds(ledgers).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_on_postgres() {
    let mut ledgers = Vec::new();
    for seed in 0..3 {
        match crate::postgres::fresh_database(&format!("crash_{seed}")).await {
            Some(url) => ledgers.push(url),
            None => return,
        }
    }
    let ledgers: [String; 3] = ledgers.try_into().unwrap();
    crash_three_seeds(ledgers).await;
}
