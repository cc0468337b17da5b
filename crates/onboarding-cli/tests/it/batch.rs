//! `onboard batch`, `report` and `reconcile` end to end on a SQLite ledger.

use onboarding_testkit::Fault;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_creates_everyone_once_and_a_second_run_sends_nothing() {
    let kit = onboarding_testkit::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.jsonl");
    let lines: Vec<_> = (0..30)
        .map(|n| bitpanda_user(&format!("c-{n}"), n, n % 2 == 0))
        .collect();
    write_lines(&file, &lines);
    let ledger = sqlite_ledger(dir.path());
    kit.bitpanda.fail_next(2, Fault::too_many_requests(1));

    let ran = run(&kit, &batch_args(&kit, "bitpanda", &ledger, &file)).await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(ran.stdout.contains("created"), "{}", ran.stdout);
    let rows = report(&kit, &ledger, None).await;
    assert_eq!(rows.len(), 30);
    assert_eq!(kit.bitpanda.users().len(), 30);
    for (n, line) in lines.iter().enumerate() {
        let key = line["key"].as_str().unwrap();
        let row = &rows[key];
        assert_eq!(row["state"], "created", "{row}");
        assert_eq!(row["provider"], "bitpanda");
        let held = kit
            .bitpanda
            .users()
            .into_iter()
            .find(|u| u.id() == row["provider_id"].as_str().unwrap())
            .expect("the fake holds the created id");
        assert_eq!(
            held.email(),
            Some(format!("person{n}@example.com").as_str())
        );
        assert_eq!(
            kit.bitpanda
                .creates_for_email(&format!("person{n}@example.com")),
            1
        );
    }
    // The file mode of a new SQLite ledger.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&ledger).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let sent = kit.bitpanda.user_requests().len();
    let again = run(&kit, &batch_args(&kit, "bitpanda", &ledger, &file)).await;
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(
        kit.bitpanda.user_requests().len(),
        sent,
        "nothing sent again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_and_in_doubt_lines_get_their_exit_codes_and_reconcile_follows_the_rules() {
    let kit = onboarding_testkit::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.jsonl");
    let mut lines: Vec<_> = (0..4)
        .map(|n| wealthyhood_user(&format!("w-{n}"), n))
        .collect();
    // Invalid for Wealthyhood: no family name (validation, nothing sent).
    lines[3]["family_name"] = "".into();
    write_lines(&file, &lines);
    let ledger = sqlite_ledger(dir.path());
    // The first create is applied and answered 500: Wealthyhood has no lookup, so in doubt.
    kit.wealthyhood.fail_next(1, Fault::ServerErrorAfterCreate);

    let ran = run(&kit, &batch_args(&kit, "wealthyhood", &ledger, &file)).await;
    assert_eq!(ran.code, 11, "{ran:?}");
    let rows = report(&kit, &ledger, None).await;
    let states: Vec<&str> = (0..4)
        .map(|n| rows[&format!("w-{n}")]["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states.iter().filter(|s| **s == "in_doubt").count(),
        1,
        "{rows:?}"
    );
    assert_eq!(states.iter().filter(|s| **s == "created").count(), 2);
    assert_eq!(states[3], "rejected");
    assert_eq!(rows["w-3"]["fields"], serde_json::json!(["family_name"]));
    assert_eq!(rows["w-3"]["error_kind"], "invalid_input");
    // No personal data in the ledger's report.
    let all = run(
        &kit,
        &[
            "report".into(),
            "--ledger".into(),
            ledger.clone(),
            "--format".into(),
            "csv".into(),
        ],
    )
    .await;
    assert!(!all.stdout.contains("example.com") && !all.stdout.contains("Papadopoulou"));

    let doubt = report(&kit, &ledger, Some("in_doubt")).await;
    assert_eq!(doubt.len(), 1);
    let reconcile = run(
        &kit,
        &[
            "reconcile".into(),
            "--ledger".into(),
            ledger.clone(),
            "--provider".into(),
            "wealthyhood".into(),
            "--base-url".into(),
            kit.wealthyhood.url(),
        ],
    )
    .await;
    assert_eq!(reconcile.code, 11, "{reconcile:?}");
    assert!(
        reconcile.stdout.contains("left in doubt for a person: 1"),
        "{}",
        reconcile.stdout
    );
    assert_eq!(
        kit.wealthyhood.users().len(),
        3,
        "the one in doubt was never resent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_resends_bitpanda_rows_with_an_external_id_and_a_409_confirms_them() {
    let kit = onboarding_testkit::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("users.jsonl");
    write_lines(
        &file,
        &[
            bitpanda_user("b-0", 0, true),
            bitpanda_user("b-1", 1, false),
        ],
    );
    let ledger = sqlite_ledger(dir.path());
    // The worker dies after the first answer, before recording it: both rows are in flight,
    // and each may or may not have reached the fake.
    let mut child = spawn(
        &kit,
        &batch_args(&kit, "bitpanda", &ledger, &file),
        Some("after_answer:1"),
    );
    assert!(wait_for_marker(&mut child).await);
    child.kill().await.unwrap();
    let _ = child.wait().await;
    // Let a request already on its way land (or not) before looking.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let existed = kit.bitpanda.creates_for_external_id("ext-0") == 1;
    let args = [
        "reconcile".to_string(),
        "--ledger".into(),
        ledger.clone(),
        "--provider".into(),
        "bitpanda".into(),
        "--base-url".into(),
        kit.bitpanda.url(),
        file.display().to_string(),
    ];
    let reconcile = run(&kit, &args).await;
    let rows = report(&kit, &ledger, None).await;
    // Resent: a 409 proves the earlier attempt created it; a 201 that it had not.
    let expected = if existed {
        "confirmed_existing"
    } else {
        "created"
    };
    assert_eq!(rows["b-0"]["state"], expected, "{reconcile:?} {rows:?}");
    // Without an external_id: never resent, left for a person.
    assert_eq!(rows["b-1"]["state"], "in_doubt");
    assert_eq!(rows["b-1"]["error_kind"], "lease_expired");
    assert_eq!(reconcile.code, 11);
    assert!(
        reconcile.stdout.contains("left in doubt for a person: 1"),
        "{}",
        reconcile.stdout
    );
    assert_eq!(kit.bitpanda.creates_for_external_id("ext-0"), 1);
    assert!(kit.bitpanda.creates_for_email("person1@example.com") <= 1);
    let b1_requests = kit
        .bitpanda
        .user_requests()
        .iter()
        .filter(|r| r.json_str("/email") == Some("person1@example.com"))
        .count();
    assert!(b1_requests <= 1, "the row in doubt was never resent");
}

/// Reads the child's stderr until the test hook's marker.
pub async fn wait_for_marker(child: &mut tokio::process::Child) -> bool {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if std::env::var_os("ONBOARD_TEST_VERBOSE").is_some() {
            eprintln!("child: {line}");
        }
        if line.starts_with("onboard-test-hook:") {
            // Keep draining so the child never blocks on a full pipe.
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return true;
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_names_every_variable_and_exit_code_and_never_a_ledger_password() {
    let kit = onboarding_testkit::start().await;
    let help = run(&kit, &["--help".to_string()]).await;
    assert_eq!(help.code, 0);
    for needle in [
        "ONBOARDING_BITPANDA_TOKEN_URL",
        "ONBOARDING_WEALTHYHOOD_AUDIENCE",
        "ONBOARDING_BTCDIRECT_USER_IDENTIFIER",
        "ONBOARDING_LEDGER_URL",
        "  11  ",
        "  20  ",
    ] {
        assert!(help.stdout.contains(needle), "{needle}: {}", help.stdout);
    }
    let output = onboard(&kit)
        .args(["batch", "--help"])
        .env("ONBOARDING_LEDGER_URL", "postgres://me:hunter2@db/ledger")
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("ONBOARDING_LEDGER_URL") && !text.contains("hunter2"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_and_update_one_user_as_the_example_did() {
    let kit = onboarding_testkit::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("user.json");
    let mut user = wealthyhood_user("unused", 1);
    user.as_object_mut().unwrap().remove("key");
    std::fs::write(&file, user.to_string()).unwrap();
    let create = |extra: Vec<String>| {
        let mut args = vec![
            "create".to_string(),
            "--provider".into(),
            "wealthyhood".into(),
            "--base-url".into(),
            kit.wealthyhood.url(),
        ];
        args.extend(extra);
        args.push(file.display().to_string());
        args
    };
    let ran = run(&kit, &create(Vec::new())).await;
    assert_eq!(ran.code, 0, "{ran:?}");
    let line: serde_json::Value = serde_json::from_str(ran.stdout.trim()).unwrap();
    assert_eq!(line["provider"], "wealthyhood");
    assert_eq!(line["id"].as_str(), Some(kit.wealthyhood.users()[0].id()));

    // Through a ledger: once per key.
    let mut other = wealthyhood_user("unused", 2);
    other.as_object_mut().unwrap().remove("key");
    std::fs::write(&file, other.to_string()).unwrap();
    let ledger = sqlite_ledger(dir.path());
    let keyed = create(vec![
        "--ledger".into(),
        ledger.clone(),
        "--key".into(),
        "c-2".into(),
    ]);
    let first = run(&kit, &keyed).await;
    let second = run(&kit, &keyed).await;
    assert_eq!((first.code, second.code), (0, 0), "{first:?} {second:?}");
    assert!(first.stdout.contains("\"sent\":true"), "{}", first.stdout);
    assert!(
        second.stdout.contains("\"sent\":false"),
        "{}",
        second.stdout
    );
    assert_eq!(kit.wealthyhood.users().len(), 2);

    // BTC Direct update for a linked identifier, with the partner login.
    kit.btcdirect
        .link_identifier("0f8fad5bd9cb469fa16570867728950e0f8f");
    let update = dir.path().join("update.json");
    std::fs::write(
        &update,
        r#"{"email":"person1@example.com","country":"NL","phone":"+31612345678"}"#,
    )
    .unwrap();
    let output = onboard(&kit)
        .args(["update", "--provider", "btcdirect", "--base-url"])
        .arg(kit.btcdirect.url())
        .arg(&update)
        .env(
            "ONBOARDING_BTCDIRECT_USERNAME",
            onboarding_testkit::BTCDIRECT_USERNAME,
        )
        .env(
            "ONBOARDING_BTCDIRECT_PASSWORD",
            onboarding_testkit::BTCDIRECT_PASSWORD,
        )
        .env(
            "ONBOARDING_BTCDIRECT_USER_IDENTIFIER",
            "0f8fad5bd9cb469fa16570867728950e0f8f",
        )
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("\"provider\":\"btcdirect\""), "{stdout}");
}
