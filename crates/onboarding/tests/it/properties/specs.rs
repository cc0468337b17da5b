//! The three specs, read once: their words (for JSON strategies), their response examples, and
//! validators for the request schemas (`spec_support::validator`: OpenAPI 3.0 semantics, formats on).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use serde_json::Value;

pub use spec_support::spec;

const PROVIDER_NAMES: [&str; 3] = ["bitpanda", "wealthyhood", "btcdirect"];

static SPECS: LazyLock<Vec<Value>> = LazyLock::new(|| PROVIDER_NAMES.map(spec).to_vec());

/// Every property name, enum value and example string in the specs, and every ER code named in
/// them (so error maps get keys from the page, and a few that are not on it).
pub fn vocabulary() -> &'static Vec<String> {
    static WORDS: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut words = BTreeSet::new();
        for document in SPECS.iter() {
            collect_words(document, &mut words);
        }
        words.extend(["ER000", "ER999", "ER1000", "er085", "data", "errors", "id"].map(Into::into));
        words.into_iter().collect()
    });
    &WORDS
}

fn collect_words(node: &Value, words: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            for (key, child) in map {
                if key.len() <= 40 {
                    words.insert(key.clone());
                }
                collect_words(child, words);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_words(item, words)),
        Value::String(text) => {
            for word in text.split(|c: char| !c.is_alphanumeric()) {
                if word.starts_with("ER") && word.len() == 5 {
                    words.insert(word.to_owned());
                }
            }
            if text.len() <= 40 {
                words.insert(text.clone());
            }
        }
        _ => {}
    }
}

/// Every example of a response body (success and error) in the three specs.
pub fn response_examples() -> &'static Vec<Value> {
    static EXAMPLES: LazyLock<Vec<Value>> = LazyLock::new(|| {
        let found: Vec<Value> = SPECS
            .iter()
            .flat_map(spec_support::examples)
            .filter(|example| example.at.contains("/responses/"))
            .map(|example| example.value)
            .collect();
        assert!(found.len() >= 6, "expected success and error examples");
        found
    });
    &EXAMPLES
}

fn request_validator(provider: &str, schema: &str) -> jsonschema::Validator {
    let document = spec(provider);
    let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{schema}") });
    spec_support::validator(&document, &schema).unwrap_or_else(|e| panic!("{provider}: {e}"))
}

/// `#/components/schemas/CreateUserRequest` of `specs/bitpanda.yaml`.
pub fn bitpanda() -> &'static jsonschema::Validator {
    static VALIDATOR: LazyLock<jsonschema::Validator> =
        LazyLock::new(|| request_validator("bitpanda", "CreateUserRequest"));
    &VALIDATOR
}

/// `#/components/schemas/CreateUserRequest` of `specs/wealthyhood.yaml`.
pub fn wealthyhood() -> &'static jsonschema::Validator {
    static VALIDATOR: LazyLock<jsonschema::Validator> =
        LazyLock::new(|| request_validator("wealthyhood", "CreateUserRequest"));
    &VALIDATOR
}

/// `#/components/schemas/UpdateUserRequest` of `specs/btcdirect.yaml`.
pub fn btcdirect() -> &'static jsonschema::Validator {
    static VALIDATOR: LazyLock<jsonschema::Validator> =
        LazyLock::new(|| request_validator("btcdirect", "UpdateUserRequest"));
    &VALIDATOR
}

/// The schema errors of `body` (serialised) against `validator`, one line each.
pub fn schema_errors(
    validator: &jsonschema::Validator,
    body: &impl serde::Serialize,
) -> Vec<String> {
    let body = serde_json::to_value(body).expect("a request serialises");
    validator
        .iter_errors(&body)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}
