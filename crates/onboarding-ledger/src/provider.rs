//! The providers the ledger knows, by their stable names.

use std::fmt;
use std::str::FromStr;

/// A provider, as stored in the ledger's `provider` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// Bitpanda (creates users; an `external_id` makes a resend safe).
    Bitpanda,
    /// Wealthyhood (creates users; no documented lookup).
    Wealthyhood,
    /// BTC Direct (updates users; its `PATCH` is idempotent).
    BtcDirect,
}

impl Provider {
    /// Every provider.
    pub const ALL: [Provider; 3] = [
        Provider::Bitpanda,
        Provider::Wealthyhood,
        Provider::BtcDirect,
    ];

    /// The stable lower-case name (`bitpanda`, `wealthyhood`, `btcdirect`).
    pub fn name(self) -> &'static str {
        match self {
            Provider::Bitpanda => "bitpanda",
            Provider::Wealthyhood => "wealthyhood",
            Provider::BtcDirect => "btcdirect",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Provider {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Provider::ALL
            .into_iter()
            .find(|provider| provider.name() == name)
            .ok_or_else(|| format!("unknown provider {name:?} (bitpanda, wealthyhood, btcdirect)"))
    }
}
