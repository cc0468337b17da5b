#![warn(unreachable_pub)]
//! One provider-neutral user model over three onboarding APIs: Bitpanda (`POST /v2/users`),
//! Wealthyhood (`POST /users`) and BTC Direct (`PATCH /api/v2/user`).
//!
//! A service fills in a [`NewUser`] (to create a user with Bitpanda or Wealthyhood) or a
//! [`UserUpdate`] (to update one with BTC Direct, which only updates), and this crate
//!
//! - validates it against every rule the provider's page states, reporting **all** violations at
//!   once as a [`ValidationReport`](validation::ValidationReport) ([`validation`]);
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
//! One typed client per provider offers exactly that provider's operations:
//! [`BitpandaClient`] and [`WealthyhoodClient`] create users, [`BtcDirectClient`] updates them
//! (asking it to create one does not compile); [`OnboardingClient`] wraps them for a provider
//! chosen at run time. Each sends the mapped request with the provider's generated client,
//! retries under a [`RetryPolicy`] (see [`RetryPolicy`] for the exact rule), and turns every answer
//! into a [`CreatedUser`], an [`UpdatedUser`] or one [`OnboardingError`], whose
//! [`retry_advice`](OnboardingError::retry_advice) says whether the same request may be sent
//! again: a create that failed with a 5xx or got no answer may have created the user. Tracing
//! events carry provider, operation, status, attempt and latency, never personal data or
//! credentials.
//!
//! Set a service up once: credentials that renew themselves ([`credentials`]) and one shared
//! `reqwest::Client` (one connection pool) for the three providers.
//!
//! ```no_run
//! use onboarding::{
//!     BtcDirectLogin, ClientBuilder, ClientCredentials, CreatedUser, NewUser, OnboardingError,
//!     RetryAdvice, UserContext, UserUpdate,
//! };
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // The service's own HTTP client; build it without redirects (see ClientBuilder::http_client).
//! let http = reqwest::Client::builder()
//!     .redirect(reqwest::redirect::Policy::none())
//!     .timeout(std::time::Duration::from_secs(15))
//!     .build()?;
//!
//! // Bitpanda: OAuth 2.0 client credentials at the token URL Bitpanda gives the partner.
//! let bitpanda = ClientBuilder::new("https://api.bitpanda.example")
//!     .http_client(http.clone())
//!     .bitpanda(ClientCredentials::new(
//!         "https://auth.bitpanda.example/oauth2/token",
//!         "client-id",
//!         "client-secret",
//!     )?)?;
//! // Wealthyhood: Auth0 client credentials with the API's audience.
//! let wealthyhood = ClientBuilder::new("https://api.sandbox.wealthyhood.com")
//!     .http_client(http.clone())
//!     .wealthyhood(ClientCredentials::auth0(
//!         "https://wealthyhood.eu.auth0.com",
//!         "https://api.wealthyhood.com",
//!         "client-id",
//!         "client-secret",
//!     )?)?;
//! // BTC Direct: partner login, renewed with the refresh token.
//! let btcdirect = ClientBuilder::new("https://api-sandbox.btcdirect.eu")
//!     .http_client(http)
//!     .btcdirect(BtcDirectLogin::new("partner-username", "partner-password"))?;
//!
//! let user: NewUser = serde_json::from_value(serde_json::json!({
//!     "email": "john.doe@example.com",
//!     "given_names": ["John"],
//!     "family_name": "Doe",
//!     "date_of_birth": "1990-05-15",
//!     "country_of_residence": "GR",
//!     "language": "en"
//! }))?;
//! match wealthyhood.create_user(&user).await {
//!     Ok(CreatedUser::Created { id, .. }) => println!("created {id}"),
//!     // Only after a retry of an unanswered Bitpanda create with an `external_id`.
//!     Ok(created) => println!("exists already at {}", created.provider()),
//!     Err(OnboardingError::InvalidInput(report)) => eprintln!("fix these first:\n{report}"),
//!     Err(error) => match error.retry_advice() {
//!         // Nothing was applied (429, 503, not sent), or a resend cannot apply it twice.
//!         RetryAdvice::RetrySafe => eprintln!("try again later: {error}"),
//!         // A 5xx or no answer on a create: the user may exist. Never resend blindly.
//!         RetryAdvice::ReconcileFirst => eprintln!("check whether the user exists: {error}"),
//!         _ => return Err(error.into()),
//!     },
//! }
//! # let _ = bitpanda;
//!
//! // Update the same person with BTC Direct, acting for the user linked to an identifier.
//! let update: UserUpdate = serde_json::from_value(serde_json::json!({
//!     "email": "john.doe@example.com",
//!     "country": "NL",
//!     "phone": "+31612345678"
//! }))?;
//! let context = UserContext::identifier("0f8fad5bd9cb469fa16570867728950e0f8f")?;
//! let updated = btcdirect.update_user(&update, &context).await?;
//! println!("BTC Direct answered {}", updated.status);
//! # Ok(()) }
//! ```

pub mod credentials;
pub mod mapping;
pub mod validation;

pub mod generated {
    //! The providers' generated types (from `specs/*.yaml`, by progenitor) that the facade's
    //! own types carry or return: extension fields ([`BitpandaExtension`](crate::BitpandaExtension),
    //! [`IdentityDocument`](crate::IdentityDocument)) and the request bodies of
    //! [`mapping`](crate::mapping).

    /// Bitpanda's types (`POST /v2/users`).
    pub use bitpanda_client::types as bitpanda;
    /// BTC Direct's types (`PATCH /api/v2/user`).
    pub use btcdirect_client::types as btcdirect;
    /// Wealthyhood's types (`POST /users`).
    pub use wealthyhood_client::types as wealthyhood;
}

mod answer;
mod builder;
mod call;
mod classify;
mod client;
mod endpoint;
mod error;
mod excerpt;
mod model;
mod problems;
mod provider;
mod redact;
mod renewal;
mod retry;
mod sent;
mod spec;
mod transport;

pub use builder::ClientBuilder;
/// The calendar date of [`NewUser::date_of_birth`] and [`UserUpdate::date_of_birth`]
/// (re-exported from `chrono`, so a service needs no `chrono` dependency of its own).
pub use chrono::NaiveDate;
pub use client::{
    BitpandaClient, BtcDirectClient, CreatedUser, InvalidIdentifier, OnboardingClient, PartnerAuth,
    PartnerCredential, UpdatedUser, UserContext, WealthyhoodClient,
};
pub use client_support::InvalidCredential;
pub use credentials::btcdirect::BtcDirectLogin;
pub use credentials::fixed::FixedToken;
pub use credentials::oauth::{ClientAuthentication, ClientCredentials};
pub use error::{ErrorKind, OnboardingError, ProviderProblem, RetryAdvice};
pub use model::{
    Address, BitpandaExtension, BitpandaMode, BtcDirectExtension, EmploymentInfo, IdentityDocument,
    NewUser, TaxResidency, UserUpdate, WealthyhoodExtension,
};
pub use provider::{
    Capabilities, FieldSupport, Operation, Provider, UnknownProvider, UnmappedField,
};
pub use retry::RetryPolicy;
pub use secrecy::SecretString;
