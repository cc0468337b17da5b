//! BTC Direct's rules. Error codes in the reasons are the ones BTC Direct answers with.

use chrono::NaiveDate;

use std::fmt::Display;

use super::checker::{COUNTRY_UPPER, Checker, EMAIL_SHAPE};
use super::{codes, rules};
use crate::model::UserUpdate;

pub(super) fn check_btcdirect_update(checker: &mut Checker, update: &UserUpdate, today: NaiveDate) {
    if rules::is_blank(&update.email) {
        checker.fail("email", "email", "is required (ER003)");
    } else {
        checker.ensure(
            rules::is_email(&update.email),
            "email",
            "email",
            format_args!("{EMAIL_SHAPE} (ER001)"),
        );
    }
    if rules::is_blank(&update.country) {
        checker.fail("country", "country", "is required (ER062)");
    } else {
        checker.ensure(
            codes::is_country(&update.country),
            "country",
            "country",
            format_args!("{COUNTRY_UPPER} (ER061)"),
        );
    }

    for (index, name) in update.given_names.iter().enumerate() {
        let field = format_args!("given_names[{index}]");
        if checker.required(name, field, "firstName") {
            plain_text(checker, name, field, "firstName", "ER126");
        }
    }
    if let Some(family_name) =
        checker.not_blank_if_given(update.family_name.as_deref(), "family_name", "lastName")
    {
        plain_text(checker, family_name, "family_name", "lastName", "ER127");
    }

    if let Some(phone) = checker.not_blank_if_given(update.phone.as_deref(), "phone", "phoneNumber")
    {
        checker.ensure(
            rules::is_plus_digits(phone),
            "phone",
            "phoneNumber",
            "must be `+` followed by country code and number, digits only (ER059)",
        );
    }

    if let Some(birth) = update.date_of_birth
        && checker.date(birth, "date_of_birth", "dateOfBirth")
    {
        checker.ensure(
            rules::is_adult(birth, today),
            "date_of_birth",
            "dateOfBirth",
            "the user must be 18 years or older (ER085)",
        );
    }

    let extension = &update.btcdirect;
    if let Some(name) = checker.not_blank_if_given(
        extension.business_name.as_deref(),
        "btcdirect.business_name",
        "businessName",
    ) {
        plain_text(
            checker,
            name,
            "btcdirect.business_name",
            "businessName",
            "ER125",
        );
    }
    if let Some(country) = &extension.business_country {
        checker.ensure(
            codes::is_country(country),
            "btcdirect.business_country",
            "businessCountry",
            format_args!("{COUNTRY_UPPER} (ER064)"),
        );
    }
    if let Some(country) = &extension.website_country {
        checker.ensure(
            codes::is_country_any_case(country),
            "btcdirect.website_country",
            "websiteCountry",
            "must be an ISO 3166-1 alpha-2 country code, either case (ER083)",
        );
    }
    if let Some(language) = &extension.website_language {
        checker.ensure(
            codes::is_language_any_case(language),
            "btcdirect.website_language",
            "websiteLanguage",
            "must be an ISO 639-1 language code, either case (ER081)",
        );
    }
    for (index, document) in extension.identity_documents.iter().enumerate() {
        checker.ensure(
            rules::is_base64(&document.data),
            format_args!("btcdirect.identity_documents[{index}].data"),
            format_args!("identityDocument[{index}].data"),
            "must be the file in standard base64, padded, without whitespace",
        );
    }
}

/// BTC Direct's name rule: no emoji, no `<` or `>`. Both are reported if both are broken.
fn plain_text(
    checker: &mut Checker,
    value: &str,
    field: impl Display + Copy,
    provider_field: &str,
    code: &str,
) {
    checker.ensure(
        !rules::contains_emoji(value),
        field,
        provider_field,
        format_args!("must not contain emoji ({code})"),
    );
    checker.ensure(
        !rules::contains_angle_bracket(value),
        field,
        provider_field,
        format_args!("must not contain `<` or `>` ({code})"),
    );
}
