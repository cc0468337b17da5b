//! A stand-in for a service's own code: it registers a shop customer with Bitpanda ("Bring Your
//! Own License": only the partner's `external_id` is sent) through the onboarding facade.

use onboarding::{
    BitpandaClient, BitpandaExtension, BitpandaMode, CreatedUser, NewUser, OnboardingError,
};

/// Registers the customer `customer_id` with Bitpanda: created now (with Bitpanda's id), or
/// confirmed to exist already by a retry.
pub async fn register_customer(
    bitpanda: &BitpandaClient,
    customer_id: &str,
) -> Result<CreatedUser, OnboardingError> {
    let user = NewUser {
        external_id: Some(customer_id.to_owned()),
        bitpanda: Some(BitpandaExtension {
            mode: BitpandaMode::BringYourOwnLicense,
            ..BitpandaExtension::default()
        }),
        ..NewUser::default()
    };
    bitpanda.create_user(&user).await
}
