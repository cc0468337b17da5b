//! The provider-neutral user model.
//!
//! [`NewUser`] is what a service fills in to create a user with Bitpanda or Wealthyhood;
//! [`UserUpdate`] is what it fills in to update a user with BTC Direct, the one provider that only
//! updates. Both read and write snake_case JSON and reject unknown fields, so a typo in a JSON file
//! is an error rather than a silently dropped value. Fields a provider needs but the others do not
//! live in a typed per-provider extension ([`BitpandaExtension`], [`WealthyhoodExtension`],
//! [`BtcDirectExtension`]); the Bitpanda extension reuses the generated Bitpanda types for its
//! nested objects.
//!
//! Optional parts default when absent. Strings that some provider requires (such as `email`) also
//! default to empty, so that a missing value is reported by validation together with every other
//! problem instead of failing the JSON parse on the first one.
//!
//! `Debug` of every type here is written by hand: personal data prints as `***` (or `""` when
//! empty), lists of personal data keep only their length, and only non-personal values such as the
//! language, the Bitpanda mode, document kinds and consent flags print as they are.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::redact;

use bitpanda_client::types::{
    BitpandaAmlAnswer, BitpandaAppropriatenessAnswer, BitpandaExtCompliance, BitpandaTax,
    BitpandaVerification,
};
use btcdirect_client::types::{DocumentSide, DocumentType};

/// A user to create with a provider that creates users: Bitpanda or Wealthyhood.
///
/// Required fields:
///
/// - **Bitpanda** (Investment as a Service): `email`, `phone`, `given_names`, `family_name`,
///   `language`, `citizenship`, `bitpanda.terms`, `bitpanda.aml`, `bitpanda.verification`;
///   in Bring Your Own License mode only `external_id`.
/// - **Wealthyhood**: `email`, `given_names`, `family_name`, `date_of_birth`,
///   `country_of_residence` (and the parts of `address`, `tax_residency` and
///   `wealthyhood.employment_info` when those are given).
///
/// Where each field goes is described on [`crate::mapping::bitpanda_request`] and
/// [`crate::mapping::wealthyhood_request`], and is available as data from
/// [`crate::Provider::capabilities`]. `date_of_birth` is a [`NaiveDate`], re-exported as
/// `onboarding::NaiveDate` so a service needs no `chrono` dependency:
///
/// ```
/// use onboarding::{NaiveDate, NewUser};
///
/// let user = NewUser {
///     email: "jane.doe@example.com".into(),
///     given_names: vec!["Jane".into()],
///     family_name: "Doe".into(),
///     date_of_birth: NaiveDate::from_ymd_opt(1990, 5, 15),
///     country_of_residence: Some("GR".into()),
///     ..NewUser::default()
/// };
/// assert!(onboarding::mapping::wealthyhood_request(&user).is_ok());
/// ```
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// E-mail address (required by both providers, except in Bitpanda's BYOL mode).
    #[serde(default)]
    pub email: String,
    /// Phone number with a leading `+` and country code, E.164 (Bitpanda only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Given names in order (first name, then middle names); joined with one space where a
    /// provider has a single first-name field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub given_names: Vec<String>,
    /// Family name (last name).
    #[serde(default)]
    pub family_name: String,
    /// Date of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    /// Preferred language, an ISO 639-1 code in lower case (e.g. `el`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Citizenship, an ISO 3166-1 alpha-2 code in upper case (e.g. `GR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizenship: Option<String>,
    /// Country of residence, an ISO 3166-1 alpha-2 code in upper case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_of_residence: Option<String>,
    /// Residential address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Tax residency and tax identification number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_residency: Option<TaxResidency>,
    /// The partner's own identifier for this user (Bitpanda's `external_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Fields only Bitpanda takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bitpanda: Option<BitpandaExtension>,
    /// Fields only Wealthyhood takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wealthyhood: Option<WealthyhoodExtension>,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &redact::text(&self.email))
            .field("phone", &redact::option_text(&self.phone))
            .field("given_names", &redact::list(&self.given_names))
            .field("family_name", &redact::text(&self.family_name))
            .field("date_of_birth", &redact::option(&self.date_of_birth))
            .field("language", &self.language)
            .field("citizenship", &redact::option_text(&self.citizenship))
            .field(
                "country_of_residence",
                &redact::option_text(&self.country_of_residence),
            )
            .field("address", &self.address)
            .field("tax_residency", &self.tax_residency)
            .field("external_id", &redact::option_text(&self.external_id))
            .field("bitpanda", &self.bitpanda)
            .field("wealthyhood", &self.wealthyhood)
            .finish()
    }
}

/// A residential address.
///
/// Providers split and join it differently: Wealthyhood takes `street` and `house_number` as one
/// `line1`, BTC Direct as separate `address` and `addressNo`, and Bitpanda takes no top-level
/// address at all.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street name.
    #[serde(default)]
    pub street: String,
    /// House number, including any suffix (e.g. `12a`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub house_number: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: String,
    /// City.
    #[serde(default)]
    pub city: String,
    /// Country, an ISO 3166-1 alpha-2 code in upper case.
    #[serde(default)]
    pub country: String,
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("street", &redact::text(&self.street))
            .field("house_number", &redact::option_text(&self.house_number))
            .field("postal_code", &redact::text(&self.postal_code))
            .field("city", &redact::text(&self.city))
            .field("country", &redact::text(&self.country))
            .finish()
    }
}

/// Where the user is resident for tax purposes, and their tax identification number there.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxResidency {
    /// Country of tax residency, an ISO 3166-1 alpha-2 code in upper case.
    #[serde(default)]
    pub country: String,
    /// The tax identification number (or other proof value of the kind named by `proof_type`).
    #[serde(default)]
    pub tax_id: String,
    /// What kind of proof `tax_id` is (Wealthyhood's `proofType`, required there; its allowed
    /// values are not documented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_type: Option<String>,
}

impl fmt::Debug for TaxResidency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaxResidency")
            .field("country", &redact::text(&self.country))
            .field("tax_id", &redact::text(&self.tax_id))
            .field("proof_type", &self.proof_type)
            .finish()
    }
}

/// Which of Bitpanda's two partner solutions the user is created under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BitpandaMode {
    /// "Investment as a Service": full master data, KYC data and accepted terms are sent.
    #[default]
    InvestmentAsAService,
    /// "Bring Your Own License": only `external_id` must be sent; `language`, `email`, `phone`,
    /// the names and `citizenship` are sent when given (checked by the Investment as a Service
    /// rules), and `account_level_id` and `external_meta` as given.
    BringYourOwnLicense,
}

/// Fields only Bitpanda takes. The nested objects are the generated Bitpanda types, so they are
/// checked against the spec when the JSON is read.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BitpandaExtension {
    /// Partner solution; Investment as a Service unless said otherwise.
    #[serde(default)]
    pub mode: BitpandaMode,
    /// IDs of the accepted terms and conditions and privacy policy (`terms`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<i64>,
    /// AML questionnaire answers (`aml`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aml: Vec<BitpandaAmlAnswer>,
    /// Appropriateness test answers (`appropriateness`), needed before the first stock or ETF trade.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appropriateness: Vec<BitpandaAppropriatenessAnswer>,
    /// KYC/verification data (`verification`), sent as given. This is also the only place an
    /// address or birth date reaches Bitpanda.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<BitpandaVerification>,
    /// Tax information (`tax`), sent as given; when absent, it is built from
    /// [`NewUser::tax_residency`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<BitpandaTax>,
    /// Compliance information provided by the partner (`ext_compliance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_compliance: Option<BitpandaExtCompliance>,
    /// User account level ID (`account_level_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_level_id: Option<String>,
    /// Key-value pairs agreed with Bitpanda during the integration (`external_meta`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub external_meta: BTreeMap<String, String>,
}

impl fmt::Debug for BitpandaExtension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BitpandaExtension")
            .field("mode", &self.mode)
            .field("terms", &redact::count(&self.terms, "ids"))
            .field("aml", &redact::count(&self.aml, "answers"))
            .field(
                "appropriateness",
                &redact::count(&self.appropriateness, "answers"),
            )
            .field("verification", &redact::option(&self.verification))
            .field("tax", &redact::option(&self.tax))
            .field("ext_compliance", &redact::option(&self.ext_compliance))
            .field("account_level_id", &self.account_level_id)
            .field("external_meta", &redact::map_values(&self.external_meta))
            .finish()
    }
}

/// Fields only Wealthyhood takes.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WealthyhoodExtension {
    /// Employment and source of wealth (`employmentInfo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment_info: Option<EmploymentInfo>,
}

impl fmt::Debug for WealthyhoodExtension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WealthyhoodExtension")
            .field("employment_info", &self.employment_info)
            .finish()
    }
}

/// Employment and source of wealth, as Wealthyhood asks for them.
///
/// When given, `income_range_id`, `employment_status` and `sources_of_wealth` are required, and
/// `industry` is required when `employment_status` is `FullTime`, `PartTime` or `SelfEmployed`.
/// The full lists of values are not documented, so all are open strings.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmploymentInfo {
    /// Identifier of the income range (a string holding a number, e.g. `"5"`).
    #[serde(default)]
    pub income_range_id: String,
    /// Employment status, e.g. `FullTime`, `PartTime`, `SelfEmployed`.
    #[serde(default)]
    pub employment_status: String,
    /// Sources of wealth, e.g. `BusinessOwnership`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources_of_wealth: Vec<String>,
    /// Industry, e.g. `FinanceAndInsurance`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
}

impl fmt::Debug for EmploymentInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmploymentInfo")
            .field("income_range_id", &redact::text(&self.income_range_id))
            .field("employment_status", &redact::text(&self.employment_status))
            .field("sources_of_wealth", &redact::list(&self.sources_of_wealth))
            .field("industry", &redact::option_text(&self.industry))
            .finish()
    }
}

/// An update of an existing BTC Direct user (`PATCH /api/v2/user`).
///
/// BTC Direct does not create users through this API, so it has its own form rather than
/// [`NewUser`]. Where each field goes is described on [`crate::mapping::btcdirect_request`].
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    /// E-mail address (required).
    #[serde(default)]
    pub email: String,
    /// The user's country, an ISO 3166-1 alpha-2 code in upper case (required).
    #[serde(default)]
    pub country: String,
    /// Given names in order; joined with one space into `firstName`. May be empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub given_names: Vec<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Phone number: `+`, country code and number, digits only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Date of birth; BTC Direct only accepts users who are 18 or older.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    /// Residential address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Fields only BTC Direct takes.
    #[serde(default)]
    pub btcdirect: BtcDirectExtension,
}

impl fmt::Debug for UserUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserUpdate")
            .field("email", &redact::text(&self.email))
            .field("country", &redact::text(&self.country))
            .field("given_names", &redact::list(&self.given_names))
            .field("family_name", &redact::option_text(&self.family_name))
            .field("phone", &redact::option_text(&self.phone))
            .field("date_of_birth", &redact::option(&self.date_of_birth))
            .field("address", &self.address)
            .field("btcdirect", &self.btcdirect)
            .finish()
    }
}

/// Fields only BTC Direct takes.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BtcDirectExtension {
    /// Verification code for the e-mail address (`emailCode`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_code: Option<String>,
    /// Chamber of Commerce number (`chamberOfCommerce`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chamber_of_commerce: Option<String>,
    /// Name of the business (`businessName`); no emoji, `<` or `>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_name: Option<String>,
    /// Country where the business is registered, alpha-2 upper case (`businessCountry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_country: Option<String>,
    /// Whether the user is a business user (`isBusiness`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_business: Option<bool>,
    /// Answers to the AMLD5 questions keyed by question id, e.g. `kyc-amld5-employment-status`
    /// (`amld5QuestionAnswers`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub amld5_answers: BTreeMap<String, String>,
    /// Identity documents to upload (`identityDocument`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identity_documents: Vec<IdentityDocument>,
    /// Country half of the website locale, two letters in either case (`websiteCountry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_country: Option<String>,
    /// Language half of the website locale, two letters in either case (`websiteLanguage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_language: Option<String>,
    /// Whether to subscribe the user to the newsletter (`newsletterSubscription`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newsletter_subscription: Option<bool>,
    /// Whether the user agreed to the privacy agreement (`privacyAgreement`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_agreement: Option<bool>,
}

impl fmt::Debug for BtcDirectExtension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BtcDirectExtension")
            .field("email_code", &redact::option_text(&self.email_code))
            .field(
                "chamber_of_commerce",
                &redact::option_text(&self.chamber_of_commerce),
            )
            .field("business_name", &redact::option_text(&self.business_name))
            .field("business_country", &self.business_country)
            .field("is_business", &self.is_business)
            .field("amld5_answers", &redact::map_values(&self.amld5_answers))
            .field("identity_documents", &self.identity_documents)
            .field("website_country", &self.website_country)
            .field("website_language", &self.website_language)
            .field("newsletter_subscription", &self.newsletter_subscription)
            .field("privacy_agreement", &self.privacy_agreement)
            .finish()
    }
}

/// One side of an identity document, uploaded to BTC Direct.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityDocument {
    /// Kind of document (`documentType`).
    pub document_type: DocumentType,
    /// Side or kind of capture (`documentSide`).
    pub document_side: DocumentSide,
    /// The file, base64-encoded (standard alphabet, padded).
    #[serde(default)]
    pub data: String,
}

impl fmt::Debug for IdentityDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentityDocument")
            .field("document_type", &self.document_type)
            .field("document_side", &self.document_side)
            .field("data", &redact::text(&self.data))
            .finish()
    }
}

/// Joins given names with one space, the rule for every provider with a single first-name field.
pub(crate) fn join_given_names(given_names: &[String]) -> String {
    given_names.join(" ")
}

/// The characters of [`join_given_names`], counted without building the joined string.
pub(crate) fn joined_given_names_chars(given_names: &[String]) -> usize {
    let names: usize = given_names.iter().map(|name| name.chars().count()).sum();
    names + given_names.len().saturating_sub(1)
}

/// Whether [`join_given_names`] would have at most `max` characters; counted only when the
/// joined string would be longer than `max` bytes.
pub(crate) fn joined_given_names_have_at_most_chars(given_names: &[String], max: usize) -> bool {
    let bytes: usize = given_names.iter().map(String::len).sum();
    bytes + given_names.len().saturating_sub(1) <= max
        || joined_given_names_chars(given_names) <= max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_given_names_are_counted_as_joined() {
        for names in [
            vec![],
            vec!["Γιώργος".to_owned()],
            vec!["Γιώργος".to_owned(), "Νικόλαος".to_owned(), "".to_owned()],
        ] {
            assert_eq!(
                joined_given_names_chars(&names),
                join_given_names(&names).chars().count(),
                "{names:?}"
            );
            let joined = join_given_names(&names).chars().count();
            for max in [0, 7, 8, 15, 16, 17, 100] {
                assert_eq!(
                    joined_given_names_have_at_most_chars(&names, max),
                    joined <= max,
                    "{names:?} {max}"
                );
            }
        }
    }

    #[test]
    fn debug_of_an_empty_user_shows_empty_strings_not_markers() {
        let debug = format!("{:?}", NewUser::default());
        assert!(debug.contains("email: \"\""), "{debug}");
        assert!(debug.contains("phone: None"), "{debug}");
    }

    #[test]
    fn redacted_dates_keep_only_their_presence() {
        let date = NaiveDate::from_ymd_opt(1985, 11, 2);
        assert_eq!(format!("{:?}", redact::option(&date)), "Some(***)");
        assert_eq!(format!("{:?}", redact::option::<NaiveDate>(&None)), "None");
    }
}
