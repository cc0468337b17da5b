//! [`WealthyhoodClient`]: registers users with Wealthyhood (`POST /users`).

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
    /// Required fields: `email`, `given_names` (1 to 100 characters once joined), `family_name`,
    /// `date_of_birth` and `country_of_residence`. When given, `address` needs `street`,
    /// `postal_code`, `city` and `country`; `tax_residency` needs `country`, `tax_id` and
    /// `proof_type`; `wealthyhood.employment_info` needs `income_range_id`, `employment_status`
    /// and `sources_of_wealth` (and `industry` for `FullTime`, `PartTime` and `SelfEmployed`).
    /// The always-required ones, as data: [`Capabilities::required_fields`](crate::Capabilities::required_fields)
    /// of [`Provider::Wealthyhood`](crate::Provider::Wealthyhood); the mapping rules are on
    /// [`mapping::wealthyhood_request`](crate::mapping::wealthyhood_request).
    ///
    /// The user is validated first: any violation returns [`OnboardingError::InvalidInput`] with
    /// all of them, and nothing is sent. An attempt that may have been applied (no answer, 5xx)
    /// is returned at once, advising to reconcile first, never repeated: Wealthyhood's unique
    /// email does not make the create repeatable (see [`RetryPolicy`](crate::RetryPolicy)).
    pub async fn create_user(&self, user: &NewUser) -> Result<CreatedUser, OnboardingError> {
        let body = mapping::wealthyhood_request(user)?;
        let body = &body;
        let spec = CallSpec {
            provider: Provider::Wealthyhood,
            operation: Operation::CreateUser,
            idempotent: false,
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
                    wealthyhood_client::Client::new_with_client,
                );
                async move { client.create_user(body).await }
            },
        )
        .await;
        answer::created(spec, result, |created| created.id.into())
    }
}
