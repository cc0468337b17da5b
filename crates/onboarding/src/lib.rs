//! One provider-neutral user model over three onboarding APIs: Bitpanda (`POST /v2/users`),
//! Wealthyhood (`POST /users`) and BTC Direct (`PATCH /api/v2/user`).
//!
//! A service fills in a [`NewUser`] (to create a user with Bitpanda or Wealthyhood) or a
//! [`UserUpdate`] (to update one with BTC Direct, which only updates), and this crate
//!
//! - validates it against every rule the provider's page states, reporting **all** violations at
//!   once as a [`ValidationReport`] ([`validation`]);
//! - maps it onto the provider's generated request type with documented rules ([`mapping`]);
//! - says, as data, which operations and fields each provider supports ([`Provider::capabilities`]).
//!
//! Provider-only fields stay reachable through typed extensions ([`BitpandaExtension`],
//! [`WealthyhoodExtension`], [`BtcDirectExtension`]). `Debug` of every model type redacts personal
//! data, and no violation repeats the value it concerns.
//!
//! ```
//! use onboarding::{NewUser, mapping};
//!
//! let user: NewUser = serde_json::from_value(serde_json::json!({
//!     "email": "john.doe@example.com",
//!     "given_names": ["John"],
//!     "family_name": "Doe",
//!     "date_of_birth": "1990-05-15",
//!     "country_of_residence": "GR",
//!     "language": "en"
//! }))?;
//! let body = mapping::wealthyhood_request(&user)?;
//! assert_eq!(body.first_name.as_str(), "John");
//!
//! // The same user lacks what Bitpanda requires; every gap is reported at once.
//! let report = mapping::bitpanda_request(&user).unwrap_err();
//! assert!(report.violations.iter().any(|violation| violation.field == "phone"));
//! assert!(report.violations.iter().any(|violation| violation.field == "bitpanda.terms"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

//!
//! # Registering and updating over HTTP
//!
//! [`OnboardingClient`] sends the mapped request with the provider's generated client, retries
//! under a [`RetryPolicy`] (see [`retry`] for the exact rule), and turns every answer into a
//! [`CreatedUser`], an [`UpdatedUser`] or one [`OnboardingError`]. Tracing events carry provider,
//! operation, status, attempt and latency, never personal data or credentials.
//!
//! ```no_run
//! use onboarding::{NewUser, OnboardingClient, OnboardingError, PartnerCredential, UserContext, UserUpdate};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let user: NewUser = serde_json::from_value(serde_json::json!({
//!     "email": "john.doe@example.com",
//!     "given_names": ["John"],
//!     "family_name": "Doe",
//!     "date_of_birth": "1990-05-15",
//!     "country_of_residence": "GR",
//!     "language": "en"
//! }))?;
//!
//! // Create with Wealthyhood.
//! let wealthyhood = OnboardingClient::builder("https://api.sandbox.wealthyhood.com")
//!     .wealthyhood("auth0-access-token")?;
//! match wealthyhood.create_user(&user).await {
//!     Ok(created) => println!("created {:?}", created.id),
//!     Err(OnboardingError::InvalidInput(report)) => eprintln!("fix these first:\n{report}"),
//!     Err(error) if error.is_retryable() => eprintln!("try again later: {error}"),
//!     Err(error) => return Err(error.into()),
//! }
//!
//! // Update the same person with BTC Direct, acting for the user linked to an identifier.
//! let update: UserUpdate = serde_json::from_value(serde_json::json!({
//!     "email": "john.doe@example.com",
//!     "country": "NL",
//!     "phone": "+31612345678"
//! }))?;
//! let btcdirect = OnboardingClient::builder("https://api-sandbox.btcdirect.eu")
//!     .btcdirect(PartnerCredential::api_key("partner-api-key")?)?;
//! let context = UserContext::identifier("0f8fad5bd9cb469fa16570867728950e0f8f")?;
//! let updated = btcdirect.update_user(&update, &context).await?;
//! println!("BTC Direct answered {}", updated.status);
//! # Ok(()) }
//! ```

pub mod mapping;
pub mod model;
pub mod provider;
pub mod validation;

pub mod client;
pub mod error;
pub mod retry;

mod call;
mod problems;
mod redact;
mod transport;

pub use client::{
    ClientBuilder, CreatedUser, OnboardingClient, PartnerCredential, UpdatedUser, UserContext,
};
pub use error::{OnboardingError, ProviderProblem};
pub use problems::btcdirect_field;
pub use retry::RetryPolicy;

pub use mapping::{bitpanda_request, btcdirect_request, wealthyhood_request};
pub use model::{
    Address, BitpandaExtension, BitpandaMode, BtcDirectExtension, EmploymentInfo, IdentityDocument,
    NewUser, TaxResidency, UserUpdate, WealthyhoodExtension,
};
pub use provider::{Capabilities, FieldSupport, Operation, Provider, UnknownProvider};
pub use validation::{
    ValidationReport, Violation, validate_bitpanda, validate_btcdirect, validate_btcdirect_on,
    validate_wealthyhood,
};
