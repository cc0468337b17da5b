//! The three specs, embedded at build time, and their schemas compiled once per process.
//!
//! OpenAPI 3.0 schemas are not JSON Schema: `nullable`, boolean `exclusiveMinimum` /
//! `exclusiveMaximum`, the siblings of a `$ref` (which OpenAPI ignores) and annotations such as
//! `example` or `x-…` differ. The kit converts them with the workspace's one conversion,
//! [`to_json_schema`] (from `spec-support`, which the spec lint uses too), and compiles, once per
//! process, a validator (draft 2020-12, formats checked: `email`, `date`, `date-time`, `uuid`, …)
//! for every request and response body of each spec; [`request_is_valid`] and
//! [`response_is_valid`] ask them.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use jsonschema::Validator;
use serde_json::Value;

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
    spec_support::parse_yaml(spec_text(provider))
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

pub use spec_support::schema::to_json_schema;

/// A validator for the OpenAPI schema `schema` of `document` (its `$ref`s resolved against the
/// document's `components`, every schema converted by [`to_json_schema`]).
fn compile(document: &Value, schema: &Value) -> Validator {
    spec_support::validator(document, schema)
        .unwrap_or_else(|e| panic!("an embedded spec schema does not compile: {e}"))
}

/// The JSON body schema of a request or response, if the spec gives one.
fn json_body_schema(node: &Value) -> Option<&Value> {
    node.pointer("/content/application~1json/schema")
}

/// Every body validator of one spec, keyed by operation (`METHOD /path`).
pub(crate) struct SpecSchemas {
    requests: BTreeMap<String, Validator>,
    /// Keyed by operation and the spec's own response key: a status (`201`), a range (`2XX`)
    /// or `default`.
    responses: BTreeMap<(String, String), Validator>,
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
                    requests.insert(key.clone(), compile(document, schema));
                }
                let statuses = operation.get("responses").and_then(Value::as_object);
                for (status, response) in statuses.into_iter().flatten() {
                    if let Some(schema) = json_body_schema(response) {
                        let validator = compile(document, schema);
                        responses.insert((key.clone(), status.to_ascii_uppercase()), validator);
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

    /// The response body validator of `METHOD /path` answering `status`, if documented: the
    /// status itself, else its range (`2XX` for 202), else `default`, as OpenAPI reads them.
    pub(crate) fn response(&self, method: &str, path: &str, status: u16) -> Option<&Validator> {
        let key = operation_key(method, path);
        [
            status.to_string(),
            format!("{}XX", status / 100),
            "DEFAULT".to_owned(),
        ]
        .into_iter()
        .find_map(|code| self.responses.get(&(key.clone(), code)))
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

    fn compiled(schema: Value) -> Validator {
        compile(&json!({}), &schema)
    }

    #[test]
    fn nullable_allows_null_and_keeps_the_type() {
        let validator = compiled(json!({"type": "string", "nullable": true, "example": "x"}));
        assert!(validator.is_valid(&json!(null)));
        assert!(validator.is_valid(&json!("text")));
        assert!(!validator.is_valid(&json!(3)));
    }

    #[test]
    fn boolean_exclusive_bounds_become_numeric() {
        let validator = compiled(json!({
            "type": "number", "minimum": 0, "exclusiveMinimum": true,
            "maximum": 10, "exclusiveMaximum": false
        }));
        assert!(!validator.is_valid(&json!(0)));
        assert!(validator.is_valid(&json!(0.5)));
        assert!(validator.is_valid(&json!(10)));
        assert!(!validator.is_valid(&json!(10.5)));
    }

    #[test]
    fn refs_resolve_and_combinators_convert() {
        let document = json!({"components": {"schemas": {
            "Name": {"type": "string", "minLength": 1, "x-inferred": true},
            "Maybe": {"allOf": [{"$ref": "#/components/schemas/Name"}], "nullable": true}
        }}});
        let validator = compile(
            &document,
            &json!({"oneOf": [{"$ref": "#/components/schemas/Maybe", "description": "ignored"},
                               {"type": "integer"}]}),
        );
        assert!(validator.is_valid(&json!("a")));
        assert!(validator.is_valid(&json!(null)));
        assert!(validator.is_valid(&json!(7)));
        assert!(!validator.is_valid(&json!("")));
    }

    #[test]
    fn formats_are_checked() {
        let validator = compiled(json!({"type": "object", "properties": {
            "email": {"type": "string", "format": "email"},
            "day": {"type": "string", "format": "date"},
            "at": {"type": "string", "format": "date-time"},
            "id": {"type": "string", "format": "uuid"},
            "file": {"type": "string", "format": "byte"}
        }}));
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
    fn a_response_range_covers_each_status_of_its_class() {
        let document = json!({"paths": {"/u": {"post": {"responses": {
            "2XX": {"content": {"application/json": {"schema": {"type": "object", "required": ["id"]}}}},
            "400": {"content": {"application/json": {"schema": {"type": "string"}}}},
            "default": {"content": {"application/json": {"schema": {"type": "integer"}}}}
        }}}}});
        let schemas = SpecSchemas::compile(&document);
        for status in [200, 201, 202, 204, 299] {
            let validator = schemas
                .response("POST", "/u", status)
                .expect("2XX covers it");
            assert!(validator.is_valid(&json!({"id": 1})), "{status}");
            assert!(!validator.is_valid(&json!({})), "{status}");
        }
        assert!(
            schemas
                .response("POST", "/u", 400)
                .unwrap()
                .is_valid(&json!("bad"))
        );
        assert!(
            schemas
                .response("POST", "/u", 503)
                .unwrap()
                .is_valid(&json!(7))
        );
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
