//! `NewUser` → Wealthyhood `POST /users`.

use wealthyhood_client::types::{
    Address, AddressCountryCode, CreateUserRequest, CreateUserRequestFirstName,
    CreateUserRequestLastName, CreateUserRequestNationality, CreateUserRequestResidencyCountry,
    EmploymentInfo, Language, TaxResidency, TaxResidencyCountryCode,
};

use super::builder::{Builder, non_blank};
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
/// Errors: the [`ValidationReport`] of [`validate_wealthyhood`], with every violation.
pub fn wealthyhood_request(user: &NewUser) -> Result<CreateUserRequest, ValidationReport> {
    validate_wealthyhood(user)?;
    let mut builder = Builder::new(Provider::Wealthyhood);

    let first_name = builder.convert(
        "given_names",
        "firstName",
        CreateUserRequestFirstName::try_from(join_given_names(&user.given_names)),
    );
    let last_name = builder.convert(
        "family_name",
        "lastName",
        CreateUserRequestLastName::try_from(user.family_name.as_str()),
    );
    let date_of_birth = builder.require("date_of_birth", "dateOfBirth", user.date_of_birth);
    let residency_country = builder.convert(
        "country_of_residence",
        "residencyCountry",
        CreateUserRequestResidencyCountry::try_from(
            user.country_of_residence.as_deref().unwrap_or_default(),
        ),
    );
    let language = builder.convert_present(
        "language",
        "language",
        user.language.as_deref(),
        Language::try_from,
    );
    let nationality = builder.convert_present(
        "citizenship",
        "nationality",
        user.citizenship.as_deref(),
        CreateUserRequestNationality::try_from,
    );
    let address = user.address.as_ref().and_then(|address| {
        let country_code = builder.convert(
            "address.country",
            "address.countryCode",
            AddressCountryCode::try_from(address.country.as_str()),
        )?;
        Some(Address {
            city: address.city.clone(),
            country_code,
            line1: line1(address),
            postal_code: address.postal_code.clone(),
        })
    });
    let tax_residency = user.tax_residency.as_ref().and_then(|residency| {
        let country_code = builder.convert(
            "tax_residency.country",
            "taxResidency.countryCode",
            TaxResidencyCountryCode::try_from(residency.country.as_str()),
        )?;
        Some(TaxResidency {
            country_code,
            proof_type: residency.proof_type.clone().unwrap_or_default(),
            value: residency.tax_id.clone(),
        })
    });
    let employment_info = user
        .wealthyhood
        .as_ref()
        .and_then(|extension| extension.employment_info.as_ref())
        .map(|employment| EmploymentInfo {
            employment_status: employment.employment_status.clone(),
            income_range_id: employment.income_range_id.clone(),
            industry: employment.industry.as_deref().and_then(non_blank),
            sources_of_wealth: employment.sources_of_wealth.clone(),
        });

    builder.finish(|| {
        Some(CreateUserRequest {
            address,
            date_of_birth: date_of_birth?,
            email: user.email.clone(),
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
fn line1(address: &model::Address) -> String {
    match address
        .house_number
        .as_deref()
        .filter(|number| !number.trim().is_empty())
    {
        Some(number) => {
            let mut line = String::with_capacity(address.street.len() + 1 + number.len());
            line.push_str(&address.street);
            line.push(' ');
            line.push_str(number);
            line
        }
        None => address.street.clone(),
    }
}
