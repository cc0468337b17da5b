//! What a successful call returns, and how the attempt loop's result becomes it.
//!
//! A create ends in exactly one of: [`CreatedUser::Created`] (this call created the user and the
//! provider gave its id), [`CreatedUser::ConfirmedExisting`] (an unanswered earlier attempt of this
//! call created it, as a conflict on the retry proves), or an [`OnboardingError`] whose
//! [`retry_advice`](OnboardingError::retry_advice) says whether sending it again is safe.

use serde_json::Value;

use crate::call::{CallResult, Failure};
use crate::classify::{OffSpecSuccess, Success, too_large};
use crate::error::{OnboardingError, RetryAdvice};
use crate::excerpt::masked_excerpt;
use crate::provider::Provider;
use crate::spec::CallSpec;

/// How a create ended well.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CreatedUser {
    /// This call created the user, and the provider gave its id.
    Created {
        /// The provider that created the user.
        provider: Provider,
        /// The provider's id for the new user.
        id: String,
        /// Attempts made, the successful one included.
        attempts: u32,
        /// `true` when the provider answered with a success status but a body off its spec, and
        /// the id was read leniently from it. The user exists: do not create it again.
        off_spec: bool,
    },
    /// An earlier attempt of this call went unanswered and created the user: the retry met the
    /// provider's conflict for the same key (Bitpanda's `external_id`). The user exists; its id
    /// was never seen by this call (find it by that key).
    ConfirmedExisting {
        /// The provider that holds the user.
        provider: Provider,
        /// Attempts made, the conflicting one included.
        attempts: u32,
    },
}

impl CreatedUser {
    /// The provider that holds the user.
    pub fn provider(&self) -> Provider {
        match self {
            Self::Created { provider, .. } | Self::ConfirmedExisting { provider, .. } => *provider,
        }
    }

    /// The provider's id for the user, when this call saw it.
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::Created { id, .. } => Some(id),
            Self::ConfirmedExisting { .. } => None,
        }
    }

    /// Attempts made.
    pub fn attempts(&self) -> u32 {
        match self {
            Self::Created { attempts, .. } | Self::ConfirmedExisting { attempts, .. } => *attempts,
        }
    }
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

/// Where a provider's create answer carries the new user's id, as a JSON pointer.
fn id_pointer(provider: Provider) -> &'static str {
    match provider {
        Provider::Bitpanda => "/data/id",
        Provider::Wealthyhood | Provider::BtcDirect => "/id",
    }
}

/// The new user's id from a create answer that did not decode strictly: any JSON with a
/// non-empty string (or a number) where the provider puts the id.
pub(crate) fn lenient_id(provider: Provider, body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    match value.pointer(id_pointer(provider))? {
        Value::String(id) if !id.trim().is_empty() => Some(id.clone()),
        Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

/// The end of a create, from the attempt loop's result; `typed_id` reads the id of a decoded answer.
pub(crate) fn created<T>(
    spec: CallSpec,
    result: CallResult<Success<T>>,
    typed_id: impl FnOnce(T) -> String,
) -> Result<CreatedUser, OnboardingError> {
    let provider = spec.provider;
    match result {
        Ok((Success::Decoded(response), attempts)) => Ok(CreatedUser::Created {
            provider,
            id: typed_id(response.into_inner()),
            attempts,
            off_spec: false,
        }),
        Ok((Success::OffSpec(answer), attempts)) => off_spec_created(spec, answer, attempts),
        Err(Failure {
            error: OnboardingError::Conflict { .. },
            attempts,
            earlier_maybe_applied: true,
        }) if spec.idempotent => Ok(CreatedUser::ConfirmedExisting { provider, attempts }),
        // An earlier attempt may have created the user: whatever the last attempt met (429,
        // 503, 422…), the outcome is unknown. (A last 5xx or silence says so itself.)
        Err(Failure {
            error,
            attempts,
            earlier_maybe_applied: true,
        }) if !matches!(
            error,
            OnboardingError::OutcomeUnknown { .. } | OnboardingError::ServerError { .. }
        ) =>
        {
            Err(spec.outcome_unknown(
                attempts,
                format!(
                    "an earlier attempt may have been applied; the last one ended {}",
                    error.kind()
                ),
                None,
            ))
        }
        Err(failure) => Err(failure.error),
    }
}

/// A create answered with a success status and a body off the spec: created, with the id read
/// leniently; or, when no id can be read, an outcome to reconcile (never "not created").
fn off_spec_created(
    spec: CallSpec,
    answer: OffSpecSuccess,
    attempts: u32,
) -> Result<CreatedUser, OnboardingError> {
    let provider = spec.provider;
    let status = answer.status;
    let id = if answer.truncated {
        None
    } else {
        lenient_id(provider, &answer.body)
    };
    match id {
        Some(id) => {
            tracing::warn!(%provider, operation = %spec.operation, status, "created, but the answer was off-spec; id read leniently");
            Ok(CreatedUser::Created {
                provider,
                id,
                attempts,
                off_spec: true,
            })
        }
        None => {
            let why = if answer.truncated {
                too_large()
            } else {
                "no id could be read from the body".to_owned()
            };
            Err(OnboardingError::OutcomeUnknown {
                provider,
                operation: spec.operation,
                advice: RetryAdvice::ReconcileFirst,
                attempts,
                detail: format!("answered {status}, so the user was probably created, but {why}"),
                source: None,
            })
        }
    }
}

/// The end of an update, from the attempt loop's result. An update's answer body is not used, so a
/// success status with an off-spec body is reported as such, with its status.
pub(crate) fn updated<T>(
    spec: CallSpec,
    result: CallResult<Success<T>>,
) -> Result<UpdatedUser, OnboardingError> {
    match result {
        Ok((Success::Decoded(response), attempts)) => Ok(UpdatedUser {
            provider: spec.provider,
            status: response.status().as_u16(),
            attempts,
        }),
        Ok((Success::OffSpec(answer), _)) => Err(OnboardingError::UnexpectedResponse {
            provider: spec.provider,
            status: Some(answer.status),
            excerpt: if answer.truncated {
                too_large()
            } else {
                masked_excerpt(answer.content_type.as_deref(), &answer.body)
            },
        }),
        Err(failure) => Err(failure.error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_leniently_where_each_provider_puts_them() {
        let bitpanda = br#"{"data": {"id": "bp-7", "unexpected": [1]}, "extra": true}"#;
        assert_eq!(
            lenient_id(Provider::Bitpanda, bitpanda).as_deref(),
            Some("bp-7")
        );
        let wealthyhood = br#"{"id": "not-an-object-id", "email": 3}"#;
        assert_eq!(
            lenient_id(Provider::Wealthyhood, wealthyhood).as_deref(),
            Some("not-an-object-id")
        );
        assert_eq!(
            lenient_id(Provider::Bitpanda, br#"{"data": {"id": 42}}"#).as_deref(),
            Some("42")
        );
        for unreadable in [
            &br#"{"data": {}}"#[..],
            br#"{"data": {"id": " "}}"#,
            br#"{"data": {"id": null}}"#,
            b"<html>created</html>",
            b"",
        ] {
            assert_eq!(lenient_id(Provider::Bitpanda, unreadable), None);
        }
    }
}
