//! Checks a spec before it reaches progenitor.
//!
//! progenitor and typify `panic!` on several inputs they do not support. Every such case that a
//! maintainer can plausibly write is detected here first and reported as a [`SpecError`] naming
//! the file and the place in it, so `cargo xtask codegen` fails with one clear line per problem.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

pub use spec_support::{pointer_segment, resolve, visit_objects};

/// One problem found in one spec: `specs/NAME.yaml: what is wrong`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec, relative to the workspace root, e.g. `specs/bitpanda.yaml`.
    pub spec: String,
    /// What is wrong, on one line, naming the place in the document where it can.
    pub problem: String,
}

impl SpecError {
    /// A problem in `spec`; line breaks in `problem` are folded so the report stays one line.
    pub fn new(spec: &str, problem: impl Into<String>) -> Self {
        let problem: String = problem.into();
        let problem = problem.split_whitespace().collect::<Vec<_>>().join(" ");
        Self {
            spec: spec.to_owned(),
            problem,
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.spec, self.problem)
    }
}

impl std::error::Error for SpecError {}

/// HTTP methods an OpenAPI path item may hold operations under.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Parses `text` (the contents of `spec`) and checks everything progenitor would panic on.
///
/// Returns the parsed document, or every problem found (at least one). This is [`parse`], then
/// [`problems`], then [`typed`].
pub fn check(spec: &str, text: &str) -> Result<openapiv3::OpenAPI, Vec<SpecError>> {
    let document = parse(spec, text)?;
    let found = problems(&document);
    if !found.is_empty() {
        return Err(found.into_iter().map(|p| SpecError::new(spec, p)).collect());
    }
    typed(spec, document)
}

/// Parses `text` (the contents of `spec`) as YAML and checks it declares OpenAPI 3.0.x.
pub fn parse(spec: &str, text: &str) -> Result<Value, Vec<SpecError>> {
    let fail = |problem: String| vec![SpecError::new(spec, problem)];
    let document =
        spec_support::parse_yaml(text).map_err(|e| fail(format!("invalid YAML: {e}")))?;
    match document.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0.") => Ok(document),
        Some(version) => Err(fail(format!(
            "OpenAPI version {version} is not supported: progenitor accepts only 3.0.x"
        ))),
        None => Err(fail("missing the `openapi: 3.0.x` version field".into())),
    }
}

/// Every structural problem of a parsed document that progenitor would panic on: dangling or
/// external `$ref`s, patterns `regress` cannot compile, and operations without an `operationId`
/// or with response bodies progenitor cannot type. Each entry names its place in the document.
pub fn problems(document: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    check_refs(document, &mut problems);
    check_patterns(document, &mut problems);
    check_operations(document, &mut problems);
    problems
}

/// Converts a parsed document (of `spec`) into the typed OpenAPI model progenitor reads.
pub fn typed(spec: &str, document: Value) -> Result<openapiv3::OpenAPI, Vec<SpecError>> {
    serde_json::from_value(document).map_err(|e| {
        vec![SpecError::new(
            spec,
            format!("not a valid OpenAPI 3.0 document: {e}"),
        )]
    })
}

/// Every `$ref` must be local (`#/…`) and point at something that exists.
fn check_refs(root: &Value, problems: &mut Vec<String>) {
    visit_objects(root, "#", &|_| true, &mut |map, at| {
        let Some(Value::String(target)) = map.get("$ref") else {
            return;
        };
        match target.strip_prefix('#') {
            Some(pointer) if root.pointer(pointer).is_some() => {}
            Some(_) => problems.push(format!("dangling $ref '{target}' at {at}")),
            None => problems.push(format!(
                "external $ref '{target}' at {at} is not supported: keep every schema in this file"
            )),
        }
    });
}

/// Every schema `pattern` must compile with `regress`, the engine the generated code uses.
fn check_patterns(root: &Value, problems: &mut Vec<String>) {
    visit_objects(root, "#", &|_| true, &mut |map, at| {
        let is_schema = !map.contains_key("in") && !map.contains_key("content");
        if let (true, Some(Value::String(pattern))) = (is_schema, map.get("pattern"))
            && let Err(e) = regress::Regex::new(pattern)
        {
            problems.push(format!("invalid regex pattern '{pattern}' at {at}: {e}"));
        }
    });
}

/// How progenitor classifies a response body: a JSON schema, another media type, or nothing.
fn response_kind(status: &str, response: &Value, at: &str, problems: &mut Vec<String>) -> String {
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return "no body".into();
    };
    let json = content
        .iter()
        .find(|(media, _)| *media == "application/json" || media.starts_with("application/json;"));
    match json {
        Some((media, media_type)) => {
            if media_type.get("encoding").is_some() {
                problems.push(format!("{at}: response {status} `{media}` has an `encoding`, which progenitor does not support"));
            }
            match media_type.get("schema") {
                Some(Value::Object(schema)) => match schema.get("$ref").and_then(Value::as_str) {
                    Some(target) => {
                        format!("schema {}", target.rsplit('/').next().unwrap_or(target))
                    }
                    None => format!("inline schema {}", Value::Object(schema.clone())),
                },
                _ => {
                    problems.push(format!("{at}: response {status} `{media}` has no schema"));
                    "no schema".into()
                }
            }
        }
        None if status == "101" => "upgrade".into(),
        None => match content.keys().next() {
            Some(media) => format!("raw `{media}`"),
            None => "no body".into(),
        },
    }
}

/// Whether progenitor counts `status` among the success responses.
fn is_success(status: &str) -> bool {
    status == "default" || status == "101" || status == "2XX" || status.starts_with('2')
}

/// Whether progenitor counts `status` among the error responses.
fn is_error(status: &str) -> bool {
    status == "default" || status.starts_with('4') || status.starts_with('5')
}

/// Each operation needs an `operationId`, a request body that progenitor can type, and at most one
/// distinct body among its success responses and among its error responses.
fn check_operations(document: &Value, problems: &mut Vec<String>) {
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        problems.push("no `paths`: there is nothing to generate".into());
        return;
    };
    for (path, item) in paths {
        let item = resolve(document, item);
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let at = format!("{} {path}", method.to_uppercase());
            if operation
                .get("operationId")
                .and_then(Value::as_str)
                .is_none()
            {
                problems.push(format!("{at}: missing operationId"));
            }
            if let Some(body) = operation.get("requestBody") {
                let body = resolve(document, body);
                if let Some(content) = body.get("content").and_then(Value::as_object) {
                    for (media, media_type) in content {
                        if media.starts_with("application/json")
                            && media_type.get("schema").is_none()
                        {
                            problems.push(format!("{at}: request body `{media}` has no schema"));
                        }
                    }
                }
            }
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                problems.push(format!("{at}: no responses"));
                continue;
            };
            let mut success = Vec::new();
            let mut errors = Vec::new();
            for (status, response) in responses {
                let kind = response_kind(status, resolve(document, response), &at, problems);
                if is_success(status) {
                    success.push((status.clone(), kind.clone()));
                }
                if is_error(status) {
                    errors.push((status.clone(), kind));
                }
            }
            // progenitor ignores `default` among successes when a `2XX` range covers them.
            if success.iter().any(|(s, _)| s == "2XX") {
                success.retain(|(s, _)| s != "default");
            }
            for (role, list) in [("success", &success), ("error", &errors)] {
                let distinct: BTreeSet<&String> = list.iter().map(|(_, kind)| kind).collect();
                if distinct.len() > 1 {
                    let listing = list
                        .iter()
                        .map(|(status, kind)| format!("{status}: {kind}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    problems.push(format!(
                        "{at}: the {role} responses must share one body schema, found {} ({listing})",
                        distinct.len()
                    ));
                }
            }
        }
    }
}
