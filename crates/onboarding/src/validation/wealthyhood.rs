//! Wealthyhood's rules.

use super::checker::Checker;
use super::rules;
use crate::model::{EmploymentInfo, NewUser, joined_given_names_have_at_most_chars};

/// Employment statuses for which Wealthyhood requires an industry.
const STATUSES_NEEDING_INDUSTRY: [&str; 3] = ["FullTime", "PartTime", "SelfEmployed"];

const MAX_NAME_CHARS: usize = 100;

pub(super) fn check_wealthyhood_user(checker: &mut Checker, user: &NewUser) {
    checker.email(&user.email, "email", "email");

    if user.given_names.is_empty() {
        checker.fail(
            "given_names",
            "firstName",
            "at least one given name is required",
        );
    }
    for (index, name) in user.given_names.iter().enumerate() {
        checker.required(name, format_args!("given_names[{index}]"), "firstName");
    }
    checker.ensure(
        joined_given_names_have_at_most_chars(&user.given_names, MAX_NAME_CHARS),
        "given_names",
        "firstName",
        "must be at most 100 characters once joined with spaces",
    );

    if checker.required(&user.family_name, "family_name", "lastName") {
        checker.ensure(
            rules::has_at_most_chars(&user.family_name, MAX_NAME_CHARS),
            "family_name",
            "lastName",
            "must be at most 100 characters",
        );
    }

    checker.ensure(
        user.date_of_birth.is_some(),
        "date_of_birth",
        "dateOfBirth",
        "is required",
    );
    if let Some(birth) = user.date_of_birth {
        checker.date(birth, "date_of_birth", "dateOfBirth");
    }

    checker.required_country(
        user.country_of_residence.as_deref().unwrap_or_default(),
        "country_of_residence",
        "residencyCountry",
    );

    if let Some(language) = &user.language {
        checker.ensure(
            matches!(language.as_str(), "en" | "el"),
            "language",
            "language",
            "must be `en` or `el`, the only languages Wealthyhood offers",
        );
    }

    if let Some(citizenship) = &user.citizenship {
        checker.country(citizenship, "citizenship", "nationality");
    }

    if let Some(address) = &user.address {
        checker.required(&address.street, "address.street", "address.line1");
        checker.required(
            &address.postal_code,
            "address.postal_code",
            "address.postalCode",
        );
        checker.required(&address.city, "address.city", "address.city");
        checker.required_country(&address.country, "address.country", "address.countryCode");
    }

    if let Some(tax) = &user.tax_residency {
        checker.required_country(
            &tax.country,
            "tax_residency.country",
            "taxResidency.countryCode",
        );
        checker.required(&tax.tax_id, "tax_residency.tax_id", "taxResidency.value");
        checker.required(
            tax.proof_type.as_deref().unwrap_or_default(),
            "tax_residency.proof_type",
            "taxResidency.proofType",
        );
    }

    if let Some(employment) = user
        .wealthyhood
        .as_ref()
        .and_then(|extension| extension.employment_info.as_ref())
    {
        check_employment(checker, employment);
    }
}

fn check_employment(checker: &mut Checker, employment: &EmploymentInfo) {
    const PREFIX: &str = "wealthyhood.employment_info";
    checker.required(
        &employment.income_range_id,
        format_args!("{PREFIX}.income_range_id"),
        "employmentInfo.incomeRangeId",
    );
    checker.required(
        &employment.employment_status,
        format_args!("{PREFIX}.employment_status"),
        "employmentInfo.employmentStatus",
    );
    if employment.sources_of_wealth.is_empty() {
        checker.fail(
            format!("{PREFIX}.sources_of_wealth"),
            "employmentInfo.sourcesOfWealth",
            "at least one source of wealth is required",
        );
    }
    for (index, source) in employment.sources_of_wealth.iter().enumerate() {
        checker.required(
            source,
            format_args!("{PREFIX}.sources_of_wealth[{index}]"),
            format_args!("employmentInfo.sourcesOfWealth[{index}]"),
        );
    }
    if STATUSES_NEEDING_INDUSTRY.contains(&employment.employment_status.as_str()) {
        checker.ensure(
            employment
                .industry
                .as_deref()
                .is_some_and(|industry| !industry.trim().is_empty()),
            format_args!("{PREFIX}.industry"),
            "employmentInfo.industry",
            "is required when the employment status is FullTime, PartTime or SelfEmployed",
        );
    } else {
        checker.not_blank_if_given(
            employment.industry.as_deref(),
            format_args!("{PREFIX}.industry"),
            "employmentInfo.industry",
        );
    }
}
