//! Four `onboard batch` workers on one PostgreSQL ledger work through one file together: loaded
//! once beforehand (`--load-only`, 10,000 users) or loaded by the workers themselves as they send
//! (a fresh file, 3,000 users); each claims with `FOR UPDATE SKIP LOCKED`, every user is created
//! exactly once and none is in doubt.

use std::collections::{BTreeMap, BTreeSet};

use onboarding_testkit::{JournalDetail, Outcome};

use crate::support::*;

const USERS: usize = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_workers_on_postgres_create_ten_thousand_users_once() {
    let Some(ledger) = crate::postgres::fresh_database("four_workers").await else {
        return;
    };
    let (kit, _dir, file) = kit_and_file(USERS).await;

    let mut load = batch_args(&kit, "wealthyhood", &ledger, &file);
    load.insert(1, "--load-only".into());
    let loaded = run(&kit, &load).await;
    assert_eq!(loaded.code, 0, "{loaded:?}");
    assert_eq!(
        kit.wealthyhood.user_requests().len(),
        0,
        "loading sends nothing"
    );

    four_workers_finish(&kit, &ledger, &file, USERS).await;
}

/// A started kit (its Wealthyhood journal keeping keys) and a JSON Lines file of `users`
/// Wealthyhood users `c0`, `c1`, … in a temporary directory (kept while the guard lives).
async fn kit_and_file(
    users: usize,
) -> (
    onboarding_testkit::TestKit,
    tempfile::TempDir,
    std::path::PathBuf,
) {
    let kit = onboarding_testkit::start().await;
    kit.wealthyhood.set_journal_detail(JournalDetail::Keys);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.jsonl");
    let lines: Vec<_> = (0..users)
        .map(|n| wealthyhood_user(&format!("c{n}"), n))
        .collect();
    write_lines(&file, &lines);
    (kit, dir, file)
}

/// Runs four workers over `file` at once and checks what they did: each ends with exit 0, the
/// fake holds `users` users with distinct e-mails, every row is `created`, every worker took a
/// share and its summary says so.
async fn four_workers_finish(
    kit: &onboarding_testkit::TestKit,
    ledger: &str,
    file: &std::path::Path,
    users: usize,
) {
    let workers = (0..4).map(|w| {
        let mut args = batch_args(kit, "wealthyhood", ledger, file);
        set_flag(&mut args, "--worker", &format!("w{w}"));
        set_flag(&mut args, "--concurrency", "8");
        set_flag(&mut args, "--timeout", "10");
        set_flag(&mut args, "--lease", "10");
        async move { run(kit, &args).await }
    });
    let results = futures_join_all(workers).await;
    for ran in &results {
        assert_eq!(ran.code, 0, "{ran:?}");
    }

    let held = kit.wealthyhood.users();
    assert_eq!(held.len(), users);
    let emails: BTreeSet<&str> = held.iter().filter_map(|u| u.email()).collect();
    assert_eq!(emails.len(), users, "no e-mail created twice");
    assert_eq!(kit.wealthyhood.outcomes().get(Outcome::Created), users);

    let rows = report(kit, ledger, None).await;
    assert_eq!(rows.len(), users);
    let mut shares: BTreeMap<String, usize> = BTreeMap::new();
    for row in rows.values() {
        assert_eq!(row["state"], "created", "{row}");
        *shares
            .entry(row["worker"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    eprintln!("shares: {shares:?}");
    assert_eq!(shares.len(), 4, "every worker took a share: {shares:?}");
    // Each worker's summary reports the shares.
    for (w, ran) in results.iter().enumerate() {
        assert!(
            ran.stdout.contains(&format!("worker w{w}: ")),
            "{}",
            ran.stdout
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_workers_on_a_fresh_file_without_load_only_create_each_user_once_on_postgres() {
    let Some(ledger) = crate::postgres::fresh_database("four_workers_fresh").await else {
        return;
    };
    let users = 3_000;
    let (kit, _dir, file) = kit_and_file(users).await;
    // No `--load-only`: the workers load the file as they send, at the same time.
    four_workers_finish(&kit, &ledger, &file, users).await;
}

/// Awaits every future (the four workers run at once).
async fn futures_join_all<F: std::future::Future<Output = Ran>>(
    futures: impl Iterator<Item = F>,
) -> Vec<Ran> {
    let futures: Vec<_> = futures.collect();
    let mut set = Vec::new();
    for future in futures {
        set.push(Box::pin(future));
    }
    let [a, b, c, d]: [_; 4] = set.try_into().ok().unwrap();
    let (a, b, c, d) = tokio::join!(a, b, c, d);
    vec![a, b, c, d]
}
