//! The two credentials every call carries, the partner's and the user's, and the headers they
//! become (their own file: the generated code names them as `crate::Credentials`, and the crate
//! root re-exports the generated code).

use client_support::{HeaderSecret, InvalidCredential};
use client_support::{RequestContext, ResponseObserver};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

/// Header carrying the partner's API key, the alternative to a partner bearer token.
pub const API_KEY_HEADER: &str = "X-Api-Key";
/// Header carrying the user's own bearer token (from `POST /api/v1/user/login`).
pub const USER_AUTHORIZATION_HEADER: &str = "User-Authorization";
/// Header carrying the partner-side identifier linked to the user.
pub const USER_IDENTIFIER_HEADER: &str = "User-Identifier";

/// How the partner authenticates. Exactly one is sent: both at once is BTC Direct error ER803.
/// Secrets are held in a `client_support::HeaderSecret` (zeroised on drop, never printed).
#[derive(Clone)]
pub enum PartnerCredential {
    /// `Authorization: Bearer <token>` (from `POST /api/v1/authenticate`, valid one hour).
    BearerToken(HeaderSecret),
    /// `X-Api-Key: <key>`.
    ApiKey(HeaderSecret),
}

impl PartnerCredential {
    /// A partner bearer token; rejects an empty or non-header-safe token.
    pub fn bearer(token: &str) -> Result<Self, InvalidCredential> {
        HeaderSecret::new("partner token", "Bearer ", token).map(Self::BearerToken)
    }

    /// A partner API key; rejects an empty or non-header-safe key.
    pub fn api_key(key: &str) -> Result<Self, InvalidCredential> {
        HeaderSecret::new("API key", "", key).map(Self::ApiKey)
    }

    fn header(&self) -> (HeaderName, Option<HeaderValue>) {
        match self {
            Self::BearerToken(secret) => (AUTHORIZATION, secret.header_value()),
            Self::ApiKey(secret) => (HeaderName::from_static("x-api-key"), secret.header_value()),
        }
    }
}

/// Which user the call acts for. Held in a `client_support::HeaderSecret` (zeroised on drop,
/// never printed).
#[derive(Clone)]
pub enum UserContext {
    /// `User-Authorization: Bearer <user token>`.
    UserToken(HeaderSecret),
    /// `User-Identifier: <identifier>`, linked beforehand via `POST /api/v1/user/register-identifier`.
    Identifier(HeaderSecret),
}

/// Why [`UserContext::identifier`] refused an identifier: BTC Direct takes 36 to 255
/// alphanumeric characters (ER102/ER707). Carries nothing of the refused value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidIdentifier {
    /// Shorter than 36 or longer than 255 characters.
    Length {
        /// How many characters it has.
        length: usize,
    },
    /// A character other than an ASCII letter, a digit or a hyphen.
    Characters,
}

impl std::fmt::Display for InvalidIdentifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const RULE: &str =
            "a User-Identifier is 36 to 255 alphanumeric characters (hyphens allowed)";
        match self {
            Self::Length { length } => write!(f, "{RULE}; this one has {length}"),
            Self::Characters => write!(f, "{RULE}; this one has other characters"),
        }
    }
}

impl std::error::Error for InvalidIdentifier {}

impl UserContext {
    /// The user's own bearer token; rejects an empty or non-header-safe token.
    pub fn user_token(token: &str) -> Result<Self, InvalidCredential> {
        HeaderSecret::new("user token", "Bearer ", token).map(Self::UserToken)
    }

    /// A user identifier: 36 to 255 ASCII letters and digits (ER102/ER707). Hyphens are also
    /// accepted: the 36-character minimum is exactly a hyphenated UUID's length, so UUIDs are
    /// taken to be what partners send. Anything else is rejected with why (its length, or its
    /// characters), never repeating it.
    pub fn identifier(identifier: &str) -> Result<Self, InvalidIdentifier> {
        let length = identifier.chars().count();
        if !(36..=255).contains(&length) {
            return Err(InvalidIdentifier::Length { length });
        }
        if !identifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(InvalidIdentifier::Characters);
        }
        HeaderSecret::new("User-Identifier", "", identifier)
            .map(Self::Identifier)
            .map_err(|_| InvalidIdentifier::Characters)
    }

    fn header(&self) -> (HeaderName, Option<HeaderValue>) {
        let name = match self {
            Self::UserToken(_) => "user-authorization",
            Self::Identifier(_) => "user-identifier",
        };
        let (Self::UserToken(secret) | Self::Identifier(secret)) = self;
        (HeaderName::from_static(name), secret.header_value())
    }
}

/// Both credentials BTC Direct needs; `Debug` prints only which kinds are set.
#[derive(Clone)]
pub struct Credentials {
    partner: Option<PartnerCredential>,
    user: Option<UserContext>,
    observer: Option<ResponseObserver>,
    timeout: Option<std::time::Duration>,
}

impl Credentials {
    /// The partner credential together with the user context.
    pub fn new(partner: PartnerCredential, user: UserContext) -> Self {
        Self {
            partner: Some(partner),
            user: Some(user),
            observer: None,
            timeout: None,
        }
    }

    /// No credential at all, for the two calls that obtain one: `authenticate` (partner username
    /// and password in the body) and `refresh_token` (the refresh token in the body).
    pub fn token_request() -> Self {
        Self {
            partner: None,
            user: None,
            observer: None,
            timeout: None,
        }
    }

    /// The same credentials, reporting every response's status and headers to `observer`.
    pub fn observed_by(mut self, observer: ResponseObserver) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The same credentials, setting `timeout` on every request (for an HTTP client built
    /// elsewhere); `None` leaves the client's own.
    pub fn with_timeout(mut self, timeout: Option<std::time::Duration>) -> Self {
        self.timeout = timeout;
        self
    }
}

impl RequestContext for Credentials {
    fn apply_auth(&self, headers: &mut HeaderMap) {
        let partner = self.partner.as_ref().map(PartnerCredential::header);
        let user = self.user.as_ref().map(UserContext::header);
        for (name, value) in partner.into_iter().chain(user) {
            if let Some(value) = value {
                headers.insert(name, value);
            }
        }
    }

    fn observer(&self) -> Option<&ResponseObserver> {
        self.observer.as_ref()
    }

    fn timeout(&self) -> Option<std::time::Duration> {
        self.timeout
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let partner = match self.partner {
            Some(PartnerCredential::BearerToken(_)) => "BearerToken(***)",
            Some(PartnerCredential::ApiKey(_)) => "ApiKey(***)",
            None => "None",
        };
        let user = match self.user {
            Some(UserContext::UserToken(_)) => "UserToken(***)",
            Some(UserContext::Identifier(_)) => "Identifier(***)",
            None => "None",
        };
        write!(f, "Credentials {{ partner: {partner}, user: {user} }}")
    }
}

impl std::fmt::Debug for PartnerCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PartnerCredential(***)")
    }
}

impl std::fmt::Debug for UserContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserContext(***)")
    }
}
