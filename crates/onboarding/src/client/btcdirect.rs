//! [`BtcDirectClient`]: updates users with BTC Direct (`PATCH /api/v2/user`).

use btcdirect_client::{Credentials, PartnerCredential, UserContext};

use crate::answer::{self, UpdatedUser};
use crate::call;
use crate::credentials::TokenSource;
use crate::credentials::btcdirect::BtcDirectLogin;
use crate::credentials::cache::TokenCache;
use crate::endpoint::Endpoint;
use crate::error::OnboardingError;
use crate::mapping;
use crate::model::UserUpdate;
use crate::provider::{Operation, Provider};
use crate::renewal::Auth;
use crate::sent::SentValues;
use crate::spec::CallSpec;

/// How a [`BtcDirectClient`] authenticates the partner: renewing bearer tokens from a
/// [`TokenSource`] (usually [`BtcDirectLogin`]), or a fixed [`PartnerCredential`] (an API key,
/// or a token the service renews itself). `Debug` prints which kind only.
#[derive(Clone)]
pub struct PartnerAuth(Partner);

#[derive(Clone)]
enum Partner {
    Fixed(PartnerCredential),
    Tokens(TokenCache),
}

impl PartnerAuth {
    /// Renewing partner tokens from `source`.
    pub fn tokens(source: impl TokenSource + 'static) -> Self {
        Self(Partner::Tokens(TokenCache::new(
            Provider::BtcDirect,
            source,
        )))
    }
}

impl From<PartnerCredential> for PartnerAuth {
    fn from(credential: PartnerCredential) -> Self {
        Self(Partner::Fixed(credential))
    }
}

impl From<BtcDirectLogin> for PartnerAuth {
    fn from(login: BtcDirectLogin) -> Self {
        Self::tokens(login)
    }
}

impl std::fmt::Debug for PartnerAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Partner::Fixed(_) => f.write_str("PartnerAuth::Fixed(***)"),
            Partner::Tokens(_) => f.write_str("PartnerAuth::Tokens(***)"),
        }
    }
}

/// Updates users with BTC Direct; build it with
/// [`ClientBuilder::btcdirect`](crate::ClientBuilder::btcdirect). BTC Direct does not create
/// users through this crate, so there is no `create_user` here. Cloning is cheap: clones share
/// the connection pool and the token cache.
#[derive(Clone)]
pub struct BtcDirectClient {
    endpoint: Endpoint,
    partner: PartnerAuth,
}

impl std::fmt::Debug for BtcDirectClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BtcDirectClient")
            .field("partner", &self.partner)
            .field("policy", &self.endpoint.policy)
            .finish()
    }
}

/// BTC Direct's update: a `PATCH`, idempotent.
const UPDATE: CallSpec = CallSpec {
    provider: Provider::BtcDirect,
    operation: Operation::UpdateUser,
    idempotent: true,
};

impl BtcDirectClient {
    pub(crate) fn new(endpoint: Endpoint, partner: PartnerAuth) -> Self {
        Self { endpoint, partner }
    }

    /// Updates a BTC Direct user, acting for the user identified by `user`.
    ///
    /// Required fields of the [`UserUpdate`](crate::UserUpdate): `email` and `country`; a
    /// `date_of_birth`, when given, must make the user 18 or older. The same list, as data:
    /// [`Capabilities::required_fields`](crate::Capabilities::required_fields) of
    /// [`Provider::BtcDirect`](crate::Provider::BtcDirect); the mapping rules are on
    /// [`mapping::btcdirect_request`](crate::mapping::btcdirect_request).
    ///
    /// The update is validated first: any violation returns [`OnboardingError::InvalidInput`]
    /// with all of them, and nothing is sent. The `PATCH` is idempotent, so an unanswered
    /// attempt, or one answered with a 5xx, is retried.
    pub async fn update_user(
        &self,
        update: &UserUpdate,
        user: &UserContext,
    ) -> Result<UpdatedUser, OnboardingError> {
        let body = mapping::btcdirect_request(update)?;
        let body = &body;
        let auth = match &self.partner.0 {
            Partner::Fixed(partner) => Auth::Fixed(partner.clone()),
            Partner::Tokens(tokens) => Auth::Tokens(tokens, PartnerCredential::BearerToken),
        };
        let endpoint = &self.endpoint;
        let result = call::run(
            endpoint,
            UPDATE,
            auth,
            || SentValues::of_update(update),
            |partner, observer| {
                let credentials = Credentials::new(partner, user.clone())
                    .observed_by(observer)
                    .with_timeout(endpoint.request_timeout);
                let client = btcdirect_client::Client::new_with_client(
                    &endpoint.base_url,
                    endpoint.http.clone(),
                    credentials,
                );
                async move { client.update_user(body).await }
            },
        )
        .await;
        answer::updated(UPDATE, result)
    }
}
