//! `cargo xtask lint`: what every spec must meet before codegen, reported as
//! `specs/NAME.yaml: PLACE: problem`, one line per problem.
//!
//! The rules, on top of everything [`preflight`] checks for progenitor (local `$ref`s, patterns,
//! an `operationId` per operation, one body schema among the success and among the error
//! responses):
//!
//! - every operation has a non-empty `operationId` and `summary`;
//! - every schema property has a `description` (a property that is a `$ref` may take it from the
//!   schema it refers to);
//! - every schema-level `example` and every media-type or parameter `example` / `examples` entry
//!   validates against its schema, read with OpenAPI 3.0 semantics (`nullable`, boolean
//!   `exclusiveMinimum`; see `spec_support::schema`), formats enforced, with the spec's
//!   `components` reachable for `$ref`s;
//! - every `x-inferred: true` carries a non-empty `x-inferred-note`;
//! - every `x-sensitive` is a boolean, and a property whose name suggests personal data carries
//!   one (see [`sensitive`]);
//! - every `x-required-when` names properties of its own schema and values they allow (see
//!   [`required_when`]);
//! - every `pattern`, `format`, `minLength`, `maxLength`, `minItems` and response status has a
//!   source: the page's wording in the description, an `x-source` or `x-inferred: true`, and an
//!   example the description calls illustrative says so in its summary (see [`supported`]).
//!
//! Places are JSON pointers into the document (`#/components/schemas/User/properties/email`),
//! except operations, which are named `METHOD /path` as in [`preflight`].

use std::path::Path;

use serde_json::Value;

use crate::preflight::{self, METHODS, SpecError, pointer_segment, resolve};
use crate::workspace::{self, FileError, SpecTarget};
use crate::{required_when, sensitive, supported};

pub use spec_support::examples::{Example, examples};
pub use spec_support::schema::{example_problems, to_json_schema, validator};

/// One spec and what the lint found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecReport {
    /// The spec (and the file it generates).
    pub target: SpecTarget,
    /// Every problem found; empty when the spec is clean.
    pub problems: Vec<SpecError>,
}

/// Lints every `specs/*.yaml` under `root`, in provider order.
///
/// Fails only when a spec cannot be read; problems in a spec are in its [`SpecReport`].
pub fn run(root: &Path) -> Result<Vec<SpecReport>, FileError> {
    workspace::discover(root)?
        .into_iter()
        .map(|target| {
            let text = workspace::read(root, &target.spec)?;
            let problems = lint(&target.spec_display(), &text);
            Ok(SpecReport { target, problems })
        })
        .collect()
}

/// Every problem in `text`, the contents of `spec` (e.g. `specs/bitpanda.yaml`); empty if none.
pub fn lint(spec: &str, text: &str) -> Vec<SpecError> {
    check(spec, text).err().unwrap_or_default()
}

/// Lints `text` (the contents of `spec`) and, when it is clean, returns the document as parsed
/// (which [`crate::render::render`] takes); otherwise every problem found (at least one).
///
/// This is what `cargo xtask codegen` runs first, so a spec that fails the lint is never rendered.
pub fn check(spec: &str, text: &str) -> Result<Value, Vec<SpecError>> {
    let document = preflight::parse(spec, text)?;
    let mut problems = preflight::problems(&document);
    // Examples are validated only against a sound document: a dangling `$ref` is already
    // reported above and would only make every example fail again.
    let sound = problems.is_empty();
    problems.extend(operation_problems(&document));
    problems.extend(description_problems(&document));
    inferred_problems(&document, "#", &mut problems);
    problems.extend(sensitive::problems(&document));
    problems.extend(required_when::problems(&document));
    problems.extend(supported::problems(&document));
    if sound {
        problems.extend(example_problems(&document));
    }
    if problems.is_empty() {
        preflight::typed(spec, document.clone())?;
        Ok(document)
    } else {
        Err(problems
            .into_iter()
            .map(|p| SpecError::new(spec, p))
            .collect())
    }
}

/// Whether `node[key]` is a string with something other than whitespace in it.
fn has_text(node: &Value, key: &str) -> bool {
    node.get(key)
        .and_then(Value::as_str)
        .is_some_and(|text| !text.trim().is_empty())
}

/// Every operation needs a non-empty `operationId` (a missing one is [`preflight`]'s) and summary.
fn operation_problems(document: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return problems;
    };
    for (path, item) in paths {
        let item = resolve(document, item);
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let at = format!("{} {path}", method.to_uppercase());
            if operation.get("operationId").is_some_and(Value::is_string)
                && !has_text(operation, "operationId")
            {
                problems.push(format!("{at}: empty operationId"));
            }
            if !has_text(operation, "summary") {
                problems.push(format!("{at}: missing summary"));
            }
        }
    }
    problems
}

/// Every schema the document holds at top level: `#/components/schemas/*` and every `schema` of a
/// parameter, header or media type. Example values and extensions are not searched.
fn schema_roots<'a>(node: &'a Value, at: &str, out: &mut Vec<(String, &'a Value)>) {
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
                    schema_roots(child, &here, out);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                schema_roots(child, &format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

/// Every property without a description, in the whole document.
fn description_problems(document: &Value) -> Vec<String> {
    let mut roots = Vec::new();
    schema_roots(document, "#", &mut roots);
    let mut problems = Vec::new();
    for (at, schema) in roots {
        check_properties(document, schema, &at, &mut problems);
    }
    problems
}

/// Checks the properties of `schema` (at `at`) and of every schema nested in it. A `$ref` is not
/// followed: the schema it names is checked where it is defined.
fn check_properties(document: &Value, schema: &Value, at: &str, problems: &mut Vec<String>) {
    let Value::Object(map) = schema else {
        return;
    };
    if let Some(Value::Object(properties)) = map.get("properties") {
        for (name, property) in properties {
            let here = format!("{at}/properties/{}", pointer_segment(name));
            if let Some(problem) = missing_description(document, property) {
                problems.push(format!("{here}: {problem}"));
            }
            check_properties(document, property, &here, problems);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get(key) {
            check_properties(document, child, &format!("{at}/{key}"), problems);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (index, child) in map
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            check_properties(document, child, &format!("{at}/{key}/{index}"), problems);
        }
    }
}

/// Why `property` lacks a description, or `None` when it has one (its own, or for a `$ref`, the
/// referenced schema's).
fn missing_description(document: &Value, property: &Value) -> Option<String> {
    if has_text(property, "description") {
        return None;
    }
    match property.get("$ref").and_then(Value::as_str) {
        Some(_) if has_text(resolve(document, property), "description") => None,
        Some(target) => Some(format!(
            "property has no description, nor has '{target}' it refers to"
        )),
        None => Some("property has no description".into()),
    }
}

/// Every object marked `x-inferred: true` needs a non-empty `x-inferred-note`. Example values are
/// not searched.
fn inferred_problems(node: &Value, at: &str, problems: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if map.get("x-inferred") == Some(&Value::Bool(true))
                && !has_text(node, "x-inferred-note")
            {
                problems.push(format!(
                    "{at}: x-inferred: true without a non-empty x-inferred-note"
                ));
            }
            for (key, child) in map {
                let here = format!("{at}/{}", pointer_segment(key));
                match key.as_str() {
                    "example" => {}
                    "examples" => {
                        for (name, entry) in child.as_object().into_iter().flatten() {
                            let entry_at = format!("{here}/{}", pointer_segment(name));
                            if let Value::Object(entry) = entry {
                                let mut without_value = entry.clone();
                                without_value.remove("value");
                                inferred_problems(
                                    &Value::Object(without_value),
                                    &entry_at,
                                    problems,
                                );
                            }
                        }
                    }
                    _ => inferred_problems(child, &here, problems),
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                inferred_problems(child, &format!("{at}/{index}"), problems);
            }
        }
        _ => {}
    }
}
