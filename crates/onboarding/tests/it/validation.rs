//! Validation: a deliberately bad user per provider (every violation listed at once, snapshotted),
//! and one test per rule that breaks exactly that rule in an otherwise valid fixture.

use chrono::NaiveDate;
use onboarding::mapping::{bitpanda_request, btcdirect_request, wealthyhood_request};
use onboarding::validation::{
    ValidationReport, validate_bitpanda, validate_btcdirect_on, validate_wealthyhood,
};
use onboarding::{BitpandaMode, NewUser, Provider, UserUpdate};
use serde_json::json;

use crate::common::fixtures;
use fixtures::{update, user};

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

/// A fixed "today" so the snapshots do not age.
fn today() -> NaiveDate {
    date(2026, 6, 15)
}

fn pairs(report: &ValidationReport) -> Vec<(&str, &str)> {
    report
        .violations
        .iter()
        .map(|v| (v.field.as_str(), v.provider_field.as_str()))
        .collect()
}

/// Asserts the report lists exactly `expected` (neutral field, provider field), in that order.
fn assert_violations(report: &ValidationReport, expected: &[(&str, &str)]) {
    assert_eq!(pairs(report), expected, "\n{report}");
}

// ---------------------------------------------------------------------------------------------
// Deliberately bad users: every violation at once.

#[test]
fn report_bitpanda() {
    let user: NewUser = serde_json::from_value(json!({
        "email": "giorgos at example.com",
        "phone": "0030 691 234 5678",
        "given_names": ["Γιώργος", "<b>Nikos</b>", "John😀"],
        "family_name": "",
        "language": "EL",
        "citizenship": "gr",
        "external_id": "  ",
        "tax_residency": {"country": "Greece", "tax_id": ""},
        "bitpanda": {"terms": [], "aml": []}
    }))
    .unwrap();
    let report = bitpanda_request(&user).unwrap_err();
    assert_eq!(report.provider, Provider::Bitpanda);
    assert_violations(
        &report,
        &[
            ("email", "email"),
            ("phone", "phone"),
            ("given_names[1]", "first_name"),
            ("given_names[2]", "first_name"),
            ("family_name", "last_name"),
            ("language", "language"),
            ("citizenship", "country"),
            ("external_id", "external_id"),
            ("tax_residency.country", "tax.residence"),
            ("tax_residency.tax_id", "tax.id"),
            ("bitpanda.terms", "terms"),
            ("bitpanda.aml", "aml"),
            ("bitpanda.verification", "verification"),
        ],
    );
    insta::assert_snapshot!("report_bitpanda", report);
}

#[test]
fn report_bitpanda_byol() {
    let user: NewUser = serde_json::from_value(json!({
        "email": "a documented field is checked in BYOL too",
        "bitpanda": {"mode": "bring_your_own_license"}
    }))
    .unwrap();
    let report = bitpanda_request(&user).unwrap_err();
    assert_violations(
        &report,
        &[("external_id", "external_id"), ("email", "email")],
    );
    insta::assert_snapshot!("report_bitpanda_byol", report);
}

#[test]
fn report_wealthyhood() {
    let user: NewUser = serde_json::from_value(json!({
        "email": "giorgos@example@com",
        "given_names": ["", "Νικόλαος"],
        "family_name": "Π".repeat(101),
        "country_of_residence": "gr",
        "language": "de",
        "citizenship": "GRC",
        "address": {"street": "", "postal_code": " ", "city": "Αθήνα", "country": "Greece"},
        "tax_residency": {"country": "GR", "tax_id": "123456789"},
        "wealthyhood": {
            "employment_info": {
                "income_range_id": "",
                "employment_status": "FullTime",
                "sources_of_wealth": []
            }
        }
    }))
    .unwrap();
    let report = wealthyhood_request(&user).unwrap_err();
    assert_eq!(report.provider, Provider::Wealthyhood);
    assert_violations(
        &report,
        &[
            ("email", "email"),
            ("given_names[0]", "firstName"),
            ("family_name", "lastName"),
            ("date_of_birth", "dateOfBirth"),
            ("country_of_residence", "residencyCountry"),
            ("language", "language"),
            ("citizenship", "nationality"),
            ("address.street", "address.line1"),
            ("address.postal_code", "address.postalCode"),
            ("address.country", "address.countryCode"),
            ("tax_residency.proof_type", "taxResidency.proofType"),
            (
                "wealthyhood.employment_info.income_range_id",
                "employmentInfo.incomeRangeId",
            ),
            (
                "wealthyhood.employment_info.sources_of_wealth",
                "employmentInfo.sourcesOfWealth",
            ),
            (
                "wealthyhood.employment_info.industry",
                "employmentInfo.industry",
            ),
        ],
    );
    insta::assert_snapshot!("report_wealthyhood", report);
}

#[test]
fn report_btcdirect() {
    let update: UserUpdate = serde_json::from_value(json!({
        "email": "",
        "country": "de",
        "given_names": ["Jan 😀", "<script>"],
        "family_name": "Doe🇳🇱<>",
        "phone": "+31 6 1234 5678",
        "date_of_birth": "2010-01-01",
        "btcdirect": {
            "business_name": "Koffie ☕ B.V.",
            "business_country": "nl",
            "website_country": "XX",
            "website_language": "nederlands",
            "identity_documents": [
                {"document_type": "Passport", "document_side": "Front", "data": "iVBORw0KGgo="},
                {"document_type": "Selfie", "document_side": "Selfie", "data": "not base64!"}
            ]
        }
    }))
    .unwrap();
    let report = validate_btcdirect_on(&update, today()).unwrap_err();
    assert_eq!(report.provider, Provider::BtcDirect);
    assert_violations(
        &report,
        &[
            ("email", "email"),
            ("country", "country"),
            ("given_names[0]", "firstName"),
            ("given_names[1]", "firstName"),
            ("family_name", "lastName"),
            ("family_name", "lastName"),
            ("phone", "phoneNumber"),
            ("date_of_birth", "dateOfBirth"),
            ("btcdirect.business_name", "businessName"),
            ("btcdirect.business_country", "businessCountry"),
            ("btcdirect.website_country", "websiteCountry"),
            ("btcdirect.website_language", "websiteLanguage"),
            (
                "btcdirect.identity_documents[1].data",
                "identityDocument[1].data",
            ),
        ],
    );
    insta::assert_snapshot!("report_btcdirect", report);
    // The mapping function refuses the same update (with today's date, still under 18).
    assert!(btcdirect_request(&update).is_err());
}

#[test]
fn report_as_json_names_provider_field_and_reason() {
    let user: NewUser = serde_json::from_value(
        json!({"email": "a@b", "bitpanda": {"mode": "bring_your_own_license"}}),
    )
    .unwrap();
    let report = validate_bitpanda(&user).unwrap_err();
    assert_eq!(
        serde_json::to_value(&report).unwrap(),
        json!({
            "provider": "bitpanda",
            "violations": [{"field": "external_id", "provider_field": "external_id", "reason": "is required"}]
        })
    );
}

#[test]
fn reports_never_repeat_the_values_they_concern() {
    let secret_email = "secret.person@@example.com";
    let secret_phone = "+0999888777";
    let user: NewUser = serde_json::from_value(json!({
        "email": secret_email,
        "phone": secret_phone,
        "given_names": ["Sëcret😀"],
        "family_name": "Persön<>",
        "citizenship": "secretland",
    }))
    .unwrap();
    let bitpanda = validate_bitpanda(&user).unwrap_err();
    let wealthyhood = validate_wealthyhood(&user).unwrap_err();
    for text in [
        bitpanda.to_string(),
        format!("{bitpanda:?}"),
        wealthyhood.to_string(),
        format!("{wealthyhood:?}"),
    ] {
        for value in [secret_email, secret_phone, "Sëcret", "Persön", "secretland"] {
            assert!(!text.contains(value), "{value} leaked into:\n{text}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One rule at a time: the fixture is valid, so breaking one thing gives exactly one violation.

#[test]
fn the_fixture_is_valid_for_every_provider() {
    let user = user();
    assert_eq!(validate_bitpanda(&user), Ok(()));
    assert_eq!(validate_wealthyhood(&user), Ok(()));
    assert_eq!(validate_btcdirect_on(&update(), today()), Ok(()));
}

/// Breaks `user` with `change` and expects exactly one violation of (`field`, `provider_field`).
fn expect_bitpanda(change: impl FnOnce(&mut NewUser), field: &str, provider_field: &str) {
    let mut user = user();
    change(&mut user);
    let report = validate_bitpanda(&user).unwrap_err();
    assert_violations(&report, &[(field, provider_field)]);
}

fn expect_wealthyhood(change: impl FnOnce(&mut NewUser), field: &str, provider_field: &str) {
    let mut user = user();
    change(&mut user);
    let report = validate_wealthyhood(&user).unwrap_err();
    assert_violations(&report, &[(field, provider_field)]);
}

fn expect_btcdirect(change: impl FnOnce(&mut UserUpdate), field: &str, provider_field: &str) {
    let mut update = update();
    change(&mut update);
    let report = validate_btcdirect_on(&update, today()).unwrap_err();
    assert_violations(&report, &[(field, provider_field)]);
}

fn bitpanda_extension(user: &mut NewUser) -> &mut onboarding::BitpandaExtension {
    user.bitpanda.get_or_insert_with(Default::default)
}

fn employment(user: &mut NewUser) -> &mut onboarding::EmploymentInfo {
    user.wealthyhood
        .get_or_insert_with(Default::default)
        .employment_info
        .get_or_insert_with(Default::default)
}

#[test]
fn bitpanda_requires_each_iaas_field() {
    expect_bitpanda(|u| u.email.clear(), "email", "email");
    expect_bitpanda(|u| u.phone = None, "phone", "phone");
    expect_bitpanda(|u| u.given_names.clear(), "given_names", "first_name");
    expect_bitpanda(|u| u.family_name = " ".into(), "family_name", "last_name");
    expect_bitpanda(|u| u.language = None, "language", "language");
    expect_bitpanda(|u| u.citizenship = None, "citizenship", "country");
    expect_bitpanda(
        |u| bitpanda_extension(u).terms.clear(),
        "bitpanda.terms",
        "terms",
    );
    expect_bitpanda(|u| bitpanda_extension(u).aml.clear(), "bitpanda.aml", "aml");
    expect_bitpanda(
        |u| bitpanda_extension(u).verification = None,
        "bitpanda.verification",
        "verification",
    );
}

#[test]
fn bitpanda_without_an_extension_lacks_terms_aml_and_verification() {
    let mut user = user();
    user.bitpanda = None;
    let report = validate_bitpanda(&user).unwrap_err();
    assert_violations(
        &report,
        &[
            ("bitpanda.terms", "terms"),
            ("bitpanda.aml", "aml"),
            ("bitpanda.verification", "verification"),
        ],
    );
}

#[test]
fn bitpanda_phone_is_e164() {
    for bad in [
        "+30 691 234 5678",
        "00306912345678",
        "+0306912345",
        "+3069123456789012",
        "306912345678",
    ] {
        expect_bitpanda(|u| u.phone = Some(bad.into()), "phone", "phone");
    }
}

#[test]
fn bitpanda_email_shape() {
    for bad in [
        "no-at-sign",
        "two@@example.com",
        "@example.com",
        "user@",
        "us er@example.com",
    ] {
        expect_bitpanda(|u| u.email = bad.into(), "email", "email");
    }
}

#[test]
fn bitpanda_language_is_iso_639_1_lower_case() {
    for bad in ["EL", "gr", "ell", "e", "xx"] {
        expect_bitpanda(|u| u.language = Some(bad.into()), "language", "language");
    }
    let mut user = user();
    user.language = Some("fr".into());
    assert_eq!(validate_bitpanda(&user), Ok(()));
}

#[test]
fn bitpanda_citizenship_is_alpha_2_upper_case() {
    for bad in ["gr", "Gr", "GRC", "Greece", "UK", "XX"] {
        expect_bitpanda(
            |u| u.citizenship = Some(bad.into()),
            "citizenship",
            "country",
        );
    }
}

#[test]
fn bitpanda_accepts_greek_cyrillic_and_latin_names() {
    for (given, family) in [
        (vec!["Γιώργος", "Νικόλαος"], "Παπαδόπουλος"),
        (vec!["Ἀλέξανδρος"], "Καραμανλῆς"),
        (vec!["Иван"], "Петров-Водкин"),
        (vec!["Zoë", "Anne-Marie"], "O'Brien"),
        (vec!["Łukasz"], "Żółć"),
        (vec!["John"], "Doe, Jr."),
    ] {
        let mut user = user();
        user.given_names = given.iter().map(|name| name.to_string()).collect();
        user.family_name = family.into();
        assert_eq!(validate_bitpanda(&user), Ok(()), "{given:?} {family}");
        let body = serde_json::to_value(bitpanda_request(&user).unwrap()).unwrap();
        assert_eq!(body["first_name"], given.join(" "));
    }
}

#[test]
fn bitpanda_refuses_what_its_name_pattern_refuses() {
    // Digits, `<`, emoji, the Greek question mark, a script without case.
    for bad in ["R2D2", "<b>", "John😀", "Γιώργος\u{037E}", "محمد"] {
        expect_bitpanda(
            |u| u.given_names = vec!["Γιώργος".into(), bad.into()],
            "given_names[1]",
            "first_name",
        );
        expect_bitpanda(|u| u.family_name = bad.into(), "family_name", "last_name");
    }
}

#[test]
fn bitpanda_tax_residency_is_checked_only_when_it_is_sent() {
    expect_bitpanda(
        |u| u.tax_residency.as_mut().unwrap().country = "gr".into(),
        "tax_residency.country",
        "tax.residence",
    );
    // With the extension's own tax, the neutral one is not sent and not checked.
    let mut user = user();
    user.tax_residency.as_mut().unwrap().country = "gr".into();
    bitpanda_extension(&mut user).tax =
        Some(serde_json::from_value(json!({"id": "1", "residence": "GR"})).unwrap());
    assert_eq!(validate_bitpanda(&user), Ok(()));
}

#[test]
fn bitpanda_byol_requires_only_external_id() {
    let mut user = NewUser::default();
    bitpanda_extension(&mut user).mode = BitpandaMode::BringYourOwnLicense;
    let report = validate_bitpanda(&user).unwrap_err();
    assert_violations(&report, &[("external_id", "external_id")]);
    user.external_id = Some("Ext-Id-2".into());
    assert_eq!(validate_bitpanda(&user), Ok(()));
}

#[test]
fn bitpanda_byol_sends_and_checks_a_given_language() {
    let mut user = NewUser::default();
    bitpanda_extension(&mut user).mode = BitpandaMode::BringYourOwnLicense;
    user.external_id = Some("Ext-Id-2".into());
    user.language = Some("EN".into());
    let report = validate_bitpanda(&user).unwrap_err();
    assert_violations(&report, &[("language", "language")]);
    user.language = Some("el".into());
    let body = serde_json::to_value(bitpanda_request(&user).unwrap()).unwrap();
    assert_eq!(body, json!({"external_id": "Ext-Id-2", "language": "el"}));
}

#[test]
fn wealthyhood_requires_its_five_fields() {
    expect_wealthyhood(|u| u.email.clear(), "email", "email");
    expect_wealthyhood(|u| u.given_names.clear(), "given_names", "firstName");
    expect_wealthyhood(|u| u.family_name.clear(), "family_name", "lastName");
    expect_wealthyhood(|u| u.date_of_birth = None, "date_of_birth", "dateOfBirth");
    expect_wealthyhood(
        |u| u.country_of_residence = None,
        "country_of_residence",
        "residencyCountry",
    );
}

#[test]
fn wealthyhood_does_not_need_what_bitpanda_needs() {
    let mut user = user();
    user.phone = None;
    user.language = None;
    user.citizenship = None;
    user.bitpanda = None;
    user.external_id = None;
    assert_eq!(validate_wealthyhood(&user), Ok(()));
}

#[test]
fn wealthyhood_names_are_1_to_100_characters() {
    // 100 Greek letters are 200 bytes but 100 characters: accepted.
    let mut user = user();
    user.family_name = "Π".repeat(100);
    user.given_names = vec!["Α".repeat(49), "Β".repeat(50)];
    assert_eq!(validate_wealthyhood(&user), Ok(()));
    expect_wealthyhood(
        |u| u.family_name = "Π".repeat(101),
        "family_name",
        "lastName",
    );
    // The joined first name counts the space: 50 + 1 + 50 = 101.
    expect_wealthyhood(
        |u| u.given_names = vec!["Α".repeat(50), "Β".repeat(50)],
        "given_names",
        "firstName",
    );
}

#[test]
fn wealthyhood_language_is_en_or_el() {
    for good in ["en", "el"] {
        let mut user = user();
        user.language = Some(good.into());
        assert_eq!(validate_wealthyhood(&user), Ok(()));
    }
    for bad in ["de", "EL", "gr"] {
        expect_wealthyhood(|u| u.language = Some(bad.into()), "language", "language");
    }
}

#[test]
fn wealthyhood_country_codes_are_alpha_2_upper_case() {
    expect_wealthyhood(
        |u| u.country_of_residence = Some("gr".into()),
        "country_of_residence",
        "residencyCountry",
    );
    expect_wealthyhood(
        |u| u.citizenship = Some("GRC".into()),
        "citizenship",
        "nationality",
    );
    expect_wealthyhood(
        |u| u.address.as_mut().unwrap().country = "Gr".into(),
        "address.country",
        "address.countryCode",
    );
    expect_wealthyhood(
        |u| u.tax_residency.as_mut().unwrap().country = "UK".into(),
        "tax_residency.country",
        "taxResidency.countryCode",
    );
}

#[test]
fn wealthyhood_address_is_complete_when_given() {
    expect_wealthyhood(
        |u| u.address.as_mut().unwrap().street.clear(),
        "address.street",
        "address.line1",
    );
    expect_wealthyhood(
        |u| u.address.as_mut().unwrap().postal_code.clear(),
        "address.postal_code",
        "address.postalCode",
    );
    expect_wealthyhood(
        |u| u.address.as_mut().unwrap().city.clear(),
        "address.city",
        "address.city",
    );
    expect_wealthyhood(
        |u| u.address.as_mut().unwrap().country.clear(),
        "address.country",
        "address.countryCode",
    );
    // The house number is optional.
    let mut user = user();
    user.address.as_mut().unwrap().house_number = None;
    assert_eq!(validate_wealthyhood(&user), Ok(()));
}

#[test]
fn wealthyhood_tax_residency_is_complete_when_given() {
    expect_wealthyhood(
        |u| u.tax_residency.as_mut().unwrap().proof_type = None,
        "tax_residency.proof_type",
        "taxResidency.proofType",
    );
    expect_wealthyhood(
        |u| u.tax_residency.as_mut().unwrap().tax_id.clear(),
        "tax_residency.tax_id",
        "taxResidency.value",
    );
}

#[test]
fn wealthyhood_industry_is_required_for_full_time_part_time_and_self_employed() {
    for status in ["FullTime", "PartTime", "SelfEmployed"] {
        expect_wealthyhood(
            |u| {
                let employment = employment(u);
                employment.employment_status = status.into();
                employment.industry = None;
            },
            "wealthyhood.employment_info.industry",
            "employmentInfo.industry",
        );
    }
    for status in ["Unemployed", "Retired", "Student"] {
        let mut user = user();
        let employment = employment(&mut user);
        employment.employment_status = status.into();
        employment.industry = None;
        assert_eq!(validate_wealthyhood(&user), Ok(()), "{status}");
    }
}

#[test]
fn wealthyhood_employment_info_is_complete_when_given() {
    expect_wealthyhood(
        |u| employment(u).income_range_id.clear(),
        "wealthyhood.employment_info.income_range_id",
        "employmentInfo.incomeRangeId",
    );
    expect_wealthyhood(
        |u| {
            let employment = employment(u);
            employment.employment_status.clear();
            employment.industry = None;
        },
        "wealthyhood.employment_info.employment_status",
        "employmentInfo.employmentStatus",
    );
    expect_wealthyhood(
        |u| employment(u).sources_of_wealth.clear(),
        "wealthyhood.employment_info.sources_of_wealth",
        "employmentInfo.sourcesOfWealth",
    );
}

#[test]
fn btcdirect_requires_email_and_country() {
    expect_btcdirect(|u| u.email.clear(), "email", "email");
    expect_btcdirect(|u| u.country.clear(), "country", "country");
    expect_btcdirect(|u| u.country = "nl".into(), "country", "country");
    // Nothing else is required.
    let minimal: UserUpdate =
        serde_json::from_value(json!({"email": "a@b.nl", "country": "NL"})).unwrap();
    assert_eq!(validate_btcdirect_on(&minimal, today()), Ok(()));
}

#[test]
fn btcdirect_phone_is_plus_and_digits() {
    for bad in ["+31 6 12345678", "+31-612345678", "0031612345678", "+"] {
        expect_btcdirect(|u| u.phone = Some(bad.into()), "phone", "phoneNumber");
    }
}

#[test]
fn btcdirect_names_refuse_emoji_and_angle_brackets_but_not_greek() {
    for bad in ["Jan 😀", "🇳🇱", "Jan ☀", "J<a>n", "Jan\u{FE0F}", "👍🏽"] {
        expect_btcdirect(
            |u| u.given_names = vec![bad.into()],
            "given_names[0]",
            "firstName",
        );
        expect_btcdirect(
            |u| u.family_name = Some(bad.into()),
            "family_name",
            "lastName",
        );
        expect_btcdirect(
            |u| u.btcdirect.business_name = Some(bad.into()),
            "btcdirect.business_name",
            "businessName",
        );
    }
    let mut update = update();
    update.given_names = vec!["Ἀλέξανδρος".into(), "José".into(), "李".into()];
    update.family_name = Some("O'Brien & Søn".into());
    assert_eq!(validate_btcdirect_on(&update, today()), Ok(()));
}

#[test]
fn btcdirect_18th_birthday_is_the_boundary() {
    let birth = date(2008, 6, 15);
    let mut update = update();
    update.date_of_birth = Some(birth);
    let report = validate_btcdirect_on(&update, date(2026, 6, 14)).unwrap_err();
    assert_violations(&report, &[("date_of_birth", "dateOfBirth")]);
    assert!(report.violations[0].reason.contains("ER085"));
    assert_eq!(validate_btcdirect_on(&update, date(2026, 6, 15)), Ok(()));
    assert_eq!(validate_btcdirect_on(&update, date(2026, 6, 16)), Ok(()));
}

#[test]
fn btcdirect_leap_day_births_turn_18_on_the_first_of_march() {
    let mut update = update();
    update.date_of_birth = Some(date(2008, 2, 29));
    assert!(validate_btcdirect_on(&update, date(2026, 2, 28)).is_err());
    assert_eq!(validate_btcdirect_on(&update, date(2026, 3, 1)), Ok(()));
}

#[test]
fn btcdirect_business_country_and_website_locale() {
    expect_btcdirect(
        |u| u.btcdirect.business_country = Some("gr".into()),
        "btcdirect.business_country",
        "businessCountry",
    );
    expect_btcdirect(
        |u| u.btcdirect.website_country = Some("uk".into()),
        "btcdirect.website_country",
        "websiteCountry",
    );
    expect_btcdirect(
        |u| u.btcdirect.website_language = Some("eng".into()),
        "btcdirect.website_language",
        "websiteLanguage",
    );
    // Either case is accepted for the website locale (the page shows "NL", the SDK sends "gb").
    let mut update = update();
    update.btcdirect.website_country = Some("NL".into());
    update.btcdirect.website_language = Some("NL".into());
    assert_eq!(validate_btcdirect_on(&update, today()), Ok(()));
}

#[test]
fn btcdirect_identity_documents_are_base64() {
    for bad in [
        "",
        "not base64!",
        "iVBORw0KGgo",
        "iVBO Rw0K",
        "iVBORw0KGgo=\n",
    ] {
        expect_btcdirect(
            |u| u.btcdirect.identity_documents[1].data = bad.into(),
            "btcdirect.identity_documents[1].data",
            "identityDocument[1].data",
        );
    }
}
