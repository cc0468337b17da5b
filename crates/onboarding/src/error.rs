//! The one error type of the facade, shaped by what a caller does next.
//!
//! | variant | the caller should |
//! | --- | --- |
//! | [`InvalidInput`](OnboardingError::InvalidInput) | fix the listed fields; nothing was sent |
//! | [`Unsupported`](OnboardingError::Unsupported) | use a provider that offers the operation |
//! | [`InvalidConfiguration`](OnboardingError::InvalidConfiguration) | fix the base URL or credential |
//! | [`Rejected`](OnboardingError::Rejected) | show the provider's reasons; do not retry as is |
//! | [`Conflict`](OnboardingError::Conflict) | the user exists already (e.g. Bitpanda's duplicate `external_id`) |
//! | [`Unauthorized`](OnboardingError::Unauthorized) | fix the partner or user credential (a renewed token was refused too) |
//! | [`CredentialUnavailable`](OnboardingError::CredentialUnavailable) | no token could be had; nothing was sent: fix the token source, or try later if its endpoint is down |
//! | [`RateLimited`](OnboardingError::RateLimited) | try later, not before `retry_after` |
//! | [`Unavailable`](OnboardingError::Unavailable) | try later (maintenance) |
//! | [`ServerError`](OnboardingError::ServerError) | follow its [`RetryAdvice`]: a create may have been applied |
//! | [`Transport`](OnboardingError::Transport) | nothing reached the provider; safe to try again |
//! | [`OutcomeUnknown`](OnboardingError::OutcomeUnknown) | follow its [`RetryAdvice`]: reconcile before creating again |
//! | [`UnexpectedResponse`](OnboardingError::UnexpectedResponse) | report it; the provider answered off-spec |
//!
//! What to do next is also data: [`OnboardingError::retry_advice`] answers "send it again",
//! "find out first whether it was applied", or "do not send it again", knowing the operation and
//! whether repeating it is provably harmless (see [`RetryAdvice`]). [`OnboardingError::kind`]
//! names the variant as an [`ErrorKind`] a program can match or log.
//!
//! No variant holds personal data or credentials: provider problems carry the provider's code,
//! its message and the field concerned; unexpected bodies are shown by their shape only.

use std::fmt;
use std::time::Duration;

use crate::credentials::TokenError;
use crate::provider::{Operation, Provider};
use crate::validation::ValidationReport;

/// One problem the provider reported: its own code, its message, and the field when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderProblem {
    /// The provider's code, e.g. `ER085` for BTC Direct; `None` when it sent none.
    pub code: Option<String>,
    /// The provider's message (BTC Direct's are fixed texts such as "User is not 18 years old yet.").
    pub message: String,
    /// The request field the problem concerns, as `(neutral, provider)` names, when known.
    pub field: Option<(&'static str, &'static str)>,
}

impl fmt::Display for ProviderProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(code) = &self.code {
            write!(f, "{code}: ")?;
        }
        f.write_str(&self.message)?;
        if let Some((neutral, provider)) = self.field {
            write!(f, " (field {neutral} / {provider})")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong registering or updating a user, whatever the provider.
#[derive(Debug)]
#[non_exhaustive]
pub enum OnboardingError {
    /// The user failed validation; every violation is listed and no request was sent.
    InvalidInput(ValidationReport),
    /// The provider does not offer this operation (e.g. BTC Direct only updates users).
    Unsupported {
        /// The provider asked.
        provider: Provider,
        /// The operation it does not offer.
        operation: Operation,
    },
    /// The client could not be built: a refused base URL, or an unusable credential.
    InvalidConfiguration {
        /// The provider being configured.
        provider: Provider,
        /// What is wrong, without the secret.
        reason: String,
    },
    /// The provider refused the request as invalid (400, 404, 422, or a BTC Direct ER code).
    Rejected {
        /// The provider.
        provider: Provider,
        /// The HTTP status.
        status: u16,
        /// What the provider said, one entry per code.
        problems: Vec<ProviderProblem>,
    },
    /// The user already exists (Bitpanda 409 duplicate `external_id`, Wealthyhood 409).
    Conflict {
        /// The provider.
        provider: Provider,
        /// What the provider said.
        problems: Vec<ProviderProblem>,
    },
    /// The partner or user credential was refused (401, 403, BTC Direct ER7xx/ER8xx).
    Unauthorized {
        /// The provider.
        provider: Provider,
        /// The HTTP status.
        status: u16,
        /// What the provider said.
        problems: Vec<ProviderProblem>,
    },
    /// No credential could be obtained for the call: the token endpoint was unreachable, refused
    /// the client's credentials, or answered off-spec. The provider request was not sent.
    CredentialUnavailable {
        /// The provider the token was for.
        provider: Provider,
        /// Why no token could be had (carries no secret).
        error: crate::credentials::TokenError,
    },
    /// Too many requests (429) and the retry policy gave up.
    RateLimited {
        /// The provider.
        provider: Provider,
        /// The provider's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
        /// Attempts made.
        attempts: u32,
    },
    /// Maintenance or service unavailable (503) and the retry policy gave up.
    Unavailable {
        /// The provider.
        provider: Provider,
        /// The provider's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
        /// Attempts made.
        attempts: u32,
    },
    /// The provider failed (500 and other 5xx but 503). On a create that is not provably
    /// idempotent the user may exist all the same: see its `advice`.
    ServerError {
        /// The provider.
        provider: Provider,
        /// The operation that failed.
        operation: Operation,
        /// What to do next: [`RetryAdvice::ReconcileFirst`] for a create that a resend could
        /// duplicate, [`RetryAdvice::RetrySafe`] when a resend cannot apply it twice.
        advice: RetryAdvice,
        /// The HTTP status.
        status: u16,
        /// What the provider said, if anything.
        problems: Vec<ProviderProblem>,
    },
    /// The request never reached the provider (connection refused, DNS, TLS); retrying is safe.
    Transport {
        /// The provider.
        provider: Provider,
        /// Attempts made.
        attempts: u32,
        /// What failed, without URLs' query strings or bodies.
        detail: String,
        /// The last attempt's transport error (its URL removed), also given by
        /// [`std::error::Error::source`].
        source: Option<reqwest::Error>,
    },
    /// The request was sent but no usable answer came back (timeout, connection lost, or an
    /// answer from which the new user's id could not be read): it may or may not have been
    /// applied. Not retried blindly; see [`RetryPolicy`](crate::RetryPolicy) for the rule.
    OutcomeUnknown {
        /// The provider.
        provider: Provider,
        /// The operation whose outcome is unknown.
        operation: Operation,
        /// What to do next: [`RetryAdvice::ReconcileFirst`] unless a resend provably cannot
        /// apply the operation twice ([`RetryAdvice::RetrySafe`]).
        advice: RetryAdvice,
        /// Attempts made.
        attempts: u32,
        /// What failed.
        detail: String,
        /// The transport error behind it (its URL removed), when there is one; also given by
        /// [`std::error::Error::source`].
        source: Option<reqwest::Error>,
    },
    /// The provider answered in a way its spec does not describe.
    UnexpectedResponse {
        /// The provider.
        provider: Provider,
        /// The HTTP status, when known.
        status: Option<u16>,
        /// The body's shape without a value: JSON's structure and keys with every string,
        /// number and boolean shown as `***`; any other body's content type, length and
        /// leading punctuation. `Display` and `Debug` show the same text.
        excerpt: String,
    },
}

impl OnboardingError {
    /// The kind of error, as a value a program can match; [`ErrorKind::name`] gives a stable
    /// snake_case name for logs and metrics (e.g. `"rate_limited"`).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidInput(_) => ErrorKind::InvalidInput,
            Self::Unsupported { .. } => ErrorKind::Unsupported,
            Self::InvalidConfiguration { .. } => ErrorKind::InvalidConfiguration,
            Self::Rejected { .. } => ErrorKind::Rejected,
            Self::Conflict { .. } => ErrorKind::Conflict,
            Self::Unauthorized { .. } => ErrorKind::Unauthorized,
            Self::CredentialUnavailable { .. } => ErrorKind::CredentialUnavailable,
            Self::RateLimited { .. } => ErrorKind::RateLimited,
            Self::Unavailable { .. } => ErrorKind::Unavailable,
            Self::ServerError { .. } => ErrorKind::ServerError,
            Self::Transport { .. } => ErrorKind::Transport,
            Self::OutcomeUnknown { .. } => ErrorKind::OutcomeUnknown,
            Self::UnexpectedResponse { .. } => ErrorKind::UnexpectedResponse,
        }
    }

    /// Whether, and how, the same request may be sent again. See [`RetryAdvice`] for the rule.
    pub fn retry_advice(&self) -> RetryAdvice {
        match self {
            Self::RateLimited { .. } | Self::Unavailable { .. } | Self::Transport { .. } => {
                RetryAdvice::RetrySafe
            }
            Self::ServerError { advice, .. } | Self::OutcomeUnknown { advice, .. } => *advice,
            // Nothing was sent; a token endpoint that refused the client's own credentials will
            // refuse them again.
            Self::CredentialUnavailable { error, .. } => match error {
                TokenError::Unreachable { .. } | TokenError::Unusable { .. } => {
                    RetryAdvice::RetrySafe
                }
                _ => RetryAdvice::DoNotRetry,
            },
            // A success status whose body was off-spec: the provider may have applied it.
            Self::UnexpectedResponse {
                status: Some(200..=299),
                ..
            } => RetryAdvice::ReconcileFirst,
            Self::InvalidInput(_)
            | Self::Unsupported { .. }
            | Self::InvalidConfiguration { .. }
            | Self::Rejected { .. }
            | Self::Conflict { .. }
            | Self::Unauthorized { .. }
            | Self::UnexpectedResponse { .. } => RetryAdvice::DoNotRetry,
        }
    }

    /// The provider this error concerns.
    pub fn provider(&self) -> Option<Provider> {
        match self {
            Self::InvalidInput(_) => None,
            Self::Unsupported { provider, .. }
            | Self::InvalidConfiguration { provider, .. }
            | Self::Rejected { provider, .. }
            | Self::Conflict { provider, .. }
            | Self::Unauthorized { provider, .. }
            | Self::CredentialUnavailable { provider, .. }
            | Self::RateLimited { provider, .. }
            | Self::Unavailable { provider, .. }
            | Self::ServerError { provider, .. }
            | Self::Transport { provider, .. }
            | Self::OutcomeUnknown { provider, .. }
            | Self::UnexpectedResponse { provider, .. } => Some(*provider),
        }
    }

    /// The provider's own codes carried by this error (e.g. `["ER085"]`), in the order given.
    pub fn provider_codes(&self) -> Vec<&str> {
        self.problems()
            .iter()
            .filter_map(|p| p.code.as_deref())
            .collect()
    }

    /// The provider's problems carried by this error (empty for kinds that have none).
    pub fn problems(&self) -> &[ProviderProblem] {
        match self {
            Self::Rejected { problems, .. }
            | Self::Conflict { problems, .. }
            | Self::Unauthorized { problems, .. }
            | Self::ServerError { problems, .. } => problems,
            _ => &[],
        }
    }
}

/// The kind of an [`OnboardingError`], without its data: one value per variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`OnboardingError::InvalidInput`].
    InvalidInput,
    /// [`OnboardingError::Unsupported`].
    Unsupported,
    /// [`OnboardingError::InvalidConfiguration`].
    InvalidConfiguration,
    /// [`OnboardingError::Rejected`].
    Rejected,
    /// [`OnboardingError::Conflict`].
    Conflict,
    /// [`OnboardingError::Unauthorized`].
    Unauthorized,
    /// [`OnboardingError::CredentialUnavailable`].
    CredentialUnavailable,
    /// [`OnboardingError::RateLimited`].
    RateLimited,
    /// [`OnboardingError::Unavailable`].
    Unavailable,
    /// [`OnboardingError::ServerError`].
    ServerError,
    /// [`OnboardingError::Transport`].
    Transport,
    /// [`OnboardingError::OutcomeUnknown`].
    OutcomeUnknown,
    /// [`OnboardingError::UnexpectedResponse`].
    UnexpectedResponse,
}

impl ErrorKind {
    /// A stable snake_case name, e.g. `"rate_limited"`, for logs and metrics.
    pub const fn name(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid_input",
            Self::Unsupported => "unsupported",
            Self::InvalidConfiguration => "invalid_configuration",
            Self::Rejected => "rejected",
            Self::Conflict => "conflict",
            Self::Unauthorized => "unauthorized",
            Self::CredentialUnavailable => "credential_unavailable",
            Self::RateLimited => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::ServerError => "server_error",
            Self::Transport => "transport",
            Self::OutcomeUnknown => "outcome_unknown",
            Self::UnexpectedResponse => "unexpected_response",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a failed request may be sent again, as the operation and its idempotence allow.
///
/// The rule:
/// - **Nothing was applied** (429, 503, a connection that failed before the request left): the
///   same request may be sent again: [`RetrySafe`](Self::RetrySafe), after the provider's
///   `Retry-After` when it gave one.
/// - **It may have been applied** (a 5xx other than 503, no answer, or a success answer whose id
///   could not be read): for an operation a resend cannot apply twice — BTC Direct's `PATCH`, and a
///   Bitpanda create carrying an `external_id` (Bitpanda answers 409 to a second user with the
///   same `external_id`) — [`RetrySafe`](Self::RetrySafe); for any other create
///   [`ReconcileFirst`](Self::ReconcileFirst): the user may exist, so find out before creating it
///   again.
/// - **The provider refused it** (invalid input, 4xx, a conflict, refused credentials, an
///   unsupported operation, a bad configuration): [`DoNotRetry`](Self::DoNotRetry) as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryAdvice {
    /// Sending the same request again cannot apply it twice: retry (after `retry_after`, if any).
    RetrySafe,
    /// The request may already have been applied: check whether the user exists (for example
    /// with the provider's support or back office, or your own records of its webhooks) before
    /// sending it again.
    ReconcileFirst,
    /// Sending the same request again would fail the same way: change the request, the
    /// credential or the configuration first.
    DoNotRetry,
}

/// `problems` joined for one line of text.
fn joined(problems: &[ProviderProblem]) -> String {
    if problems.is_empty() {
        return "no details".into();
    }
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl fmt::Display for OnboardingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidInput(report) => write!(f, "invalid user, nothing was sent:\n{report}"),
            Self::Unsupported {
                provider,
                operation,
            } => {
                write!(f, "{provider} does not support {operation}")
            }
            Self::InvalidConfiguration { provider, reason } => {
                write!(f, "{provider}: invalid configuration: {reason}")
            }
            Self::Rejected {
                provider,
                status,
                problems,
            } => write!(
                f,
                "{provider} rejected the request ({status}): {}",
                joined(problems)
            ),
            Self::Conflict { provider, problems } => {
                write!(
                    f,
                    "{provider}: the user already exists (409): {}",
                    joined(problems)
                )
            }
            Self::Unauthorized {
                provider,
                status,
                problems,
            } => write!(
                f,
                "{provider} refused the credentials ({status}): {}",
                joined(problems)
            ),
            Self::CredentialUnavailable { provider, error } => {
                write!(f, "{provider}: no credential, nothing was sent: {error}")
            }
            Self::RateLimited {
                provider,
                retry_after,
                attempts,
            } => write!(
                f,
                "{provider} rate limited the request after {attempts} attempt(s){}",
                retry_after
                    .map(|d| format!("; retry after {} s", d.as_secs()))
                    .unwrap_or_default()
            ),
            Self::Unavailable {
                provider,
                retry_after,
                attempts,
            } => write!(
                f,
                "{provider} is unavailable (503) after {attempts} attempt(s){}",
                retry_after
                    .map(|d| format!("; retry after {} s", d.as_secs()))
                    .unwrap_or_default()
            ),
            Self::ServerError {
                provider,
                operation,
                status,
                problems,
                ..
            } => write!(
                f,
                "{provider} {operation} failed ({status}): {}",
                joined(problems)
            ),
            Self::Transport {
                provider,
                attempts,
                detail,
                ..
            } => write!(
                f,
                "could not reach {provider} after {attempts} attempt(s): {detail}"
            ),
            Self::OutcomeUnknown {
                provider,
                operation,
                attempts,
                detail,
                advice,
                ..
            } => write!(
                f,
                "{provider} {operation}: outcome unknown after {attempts} attempt(s) ({detail}); {}",
                match advice {
                    RetryAdvice::RetrySafe => "sending it again cannot apply it twice",
                    _ => "check whether the user exists before trying again",
                }
            ),
            Self::UnexpectedResponse {
                provider,
                status,
                excerpt,
            } => write!(
                f,
                "{provider} answered off-spec (status {}): {excerpt}",
                status.map_or_else(|| "unknown".to_owned(), |s| s.to_string())
            ),
        }
    }
}

impl std::error::Error for OnboardingError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::CredentialUnavailable { error, .. } => Some(error),
            Self::Transport {
                source: Some(source),
                ..
            }
            | Self::OutcomeUnknown {
                source: Some(source),
                ..
            } => Some(source),
            _ => None,
        }
    }
}

impl From<ValidationReport> for OnboardingError {
    fn from(report: ValidationReport) -> Self {
        Self::InvalidInput(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems() -> Vec<ProviderProblem> {
        Vec::new()
    }

    /// One error of each kind, with the advice it must give.
    fn every_kind() -> Vec<(OnboardingError, ErrorKind, RetryAdvice)> {
        let provider = Provider::Bitpanda;
        let operation = Operation::CreateUser;
        vec![
            (
                OnboardingError::InvalidInput(ValidationReport::new(provider)),
                ErrorKind::InvalidInput,
                RetryAdvice::DoNotRetry,
            ),
            (
                OnboardingError::Unsupported {
                    provider,
                    operation,
                },
                ErrorKind::Unsupported,
                RetryAdvice::DoNotRetry,
            ),
            (
                OnboardingError::InvalidConfiguration {
                    provider,
                    reason: "r".into(),
                },
                ErrorKind::InvalidConfiguration,
                RetryAdvice::DoNotRetry,
            ),
            (
                OnboardingError::Rejected {
                    provider,
                    status: 422,
                    problems: problems(),
                },
                ErrorKind::Rejected,
                RetryAdvice::DoNotRetry,
            ),
            (
                OnboardingError::Conflict {
                    provider,
                    problems: problems(),
                },
                ErrorKind::Conflict,
                RetryAdvice::DoNotRetry,
            ),
            (
                OnboardingError::Unauthorized {
                    provider,
                    status: 401,
                    problems: problems(),
                },
                ErrorKind::Unauthorized,
                RetryAdvice::DoNotRetry,
            ),
            (
                OnboardingError::CredentialUnavailable {
                    provider,
                    error: TokenError::Unreachable {
                        detail: "connection failed".into(),
                    },
                },
                ErrorKind::CredentialUnavailable,
                RetryAdvice::RetrySafe,
            ),
            (
                OnboardingError::CredentialUnavailable {
                    provider,
                    error: TokenError::Refused {
                        status: 401,
                        codes: vec!["invalid_client".into()],
                    },
                },
                ErrorKind::CredentialUnavailable,
                RetryAdvice::DoNotRetry,
            ),
            (
                OnboardingError::RateLimited {
                    provider,
                    retry_after: None,
                    attempts: 3,
                },
                ErrorKind::RateLimited,
                RetryAdvice::RetrySafe,
            ),
            (
                OnboardingError::Unavailable {
                    provider,
                    retry_after: None,
                    attempts: 3,
                },
                ErrorKind::Unavailable,
                RetryAdvice::RetrySafe,
            ),
            (
                OnboardingError::ServerError {
                    provider,
                    operation,
                    advice: RetryAdvice::ReconcileFirst,
                    status: 500,
                    problems: problems(),
                },
                ErrorKind::ServerError,
                RetryAdvice::ReconcileFirst,
            ),
            (
                OnboardingError::Transport {
                    provider,
                    attempts: 3,
                    detail: "connection failed".into(),
                    source: None,
                },
                ErrorKind::Transport,
                RetryAdvice::RetrySafe,
            ),
            (
                OnboardingError::OutcomeUnknown {
                    provider,
                    operation,
                    advice: RetryAdvice::RetrySafe,
                    attempts: 3,
                    detail: "timed out".into(),
                    source: None,
                },
                ErrorKind::OutcomeUnknown,
                RetryAdvice::RetrySafe,
            ),
            (
                OnboardingError::UnexpectedResponse {
                    provider,
                    status: Some(202),
                    excerpt: "x".into(),
                },
                ErrorKind::UnexpectedResponse,
                RetryAdvice::ReconcileFirst,
            ),
            (
                OnboardingError::UnexpectedResponse {
                    provider,
                    status: Some(307),
                    excerpt: "x".into(),
                },
                ErrorKind::UnexpectedResponse,
                RetryAdvice::DoNotRetry,
            ),
        ]
    }

    #[test]
    fn an_unexpected_response_shows_the_same_masked_excerpt_in_display_and_debug() {
        let body = br#"{"error":"user Giorgos Papadopoulos at Ermou 25 Athens exists"}"#;
        let excerpt = crate::excerpt::masked_excerpt(Some("application/json"), body);
        let error = OnboardingError::UnexpectedResponse {
            provider: Provider::Wealthyhood,
            status: Some(200),
            excerpt: excerpt.clone(),
        };
        let shown = [
            error.to_string(),
            format!("{error:?}"),
            format!("{error:#?}"),
        ];
        assert!(shown[0].ends_with(&excerpt), "{}", shown[0]);
        for text in &shown[1..] {
            assert!(text.contains(&format!("{excerpt:?}")), "{text}");
        }
        for text in &shown {
            for word in ["Giorgos", "Papadopoulos", "Ermou", "25", "Athens"] {
                assert!(!text.contains(word), "{word} in {text}");
            }
        }
    }

    #[test]
    fn every_kind_has_its_advice_and_a_distinct_snake_case_name() {
        let mut names = std::collections::BTreeSet::new();
        for (error, kind, advice) in every_kind() {
            assert_eq!(error.kind(), kind, "{error:?}");
            assert_eq!(error.retry_advice(), advice, "{error:?}");
            let name = kind.name();
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{name}"
            );
            assert_eq!(kind.to_string(), name);
            names.insert(name);
            if !matches!(error, OnboardingError::InvalidInput(_)) {
                assert_eq!(error.provider(), Some(Provider::Bitpanda));
            }
        }
        assert_eq!(names.len(), 13, "one name per kind: {names:?}");
    }
}
