//! How one attempt's answer is sorted: a success (decoded, or a success status off the spec), a
//! retry after a wait, a refused token (renew and send again), or a typed error. No waiting,
//! no sending: the attempt loop decides what to do with the verdict.

use std::time::Duration;

use client_support::{MAX_RESPONSE_BYTES, ObservedResponse};
use progenitor_client::{Error as ClientError, ResponseValue};

use crate::error::{OnboardingError, ProviderProblem};
use crate::excerpt::masked_excerpt;
use crate::problems::{ProviderErrorBody, btcdirect_is_auth_code, lenient_problems};
use crate::provider::Provider;
use crate::retry;
use crate::spec::CallSpec;
use crate::transport;

/// A success status (2xx) whose body did not decode as the spec says.
#[derive(Debug)]
pub(crate) struct OffSpecSuccess {
    pub(crate) status: u16,
    /// The body as read (at most [`MAX_RESPONSE_BYTES`]).
    pub(crate) body: Vec<u8>,
    /// Whether the body was longer than the bound and was cut.
    pub(crate) truncated: bool,
    /// The answer's `Content-Type`, when it had one (for the masked excerpt).
    pub(crate) content_type: Option<String>,
}

/// A call that got a success status.
pub(crate) enum Success<T> {
    /// The answer decoded as the spec says.
    Decoded(ResponseValue<T>),
    /// The status was a success, the body was not what the spec says.
    OffSpec(OffSpecSuccess),
}

/// How one attempt ended, for the retry loop.
pub(crate) enum Attempt<T> {
    Done(Success<T>),
    /// A success status that is not the documented one: its body is read before deciding.
    UndocumentedSuccess(reqwest::Response, bool),
    /// Failed before the request left: safe to retry.
    NotSent(reqwest::Error),
    /// Sent, and maybe applied: no answer, or a server error.
    MaybeApplied(OnboardingError),
    /// The provider refused the access token itself: renew it and send again, once per call.
    TokenRefused(OnboardingError),
    /// Rate limited or unavailable: retry after the wait, if the policy allows.
    Throttled(OnboardingError, Option<Duration>),
    /// Failed for good.
    Failed(OnboardingError),
}

/// Sorts one attempt's result into what the retry loop does next. `observed` is what the
/// transport saw of the response before decoding, when there was one.
pub(crate) fn classify<T, E: ProviderErrorBody>(
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
            excerpt: masked_excerpt(None, bytes),
        });
    };
    let content_type = content_type(&observed.headers);
    if (200..300).contains(&observed.status) {
        return Attempt::Done(Success::OffSpec(OffSpecSuccess {
            status: observed.status,
            body: bytes.to_vec(),
            truncated: observed.truncated,
            content_type,
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
            excerpt: masked_excerpt(content_type.as_deref(), bytes),
        });
    }
    let wait = retry::retry_after(&observed.headers);
    by_status(
        spec,
        observed.status,
        lenient_problems(provider, content_type.as_deref(), bytes),
        wait,
    )
}

/// The `Content-Type` of an answer, when it is text.
pub(crate) fn content_type(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
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
    if status == 401 || (auth_code && refuses_token(&problems)) {
        return Attempt::TokenRefused(OnboardingError::Unauthorized {
            provider,
            status,
            problems,
        });
    }
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

/// Whether BTC Direct's `problems` say the access token itself was refused, so a renewed token
/// may succeed: ER701/ER702 (user token expired or invalid) and ER800/ER801 (partner token
/// invalid or expired), which it answers with a 400. (Any provider's 401 says so too.)
fn refuses_token(problems: &[ProviderProblem]) -> bool {
    const TOKEN_CODES: [&str; 4] = ["ER701", "ER702", "ER800", "ER801"];
    problems
        .iter()
        .any(|p| p.code.as_deref().is_some_and(|c| TOKEN_CODES.contains(&c)))
}
