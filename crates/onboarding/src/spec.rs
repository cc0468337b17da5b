//! What an operation is, for the retry loop: its provider, its name, and whether sending it
//! again provably cannot apply it twice.

use crate::error::{OnboardingError, RetryAdvice};
use crate::provider::{Operation, Provider};

/// What is being called: the provider, the operation, and whether sending it again provably
/// cannot apply it twice (BTC Direct's `PATCH`; a Bitpanda create with an `external_id`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallSpec {
    pub(crate) provider: Provider,
    pub(crate) operation: Operation,
    pub(crate) idempotent: bool,
}

impl CallSpec {
    /// The advice for an attempt that may have been applied.
    pub(crate) fn maybe_applied_advice(self) -> RetryAdvice {
        if self.idempotent {
            RetryAdvice::RetrySafe
        } else {
            RetryAdvice::ReconcileFirst
        }
    }

    /// An [`OnboardingError::OutcomeUnknown`] for this call.
    pub(crate) fn outcome_unknown(
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
