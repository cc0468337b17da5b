//! The checker every provider's rule set shares: each rule it applies that fails adds a violation.

use std::fmt::Display;

use chrono::{Datelike, NaiveDate};

use super::codes;
use super::report::{ValidationReport, Violation};
use super::rules;
use crate::provider::Provider;

/// Reason for an e-mail address of the wrong shape.
pub(super) const EMAIL_SHAPE: &str =
    "must be an e-mail address: ASCII `local@host.name`, no spaces, quotes or IP literals";

/// Reason for a country that is not an upper-case ISO 3166-1 alpha-2 code.
pub(super) const COUNTRY_UPPER: &str =
    "must be an upper-case ISO 3166-1 alpha-2 country code, e.g. GR";

/// Reason for a date whose year RFC 3339 cannot write (see [`rules::is_four_digit_year`]).
const DATE_YEAR: &str =
    "must have a four-digit year (0000 to 9999): the spec's `format: date` allows no other";

/// Collects violations for one provider; the per-provider rule sets share its helpers.
///
/// Field names and reasons are taken as [`Display`] values (a `&str`, or `format_args!` for an
/// indexed path such as `given_names[1]`) and turned into strings only when a rule is broken, so
/// a valid user costs no allocation for them.
pub(crate) struct Checker {
    report: ValidationReport,
}

impl Checker {
    pub(crate) fn new(provider: Provider) -> Self {
        Self {
            report: ValidationReport::new(provider),
        }
    }

    pub(crate) fn fail(
        &mut self,
        field: impl Display,
        provider_field: impl Display,
        reason: impl Display,
    ) {
        self.report.push(Violation::new(
            field.to_string(),
            provider_field.to_string(),
            reason.to_string(),
        ));
    }

    /// Records a violation unless `ok`.
    pub(crate) fn ensure(
        &mut self,
        ok: bool,
        field: impl Display,
        provider_field: impl Display,
        reason: impl Display,
    ) {
        if !ok {
            self.fail(field, provider_field, reason);
        }
    }

    /// A required string: reports it when blank and returns whether it is there.
    pub(crate) fn required(
        &mut self,
        value: &str,
        field: impl Display,
        provider_field: impl Display,
    ) -> bool {
        let present = !rules::is_blank(value);
        self.ensure(present, field, provider_field, "is required");
        present
    }

    /// An optional string that, when given, must not be blank; returns the value when usable.
    pub(crate) fn not_blank_if_given<'a>(
        &mut self,
        value: Option<&'a str>,
        field: impl Display,
        provider_field: impl Display,
    ) -> Option<&'a str> {
        let value = value?;
        if rules::is_blank(value) {
            self.fail(field, provider_field, "must not be blank when given");
            return None;
        }
        Some(value)
    }

    pub(crate) fn email<F: Display + Copy, P: Display + Copy>(
        &mut self,
        value: &str,
        field: F,
        provider_field: P,
    ) {
        if self.required(value, field, provider_field) {
            self.ensure(rules::is_email(value), field, provider_field, EMAIL_SHAPE);
        }
    }

    pub(crate) fn country(
        &mut self,
        value: &str,
        field: impl Display,
        provider_field: impl Display,
    ) {
        self.ensure(
            codes::is_country(value),
            field,
            provider_field,
            COUNTRY_UPPER,
        );
    }

    pub(crate) fn required_country<F: Display + Copy, P: Display + Copy>(
        &mut self,
        value: &str,
        field: F,
        provider_field: P,
    ) {
        if self.required(value, field, provider_field) {
            self.country(value, field, provider_field);
        }
    }

    /// A date the body carries: reports it unless its year has four digits; returns whether it has.
    pub(crate) fn date(
        &mut self,
        value: NaiveDate,
        field: impl Display,
        provider_field: impl Display,
    ) -> bool {
        let ok = rules::is_four_digit_year(value.year());
        self.ensure(ok, field, provider_field, DATE_YEAR);
        ok
    }

    pub(crate) fn finish(self) -> Result<(), ValidationReport> {
        self.report.into_result()
    }
}
