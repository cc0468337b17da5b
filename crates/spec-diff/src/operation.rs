//! The operations of a document and what the walk needs to read them: `$ref`s followed, the
//! parameters an operation takes (path-level ones included), whether a node is required.

use std::collections::BTreeMap;

use serde_json::Value;

/// HTTP methods an OpenAPI path item may hold operations under.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Follows a local `$ref` (if `node` is one) to the object it names; `node` itself otherwise.
pub fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(pointer) => root.pointer(pointer).unwrap_or(node),
        None => node,
    }
}

/// One operation of a document.
pub(crate) struct Operation<'a> {
    /// The path item it belongs to (for path-level parameters).
    pub item: &'a Value,
    /// The operation object.
    pub operation: &'a Value,
}

/// Every operation of `document`, keyed `METHOD /path`.
pub(crate) fn operations(document: &Value) -> BTreeMap<String, Operation<'_>> {
    let mut found = BTreeMap::new();
    for (path, item) in document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let item = resolve(document, item);
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.insert(
                    format!("{} {path}", method.to_uppercase()),
                    Operation { item, operation },
                );
            }
        }
    }
    found
}

/// The `operationId` of an operation, if it has one.
pub(crate) fn operation_id<'a>(operation: &Operation<'a>) -> Option<&'a str> {
    operation
        .operation
        .get("operationId")
        .and_then(Value::as_str)
}

/// A value as shown inline: strings bare, anything else as JSON.
pub(crate) fn show_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Whether `node` has `required: true`.
pub(crate) fn is_required(node: &Value) -> bool {
    node.get("required") == Some(&Value::Bool(true))
}

/// The parameters of an operation, path-level ones first and overridden by the operation's,
/// keyed by (`in`, `name`).
pub(crate) fn parameters<'a>(
    document: &'a Value,
    operation: &Operation<'a>,
) -> BTreeMap<(String, String), &'a Value> {
    let mut found = BTreeMap::new();
    for list in [operation.item, operation.operation] {
        for parameter in list
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let parameter = resolve(document, parameter);
            if let (Some(place), Some(name)) = (
                parameter.get("in").and_then(Value::as_str),
                parameter.get("name").and_then(Value::as_str),
            ) {
                found.insert((place.to_owned(), name.to_owned()), parameter);
            }
        }
    }
    found
}
