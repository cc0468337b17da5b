//! The one attempt loop every provider call runs through ([`run`]): each attempt reads its
//! credential (a token from the cache), sends, and acts on how [`classify`] sorts the answer —
//! done, retry after a wait, renew the token and send again (at most once per call), or fail.
//! [`RetryPolicy::max_attempts`] and [`RetryPolicy::max_total`] bound the whole call, the
//! renewal included.
//!
//! Time is read from Tokio's clock (`tokio::time::Instant`), so a paused test clock governs the
//! waits and the [`RetryPolicy::max_total`] budget alike.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use client_support::ResponseObserver;
use progenitor_client::{Error as ClientError, ResponseValue};
use tokio::time::Instant;

use crate::classify::{Attempt, OffSpecSuccess, Success, classify, content_type};
use crate::endpoint::Endpoint;
use crate::error::OnboardingError;
use crate::problems::ProviderErrorBody;
use crate::renewal::{Auth, Renewal};
#[cfg(doc)]
use crate::retry::RetryPolicy;
use crate::sent::SentValues;
use crate::spec::CallSpec;
use crate::transport;

/// How a call through the loop ended: the value and the attempts made, or the [`Failure`].
pub(crate) type CallResult<V> = Result<(V, u32), Failure>;

/// A call that failed, after the attempts the policy allowed.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: OnboardingError,
    pub(crate) attempts: u32,
    /// Whether an attempt before the last one may have been applied (no answer, or a 5xx),
    /// so the last attempt's error does not tell the whole story.
    pub(crate) earlier_maybe_applied: bool,
}

/// Runs one call: attempts `send` under the endpoint's retry policy, each with a credential
/// from `auth` and a fresh [`ResponseObserver`] (which the generated client reports the
/// response to, so each attempt's status survives a body that does not decode and never leaks
/// into the next).
///
/// Retried: 429 and 503 (after their `Retry-After`), connections that failed before sending,
/// a refused token (once, with a renewed one, without waiting), and — only when
/// `spec.idempotent` — attempts that may have been applied (no answer, 5xx).
///
/// The provider's messages in the error returned are scrubbed of the values the request sent
/// (collected by `sent`, only when an error carries a message; see [`SentValues::scrub`]).
///
/// The loop's future is boxed, so the typed clients' futures above it stay small and are cheap
/// to create.
pub(crate) fn run<'a, C, T, E, F, Fut>(
    endpoint: &'a Endpoint,
    spec: CallSpec,
    auth: Auth<'a, C>,
    sent: impl FnOnce() -> SentValues + 'a,
    send: F,
) -> Pin<Box<impl Future<Output = CallResult<Success<T>>> + 'a>>
where
    C: Clone + 'a,
    T: 'a,
    E: ProviderErrorBody + 'a,
    F: Fn(C, ResponseObserver) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<T>, ClientError<E>>> + 'a,
{
    Box::pin(async move {
        run_loop(endpoint, spec, Renewal::new(auth), send)
            .await
            .map_err(|failure| Failure {
                error: SentValues::scrub_error(failure.error, sent),
                ..failure
            })
    })
}

/// What the loop does after an attempt that did not end the call.
enum Next {
    /// Wait (the provider's `Retry-After`, if any) and send again.
    Retry(Option<Duration>),
    /// Send again at once, with a renewed token.
    Renew,
}

/// The loop of [`run`].
async fn run_loop<C, T, E, F, Fut>(
    endpoint: &Endpoint,
    spec: CallSpec,
    mut renewal: Renewal<'_, C>,
    send: F,
) -> CallResult<Success<T>>
where
    C: Clone,
    E: ProviderErrorBody,
    F: Fn(C, ResponseObserver) -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, ClientError<E>>>,
{
    let CallSpec {
        provider,
        operation,
        ..
    } = spec;
    let policy = &endpoint.policy;
    let started = Instant::now();
    let mut earlier_maybe_applied = false;
    let mut attempt = 0;
    loop {
        // Read per attempt: a token that expired during the last wait is renewed first.
        let credential = match renewal.credential(endpoint).await {
            Ok(credential) => credential,
            Err(error) => {
                return Err(Failure {
                    error,
                    attempts: attempt,
                    earlier_maybe_applied,
                });
            }
        };
        attempt += 1;
        let observer = ResponseObserver::default();
        let sent_at = Instant::now();
        // Boxed: the generated call's future is large (about 1.6 KB), and every async layer
        // above would otherwise hold it inline and copy it when created (a measurable cost
        // per call; see the README's Performance section).
        let result = Box::pin(send(credential, observer.clone())).await;
        let latency_ms = sent_at.elapsed().as_millis() as u64;
        let observed = observer.take();
        let status = observed.as_ref().map_or(0, |o| o.status);
        tracing::info!(%provider, %operation, attempt, status, latency_ms, "provider call");
        let failure = |error, earlier_maybe_applied| Failure {
            error: with_attempts(error, attempt),
            attempts: attempt,
            earlier_maybe_applied,
        };
        let (error, next, maybe_applied) = match classify(spec, result, observed) {
            Attempt::Done(success) => return Ok((success, attempt)),
            Attempt::UndocumentedSuccess(response, truncated) => {
                let status = response.status().as_u16();
                let content_type = content_type(response.headers());
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
                    content_type,
                };
                return Ok((Success::OffSpec(off_spec), attempt));
            }
            Attempt::Failed(error) => return Err(failure(error, earlier_maybe_applied)),
            Attempt::TokenRefused(error) => (error, Next::Renew, false),
            Attempt::Throttled(error, retry_after) => (error, Next::Retry(retry_after), false),
            Attempt::NotSent(source) => {
                let error = OnboardingError::Transport {
                    provider,
                    attempts: attempt,
                    detail: transport::describe(&source),
                    source: Some(source.without_url()),
                };
                (error, Next::Retry(None), false)
            }
            Attempt::MaybeApplied(error) => {
                if !spec.idempotent {
                    return Err(failure(error, earlier_maybe_applied));
                }
                (error, Next::Retry(None), true)
            }
        };
        let delay = match next {
            Next::Renew => Duration::ZERO,
            Next::Retry(wait) => policy.delay(attempt, wait),
        };
        let out_of_time = started.elapsed().saturating_add(delay) > policy.max_total;
        if attempt >= policy.max_attempts || out_of_time {
            if matches!(next, Next::Renew) {
                renewal.drop_refused();
            }
            tracing::warn!(%provider, %operation, attempts = attempt, kind = %error.kind(), "giving up");
            return Err(failure(error, earlier_maybe_applied));
        }
        if matches!(next, Next::Renew) {
            // The renewed token is read at the top of the loop; a second refusal stands.
            if let Err(error) = renewal.renew(error) {
                return Err(failure(error, earlier_maybe_applied));
            }
            continue;
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
