//! The `x-required-when` extension: a conditional requirement OpenAPI 3.0 cannot state in a way
//! progenitor generates (an `anyOf` over the statuses becomes an untagged enum whose second
//! variant still accepts them without the field).
//!
//! On an object schema it reads `{FIELD: {OTHER: [VALUE, …]}}`: `FIELD` is required when the
//! property `OTHER` holds one of the values. The generated client does not enforce it; every
//! JSON-Schema validator the workspace builds does (`spec_support::schema::to_json_schema` turns
//! it into an `if`/`then`: the example checks of this lint, the test kit), and so does the facade,
//! which a workspace test (`tests/tests/it/fidelity.rs`) holds to every rule a spec states.
//! This lint makes sure each rule is well formed, so that test and a reader can rely on it:
//! both fields are properties of the same schema, the value list is a non-empty list of strings,
//! and each value is one `OTHER`'s own `enum` allows, when it has one.

use serde_json::Value;

use crate::preflight::pointer_segment;

/// Every malformed `x-required-when` under `#/components/schemas`, one line each.
pub fn problems(document: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let Some(rules) = schema.get("x-required-when") else {
            continue;
        };
        let at = format!(
            "#/components/schemas/{}/x-required-when",
            pointer_segment(name)
        );
        let Some(rules) = rules.as_object().filter(|rules| !rules.is_empty()) else {
            problems.push(format!(
                "{at}: must map a field to the values that require it"
            ));
            continue;
        };
        for (field, condition) in rules {
            problems.extend(
                rule_problems(schema, field, condition)
                    .into_iter()
                    .map(|problem| format!("{at}/{}: {problem}", pointer_segment(field))),
            );
        }
    }
    problems
}

/// What is wrong with the rule "`field` is required when `condition`" on `schema`.
fn rule_problems(schema: &Value, field: &str, condition: &Value) -> Vec<String> {
    let properties = schema.get("properties");
    let property = |name: &str| properties.and_then(|p| p.get(name));
    let mut problems = Vec::new();
    if property(field).is_none() {
        problems.push(format!("'{field}' is not a property of this schema"));
    }
    let single = condition.as_object().filter(|c| c.len() == 1);
    let Some((other, values)) = single.and_then(|c| c.iter().next()) else {
        problems.push("the condition must name exactly one other property".into());
        return problems;
    };
    let Some(other_schema) = property(other) else {
        problems.push(format!("'{other}' is not a property of this schema"));
        return problems;
    };
    let values: Vec<&str> = values
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if values.is_empty() || values.len() != condition[other].as_array().map_or(0, Vec::len) {
        problems.push(format!(
            "the values of '{other}' must be a non-empty list of strings"
        ));
    }
    if let Some(allowed) = other_schema.get("enum").and_then(Value::as_array) {
        for value in values {
            if !allowed.iter().any(|a| a.as_str() == Some(value)) {
                problems.push(format!("'{value}' is not a value '{other}' allows"));
            }
        }
    }
    problems
}
