//! Where and how a typed client sends: the checked base URL, the HTTP client, the retry policy,
//! and how a token is asked of a [`TokenCache`].

use std::sync::Arc;
use std::time::Duration;

use client_support::{BearerCredentials, HeaderSecret, ResponseObserver};

use crate::credentials::TokenRequest;
use crate::credentials::cache::{CachedToken, TokenCache};
use crate::error::OnboardingError;
use crate::provider::Provider;
use crate::retry::RetryPolicy;

/// Where and how a typed client sends: the checked base URL, the HTTP client (its pool shared
/// by every clone) and the retry policy.
#[derive(Clone)]
pub(crate) struct Endpoint {
    pub(crate) provider: Provider,
    pub(crate) base_url: String,
    pub(crate) http: reqwest::Client,
    pub(crate) policy: RetryPolicy,
    /// Set on every request when the HTTP client is the service's and a timeout was asked for.
    pub(crate) request_timeout: Option<Duration>,
}

impl Endpoint {
    /// A fresh token from `tokens`; a failure is [`OnboardingError::CredentialUnavailable`],
    /// before anything is sent.
    pub(crate) async fn token(
        &self,
        tokens: &TokenCache,
    ) -> Result<Arc<CachedToken>, OnboardingError> {
        let request = TokenRequest {
            http: &self.http,
            base_url: &self.base_url,
            timeout: self.request_timeout,
        };
        tokens
            .token(request)
            .await
            .map_err(|error| OnboardingError::CredentialUnavailable {
                provider: self.provider,
                error,
            })
    }

    /// A generated client for this endpoint sending `token` as a bearer token (Bitpanda,
    /// Wealthyhood), built by `new_client`, reporting each response to `observer`.
    pub(crate) fn bearer_client<C>(
        &self,
        token: HeaderSecret,
        observer: ResponseObserver,
        new_client: fn(&str, reqwest::Client, BearerCredentials) -> C,
    ) -> C {
        let credentials = BearerCredentials::from_secret(token)
            .observed_by(observer)
            .with_timeout(self.request_timeout);
        new_client(&self.base_url, self.http.clone(), credentials)
    }
}
