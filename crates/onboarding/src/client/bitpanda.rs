//! [`BitpandaClient`]: registers users with Bitpanda (`POST /v2/users`).

use client_support::{BearerCredentials, ResponseObserver};

use super::{CreatedUser, Endpoint};
use crate::credentials::TokenCache;
use crate::error::OnboardingError;
use crate::model::NewUser;
use crate::provider::{Operation, Provider};
use crate::{call, mapping};

/// Registers users with Bitpanda; build it with
/// [`ClientBuilder::bitpanda`](crate::ClientBuilder::bitpanda). Cloning is cheap: clones share
/// the connection pool and the token cache.
#[derive(Clone)]
pub struct BitpandaClient {
    endpoint: Endpoint,
    tokens: TokenCache,
}

impl std::fmt::Debug for BitpandaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BitpandaClient")
            .field("credentials", &"***")
            .field("policy", &self.endpoint.policy)
            .finish()
    }
}

impl BitpandaClient {
    pub(crate) fn new(endpoint: Endpoint, tokens: TokenCache) -> Self {
        Self { endpoint, tokens }
    }

    /// Creates `user` with Bitpanda.
    ///
    /// The user is validated first: any violation returns [`OnboardingError::InvalidInput`] with
    /// all of them, and nothing is sent. With an `external_id`, an unanswered attempt is retried
    /// (a 409 on the retry confirms the user exists); without one it is
    /// [`OnboardingError::OutcomeUnknown`].
    pub async fn create_user(&self, user: &NewUser) -> Result<CreatedUser, OnboardingError> {
        let body = mapping::bitpanda_request(user)?;
        let safe_to_repeat = user.external_id.as_deref().is_some_and(|id| !id.is_empty());
        let endpoint = &self.endpoint;
        let outcome = endpoint
            .with_renewal(&self.tokens, |token| {
                let observer = ResponseObserver::default();
                let credentials = BearerCredentials::from_secret(token).observed_by(observer.clone());
                let client = bitpanda_client::Client::new_with_client(
                    &endpoint.base_url,
                    endpoint.http.clone(),
                    credentials,
                );
                let body = &body;
                async move {
                    call::run(
                        Provider::Bitpanda,
                        &endpoint.policy,
                        Operation::CreateUser,
                        safe_to_repeat,
                        &observer,
                        || client.create_user_v2(body),
                    )
                    .await
                }
            })
            .await;
        match outcome {
            Ok((response, attempts)) => Ok(CreatedUser {
                provider: Provider::Bitpanda,
                id: Some(response.into_inner().data.id),
                attempts,
            }),
            Err((OnboardingError::Conflict { .. }, attempts, true)) if safe_to_repeat => {
                Ok(CreatedUser {
                    provider: Provider::Bitpanda,
                    id: None,
                    attempts,
                })
            }
            // An earlier attempt went unanswered and may have created the user: whatever the
            // last attempt met (429, 503, 500…), the outcome is unknown.
            Err((error @ OnboardingError::OutcomeUnknown { .. }, _, _)) => Err(error),
            Err((error, attempts, true)) => Err(OnboardingError::OutcomeUnknown {
                provider: Provider::Bitpanda,
                operation: Operation::CreateUser,
                attempts,
                detail: format!(
                    "an earlier attempt went unanswered; the last one ended {}",
                    error.kind()
                ),
            }),
            Err((error, _, _)) => Err(error),
        }
    }
}
