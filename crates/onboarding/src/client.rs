//! [`OnboardingClient`]: one client over the three providers, with validation before sending,
//! retries that lose nothing, typed errors and PII-free tracing.

use std::time::Duration;

use client_support::ResponseObserver;

use crate::error::OnboardingError;
use crate::model::{NewUser, UserUpdate};
use crate::provider::{Operation, Provider};
use crate::retry::RetryPolicy;
use crate::{call, mapping, transport};

pub use btcdirect_client::{PartnerCredential, UserContext};

/// A user a provider created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedUser {
    /// The provider that created the user.
    pub provider: Provider,
    /// The provider's id for the new user. `None` only when a Bitpanda create was retried after
    /// an unanswered attempt and the retry met 409 for the same `external_id`: the user exists,
    /// created by the first attempt, but this call never saw its id.
    pub id: Option<String>,
    /// Attempts made, the successful one included.
    pub attempts: u32,
}

/// A user a provider updated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatedUser {
    /// The provider that updated the user.
    pub provider: Provider,
    /// The HTTP status of the answer (BTC Direct documents 202).
    pub status: u16,
    /// Attempts made, the successful one included.
    pub attempts: u32,
}

/// One provider connection.
#[derive(Clone)]
enum Connection {
    Bitpanda {
        base_url: String,
        http: reqwest::Client,
        credentials: bitpanda_client::Credentials,
    },
    Wealthyhood {
        base_url: String,
        http: reqwest::Client,
        credentials: wealthyhood_client::Credentials,
    },
    BtcDirect {
        base_url: String,
        http: reqwest::Client,
        partner: PartnerCredential,
    },
}

/// Registers or updates users with one provider.
///
/// Build it with [`OnboardingClient::builder`]. Cloning is cheap (the connection pool is shared).
#[derive(Clone)]
pub struct OnboardingClient {
    connection: Connection,
    policy: RetryPolicy,
}

impl std::fmt::Debug for OnboardingClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnboardingClient")
            .field("provider", &self.provider())
            .field("credentials", &"***")
            .field("policy", &self.policy)
            .finish()
    }
}

/// Settings for an [`OnboardingClient`]; finish with the provider's constructor.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    timeout: Duration,
    allow_insecure_http: bool,
    policy: RetryPolicy,
}

impl ClientBuilder {
    /// The per-request timeout (connect and whole request). Default 15 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
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

    /// A Bitpanda client, authenticating with an OAuth 2.0 access token.
    pub fn bitpanda(self, access_token: &str) -> Result<OnboardingClient, OnboardingError> {
        let provider = Provider::Bitpanda;
        let (base_url, http) = self.transport(provider)?;
        let credentials = bitpanda_client::Credentials::bearer(access_token)
            .map_err(|e| invalid(provider, e.to_string()))?;
        Ok(self.finish(Connection::Bitpanda {
            base_url,
            http,
            credentials,
        }))
    }

    /// A Wealthyhood client, authenticating with an Auth0 access token.
    pub fn wealthyhood(self, access_token: &str) -> Result<OnboardingClient, OnboardingError> {
        let provider = Provider::Wealthyhood;
        let (base_url, http) = self.transport(provider)?;
        let credentials = wealthyhood_client::Credentials::bearer(access_token)
            .map_err(|e| invalid(provider, e.to_string()))?;
        Ok(self.finish(Connection::Wealthyhood {
            base_url,
            http,
            credentials,
        }))
    }

    /// A BTC Direct client with the partner's credential; the user's context is given per call.
    pub fn btcdirect(
        self,
        partner: PartnerCredential,
    ) -> Result<OnboardingClient, OnboardingError> {
        let (base_url, http) = self.transport(Provider::BtcDirect)?;
        Ok(self.finish(Connection::BtcDirect {
            base_url,
            http,
            partner,
        }))
    }

    fn transport(&self, provider: Provider) -> Result<(String, reqwest::Client), OnboardingError> {
        let base_url = transport::checked_base_url(&self.base_url, self.allow_insecure_http)
            .map_err(|reason| invalid(provider, reason))?;
        let http = client_support::http_client(self.timeout)
            .map_err(|e| invalid(provider, format!("could not build the HTTP client: {e}")))?;
        Ok((base_url, http))
    }

    fn finish(self, connection: Connection) -> OnboardingClient {
        OnboardingClient {
            connection,
            policy: self.policy,
        }
    }
}

fn invalid(provider: Provider, reason: String) -> OnboardingError {
    OnboardingError::InvalidConfiguration { provider, reason }
}

impl OnboardingClient {
    /// Starts building a client for the provider at `base_url` (e.g.
    /// `https://api.sandbox.wealthyhood.com`). Only `https://` is accepted, and `http://` on a
    /// loopback host (tests) unless [`ClientBuilder::allow_insecure_http`] is set.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            timeout: client_support::DEFAULT_TIMEOUT,
            allow_insecure_http: false,
            policy: RetryPolicy::default(),
        }
    }

    /// The provider this client talks to.
    pub fn provider(&self) -> Provider {
        match self.connection {
            Connection::Bitpanda { .. } => Provider::Bitpanda,
            Connection::Wealthyhood { .. } => Provider::Wealthyhood,
            Connection::BtcDirect { .. } => Provider::BtcDirect,
        }
    }

    /// Creates `user` with Bitpanda or Wealthyhood.
    ///
    /// The user is validated first: any violation returns
    /// [`OnboardingError::InvalidInput`] with all of them, and nothing is sent. BTC Direct does
    /// not create users: [`OnboardingError::Unsupported`].
    pub async fn create_user(&self, user: &NewUser) -> Result<CreatedUser, OnboardingError> {
        match &self.connection {
            Connection::Bitpanda {
                base_url,
                http,
                credentials,
            } => {
                let body = mapping::bitpanda_request(user)?;
                let safe_to_repeat = user.external_id.as_deref().is_some_and(|id| !id.is_empty());
                let observer = ResponseObserver::default();
                let observed = credentials.clone().observed_by(observer.clone());
                let client =
                    bitpanda_client::Client::new_with_client(base_url, http.clone(), observed);
                let outcome = call::run(
                    Provider::Bitpanda,
                    &self.policy,
                    Operation::CreateUser,
                    safe_to_repeat,
                    &observer,
                    || client.create_user_v2(&body),
                )
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
                    // An earlier attempt went unanswered and may have created the user: whatever
                    // the last attempt met (429, 503, 500…), the outcome is unknown.
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
            Connection::Wealthyhood {
                base_url,
                http,
                credentials,
            } => {
                let body = mapping::wealthyhood_request(user)?;
                let observer = ResponseObserver::default();
                let observed = credentials.clone().observed_by(observer.clone());
                let client =
                    wealthyhood_client::Client::new_with_client(base_url, http.clone(), observed);
                let (response, attempts) = call::run(
                    Provider::Wealthyhood,
                    &self.policy,
                    Operation::CreateUser,
                    false,
                    &observer,
                    || client.create_user(&body),
                )
                .await
                .map_err(|(error, _, _)| error)?;
                Ok(CreatedUser {
                    provider: Provider::Wealthyhood,
                    id: Some(response.into_inner().id.to_string()),
                    attempts,
                })
            }
            Connection::BtcDirect { .. } => Err(OnboardingError::Unsupported {
                provider: Provider::BtcDirect,
                operation: Operation::CreateUser,
            }),
        }
    }

    /// Updates a BTC Direct user, acting for the user identified by `user`.
    ///
    /// Validated first, like [`create_user`](Self::create_user). Bitpanda and Wealthyhood
    /// do not update users here: [`OnboardingError::Unsupported`]. The `PATCH` is idempotent, so
    /// an unanswered attempt is retried.
    pub async fn update_user(
        &self,
        update: &UserUpdate,
        user: &UserContext,
    ) -> Result<UpdatedUser, OnboardingError> {
        let Connection::BtcDirect {
            base_url,
            http,
            partner,
        } = &self.connection
        else {
            return Err(OnboardingError::Unsupported {
                provider: self.provider(),
                operation: Operation::UpdateUser,
            });
        };
        let body = mapping::btcdirect_request(update)?;
        let observer = ResponseObserver::default();
        let credentials = btcdirect_client::Credentials::new(partner.clone(), user.clone())
            .observed_by(observer.clone());
        let client = btcdirect_client::Client::new_with_client(base_url, http.clone(), credentials);
        let (response, attempts) = call::run(
            Provider::BtcDirect,
            &self.policy,
            Operation::UpdateUser,
            true,
            &observer,
            || client.update_user(&body),
        )
        .await
        .map_err(|(error, _, _)| error)?;
        Ok(UpdatedUser {
            provider: Provider::BtcDirect,
            status: response.status().as_u16(),
            attempts,
        })
    }
}
