//! Tokens a fake issues, and when they expire (on Tokio's clock, so a paused clock and
//! `tokio::time::advance` move them).

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use tokio::time::Instant;

/// The OAuth 2.0 client id the Bitpanda and Wealthyhood token endpoints accept.
pub const CLIENT_ID: &str = "testkit-client-id";
/// The OAuth 2.0 client secret the Bitpanda and Wealthyhood token endpoints accept.
pub const CLIENT_SECRET: &str = "testkit-client-secret";
/// The `audience` the Wealthyhood (Auth0) token endpoint accepts.
pub const WEALTHYHOOD_AUDIENCE: &str = "https://api.wealthyhood.com";
/// The partner user name BTC Direct's `POST /api/v1/authenticate` accepts.
pub const BTCDIRECT_USERNAME: &str = "testkit-partner";
/// The partner password BTC Direct's `POST /api/v1/authenticate` accepts.
pub const BTCDIRECT_PASSWORD: &str = "testkit-partner-password";
/// The `X-Api-Key` the BTC Direct fake accepts.
pub const BTCDIRECT_API_KEY: &str = "testkit-api-key";

/// How long BTC Direct refresh tokens live: one month, as its authentication guide says.
const REFRESH_LIFETIME: Duration = Duration::from_secs(30 * 86_400);

/// What a token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A partner or client access token.
    Access,
    /// A BTC Direct refresh token.
    Refresh,
    /// A BTC Direct user token for the user behind this identifier.
    User(String),
}

/// What a presented token turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenCheck {
    /// Known, of the right kind, and not expired.
    Valid(TokenKind),
    /// Known but expired.
    Expired,
    /// Never issued by this fake, or of another kind.
    Unknown,
}

struct Issued {
    kind: TokenKind,
    /// `None`: a lifetime past the clock's range (e.g. `Duration::MAX`), so never.
    expires_at: Option<Instant>,
}

/// The tokens one fake issued.
pub(crate) struct Tokens {
    prefix: &'static str,
    lifetime: Duration,
    issued: HashMap<String, Issued>,
    counter: u64,
    salt: RandomState,
}

impl Tokens {
    pub(crate) fn new(prefix: &'static str, lifetime: Duration) -> Self {
        Self {
            prefix,
            lifetime,
            issued: HashMap::new(),
            counter: 0,
            salt: RandomState::new(),
        }
    }

    pub(crate) fn lifetime(&self) -> Duration {
        self.lifetime
    }

    pub(crate) fn set_lifetime(&mut self, lifetime: Duration) {
        self.lifetime = lifetime;
    }

    /// Issues a token of `kind`, valid from `now` for the access lifetime (refresh tokens: one
    /// month); returns it and its lifetime.
    pub(crate) fn issue(&mut self, kind: TokenKind, now: Instant) -> (String, Duration) {
        self.counter += 1;
        let lifetime = match kind {
            TokenKind::Refresh => REFRESH_LIFETIME,
            _ => self.lifetime,
        };
        let label = match kind {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
            TokenKind::User(_) => "user",
        };
        let nonce = self.salt.hash_one(self.counter);
        let token = format!("{}-{label}-{}-{nonce:016x}", self.prefix, self.counter);
        self.issued.insert(
            token.clone(),
            Issued {
                kind,
                expires_at: now.checked_add(lifetime),
            },
        );
        (token, lifetime)
    }

    /// What `token` is at `now`, when a token of the same kind as `expected` is wanted (the
    /// identifier of an expected user token is not compared).
    pub(crate) fn check(&self, token: &str, expected: &TokenKind, now: Instant) -> TokenCheck {
        let Some(issued) = self.issued.get(token) else {
            return TokenCheck::Unknown;
        };
        if std::mem::discriminant(&issued.kind) != std::mem::discriminant(expected) {
            return TokenCheck::Unknown;
        }
        if issued.expires_at.is_some_and(|at| now >= at) {
            return TokenCheck::Expired;
        }
        TokenCheck::Valid(issued.kind.clone())
    }

    /// Makes every access and user token issued so far expire at `now` (refresh tokens stay).
    pub(crate) fn expire_all(&mut self, now: Instant) {
        for issued in self.issued.values_mut() {
            if issued.kind != TokenKind::Refresh {
                issued.expires_at = Some(issued.expires_at.map_or(now, |at| at.min(now)));
            }
        }
    }

    /// Forgets `token` (a used refresh token).
    pub(crate) fn revoke(&mut self, token: &str) {
        self.issued.remove(token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lifetime_past_the_clock_s_range_never_expires_until_expired_on_purpose() {
        let now = Instant::now();
        let mut tokens = Tokens::new("t", Duration::MAX);
        let (token, lifetime) = tokens.issue(TokenKind::Access, now);
        assert_eq!(lifetime, Duration::MAX);
        let later = now + Duration::from_secs(10 * 365 * 86_400);
        assert_eq!(
            tokens.check(&token, &TokenKind::Access, later),
            TokenCheck::Valid(TokenKind::Access)
        );
        tokens.expire_all(later);
        assert_eq!(
            tokens.check(&token, &TokenKind::Access, later),
            TokenCheck::Expired
        );
    }
}
