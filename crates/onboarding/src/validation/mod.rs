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
mod checker;
mod codes;
mod report;
mod rules;
mod wealthyhood;

use chrono::NaiveDate;

use crate::model::{NewUser, UserUpdate};
use crate::provider::Provider;
use checker::Checker;

pub(crate) use bitpanda_names::{bitpanda_name, into_bitpanda_name};
pub use report::{NO_PROVIDER_FIELD, ValidationReport, Violation};

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
