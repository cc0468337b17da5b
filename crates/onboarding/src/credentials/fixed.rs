//! [`FixedToken`]: a token the service renews itself.

use std::fmt;

use secrecy::SecretString;

use super::{AccessToken, TokenFuture, TokenRequest, TokenSource};

/// A token the service obtains and renews itself: handed out as is, never expiring. A provider's
/// refusal of it is final (renewing gives back the same token, so nothing is sent again).
#[derive(Clone)]
pub struct FixedToken {
    token: SecretString,
}

impl FixedToken {
    /// A fixed token; rejects an empty one or one with characters not allowed in an HTTP header,
    /// without repeating it.
    pub fn new(token: &str) -> Result<Self, client_support::InvalidCredential> {
        client_support::sensitive_header("access token", "Bearer ", token)?;
        Ok(Self {
            token: SecretString::from(token),
        })
    }
}

impl fmt::Debug for FixedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FixedToken(***)")
    }
}

impl TokenSource for FixedToken {
    fn fetch_token<'a>(&'a self, _request: TokenRequest<'a>) -> TokenFuture<'a> {
        let token = AccessToken {
            secret: self.token.clone(),
            expires_at: None,
        };
        Box::pin(std::future::ready(Ok(token)))
    }
}
