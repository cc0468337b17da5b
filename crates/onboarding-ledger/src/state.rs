//! The states of a ledger row and the transitions between them.

use std::fmt;
use std::str::FromStr;

/// Where one (provider, key) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// Loaded, never sent.
    Pending,
    /// Claimed by a live worker under a lease; committed **before** the request is sent.
    InFlight,
    /// The provider created the user and gave its id.
    Created,
    /// The user exists at the provider: a resend met the provider's proof of an earlier create.
    ConfirmedExisting,
    /// Refused (by validation or by the provider): provider codes and field names are kept.
    Rejected,
    /// Nothing was applied (429, 503, not sent): may be sent again after `retry_at`.
    RetryLater,
    /// The request may have been applied and nothing proves either way: never resent blindly.
    InDoubt,
}

impl State {
    /// Every state, in the order of the lifecycle.
    pub const ALL: [State; 7] = [
        State::Pending,
        State::InFlight,
        State::Created,
        State::ConfirmedExisting,
        State::Rejected,
        State::RetryLater,
        State::InDoubt,
    ];

    /// The stable name stored in the ledger and printed by `onboard report`.
    pub fn name(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::InFlight => "in_flight",
            State::Created => "created",
            State::ConfirmedExisting => "confirmed_existing",
            State::Rejected => "rejected",
            State::RetryLater => "retry_later",
            State::InDoubt => "in_doubt",
        }
    }

    /// Whether a batch is done with the row: created, confirmed_existing, rejected or in_doubt
    /// (the last one waits for a person or `onboard reconcile`).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            State::Created | State::ConfirmedExisting | State::Rejected | State::InDoubt
        )
    }

    /// Whether the code may move a row from `self` to `next`.
    ///
    /// - `pending` and `retry_later` → `in_flight` (a claim; `pending` → `rejected` too, for a
    ///   line refused before sending);
    /// - `in_flight` → `created` | `confirmed_existing` | `rejected` | `retry_later` |
    ///   `in_doubt` (an outcome, or an expired lease);
    /// - `in_doubt` → `in_flight` (a reconciliation resend, only where the provider makes it
    ///   safe) or to an outcome the same worker learned after its lease ran out.
    ///
    /// Nothing leaves `created`, `confirmed_existing` or `rejected`.
    pub fn can_become(self, next: State) -> bool {
        use State::*;
        matches!(
            (self, next),
            (Pending, InFlight | Rejected)
                | (RetryLater, InFlight)
                | (
                    InFlight,
                    Created | ConfirmedExisting | Rejected | RetryLater | InDoubt
                )
                | (InDoubt, InFlight | Created | ConfirmedExisting | Rejected)
        )
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A state name that is not one of [`State::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownState(pub String);

impl fmt::Display for UnknownState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = State::ALL.iter().map(|s| s.name()).collect();
        write!(
            f,
            "unknown state {:?} (one of {})",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownState {}

impl FromStr for State {
    type Err = UnknownState;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        State::ALL
            .into_iter()
            .find(|state| state.name() == name)
            .ok_or_else(|| UnknownState(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::State::{self, *};

    #[test]
    fn names_round_trip() {
        for state in State::ALL {
            assert_eq!(state.name().parse::<State>(), Ok(state));
        }
        assert!("done".parse::<State>().is_err());
    }

    #[test]
    fn the_allowed_transitions_are_exactly_these() {
        let allowed = [
            (Pending, InFlight),
            (Pending, Rejected),
            (RetryLater, InFlight),
            (InFlight, Created),
            (InFlight, ConfirmedExisting),
            (InFlight, Rejected),
            (InFlight, RetryLater),
            (InFlight, InDoubt),
            (InDoubt, InFlight),
            (InDoubt, Created),
            (InDoubt, ConfirmedExisting),
            (InDoubt, Rejected),
        ];
        for from in State::ALL {
            for to in State::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn final_states() {
        let finals: Vec<State> = State::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(finals, [Created, ConfirmedExisting, Rejected, InDoubt]);
    }
}
