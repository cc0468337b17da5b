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
//! | [`ServerError`](OnboardingError::ServerError) | try later or contact the provider |
//! | [`Transport`](OnboardingError::Transport) | nothing reached the provider; safe to try again |
//! | [`OutcomeUnknown`](OnboardingError::OutcomeUnknown) | reconcile before creating again: the user may exist |
//! | [`UnexpectedResponse`](OnboardingError::UnexpectedResponse) | report it; the provider answered off-spec |
//!
//! No variant holds personal data or credentials: provider problems carry the provider's code,
//! its message and the field concerned; unexpected bodies are cut short and masked.

use std::fmt;
use std::time::Duration;

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
    /// The provider failed (500 and other 5xx).
    ServerError {
        /// The provider.
        provider: Provider,
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
    },
    /// The request was sent but no answer came back (timeout, connection lost): the user may or
    /// may not have been created. Not retried blindly; see the crate docs for the rule.
    OutcomeUnknown {
        /// The provider.
        provider: Provider,
        /// The operation whose outcome is unknown.
        operation: Operation,
        /// Attempts made.
        attempts: u32,
        /// What failed.
        detail: String,
    },
    /// The provider answered in a way its spec does not describe.
    UnexpectedResponse {
        /// The provider.
        provider: Provider,
        /// The HTTP status, when known.
        status: Option<u16>,
        /// The start of the body, cut short, with digits and e-mail-like words masked.
        excerpt: String,
    },
}

impl OnboardingError {
    /// A stable, machine-readable name for the kind of error, e.g. `"rate_limited"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidInput(_) => "invalid_input",
            Self::Unsupported { .. } => "unsupported",
            Self::InvalidConfiguration { .. } => "invalid_configuration",
            Self::Rejected { .. } => "rejected",
            Self::Conflict { .. } => "conflict",
            Self::Unauthorized { .. } => "unauthorized",
            Self::CredentialUnavailable { .. } => "credential_unavailable",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable { .. } => "unavailable",
            Self::ServerError { .. } => "server_error",
            Self::Transport { .. } => "transport",
            Self::OutcomeUnknown { .. } => "outcome_unknown",
            Self::UnexpectedResponse { .. } => "unexpected_response",
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

    /// Whether trying the same request again later may succeed without changing it.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::Unavailable { .. }
                | Self::ServerError { .. }
                | Self::Transport { .. }
        )
    }
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
                status,
                problems,
            } => write!(f, "{provider} failed ({status}): {}", joined(problems)),
            Self::Transport {
                provider,
                attempts,
                detail,
            } => write!(
                f,
                "could not reach {provider} after {attempts} attempt(s): {detail}"
            ),
            Self::OutcomeUnknown {
                provider,
                operation,
                attempts,
                detail,
            } => write!(
                f,
                "{provider} {operation}: outcome unknown after {attempts} attempt(s) ({detail}); \
                 check whether the user exists before trying again"
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
            _ => None,
        }
    }
}

impl From<ValidationReport> for OnboardingError {
    fn from(report: ValidationReport) -> Self {
        Self::InvalidInput(report)
    }
}

/// The longest excerpt of an unexpected body kept in an error.
pub const EXCERPT_CHARS: usize = 120;

/// The start of `body` for an error message: at most [`EXCERPT_CHARS`] characters, on one line,
/// with runs of digits (of any script) shown as `#` and any word containing `@` shown as `***`, so phone numbers,
/// dates, ids and e-mail addresses do not leak into logs.
pub fn masked_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut words = Vec::new();
    let mut length = 0;
    for word in text.split_whitespace() {
        if length >= EXCERPT_CHARS {
            words.push("…".to_owned());
            break;
        }
        let masked = if word.contains('@') {
            "***".to_owned()
        } else {
            let mut out = String::new();
            for c in word.chars() {
                if c.is_numeric() {
                    if !out.ends_with('#') {
                        out.push('#');
                    }
                } else {
                    out.push(c);
                }
            }
            out
        };
        let room = EXCERPT_CHARS.saturating_sub(length);
        let cut: String = masked.chars().take(room).collect();
        length += cut.chars().count() + 1;
        words.push(cut);
    }
    if words.is_empty() {
        "(empty body)".into()
    } else {
        words.join(" ")
    }
}
