//! Reading the curated specs, shared by the maintainer's tool (`xtask`) and the tests.
//!
//! - [`root`]: the workspace root of the checkout that is running, found at run time;
//! - [`document`]: YAML in and out, JSON pointers, `$ref`s, and a walker over a document's objects;
//! - [`mod@examples`]: every example a spec carries, with the schema it must match;
//! - [`schema`]: OpenAPI 3.0 schemas turned into JSON Schema, and validators built from them.
//!
//! This crate depends on no crate of the workspace (in particular on no generated client), so the
//! tool and the tests that use it build even while a generated client does not.

pub mod document;
pub mod examples;
pub mod root;
pub mod schema;

pub use document::{parse_yaml, pointer_segment, resolve, to_yaml, visit_objects};
pub use examples::{Example, examples};
pub use root::workspace_root;
pub use schema::{example_problems, validator};

/// `specs/<provider>.yaml` of the running checkout, parsed; panics with the path on any problem.
///
/// Meant for tests: a missing or broken spec there is a failure worth a panic.
pub fn spec(provider: &str) -> serde_json::Value {
    let root = workspace_root().unwrap_or_else(|e| panic!("{e}"));
    let path = root.join("specs").join(format!("{provider}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_yaml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
