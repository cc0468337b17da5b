//! Support for the workspace-level tests in `tests/tests/it/`: where the workspace is, and the
//! examples each spec carries (the page's own sample requests and responses), read straight from
//! `specs/*.yaml` so the tests and the specs cannot drift apart.

pub mod imports;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The three providers, in the order snapshots list them.
pub const PROVIDER_NAMES: [&str; 3] = ["bitpanda", "btcdirect", "wealthyhood"];

/// The workspace root of the checkout under test, found at run time.
pub fn workspace_root() -> PathBuf {
    spec_support::workspace_root().unwrap_or_else(|e| panic!("{e}"))
}

pub use spec_support::spec;

/// Whether `operation` is a spec's user operation (create or update), the one tagged `users`;
/// BTC Direct's spec also holds the partner-token operations, tagged `authentication`.
fn is_user_operation(operation: &Value) -> bool {
    operation["tags"]
        .as_array()
        .is_some_and(|tags| tags.iter().any(|tag| tag == "users"))
}

/// The user operation of a spec: `(path, method, operation)`.
pub fn operation(spec: &Value) -> (String, String, Value) {
    spec["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .map(move |(method, op)| (path, method, op))
        })
        .find(|(_, _, op)| is_user_operation(op))
        .map(|(path, method, op)| (path.clone(), method.clone(), op.clone()))
        .expect("a user operation")
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

/// The documented success status of `provider`'s operation: the lowest 2xx code the spec names,
/// or for a `2XX` range, 200 (the first status the range covers).
pub fn documented_success_status(provider: &str) -> u16 {
    let (_, _, op) = operation(&spec(provider));
    op["responses"]
        .as_object()
        .and_then(|r| {
            r.keys()
                .filter_map(|k| {
                    if k.eq_ignore_ascii_case("2XX") {
                        Some(200)
                    } else {
                        k.parse::<u16>().ok()
                    }
                })
                .filter(|s| (200..300).contains(s))
                .min()
        })
        .unwrap_or_else(|| panic!("{provider}: no documented success status"))
}

/// What a stale generated file holds in the scratch workspaces of [`scratch_workspace`] callers
/// that must prove codegen left every generated file untouched.
pub const SENTINEL: &str = "// stale: codegen must not touch this file when any spec is broken\n";

/// A scratch workspace holding a copy of the real specs and, for each, a client crate whose
/// `generated.rs` holds `generated(provider)`.
pub fn scratch_workspace(generated: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = workspace_root();
    fs::create_dir_all(dir.path().join("specs")).expect("create specs/");
    for provider in PROVIDER_NAMES {
        let spec = format!("specs/{provider}.yaml");
        fs::copy(root.join(&spec), dir.path().join(&spec)).expect("copy spec");
        let src = dir.path().join(format!("crates/{provider}-client/src"));
        fs::create_dir_all(&src).expect("create client crate");
        let manifest = src.parent().expect("crate dir").join("Cargo.toml");
        fs::write(manifest, "[package]\n").expect("write Cargo.toml");
        fs::write(src.join("generated.rs"), generated(provider)).expect("write generated.rs");
    }
    dir
}

/// The generated file of every provider under `root`, in [`PROVIDER_NAMES`] order.
pub fn generated_files(root: &Path) -> Vec<String> {
    PROVIDER_NAMES
        .iter()
        .map(|p| {
            let path = root.join(format!("crates/{p}-client/src/generated.rs"));
            fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect()
}

/// Parses a spec, applies `edit` to the document and writes it back as YAML.
pub fn edit_document(text: &str, edit: impl Fn(&mut Value)) -> String {
    let mut document = spec_support::parse_yaml(text).expect("spec parses");
    edit(&mut document);
    spec_support::to_yaml(&document).expect("spec serialises")
}

/// The user operation object of a spec document (see [`operation`]).
pub fn operation_mut(document: &mut Value) -> &mut Value {
    document["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .find(|op| is_user_operation(op))
        .expect("a user operation")
}
