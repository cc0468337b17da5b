//! The facade's clients: one typed client per provider ([`BitpandaClient`],
//! [`WealthyhoodClient`], [`BtcDirectClient`]) offering only the operations that provider has,
//! and [`OnboardingClient`], a thin layer over them for a provider chosen at run time.
//!
//! Every client validates before sending, retries under a [`RetryPolicy`], renews its
//! credentials ([`crate::credentials`]) and turns every answer into a typed result.
//!
//! What a provider offers compiles:
//!
//! ```no_run
//! # async fn demo(btcdirect: onboarding::BtcDirectClient, bitpanda: onboarding::BitpandaClient,
//! #               user: onboarding::NewUser, update: onboarding::UserUpdate,
//! #               context: onboarding::UserContext) {
//! let updated = btcdirect.update_user(&update, &context).await;
//! let created = bitpanda.create_user(&user).await;
//! # }
//! ```
//!
//! Asking BTC Direct to create a user does not:
//!
//! ```compile_fail
//! # async fn demo(btcdirect: onboarding::BtcDirectClient, user: onboarding::NewUser) {
//! let created = btcdirect.create_user(&user).await; // no such method: BTC Direct only updates
//! # }
//! ```
//!
//! nor does asking Bitpanda to update one:
//!
//! ```compile_fail
//! # async fn demo(bitpanda: onboarding::BitpandaClient, update: onboarding::UserUpdate,
//! #               context: onboarding::UserContext) {
//! let updated = bitpanda.update_user(&update, &context).await; // no such method
//! # }
//! ```

use std::future::Future;
use std::time::Duration;

use client_support::{BearerCredentials, HeaderSecret, ResponseObserver};

use crate::call::Failure;
use crate::credentials::{CachedToken, TokenCache, TokenRequest, TokenSource};
use crate::error::OnboardingError;
use crate::model::{NewUser, UserUpdate};
use crate::provider::{Operation, Provider};
use crate::retry::RetryPolicy;
use crate::transport;

mod bitpanda;
mod btcdirect;
mod wealthyhood;

pub use bitpanda::BitpandaClient;
pub use btcdirect::{BtcDirectClient, PartnerAuth};
pub use btcdirect_client::{PartnerCredential, UserContext};
pub use wealthyhood::WealthyhoodClient;

pub use crate::outcome::{CreatedUser, UpdatedUser};

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

/// How a call through the retry loop ended: the value and the attempts, or the [`Failure`].
pub(crate) type Outcome<V> = Result<(V, u32), Failure>;

impl Endpoint {
    /// A fresh token from `tokens`; a failure is [`OnboardingError::CredentialUnavailable`],
    /// before anything is sent.
    async fn token(
        &self,
        tokens: &TokenCache,
    ) -> Result<std::sync::Arc<CachedToken>, OnboardingError> {
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

    /// Sends with a bearer token from `tokens`. When the provider refuses the token (see
    /// [`refuses_token`]), drops it, renews once and sends again; a second refusal stands. The
    /// attempts of both sends are counted together.
    pub(crate) async fn with_renewal<V, F, Fut>(&self, tokens: &TokenCache, send: F) -> Outcome<V>
    where
        F: Fn(HeaderSecret) -> Fut,
        Fut: Future<Output = Outcome<V>>,
    {
        let token = self
            .token(tokens)
            .await
            .map_err(|error| Failure::new(error, 0))?;
        let (error, attempts) = match send(token.bearer.clone()).await {
            Err(Failure {
                error,
                attempts,
                earlier_maybe_applied: false,
            }) if refuses_token(&error) => (error, attempts),
            other => return other,
        };
        tokens.invalidate(&token);
        let renewed = self
            .token(tokens)
            .await
            .map_err(|error| Failure::new(error, attempts))?;
        if renewed.same_secret(&token) {
            return Err(Failure::new(error, attempts));
        }
        tracing::debug!(provider = %self.provider, "token refused; sending again with a renewed one");
        match send(renewed.bearer.clone()).await {
            Ok((value, more)) => Ok((value, attempts + more)),
            Err(failure) => Err(Failure {
                attempts: attempts + failure.attempts,
                ..failure
            }),
        }
    }

    /// A generated client for this endpoint sending `token` as a bearer token (Bitpanda,
    /// Wealthyhood), built by `new_client`, with the observer it reports each response to.
    pub(crate) fn bearer_client<C>(
        &self,
        token: HeaderSecret,
        new_client: fn(&str, reqwest::Client, BearerCredentials) -> C,
    ) -> (C, ResponseObserver) {
        let observer = ResponseObserver::default();
        let credentials = BearerCredentials::from_secret(token)
            .observed_by(observer.clone())
            .with_timeout(self.request_timeout);
        let client = new_client(&self.base_url, self.http.clone(), credentials);
        (client, observer)
    }
}

/// Whether `error` says the provider refused the access token itself, so a renewed token may
/// succeed: HTTP 401, or BTC Direct's ER701/ER702 (user token expired or invalid) and
/// ER800/ER801 (partner token invalid or expired), which it answers with a 400.
pub(crate) fn refuses_token(error: &OnboardingError) -> bool {
    const TOKEN_CODES: [&str; 4] = ["ER701", "ER702", "ER800", "ER801"];
    match error {
        OnboardingError::Unauthorized { status: 401, .. } => true,
        OnboardingError::Unauthorized { problems, .. } => problems
            .iter()
            .any(|p| p.code.as_deref().is_some_and(|c| TOKEN_CODES.contains(&c))),
        _ => false,
    }
}

/// Settings for a facade client; finish with the provider's constructor
/// ([`bitpanda`](Self::bitpanda), [`wealthyhood`](Self::wealthyhood),
/// [`btcdirect`](Self::btcdirect)).
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    timeout: Option<Duration>,
    allow_insecure_http: bool,
    policy: RetryPolicy,
    http: Option<reqwest::Client>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("policy", &self.policy)
            .field("shared_http_client", &self.http.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// Starts building a client for the provider at `base_url` (e.g.
    /// `https://api.sandbox.wealthyhood.com`). Only `https://` is accepted, and `http://` on a
    /// loopback host (tests) unless [`allow_insecure_http`](Self::allow_insecure_http) is set.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            timeout: None,
            allow_insecure_http: false,
            policy: RetryPolicy::default(),
            http: None,
        }
    }

    /// The per-request timeout: connect and whole request for the HTTP client the builder
    /// builds (default 15 s); with a client given to [`http_client`](Self::http_client), set on
    /// every request (provider and token endpoint) over the client's own, and only when asked
    /// for here.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The retry policy. Default [`RetryPolicy::default`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Accept a plain `http://` base URL on a non-loopback host. Off by default: credentials and
    /// personal data would cross the network unencrypted.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Sends through `http`, the service's own client, instead of building one: every facade
    /// client (and token source) given the same `reqwest::Client` shares one connection pool,
    /// with the service's TLS, proxy and timeout settings.
    ///
    /// What the facade still enforces with a client it did not build:
    /// - **Bounded reads.** Every answer, token endpoints' included, is read through
    ///   [`client_support::execute_bounded`]: at most 1 MiB, then cut.
    /// - **Credentials go to the base URL only.** They are attached per request, to requests for
    ///   the checked `https://` base URL (the token source's own to its token URL), never set as
    ///   default headers on the client.
    /// - **No redirect is taken as an answer**, and no credential reaches another host on one:
    ///   build the client with `redirect(reqwest::redirect::Policy::none())`, as
    ///   [`client_support::http_client`] does; a redirect answer is then an
    ///   [`OnboardingError::UnexpectedResponse`] and nothing is replayed. If the client follows
    ///   redirects anyway, reqwest drops the `Authorization` header (every bearer token: Bitpanda,
    ///   Wealthyhood, BTC Direct partner tokens) when a redirect leaves the host, but it keeps
    ///   custom headers (BTC Direct's `X-Api-Key`, `User-Identifier`, `User-Authorization`) and a
    ///   307/308 repeats the body: with such a client, use BTC Direct's partner login rather than
    ///   an API key.
    /// - **Bounded time, when asked.** The client's own timeouts hold; a
    ///   [`timeout`](Self::timeout) set on this builder is set on every request as well.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// A Bitpanda client authenticating with bearer tokens from `tokens`: a
    /// [`FixedToken`](crate::FixedToken), or [`ClientCredentials`](crate::ClientCredentials) at
    /// the token URL Bitpanda gives the partner.
    pub fn bitpanda(
        self,
        tokens: impl TokenSource + 'static,
    ) -> Result<BitpandaClient, OnboardingError> {
        Ok(BitpandaClient::new(
            self.endpoint(Provider::Bitpanda)?,
            TokenCache::new(Provider::Bitpanda, tokens),
        ))
    }

    /// A Wealthyhood client authenticating with bearer tokens from `tokens`: a
    /// [`FixedToken`](crate::FixedToken), or [`ClientCredentials::auth0`](crate::ClientCredentials::auth0).
    pub fn wealthyhood(
        self,
        tokens: impl TokenSource + 'static,
    ) -> Result<WealthyhoodClient, OnboardingError> {
        Ok(WealthyhoodClient::new(
            self.endpoint(Provider::Wealthyhood)?,
            TokenCache::new(Provider::Wealthyhood, tokens),
        ))
    }

    /// A BTC Direct client authenticating the partner with `partner`: a
    /// [`BtcDirectLogin`](crate::BtcDirectLogin) (renewing tokens), any other token source
    /// through [`PartnerAuth::tokens`], or a fixed [`PartnerCredential`] (API key or token).
    /// The user's context is given per call.
    pub fn btcdirect(
        self,
        partner: impl Into<PartnerAuth>,
    ) -> Result<BtcDirectClient, OnboardingError> {
        Ok(BtcDirectClient::new(
            self.endpoint(Provider::BtcDirect)?,
            partner.into(),
        ))
    }

    fn endpoint(self, provider: Provider) -> Result<Endpoint, OnboardingError> {
        let invalid = |reason| OnboardingError::InvalidConfiguration { provider, reason };
        let base_url = transport::checked_base_url(&self.base_url, self.allow_insecure_http)
            .map_err(invalid)?;
        let (http, request_timeout) = match self.http {
            Some(http) => (http, self.timeout),
            None => {
                let timeout = self.timeout.unwrap_or(client_support::DEFAULT_TIMEOUT);
                let http = client_support::http_client(timeout)
                    .map_err(|e| invalid(format!("could not build the HTTP client: {e}")))?;
                (http, None)
            }
        };
        Ok(Endpoint {
            provider,
            base_url,
            http,
            policy: self.policy,
            request_timeout,
        })
    }
}

/// A client whose provider is chosen at run time (e.g. from configuration): one thin layer over
/// the typed clients. An operation the provider does not offer is
/// [`OnboardingError::Unsupported`], and nothing is sent; with the provider known at compile
/// time, prefer the typed client, where such a call does not compile.
///
/// Build the typed client and convert it: `OnboardingClient::from(builder.bitpanda(tokens)?)`.
/// Cloning is cheap (the connection pool and the token cache are shared).
#[derive(Clone, Debug)]
pub enum OnboardingClient {
    /// Bitpanda: creates users.
    Bitpanda(BitpandaClient),
    /// Wealthyhood: creates users.
    Wealthyhood(WealthyhoodClient),
    /// BTC Direct: updates users.
    BtcDirect(BtcDirectClient),
}

impl From<BitpandaClient> for OnboardingClient {
    fn from(client: BitpandaClient) -> Self {
        Self::Bitpanda(client)
    }
}

impl From<WealthyhoodClient> for OnboardingClient {
    fn from(client: WealthyhoodClient) -> Self {
        Self::Wealthyhood(client)
    }
}

impl From<BtcDirectClient> for OnboardingClient {
    fn from(client: BtcDirectClient) -> Self {
        Self::BtcDirect(client)
    }
}

impl OnboardingClient {
    /// Starts building a client; the same as [`ClientBuilder::new`].
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(base_url)
    }

    /// The provider this client talks to.
    pub fn provider(&self) -> Provider {
        match self {
            Self::Bitpanda(_) => Provider::Bitpanda,
            Self::Wealthyhood(_) => Provider::Wealthyhood,
            Self::BtcDirect(_) => Provider::BtcDirect,
        }
    }

    /// Creates `user` with Bitpanda or Wealthyhood ([`BitpandaClient::create_user`],
    /// [`WealthyhoodClient::create_user`]). BTC Direct does not create users:
    /// [`OnboardingError::Unsupported`].
    pub async fn create_user(&self, user: &NewUser) -> Result<CreatedUser, OnboardingError> {
        match self {
            Self::Bitpanda(client) => client.create_user(user).await,
            Self::Wealthyhood(client) => client.create_user(user).await,
            Self::BtcDirect(_) => Err(self.unsupported(Operation::CreateUser)),
        }
    }

    /// Updates a BTC Direct user ([`BtcDirectClient::update_user`]). Bitpanda and Wealthyhood
    /// do not update users here: [`OnboardingError::Unsupported`].
    pub async fn update_user(
        &self,
        update: &UserUpdate,
        user: &UserContext,
    ) -> Result<UpdatedUser, OnboardingError> {
        match self {
            Self::BtcDirect(client) => client.update_user(update, user).await,
            Self::Bitpanda(_) | Self::Wealthyhood(_) => {
                Err(self.unsupported(Operation::UpdateUser))
            }
        }
    }

    fn unsupported(&self, operation: Operation) -> OnboardingError {
        OnboardingError::Unsupported {
            provider: self.provider(),
            operation,
        }
    }
}
