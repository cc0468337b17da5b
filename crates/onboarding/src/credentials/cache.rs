//! The per-client token cache: a fresh token is read under a short synchronous lock; a stale one
//! is renewed by one caller while the others wait for its answer.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use client_support::HeaderSecret;
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;

use super::{AccessToken, RENEWAL_MARGIN, TokenError, TokenRequest, TokenSource};
use crate::provider::Provider;

/// A token as the cache holds it: checked once as a header value, with when to renew it.
pub(crate) struct CachedToken {
    /// `Bearer <token>`, checked to be a valid header value.
    pub(crate) bearer: HeaderSecret,
    secret: SecretString,
    renew_at: Option<Instant>,
    expires_at: Option<Instant>,
    /// Which renewal produced it, so a refusal drops this token and not a newer one.
    generation: u64,
}

impl CachedToken {
    /// Whether `other` holds the same token (a renewal that gave back the refused one).
    pub(crate) fn same_secret(&self, other: &CachedToken) -> bool {
        self.secret.expose_secret() == other.secret.expose_secret()
    }

    fn fresh(&self, now: Instant) -> bool {
        self.renew_at.is_none_or(|at| now < at)
    }

    fn unexpired(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }
}

/// What the cache knows: the current token, how many renewals finished, and how the last ended.
#[derive(Default)]
struct Slot {
    token: Option<Arc<CachedToken>>,
    renewals: u64,
    last_error: Option<TokenError>,
}

struct Shared {
    provider: Provider,
    source: Box<dyn TokenSource>,
    slot: RwLock<Slot>,
    /// Held by the one caller renewing; the others queue here.
    renewal: tokio::sync::Mutex<()>,
}

/// A token source with its cache. Cheap to clone; clones share the token.
#[derive(Clone)]
pub(crate) struct TokenCache {
    shared: Arc<Shared>,
}

impl TokenCache {
    /// A cache in front of `source`, holding no token yet; `provider` names it in tracing.
    pub(crate) fn new(provider: Provider, source: impl TokenSource + 'static) -> Self {
        Self {
            shared: Arc::new(Shared {
                provider,
                source: Box::new(source),
                slot: RwLock::new(Slot::default()),
                renewal: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// A fresh token: the cached one, or one renewal shared with every caller waiting for it.
    pub(crate) async fn token(
        &self,
        request: TokenRequest<'_>,
    ) -> Result<Arc<CachedToken>, TokenError> {
        let seen = {
            let slot = self.read();
            if let Some(token) = slot.token.as_ref().filter(|t| t.fresh(Instant::now())) {
                return Ok(Arc::clone(token));
            }
            slot.renewals
        };
        let _renewing = self.shared.renewal.lock().await;
        {
            let slot = self.read();
            if let Some(token) = slot.token.as_ref().filter(|t| t.fresh(Instant::now())) {
                return Ok(Arc::clone(token));
            }
            if slot.renewals != seen
                && let Some(error) = &slot.last_error
            {
                // A renewal ended while this caller waited: share its failure, ask no more.
                return Err(error.clone());
            }
        }
        let fetched = self.shared.source.fetch_token(request).await;
        let mut slot = self
            .shared
            .slot
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        slot.renewals += 1;
        let generation = slot.renewals;
        let provider = self.shared.provider;
        match fetched.and_then(|token| cached(token, generation)) {
            Ok(token) => {
                let lifetime_s = token
                    .expires_at
                    .map(|at| at.saturating_duration_since(Instant::now()).as_secs());
                tracing::info!(%provider, renewal = generation, lifetime_s, "access token renewed");
                let token = Arc::new(token);
                slot.token = Some(Arc::clone(&token));
                slot.last_error = None;
                Ok(token)
            }
            Err(error) => {
                tracing::warn!(%provider, renewal = generation, %error, "access token renewal failed");
                slot.last_error = Some(error.clone());
                // A token inside its renewal margin still works until it expires.
                match slot.token.as_ref().filter(|t| t.unexpired(Instant::now())) {
                    Some(token) => Ok(Arc::clone(token)),
                    None => {
                        slot.token = None;
                        Err(error)
                    }
                }
            }
        }
    }

    /// Drops `refused` if it is still the cached token, so the next call renews.
    pub(crate) fn invalidate(&self, refused: &CachedToken) {
        let mut slot = self
            .shared
            .slot
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if slot
            .token
            .as_ref()
            .is_some_and(|t| t.generation == refused.generation)
        {
            slot.token = None;
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Slot> {
        self.shared
            .slot
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// `token` checked as a header value, with its renewal time set [`RENEWAL_MARGIN`] (at most half
/// its remaining lifetime) ahead of its expiry.
fn cached(token: AccessToken, generation: u64) -> Result<CachedToken, TokenError> {
    let bearer = HeaderSecret::new("access token", "Bearer ", token.secret.expose_secret())
        .map_err(|_| TokenError::Unusable {
            status: None,
            detail: "the token is empty or not a valid HTTP header value".into(),
        })?;
    let now = Instant::now();
    let renew_at = token
        .expires_at
        .map(|expires_at| expires_at - renewal_lead(expires_at.saturating_duration_since(now)));
    Ok(CachedToken {
        bearer,
        secret: token.secret,
        renew_at,
        expires_at: token.expires_at,
        generation,
    })
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCache(***)")
    }
}

/// How long before its expiry a token with `lifetime` left is renewed.
fn renewal_lead(lifetime: Duration) -> Duration {
    RENEWAL_MARGIN.min(lifetime / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_tokens_renew_a_minute_early_short_ones_at_half_life() {
        let lead = |seconds| renewal_lead(Duration::from_secs(seconds)).as_secs();
        assert_eq!(lead(3600), 60);
        assert_eq!(lead(600), 60);
        assert_eq!(lead(60), 30);
    }
}
