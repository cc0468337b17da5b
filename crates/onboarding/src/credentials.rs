//! Credentials that renew themselves: a [`TokenSource`] yields an access token and when it
//! expires; each facade client keeps the token in a cache and renews it before it expires.
//!
//! # The rule
//!
//! - A call takes the cached token while it is fresh: no lock is held across an `await`, and no
//!   request is made. A token is renewed once it is within [`RENEWAL_MARGIN`] of its expiry (or
//!   half its lifetime, for a token that lives shorter than twice the margin).
//! - Many calls that find the token stale share one renewal: the first asks the source, the
//!   others wait for its answer (64 concurrent calls at expiry make exactly one token request,
//!   and so does a burst of calls that meet a token endpoint that is down). A renewal that fails
//!   while the cached token has not yet expired keeps that token until it does.
//! - When a provider refuses the token anyway (HTTP 401; BTC Direct ER701, ER702, ER800 or
//!   ER801, which it sends with a 400), the call drops that token, renews once and sends again:
//!   the refused request created nothing, so repeating it is safe. A second refusal is
//!   [`OnboardingError::Unauthorized`](crate::OnboardingError::Unauthorized). When the renewal
//!   gives back the very token that was refused (a fixed token), nothing is sent again.
//! - When no token can be had (the token endpoint is down, refuses the client's credentials or
//!   answers off-spec), the call fails with
//!   [`OnboardingError::CredentialUnavailable`](crate::OnboardingError::CredentialUnavailable)
//!   carrying a [`TokenError`], and the provider request is never sent.
//!
//! Expiry is measured on `tokio::time::Instant`, so tests drive it with Tokio's paused clock.
//! Each renewal is a tracing event (`access token renewed`: provider, renewal number, lifetime in
//! seconds; `access token renewal failed`: provider and the [`TokenError`]), never the token.
//!
//! # Built-in sources
//!
//! - [`FixedToken`](crate::FixedToken): a token the service obtains and renews itself, handed out as is.
//! - [`ClientCredentials`](crate::ClientCredentials): OAuth 2.0 client credentials (RFC 6749 §4.4). For Bitpanda with the
//!   token URL Bitpanda gives the partner (its path is not public); for Wealthyhood with
//!   [`ClientCredentials::auth0`](crate::ClientCredentials::auth0) (`POST {issuer}/oauth/token` with an `audience`).
//! - [`BtcDirectLogin`](crate::BtcDirectLogin): BTC Direct's partner login (`POST /api/v1/authenticate`, then
//!   `POST /api/v1/refresh` with the refresh token; a token lives one hour).
//!
//! # A source of your own
//!
//! [`TokenSource`] is a trait so a service can plug in its own: a service running many replicas
//! can keep one token in a shared cache (Redis, a database, a sidecar) instead of each replica
//! asking the provider, by implementing [`TokenSource::fetch_token`] to read that cache (and
//! renew it under a distributed lock). The facade still caches per client in memory on top.
//!
//! # Why not the `oauth2` crate
//!
//! `oauth2` 5.0 was weighed and not taken. Its `reqwest` integration depends on reqwest 0.12
//! while this workspace uses 0.13, so `Cargo.lock` would hold two versions of reqwest (the
//! workspace allows one version of each dependency). Without that
//! integration it still adds a second `rand` (0.8 beside 0.10) and a second `thiserror` (1
//! beside 2), plus `sha2` and `serde_path_to_error`, for PKCE, authorization-code and device
//! flows the facade never uses.
//!
//! The client-credentials exchange is one form POST and one JSON answer
//! ([`ClientCredentials`](crate::ClientCredentials)), sent through the facade's own HTTP client so it shares its pool,
//! its bounded reads and its no-redirect rule.
//!
//! Secrets stay in [`secrecy::SecretString`]: `Debug` and `Display` of every type here print
//! `***` in their place, and no [`TokenError`] repeats a secret or a response body.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use tokio::time::Instant;

pub(crate) mod btcdirect;
pub(crate) mod cache;
pub(crate) mod fixed;
pub(crate) mod oauth;

/// How long before a token's expiry it is renewed: 60 s (capped at half the token's lifetime).
pub const RENEWAL_MARGIN: Duration = Duration::from_secs(60);

/// The future a [`TokenSource`] returns: boxed, so the trait stays object safe.
pub type TokenFuture<'a> =
    Pin<Box<dyn Future<Output = Result<AccessToken, TokenError>> + Send + 'a>>;

/// Something that can hand out a fresh access token.
///
/// The facade calls [`fetch_token`](Self::fetch_token) only when its cache holds no fresh token,
/// and never twice at once for the same client. Implement it to plug in a token store shared by
/// many replicas (see the [module docs](self)).
pub trait TokenSource: Send + Sync {
    /// Obtains a new token. `request` carries the HTTP client and base URL of the facade client
    /// that needs it, so a source that calls the provider shares the service's connection pool.
    fn fetch_token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a>;
}

impl<S: TokenSource + ?Sized> TokenSource for Arc<S> {
    fn fetch_token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        (**self).fetch_token(request)
    }
}

impl<S: TokenSource + ?Sized> TokenSource for Box<S> {
    fn fetch_token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        (**self).fetch_token(request)
    }
}

/// What a [`TokenSource`] is given when asked for a token. `Debug` leaves the HTTP client out:
/// reqwest's prints its default headers and proxies, where a service may keep a credential.
#[derive(Clone, Copy)]
pub struct TokenRequest<'a> {
    /// The HTTP client of the facade client (the service's own when it supplied one).
    pub http: &'a reqwest::Client,
    /// The provider's base URL, checked and without a trailing `/`.
    pub base_url: &'a str,
    /// A timeout to set on the token request, when the service asked for one over its own
    /// HTTP client's ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub timeout: Option<std::time::Duration>,
}

impl fmt::Debug for TokenRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// An access token and when it stops being valid. `Debug` prints `AccessToken(***)` and the
/// expiry only.
#[derive(Clone)]
pub struct AccessToken {
    secret: SecretString,
    expires_at: Option<Instant>,
}

impl AccessToken {
    /// A token valid for `lifetime` from now (`None`, or a lifetime past the clock's range such
    /// as a token endpoint's `expires_in` of `u64::MAX`: until the provider refuses it).
    pub fn new(secret: impl Into<SecretString>, lifetime: Option<Duration>) -> Self {
        Self {
            secret: secret.into(),
            expires_at: lifetime.and_then(|lifetime| Instant::now().checked_add(lifetime)),
        }
    }

    /// A token valid until `expires_at` (as a shared store that knows the absolute expiry has it).
    pub fn expiring_at(secret: impl Into<SecretString>, expires_at: Instant) -> Self {
        Self {
            secret: secret.into(),
            expires_at: Some(expires_at),
        }
    }

    /// The token itself.
    pub fn secret(&self) -> &SecretString {
        &self.secret
    }

    /// When the token expires, if it does.
    pub fn expires_at(&self) -> Option<Instant> {
        self.expires_at
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"***")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why no token could be obtained. Carries no secret and no response body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// The token endpoint could not be reached, or did not answer (connection refused, timeout).
    Unreachable {
        /// What failed, e.g. `connection failed`.
        detail: String,
    },
    /// The token endpoint refused the client's credentials (a 4xx answer).
    Refused {
        /// The HTTP status.
        status: u16,
        /// The endpoint's own error codes, e.g. OAuth's `invalid_client` or BTC Direct's `ER800`.
        codes: Vec<String>,
    },
    /// Nothing answers at the token URL (a 404): the issuer or token URL is wrong, not the
    /// credentials.
    NotFound {
        /// The token URL, without its query string, fragment or user info.
        url: String,
    },
    /// The token endpoint failed (5xx, 429) or answered off-spec (an undecodable body, a token
    /// that cannot be sent as a header, a token type other than bearer, a redirect).
    Unusable {
        /// The HTTP status, when there was an answer.
        status: Option<u16>,
        /// What was wrong, without the body.
        detail: String,
    },
    /// The source is misconfigured (a token URL that is not `https://`, an empty secret).
    InvalidConfiguration {
        /// What is wrong, without the secret.
        reason: String,
    },
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable { detail } => write!(f, "token endpoint unreachable: {detail}"),
            Self::NotFound { url } => write!(
                f,
                "no token endpoint at {url} (check the issuer or token URL)"
            ),
            Self::Refused { status, codes } if codes.is_empty() => {
                write!(f, "token endpoint refused the credentials ({status})")
            }
            Self::Refused { status, codes } => write!(
                f,
                "token endpoint refused the credentials ({status}): {}",
                codes.join(", ")
            ),
            Self::Unusable {
                status: Some(status),
                detail,
            } => write!(f, "token endpoint answered {status}: {detail}"),
            Self::Unusable {
                status: None,
                detail,
            } => write!(f, "token endpoint answer unusable: {detail}"),
            Self::InvalidConfiguration { reason } => {
                write!(f, "token source misconfigured: {reason}")
            }
        }
    }
}

impl std::error::Error for TokenError {}

/// Refuses an answer that came through a redirect the HTTP client followed (possible only with
/// a client the service supplied): the token would be another host's.
fn not_redirected(observer: &client_support::ResponseObserver) -> Result<(), TokenError> {
    match observer.take() {
        Some(observed) if observed.redirected => Err(TokenError::Unusable {
            status: Some(observed.status),
            detail: "the HTTP client followed a redirect; the answer is not used".into(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_request_s_debug_leaves_the_http_client_s_headers_out() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-api-key",
            "key-in-a-default-header".parse().expect("header"),
        );
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .expect("client");
        assert!(format!("{http:?}").contains("key-in-a-default-header"));
        let request = TokenRequest {
            http: &http,
            base_url: "https://example.test",
            timeout: None,
        };
        let shown = format!("{request:?}");
        assert!(shown.contains("https://example.test"), "{shown}");
        assert!(!shown.contains("key-in-a-default-header"), "{shown}");
    }
}
