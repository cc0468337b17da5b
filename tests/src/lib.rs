//! Support for the workspace-level tests in `tests/tests/`: where the workspace is, and the
//! examples each spec carries (the page's own sample requests and responses), read straight from
//! `specs/*.yaml` so the tests and the specs cannot drift apart.

use std::path::PathBuf;

use serde_json::Value;

/// The three providers, in the order snapshots list them.
pub const PROVIDERS: [&str; 3] = ["bitpanda", "btcdirect", "wealthyhood"];

/// The workspace root (`<root>/tests` is this crate).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `specs/<provider>.yaml` parsed as JSON values.
pub fn spec(provider: &str) -> Value {
    let path = workspace_root()
        .join("specs")
        .join(format!("{provider}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The single operation of a spec: `(path, method, operation)`.
pub fn operation(spec: &Value) -> (String, String, Value) {
    let (path, item) = spec["paths"]
        .as_object()
        .and_then(|p| p.iter().next())
        .expect("one path");
    let (method, op) = item
        .as_object()
        .and_then(|i| i.iter().next())
        .expect("one operation");
    (path.clone(), method.clone(), op.clone())
}

/// The named request-body example of `provider`'s operation.
pub fn request_example(provider: &str, name: &str) -> Value {
    let (_, _, op) = operation(&spec(provider));
    op["requestBody"]["content"]["application/json"]["examples"][name]["value"].clone()
}

/// The first example of the response with `status` of `provider`'s operation.
pub fn response_example(provider: &str, status: &str) -> Value {
    let (_, _, op) = operation(&spec(provider));
    let examples = &op["responses"][status]["content"]["application/json"]["examples"];
    examples
        .as_object()
        .and_then(|e| e.values().next())
        .map(|e| e["value"].clone())
        .unwrap_or_else(|| panic!("{provider}: response {status} has no example"))
}

/// The documented error statuses (4xx and 5xx) of `provider`'s operation, ascending.
pub fn documented_error_statuses(provider: &str) -> Vec<u16> {
    let (_, _, op) = operation(&spec(provider));
    let mut statuses: Vec<u16> = op["responses"]
        .as_object()
        .map(|r| {
            r.keys()
                .filter_map(|k| k.parse().ok())
                .filter(|s| *s >= 400)
                .collect()
        })
        .unwrap_or_default();
    statuses.sort_unstable();
    statuses
}

/// The documented success status of `provider`'s operation.
pub fn documented_success_status(provider: &str) -> u16 {
    let (_, _, op) = operation(&spec(provider));
    op["responses"]
        .as_object()
        .and_then(|r| {
            r.keys()
                .filter_map(|k| k.parse::<u16>().ok())
                .find(|s| (200..300).contains(s))
        })
        .unwrap_or_else(|| panic!("{provider}: no documented success status"))
}
