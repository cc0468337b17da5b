//! Every allowed transition through the ledger's own statements, and illegal ones refused, on
//! SQLite and on PostgreSQL.

use std::time::Duration;

use onboarding_ledger::{
    Access, ClaimKind, Ledger, NewRow, Outcome, Problem, Provider, State, now_ms,
};

const P: Provider = Provider::Bitpanda;
const LEASE: Duration = Duration::from_secs(60);
const WORK: ClaimKind = ClaimKind::Work { max_attempts: 5 };

fn row(key: &str, line: i64, rejected: bool) -> NewRow {
    NewRow {
        key: key.into(),
        line,
        offset: line * 10,
        length: 5,
        fingerprint: Some(format!("fp-{key}")),
        has_external_id: true,
        rejected: rejected.then(|| Problem::kind("not_json")),
    }
}

async fn state(ledger: &Ledger, key: &str) -> State {
    let page = ledger.report_page(Some(P), None, None, 1000).await.unwrap();
    page.iter()
        .find(|r| r.key == key)
        .map(|r| r.state.parse().unwrap())
        .unwrap()
}

async fn claim_all(ledger: &Ledger, owner: &str, kind: ClaimKind) -> Vec<String> {
    ledger
        .claim(P, owner, LEASE, 100, kind)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.key)
        .collect()
}

async fn exercise(url: &str) {
    let ledger = Ledger::open(url, Access::Write).await.unwrap();
    let outcomes = [
        (
            "a",
            Outcome::Created {
                provider_id: "id-a".into(),
            },
        ),
        ("b", Outcome::ConfirmedExisting),
        ("c", Outcome::Rejected(Problem::kind("rejected"))),
        (
            "d",
            Outcome::RetryLater {
                problem: Problem::kind("rate_limited"),
                retry_at: now_ms() - 1,
            },
        ),
        ("e", Outcome::InDoubt(Problem::kind("outcome_unknown"))),
    ];
    let mut rows: Vec<NewRow> = outcomes
        .iter()
        .enumerate()
        .map(|(i, (key, _))| row(key, i as i64 + 1, false))
        .collect();
    rows.push(row("f", 6, true));
    rows.push(row("g", 7, false));
    assert!(ledger.load(P, &rows).await.unwrap().is_empty());
    // Loading again changes nothing; another line with a known key is a conflict.
    assert!(ledger.load(P, &rows).await.unwrap().is_empty());
    let mut other = row("a", 99, false);
    other.fingerprint = Some("another".into());
    let conflicts = ledger.load(P, &[other]).await.unwrap();
    assert_eq!(conflicts.len(), 1);
    assert!(!conflicts[0].same_body);

    // pending -> rejected (at load).
    assert_eq!(state(&ledger, "f").await, State::Rejected);
    // Illegal: an outcome for a row nobody claimed (pending -> created).
    let refused = ledger
        .record(P, "w1", "w1", &[("g".into(), Outcome::ConfirmedExisting)])
        .await
        .unwrap();
    assert_eq!(refused, 1);
    assert_eq!(state(&ledger, "g").await, State::Pending);

    // pending -> in_flight, committed by the claim.
    let claimed = claim_all(&ledger, "w1", WORK).await;
    assert_eq!(claimed, ["a", "b", "c", "d", "e", "g"]);
    assert_eq!(state(&ledger, "a").await, State::InFlight);
    // A second claim takes nothing that is in flight.
    assert!(claim_all(&ledger, "w2", WORK).await.is_empty());
    // Another owner cannot record over w1's rows.
    let refused = ledger
        .record(P, "w2", "w2", &[("a".into(), Outcome::ConfirmedExisting)])
        .await
        .unwrap();
    assert_eq!(refused, 1);

    // in_flight -> each outcome.
    let batch: Vec<(String, Outcome)> = outcomes
        .iter()
        .map(|(k, o)| (k.to_string(), o.clone()))
        .collect();
    assert_eq!(ledger.record(P, "w1", "w1", &batch).await.unwrap(), 0);
    for (key, outcome) in &outcomes {
        assert_eq!(state(&ledger, key).await, outcome.state(), "{key}");
    }
    // Illegal: nothing leaves created / confirmed_existing / rejected.
    for key in ["a", "b", "c"] {
        let refused = ledger
            .record(
                P,
                "w1",
                "w1",
                &[(key.into(), Outcome::InDoubt(Problem::kind("x")))],
            )
            .await
            .unwrap();
        assert_eq!(refused, 1, "{key}");
    }

    // retry_later -> in_flight when due (sent before).
    let again = ledger.claim(P, "w1", LEASE, 100, WORK).await.unwrap();
    let keys: Vec<&str> = again.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["d"], "g is still in flight");
    assert!(again[0].sent_before, "a retry_later row was sent before");

    // in_flight -> in_doubt when the lease ran out (here: the worker is known dead): d and g.
    assert_eq!(ledger.expire_leases(P, true).await.unwrap(), 2);
    assert_eq!(state(&ledger, "d").await, State::InDoubt);
    // Illegal: in_doubt -> retry_later.
    let refused = ledger
        .record(
            P,
            "w1",
            "w1",
            &[(
                "d".into(),
                Outcome::RetryLater {
                    problem: Problem::kind("x"),
                    retry_at: 0,
                },
            )],
        )
        .await
        .unwrap();
    assert_eq!(refused, 1);
    // in_doubt -> created: the late answer of the worker that held it.
    let refused = ledger
        .record(
            P,
            "w1",
            "w1",
            &[(
                "g".into(),
                Outcome::Created {
                    provider_id: "id-g".into(),
                },
            )],
        )
        .await
        .unwrap();
    assert_eq!(refused, 0);
    assert_eq!(state(&ledger, "g").await, State::Created);

    // in_doubt -> in_flight: a reconciliation claim (external_id), -> confirmed_existing.
    let reconciled = claim_all(&ledger, "w3", ClaimKind::Reconcile { max_attempts: 10 }).await;
    assert_eq!(reconciled, ["d", "e"]);
    let refused = ledger
        .record(
            P,
            "w3",
            "w3",
            &[
                ("d".into(), Outcome::ConfirmedExisting),
                ("e".into(), Outcome::Rejected(Problem::kind("rejected"))),
            ],
        )
        .await
        .unwrap();
    assert_eq!(refused, 0);
    assert_eq!(state(&ledger, "d").await, State::ConfirmedExisting);

    // Wealthyhood rows are never claimed for reconciliation.
    let wealthy = ledger
        .claim(
            Provider::Wealthyhood,
            "w3",
            LEASE,
            10,
            ClaimKind::Reconcile { max_attempts: 10 },
        )
        .await
        .unwrap();
    assert!(wealthy.is_empty());

    let counts = ledger.counts(Some(P)).await.unwrap();
    assert_eq!(counts.values().sum::<i64>(), 7);
    ledger.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transitions_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    exercise(&dir.path().join("l.db").display().to_string()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transitions_on_postgres() {
    if let Some(url) = crate::postgres::fresh_database("transitions").await {
        exercise(&url).await;
    }
}
