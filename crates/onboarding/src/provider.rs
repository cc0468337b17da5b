//! The three providers, what each can do, and which neutral fields each takes, as data.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A provider the facade can talk to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Bitpanda Technology Solutions, `POST /v2/users`.
    Bitpanda,
    /// Wealthyhood, `POST /users`.
    Wealthyhood,
    /// BTC Direct, `PATCH /api/v2/user`.
    BtcDirect,
}

/// Something a service can ask a provider to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Register a new user ([`crate::NewUser`]).
    CreateUser,
    /// Change an existing user ([`crate::UserUpdate`]).
    UpdateUser,
}

impl Operation {
    /// The snake_case name, as in JSON: `create_user` or `update_user`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::CreateUser => "create_user",
            Self::UpdateUser => "update_user",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How one neutral field reaches a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FieldSupport {
    /// Path of the field in the neutral model, e.g. `address.postal_code` or `bitpanda.terms`.
    pub neutral: &'static str,
    /// Path of the field in the provider's body, e.g. `address.postalCode`; `-` when the field
    /// steers the mapping but is not sent itself (Bitpanda's mode).
    pub provider: &'static str,
    /// Whether the provider rejects a request without it. Fields required only when their parent
    /// object is given (such as Wealthyhood's `address.city`) are `false` here and checked by
    /// validation. For Bitpanda this is the Investment-as-a-Service mode; in BYOL mode only
    /// `external_id` is required.
    pub required: bool,
}

/// A field of a provider's request that no neutral field reaches, and why: the facade never sends
/// it, or fills it itself (BTC Direct's login, from the credentials).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct UnmappedField {
    /// Path of the field in the provider's body, e.g. `address.line2`.
    pub provider: &'static str,
    /// Why no neutral field reaches it.
    pub reason: &'static str,
}

/// What a provider supports: its operations, the neutral fields it takes, and the request fields
/// it deliberately leaves out.
///
/// A neutral field that is not listed is not sent to that provider (for example Wealthyhood has
/// no phone field). Together, [`fields`](Self::fields) and [`unmapped`](Self::unmapped) account
/// for every field of the provider's generated request type: a workspace test
/// (`tests/tests/it/accounting.rs`) walks the generated types and fails on a field in neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// The provider.
    pub provider: Provider,
    /// The operations the provider offers through this crate.
    pub operations: &'static [Operation],
    /// Every neutral field the provider takes, and where it goes.
    pub fields: &'static [FieldSupport],
    /// The provider's request fields no neutral field reaches, each with its reason.
    pub unmapped: &'static [UnmappedField],
}

impl Capabilities {
    /// The entry for a neutral field path, if the provider takes that field.
    pub fn field(&self, neutral: &str) -> Option<&'static FieldSupport> {
        self.fields.iter().find(|field| field.neutral == neutral)
    }

    /// The fields the provider always requires.
    pub fn required_fields(&self) -> impl Iterator<Item = &'static FieldSupport> + use<> {
        let fields = self.fields;
        fields.iter().filter(|field| field.required)
    }
}

const fn field(neutral: &'static str, provider: &'static str, required: bool) -> FieldSupport {
    FieldSupport {
        neutral,
        provider,
        required,
    }
}

/// The request fields of the generated types the facade does not send. A field listed in
/// [`FieldSupport::provider`] as a whole object (Bitpanda's `verification`) covers its sub-fields:
/// they are sent as given.
const BITPANDA_UNMAPPED: &[UnmappedField] = &[];

const WEALTHYHOOD_UNMAPPED: &[UnmappedField] = &[];

const BTCDIRECT_UNMAPPED: &[UnmappedField] = &[
    UnmappedField {
        provider: "username",
        reason: "a partner credential: `BtcDirectLogin` sends it to `/api/v1/authenticate`",
    },
    UnmappedField {
        provider: "password",
        reason: "a partner credential: `BtcDirectLogin` sends it to `/api/v1/authenticate`",
    },
    UnmappedField {
        provider: "refreshToken",
        reason: "the token cache sends it to `/api/v1/refresh`, never from user data",
    },
];

const BITPANDA_FIELDS: &[FieldSupport] = &[
    field("email", "email", true),
    field("phone", "phone", true),
    field("given_names", "first_name", true),
    field("family_name", "last_name", true),
    field("language", "language", true),
    field("citizenship", "country", true),
    field("external_id", "external_id", false),
    field("tax_residency.country", "tax.residence", false),
    field("tax_residency.tax_id", "tax.id", false),
    field("bitpanda.mode", "-", false),
    field("bitpanda.terms", "terms", true),
    field("bitpanda.aml", "aml", true),
    field("bitpanda.appropriateness", "appropriateness", false),
    field("bitpanda.verification", "verification", true),
    field("bitpanda.tax", "tax", false),
    field("bitpanda.ext_compliance", "ext_compliance", false),
    field("bitpanda.account_level_id", "account_level_id", false),
    field("bitpanda.external_meta", "external_meta", false),
];

const WEALTHYHOOD_FIELDS: &[FieldSupport] = &[
    field("email", "email", true),
    field("given_names", "firstName", true),
    field("family_name", "lastName", true),
    field("date_of_birth", "dateOfBirth", true),
    field("country_of_residence", "residencyCountry", true),
    field("language", "language", false),
    field("citizenship", "nationality", false),
    field("address.street", "address.line1", false),
    field("address.house_number", "address.line1", false),
    field("address.postal_code", "address.postalCode", false),
    field("address.city", "address.city", false),
    field("address.country", "address.countryCode", false),
    field("tax_residency.country", "taxResidency.countryCode", false),
    field("tax_residency.tax_id", "taxResidency.value", false),
    field("tax_residency.proof_type", "taxResidency.proofType", false),
    field(
        "wealthyhood.employment_info.income_range_id",
        "employmentInfo.incomeRangeId",
        false,
    ),
    field(
        "wealthyhood.employment_info.employment_status",
        "employmentInfo.employmentStatus",
        false,
    ),
    field(
        "wealthyhood.employment_info.sources_of_wealth",
        "employmentInfo.sourcesOfWealth",
        false,
    ),
    field(
        "wealthyhood.employment_info.industry",
        "employmentInfo.industry",
        false,
    ),
];

const BTCDIRECT_FIELDS: &[FieldSupport] = &[
    field("email", "email", true),
    field("country", "country", true),
    field("given_names", "firstName", false),
    field("family_name", "lastName", false),
    field("phone", "phoneNumber", false),
    field("date_of_birth", "dateOfBirth", false),
    field("address.street", "address", false),
    field("address.house_number", "addressNo", false),
    field("address.postal_code", "postalCode", false),
    field("address.city", "city", false),
    field("btcdirect.email_code", "emailCode", false),
    field("btcdirect.chamber_of_commerce", "chamberOfCommerce", false),
    field("btcdirect.business_name", "businessName", false),
    field("btcdirect.business_country", "businessCountry", false),
    field("btcdirect.is_business", "isBusiness", false),
    field("btcdirect.amld5_answers", "amld5QuestionAnswers", false),
    field("btcdirect.identity_documents", "identityDocument", false),
    field("btcdirect.website_country", "websiteCountry", false),
    field("btcdirect.website_language", "websiteLanguage", false),
    field(
        "btcdirect.newsletter_subscription",
        "newsletterSubscription",
        false,
    ),
    field("btcdirect.privacy_agreement", "privacyAgreement", false),
];

impl Provider {
    /// Every provider, in a stable order.
    pub const ALL: [Provider; 3] = [
        Provider::Bitpanda,
        Provider::Wealthyhood,
        Provider::BtcDirect,
    ];

    /// The lowercase name used in JSON, on the command line and in `Display`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Bitpanda => "bitpanda",
            Self::Wealthyhood => "wealthyhood",
            Self::BtcDirect => "btcdirect",
        }
    }

    /// Whether the provider offers `operation`: Bitpanda and Wealthyhood create users, BTC Direct
    /// only updates them.
    pub fn supports(self, operation: Operation) -> bool {
        self.capabilities().operations.contains(&operation)
    }

    /// The provider's operations and fields, as data a service can query or serialise.
    pub const fn capabilities(self) -> Capabilities {
        match self {
            Self::Bitpanda => Capabilities {
                provider: self,
                operations: &[Operation::CreateUser],
                fields: BITPANDA_FIELDS,
                unmapped: BITPANDA_UNMAPPED,
            },
            Self::Wealthyhood => Capabilities {
                provider: self,
                operations: &[Operation::CreateUser],
                fields: WEALTHYHOOD_FIELDS,
                unmapped: WEALTHYHOOD_UNMAPPED,
            },
            Self::BtcDirect => Capabilities {
                provider: self,
                operations: &[Operation::UpdateUser],
                fields: BTCDIRECT_FIELDS,
                unmapped: BTCDIRECT_UNMAPPED,
            },
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A provider name that is none of `bitpanda`, `wealthyhood` or `btcdirect`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownProvider {
    name: String,
}

impl fmt::Display for UnknownProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown provider `{}`, expected bitpanda, wealthyhood or btcdirect",
            self.name
        )
    }
}

impl std::error::Error for UnknownProvider {}

impl FromStr for Provider {
    type Err = UnknownProvider;

    /// Parses the lowercase name (`bitpanda`, `wealthyhood`, `btcdirect`), ignoring ASCII case.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Provider::ALL
            .into_iter()
            .find(|provider| provider.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| UnknownProvider {
                name: name.chars().take(32).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_display_and_from_str() {
        for provider in Provider::ALL {
            assert_eq!(provider.to_string().parse::<Provider>(), Ok(provider));
        }
        assert_eq!("BtcDirect".parse::<Provider>(), Ok(Provider::BtcDirect));
        let error = "kraken".parse::<Provider>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown provider `kraken`, expected bitpanda, wealthyhood or btcdirect"
        );
    }

    #[test]
    fn serde_names_match_display() {
        for provider in Provider::ALL {
            assert_eq!(serde_json::to_value(provider).unwrap(), provider.name());
        }
        assert_eq!(
            serde_json::to_value(Operation::UpdateUser).unwrap(),
            "update_user"
        );
    }

    #[test]
    fn only_btcdirect_updates_and_only_the_others_create() {
        assert!(Provider::Bitpanda.supports(Operation::CreateUser));
        assert!(Provider::Wealthyhood.supports(Operation::CreateUser));
        assert!(!Provider::BtcDirect.supports(Operation::CreateUser));
        assert!(Provider::BtcDirect.supports(Operation::UpdateUser));
        assert!(!Provider::Bitpanda.supports(Operation::UpdateUser));
        assert!(!Provider::Wealthyhood.supports(Operation::UpdateUser));
    }

    #[test]
    fn neutral_paths_are_unique_per_provider() {
        for provider in Provider::ALL {
            let fields = provider.capabilities().fields;
            for (index, field) in fields.iter().enumerate() {
                assert!(
                    fields[index + 1..]
                        .iter()
                        .all(|other| other.neutral != field.neutral),
                    "{provider}: {} listed twice",
                    field.neutral
                );
            }
        }
    }
}
