//! A stand-in for a service's own code: it registers a shop customer with Bitpanda ("Bring Your
//! Own License": only the partner's `external_id` is sent) through the onboarding facade.

use onboarding::{BitpandaClient, NewUser, OnboardingError};

/// Registers the customer `customer_id` with Bitpanda and returns Bitpanda's id for the user,
/// when the answer carried one.
pub async fn register_customer(
    bitpanda: &BitpandaClient,
    customer_id: &str,
) -> Result<Option<String>, OnboardingError> {
    let user: NewUser = serde_json::from_value(serde_json::json!({
        "external_id": customer_id,
        "bitpanda": { "mode": "bring_your_own_license" }
    }))
    .expect("a BYOL user is a NewUser");
    let created = bitpanda.create_user(&user).await?;
    Ok(created.id)
}
