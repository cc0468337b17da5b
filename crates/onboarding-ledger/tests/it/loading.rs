//! Loading a file no one loaded yet straight `in_flight` for the loading worker: new keys are
//! its own to send, keys held already (loaded before, repeated, another line, in flight for
//! the same worker from an earlier group) are not, in
//! pieces of every size, on SQLite and on PostgreSQL.

use std::time::Duration;

use onboarding_ledger::{Access, ClaimKind, Ledger, NewRow, Outcome, Problem, Provider, State};

const P: Provider = Provider::Wealthyhood;
const LEASE: Duration = Duration::from_secs(60);

fn row(key: &str, line: i64, fingerprint: &str) -> NewRow {
    NewRow {
        key: key.into(),
        line,
        offset: line * 10,
        length: 5,
        fingerprint: Some(fingerprint.into()),
        has_external_id: false,
        rejected: None,
    }
}

async fn states(ledger: &Ledger) -> Vec<(String, String, i64)> {
    let mut rows = Vec::new();
    let mut after: Option<(String, i64, String)> = None;
    loop {
        let page = ledger
            .report_page(
                Some(P),
                None,
                after.as_ref().map(|(p, l, k)| (p.as_str(), *l, k.as_str())),
                100,
            )
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some((last.provider.clone(), last.line, last.key.clone()));
        rows.extend(page.into_iter().map(|r| (r.key, r.state, r.attempts)));
    }
    rows
}

async fn exercise(url: &str) {
    let ledger = Ledger::open(url, Access::Write).await.unwrap();
    // A key loaded before, for another line.
    assert!(
        ledger
            .load(P, &[row("x", 50, "fp-x")])
            .await
            .unwrap()
            .is_empty()
    );
    let mut refused = row("c", 3, "fp-c");
    refused.fingerprint = None;
    refused.rejected = Some(Problem::kind("not_json"));
    let rows = vec![
        row("a", 1, "fp-a"),
        row("b", 2, "fp-b"),
        refused,
        row("a", 4, "fp-a"),
        row("x", 5, "fp-other"),
    ];
    let loaded = ledger.load_claimed(P, &rows, "w1", LEASE).await.unwrap();
    assert_eq!(
        loaded.claimed,
        [0, 1],
        "only the new users are w1's to send"
    );
    let conflicts: Vec<(i64, i64, bool)> = loaded
        .conflicts
        .iter()
        .map(|c| (c.line, c.earlier_line, c.same_body))
        .collect();
    assert_eq!(conflicts, [(4, 1, true), (5, 50, false)]);
    let held = states(&ledger).await;
    let state_of = |key: &str| {
        held.iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, s, a)| (s.clone(), *a))
            .unwrap()
    };
    assert_eq!(state_of("a"), (State::InFlight.name().to_owned(), 1));
    assert_eq!(state_of("b").0, State::InFlight.name());
    assert_eq!(state_of("c"), (State::Rejected.name().to_owned(), 0));
    assert_eq!(state_of("x"), (State::Pending.name().to_owned(), 0));
    // The rows are w1's: its outcomes are recorded over them, and nobody can claim them.
    let work = ClaimKind::Work { max_attempts: 5 };
    let claimed = ledger.claim(P, "w2", LEASE, 10, work).await.unwrap();
    assert_eq!(
        claimed.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(),
        ["x"]
    );
    let outcome = Outcome::Created {
        provider_id: "id-a".into(),
    };
    assert_eq!(
        ledger
            .record(P, "w1", "w1", &[("a".into(), outcome)])
            .await
            .unwrap(),
        0
    );

    // The same worker's next group, with a key it still holds in flight on a later line (the
    // file repeats "b"): a conflict, not claimed again; the new key beside it is claimed.
    let next = ledger
        .load_claimed(
            P,
            &[row("b", 9, "fp-b"), row("b2", 10, "fp-b2")],
            "w1",
            LEASE,
        )
        .await
        .unwrap();
    assert_eq!(next.claimed, [1], "only b2 is w1's to send");
    let conflicts: Vec<(i64, i64, bool)> = next
        .conflicts
        .iter()
        .map(|c| (c.line, c.earlier_line, c.same_body))
        .collect();
    assert_eq!(conflicts, [(9, 2, true)]);

    // Loading the same lines again (another worker, or a restart) claims none of them.
    let again = ledger.load_claimed(P, &rows, "w3", LEASE).await.unwrap();
    assert!(again.claimed.is_empty());
    assert_eq!(again.conflicts.len(), 2);

    // More rows than one statement carries, some of them held already.
    let many: Vec<NewRow> = (0..600)
        .map(|n| row(&format!("m{n}"), 100 + n, &format!("fp-m{n}")))
        .collect();
    assert!(ledger.load(P, &many[..7]).await.unwrap().is_empty());
    let loaded = ledger.load_claimed(P, &many, "w4", LEASE).await.unwrap();
    assert_eq!(loaded.claimed, (7..600).collect::<Vec<usize>>());
    assert!(loaded.conflicts.is_empty());
    let fresh = ledger.load_claimed(P, &many, "w5", LEASE).await.unwrap();
    assert!(fresh.claimed.is_empty() && fresh.conflicts.is_empty());
    ledger.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loading_in_flight_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    exercise(&dir.path().join("l.db").display().to_string()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loading_in_flight_on_postgres() {
    if let Some(url) = crate::postgres::fresh_database("loading").await {
        exercise(&url).await;
    }
}
