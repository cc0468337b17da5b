//! What validation finds: one [`Violation`] per broken rule, gathered in a [`ValidationReport`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::provider::Provider;

/// The `provider_field` of a violation that concerns no single field of the provider's body.
pub const NO_PROVIDER_FIELD: &str = "-";

/// One broken rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Path of the field in the neutral model, e.g. `address.postal_code` or `given_names[1]`.
    pub field: String,
    /// Path of the field in the provider's body, e.g. `postalCode`, or [`NO_PROVIDER_FIELD`].
    pub provider_field: String,
    /// What is wrong, in words that never include the value itself.
    pub reason: String,
}

impl Violation {
    /// A violation of `field` (sent as `provider_field`) for `reason`.
    pub fn new(
        field: impl Into<String>,
        provider_field: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            provider_field: provider_field.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.provider_field == NO_PROVIDER_FIELD {
            write!(f, "{}: {}", self.field, self.reason)
        } else {
            write!(
                f,
                "{} ({}): {}",
                self.field, self.provider_field, self.reason
            )
        }
    }
}

/// Every violation found in one user for one provider.
///
/// `Display` prints a heading and then one line per violation; it is also a
/// [`std::error::Error`], the error of the mapping functions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// The provider the user was checked for.
    pub provider: Provider,
    /// The violations, in the order the fields were checked.
    pub violations: Vec<Violation>,
}

impl ValidationReport {
    /// An empty report for `provider`.
    pub fn new(provider: Provider) -> Self {
        Self {
            provider,
            violations: Vec::new(),
        }
    }

    /// Whether no rule was broken.
    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    /// Adds a violation.
    pub fn push(&mut self, violation: Violation) {
        self.violations.push(violation);
    }

    /// `Ok(())` when empty, otherwise the report as an error.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.violations.len();
        let noun = if count == 1 { "problem" } else { "problems" };
        write!(
            f,
            "the user is not valid for {}: {count} {noun}",
            self.provider
        )?;
        for violation in &self.violations {
            write!(f, "\n  - {violation}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationReport {}
