//! The credentials every request carries (its own file: the generated code names them as
//! `crate::Credentials`, and the crate root re-exports the generated code).

/// The partner's OAuth 2.0 access token (client credentials, 10-minute lifetime), sent as
/// `Authorization: Bearer …` on every request. Build it with `Credentials::bearer(token)`.
pub type Credentials = client_support::BearerCredentials;
