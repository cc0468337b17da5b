//! `Debug` of the model redacts personal data: a snapshot of the full fixture user, and checks that
//! no personal value of the fixtures appears in it.

use crate::common::fixtures;
use fixtures::{update, user};

/// Every personal value in the two fixtures, including those nested in the extensions.
const PERSONAL_VALUES: &[&str] = &[
    "giorgos.papadopoulos@example.com",
    "giorgos",
    "+306912345678",
    "6912345678",
    "Γιώργος",
    "Νικόλαος",
    "Παπαδόπουλος",
    "1985",
    "Ερμού",
    "10563",
    "Αθήνα",
    "123456789",
    "partner-user-0001",
    // Bitpanda verification and meta values.
    "AK123456",
    "Θεσσαλονίκη",
    "IDGRC",
    "3f2b8c1e",
    "TST-GRPAP",
    "mobile_app",
    "retail",
    "not_pep",
    "Salary",
    // Wealthyhood employment.
    "SelfEmployed",
    "FinanceAndInsurance",
    "BusinessOwnership",
    // BTC Direct extension.
    "152367",
    "801234567000",
    "Papadopoulos Trading",
    "From 10.000",
    "Investing",
    "iVBORw0KGgo",
];

fn assert_no_personal_value(text: &str) {
    for value in PERSONAL_VALUES {
        assert!(!text.contains(value), "`{value}` leaked into:\n{text}");
    }
}

#[test]
fn debug_new_user() {
    let debug = format!("{:#?}", user());
    insta::assert_snapshot!("debug_new_user", debug);
}

#[test]
fn debug_user_update() {
    let debug = format!("{:#?}", update());
    insta::assert_snapshot!("debug_user_update", debug);
}

#[test]
fn no_personal_value_appears_in_debug() {
    let user = user();
    let update = update();
    for debug in [
        format!("{user:?}"),
        format!("{user:#?}"),
        format!("{update:?}"),
        format!("{update:#?}"),
    ] {
        assert_no_personal_value(&debug);
        assert!(debug.contains("***"), "redaction marker missing:\n{debug}");
    }
}

#[test]
fn debug_keeps_what_is_not_personal() {
    let debug = format!("{:?}", user());
    // Language, Bitpanda mode and list lengths stay readable for whoever debugs.
    assert!(debug.contains("language: Some(\"el\")"), "{debug}");
    assert!(debug.contains("mode: InvestmentAsAService"), "{debug}");
    assert!(debug.contains("terms: [..2 ids]"), "{debug}");
    assert!(debug.contains("given_names: [***, ***]"), "{debug}");
    let debug = format!("{:?}", update());
    assert!(
        debug.contains("document_type: IdentityCard, document_side: Front, data: ***"),
        "{debug}"
    );
    assert!(debug.contains("privacy_agreement: Some(true)"), "{debug}");
}
