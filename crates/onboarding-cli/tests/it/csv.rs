//! `onboard batch` with a CSV file: a header row of the neutral field names (dotted for nested
//! ones), one user per line, the same outcomes as from JSON Lines.

use std::collections::BTreeMap;

use crate::support::*;

const HEADER: &str = "key,email,given_names,family_name,date_of_birth,country_of_residence,\
                      language,address.street,address.house_number,address.postal_code,\
                      address.city,address.country";

fn record(n: usize) -> String {
    format!(
        "c{n},person{n}@example.com,Maria Elena,\"Papadopoulou, the {n}th\",1985-11-02,GR,el,\
         Ermou,{n},10563,Athens,GR"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_file_creates_each_user_once_and_refuses_bad_records_by_line() {
    let kit = onboarding_testkit::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("customers.CSV");
    // As spreadsheet programs write it: a byte order mark, CRLF line ends.
    let mut text = format!("\u{feff}{HEADER}\r\n");
    for n in 0..20 {
        text.push_str(&record(n));
        text.push_str("\r\n");
    }
    // Line 22: a record with a field too few. Line 23: an e-mail the spec refuses.
    text.push_str("c-short,short@example.com\r\n");
    text.push_str(&record(99).replace("person99@example.com", "not-an-email"));
    text.push_str("\r\n");
    std::fs::write(&file, text).unwrap();
    let ledger = sqlite_ledger(dir.path());

    let ran = run(&kit, &batch_args(&kit, "wealthyhood", &ledger, &file)).await;
    assert_eq!(ran.code, 10, "some rejected: {ran:?}");
    let held = kit.wealthyhood.users();
    assert_eq!(held.len(), 20);
    let by_email: BTreeMap<&str, _> = held.iter().map(|u| (u.email().unwrap(), u)).collect();
    let seventh = by_email["person7@example.com"].body();
    assert_eq!(seventh["firstName"], "Maria Elena");
    assert_eq!(seventh["lastName"], "Papadopoulou, the 7th");
    assert_eq!(seventh["address"]["line1"], "Ermou 7");
    assert_eq!(seventh["address"]["city"], "Athens");

    let rows = report(&kit, &ledger, None).await;
    assert_eq!(rows.len(), 22, "{rows:?}");
    let short = &rows["@line:22"];
    assert_eq!(short["state"], "rejected", "{short}");
    assert_eq!(short["error_kind"], "not_csv", "{short}");
    let invalid = &rows["c99"];
    assert_eq!(invalid["state"], "rejected", "{invalid}");
    assert!(invalid.to_string().contains("email"), "{invalid}");
    for n in 0..20 {
        assert_eq!(rows[&format!("c{n}")]["state"], "created");
    }

    // Run again: nothing is sent twice.
    let again = run(&kit, &batch_args(&kit, "wealthyhood", &ledger, &file)).await;
    assert_eq!(again.code, 10, "{again:?}");
    assert_eq!(kit.wealthyhood.users().len(), 20);
    assert_eq!(kit.wealthyhood.user_requests().len(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_header_without_a_key_column_is_refused_before_anything_is_sent() {
    let kit = onboarding_testkit::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("customers.csv");
    std::fs::write(&file, "id,email\nc1,a@example.com\n").unwrap();
    let ledger = sqlite_ledger(dir.path());
    let ran = run(&kit, &batch_args(&kit, "wealthyhood", &ledger, &file)).await;
    assert_eq!(ran.code, 21, "input unreadable: {ran:?}");
    assert!(ran.stderr.contains("no `key` column"), "{}", ran.stderr);
    assert_eq!(kit.wealthyhood.user_requests().len(), 0);
}
