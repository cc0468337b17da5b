//! Helpers shared by the three generated provider clients.
//!
//! Each client crate keeps its own `Credentials` type (the providers authenticate differently);
//! what they share lives here once: turning a secret into a sensitive header value, and the
//! HTTP client every provider client uses by default.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};

/// The default per-request timeout (connect and whole request), as progenitor's own default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// A credential that cannot be sent: empty, or not a valid HTTP header value.
///
/// Deliberately carries nothing of the rejected value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidCredential {
    /// Which credential was rejected, e.g. `"access token"` or `"User-Identifier"`.
    pub what: &'static str,
}

impl std::fmt::Display for InvalidCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the {} is empty or contains characters not allowed in an HTTP header",
            self.what
        )
    }
}

impl std::error::Error for InvalidCredential {}

/// `prefix` + `secret` as a header value marked sensitive (printed as `Sensitive` by `Debug`,
/// and kept out of HTTP/2 header compression tables).
///
/// `what` names the credential in the error; the error never repeats the secret.
pub fn sensitive_header(
    what: &'static str,
    prefix: &str,
    secret: &str,
) -> Result<HeaderValue, InvalidCredential> {
    if secret.trim().is_empty() {
        return Err(InvalidCredential { what });
    }
    let mut value = HeaderValue::from_str(&format!("{prefix}{secret}"))
        .map_err(|_| InvalidCredential { what })?;
    value.set_sensitive(true);
    Ok(value)
}

/// The HTTP client the provider clients use: `timeout` for connecting and for the whole request
/// ([`DEFAULT_TIMEOUT`] unless the caller chooses), and redirects disabled so a credential is
/// never replayed to another host.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

/// Credentials that add their headers to each outgoing request.
///
/// Each client crate's `ClientHooks::pre` calls this, so the generated code never sees a secret.
pub trait AuthHeaders {
    /// Inserts this credential's headers into `headers`, replacing any of the same name.
    fn apply(&self, headers: &mut HeaderMap);
}

/// A bearer access token, sent as `Authorization: Bearer …` (Bitpanda, Wealthyhood).
///
/// The header value is marked sensitive and `Debug` prints `Credentials(***)`.
#[derive(Clone)]
pub struct BearerCredentials {
    authorization: HeaderValue,
}

impl BearerCredentials {
    /// Credentials from an access token; rejects an empty token or one with characters not
    /// allowed in a header, without repeating it.
    pub fn bearer(token: &str) -> Result<Self, InvalidCredential> {
        let authorization = sensitive_header("access token", "Bearer ", token)?;
        Ok(Self { authorization })
    }
}

impl std::fmt::Debug for BearerCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(***)")
    }
}

impl AuthHeaders for BearerCredentials {
    fn apply(&self, headers: &mut HeaderMap) {
        headers.insert(AUTHORIZATION, self.authorization.clone());
    }
}
