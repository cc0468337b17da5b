//! Typed async client for BTC Direct's `PATCH /api/v2/user` ("Update an existing user"), and for
//! the two partner-token calls it needs, `POST /api/v1/authenticate` and `POST /api/v1/refresh`.
//!
//! The operation and its types are generated from `specs/btcdirect.yaml` by `cargo xtask codegen`
//! and re-exported here; this file only adds authentication. BTC Direct wants two credentials on
//! every call: the partner's ([`PartnerCredential`]) and the user's context ([`UserContext`]).
//! For many users, build one `reqwest::Client` and call `Client::new_with_client` per user: the
//! connection pool is shared and only the credentials differ.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use btcdirect_client::{Client, Credentials, PartnerCredential, UserContext, types};
//!
//! let credentials = Credentials::new(
//!     PartnerCredential::api_key("partner-api-key")?,
//!     UserContext::identifier("0f8fad5b-d9cb-469f-a165-70867728950e")?,
//! );
//! let client = Client::with_credentials("https://api-sandbox.btcdirect.eu", credentials)?;
//! let body: types::UpdateUserRequest =
//!     serde_json::from_value(serde_json::json!({"email": "john.doe@example.com", "country": "NL"}))?;
//! let updated = client.update_user(&body).await?;
//! println!("updated, status {}", updated.status());
//! # Ok(()) }
//! ```

#[rustfmt::skip]
#[allow(missing_docs, unused_imports, clippy::all, clippy::pedantic)]
mod generated;
mod credentials;

pub use client_support::{HeaderSecret, InvalidCredential};
pub use credentials::{
    API_KEY_HEADER, Credentials, InvalidIdentifier, PartnerCredential, USER_AUTHORIZATION_HEADER,
    USER_IDENTIFIER_HEADER, UserContext,
};
pub use generated::*;

client_support::provider_client_hooks!(Client, Credentials);
