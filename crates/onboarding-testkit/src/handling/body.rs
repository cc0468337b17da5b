//! Request bodies: JSON (or a form, for token requests) and the spec's verdict on them.

use serde_json::{Map, Value};

use super::Incoming;
use crate::errors::{Problem, btcdirect_field_code};
use crate::provider::Provider;
use crate::spec::schemas;

/// Whether the body is JSON and its schema (if the spec has one for `METHOD path`) accepts
/// it; else the provider's 4xx. Needs no state, so it runs before the fake's lock is taken.
pub(super) fn check_body(
    provider: Provider,
    incoming: &Incoming,
    json: Option<&Value>,
) -> Result<(), Problem> {
    let Some(body) = json.filter(|_| is_json(&incoming.headers)) else {
        return Err(not_json(provider));
    };
    let Some(validator) = schemas(provider).request(&incoming.method, &incoming.path) else {
        return Ok(());
    };
    if validator.is_valid(body) {
        return Ok(());
    }
    let errors: Vec<_> = validator.iter_errors(body).collect();
    Err(match provider {
        Provider::BtcDirect => {
            let mut codes: Vec<&'static str> = errors
                .iter()
                .map(|error| {
                    let path = error.instance_path().to_string();
                    let top = path.trim_start_matches('/').split('/').next().unwrap_or("");
                    match (top, error.kind()) {
                        ("", jsonschema::error::ValidationErrorKind::Required { property }) => {
                            btcdirect_field_code(property.as_str().unwrap_or(""), true)
                        }
                        (field, _) => btcdirect_field_code(field, false),
                    }
                })
                .collect();
            codes.sort_unstable();
            codes.dedup();
            Problem::btcdirect(codes)
        }
        _ => {
            let message = errors
                .iter()
                .map(|error| format!("{}: {}", error.instance_path(), error.masked()))
                .collect::<Vec<_>>()
                .join("; ");
            match provider {
                Provider::Wealthyhood => Problem::new(400, "VALIDATION_ERROR", message),
                _ => Problem::new(422, "validation_error", message),
            }
        }
    })
}

fn is_json(headers: &http::HeaderMap) -> bool {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
}

/// The body as JSON: parsed JSON, or a form's fields as a JSON object.
pub(super) fn parse_body(headers: &http::HeaderMap, body: &[u8]) -> Option<Value> {
    let form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        let fields: Map<String, Value> = form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        return Some(Value::Object(fields));
    }
    serde_json::from_slice(body).ok()
}

/// The provider's answer to a body that is not JSON.
pub(super) fn not_json(provider: Provider) -> Problem {
    match provider {
        Provider::BtcDirect => Problem::btcdirect(["ER999"]),
        Provider::Wealthyhood => Problem::new(400, "BAD_REQUEST", "The body is not JSON."),
        Provider::Bitpanda => Problem::new(400, "bad_request", "The body is not JSON."),
    }
}
