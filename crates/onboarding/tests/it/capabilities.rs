//! `Provider::capabilities` against what the mapping functions really do.
//!
//! For every neutral leaf field of the fixtures, the test changes its value and compares the body
//! before and after: a field the capabilities list must change the body, and only at the provider
//! paths listed for it; a field they do not list must leave the body untouched. Removing a field
//! listed as required must produce a violation of exactly that field.

use std::collections::BTreeSet;

use onboarding::mapping::{bitpanda_request, btcdirect_request, wealthyhood_request};
use onboarding::validation::ValidationReport;
use onboarding::{Capabilities, NewUser, Operation, Provider, UserUpdate};
use serde_json::{Map, Value, json};

use crate::common::fixtures;

fn user_json() -> Value {
    serde_json::from_str(fixtures::USER_JSON).expect("fixtures/user.json is JSON")
}

fn update_json() -> Value {
    serde_json::from_str(fixtures::UPDATE_JSON).expect("fixtures/update.json is JSON")
}

fn parse<T: serde::de::DeserializeOwned>(neutral: &Value) -> T {
    serde_json::from_value(neutral.clone())
        .unwrap_or_else(|error| panic!("not a neutral document ({error}): {neutral}"))
}

/// The body `provider` receives for a neutral JSON document, or the report.
fn body(provider: Provider, neutral: &Value) -> Result<Value, ValidationReport> {
    let request = match provider {
        Provider::Bitpanda => serde_json::to_value(bitpanda_request(&parse(neutral))?),
        Provider::Wealthyhood => serde_json::to_value(wealthyhood_request(&parse(neutral))?),
        Provider::BtcDirect => serde_json::to_value(btcdirect_request(&parse(neutral))?),
    };
    Ok(request.expect("a request serialises"))
}

/// The neutral documents to vary for `provider`. Bitpanda's `tax` comes from the extension when
/// given and from `tax_residency` otherwise, so both shapes are exercised.
fn documents(provider: Provider) -> Vec<Value> {
    match provider {
        Provider::Bitpanda => {
            let mut with_own_tax = user_json();
            with_own_tax["bitpanda"]["tax"] = json!({"id": "GR-TAX-1", "residence": "GR"});
            vec![user_json(), with_own_tax]
        }
        Provider::Wealthyhood => vec![user_json()],
        Provider::BtcDirect => vec![update_json()],
    }
}

/// A different value of the same kind that every provider still accepts.
fn vary(value: &Value) -> Value {
    match value {
        Value::Bool(flag) => Value::Bool(!flag),
        Value::Number(number) => json!(number.as_i64().expect("integers only") + 1),
        Value::String(text) => Value::String(vary_text(text)),
        Value::Array(items) if items.len() > 1 => Value::Array(items[..items.len() - 1].to_vec()),
        Value::Array(items) => Value::Array(items.iter().map(vary).collect()),
        Value::Object(fields) if fields.len() > 1 => {
            let mut fields = fields.clone();
            let last = fields.keys().next_back().cloned().expect("not empty");
            fields.remove(&last);
            Value::Object(fields)
        }
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, item)| (key.clone(), vary(item)))
                .collect(),
        ),
        Value::Null => Value::Null,
    }
}

fn vary_text(text: &str) -> String {
    let bytes = text.as_bytes();
    let is_date = text.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-';
    if is_date || text.ends_with('Z') {
        // A date or date-time: the day moves from 0x to 1x.
        let mut varied = text.to_owned();
        varied.replace_range(8..9, "1");
        return varied;
    }
    match text {
        "el" => return "en".into(),
        "en" => return "el".into(),
        "investment_as_a_service" => return "bring_your_own_license".into(),
        _ => {}
    }
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase()) {
        return if text == "CY" { "DE" } else { "CY" }.into();
    }
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_lowercase()) {
        return "nl".into();
    }
    if text.starts_with('+') || (text.len() == 36 && text.matches('-').count() == 4) {
        // A phone number or a UUID: change the last digit.
        let last = if text.ends_with('0') { "1" } else { "0" };
        return format!("{}{last}", &text[..text.len() - 1]);
    }
    if text.contains('@') {
        return format!("x{text}");
    }
    format!("{text}x")
}

/// Dotted paths (with `[i]` for array items) where two JSON values differ.
fn differences(before: &Value, after: &Value, path: &str, out: &mut BTreeSet<String>) {
    match (before, after) {
        (Value::Object(left), Value::Object(right)) => {
            let keys: BTreeSet<&String> = left.keys().chain(right.keys()).collect();
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                differences(
                    left.get(key).unwrap_or(&Value::Null),
                    right.get(key).unwrap_or(&Value::Null),
                    &child,
                    out,
                );
            }
        }
        (Value::Array(left), Value::Array(right)) => {
            for index in 0..left.len().max(right.len()) {
                let item = |items: &Vec<Value>| items.get(index).cloned().unwrap_or(Value::Null);
                differences(&item(left), &item(right), &format!("{path}[{index}]"), out);
            }
        }
        // A missing object or array differs from a present one at each of its leaves.
        (Value::Null, Value::Object(_)) => differences(&json!({}), after, path, out),
        (Value::Object(_), Value::Null) => differences(before, &json!({}), path, out),
        (Value::Null, Value::Array(_)) => differences(&json!([]), after, path, out),
        (Value::Array(_), Value::Null) => differences(before, &json!([]), path, out),
        _ if before != after => {
            out.insert(path.to_owned());
        }
        _ => {}
    }
}

fn is_within(path: &str, prefix: &str) -> bool {
    path == prefix
        || path.starts_with(&format!("{prefix}."))
        || path.starts_with(&format!("{prefix}["))
}

/// Neutral leaf paths of `document`: objects are walked, except at a path the capabilities list
/// (a listed path is varied as a whole), and arrays are leaves.
fn leaves(
    document: &Map<String, Value>,
    prefix: &str,
    capabilities: &Capabilities,
    out: &mut Vec<String>,
) {
    for (key, value) in document {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(fields) if capabilities.field(&path).is_none() => {
                leaves(fields, &path, capabilities, out)
            }
            _ => out.push(path),
        }
    }
}

fn pointer(path: &str) -> String {
    format!("/{}", path.replace('.', "/"))
}

#[test]
fn operations_are_what_the_mapping_functions_offer() {
    // The mapping functions' signatures are the operations: a NewUser for the two that create, a
    // UserUpdate for the one that updates. Asking otherwise does not compile.
    let _: fn(&NewUser) -> Result<_, ValidationReport> = bitpanda_request;
    let _: fn(&NewUser) -> Result<_, ValidationReport> = wealthyhood_request;
    let _: fn(&UserUpdate) -> Result<_, ValidationReport> = btcdirect_request;
    assert_eq!(
        Provider::Bitpanda.capabilities().operations,
        &[Operation::CreateUser]
    );
    assert_eq!(
        Provider::Wealthyhood.capabilities().operations,
        &[Operation::CreateUser]
    );
    assert_eq!(
        Provider::BtcDirect.capabilities().operations,
        &[Operation::UpdateUser]
    );
    for provider in Provider::ALL {
        for operation in [Operation::CreateUser, Operation::UpdateUser] {
            assert_eq!(
                provider.supports(operation),
                provider.capabilities().operations.contains(&operation)
            );
        }
    }
}

#[test]
fn every_field_changes_the_body_exactly_where_the_capabilities_say() {
    for provider in Provider::ALL {
        let capabilities = provider.capabilities();
        let mut seen_changing = BTreeSet::new();
        for document in documents(provider) {
            let original = body(provider, &document).unwrap_or_else(|report| panic!("{report}"));
            let mut paths = Vec::new();
            leaves(
                document.as_object().expect("an object"),
                "",
                &capabilities,
                &mut paths,
            );
            for path in paths {
                let listed: Vec<&str> = capabilities
                    .fields
                    .iter()
                    .filter(|field| field.neutral == path)
                    .map(|field| field.provider)
                    .collect();
                if listed == ["-"] {
                    continue; // Steers the mapping (Bitpanda's mode); covered by the BYOL tests.
                }
                let mut varied = document.clone();
                let slot = varied
                    .pointer_mut(&pointer(&path))
                    .expect("the leaf exists");
                *slot = vary(slot);
                let after = body(provider, &varied).unwrap_or_else(|report| {
                    panic!("{provider}: varying {path} made the user invalid:\n{report}")
                });
                let mut changed = BTreeSet::new();
                differences(&original, &after, "", &mut changed);
                if listed.is_empty() {
                    assert!(
                        changed.is_empty(),
                        "{provider}: unlisted {path} reached the body at {changed:?}"
                    );
                } else {
                    for difference in &changed {
                        assert!(
                            listed.iter().any(|prefix| is_within(difference, prefix)),
                            "{provider}: {path} is listed as {listed:?} but changed {difference}"
                        );
                    }
                    if !changed.is_empty() {
                        seen_changing.insert(path);
                    }
                }
            }
        }
        for field in capabilities
            .fields
            .iter()
            .filter(|field| field.provider != "-")
        {
            assert!(
                seen_changing.contains(field.neutral),
                "{provider}: {} is listed but never changed the body",
                field.neutral
            );
        }
    }
}

#[test]
fn every_body_field_is_listed() {
    for provider in Provider::ALL {
        let capabilities = provider.capabilities();
        for document in documents(provider) {
            let sent = body(provider, &document).unwrap_or_else(|report| panic!("{report}"));
            let mut paths = BTreeSet::new();
            differences(&json!({}), &sent, "", &mut paths);
            assert!(!paths.is_empty());
            for path in paths {
                assert!(
                    capabilities
                        .fields
                        .iter()
                        .any(|field| is_within(&path, field.provider)),
                    "{provider}: body field {path} is not in the capabilities"
                );
            }
        }
    }
}

#[test]
fn removing_a_required_field_is_a_violation_of_that_field() {
    for provider in Provider::ALL {
        let capabilities = provider.capabilities();
        let document = documents(provider).remove(0);
        for field in capabilities.fields {
            let mut reduced = document.clone();
            let (parent, key) = match field.neutral.rsplit_once('.') {
                Some((parent, key)) => (pointer(parent), key),
                None => (String::new(), field.neutral),
            };
            if let Some(Value::Object(fields)) = reduced.pointer_mut(&parent) {
                fields.remove(key);
            }
            let fields: Vec<String> = match body(provider, &reduced) {
                Ok(_) => Vec::new(),
                Err(report) => report
                    .violations
                    .into_iter()
                    .map(|violation| violation.field)
                    .collect(),
            };
            if field.required {
                assert!(
                    fields
                        .iter()
                        .any(|violation| is_within(violation, field.neutral)),
                    "{provider}: required {} removed, violations {fields:?}",
                    field.neutral
                );
            }
            // Optional or not, removing a field never breaks another one (a field required only
            // inside its parent, such as Wealthyhood's address.city, reports itself).
            assert!(
                fields
                    .iter()
                    .all(|violation| is_within(violation, field.neutral)),
                "{provider}: removing {} caused {fields:?}",
                field.neutral
            );
        }
    }
}

#[test]
fn capabilities_serialise_for_a_service_to_query() {
    let value = serde_json::to_value(Provider::Wealthyhood.capabilities()).unwrap();
    assert_eq!(value["provider"], "wealthyhood");
    assert_eq!(value["operations"], json!(["create_user"]));
    assert!(value["fields"].as_array().unwrap().contains(&json!({
        "neutral": "citizenship",
        "provider": "nationality",
        "required": false
    })));
    assert_eq!(value["unmapped"], json!([]));
    let btcdirect = serde_json::to_value(Provider::BtcDirect.capabilities()).unwrap();
    assert!(
        btcdirect["unmapped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|field| {
                field["provider"] == "refreshToken"
                    && field["reason"].as_str().is_some_and(|r| !r.is_empty())
            })
    );
    let required: Vec<&str> = Provider::BtcDirect
        .capabilities()
        .required_fields()
        .map(|field| field.neutral)
        .collect();
    assert_eq!(required, ["email", "country"]);
}

/// The doc comment just above `pub async fn NAME` in `src/FILE`.
fn method_doc(file: &str, name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(file);
    let source = std::fs::read_to_string(&path).unwrap();
    let at = source
        .find(&format!("pub async fn {name}("))
        .unwrap_or_else(|| panic!("{file}: no {name}"));
    source[..at]
        .lines()
        .rev()
        .skip(1)
        .take_while(|line| line.trim_start().starts_with("///"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn each_create_and_update_method_lists_its_providers_required_fields() {
    let methods = [
        (Provider::Bitpanda, "client/bitpanda.rs", "create_user"),
        (
            Provider::Wealthyhood,
            "client/wealthyhood.rs",
            "create_user",
        ),
        (Provider::BtcDirect, "client/btcdirect.rs", "update_user"),
    ];
    let model = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model.rs"),
    )
    .unwrap();
    let new_user_doc = &model[..model.find("pub struct NewUser").unwrap()];
    for (provider, file, name) in methods {
        let doc = method_doc(file, name);
        assert!(doc.contains("Required fields"), "{file}: {name}\n{doc}");
        for field in provider.capabilities().required_fields() {
            let shown = format!("`{}`", field.neutral);
            assert!(
                doc.contains(&shown),
                "{provider}: {name}'s rustdoc does not list the required {shown}"
            );
            if provider.supports(Operation::CreateUser) {
                assert!(
                    new_user_doc.contains(&shown),
                    "NewUser's rustdoc does not list {provider}'s required {shown}"
                );
            }
        }
    }
}
