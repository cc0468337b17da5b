//! How one send ended, in the ledger's terms: what a row records, never a personal value.

use crate::state::State;

/// The end of one attempt to create (or update) a user, as the ledger records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Created; the provider's id for the user.
    Created {
        /// The provider's id.
        provider_id: String,
    },
    /// The user exists at the provider (proved by its conflict on a safe resend).
    ConfirmedExisting,
    /// Refused: by validation (nothing sent) or by the provider.
    Rejected(Problem),
    /// Nothing was applied; send again no earlier than `retry_at` (Unix milliseconds).
    RetryLater {
        /// What went wrong.
        problem: Problem,
        /// The earliest time to send again, in Unix milliseconds.
        retry_at: i64,
    },
    /// May have been applied, and nothing proves either way.
    InDoubt(Problem),
}

/// What is kept of a failure: its kind, the provider's codes, the names of the fields at fault.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Problem {
    /// A stable snake_case kind (`rate_limited`, `invalid_input`, `not_json`, `lease_expired`, …).
    pub kind: String,
    /// The provider's own codes, in order.
    pub codes: Vec<String>,
    /// Field names (never values).
    pub fields: Vec<String>,
}

impl Problem {
    /// A problem of `kind` with no codes or fields.
    pub fn kind(kind: &str) -> Self {
        Self {
            kind: kind.to_owned(),
            ..Self::default()
        }
    }
}

impl Outcome {
    /// The state a row takes with this outcome.
    pub fn state(&self) -> State {
        match self {
            Outcome::Created { .. } => State::Created,
            Outcome::ConfirmedExisting => State::ConfirmedExisting,
            Outcome::Rejected(_) => State::Rejected,
            Outcome::RetryLater { .. } => State::RetryLater,
            Outcome::InDoubt(_) => State::InDoubt,
        }
    }

    /// The problem carried, if any.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Outcome::Rejected(problem)
            | Outcome::RetryLater { problem, .. }
            | Outcome::InDoubt(problem) => Some(problem),
            Outcome::Created { .. } | Outcome::ConfirmedExisting => None,
        }
    }
}
