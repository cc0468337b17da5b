//! `NewUser` → Bitpanda `POST /v2/users`.

use bitpanda_client::types::{
    BitpandaAccountLevelId, BitpandaAml, BitpandaAppropriateness, BitpandaCountry, BitpandaEmail,
    BitpandaExternalId, BitpandaExternalMeta, BitpandaFirstName, BitpandaLanguage,
    BitpandaLastName, BitpandaPhone, BitpandaTax, BitpandaTaxResidence, BitpandaTerms,
    BringYourOwnLicenseUser, CreateUserRequest, InvestmentAsAServiceUser,
};

use super::builder::{Builder, non_blank};
use crate::model::{BitpandaExtension, BitpandaMode, NewUser, join_given_names};
use crate::provider::Provider;
use crate::validation::{ValidationReport, bitpanda_name, into_bitpanda_name, validate_bitpanda};

/// Validates `user` for Bitpanda and builds the body of `POST /v2/users`.
///
/// The body depends on [`BitpandaExtension::mode`] (Investment as a Service when there is no
/// extension).
///
/// **Investment as a Service**:
///
/// | neutral | Bitpanda |
/// | --- | --- |
/// | `email`, `phone`, `language` | same name |
/// | `given_names` | `first_name`, joined with one space (the page: "send all names in first_name field separated by a space"); normalised like `family_name` |
/// | `family_name` | `last_name`, in Unicode NFC, with the typographic apostrophe U+2019 replaced by the ASCII apostrophe U+0027 |
/// | `citizenship` | `country` (the page: "represents user's citizenship") |
/// | `external_id` | `external_id`, as given |
/// | `bitpanda.terms`, `.aml`, `.appropriateness`, `.verification`, `.ext_compliance`, `.account_level_id` | same name, as given |
/// | `bitpanda.external_meta` | `external_meta`, left out when empty |
/// | `bitpanda.tax`, else `tax_residency` | `tax`: the extension's as given; otherwise `{id: tax_id, residence: country}` (no `proof_type`) |
///
/// Names: the page allows "uppercase/lowercase letters, comma, full stop, hyphen, apostrophe, and
/// space"; the spec reads letters as the upper- and lower-case letters of every cased script
/// (Latin with Vietnamese, Greek, Cyrillic, Armenian, Georgian, ...) and the apostrophe as U+0027.
/// The facade does not send U+2019 RIGHT SINGLE QUOTATION MARK, the apostrophe phones type, as
/// it is: no source says Bitpanda accepts it, so it is mapped to U+0027, which the page's
/// "apostrophe" surely covers ("O’Brien" is sent as "O'Brien"). Names are put in NFC first, so
/// a letter typed as base letter plus combining accent is sent as the one precomposed letter.
///
/// Not sent: `date_of_birth`, `address`, `country_of_residence` and `tax_residency.proof_type`.
/// Bitpanda has no top-level fields for them; a birth date or address reaches Bitpanda only inside
/// `bitpanda.verification` (`birth_date`, `address`), which is sent exactly as given and is not
/// filled from the neutral fields. The `wealthyhood` extension is ignored.
///
/// **Bring Your Own License**: `external_id` is sent (and required); `language` (the newer
/// revision of the page says a BYOL request can include it), `email`, `phone`, `given_names`,
/// `family_name` and `citizenship` are sent when given, mapped and checked by the same rules as
/// in Investment as a Service mode (the spec refers both branches to one schema per field);
/// `bitpanda.account_level_id` and `bitpanda.external_meta` are sent as given. Every other field
/// is left out (and not validated).
///
/// Errors: the [`ValidationReport`] of [`validate_bitpanda`], with every violation.
pub fn bitpanda_request(user: &NewUser) -> Result<CreateUserRequest, ValidationReport> {
    validate_bitpanda(user)?;
    let default_extension = BitpandaExtension::default();
    let extension = user.bitpanda.as_ref().unwrap_or(&default_extension);
    let mut builder = Builder::new(Provider::Bitpanda);

    let external_id = user.external_id.clone().map(BitpandaExternalId);
    let external_meta = (!extension.external_meta.is_empty())
        .then(|| BitpandaExternalMeta(extension.external_meta.clone()));

    if extension.mode == BitpandaMode::BringYourOwnLicense {
        let external_id = builder.require("external_id", "external_id", external_id);
        let language = builder.convert_present(
            "language",
            "language",
            given_text(user.language.as_deref()),
            BitpandaLanguage::try_from,
        );
        let phone = builder.convert_present(
            "phone",
            "phone",
            given_text(user.phone.as_deref()),
            BitpandaPhone::try_from,
        );
        let joined = (!user.given_names.is_empty())
            .then(|| into_bitpanda_name(join_given_names(&user.given_names)));
        let first_name = builder.convert_present(
            "given_names",
            "first_name",
            joined,
            BitpandaFirstName::try_from,
        );
        let family_name = bitpanda_name(&user.family_name);
        let last_name = builder.convert_present(
            "family_name",
            "last_name",
            given_text(Some(&family_name)),
            BitpandaLastName::try_from,
        );
        let country = builder.convert_present(
            "citizenship",
            "country",
            given_text(user.citizenship.as_deref()),
            BitpandaCountry::try_from,
        );
        return builder.finish(|| {
            Some(CreateUserRequest::BringYourOwnLicenseUser(
                BringYourOwnLicenseUser {
                    account_level_id: account_level_id(extension),
                    aml: None,
                    appropriateness: None,
                    country,
                    email: non_blank(&user.email).map(BitpandaEmail),
                    ext_compliance: None,
                    external_id: external_id?,
                    external_meta,
                    first_name,
                    language,
                    last_name,
                    phone,
                    tax: None,
                    terms: None,
                    verification: None,
                },
            ))
        });
    }

    let phone = builder.convert(
        "phone",
        "phone",
        BitpandaPhone::try_from(user.phone.as_deref().unwrap_or_default()),
    );
    let first_name = builder.convert(
        "given_names",
        "first_name",
        BitpandaFirstName::try_from(into_bitpanda_name(join_given_names(&user.given_names))),
    );
    let last_name = builder.convert(
        "family_name",
        "last_name",
        BitpandaLastName::try_from(&*bitpanda_name(&user.family_name)),
    );
    let language = builder.convert(
        "language",
        "language",
        BitpandaLanguage::try_from(user.language.as_deref().unwrap_or_default()),
    );
    let country = builder.convert(
        "citizenship",
        "country",
        BitpandaCountry::try_from(user.citizenship.as_deref().unwrap_or_default()),
    );
    let verification = builder.require(
        "bitpanda.verification",
        "verification",
        extension.verification.clone(),
    );
    let tax = match (&extension.tax, &user.tax_residency) {
        (Some(tax), _) => Some(tax.clone()),
        (None, Some(residency)) => builder
            .convert(
                "tax_residency.country",
                "tax.residence",
                BitpandaTaxResidence::try_from(residency.country.as_str()),
            )
            .map(|residence| BitpandaTax {
                id: Some(residency.tax_id.clone()),
                residence: Some(residence),
            }),
        (None, None) => None,
    };

    builder.finish(|| {
        Some(CreateUserRequest::InvestmentAsAServiceUser(
            InvestmentAsAServiceUser {
                account_level_id: account_level_id(extension),
                aml: BitpandaAml(extension.aml.clone()),
                appropriateness: (!extension.appropriateness.is_empty())
                    .then(|| BitpandaAppropriateness(extension.appropriateness.clone())),
                country: country?,
                email: BitpandaEmail(user.email.clone()),
                ext_compliance: extension.ext_compliance.clone(),
                external_id,
                external_meta,
                first_name: first_name?,
                language: language?,
                last_name: last_name?,
                phone: phone?,
                tax,
                terms: BitpandaTerms(extension.terms.clone()),
                verification: verification?,
            },
        ))
    })
}

/// The extension's `account_level_id`, as the generated type carries it.
fn account_level_id(extension: &BitpandaExtension) -> Option<BitpandaAccountLevelId> {
    extension
        .account_level_id
        .clone()
        .map(BitpandaAccountLevelId)
}

/// `value` unless it is absent or blank (a blank optional field is not sent).
fn given_text(value: Option<&str>) -> Option<&str> {
    value.filter(|value| !value.trim().is_empty())
}
