//! [`WealthyhoodClient`]: registers users with Wealthyhood (`POST /users`).

use super::{CreatedUser, Endpoint};
use crate::call::CallSpec;
use crate::credentials::TokenCache;
use crate::error::OnboardingError;
use crate::model::NewUser;
use crate::provider::{Operation, Provider};
use crate::{call, mapping, outcome};

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
    /// all of them, and nothing is sent. An attempt that may have been applied (no answer, 5xx)
    /// is returned at once, advising to reconcile first, never repeated: Wealthyhood's unique
    /// email does not make the create repeatable (see [`crate::retry`]).
    pub async fn create_user(&self, user: &NewUser) -> Result<CreatedUser, OnboardingError> {
        let body = mapping::wealthyhood_request(user)?;
        let spec = CallSpec {
            provider: Provider::Wealthyhood,
            operation: Operation::CreateUser,
            idempotent: false,
        };
        let endpoint = &self.endpoint;
        let outcome = endpoint
            .with_renewal(&self.tokens, |token| {
                let (client, observer) =
                    endpoint.bearer_client(token, wealthyhood_client::Client::new_with_client);
                let body = &body;
                async move {
                    call::run(spec, &endpoint.policy, &observer, || {
                        client.create_user(body)
                    })
                    .await
                }
            })
            .await;
        outcome::created(spec, outcome, |created| created.id.into())
    }
}
