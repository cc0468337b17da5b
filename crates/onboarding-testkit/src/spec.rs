//! The three specs, embedded at build time, and their schemas compiled once per process.
//!
//! OpenAPI 3.0 schemas are not JSON Schema: `nullable`, boolean `exclusiveMinimum` /
//! `exclusiveMaximum`, `$ref`s into `#/components/schemas` (whose siblings OpenAPI ignores) and
//! annotations such as `example` or `x-…` differ. [`to_json_schema`] converts one schema object;
//! The kit compiles, once per process, a validator (draft 2020-12, formats checked: `email`,
//! `date`, `date-time`, `uuid`, …) for every request and response body of each spec;
//! [`request_is_valid`] and [`response_is_valid`] ask them.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use jsonschema::Validator;
use serde_json::{Map, Value};

use crate::provider::Provider;

/// `specs/bitpanda.yaml`, as committed when the kit was built.
pub const BITPANDA_YAML: &str = include_str!("../../../specs/bitpanda.yaml");
/// `specs/wealthyhood.yaml`, as committed when the kit was built.
pub const WEALTHYHOOD_YAML: &str = include_str!("../../../specs/wealthyhood.yaml");
/// `specs/btcdirect.yaml`, as committed when the kit was built.
pub const BTCDIRECT_YAML: &str = include_str!("../../../specs/btcdirect.yaml");

/// The embedded spec of `provider`, as YAML text.
pub fn spec_text(provider: Provider) -> &'static str {
    match provider {
        Provider::Bitpanda => BITPANDA_YAML,
        Provider::Wealthyhood => WEALTHYHOOD_YAML,
        Provider::BtcDirect => BTCDIRECT_YAML,
    }
}

/// The embedded spec of `provider` as a JSON value (parsed once per process).
pub fn spec_document(provider: Provider) -> &'static Value {
    static DOCUMENTS: LazyLock<[Value; 3]> = LazyLock::new(|| Provider::ALL.map(parse_yaml));
    &DOCUMENTS[provider.index()]
}

fn parse_yaml(provider: Provider) -> Value {
    serde_yaml::from_str(spec_text(provider))
        .unwrap_or_else(|e| panic!("the embedded {} spec is not YAML: {e}", provider.name()))
}

/// The compiled validators of `provider`'s spec (built once per process).
pub(crate) fn schemas(provider: Provider) -> &'static SpecSchemas {
    static SCHEMAS: LazyLock<[SpecSchemas; 3]> =
        LazyLock::new(|| Provider::ALL.map(|p| SpecSchemas::compile(spec_document(p))));
    &SCHEMAS[provider.index()]
}

/// Compiles every spec's validators now (once per process), so no request pays for it.
pub(crate) fn warm_up() {
    for provider in Provider::ALL {
        let _ = schemas(provider);
    }
}

/// Keys of an OpenAPI schema object that JSON Schema does not share, or that only annotate.
const DROPPED_KEYS: [&str; 8] = [
    "nullable",
    "example",
    "discriminator",
    "xml",
    "externalDocs",
    "readOnly",
    "writeOnly",
    "deprecated",
];

/// OpenAPI formats with no JSON Schema meaning (type refinements and encodings): dropped.
const OPENAPI_ONLY_FORMATS: [&str; 7] = [
    "byte", "binary", "int32", "int64", "float", "double", "password",
];

/// Keys whose value is a map from names to schemas.
const SCHEMA_MAPS: [&str; 3] = ["properties", "patternProperties", "$defs"];
/// Keys whose value is one schema.
const SCHEMA_SLOTS: [&str; 4] = ["items", "additionalProperties", "not", "propertyNames"];
/// Keys whose value is a list of schemas.
const SCHEMA_LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// Converts one OpenAPI 3.0 schema object into JSON Schema (draft 2020-12).
///
/// - `$ref: '#/components/schemas/X'` becomes `$ref: '#/$defs/X'`, and its siblings are dropped
///   (OpenAPI 3.0 ignores them);
/// - `nullable: true` becomes `anyOf: [<schema>, {type: null}]`;
/// - boolean `exclusiveMinimum` / `exclusiveMaximum` become the numeric keywords (or vanish);
/// - `example`, `x-…` extensions and OpenAPI-only formats (`byte`, `int64`, …) are dropped;
/// - `allOf` / `anyOf` / `oneOf`, `items`, `properties`, `additionalProperties` and `not` are
///   converted recursively.
pub fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(object) = schema else {
        return schema.clone();
    };
    if let Some(Value::String(reference)) = object.get("$ref") {
        let target = reference.replacen("#/components/schemas/", "#/$defs/", 1);
        return serde_json::json!({ "$ref": target });
    }
    let mut out = Map::new();
    for (key, value) in object {
        if key.starts_with("x-") || DROPPED_KEYS.contains(&key.as_str()) {
            continue;
        }
        let converted = match key.as_str() {
            "format"
                if value
                    .as_str()
                    .is_some_and(|f| OPENAPI_ONLY_FORMATS.contains(&f)) =>
            {
                continue;
            }
            "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => continue,
            k if SCHEMA_MAPS.contains(&k) => match value {
                Value::Object(map) => Value::Object(
                    map.iter()
                        .map(|(name, schema)| (name.clone(), to_json_schema(schema)))
                        .collect(),
                ),
                other => other.clone(),
            },
            k if SCHEMA_SLOTS.contains(&k) => to_json_schema(value),
            k if SCHEMA_LISTS.contains(&k) => match value {
                Value::Array(list) => Value::Array(list.iter().map(to_json_schema).collect()),
                other => other.clone(),
            },
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    for (flag, bound, keyword) in [
        ("exclusiveMinimum", "minimum", "exclusiveMinimum"),
        ("exclusiveMaximum", "maximum", "exclusiveMaximum"),
    ] {
        if object.get(flag) == Some(&Value::Bool(true))
            && let Some(limit) = out.remove(bound)
        {
            out.insert(keyword.into(), limit);
        }
    }
    if object.get("nullable") == Some(&Value::Bool(true)) {
        return serde_json::json!({ "anyOf": [Value::Object(out), { "type": "null" }] });
    }
    Value::Object(out)
}

/// A self-contained JSON Schema document for `schema`, with every `components.schemas` entry of
/// `document` converted under `$defs`.
pub fn json_schema_for(document: &Value, schema: &Value) -> Value {
    let defs: Map<String, Value> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .map(|(name, schema)| (name.clone(), to_json_schema(schema)))
                .collect()
        })
        .unwrap_or_default();
    let mut root = match to_json_schema(schema) {
        Value::Object(map) => map,
        other => return other,
    };
    root.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    root.insert("$defs".into(), Value::Object(defs));
    Value::Object(root)
}

/// Compiles `schema` (already JSON Schema) with formats checked.
fn compile(schema: &Value) -> Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("an embedded spec schema does not compile: {e}"))
}

/// The JSON body schema of a request or response, if the spec gives one.
fn json_body_schema(node: &Value) -> Option<&Value> {
    node.pointer("/content/application~1json/schema")
}

/// Every body validator of one spec, keyed by operation (`METHOD /path`).
pub(crate) struct SpecSchemas {
    requests: BTreeMap<String, Validator>,
    responses: BTreeMap<(String, u16), Validator>,
}

impl SpecSchemas {
    fn compile(document: &Value) -> Self {
        let mut requests = BTreeMap::new();
        let mut responses = BTreeMap::new();
        let paths = document.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let key = operation_key(method, path);
                if let Some(schema) = operation.get("requestBody").and_then(json_body_schema) {
                    requests.insert(key.clone(), compile(&json_schema_for(document, schema)));
                }
                let statuses = operation.get("responses").and_then(Value::as_object);
                for (status, response) in statuses.into_iter().flatten() {
                    if let (Ok(status), Some(schema)) =
                        (status.parse::<u16>(), json_body_schema(response))
                    {
                        responses.insert(
                            (key.clone(), status),
                            compile(&json_schema_for(document, schema)),
                        );
                    }
                }
            }
        }
        Self {
            requests,
            responses,
        }
    }

    /// The request body validator of `METHOD /path`, if the spec has that operation.
    pub(crate) fn request(&self, method: &str, path: &str) -> Option<&Validator> {
        self.requests.get(&operation_key(method, path))
    }

    /// The response body validator of `METHOD /path` answering `status`, if documented.
    pub(crate) fn response(&self, method: &str, path: &str, status: u16) -> Option<&Validator> {
        self.responses.get(&(operation_key(method, path), status))
    }
}

fn operation_key(method: &str, path: &str) -> String {
    format!("{} {path}", method.to_ascii_uppercase())
}

/// Whether `body` satisfies the request schema of `provider`'s user operation, as the fake
/// judges it (the converted schema, formats on). A body refused here gets the provider's 4xx
/// ([`crate::Outcome::Invalid`]).
pub fn request_is_valid(provider: Provider, body: &Value) -> bool {
    let (method, path) = provider.user_operation();
    schemas(provider)
        .request(method, path)
        .is_some_and(|validator| validator.is_valid(body))
}

/// Whether `body` satisfies the response schema of `provider`'s user operation for `status`.
/// `false` when the spec documents no JSON body for that status.
pub fn response_is_valid(provider: Provider, status: u16, body: &Value) -> bool {
    let (method, path) = provider.user_operation();
    schemas(provider)
        .response(method, path, status)
        .is_some_and(|validator| validator.is_valid(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nullable_allows_null_and_keeps_the_type() {
        let schema = to_json_schema(&json!({"type": "string", "nullable": true, "example": "x"}));
        let validator = compile(&schema);
        assert!(validator.is_valid(&json!(null)));
        assert!(validator.is_valid(&json!("text")));
        assert!(!validator.is_valid(&json!(3)));
    }

    #[test]
    fn boolean_exclusive_bounds_become_numeric() {
        let schema = to_json_schema(&json!({
            "type": "number", "minimum": 0, "exclusiveMinimum": true,
            "maximum": 10, "exclusiveMaximum": false
        }));
        let validator = compile(&schema);
        assert!(!validator.is_valid(&json!(0)));
        assert!(validator.is_valid(&json!(0.5)));
        assert!(validator.is_valid(&json!(10)));
        assert!(!validator.is_valid(&json!(10.5)));
    }

    #[test]
    fn refs_point_into_defs_and_combinators_convert() {
        let document = json!({"components": {"schemas": {
            "Name": {"type": "string", "minLength": 1, "x-inferred": true},
            "Maybe": {"allOf": [{"$ref": "#/components/schemas/Name"}], "nullable": true}
        }}});
        let root = json_schema_for(
            &document,
            &json!({"oneOf": [{"$ref": "#/components/schemas/Maybe", "description": "ignored"},
                               {"type": "integer"}]}),
        );
        let validator = compile(&root);
        assert!(validator.is_valid(&json!("a")));
        assert!(validator.is_valid(&json!(null)));
        assert!(validator.is_valid(&json!(7)));
        assert!(!validator.is_valid(&json!("")));
    }

    #[test]
    fn formats_are_checked() {
        let validator = compile(&to_json_schema(&json!({"type": "object", "properties": {
            "email": {"type": "string", "format": "email"},
            "day": {"type": "string", "format": "date"},
            "at": {"type": "string", "format": "date-time"},
            "id": {"type": "string", "format": "uuid"},
            "file": {"type": "string", "format": "byte"}
        }})));
        assert!(
            validator.is_valid(&json!({"email": "a@b.eu", "day": "2020-02-29",
            "at": "2024-03-01T10:15:30Z", "id": "3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a93",
            "file": "not base64 is fine: byte is an OpenAPI-only format"}))
        );
        for bad in [
            json!({"email": "no-at-sign"}),
            json!({"day": "2021-02-29"}),
            json!({"at": "yesterday"}),
            json!({"id": "not-a-uuid"}),
        ] {
            assert!(!validator.is_valid(&bad), "{bad} should be refused");
        }
    }

    #[test]
    fn every_spec_compiles_with_request_and_response_schemas() {
        for provider in Provider::ALL {
            let (method, path) = provider.user_operation();
            let schemas = schemas(provider);
            assert!(schemas.request(method, path).is_some(), "{provider:?}");
            let (status, _) = provider.success();
            assert!(
                schemas.response(method, path, status).is_some(),
                "{provider:?}"
            );
        }
    }
}
