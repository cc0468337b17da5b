//! Error bodies in each provider's own shape.
//!
//! - Bitpanda: `{"errors": [{"status", "code", "title", "detail"}]}`;
//! - Wealthyhood: `{"message", "code"}`;
//! - BTC Direct: `{"errors": {"ER001": {"code", "message", "solution"}}}`, keyed by code, with the
//!   page's own message and solution for every documented code (read from the embedded spec's
//!   example of all documented errors).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde_json::{Map, Value, json};

use crate::provider::Provider;
use crate::spec::spec_document;

/// One problem to report: a status, a machine code and a message free of personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) status: u16,
    /// Bitpanda / Wealthyhood code (e.g. `duplicate_external_id`, `CONFLICT`); for BTC Direct
    /// the `ERnnn` codes.
    pub(crate) codes: Vec<String>,
    pub(crate) message: String,
}

impl Problem {
    pub(crate) fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            codes: vec![code.into()],
            message: message.into(),
        }
    }

    /// BTC Direct's answer for `codes` (HTTP 400, as the provider answers validation and token
    /// errors).
    pub(crate) fn btcdirect(codes: impl IntoIterator<Item = &'static str>) -> Self {
        Self {
            status: 400,
            codes: codes.into_iter().map(str::to_owned).collect(),
            message: String::new(),
        }
    }

    /// The body `provider` sends for this problem.
    pub(crate) fn body(&self, provider: Provider) -> Value {
        let first = self.codes.first().map(String::as_str).unwrap_or_default();
        match provider {
            Provider::Bitpanda => json!({"errors": [{
                "status": self.status.to_string(),
                "code": first,
                "title": reason_phrase(self.status),
                "detail": self.message,
            }]}),
            Provider::Wealthyhood => json!({"message": self.message, "code": first}),
            Provider::BtcDirect => {
                let errors: Map<String, Value> = self
                    .codes
                    .iter()
                    .map(|code| (code.clone(), btcdirect_entry(code, &self.message)))
                    .collect();
                json!({ "errors": errors })
            }
        }
    }
}

/// The body of an error whose `message` is the provider's own text for `code` (for BTC Direct,
/// with the page's solution when the code is documented), with the status it is sent with.
pub(crate) fn with_message(
    provider: Provider,
    status: u16,
    code: &str,
    message: &str,
) -> (u16, Value) {
    match provider {
        Provider::BtcDirect => {
            let solution = btcdirect_documented()
                .get(code)
                .and_then(|entry| entry.get("solution").cloned())
                .unwrap_or_else(|| "Contact our support team.".into());
            let entry = json!({"code": code, "message": message, "solution": solution});
            (400, json!({"errors": {code: entry}}))
        }
        _ => (status, Problem::new(status, code, message).body(provider)),
    }
}

/// One BTC Direct error entry: the page's message and solution when the code is documented.
fn btcdirect_entry(code: &str, fallback: &str) -> Value {
    match btcdirect_documented().get(code) {
        Some(entry) => entry.clone(),
        None => json!({
            "code": code,
            "message": if fallback.is_empty() { "A general error has occurred." } else { fallback },
            "solution": "Contact our support team.",
        }),
    }
}

/// Every error code BTC Direct's page documents for the update, with its entry.
pub(crate) fn btcdirect_documented() -> &'static BTreeMap<String, Value> {
    static CODES: LazyLock<BTreeMap<String, Value>> = LazyLock::new(|| {
        spec_document(Provider::BtcDirect)
            .pointer(
                "/paths/~1api~1v2~1user/patch/responses/400/content/application~1json/examples/allDocumentedErrors/value/errors",
            )
            .and_then(Value::as_object)
            .map(|errors| errors.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    });
    &CODES
}

/// The standard reason phrase of the statuses the kit answers.
pub(crate) fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// The BTC Direct code for a schema violation at `field` (a top-level property of the update),
/// as the page documents it; `missing` when the property was absent.
pub(crate) fn btcdirect_field_code(field: &str, missing: bool) -> &'static str {
    match (field, missing) {
        ("email", true) => "ER003",
        ("email", false) => "ER001",
        ("country", true) => "ER062",
        ("country", false) => "ER061",
        ("phoneNumber", _) => "ER059",
        ("businessCountry", _) => "ER064",
        ("websiteLanguage", _) => "ER081",
        ("websiteCountry", _) => "ER083",
        ("emailCode", _) => "ER090",
        ("chamberOfCommerce", _) => "ER121",
        ("businessName", _) => "ER125",
        ("firstName", _) => "ER126",
        ("lastName", _) => "ER127",
        ("address", _) => "ER181",
        ("addressNo", _) => "ER182",
        ("city", _) => "ER183",
        ("postalCode", _) => "ER184",
        _ => "ER999",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn btcdirect_codes_come_from_the_page() {
        let documented = btcdirect_documented();
        assert!(documented.len() >= 40, "{}", documented.len());
        let body = Problem::btcdirect(["ER803"]).body(Provider::BtcDirect);
        assert_eq!(
            body["errors"]["ER803"]["message"],
            "Multiple authorization methods used."
        );
    }

    #[test]
    fn every_field_code_is_documented() {
        for field in [
            "email",
            "country",
            "phoneNumber",
            "businessCountry",
            "websiteLanguage",
            "websiteCountry",
            "emailCode",
            "chamberOfCommerce",
            "businessName",
            "firstName",
            "lastName",
            "address",
            "addressNo",
            "city",
            "postalCode",
            "other",
        ] {
            for missing in [true, false] {
                let code = btcdirect_field_code(field, missing);
                assert!(btcdirect_documented().contains_key(code), "{code}");
            }
        }
    }
}
