//! Typed async client for Bitpanda Technology Solutions' `POST /v2/users` ("Create new user").
//!
//! The operation and its types are generated from `specs/bitpanda.yaml` by `cargo xtask codegen`
//! and re-exported here; this file only adds authentication.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use bitpanda_client::{Client, Credentials, types};
//!
//! let client = Client::with_credentials("https://partner.example", Credentials::bearer("access-token")?)?;
//! let body: types::CreateUserRequest =
//!     serde_json::from_value(serde_json::json!({"external_id": "Ext-Id-2"}))?;
//! let created = client.create_user_v2(&body).await?;
//! println!("new user {}", created.data.id);
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
