//! [`ClientBuilder`]: the settings every facade client shares (base URL, timeout, retry policy,
//! HTTP client), finished by a provider's constructor.

use std::time::Duration;

use crate::client::{BitpandaClient, BtcDirectClient, PartnerAuth, WealthyhoodClient};
use crate::credentials::TokenSource;
use crate::credentials::cache::TokenCache;
use crate::endpoint::Endpoint;
use crate::error::OnboardingError;
use crate::provider::Provider;
use crate::retry::RetryPolicy;
use crate::transport;

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
    ///   `client_support::execute_bounded`: at most 1 MiB, then cut.
    /// - **Credentials go to the base URL only.** They are attached per request, to requests for
    ///   the checked `https://` base URL (the token source's own to its token URL), never set as
    ///   default headers on the client.
    /// - **No redirect is taken as an answer**, and no credential reaches another host on one:
    ///   build the client with `redirect(reqwest::redirect::Policy::none())`, as
    ///   `client_support::http_client` does; a redirect answer is then an
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
    /// through [`PartnerAuth::tokens`], or a fixed [`PartnerCredential`](crate::PartnerCredential) (API key or token).
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
