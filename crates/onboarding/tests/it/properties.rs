//! Property tests (proptest): hostile input never panics the facade, and what the facade accepts
//! is what the providers' specs accept.
//!
//! 1. Decoding each provider's success and error bodies (`CreateUserResponse`/`User`,
//!    `ErrorResponse`) from arbitrary bytes, from arbitrary JSON keyed with the specs' own words,
//!    and from the specs' response examples with random edits, never panics. (That
//!    `masked_excerpt` shows no value of a body is a property test inside the crate,
//!    `excerpt.rs`, as are the BTC Direct code lookups.)
//! 2. Validating arbitrary neutral users (any Unicode, emoji, `<>`, control characters, very
//!    long strings, any date) never panics; a refusal lists at least one violation and no
//!    violation repeats a personal value; whatever validation accepts maps to a body, and that body
//!    validates against the provider's spec schema.
//! 3. A valid neutral user always maps, and its body validates against
//!    `#/components/schemas/CreateUserRequest` (Bitpanda, Wealthyhood) or `UpdateUserRequest`
//!    (BTC Direct) of `specs/*.yaml` (`jsonschema`, formats on).
//!
//! Each property runs 256 cases by default; set `PROPTEST_CASES` for more. Each prints how many
//! cases it ran and how long they took (`-- --nocapture`).

mod json;
mod specs;
mod users;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use onboarding::mapping::{bitpanda_request, btcdirect_request, wealthyhood_request};
use onboarding::validation::{
    ValidationReport, validate_bitpanda, validate_btcdirect, validate_wealthyhood,
};
use onboarding::{NewUser, UserUpdate};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use serde_json::Value;
use users::Mix;

/// The default configuration (which reads `PROPTEST_CASES` and the other `PROPTEST_*`
/// variables), without writing failures to `proptest-regressions/`: a failure found here becomes
/// a named regression test instead.
fn config() -> Config {
    Config {
        failure_persistence: None,
        ..Config::default()
    }
}

/// Runs `test` on values of `strategy` and reports the cases run and the time taken.
fn check<S: Strategy<Value: serde::Serialize>>(
    name: &str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let cases = AtomicU64::new(0);
    let started = Instant::now();
    let mut runner = TestRunner::new(config());
    let result = runner.run(&strategy, |value| {
        cases.fetch_add(1, Ordering::Relaxed);
        test(value)
    });
    eprintln!(
        "property {name}: {} cases in {:.1?}",
        cases.load(Ordering::Relaxed),
        started.elapsed()
    );
    match result {
        Ok(()) => {}
        // The model's `Debug` redacts personal data, so show the failing input as JSON.
        Err(TestError::Fail(why, input)) => panic!(
            "property {name} failed: {why}\nminimal failing input: {}",
            serde_json::to_string(&input).expect("inputs serialise")
        ),
        Err(failure) => panic!("property {name} failed: {failure}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Decoding responses and error bodies.

/// Every provider's success and error body decoders, on `bytes`; also reads the codes of a
/// decoded BTC Direct error the way the facade does.
fn decode_all(bytes: &[u8]) {
    let _ = serde_json::from_slice::<bitpanda_client::types::CreateUserResponse>(bytes);
    let _ = serde_json::from_slice::<bitpanda_client::types::ErrorResponse>(bytes);
    let _ = serde_json::from_slice::<wealthyhood_client::types::User>(bytes);
    let _ = serde_json::from_slice::<wealthyhood_client::types::ErrorResponse>(bytes);
    let _ = serde_json::from_slice::<btcdirect_client::types::User>(bytes);
    let _ = serde_json::from_slice::<btcdirect_client::types::ErrorResponse>(bytes);
}

/// `decode_all` on a JSON value, both from its bytes and from the value itself, which must agree.
fn decode_value(value: &Value) -> Result<(), TestCaseError> {
    let bytes = serde_json::to_vec(value).expect("a Value serialises");
    decode_all(&bytes);
    macro_rules! agree {
        ($($ty:ty),*) => {$(
            let from_bytes = serde_json::from_slice::<$ty>(&bytes).is_ok();
            let from_value = serde_json::from_value::<$ty>(value.clone()).is_ok();
            prop_assert_eq!(from_bytes, from_value, "{} from bytes vs from value", stringify!($ty));
        )*};
    }
    agree!(
        bitpanda_client::types::CreateUserResponse,
        bitpanda_client::types::ErrorResponse,
        wealthyhood_client::types::User,
        wealthyhood_client::types::ErrorResponse,
        btcdirect_client::types::User,
        btcdirect_client::types::ErrorResponse
    );
    Ok(())
}

#[test]
fn decoding_arbitrary_bytes_never_panics() {
    let bytes = prop_oneof![json::bytes(), json::mutated_example_bytes()];
    check("decode-bytes", bytes, |bytes: Vec<u8>| {
        decode_all(&bytes);
        Ok(())
    });
}

#[test]
fn decoding_mutated_json_never_panics() {
    let values = prop_oneof![json::value(), json::mutated_example()];
    check("decode-json", values, |value: Value| decode_value(&value));
}

// ---------------------------------------------------------------------------------------------
// 2. Validating arbitrary users.

/// The code that writes violations' reasons (and the generated types' refusals): a personal
/// value found in it is fixed text, not a leak.
const FIXED_TEXT: [&str; 12] = [
    include_str!("../../src/validation/mod.rs"),
    include_str!("../../src/validation/rules.rs"),
    include_str!("../../src/validation/bitpanda.rs"),
    include_str!("../../src/validation/wealthyhood.rs"),
    include_str!("../../src/validation/btcdirect.rs"),
    include_str!("../../src/mapping/mod.rs"),
    include_str!("../../src/mapping/bitpanda.rs"),
    include_str!("../../src/mapping/wealthyhood.rs"),
    include_str!("../../src/mapping/btcdirect.rs"),
    include_str!("../../../bitpanda-client/src/generated.rs"),
    include_str!("../../../wealthyhood-client/src/generated.rs"),
    include_str!("../../../btcdirect-client/src/generated.rs"),
];

/// A refusal has at least one violation and repeats none of `values` (those of 4 or more
/// characters that are not fixed text).
fn refusal_is_safe(report: &ValidationReport, values: &[String]) -> Result<(), TestCaseError> {
    prop_assert!(
        !report.violations.is_empty(),
        "a refusal without violations"
    );
    let shown = format!("{report}");
    for value in values {
        let value = value.trim();
        // Only a value that shows is looked up in the fixed text (a slow search).
        if value.chars().count() < 4
            || !shown.contains(value)
            || FIXED_TEXT.iter().any(|text| text.contains(value))
        {
            continue;
        }
        let culprit = report
            .violations
            .iter()
            .find(|violation| violation.to_string().contains(value));
        prop_assert!(
            false,
            "a personal value shows in the report: {}",
            culprit.map_or_else(|| shown.clone(), ToString::to_string)
        );
    }
    Ok(())
}

/// Checks one provider's validation and mapping of `user`: a refusal is safe, validation and
/// mapping agree, and an accepted user's body validates against the spec.
fn check_new_user(
    provider: &str,
    user: &NewUser,
    validate: fn(&NewUser) -> Result<(), ValidationReport>,
    accepted: &AtomicU64,
) -> Result<(), TestCaseError> {
    let values = users::personal_values_new(user);
    let (validated, mapped) = match provider {
        "bitpanda" => (
            validate(user),
            bitpanda_request(user).map(|body| specs::schema_errors(specs::bitpanda(), &body)),
        ),
        _ => (
            validate(user),
            wealthyhood_request(user).map(|body| specs::schema_errors(specs::wealthyhood(), &body)),
        ),
    };
    match (validated, mapped) {
        (Err(report), Err(mapping)) => {
            refusal_is_safe(&report, &values)?;
            refusal_is_safe(&mapping, &values)?;
            prop_assert_eq!(report, mapping, "validation and mapping report alike");
        }
        (Ok(()), Ok(schema_errors)) => {
            accepted.fetch_add(1, Ordering::Relaxed);
            prop_assert!(
                schema_errors.is_empty(),
                "{provider}: an accepted user's body is off-spec:\n{}",
                schema_errors.join("\n")
            );
        }
        (Ok(()), Err(mapping)) => {
            return Err(TestCaseError::fail(format!(
                "{provider}: validation accepted but mapping refused: {mapping}"
            )));
        }
        (Err(report), Ok(_)) => {
            return Err(TestCaseError::fail(format!(
                "{provider}: mapping accepted but validation refused: {report}"
            )));
        }
    }
    Ok(())
}

fn check_update(update: &UserUpdate, accepted: &AtomicU64) -> Result<(), TestCaseError> {
    let values = users::personal_values_update(update);
    match (validate_btcdirect(update), btcdirect_request(update)) {
        (Err(report), Err(mapping)) => {
            refusal_is_safe(&report, &values)?;
            prop_assert_eq!(report, mapping, "validation and mapping report alike");
        }
        (Ok(()), Ok(body)) => {
            accepted.fetch_add(1, Ordering::Relaxed);
            let errors = specs::schema_errors(specs::btcdirect(), &body);
            prop_assert!(
                errors.is_empty(),
                "btcdirect: an accepted update's body is off-spec:\n{}",
                errors.join("\n")
            );
        }
        (validated, mapped) => {
            return Err(TestCaseError::fail(format!(
                "btcdirect: validation {validated:?} but mapping {:?}",
                mapped.map(|_| "ok")
            )));
        }
    }
    Ok(())
}

#[test]
fn validating_arbitrary_new_users_never_panics_nor_leaks() {
    let accepted = [AtomicU64::new(0), AtomicU64::new(0)];
    let strategy = prop_oneof![
        users::new_user("bitpanda", Mix::Hostile),
        users::new_user("wealthyhood", Mix::Hostile),
    ];
    check("validate-new-user", strategy, |user| {
        check_new_user("bitpanda", &user, validate_bitpanda, &accepted[0])?;
        check_new_user("wealthyhood", &user, validate_wealthyhood, &accepted[1])
    });
    eprintln!(
        "property validate-new-user: accepted by bitpanda {}, by wealthyhood {}",
        accepted[0].load(Ordering::Relaxed),
        accepted[1].load(Ordering::Relaxed)
    );
}

#[test]
fn validating_arbitrary_updates_never_panics_nor_leaks() {
    let accepted = AtomicU64::new(0);
    check(
        "validate-update",
        users::user_update(Mix::Hostile),
        |update| check_update(&update, &accepted),
    );
    eprintln!(
        "property validate-update: accepted by btcdirect {}",
        accepted.load(Ordering::Relaxed)
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Valid users map to bodies the specs accept.

#[test]
fn valid_bitpanda_users_map_to_spec_valid_bodies() {
    check(
        "valid-bitpanda",
        users::new_user("bitpanda", Mix::Valid),
        |user| {
            let body = bitpanda_request(&user)
                .map_err(|report| TestCaseError::fail(format!("refused: {report}")))?;
            let errors = specs::schema_errors(specs::bitpanda(), &body);
            prop_assert!(errors.is_empty(), "off-spec body:\n{}", errors.join("\n"));
            Ok(())
        },
    );
}

#[test]
fn valid_wealthyhood_users_map_to_spec_valid_bodies() {
    check(
        "valid-wealthyhood",
        users::new_user("wealthyhood", Mix::Valid),
        |user| {
            let body = wealthyhood_request(&user)
                .map_err(|report| TestCaseError::fail(format!("refused: {report}")))?;
            let errors = specs::schema_errors(specs::wealthyhood(), &body);
            prop_assert!(errors.is_empty(), "off-spec body:\n{}", errors.join("\n"));
            Ok(())
        },
    );
}

#[test]
fn valid_btcdirect_updates_map_to_spec_valid_bodies() {
    check(
        "valid-btcdirect",
        users::user_update(Mix::Valid),
        |update| {
            let body = btcdirect_request(&update)
                .map_err(|report| TestCaseError::fail(format!("refused: {report}")))?;
            let errors = specs::schema_errors(specs::btcdirect(), &body);
            prop_assert!(errors.is_empty(), "off-spec body:\n{}", errors.join("\n"));
            Ok(())
        },
    );
}

#[test]
fn the_schema_check_bites() {
    // A body the facade would never build is refused, so a passing property means something.
    let body = serde_json::json!({ "email": "not an address", "country": "gr" });
    assert_eq!(specs::btcdirect().iter_errors(&body).count(), 2);
}

// ---------------------------------------------------------------------------------------------
// Regressions: what the properties above found, as fixed inputs.

fn fixture_user() -> NewUser {
    serde_json::from_str(include_str!("../fixtures/user.json")).expect("a NewUser")
}

fn fixture_update() -> UserUpdate {
    serde_json::from_str(include_str!("../fixtures/update.json")).expect("a UserUpdate")
}

fn fields(report: &ValidationReport) -> Vec<&str> {
    report.violations.iter().map(|v| v.field.as_str()).collect()
}

/// Found by `validating_arbitrary_*`: a birth date chrono can hold but RFC 3339 cannot write
/// (`-262143-01-01`, `-0001-12-31`) was accepted, and the body carried it off-spec.
#[test]
fn regression_dates_without_a_four_digit_year_are_refused() {
    let mut user = fixture_user();
    user.date_of_birth = Some(chrono::NaiveDate::MIN);
    let report = wealthyhood_request(&user).expect_err("year -262143");
    assert_eq!(fields(&report), ["date_of_birth"]);

    let mut update = fixture_update();
    update.date_of_birth = chrono::NaiveDate::from_ymd_opt(-1, 12, 31);
    let report = btcdirect_request(&update).expect_err("year -1");
    assert_eq!(fields(&report), ["date_of_birth"]);

    let mut user = fixture_user();
    let extension = user.bitpanda.as_mut().expect("the fixture has one");
    let verification = extension.verification.as_mut().expect("and verification");
    verification.birth_date = chrono::NaiveDate::from_ymd_opt(10_000, 1, 1);
    let compliance = extension.ext_compliance.as_mut().expect("and compliance");
    compliance.ext_user_reviewed_kyc_data_at =
        chrono::DateTime::from_timestamp(-100_000_000_000, 0);
    let report = bitpanda_request(&user).expect_err("years 10000 and -1199");
    assert_eq!(
        fields(&report),
        [
            "bitpanda.verification.birth_date",
            "bitpanda.ext_compliance.ext_user_reviewed_kyc_data_at"
        ]
    );

    // The edges of the four-digit range are accepted and on-spec.
    user.bitpanda = fixture_user().bitpanda;
    user.date_of_birth = chrono::NaiveDate::from_ymd_opt(9999, 12, 31);
    let body = wealthyhood_request(&user).expect("year 9999 is a date");
    assert!(specs::schema_errors(specs::wealthyhood(), &body).is_empty());
}

/// Found by `validating_arbitrary_updates_*`: the facade took any `local@domain` without
/// whitespace as an e-mail address, and sent addresses the specs' `format: email` refuses. Each of
/// these is now accepted by the facade exactly when the spec accepts it.
#[test]
fn regression_emails_are_accepted_exactly_when_the_spec_accepts_them() {
    // (address, accepted by the facade); the spec accepts all the facade accepts, and refuses
    // all it refuses but quoted local parts and address literals, which the facade refuses too.
    let emails = [
        ("giorgos.papadopoulos@example.com", true),
        ("a@b", true),
        ("user+tag@sub.example.gr", true),
        ("o'neil!#$%&*/=?^_`{|}~-@xn--hxajbheg2az3al.xn--qxam", true),
        ("ጘA!®Aa!A0!!@a!𑃐𝔞🌀!aந", false),
        ("a..b@example.com", false),
        (".a@example.com", false),
        ("a.@example.com", false),
        ("<a>@example.com", false),
        ("josé@example.com", false),
        ("a@-example.com", false),
        ("a@example-.com", false),
        ("a@exa_mple.com", false),
        ("a@example..com", false),
        ("a@example.com.", false),
        ("a@ab--c.com", false),
        ("a@b@c", false),
        ("\"a b\"@example.com", false),
        ("a@[127.0.0.1]", false),
    ];
    for (email, accepted) in emails {
        let mut update = fixture_update();
        update.email = email.to_owned();
        assert_eq!(validate_btcdirect(&update).is_ok(), accepted, "{email}");
        let body = serde_json::json!({ "email": email, "country": "GR" });
        let spec = specs::btcdirect().is_valid(&body);
        let deliberate = email.starts_with('"') || email.ends_with(']');
        assert_eq!(spec, accepted || deliberate, "{email}: the spec disagrees");
    }
}

#[test]
fn the_leak_check_bites() {
    let mut report = ValidationReport::new(onboarding::Provider::Wealthyhood);
    report.push(onboarding::validation::Violation::new(
        "email",
        "email",
        "xq7-secret@example.com is wrong",
    ));
    assert!(refusal_is_safe(&report, &["xq7-secret@example.com".to_owned()]).is_err());
    assert!(refusal_is_safe(&report, &["unrelated value".to_owned()]).is_ok());
    assert!(
        refusal_is_safe(
            &ValidationReport::new(onboarding::Provider::Wealthyhood),
            &[]
        )
        .is_err()
    );
}
