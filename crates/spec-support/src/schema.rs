//! OpenAPI 3.0 schemas validated with OpenAPI 3.0 semantics.
//!
//! An OpenAPI 3.0 Schema Object is not JSON Schema 2020-12. Before a schema reaches the
//! `jsonschema` validator, [`to_json_schema`] rewrites what differs:
//!
//! - `nullable: true` admits `null` (added to `type`, and to `enum` when there is one; a schema
//!   without a single `type` becomes `anyOf: [{type: null}, the schema]`); `nullable: false` or
//!   no `nullable` admits no `null`, as in OpenAPI;
//! - boolean `exclusiveMinimum` / `exclusiveMaximum` (draft-04 style) become the numeric bounds of
//!   2020-12 (`minimum: 5, exclusiveMinimum: true` → `exclusiveMinimum: 5`), and `false` is dropped;
//! - the siblings of a `$ref` are ignored, as OpenAPI 3.0 says;
//! - `example` and `x-` extensions are dropped (they are not constraints), except
//!   `x-required-when` (`{FIELD: {OTHER: [VALUE, …]}}`: `FIELD` is required when `OTHER` holds one
//!   of the values), which becomes a JSON Schema `if`/`then` in `allOf`, so every validator built
//!   here (the spec lint's example checks, the test kit) enforces the conditional rules a page
//!   states in prose, which OpenAPI 3.0 cannot say in a form progenitor generates well.
//!
//! The rest of the keywords mean the same in both. Formats are enforced (`date`, `date-time`,
//! `email`, ...); formats the validator does not know (`int32`, `byte`, ...) are not checked.

use serde_json::{Map, Value};

use crate::examples::examples;

/// Keywords whose value is one schema.
const ONE_SCHEMA: [&str; 3] = ["items", "additionalProperties", "not"];
/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: [&str; 3] = ["allOf", "oneOf", "anyOf"];

/// The JSON Schema 2020-12 equivalent of the OpenAPI 3.0 Schema Object `schema` (see the module
/// documentation for what changes). Nested schemas are converted too; `$ref`s are kept as they are.
pub fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    if let Some(target) = map.get("$ref") {
        return Value::Object(Map::from_iter([("$ref".to_owned(), target.clone())]));
    }
    let mut out = Map::new();
    for (key, value) in map {
        let converted = match key.as_str() {
            "nullable" | "example" | "exclusiveMinimum" | "exclusiveMaximum" => continue,
            key if key.starts_with("x-") => continue,
            "properties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, property)| (name.clone(), to_json_schema(property)))
                    .collect(),
            ),
            key if ONE_SCHEMA.contains(&key) => to_json_schema(value),
            key if SCHEMA_LISTS.contains(&key) => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(to_json_schema)
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    required_when(map, &mut out);
    exclusive_bound(map, &mut out, "exclusiveMinimum", "minimum");
    exclusive_bound(map, &mut out, "exclusiveMaximum", "maximum");
    if map.get("nullable") == Some(&Value::Bool(true)) {
        admit_null(out)
    } else {
        Value::Object(out)
    }
}

/// Carries `flag` (`exclusiveMinimum` / `exclusiveMaximum`) of the OpenAPI schema `map` over to
/// `out`: a boolean `true` turns `out[bound]` into the exclusive bound, a number is kept as it is.
fn exclusive_bound(
    map: &Map<String, Value>,
    out: &mut Map<String, Value>,
    flag: &str,
    bound: &str,
) {
    match map.get(flag) {
        Some(Value::Bool(true)) => {
            if let Some(limit) = out.remove(bound) {
                out.insert(flag.to_owned(), limit);
            }
        }
        Some(number @ Value::Number(_)) => {
            out.insert(flag.to_owned(), number.clone());
        }
        _ => {}
    }
}

/// Carries the `x-required-when` rules of the OpenAPI schema `map` over to `out` as JSON Schema
/// conditionals: `{FIELD: {OTHER: [VALUE, …]}}` becomes, appended to `out`'s `allOf`,
/// `{if: {properties: {OTHER: {enum: [VALUE, …]}}, required: [OTHER]}, then: {required: [FIELD]}}`.
/// A malformed rule (which the spec lint reports) is skipped.
fn required_when(map: &Map<String, Value>, out: &mut Map<String, Value>) {
    let Some(Value::Object(rules)) = map.get("x-required-when") else {
        return;
    };
    let mut conditionals = Vec::new();
    for (field, condition) in rules {
        let Some((other, Value::Array(values))) = condition
            .as_object()
            .filter(|condition| condition.len() == 1)
            .and_then(|condition| condition.iter().next())
        else {
            continue;
        };
        conditionals.push(serde_json::json!({
            "if": {
                "properties": { other.clone(): { "enum": values.clone() } },
                "required": [other.clone()],
            },
            "then": { "required": [field.clone()] },
        }));
    }
    if conditionals.is_empty() {
        return;
    }
    match out.get_mut("allOf") {
        Some(Value::Array(all)) => all.extend(conditionals),
        _ => {
            out.insert("allOf".into(), Value::Array(conditionals));
        }
    }
}

/// `schema` (already converted) with `null` admitted, for `nullable: true`.
fn admit_null(mut schema: Map<String, Value>) -> Value {
    let composed =
        SCHEMA_LISTS.iter().any(|k| schema.contains_key(*k)) || schema.contains_key("not");
    match schema.get("type").cloned() {
        Some(Value::String(single)) if !composed => {
            schema.insert(
                "type".into(),
                Value::Array(vec![single.into(), "null".into()]),
            );
            if let Some(Value::Array(values)) = schema.get_mut("enum")
                && !values.contains(&Value::Null)
            {
                values.push(Value::Null);
            }
            Value::Object(schema)
        }
        _ => {
            let null = Value::Object(Map::from_iter([("type".to_owned(), "null".into())]));
            Value::Object(Map::from_iter([(
                "anyOf".to_owned(),
                Value::Array(vec![null, Value::Object(schema)]),
            )]))
        }
    }
}

/// A validator (JSON Schema 2020-12, formats enforced) for the OpenAPI 3.0 schema `schema`, with
/// the `components` of `document` reachable for its `$ref`s (`#/components/schemas/…`); every
/// schema involved is converted by [`to_json_schema`] first.
pub fn validator(document: &Value, schema: &Value) -> Result<jsonschema::Validator, String> {
    let Value::Object(schema) = to_json_schema(schema) else {
        return Err(format!("schema is not an object: {schema}"));
    };
    let mut components = document
        .get("components")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(Value::Object(schemas)) = components.get_mut("schemas") {
        for schema in schemas.values_mut() {
            *schema = to_json_schema(schema);
        }
    }
    let mut root = Map::new();
    root.insert("components".into(), Value::Object(components));
    root.extend(schema);
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&Value::Object(root))
        .map_err(|e| format!("schema does not compile: {e}"))
}

/// One line per way an example of `document` fails its schema (see [`examples`]).
pub fn example_problems(document: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for example in examples(document) {
        match validator(document, &example.schema) {
            Ok(validator) => {
                for error in validator.iter_errors(&example.value) {
                    let place = error.instance_path().to_string();
                    let place = if place.is_empty() {
                        String::new()
                    } else {
                        format!(" at {place}")
                    };
                    problems.push(format!(
                        "{}: example does not match its schema{place}: {error}",
                        example.at
                    ));
                }
            }
            Err(problem) => problems.push(format!("{}: {problem}", example.at)),
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Whether `value` is valid against the OpenAPI 3.0 `schema` in a document with `components`.
    fn valid(components: Value, schema: Value, value: Value) -> bool {
        let document = json!({ "components": { "schemas": components } });
        validator(&document, &schema).unwrap().is_valid(&value)
    }

    #[test]
    fn nullable_admits_null_and_only_with_nullable() {
        let schema = json!({"type": "string", "nullable": true, "enum": ["a", "b"]});
        assert!(valid(json!({}), schema.clone(), json!(null)));
        assert!(valid(json!({}), schema.clone(), json!("a")));
        assert!(!valid(json!({}), schema, json!("c")));
        assert!(!valid(json!({}), json!({"type": "string"}), json!(null)));
        let composed = json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]});
        let components = json!({"A": {"type": "object", "required": ["x"]}});
        assert!(valid(components.clone(), composed.clone(), json!(null)));
        assert!(!valid(components, composed, json!({})));
    }

    #[test]
    fn boolean_exclusive_bounds_exclude_the_bound() {
        let schema = json!({
            "type": "number",
            "minimum": 0, "exclusiveMinimum": true,
            "maximum": 10, "exclusiveMaximum": false
        });
        assert!(!valid(json!({}), schema.clone(), json!(0)));
        assert!(valid(json!({}), schema.clone(), json!(0.5)));
        assert!(valid(json!({}), schema, json!(10)));
    }

    #[test]
    fn x_required_when_becomes_a_conditional_every_validator_enforces() {
        let schema = json!({
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"type": "string"}, "industry": {"type": "string"}},
            "x-required-when": {"industry": {"status": ["FullTime", "PartTime"]}}
        });
        assert!(!valid(
            json!({}),
            schema.clone(),
            json!({"status": "FullTime"})
        ));
        assert!(!valid(
            json!({}),
            schema.clone(),
            json!({"status": "PartTime"})
        ));
        assert!(valid(
            json!({}),
            schema.clone(),
            json!({"status": "FullTime", "industry": "Finance"})
        ));
        assert!(valid(
            json!({}),
            schema.clone(),
            json!({"status": "Retired"})
        ));
        // Only when the condition's field is there: a body without it is judged by `required`.
        let open = json!({"type": "object", "x-required-when": {"a": {"b": ["x"]}}});
        assert!(valid(json!({}), open.clone(), json!({})));
        assert!(!valid(json!({}), open.clone(), json!({"b": "x"})));
        // An existing allOf keeps its schemas.
        let both = json!({
            "allOf": [{"required": ["c"]}],
            "x-required-when": {"a": {"b": ["x"]}}
        });
        assert!(!valid(json!({}), both.clone(), json!({"a": 1})));
        assert!(valid(json!({}), both, json!({"c": 1})));
    }

    #[test]
    fn the_siblings_of_a_ref_are_ignored_and_components_are_converted() {
        let components = json!({"Age": {"type": "integer", "nullable": true}});
        let schema = json!({"$ref": "#/components/schemas/Age", "maximum": 3});
        assert!(valid(components.clone(), schema.clone(), json!(30)));
        assert!(valid(components.clone(), schema.clone(), json!(null)));
        assert!(!valid(components, schema, json!("thirty")));
    }
}
