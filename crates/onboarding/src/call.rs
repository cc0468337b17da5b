//! One provider call under the retry policy: the retry loop ([`run`]) and how each attempt's
//! answer is sorted into success, a retry, or a typed error ([`classify`]).
//!
//! Time is read from Tokio's clock (`tokio::time::Instant`), so a paused test clock governs the
//! waits and the [`RetryPolicy::max_total`] budget alike.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use client_support::{MAX_RESPONSE_BYTES, ObservedResponse, ResponseObserver};
use progenitor_client::{Error as ClientError, ResponseValue};
use tokio::time::Instant;

use crate::client::Outcome;
use crate::error::{OnboardingError, ProviderProblem, RetryAdvice, masked_excerpt};
use crate::problems::{ProviderErrorBody, btcdirect_is_auth_code, lenient_problems};
use crate::provider::{Operation, Provider};
use crate::retry::{self, RetryPolicy};
use crate::transport;

/// What is being called: the provider, the operation, and whether sending it again provably
/// cannot apply it twice (BTC Direct's `PATCH`; a Bitpanda create with an `external_id`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallSpec {
    pub provider: Provider,
    pub operation: Operation,
    pub idempotent: bool,
}

impl CallSpec {
    /// The advice for an attempt that may have been applied.
    pub fn maybe_applied_advice(self) -> RetryAdvice {
        if self.idempotent {
            RetryAdvice::RetrySafe
        } else {
            RetryAdvice::ReconcileFirst
        }
    }

    /// An [`OnboardingError::OutcomeUnknown`] for this call.
    pub fn outcome_unknown(
        self,
        attempts: u32,
        detail: String,
        source: Option<reqwest::Error>,
    ) -> OnboardingError {
        OnboardingError::OutcomeUnknown {
            provider: self.provider,
            operation: self.operation,
            advice: self.maybe_applied_advice(),
            attempts,
            detail,
            source,
        }
    }
}

/// A success status (2xx) whose body did not decode as the spec says.
#[derive(Debug)]
pub(crate) struct OffSpecSuccess {
    pub status: u16,
    /// The body as read (at most [`MAX_RESPONSE_BYTES`]).
    pub body: Vec<u8>,
    /// Whether the body was longer than the bound and was cut.
    pub truncated: bool,
}

/// A call that got a success status.
pub(crate) enum Success<T> {
    /// The answer decoded as the spec says.
    Decoded(ResponseValue<T>),
    /// The status was a success, the body was not what the spec says.
    OffSpec(OffSpecSuccess),
}

/// A call that failed, after the attempts the policy allowed.
#[derive(Debug)]
pub(crate) struct Failure {
    pub error: OnboardingError,
    pub attempts: u32,
    /// Whether an attempt before the last one may have been applied (no answer, or a 5xx),
    /// so the last attempt's error does not tell the whole story.
    pub earlier_maybe_applied: bool,
}

impl Failure {
    /// A failure after `attempts` attempts, none of which may have been applied.
    pub fn new(error: OnboardingError, attempts: u32) -> Self {
        Self {
            error,
            attempts,
            earlier_maybe_applied: false,
        }
    }
}

/// How one attempt ended, for the retry loop.
enum Attempt<T> {
    Done(Success<T>),
    /// A success status that is not the documented one: its body is read before deciding.
    UndocumentedSuccess(reqwest::Response, bool),
    /// Failed before the request left: safe to retry.
    NotSent(reqwest::Error),
    /// Sent, and maybe applied: no answer, or a server error.
    MaybeApplied(OnboardingError),
    /// Rate limited or unavailable: retry after the wait, if the policy allows.
    Throttled(OnboardingError, Option<Duration>),
    Failed(OnboardingError),
}

/// Runs `call` under the retry policy. `observer` is the one the called client reports to;
/// it is emptied after every attempt, so each attempt's status survives a body that does not
/// decode and never leaks into the next.
///
/// Retried: 429 and 503 (after their `Retry-After`), connections that failed before sending,
/// and — only when `spec.idempotent` — attempts that may have been applied (no answer, 5xx).
///
/// The loop's future is boxed, so the async layers above it (token renewal, the typed clients)
/// stay small and are cheap to create.
pub(crate) fn run<'a, T, E, F, Fut>(
    spec: CallSpec,
    policy: &'a RetryPolicy,
    observer: &'a ResponseObserver,
    call: F,
) -> Pin<Box<impl Future<Output = Outcome<Success<T>>> + 'a>>
where
    T: 'a,
    E: ProviderErrorBody + 'a,
    F: Fn() -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<T>, ClientError<E>>> + 'a,
{
    Box::pin(run_loop(spec, policy, observer, call))
}

/// The retry loop of [`run`].
async fn run_loop<T, E, F, Fut>(
    spec: CallSpec,
    policy: &RetryPolicy,
    observer: &ResponseObserver,
    call: F,
) -> Outcome<Success<T>>
where
    E: ProviderErrorBody,
    F: Fn() -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, ClientError<E>>>,
{
    let CallSpec {
        provider,
        operation,
        ..
    } = spec;
    let started = Instant::now();
    let mut earlier_maybe_applied = false;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let sent_at = Instant::now();
        // Boxed: the generated call's future is large (about 1.6 KB), and every async layer
        // above would otherwise hold it inline and copy it when created (a measurable cost
        // per call; see the README's Performance section).
        let result = Box::pin(call()).await;
        let latency_ms = sent_at.elapsed().as_millis() as u64;
        let observed = observer.take();
        let status = observed.as_ref().map_or(0, |o| o.status);
        tracing::info!(%provider, %operation, attempt, status, latency_ms, "provider call");
        let failure = |error, earlier_maybe_applied| Failure {
            error: with_attempts(error, attempt),
            attempts: attempt,
            earlier_maybe_applied,
        };
        let (error, wait, maybe_applied) = match classify(spec, result, observed) {
            Attempt::Done(success) => return Ok((success, attempt)),
            Attempt::UndocumentedSuccess(response, truncated) => {
                let status = response.status().as_u16();
                // The body is already in memory (read, bounded, by the client's hooks).
                // Boxed like the call itself: this rare path must not enlarge every call's future.
                let (body, truncated) = match Box::pin(response.bytes()).await {
                    Ok(body) => (body.to_vec(), truncated),
                    Err(_) => (Vec::new(), true),
                };
                let off_spec = OffSpecSuccess {
                    status,
                    body,
                    truncated,
                };
                return Ok((Success::OffSpec(off_spec), attempt));
            }
            Attempt::Failed(error) => return Err(failure(error, earlier_maybe_applied)),
            Attempt::Throttled(error, retry_after) => (error, retry_after, false),
            Attempt::NotSent(source) => {
                let error = OnboardingError::Transport {
                    provider,
                    attempts: attempt,
                    detail: transport::describe(&source),
                    source: Some(source.without_url()),
                };
                (error, None, false)
            }
            Attempt::MaybeApplied(error) => {
                if !spec.idempotent {
                    return Err(failure(error, earlier_maybe_applied));
                }
                (error, None, true)
            }
        };
        let delay = policy.delay(attempt, wait);
        let out_of_time = started.elapsed().saturating_add(delay) > policy.max_total;
        if attempt >= policy.max_attempts || out_of_time {
            tracing::warn!(%provider, %operation, attempts = attempt, kind = %error.kind(), "giving up");
            return Err(failure(error, earlier_maybe_applied));
        }
        earlier_maybe_applied |= maybe_applied;
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
    spec: CallSpec,
    result: Result<ResponseValue<T>, ClientError<E>>,
    observed: Option<ObservedResponse>,
) -> Attempt<T> {
    let provider = spec.provider;
    if let Some(observed) = observed.as_ref().filter(|o| o.redirected) {
        // A client the service supplied followed a redirect: the answer is another host's.
        return Attempt::Failed(OnboardingError::UnexpectedResponse {
            provider,
            status: Some(observed.status),
            excerpt: "the HTTP client followed a redirect; the answer is not used".into(),
        });
    }
    let truncated = observed.as_ref().is_some_and(|o| o.truncated);
    let error = match result {
        Ok(response) => return Attempt::Done(Success::Decoded(response)),
        Err(error) => error,
    };
    match error {
        ClientError::ErrorResponse(response) => {
            let status = response.status().as_u16();
            let wait = retry::retry_after(response.headers());
            by_status(spec, status, response.into_inner().problems(), wait)
        }
        ClientError::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            let wait = retry::retry_after(response.headers());
            if response.status().is_success() {
                return Attempt::UndocumentedSuccess(response, truncated);
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
            by_status(spec, status, Vec::new(), wait)
        }
        ClientError::InvalidResponsePayload(bytes, _) => undecodable(spec, &bytes, observed),
        ClientError::CommunicationError(error) if error.is_connect() => Attempt::NotSent(error),
        ClientError::CommunicationError(error) | ClientError::ResponseBodyError(error) => {
            Attempt::MaybeApplied(spec.outcome_unknown(
                1,
                transport::describe(&error),
                Some(error.without_url()),
            ))
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
/// a lenient read of the body finds, e.g. a BTC Direct code off the spec's pattern); a success
/// status is an off-spec success, for the caller to read leniently.
fn undecodable<T>(spec: CallSpec, bytes: &[u8], observed: Option<ObservedResponse>) -> Attempt<T> {
    let provider = spec.provider;
    let Some(observed) = observed else {
        return Attempt::Failed(OnboardingError::UnexpectedResponse {
            provider,
            status: None,
            excerpt: masked_excerpt(bytes),
        });
    };
    if (200..300).contains(&observed.status) {
        return Attempt::Done(Success::OffSpec(OffSpecSuccess {
            status: observed.status,
            body: bytes.to_vec(),
            truncated: observed.truncated,
        }));
    }
    if observed.truncated {
        return Attempt::Failed(OnboardingError::UnexpectedResponse {
            provider,
            status: Some(observed.status),
            excerpt: too_large(),
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
        spec,
        observed.status,
        lenient_problems(provider, bytes),
        wait,
    )
}

/// What an error says of a body cut at the bound.
pub(crate) fn too_large() -> String {
    format!("response body larger than {MAX_RESPONSE_BYTES} bytes, not read further")
}

/// Maps an error status (and the provider's problems) onto the facade's error kinds.
fn by_status<T>(
    spec: CallSpec,
    status: u16,
    problems: Vec<ProviderProblem>,
    wait: Option<Duration>,
) -> Attempt<T> {
    let provider = spec.provider;
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
        500..=599 => {
            return Attempt::MaybeApplied(OnboardingError::ServerError {
                provider,
                operation: spec.operation,
                advice: spec.maybe_applied_advice(),
                status,
                problems,
            });
        }
        _ => OnboardingError::Rejected {
            provider,
            status,
            problems,
        },
    })
}
