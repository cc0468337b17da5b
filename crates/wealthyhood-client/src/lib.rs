//! Typed async client for Wealthyhood's `POST /users` ("Create user", Greek market).
//!
//! The operation and its types are generated from `specs/wealthyhood.yaml` by `cargo xtask codegen`
//! and re-exported here; this file only adds authentication.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use wealthyhood_client::{Client, Credentials, types};
//!
//! let client = Client::with_credentials("https://api.sandbox.wealthyhood.com", Credentials::bearer("access-token")?)?;
//! let body: types::CreateUserRequest =
//!     serde_json::from_value(serde_json::json!({
//!         "email": "john.doe@example.com", "firstName": "John", "lastName": "Doe",
//!         "dateOfBirth": "1990-05-15", "residencyCountry": "GR", "language": "en"
//!     }))?;
//! let created = client.create_user(&body).await?;
//! println!("new user {}", created.id.as_str());
//! # Ok(()) }
//! ```

#[rustfmt::skip]
#[allow(missing_docs, unused_imports, clippy::all, clippy::pedantic)]
mod generated;
mod credentials;

pub use client_support::InvalidCredential;
pub use credentials::Credentials;
pub use generated::*;

client_support::provider_client_hooks!(Client, Credentials);
