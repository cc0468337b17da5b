//! The request builder every mapping shares: values converted into the generated types, each
//! refusal recorded as a violation.

use std::fmt::Display;

use crate::provider::Provider;
use crate::validation::{NO_PROVIDER_FIELD, ValidationReport, Violation};

/// Gathers the values of one request; a conversion the generated types refuse is recorded as a
/// violation.
pub(super) struct Builder {
    report: ValidationReport,
}

impl Builder {
    pub(super) fn new(provider: Provider) -> Self {
        Self {
            report: ValidationReport::new(provider),
        }
    }

    /// The converted value, or `None` after recording why the generated type refused it. The
    /// generated types' messages name the broken constraint (pattern, length, enum), never the value.
    pub(super) fn convert<T, E: Display>(
        &mut self,
        field: &str,
        provider_field: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.report.push(Violation::new(
                    field,
                    provider_field,
                    format!(
                        "refused by the generated {} type: {error}",
                        self.report.provider
                    ),
                ));
                None
            }
        }
    }

    /// [`convert`](Self::convert) of an optional value: `None` stays `None`, a present value is
    /// converted (or recorded as refused).
    pub(super) fn convert_present<V, T, E: Display>(
        &mut self,
        field: &str,
        provider_field: &str,
        value: Option<V>,
        conversion: impl FnOnce(V) -> Result<T, E>,
    ) -> Option<T> {
        value.and_then(|value| self.convert(field, provider_field, conversion(value)))
    }

    /// A value validation has already required; recorded as missing if it is not there after all.
    pub(super) fn require<T>(
        &mut self,
        field: &str,
        provider_field: &str,
        value: Option<T>,
    ) -> Option<T> {
        if value.is_none() {
            self.report
                .push(Violation::new(field, provider_field, "is required"));
        }
        value
    }

    /// The request built by `build` when nothing was recorded, otherwise the report.
    pub(super) fn finish<T>(
        self,
        build: impl FnOnce() -> Option<T>,
    ) -> Result<T, ValidationReport> {
        if !self.report.is_empty() {
            return Err(self.report);
        }
        match build() {
            Some(request) => Ok(request),
            // Every `None` above recorded a violation, so this arm is not reached; it exists so
            // that no path can panic.
            None => {
                let mut report = self.report;
                report.push(Violation::new(
                    NO_PROVIDER_FIELD,
                    NO_PROVIDER_FIELD,
                    "the request could not be built",
                ));
                Err(report)
            }
        }
    }
}

/// `Some(value)` unless it is blank: a blank optional string is not sent.
pub(super) fn non_blank(value: &str) -> Option<String> {
    (!value.trim().is_empty()).then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitpanda_client::types::BitpandaPhone;

    #[test]
    fn a_refused_conversion_becomes_a_violation_without_the_value() {
        let mut builder = Builder::new(Provider::Bitpanda);
        let phone = builder.convert("phone", "phone", BitpandaPhone::try_from("0030 secret 555"));
        assert!(phone.is_none());
        let report = builder
            .finish(|| phone.map(|_| ()))
            .expect_err("a refused conversion is an error");
        assert_eq!(report.violations.len(), 1);
        let violation = &report.violations[0];
        assert_eq!(
            (violation.field.as_str(), violation.provider_field.as_str()),
            ("phone", "phone")
        );
        assert!(
            violation
                .reason
                .starts_with("refused by the generated bitpanda type: "),
            "{violation}"
        );
        assert!(!violation.reason.contains("secret"), "{violation}");
    }

    #[test]
    fn a_missing_required_value_is_a_violation() {
        let mut builder = Builder::new(Provider::Wealthyhood);
        let date = builder.require::<u8>("date_of_birth", "dateOfBirth", None);
        let report = builder.finish(|| date).expect_err("missing");
        assert_eq!(
            report.to_string(),
            "the user is not valid for wealthyhood: 1 problem\n  - date_of_birth (dateOfBirth): is required"
        );
    }

    #[test]
    fn blank_optional_strings_are_not_sent() {
        assert_eq!(non_blank(" "), None);
        assert_eq!(non_blank("12a"), Some("12a".to_owned()));
    }
}
