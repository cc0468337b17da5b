//! Constraints and statuses a source must support: the spec may not decide silently what the
//! page leaves open.
//!
//! A curated spec takes its constraints from the page (the page's own wording is in each
//! `description`), from another source (named in `x-source`), or decides them itself (marked
//! `x-inferred: true` with a note). This lint reports every constraint that shows none of the
//! three, by a heuristic on the schema that carries it:
//!
//! - a `pattern` is supported when the description says "pattern" or quotes the pattern;
//! - a `format` when the description names it (`email`: "email" or "e-mail"; `date`: "date" or
//!   "YYYY-MM-DD"; `date-time`: "date", "time" or "timestamp"; `uuid`: "uuid"; `byte`: "base64";
//!   any other format: its own name);
//! - a `minLength`, `maxLength` or `minItems` when the description holds its number;
//! - a response status when the response carries `x-source` or `x-inferred` (a page lists its
//!   statuses apart from any field, so only a marker can say where a status comes from).
//!
//! In every case `x-inferred: true` or an `x-source` on the same schema (or response) is support
//! enough. A property that is a `$ref` is judged where the schema it refers to is defined.
//!
//! One more rule keeps examples honest: an example whose `description` calls it illustrative (or
//! "not from the page") must say so in its `summary` too, which is what a reader of the rendered
//! documentation sees first.

use serde_json::Value;

use crate::preflight::{METHODS, pointer_segment, resolve};

/// Keywords that hold one schema.
const ONE_SCHEMA: [&str; 3] = ["items", "additionalProperties", "not"];
/// Keywords that hold a list of schemas.
const SCHEMA_LISTS: [&str; 3] = ["allOf", "oneOf", "anyOf"];

/// Every unsupported constraint, status or unlabelled illustrative example of `document`.
pub fn problems(document: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut roots = Vec::new();
    collect_roots(document, "#", &mut roots);
    for (at, schema) in roots {
        check_schema(schema, &at, false, &mut problems);
    }
    check_operations(document, &mut problems);
    check_examples(document, "#", &mut problems);
    problems
}

/// Whether `node` carries `x-inferred: true` or an `x-source`.
fn marked(node: &Value) -> bool {
    node.get("x-inferred") == Some(&Value::Bool(true)) || node.get("x-source").is_some()
}

/// The lower-cased `description` of `node`, or an empty string.
fn description(node: &Value) -> String {
    node.get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_lowercase()
}

/// Whether `text` holds `number` as a whole number (not as part of a longer one).
fn mentions_number(text: &str, number: u64) -> bool {
    text.split(|c: char| !c.is_ascii_digit())
        .any(|word| word == number.to_string())
}

/// Whether `text` names the format `format`.
fn mentions_format(text: &str, format: &str) -> bool {
    let words: &[&str] = match format {
        "email" => &["email", "e-mail"],
        "date" => &["date", "yyyy-mm-dd"],
        "date-time" => &["date", "time", "timestamp"],
        "uuid" => &["uuid"],
        "byte" => &["base64"],
        other => return text.contains(&other.to_lowercase()),
    };
    words.iter().any(|word| text.contains(word))
}

/// Checks the constraints of `schema` (at `at`) and of every schema nested in it. A property
/// without any description is left to the lint's description rule, which reports it already.
fn check_schema(schema: &Value, at: &str, is_property: bool, problems: &mut Vec<String>) {
    let Value::Object(map) = schema else {
        return;
    };
    let undescribed_property = is_property && !map.contains_key("description");
    if !map.contains_key("$ref") && !marked(schema) && !undescribed_property {
        let text = description(schema);
        if let Some(pattern) = map.get("pattern").and_then(Value::as_str)
            && !text.contains("pattern")
            && !text.contains(&pattern.to_lowercase())
        {
            problems.push(format!(
                "{at}: pattern '{pattern}' is not in the description, nor marked x-inferred or x-source"
            ));
        }
        if let Some(format) = map.get("format").and_then(Value::as_str)
            && !mentions_format(&text, format)
        {
            problems.push(format!(
                "{at}: format '{format}' is not named in the description, nor marked x-inferred or x-source"
            ));
        }
        for keyword in ["minLength", "maxLength", "minItems"] {
            if let Some(number) = map.get(keyword).and_then(Value::as_u64)
                && !mentions_number(&text, number)
            {
                problems.push(format!(
                    "{at}: {keyword} {number} is not in the description, nor marked x-inferred or x-source"
                ));
            }
        }
    }
    if let Some(Value::Object(properties)) = map.get("properties") {
        for (name, property) in properties {
            check_schema(
                property,
                &format!("{at}/properties/{}", pointer_segment(name)),
                true,
                problems,
            );
        }
    }
    for key in ONE_SCHEMA {
        if let Some(child) = map.get(key) {
            check_schema(child, &format!("{at}/{key}"), false, problems);
        }
    }
    for key in SCHEMA_LISTS {
        for (index, child) in map
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            check_schema(child, &format!("{at}/{key}/{index}"), false, problems);
        }
    }
}

/// Every schema the document holds at top level: `#/components/schemas/*` and every `schema` of a
/// parameter, header or media type. Example values and extensions are not searched.
fn collect_roots<'a>(node: &'a Value, at: &str, out: &mut Vec<(String, &'a Value)>) {
    match node {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}/{}", pointer_segment(key));
                if key == "example" || key == "examples" || key.starts_with("x-") {
                    continue;
                }
                if key == "schema" {
                    out.push((here, child));
                } else if key == "schemas" && at == "#/components" {
                    for (name, schema) in child.as_object().into_iter().flatten() {
                        out.push((format!("{here}/{}", pointer_segment(name)), schema));
                    }
                } else {
                    collect_roots(child, &here, out);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_roots(child, &format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

/// Every response status needs a marker saying where it comes from.
fn check_operations(document: &Value, problems: &mut Vec<String>) {
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        let item = resolve(document, item);
        for method in METHODS {
            let Some(responses) = item
                .get(method)
                .and_then(|operation| operation.get("responses"))
                .and_then(Value::as_object)
            else {
                continue;
            };
            for (status, response) in responses {
                if !marked(response) && !marked(resolve(document, response)) {
                    problems.push(format!(
                        "{} {path}: response {status} carries neither x-source nor x-inferred: say which source gives the status",
                        method.to_uppercase()
                    ));
                }
            }
        }
    }
}

/// Every named example (`examples: {name: {summary, description, value}}`) whose description
/// calls it illustrative must say so in its summary.
fn check_examples(node: &Value, at: &str, problems: &mut Vec<String>) {
    let Value::Object(map) = node else {
        if let Value::Array(items) = node {
            for (index, child) in items.iter().enumerate() {
                check_examples(child, &format!("{at}/{index}"), problems);
            }
        }
        return;
    };
    for (key, child) in map {
        let here = format!("{at}/{}", pointer_segment(key));
        if key == "examples" {
            for (name, example) in child.as_object().into_iter().flatten() {
                let text = description(example);
                let illustrative =
                    text.contains("illustrative") || text.contains("not from the page");
                let summary = example
                    .get("summary")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_lowercase();
                if illustrative && !summary.contains("illustrative") {
                    problems.push(format!(
                        "{here}/{}: the description calls this example illustrative, the summary does not say so",
                        pointer_segment(name)
                    ));
                }
            }
        } else if key != "example" && !key.starts_with("x-") {
            check_examples(child, &here, problems);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numbers_are_matched_as_whole_numbers() {
        assert!(mentions_number("required string length: 1 - 100", 100));
        assert!(mentions_number("required string length: 1 - 100", 1));
        assert!(!mentions_number("at most 1000 characters", 100));
    }

    #[test]
    fn a_marker_or_the_description_supports_a_constraint() {
        let document = json!({"components": {"schemas": {
            "A": {"type": "string", "pattern": "^a$", "description": "Pattern: ^a$"},
            "B": {"type": "string", "pattern": "^b$", "x-inferred": true},
            "C": {"type": "string", "format": "date", "description": "A date (YYYY-MM-DD)."},
            "D": {"type": "string", "pattern": "^d$", "description": "A code."}
        }}});
        assert_eq!(
            problems(&document),
            [
                "#/components/schemas/D: pattern '^d$' is not in the description, nor marked x-inferred or x-source"
            ]
        );
    }
}
