//! One provider call under the retry policy: the retry loop ([`run`]) and how each attempt's
//! answer is sorted into success, a retry, or a typed error ([`classify`]).

use std::future::Future;
use std::time::{Duration, Instant};

use client_support::{MAX_RESPONSE_BYTES, ObservedResponse, ResponseObserver};
use progenitor_client::{Error as ClientError, ResponseValue};

use crate::error::{OnboardingError, ProviderProblem, masked_excerpt};
use crate::problems::{ProviderErrorBody, btcdirect_is_auth_code, lenient_problems};
use crate::provider::{Operation, Provider};
use crate::retry::{self, RetryPolicy};
use crate::transport;

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

/// Runs `call` under the retry policy. `observer` is the one the called client reports to;
/// it is emptied after every attempt, so each attempt's status survives a body that does not
/// decode and never leaks into the next. On failure returns the error, the attempts made,
/// and whether an earlier attempt went unanswered (so its outcome is unknown).
pub(crate) async fn run<T, E, F, Fut>(
    provider: Provider,
    policy: &RetryPolicy,
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
        let delay = policy.delay(attempt, wait);
        let out_of_time = started.elapsed() + delay > policy.max_total;
        if attempt >= policy.max_attempts || out_of_time {
            tracing::warn!(%provider, %operation, attempts = attempt, kind = error.kind(), "giving up");
            return Err((with_attempts(error, attempt), attempt, unanswered_before));
        }
        tracing::debug!(%provider, %operation, attempt, delay_ms = delay.as_millis() as u64, "retrying");
        tokio::time::sleep(delay).await;
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
        ClientError::InvalidRequest(reason) => {
            Attempt::Failed(OnboardingError::InvalidConfiguration { provider, reason })
        }
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
