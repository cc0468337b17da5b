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
//!   validates against its schema (JSON Schema 2020-12, formats enforced, with the spec's
//!   `components` reachable for `$ref`s);
//! - every `x-inferred: true` carries a non-empty `x-inferred-note`.
//!
//! Places are JSON pointers into the document (`#/components/schemas/User/properties/email`),
//! except operations, which are named `METHOD /path` as in [`preflight`].

use std::fs;
use std::path::Path;

use serde_json::{Map, Value};

use crate::codegen::CodegenError;
use crate::preflight::{self, METHODS, SpecError, pointer_segment, resolve};
use crate::workspace::{self, SpecTarget};

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
pub fn run(root: &Path) -> Result<Vec<SpecReport>, CodegenError> {
    let targets = workspace::discover(root).map_err(|source| CodegenError::Io {
        path: root.join(workspace::SPECS_DIR),
        source,
    })?;
    targets
        .into_iter()
        .map(|target| {
            let path = root.join(&target.spec);
            let text =
                fs::read_to_string(&path).map_err(|source| CodegenError::Io { path, source })?;
            let problems = lint(&target.spec_display(), &text);
            Ok(SpecReport { target, problems })
        })
        .collect()
}

/// Every problem in `text`, the contents of `spec` (e.g. `specs/bitpanda.yaml`); empty if none.
pub fn lint(spec: &str, text: &str) -> Vec<SpecError> {
    check(spec, text).err().unwrap_or_default()
}

/// Lints `text` (the contents of `spec`) and, when it is clean, returns the typed document that
/// progenitor reads; otherwise every problem found (at least one).
///
/// This is what `cargo xtask codegen` runs first, so a spec that fails the lint is never rendered.
pub fn check(spec: &str, text: &str) -> Result<openapiv3::OpenAPI, Vec<SpecError>> {
    let document = preflight::parse(spec, text)?;
    let mut problems = preflight::problems(&document);
    // Examples are validated only against a sound document: a dangling `$ref` is already
    // reported above and would only make every example fail again.
    let sound = problems.is_empty();
    problems.extend(operation_problems(&document));
    problems.extend(description_problems(&document));
    inferred_problems(&document, "#", &mut problems);
    if sound {
        problems.extend(example_problems(&document));
    }
    if problems.is_empty() {
        preflight::typed(spec, document)
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

/// One example a spec carries, with the schema it must match.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where the example is: a JSON pointer ending in `/example` or `/examples/NAME`.
    pub at: String,
    /// The schema the example must match (may `$ref` the spec's components).
    pub schema: Value,
    /// The example value.
    pub value: Value,
}

/// Keywords that make an object a schema, for finding schema-level `example`s.
const SCHEMA_KEYWORDS: [&str; 8] = [
    "type",
    "$ref",
    "properties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "enum",
];

/// Every example in `document`: schema-level `example`s, and the `example` and `examples` entries
/// (following `$ref`s to `#/components/examples`) of media types, parameters and headers.
/// Entries with only an `externalValue` are skipped.
pub fn examples(document: &Value) -> Vec<Example> {
    let mut found = Vec::new();
    let outside_examples =
        |key: &str| key != "example" && key != "examples" && !key.starts_with("x-");
    preflight::visit_objects(document, "#", &outside_examples, &mut |map, at| {
        examples_of(document, map, at, &mut found);
    });
    found
}

/// The examples `map` (at `at`) carries itself: a media type's, parameter's or header's
/// `example` / `examples` beside its `schema`, or a schema-level `example`.
fn examples_of(document: &Value, map: &Map<String, Value>, at: &str, out: &mut Vec<Example>) {
    if let Some(schema @ Value::Object(_)) = map.get("schema") {
        if let Some(value) = map.get("example") {
            out.push(Example {
                at: format!("{at}/example"),
                schema: schema.clone(),
                value: value.clone(),
            });
        }
        for (name, entry) in map
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(value) = resolve(document, entry).get("value") {
                out.push(Example {
                    at: format!("{at}/examples/{}", pointer_segment(name)),
                    schema: schema.clone(),
                    value: value.clone(),
                });
            }
        }
    } else if let Some(value) = map.get("example")
        && SCHEMA_KEYWORDS.iter().any(|k| map.contains_key(*k))
    {
        let mut schema = map.clone();
        schema.remove("example");
        out.push(Example {
            at: format!("{at}/example"),
            schema: Value::Object(schema),
            value: value.clone(),
        });
    }
}

/// A JSON Schema validator (draft 2020-12, formats enforced) for `schema`, with the `components`
/// of `document` reachable for its `$ref`s (`#/components/schemas/…`).
pub fn validator(document: &Value, schema: &Value) -> Result<jsonschema::Validator, String> {
    let Value::Object(schema) = schema else {
        return Err(format!("schema is not an object: {schema}"));
    };
    let mut root = Map::new();
    root.insert(
        "components".into(),
        document
            .get("components")
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new())),
    );
    root.extend(schema.clone());
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
