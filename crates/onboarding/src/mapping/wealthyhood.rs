//! `NewUser` → Wealthyhood `POST /users`.

use wealthyhood_client::types::{
    Address, AddressCountryCode, CreateUserRequest, CreateUserRequestFirstName,
    CreateUserRequestLastName, CreateUserRequestNationality, CreateUserRequestResidencyCountry,
    EmploymentInfo, Language, TaxResidency, TaxResidencyCountryCode,
};

use std::borrow::Cow;

use super::builder::{Builder, present, take};
use crate::model::{self, NewUser, join_given_names};
use crate::provider::Provider;
use crate::validation::{ValidationReport, validate_wealthyhood};

/// Validates `user` for Wealthyhood and builds the body of `POST /users`.
///
/// | neutral | Wealthyhood |
/// | --- | --- |
/// | `email` | `email` |
/// | `given_names` | `firstName`, joined with one space |
/// | `family_name` | `lastName` |
/// | `date_of_birth` | `dateOfBirth` |
/// | `country_of_residence` | `residencyCountry` |
/// | `language` | `language` (`en` or `el`) |
/// | `citizenship` | `nationality`: one code in the request, although the created user comes back with a `nationalities` list |
/// | `address.street` + `address.house_number` | `address.line1`: street, one space, house number (just the street when there is no house number) |
/// | `address.postal_code`, `.city`, `.country` | `address.postalCode`, `.city`, `.countryCode` |
/// | `tax_residency.country`, `.proof_type`, `.tax_id` | `taxResidency.countryCode`, `.proofType`, `.value` |
/// | `wealthyhood.employment_info.*` | `employmentInfo.*` (`incomeRangeId`, `employmentStatus`, `sourcesOfWealth`, `industry`) |
///
/// Not sent: `phone` and `external_id` (Wealthyhood takes neither), and the `bitpanda` extension.
///
/// `user` is borrowed (`&user`: the values sent are copied) or owned (`user`: they are moved into
/// the request, which saves a copy of each).
///
/// Errors: the [`ValidationReport`] of [`validate_wealthyhood`], with every violation.
pub fn wealthyhood_request<'u>(
    user: impl Into<Cow<'u, NewUser>>,
) -> Result<CreateUserRequest, ValidationReport> {
    let mut user = user.into();
    validate_wealthyhood(&user)?;
    let first_name = join_given_names(&user.given_names);
    let mut builder = Builder::new(Provider::Wealthyhood);

    let first_name = builder.convert(
        "given_names",
        "firstName",
        CreateUserRequestFirstName::try_from(first_name),
    );
    let last_name = builder.convert(
        "family_name",
        "lastName",
        CreateUserRequestLastName::try_from(take!(user, family_name)),
    );
    let date_of_birth = builder.require("date_of_birth", "dateOfBirth", user.date_of_birth);
    let residency_country = builder.convert(
        "country_of_residence",
        "residencyCountry",
        CreateUserRequestResidencyCountry::try_from(
            take!(user, country_of_residence).unwrap_or_default(),
        ),
    );
    let language = builder.convert_present(
        "language",
        "language",
        take!(user, language),
        Language::try_from,
    );
    let nationality = builder.convert_present(
        "citizenship",
        "nationality",
        take!(user, citizenship),
        CreateUserRequestNationality::try_from,
    );
    let address: Option<Cow<'_, model::Address>> = match &mut user {
        Cow::Owned(user) => user.address.take().map(Cow::Owned),
        Cow::Borrowed(user) => user.address.as_ref().map(Cow::Borrowed),
    };
    let address = address.and_then(|mut address| {
        let country_code = builder.convert(
            "address.country",
            "address.countryCode",
            AddressCountryCode::try_from(take!(address, country)),
        )?;
        Some(Address {
            line1: line1(&mut address),
            city: take!(address, city),
            country_code,
            postal_code: take!(address, postal_code),
        })
    });
    let tax_residency = take!(user, tax_residency).and_then(|residency| {
        let country_code = builder.convert(
            "tax_residency.country",
            "taxResidency.countryCode",
            TaxResidencyCountryCode::try_from(residency.country),
        )?;
        Some(TaxResidency {
            country_code,
            proof_type: residency.proof_type.unwrap_or_default(),
            value: residency.tax_id,
        })
    });
    let employment_info = take!(user, wealthyhood)
        .and_then(|extension| extension.employment_info)
        .map(|employment| EmploymentInfo {
            employment_status: employment.employment_status,
            income_range_id: employment.income_range_id,
            industry: present(employment.industry),
            sources_of_wealth: employment.sources_of_wealth,
        });

    builder.finish(|| {
        Some(CreateUserRequest {
            address,
            date_of_birth: date_of_birth?,
            email: take!(user, email),
            employment_info,
            first_name: first_name?,
            language,
            last_name: last_name?,
            nationality,
            residency_country: residency_country?,
            tax_residency,
        })
    })
}

/// Wealthyhood's single address line: the street, then the house number after one space.
fn line1(address: &mut Cow<'_, model::Address>) -> String {
    match address {
        Cow::Owned(address) => {
            with_number(std::mem::take(&mut address.street), &address.house_number)
        }
        Cow::Borrowed(address) => {
            let number = address.house_number.as_deref().map_or(0, str::len);
            let mut street = String::with_capacity(address.street.len() + 1 + number);
            street.push_str(&address.street);
            with_number(street, &address.house_number)
        }
    }
}

/// `street`, then one space and the house number unless there is none (or it is blank).
fn with_number(mut street: String, house_number: &Option<String>) -> String {
    if let Some(number) = house_number.as_deref().filter(|n| !n.trim().is_empty()) {
        street.reserve_exact(1 + number.len());
        street.push(' ');
        street.push_str(number);
    }
    street
}
