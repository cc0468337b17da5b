//! The three fake providers and the endpoints each serves.

use std::fmt;
use std::time::Duration;

/// One of the providers the kit fakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// Bitpanda Technology Solutions: `POST /v2/users`, OAuth 2.0 client credentials.
    Bitpanda,
    /// Wealthyhood: `POST /users`, Auth0 client credentials at `POST /oauth/token`.
    Wealthyhood,
    /// BTC Direct: `PATCH /api/v2/user`, partner login at `POST /api/v1/authenticate`.
    BtcDirect,
}

impl Provider {
    /// All three, in a fixed order.
    pub const ALL: [Provider; 3] = [Self::Bitpanda, Self::Wealthyhood, Self::BtcDirect];

    /// A short lower-case name (`bitpanda`, `wealthyhood`, `btcdirect`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Bitpanda => "bitpanda",
            Self::Wealthyhood => "wealthyhood",
            Self::BtcDirect => "btcdirect",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The method and path of the provider's user operation.
    pub fn user_operation(self) -> (&'static str, &'static str) {
        match self {
            Self::Bitpanda => ("POST", "/v2/users"),
            Self::Wealthyhood => ("POST", "/users"),
            Self::BtcDirect => ("PATCH", "/api/v2/user"),
        }
    }

    /// The status of a successful user operation, and what it did.
    pub fn success(self) -> (u16, Outcome) {
        match self {
            Self::Bitpanda | Self::Wealthyhood => (201, Outcome::Created),
            Self::BtcDirect => (202, Outcome::Updated),
        }
    }

    /// How long an access token issued by the kit lives unless configured otherwise: Bitpanda
    /// 10 minutes, BTC Direct one hour (both from the providers' documentation), Wealthyhood
    /// 24 hours (Auth0's default; not stated by Wealthyhood).
    pub fn default_token_lifetime(self) -> Duration {
        match self {
            Self::Bitpanda => Duration::from_secs(600),
            Self::Wealthyhood => Duration::from_secs(86_400),
            Self::BtcDirect => Duration::from_secs(3_600),
        }
    }

    /// Which endpoint `method path` is, for this provider.
    pub fn route(self, method: &str, path: &str) -> Route {
        match self.endpoint_at(path) {
            Some((endpoint, expected)) if expected.eq_ignore_ascii_case(method) => {
                Route::Found(endpoint)
            }
            Some(_) => Route::WrongMethod,
            None => Route::NotFound,
        }
    }

    /// The method the endpoint at `path` takes (what a `405` names in its `Allow` header), if
    /// `path` is one of this provider's endpoints.
    pub fn allowed_method(self, path: &str) -> Option<&'static str> {
        self.endpoint_at(path).map(|(_, method)| method)
    }

    /// The endpoint at `path` and the one method it takes.
    fn endpoint_at(self, path: &str) -> Option<(Endpoint, &'static str)> {
        let (user_method, user_path) = self.user_operation();
        match (self, path) {
            (_, p) if p == user_path => Some((Endpoint::User, user_method)),
            (Self::Bitpanda, BITPANDA_TOKEN_PATH) | (Self::Wealthyhood, WEALTHYHOOD_TOKEN_PATH) => {
                Some((Endpoint::Token, "POST"))
            }
            (Self::BtcDirect, BTCDIRECT_AUTHENTICATE_PATH) => Some((Endpoint::Token, "POST")),
            (Self::BtcDirect, BTCDIRECT_REFRESH_PATH) => Some((Endpoint::Refresh, "POST")),
            _ => None,
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The path of the kit's Bitpanda token endpoint (Bitpanda's own is not public).
pub const BITPANDA_TOKEN_PATH: &str = "/oauth2/token";
/// Auth0's token path under the Wealthyhood issuer URL.
pub const WEALTHYHOOD_TOKEN_PATH: &str = "/oauth/token";
/// BTC Direct's partner login.
pub const BTCDIRECT_AUTHENTICATE_PATH: &str = "/api/v1/authenticate";
/// BTC Direct's partner token renewal.
pub const BTCDIRECT_REFRESH_PATH: &str = "/api/v1/refresh";

/// What a request was addressed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    /// The user operation (create, or BTC Direct's update).
    User,
    /// The token endpoint (OAuth 2.0 / Auth0 token, BTC Direct `authenticate`).
    Token,
    /// BTC Direct's `refresh`.
    Refresh,
    /// Anything else (answered 404 or 405).
    Other,
}

/// The result of routing one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// A known endpoint with the right method.
    Found(Endpoint),
    /// A known path with another method (405, with an `Allow` header naming the method).
    WrongMethod,
    /// An unknown path (404).
    NotFound,
}

/// What the fake did with one request: the effect on its state, or why it refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// A user was created (whatever was answered afterwards, see [`crate::Answer`]).
    Created,
    /// A user was updated (BTC Direct).
    Updated,
    /// Refused as a duplicate (Bitpanda `external_id`, Wealthyhood e-mail): 409.
    Duplicate,
    /// The body failed the spec's schema or was not JSON: the provider's 4xx.
    Invalid,
    /// A documented error the test scripted ([`crate::Fault::Documented`]).
    Documented,
    /// A missing, unknown or expired credential, or the wrong headers for it.
    Unauthorized,
    /// 429, from the rate limit or a scripted fault.
    Throttled,
    /// 503 maintenance, scripted.
    Unavailable,
    /// The connection was reset before anything was done.
    Reset,
    /// Held without an answer before anything was done ([`crate::Fault::NoAnswer`]).
    Unanswered,
    /// A token was issued (token or refresh endpoint).
    TokenIssued,
    /// A token request was refused (bad client credentials, unknown refresh token).
    TokenRefused,
    /// An unknown path or the wrong method.
    NotRouted,
}
