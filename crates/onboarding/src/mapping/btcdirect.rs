//! `UserUpdate` → BTC Direct `PATCH /api/v2/user`.

use btcdirect_client::types::{
    Amld5QuestionAnswers, IdentityDocument, UpdateUserRequest, UpdateUserRequestBusinessCountry,
    UpdateUserRequestBusinessName, UpdateUserRequestCountry, UpdateUserRequestFirstName,
    UpdateUserRequestLastName, UpdateUserRequestPhoneNumber, UpdateUserRequestWebsiteCountry,
    UpdateUserRequestWebsiteLanguage,
};
use chrono::NaiveDate;

use super::builder::{Builder, non_blank};
use crate::model::{UserUpdate, join_given_names};
use crate::provider::Provider;
use crate::validation::{ValidationReport, validate_btcdirect_on};

/// Validates `update` for BTC Direct (18+ as of today, UTC) and builds the body of
/// `PATCH /api/v2/user`.
///
/// | neutral | BTC Direct |
/// | --- | --- |
/// | `email`, `country` | `email`, `country` |
/// | `given_names` | `firstName`, joined with one space; left out when there are none |
/// | `family_name` | `lastName` |
/// | `phone` | `phoneNumber` |
/// | `date_of_birth` | `dateOfBirth` |
/// | `address.street` | `address` |
/// | `address.house_number` | `addressNo` |
/// | `address.postal_code` | `postalCode` |
/// | `address.city` | `city` |
/// | `btcdirect.email_code`, `.chamber_of_commerce`, `.business_name`, `.business_country`, `.is_business` | `emailCode`, `chamberOfCommerce`, `businessName`, `businessCountry`, `isBusiness` |
/// | `btcdirect.amld5_answers` | `amld5QuestionAnswers` (an object keyed by question id), left out when empty |
/// | `btcdirect.identity_documents[]` | `identityDocument[]` (`documentType`, `documentSide`, `data`) |
/// | `btcdirect.website_country`, `.website_language` | `websiteCountry`, `websiteLanguage`, case kept as given |
/// | `btcdirect.newsletter_subscription`, `.privacy_agreement` | `newsletterSubscription`, `privacyAgreement` |
///
/// This is a PATCH: a field that is absent (or a blank address part) is left out of the body and
/// so left unchanged at BTC Direct. `address.country` is not sent: BTC Direct has no address
/// country, only the user's `country`.
///
/// Errors: the [`ValidationReport`] of [`crate::validation::validate_btcdirect`], with every violation.
pub fn btcdirect_request(update: &UserUpdate) -> Result<UpdateUserRequest, ValidationReport> {
    btcdirect_request_on(update, chrono::Utc::now().date_naive())
}

/// [`btcdirect_request`] with the 18+ rule checked as of `today` instead of the current date.
pub fn btcdirect_request_on(
    update: &UserUpdate,
    today: NaiveDate,
) -> Result<UpdateUserRequest, ValidationReport> {
    validate_btcdirect_on(update, today)?;
    let mut builder = Builder::new(Provider::BtcDirect);
    let extension = &update.btcdirect;

    let country = builder.convert(
        "country",
        "country",
        UpdateUserRequestCountry::try_from(update.country.as_str()),
    );
    let first_name = (!update.given_names.is_empty())
        .then(|| join_given_names(&update.given_names))
        .and_then(|name| {
            builder.convert(
                "given_names",
                "firstName",
                UpdateUserRequestFirstName::try_from(name),
            )
        });
    let last_name = builder.convert_present(
        "family_name",
        "lastName",
        update.family_name.as_deref(),
        UpdateUserRequestLastName::try_from,
    );
    let phone_number = builder.convert_present(
        "phone",
        "phoneNumber",
        update.phone.as_deref(),
        UpdateUserRequestPhoneNumber::try_from,
    );
    let business_name = builder.convert_present(
        "btcdirect.business_name",
        "businessName",
        extension.business_name.as_deref(),
        UpdateUserRequestBusinessName::try_from,
    );
    let business_country = builder.convert_present(
        "btcdirect.business_country",
        "businessCountry",
        extension.business_country.as_deref(),
        UpdateUserRequestBusinessCountry::try_from,
    );
    let website_country = builder.convert_present(
        "btcdirect.website_country",
        "websiteCountry",
        extension.website_country.as_deref(),
        UpdateUserRequestWebsiteCountry::try_from,
    );
    let website_language = builder.convert_present(
        "btcdirect.website_language",
        "websiteLanguage",
        extension.website_language.as_deref(),
        UpdateUserRequestWebsiteLanguage::try_from,
    );
    let address = update.address.as_ref();

    builder.finish(|| {
        Some(UpdateUserRequest {
            address: address.and_then(|address| non_blank(&address.street)),
            address_no: address
                .and_then(|address| address.house_number.as_deref())
                .and_then(non_blank),
            amld5_question_answers: (!extension.amld5_answers.is_empty())
                .then(|| Amld5QuestionAnswers(extension.amld5_answers.clone())),
            business_country,
            business_name,
            chamber_of_commerce: extension.chamber_of_commerce.clone(),
            city: address.and_then(|address| non_blank(&address.city)),
            country: country?,
            date_of_birth: update.date_of_birth,
            email: update.email.clone(),
            email_code: extension.email_code.clone(),
            first_name,
            identity_document: extension
                .identity_documents
                .iter()
                // The spec requires none of the three (no source does); the facade always sends
                // all three, as the page's JSON example does.
                .map(|document| IdentityDocument {
                    data: Some(document.data.clone()),
                    document_side: Some(document.document_side),
                    document_type: Some(document.document_type),
                })
                .collect(),
            is_business: extension.is_business,
            last_name,
            newsletter_subscription: extension.newsletter_subscription,
            phone_number,
            postal_code: address.and_then(|address| non_blank(&address.postal_code)),
            privacy_agreement: extension.privacy_agreement,
            website_country,
            website_language,
        })
    })
}
