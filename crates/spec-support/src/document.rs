//! A spec as a JSON value: YAML in and out, JSON pointers, local `$ref`s, and a walker.

use serde_json::{Map, Value};

/// Parses YAML `text` into a JSON value, or says why it is not YAML (with line and column).
pub fn parse_yaml(text: &str) -> Result<Value, String> {
    yaml_serde::from_str(text).map_err(|e| e.to_string())
}

/// Writes `document` as YAML.
pub fn to_yaml(document: &Value) -> Result<String, String> {
    yaml_serde::to_string(document).map_err(|e| e.to_string())
}

/// Escapes one JSON-pointer segment (`~` → `~0`, `/` → `~1`).
pub fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

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

/// Calls `visit(object, pointer)` for every JSON object under `node` (whose JSON pointer is
/// `at`), each object before its members, descending into a member only where `descend(key)`.
pub fn visit_objects<'a>(
    node: &'a Value,
    at: &str,
    descend: &dyn Fn(&str) -> bool,
    visit: &mut dyn FnMut(&'a Map<String, Value>, &str),
) {
    match node {
        Value::Object(map) => {
            visit(map, at);
            for (key, child) in map.iter().filter(|(key, _)| descend(key)) {
                let here = format!("{at}/{}", pointer_segment(key));
                visit_objects(child, &here, descend, visit);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                visit_objects(child, &format!("{at}/{index}"), descend, visit);
            }
        }
        _ => {}
    }
}
