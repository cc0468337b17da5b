//! Bitpanda names: the spec's pattern, the facade's rule and Unicode's own data agree on every
//! code point of the Basic Multilingual Plane.
//!
//! The page allows "uppercase/lowercase letters, comma, full stop, hyphen, apostrophe, and
//! space". The allowed set is derived here from the Unicode Character Database (general category
//! Lu, Ll or Lt, via the `unicode-general-category` crate), never from the pattern. The spec's
//! side is the generated newtype's own check: the `pattern` exactly as the generated client
//! compiles it with `regress`. The facade's side is `bitpanda_request` on a valid user whose
//! family name is the code point: the facade puts names in NFC and folds U+2019 into U+0027
//! before checking, so its expected answer is the data's answer for the normalised name.

use onboarding::NewUser;
use onboarding::mapping::bitpanda_request;
use serde_json::Value;
use unicode_general_category::{GeneralCategory, get_general_category};
use unicode_normalization::UnicodeNormalization;

use bitpanda_client::types::{BitpandaFirstName, BitpandaLastName};

use crate::common::fixtures;

/// What the page allows, from Unicode data: a cased letter (Lu, Ll, Lt) or one of `, . - ' `.
fn allowed_by_unicode_data(c: char) -> bool {
    matches!(
        get_general_category(c),
        GeneralCategory::UppercaseLetter
            | GeneralCategory::LowercaseLetter
            | GeneralCategory::TitlecaseLetter
    ) || matches!(c, ',' | '.' | '-' | '\'' | ' ')
}

/// Whether the spec's pattern (both name fields) accepts `name`.
fn allowed_by_spec(name: &str) -> bool {
    let first = BitpandaFirstName::try_from(name).is_ok();
    let last = BitpandaLastName::try_from(name).is_ok();
    assert_eq!(first, last, "first_name and last_name disagree on {name:?}");
    first
}

/// The name the facade checks and sends for `raw`: NFC, U+2019 folded into U+0027.
fn normalised(raw: &str) -> String {
    raw.nfc()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .collect()
}

/// A valid Investment as a Service user with `family_name`.
fn user_named(family_name: &str) -> NewUser {
    let mut user = fixtures::user();
    user.family_name = family_name.to_owned();
    user
}

/// The `last_name` the facade would send for `family_name`, or `None` when it refuses it.
fn sent_last_name(family_name: &str) -> Option<String> {
    let body = bitpanda_request(&user_named(family_name)).ok()?;
    let body = serde_json::to_value(body).expect("the body serialises");
    match &body["last_name"] {
        Value::String(name) => Some(name.clone()),
        other => panic!("last_name is not a string: {other}"),
    }
}

fn bmp() -> impl Iterator<Item = char> {
    (0..=0xFFFF_u32).filter_map(char::from_u32)
}

#[test]
fn the_fixture_is_a_valid_bitpanda_user() {
    assert_eq!(sent_last_name("Pascal").as_deref(), Some("Pascal"));
}

#[test]
fn the_spec_pattern_allows_exactly_the_cased_letters_and_the_five_marks_of_the_bmp() {
    let disagreements: Vec<String> = bmp()
        .filter(|&c| allowed_by_spec(&c.to_string()) != allowed_by_unicode_data(c))
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    assert!(
        disagreements.is_empty(),
        "{} code points where the pattern and Unicode data disagree: {}",
        disagreements.len(),
        disagreements.join(" ")
    );
    // The rule bites: counted from the data, most of the BMP is refused.
    let allowed = bmp().filter(|&c| allowed_by_unicode_data(c)).count();
    assert!((2_000..20_000).contains(&allowed), "{allowed} allowed");
}

#[test]
fn the_facade_allows_exactly_what_unicode_data_allows_after_normalisation() {
    let mut disagreements = Vec::new();
    for c in bmp() {
        let raw = c.to_string();
        let name = normalised(&raw);
        let expected = !name.trim().is_empty() && name.chars().all(allowed_by_unicode_data);
        let sent = sent_last_name(&raw);
        if sent.is_some() != expected || sent.as_ref().is_some_and(|sent| *sent != name) {
            disagreements.push(format!("U+{:04X}", u32::from(c)));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} code points where the facade and Unicode data disagree: {}",
        disagreements.len(),
        disagreements.join(" ")
    );
}

#[test]
fn names_real_people_have_are_sent() {
    for (typed, sent) in [
        ("Nguyễn", "Nguyễn"),
        // "e" + U+0302 U+0303: the same name typed with combining accents, sent precomposed.
        ("Nguye\u{0302}\u{0303}n", "Nguyễn"),
        ("O\u{2019}Brien", "O'Brien"),
        ("O'Brien", "O'Brien"),
        ("Παπαδόπουλος", "Παπαδόπουλος"),
        ("Достоевский", "Достоевский"),
        ("Smith-Jones, Jr.", "Smith-Jones, Jr."),
        ("Mkhitaryan Մխիթարյան", "Mkhitaryan Մխիթարյան"),
    ] {
        assert_eq!(sent_last_name(typed).as_deref(), Some(sent), "{typed}");
    }
}

#[test]
fn non_letters_inside_letter_blocks_are_refused() {
    for bad in [
        "Γιώργος\u{037E}", // GREEK QUESTION MARK (NFC: a semicolon)
        "Γιώργος\u{0387}", // GREEK ANO TELEIA (NFC: a middle dot)
        "\u{0482}Иван",    // CYRILLIC THOUSANDS SIGN
        "Иван\u{0483}",    // COMBINING CYRILLIC TITLO, a mark with no precomposed letter
        "Nguy\u{1EC5}n2",  // a digit
        "محمد",            // a script without case
        "\u{10400}",       // DESERET CAPITAL LETTER LONG I: cased, but outside the BMP
    ] {
        assert_eq!(sent_last_name(bad), None, "{bad}");
    }
}
