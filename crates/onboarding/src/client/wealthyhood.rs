//! [`WealthyhoodClient`]: registers users with Wealthyhood (`POST /users`).

use client_support::{BearerCredentials, ResponseObserver};

use super::{CreatedUser, Endpoint};
use crate::credentials::TokenCache;
use crate::error::OnboardingError;
use crate::model::NewUser;
use crate::provider::{Operation, Provider};
use crate::{call, mapping};

/// Registers users with Wealthyhood; build it with
/// [`ClientBuilder::wealthyhood`](crate::ClientBuilder::wealthyhood). Cloning is cheap: clones
/// share the connection pool and the token cache.
#[derive(Clone)]
pub struct WealthyhoodClient {
    endpoint: Endpoint,
    tokens: TokenCache,
}

impl std::fmt::Debug for WealthyhoodClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WealthyhoodClient")
            .field("credentials", &"***")
            .field("policy", &self.endpoint.policy)
            .finish()
    }
}

impl WealthyhoodClient {
    pub(crate) fn new(endpoint: Endpoint, tokens: TokenCache) -> Self {
        Self { endpoint, tokens }
    }

    /// Creates `user` with Wealthyhood.
    ///
    /// The user is validated first: any violation returns [`OnboardingError::InvalidInput`] with
    /// all of them, and nothing is sent. An unanswered attempt is
    /// [`OnboardingError::OutcomeUnknown`], never repeated.
    pub async fn create_user(&self, user: &NewUser) -> Result<CreatedUser, OnboardingError> {
        let body = mapping::wealthyhood_request(user)?;
        let endpoint = &self.endpoint;
        let (response, attempts) = endpoint
            .with_renewal(&self.tokens, |token| {
                let observer = ResponseObserver::default();
                let credentials = BearerCredentials::from_secret(token).observed_by(observer.clone());
                let client = wealthyhood_client::Client::new_with_client(
                    &endpoint.base_url,
                    endpoint.http.clone(),
                    credentials,
                );
                let body = &body;
                async move {
                    call::run(
                        Provider::Wealthyhood,
                        &endpoint.policy,
                        Operation::CreateUser,
                        false,
                        &observer,
                        || client.create_user(body),
                    )
                    .await
                }
            })
            .await
            .map_err(|(error, _, _)| error)?;
        Ok(CreatedUser {
            provider: Provider::Wealthyhood,
            id: Some(response.into_inner().id.to_string()),
            attempts,
        })
    }
}
