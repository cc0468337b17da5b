//! Bitpanda's rules, per partner mode.

use std::fmt::Display;

use super::checker::Checker;
use super::{bitpanda_names, codes, rules};
use crate::model::{BitpandaExtension, BitpandaMode, NewUser};

const NAME_CHARSET: &str = "may contain only upper- and lower-case letters (of any cased script, \
     e.g. Latin, Greek, Cyrillic), comma, full stop, hyphen, apostrophe and space";

pub(super) fn check_bitpanda_user(checker: &mut Checker, user: &NewUser) {
    let default_extension = BitpandaExtension::default();
    let extension = user.bitpanda.as_ref().unwrap_or(&default_extension);
    match extension.mode {
        BitpandaMode::BringYourOwnLicense => {
            checker.required(
                user.external_id.as_deref().unwrap_or_default(),
                "external_id",
                "external_id",
            );
            if let Some(language) = user.language.as_deref().filter(|l| !l.trim().is_empty()) {
                language_rule(checker, language);
            }
            check_byol_documented_fields(checker, user);
        }
        BitpandaMode::InvestmentAsAService => {
            check_investment_as_a_service(checker, user, extension)
        }
    }
}

/// The documented fields a Bring Your Own License body may carry besides `external_id`: each is
/// optional there, and one that is given is checked by the same rule as in Investment as a
/// Service mode (the spec refers both branches to one schema per field).
fn check_byol_documented_fields(checker: &mut Checker, user: &NewUser) {
    if !user.email.trim().is_empty() {
        checker.email(&user.email, "email", "email");
    }
    if let Some(phone) = user.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        phone_rule(checker, phone);
    }
    for (index, name) in user.given_names.iter().enumerate() {
        name_rules(
            checker,
            name,
            format_args!("given_names[{index}]"),
            "first_name",
        );
    }
    if !user.family_name.trim().is_empty() {
        name_rules(checker, &user.family_name, "family_name", "last_name");
    }
    if let Some(country) = user.citizenship.as_deref().filter(|c| !c.trim().is_empty()) {
        checker.required_country(country, "citizenship", "country");
    }
}

/// The page's "Phone number in E.164 standard format".
fn phone_rule(checker: &mut Checker, phone: &str) {
    checker.ensure(
        rules::is_e164(phone),
        "phone",
        "phone",
        "must be in E.164 format: `+`, country code and number, at most 15 digits, no spaces",
    );
}

fn check_investment_as_a_service(
    checker: &mut Checker,
    user: &NewUser,
    extension: &BitpandaExtension,
) {
    checker.email(&user.email, "email", "email");

    let phone = user.phone.as_deref().unwrap_or_default();
    if checker.required(phone, "phone", "phone") {
        phone_rule(checker, phone);
    }

    if user.given_names.is_empty() {
        checker.fail(
            "given_names",
            "first_name",
            "at least one given name is required",
        );
    }
    for (index, name) in user.given_names.iter().enumerate() {
        name_rules(
            checker,
            name,
            format_args!("given_names[{index}]"),
            "first_name",
        );
    }
    name_rules(checker, &user.family_name, "family_name", "last_name");

    let language = user.language.as_deref().unwrap_or_default();
    if checker.required(language, "language", "language") {
        language_rule(checker, language);
    }

    checker.required_country(
        user.citizenship.as_deref().unwrap_or_default(),
        "citizenship",
        "country",
    );

    checker.not_blank_if_given(user.external_id.as_deref(), "external_id", "external_id");

    // The neutral tax residency is only sent when the extension gives no `tax` of its own.
    if let (Some(tax), None) = (&user.tax_residency, &extension.tax) {
        checker.required_country(&tax.country, "tax_residency.country", "tax.residence");
        checker.required(&tax.tax_id, "tax_residency.tax_id", "tax.id");
    }

    checker.ensure(
        !extension.terms.is_empty(),
        "bitpanda.terms",
        "terms",
        "at least one accepted terms id is required",
    );
    // `aml` is required; the model cannot tell an absent list from an empty one, so required
    // means at least one answer.
    checker.ensure(
        !extension.aml.is_empty(),
        "bitpanda.aml",
        "aml",
        "at least one AML answer is required",
    );
    checker.ensure(
        extension.verification.is_some(),
        "bitpanda.verification",
        "verification",
        "is required",
    );
    // The extension is sent as given, so its dates must be ones the body can carry.
    if let Some(verification) = &extension.verification {
        for (name, date) in [
            ("birth_date", verification.birth_date),
            ("issuing_date", verification.issuing_date),
            ("expiration_date", verification.expiration_date),
            ("verification_date", verification.verification_date),
        ] {
            if let Some(date) = date {
                checker.date(
                    date,
                    format_args!("bitpanda.verification.{name}"),
                    format_args!("verification.{name}"),
                );
            }
        }
    }
    if let Some(at) = extension
        .ext_compliance
        .as_ref()
        .and_then(|compliance| compliance.ext_user_reviewed_kyc_data_at)
    {
        checker.date(
            at.date_naive(),
            "bitpanda.ext_compliance.ext_user_reviewed_kyc_data_at",
            "ext_compliance.ext_user_reviewed_kyc_data_at",
        );
    }
}

fn name_rules(checker: &mut Checker, name: &str, field: impl Display + Copy, provider_field: &str) {
    if checker.required(name, field, provider_field) {
        // Checked as it will be sent: NFC, typographic apostrophes folded.
        checker.ensure(
            bitpanda_names::is_bitpanda_name_once_normalised(name),
            field,
            provider_field,
            NAME_CHARSET,
        );
    }
}

/// A present language must be a lower-case ISO 639-1 code.
fn language_rule(checker: &mut Checker, language: &str) {
    checker.ensure(
        codes::is_language(language),
        "language",
        "language",
        "must be a lower-case ISO 639-1 language code, e.g. el",
    );
}
