//! Where each attempt's credential comes from: a fixed one, or a token read from the cache for
//! every attempt (so a long wait never sends an expired token), renewed at most once per call
//! when the provider refuses it.

use std::sync::Arc;

use client_support::HeaderSecret;

use crate::credentials::cache::{CachedToken, TokenCache};
use crate::endpoint::Endpoint;
use crate::error::OnboardingError;

/// How a call authenticates: with tokens from a cache, each turned into the credential the
/// generated client takes (`wrap`), or with one fixed credential.
pub(crate) enum Auth<'a, C> {
    /// Tokens from the cache, renewed when refused.
    Tokens(&'a TokenCache, fn(HeaderSecret) -> C),
    /// A credential the service renews itself (a BTC Direct API key or token): never renewed.
    Fixed(C),
}

/// One call's credentials across its attempts.
pub(crate) struct Renewal<'a, C> {
    auth: Auth<'a, C>,
    /// The token the last attempt sent.
    sent: Option<Arc<CachedToken>>,
    /// The token the provider refused and its refusal, until the renewed token is read.
    refused: Option<(Arc<CachedToken>, OnboardingError)>,
    renewed: bool,
}

impl<'a, C: Clone> Renewal<'a, C> {
    /// Credentials from `auth`, nothing renewed yet.
    pub(crate) fn new(auth: Auth<'a, C>) -> Self {
        Self {
            auth,
            sent: None,
            refused: None,
            renewed: false,
        }
    }

    /// The credential for the next attempt: the fixed one, or the cache's current token (fetched
    /// when due). An error ends the call: the token source failed
    /// ([`OnboardingError::CredentialUnavailable`]), or a renewal gave back the very token the
    /// provider refused (that refusal stands).
    pub(crate) async fn credential(&mut self, endpoint: &Endpoint) -> Result<C, OnboardingError> {
        let (tokens, wrap) = match &self.auth {
            Auth::Fixed(credential) => return Ok(credential.clone()),
            Auth::Tokens(tokens, wrap) => (*tokens, *wrap),
        };
        let token = endpoint.token(tokens).await?;
        if let Some((refused, refusal)) = self.refused.take() {
            if refused.same_secret(&token) {
                return Err(refusal);
            }
            tracing::debug!(provider = %endpoint.provider, "token refused; sending again with a renewed one");
        }
        let credential = wrap(token.bearer.clone());
        self.sent = Some(token);
        Ok(credential)
    }

    /// The provider refused the last attempt's token with `refusal`. The token is dropped from
    /// the cache (so no later call sends it either). `Ok` when one renewal may follow: the next
    /// [`credential`](Self::credential) reads a renewed token. `Err(refusal)` when not: a fixed
    /// credential, or this call renewed already (a second refusal stands).
    pub(crate) fn renew(&mut self, refusal: OnboardingError) -> Result<(), OnboardingError> {
        let (Auth::Tokens(tokens, _), Some(sent)) = (&self.auth, self.sent.take()) else {
            return Err(refusal);
        };
        tokens.invalidate(&sent);
        if self.renewed {
            return Err(refusal);
        }
        self.renewed = true;
        self.refused = Some((sent, refusal));
        Ok(())
    }

    /// The last attempt's token was refused and the call ends anyway (its budget is spent):
    /// drops the token from the cache, so the next call renews.
    pub(crate) fn drop_refused(&mut self) {
        if let (Auth::Tokens(tokens, _), Some(sent)) = (&self.auth, self.sent.take()) {
            tokens.invalidate(&sent);
        }
    }
}
