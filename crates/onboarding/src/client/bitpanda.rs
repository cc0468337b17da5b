//! [`BitpandaClient`]: registers users with Bitpanda (`POST /v2/users`).

use crate::answer::{self, CreatedUser};
use crate::call;
use crate::credentials::cache::TokenCache;
use crate::endpoint::Endpoint;
use crate::error::OnboardingError;
use crate::mapping;
use crate::model::NewUser;
use crate::provider::{Operation, Provider};
use crate::renewal::Auth;
use crate::sent::SentValues;
use crate::spec::CallSpec;

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
    /// Required fields (Investment as a Service, the default mode): `email`, `phone` (E.164),
    /// `given_names`, `family_name`, `language`, `citizenship`, `bitpanda.terms`,
    /// `bitpanda.aml` and `bitpanda.verification`. In Bring Your Own License mode
    /// ([`BitpandaMode`](crate::BitpandaMode)) only `external_id` is required. The same list, as
    /// data: [`Capabilities::required_fields`](crate::Capabilities::required_fields) of
    /// [`Provider::Bitpanda`](crate::Provider::Bitpanda); the mapping rules are on
    /// [`mapping::bitpanda_request`](crate::mapping::bitpanda_request).
    ///
    /// The user is validated first: any violation returns [`OnboardingError::InvalidInput`] with
    /// all of them, and nothing is sent. With an `external_id` the create cannot make a second
    /// user, so an attempt that may have been applied (no answer, 5xx) is retried, and a 409 on
    /// the retry confirms the user exists ([`CreatedUser::ConfirmedExisting`]); without one it is
    /// returned at once, advising to reconcile first (see [`RetryPolicy`](crate::RetryPolicy)).
    pub async fn create_user(&self, user: &NewUser) -> Result<CreatedUser, OnboardingError> {
        let body = mapping::bitpanda_request(user)?;
        let body = &body;
        let spec = CallSpec {
            provider: Provider::Bitpanda,
            operation: Operation::CreateUser,
            idempotent: user.external_id.as_deref().is_some_and(|id| !id.is_empty()),
        };
        let endpoint = &self.endpoint;
        let auth = Auth::Tokens(&self.tokens, |token| token);
        let result = call::run(
            endpoint,
            spec,
            auth,
            || SentValues::of_new_user(user),
            |token, observer| {
                let client = endpoint.bearer_client(
                    token,
                    observer,
                    bitpanda_client::Client::new_with_client,
                );
                async move { client.create_user_v2(body).await }
            },
        )
        .await;
        answer::created(spec, result, |created| created.data.id)
    }
}
