//! What may be done about an `in_doubt` row, with what each provider documents:
//!
//! - **Bitpanda with an `external_id`**: resending is safe. Bitpanda refuses a second user with
//!   the same `external_id` with 409, so a conflict on the resend proves the earlier attempt
//!   created the user (`confirmed_existing`), and a 201 that it had not (`created`).
//! - **BTC Direct**: its `PATCH` is idempotent, so the update is sent again.
//! - **Wealthyhood, and Bitpanda without an `external_id`**: no documented lookup. The row stays
//!   `in_doubt` and is listed for a person (key, provider, when, the last error kind): the tool
//!   never guesses.

use crate::provider::Provider;

/// What reconciliation does with an `in_doubt` row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Send the same request again; the provider's answer settles it.
    Resend,
    /// Leave it in doubt, listed for a person.
    LeaveForAPerson,
}

/// The rule for a row of `provider` whose body does (or does not) carry an `external_id`.
pub fn rule(provider: Provider, has_external_id: bool) -> Rule {
    match provider {
        Provider::Bitpanda if has_external_id => Rule::Resend,
        Provider::BtcDirect => Rule::Resend,
        Provider::Bitpanda | Provider::Wealthyhood => Rule::LeaveForAPerson,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_per_provider() {
        assert_eq!(rule(Provider::Bitpanda, true), Rule::Resend);
        assert_eq!(rule(Provider::Bitpanda, false), Rule::LeaveForAPerson);
        assert_eq!(rule(Provider::Wealthyhood, true), Rule::LeaveForAPerson);
        assert_eq!(rule(Provider::Wealthyhood, false), Rule::LeaveForAPerson);
        assert_eq!(rule(Provider::BtcDirect, false), Rule::Resend);
    }
}
