//! Checks a neutral user against everything a provider's page states, before any request is built.
//!
//! Every rule is checked and every violation is collected; validation never stops at the first
//! problem. A [`Violation`] names the neutral field, the provider's field and the reason, and never
//! repeats the offending value, so a [`ValidationReport`] is safe to log or show.
//!
//! Where a provider's spec gives a pattern, the pattern is what is checked (it is what the provider
//! receives); where the page names a standard (ISO 639-1 languages, ISO 3166-1 alpha-2 countries),
//! the code must also be an assigned code of that standard.
//!
//! The mapping functions in [`crate::mapping`] run these checks first, so calling them directly
//! is only needed to validate without building a request.

mod bitpanda;
mod bitpanda_names;
mod btcdirect;
mod codes;
mod rules;
mod wealthyhood;

use std::fmt::{self, Display};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::model::{NewUser, UserUpdate};
use crate::provider::Provider;

pub(crate) use bitpanda_names::bitpanda_name;

/// The `provider_field` of a violation that concerns no single field of the provider's body.
pub const NO_PROVIDER_FIELD: &str = "-";

/// One broken rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Path of the field in the neutral model, e.g. `address.postal_code` or `given_names[1]`.
    pub field: String,
    /// Path of the field in the provider's body, e.g. `postalCode`, or [`NO_PROVIDER_FIELD`].
    pub provider_field: String,
    /// What is wrong, in words that never include the value itself.
    pub reason: String,
}

impl Violation {
    /// A violation of `field` (sent as `provider_field`) for `reason`.
    pub fn new(
        field: impl Into<String>,
        provider_field: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            provider_field: provider_field.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.provider_field == NO_PROVIDER_FIELD {
            write!(f, "{}: {}", self.field, self.reason)
        } else {
            write!(
                f,
                "{} ({}): {}",
                self.field, self.provider_field, self.reason
            )
        }
    }
}

/// Every violation found in one user for one provider.
///
/// `Display` prints a heading and then one line per violation; it is also a
/// [`std::error::Error`], the error of the mapping functions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// The provider the user was checked for.
    pub provider: Provider,
    /// The violations, in the order the fields were checked.
    pub violations: Vec<Violation>,
}

impl ValidationReport {
    /// An empty report for `provider`.
    pub fn new(provider: Provider) -> Self {
        Self {
            provider,
            violations: Vec::new(),
        }
    }

    /// Whether no rule was broken.
    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    /// Adds a violation.
    pub fn push(&mut self, violation: Violation) {
        self.violations.push(violation);
    }

    /// `Ok(())` when empty, otherwise the report as an error.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.violations.len();
        let noun = if count == 1 { "problem" } else { "problems" };
        write!(
            f,
            "the user is not valid for {}: {count} {noun}",
            self.provider
        )?;
        for violation in &self.violations {
            write!(f, "\n  - {violation}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationReport {}

/// Checks `user` against Bitpanda's rules for its [`crate::BitpandaMode`].
///
/// Investment as a Service requires email, an E.164 phone, given names and family name in the
/// letters the spec allows, an ISO 639-1 language, citizenship (alpha-2), at least one accepted
/// terms id, at least one AML answer and verification data. Bring Your Own License requires only
/// `external_id`, and checks nothing that is not sent.
pub fn validate_bitpanda(user: &NewUser) -> Result<(), ValidationReport> {
    let mut checker = Checker::new(Provider::Bitpanda);
    bitpanda::check_bitpanda_user(&mut checker, user);
    checker.finish()
}

/// Checks `user` against Wealthyhood's rules: email, given and family names of 1 to 100
/// characters, date of birth and country of residence are required; language is `en` or `el`;
/// address, tax residency and employment info are complete when given (industry is required for
/// `FullTime`, `PartTime` and `SelfEmployed`).
pub fn validate_wealthyhood(user: &NewUser) -> Result<(), ValidationReport> {
    let mut checker = Checker::new(Provider::Wealthyhood);
    wealthyhood::check_wealthyhood_user(&mut checker, user);
    checker.finish()
}

/// Checks `update` against BTC Direct's rules, taking today's date (UTC) for the 18+ rule.
///
/// See [`validate_btcdirect_on`] for the rules.
pub fn validate_btcdirect(update: &UserUpdate) -> Result<(), ValidationReport> {
    validate_btcdirect_on(update, chrono::Utc::now().date_naive())
}

/// Checks `update` against BTC Direct's rules as of `today`: email and country (alpha-2) are
/// required; the phone is `+` and digits; names and business name have no emoji, `<` or `>`
/// (ER125–ER127); the user is 18 or older on `today` (ER085); business country and website
/// locale are valid codes; identity document data is base64.
pub fn validate_btcdirect_on(
    update: &UserUpdate,
    today: NaiveDate,
) -> Result<(), ValidationReport> {
    let mut checker = Checker::new(Provider::BtcDirect);
    btcdirect::check_btcdirect_update(&mut checker, update, today);
    checker.finish()
}

/// Reason for an e-mail address of the wrong shape.
const EMAIL_SHAPE: &str =
    "must be an e-mail address: ASCII `local@host.name`, no spaces, quotes or IP literals";

/// Reason for a country that is not an upper-case ISO 3166-1 alpha-2 code.
const COUNTRY_UPPER: &str = "must be an upper-case ISO 3166-1 alpha-2 country code, e.g. GR";

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
