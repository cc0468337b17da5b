//! [`OnboardingClient`]: one client over the three providers, with validation before sending,
//! retries that lose nothing, typed errors and PII-free tracing.

use std::future::Future;
use std::time::{Duration, Instant};

use client_support::{MAX_RESPONSE_BYTES, ObservedResponse, ResponseObserver};
use progenitor_client::{Error as ClientError, ResponseValue};

use crate::error::{OnboardingError, ProviderProblem, masked_excerpt};
use crate::model::{NewUser, UserUpdate};
use crate::problems::{ProviderErrorBody, btcdirect_is_auth_code, lenient_problems};
use crate::provider::{Operation, Provider};
use crate::retry::{self, RetryPolicy};
use crate::{mapping, transport};

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

/// How one attempt ended, for the retry loop.
enum Attempt<T> {
    Done(T),
    /// Failed before the request left: safe to retry.
    NotSent(String),
    /// Sent, no answer: the outcome is unknown.
    Unanswered(String),
    /// Rate limited or unavailable: retry after the wait, if the policy allows.
    Throttled(OnboardingError, Option<Duration>),
    Failed(OnboardingError),
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
                let outcome = self
                    .run(Operation::CreateUser, safe_to_repeat, &observer, || {
                        client.create_user_v2(&body)
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
                let (response, attempts) = self
                    .run(Operation::CreateUser, false, &observer, || {
                        client.create_user(&body)
                    })
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
        let (response, attempts) = self
            .run(Operation::UpdateUser, true, &observer, || {
                client.update_user(&body)
            })
            .await
            .map_err(|(error, _, _)| error)?;
        Ok(UpdatedUser {
            provider: Provider::BtcDirect,
            status: response.status().as_u16(),
            attempts,
        })
    }

    /// Runs `call` under the retry policy. `observer` is the one the called client reports to;
    /// it is emptied after every attempt, so each attempt's status survives a body that does not
    /// decode and never leaks into the next. On failure returns the error, the attempts made,
    /// and whether an earlier attempt went unanswered (so its outcome is unknown).
    async fn run<T, E, F, Fut>(
        &self,
        operation: Operation,
        safe_to_repeat: bool,
        observer: &ResponseObserver,
        call: F,
    ) -> Result<(ResponseValue<T>, u32), (OnboardingError, u32, bool)>
    where
        E: ProviderErrorBody,
        F: Fn() -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, ClientError<E>>>,
    {
        let provider = self.provider();
        let started = Instant::now();
        let mut unanswered_before = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent_at = Instant::now();
            let result = call().await;
            let latency_ms = sent_at.elapsed().as_millis() as u64;
            let observed = observer.take();
            let status = observed.as_ref().map_or(0, |o| o.status);
            tracing::info!(%provider, %operation, attempt, status, latency_ms, "provider call");
            let (error, wait) = match classify(provider, result, observed) {
                Attempt::Done(response) => return Ok((response, attempt)),
                Attempt::Failed(error) => return Err((error, attempt, unanswered_before)),
                Attempt::Throttled(error, retry_after) => (error, retry_after),
                Attempt::NotSent(detail) => (
                    OnboardingError::Transport {
                        provider,
                        attempts: attempt,
                        detail,
                    },
                    None,
                ),
                Attempt::Unanswered(detail) => {
                    let error = OnboardingError::OutcomeUnknown {
                        provider,
                        operation,
                        attempts: attempt,
                        detail,
                    };
                    if !safe_to_repeat {
                        return Err((error, attempt, true));
                    }
                    unanswered_before = true;
                    (error, None)
                }
            };
            let delay = self.policy.delay(attempt, wait);
            let out_of_time = started.elapsed() + delay > self.policy.max_total;
            if attempt >= self.policy.max_attempts || out_of_time {
                tracing::warn!(%provider, %operation, attempts = attempt, kind = error.kind(), "giving up");
                return Err((with_attempts(error, attempt), attempt, unanswered_before));
            }
            tracing::debug!(%provider, %operation, attempt, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
        }
    }
}

/// `error` with its attempt count set to `attempts`.
fn with_attempts(mut error: OnboardingError, attempts: u32) -> OnboardingError {
    match &mut error {
        OnboardingError::RateLimited { attempts: a, .. }
        | OnboardingError::Unavailable { attempts: a, .. }
        | OnboardingError::Transport { attempts: a, .. }
        | OnboardingError::OutcomeUnknown { attempts: a, .. } => *a = attempts,
        _ => {}
    }
    error
}

/// Sorts one attempt's result into what the retry loop does next. `observed` is what the
/// transport saw of the response before decoding, when there was one.
fn classify<T, E: ProviderErrorBody>(
    provider: Provider,
    result: Result<ResponseValue<T>, ClientError<E>>,
    observed: Option<ObservedResponse>,
) -> Attempt<ResponseValue<T>> {
    let error = match result {
        Ok(response) => return Attempt::Done(response),
        Err(error) => error,
    };
    match error {
        ClientError::ErrorResponse(response) => {
            let status = response.status().as_u16();
            let wait = retry::retry_after(response.headers());
            by_status(provider, status, response.into_inner().problems(), wait)
        }
        ClientError::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            let wait = retry::retry_after(response.headers());
            if response.status().is_success() {
                return Attempt::Failed(OnboardingError::UnexpectedResponse {
                    provider,
                    status: Some(status),
                    excerpt: format!("undocumented success status {status}"),
                });
            }
            if response.status().is_redirection() {
                return Attempt::Failed(OnboardingError::UnexpectedResponse {
                    provider,
                    status: Some(status),
                    excerpt:
                        "redirect not followed (credentials are never replayed); check the base URL"
                            .into(),
                });
            }
            by_status(provider, status, Vec::new(), wait)
        }
        ClientError::InvalidResponsePayload(bytes, _) => undecodable(provider, &bytes, observed),
        ClientError::CommunicationError(error) if error.is_connect() => {
            Attempt::NotSent(transport::describe(&error))
        }
        ClientError::CommunicationError(error) | ClientError::ResponseBodyError(error) => {
            Attempt::Unanswered(transport::describe(&error))
        }
        ClientError::InvalidRequest(reason) => Attempt::Failed(invalid(provider, reason)),
        ClientError::InvalidUpgrade(_) | ClientError::Custom(_) => {
            Attempt::Failed(OnboardingError::UnexpectedResponse {
                provider,
                status: None,
                excerpt: "unexpected client error".into(),
            })
        }
    }
}

/// A body that did not decode as the spec says: an error status still maps by status (with what
/// a lenient read of the body finds, e.g. a BTC Direct code off the spec's pattern); a cut or
/// off-spec success body is an unexpected response, with its status.
fn undecodable<T>(
    provider: Provider,
    bytes: &[u8],
    observed: Option<ObservedResponse>,
) -> Attempt<T> {
    let Some(observed) = observed else {
        return Attempt::Failed(OnboardingError::UnexpectedResponse {
            provider,
            status: None,
            excerpt: masked_excerpt(bytes),
        });
    };
    if observed.truncated {
        return Attempt::Failed(OnboardingError::UnexpectedResponse {
            provider,
            status: Some(observed.status),
            excerpt: format!(
                "response body larger than {MAX_RESPONSE_BYTES} bytes, not read further"
            ),
        });
    }
    if observed.status < 400 {
        return Attempt::Failed(OnboardingError::UnexpectedResponse {
            provider,
            status: Some(observed.status),
            excerpt: masked_excerpt(bytes),
        });
    }
    let wait = retry::retry_after(&observed.headers);
    by_status(
        provider,
        observed.status,
        lenient_problems(provider, bytes),
        wait,
    )
}

/// Maps an error status (and the provider's problems) onto the facade's error kinds.
fn by_status<T>(
    provider: Provider,
    status: u16,
    problems: Vec<ProviderProblem>,
    wait: Option<Duration>,
) -> Attempt<T> {
    let auth_code = provider == Provider::BtcDirect
        && problems
            .iter()
            .any(|p| p.code.as_deref().is_some_and(btcdirect_is_auth_code));
    Attempt::Failed(match status {
        429 => {
            let error = OnboardingError::RateLimited {
                provider,
                retry_after: wait,
                attempts: 1,
            };
            return Attempt::Throttled(error, wait);
        }
        503 => {
            let error = OnboardingError::Unavailable {
                provider,
                retry_after: wait,
                attempts: 1,
            };
            return Attempt::Throttled(error, wait);
        }
        401 | 403 => OnboardingError::Unauthorized {
            provider,
            status,
            problems,
        },
        _ if auth_code => OnboardingError::Unauthorized {
            provider,
            status,
            problems,
        },
        409 => OnboardingError::Conflict { provider, problems },
        500..=599 => OnboardingError::ServerError {
            provider,
            status,
            problems,
        },
        _ => OnboardingError::Rejected {
            provider,
            status,
            problems,
        },
    })
}
