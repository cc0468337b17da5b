//! Bad input to `onboard batch`: a truncated last line, invalid UTF-8, a duplicate key, a key
//! re-used with another body, an unreachable or read-only ledger, a ledger of a newer schema.

use std::io::Write;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_lines_are_rejected_by_line_and_the_batch_goes_on() {
    let kit = onboarding_testkit::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.jsonl");
    let mut bytes = Vec::new();
    for n in 0..3 {
        writeln!(bytes, "{}", wealthyhood_user(&format!("k{n}"), n)).unwrap();
    }
    // Line 4: invalid UTF-8 in a value.
    bytes.extend_from_slice(b"{\"key\":\"k9\",\"email\":\"\xff@example.com\"}\n");
    // Line 5: the key of line 1 again, same body (repeated); line 6: another body.
    writeln!(bytes, "{}", wealthyhood_user("k0", 0)).unwrap();
    writeln!(bytes, "{}", wealthyhood_user("k1", 77)).unwrap();
    // Line 7: a field the model does not have.
    let mut unknown = wealthyhood_user("k5", 5);
    unknown["nickname"] = "x".into();
    writeln!(bytes, "{unknown}").unwrap();
    // Line 8: cut off (no newline, not JSON to its end).
    let last = wealthyhood_user("k8", 8).to_string();
    bytes.extend_from_slice(&last.as_bytes()[..last.len() / 2]);
    std::fs::write(&file, &bytes).unwrap();
    let ledger = sqlite_ledger(dir.path());

    let ran = run(&kit, &batch_args(&kit, "wealthyhood", &ledger, &file)).await;
    assert_eq!(ran.code, 10, "{ran:?}");
    assert!(
        ran.stderr.contains("line 4: refused (not_utf8)"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("line 5: repeats key \"k0\" of line 1"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .contains("line 6: key \"k1\" is already recorded for line 2 with another body"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("line 8: refused (truncated)"),
        "{}",
        ran.stderr
    );
    assert!(
        !ran.stderr.contains("example.com"),
        "no personal data in messages"
    );

    let rows = report(&kit, &ledger, None).await;
    assert_eq!(rows["k0"]["state"], "created");
    assert_eq!(rows["k1"]["state"], "created");
    assert_eq!(rows["k2"]["state"], "created");
    assert_eq!(rows["@line:4"]["state"], "rejected");
    assert_eq!(rows["@line:4"]["error_kind"], "not_utf8");
    assert_eq!(rows["k5"]["state"], "rejected");
    assert_eq!(rows["k5"]["fields"], serde_json::json!(["nickname"]));
    assert_eq!(rows["@line:8"]["error_kind"], "truncated");
    assert_eq!(
        kit.wealthyhood.users().len(),
        3,
        "only the three good lines were sent"
    );
    assert_eq!(kit.wealthyhood.creates_for_email("person77@example.com"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unusable_ledger_is_a_clear_error_before_anything_is_sent() {
    let kit = onboarding_testkit::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.jsonl");
    write_lines(&file, &[wealthyhood_user("k0", 0)]);

    // A directory that does not exist.
    let missing = dir
        .path()
        .join("no/such/dir/ledger.db")
        .display()
        .to_string();
    let ran = run(&kit, &batch_args(&kit, "wealthyhood", &missing, &file)).await;
    assert_eq!(ran.code, 20, "{ran:?}");
    assert!(ran.stderr.contains("cannot be opened"), "{}", ran.stderr);

    // Nothing listens on this port.
    let closed = "postgres://nobody:secret@127.0.0.1:1/ledger";
    let ran = run(&kit, &batch_args(&kit, "wealthyhood", closed, &file)).await;
    assert_eq!(ran.code, 20, "{ran:?}");
    assert!(
        !ran.stderr.contains("secret"),
        "the password is never shown: {}",
        ran.stderr
    );

    // A ledger opened read-only.
    let ledger = sqlite_ledger(dir.path());
    let created = run(
        &kit,
        &[
            "batch",
            "--provider",
            "wealthyhood",
            "--load-only",
            "--ledger",
            &ledger,
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([file.display().to_string()])
        .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(created.code, 0, "{created:?}");
    let read_only = format!("sqlite://{ledger}?mode=ro");
    let ran = run(&kit, &batch_args(&kit, "wealthyhood", &read_only, &file)).await;
    assert_eq!(ran.code, 20, "{ran:?}");
    assert!(ran.stderr.contains("read-only"), "{}", ran.stderr);

    // A ledger whose schema is newer than this build's.
    let newer = dir.path().join("newer.db");
    std::fs::copy(&ledger, &newer).unwrap();
    let wal = format!("{ledger}-wal");
    if std::path::Path::new(&wal).exists() {
        std::fs::copy(&wal, format!("{}-wal", newer.display())).unwrap();
    }
    sqlx::any::install_default_drivers();
    {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(&format!("sqlite://{}", newer.display()))
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
             VALUES (9999, 'from the future', '2030-01-01', TRUE, x'00', 0)",
        )
        .execute(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
    }
    let ran = run(
        &kit,
        &batch_args(&kit, "wealthyhood", &newer.display().to_string(), &file),
    )
    .await;
    assert_eq!(ran.code, 20, "{ran:?}");
    assert!(
        ran.stderr.contains("version 9999, newer than this build"),
        "{}",
        ran.stderr
    );

    assert_eq!(kit.wealthyhood.user_requests().len(), 0, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_ledger_in_use_by_another_process_is_refused() {
    let kit = onboarding_testkit::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.jsonl");
    write_lines(
        &file,
        &[wealthyhood_user("k0", 0), wealthyhood_user("k1", 1)],
    );
    let ledger = sqlite_ledger(dir.path());
    let mut first = spawn(
        &kit,
        &batch_args(&kit, "wealthyhood", &ledger, &file),
        Some("after_in_flight_commit:1"),
    );
    assert!(crate::batch::wait_for_marker(&mut first).await);
    let second = run(&kit, &batch_args(&kit, "wealthyhood", &ledger, &file)).await;
    assert_eq!(second.code, 20, "{second:?}");
    assert!(
        second.stderr.contains("in use by another process"),
        "{}",
        second.stderr
    );
    first.kill().await.unwrap();
    assert_eq!(kit.wealthyhood.user_requests().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_repeated_in_the_next_group_is_sent_once() {
    // With `--concurrency 2` a group is 16 lines, and the next group is loaded while the one
    // before is sent. Lines 1 and 2 come back at lines 18 and 19 (same body, then another body)
    // while the slow fake still holds lines 1 and 2 in flight: neither is sent again.
    let kit = onboarding_testkit::start().await;
    kit.wealthyhood.fail_next(
        4,
        onboarding_testkit::Fault::Slow(std::time::Duration::from_millis(300)),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.jsonl");
    let mut bytes = Vec::new();
    for n in 0..17 {
        writeln!(bytes, "{}", wealthyhood_user(&format!("k{n}"), n)).unwrap();
    }
    writeln!(bytes, "{}", wealthyhood_user("k0", 0)).unwrap();
    writeln!(bytes, "{}", wealthyhood_user("k1", 9001)).unwrap();
    std::fs::write(&file, &bytes).unwrap();
    let ledger = sqlite_ledger(dir.path());
    let mut args = batch_args(&kit, "wealthyhood", &ledger, &file);
    set_flag(&mut args, "--concurrency", "2");
    set_flag(&mut args, "--timeout", "5");
    set_flag(&mut args, "--lease", "10");

    let ran = run(&kit, &args).await;
    assert_eq!(kit.wealthyhood.creates_for_email("person0@example.com"), 1);
    assert_eq!(kit.wealthyhood.creates_for_email("person1@example.com"), 1);
    assert_eq!(
        kit.wealthyhood.creates_for_email("person9001@example.com"),
        0
    );
    assert_eq!(kit.wealthyhood.users().len(), 17);
    assert_eq!(ran.code, 10, "{ran:?}");
    assert!(
        ran.stderr.contains("line 18: repeats key \"k0\" of line 1"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .contains("line 19: key \"k1\" is already recorded for line 2 with another body"),
        "{}",
        ran.stderr
    );
}
