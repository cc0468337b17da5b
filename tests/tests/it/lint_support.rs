//! `cargo xtask lint`'s support rule (issue 17): a `pattern`, `format`, `minLength`, `maxLength`,
//! `minItems` or response status that neither the page's wording in the description nor an
//! `x-source` / `x-inferred` marker supports is reported, and so is an example its description
//! calls illustrative whose summary does not say so. Each rule fails on a fixture spec (a real
//! spec with one thing broken) with exactly one `file: place: problem` line.

use std::fs;

use serde_json::{Map, Value, json};
use workspace_tests::{PROVIDER_NAMES, SENTINEL, edit_document, operation_mut, scratch_workspace};
use xtask::lint;

/// Applies `edit` to `specs/<provider>.yaml` in a scratch workspace holding copies of every spec,
/// lints that workspace as `cargo xtask lint` does, and returns every problem line.
fn lint_lines(provider: &str, edit: impl Fn(&mut Value)) -> Vec<String> {
    let dir = scratch_workspace(|_| SENTINEL.to_owned());
    let spec = dir.path().join(format!("specs/{provider}.yaml"));
    let original = fs::read_to_string(&spec).unwrap();
    fs::write(&spec, edit_document(&original, edit)).unwrap();
    let reports = lint::run(dir.path()).unwrap();
    assert_eq!(reports.len(), PROVIDER_NAMES.len(), "one report per spec");
    reports
        .into_iter()
        .flat_map(|report| report.problems)
        .map(|problem| problem.to_string())
        .collect()
}

/// The object at JSON pointer `pointer` in `document`.
fn at<'a>(document: &'a mut Value, pointer: &str) -> &'a mut Map<String, Value> {
    document
        .pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {pointer}"))
}

const NOT_SUPPORTED: &str = "nor marked x-inferred or x-source";

#[test]
fn an_unmarked_pattern_is_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        // Drop the page's "Pattern: ..." wording from the description.
        at(
            d,
            "/components/schemas/CreateUserRequest/properties/residencyCountry",
        )
        .insert("description".into(), json!("Country of residence."));
    });
    assert_eq!(
        lines,
        [format!(
            "specs/wealthyhood.yaml: #/components/schemas/CreateUserRequest/properties/residencyCountry: pattern '^[A-Z]{{2}}$' is not in the description, {NOT_SUPPORTED}"
        )]
    );
}

#[test]
fn an_unmarked_format_is_reported() {
    let lines = lint_lines("btcdirect", |d| {
        at(d, "/components/schemas/User/properties/phoneNumber")
            .insert("format".into(), json!("uuid"));
    });
    assert_eq!(
        lines,
        [format!(
            "specs/btcdirect.yaml: #/components/schemas/User/properties/phoneNumber: format 'uuid' is not named in the description, {NOT_SUPPORTED}"
        )]
    );
}

#[test]
fn an_unmarked_min_length_is_reported() {
    let lines = lint_lines("btcdirect", |d| {
        at(d, "/components/schemas/UpdateUserRequest/properties/city")
            .insert("minLength".into(), json!(2));
    });
    assert_eq!(
        lines,
        [format!(
            "specs/btcdirect.yaml: #/components/schemas/UpdateUserRequest/properties/city: minLength 2 is not in the description, {NOT_SUPPORTED}"
        )]
    );
}

#[test]
fn an_unmarked_max_length_is_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        // The page says 1 - 100; a spec that says 80 has no source for it.
        at(
            d,
            "/components/schemas/CreateUserRequest/properties/lastName",
        )
        .insert("maxLength".into(), json!(80));
    });
    assert_eq!(
        lines,
        [format!(
            "specs/wealthyhood.yaml: #/components/schemas/CreateUserRequest/properties/lastName: maxLength 80 is not in the description, {NOT_SUPPORTED}"
        )]
    );
}

#[test]
fn an_unmarked_min_items_is_reported() {
    let lines = lint_lines("bitpanda", |d| {
        let terms = at(d, "/components/schemas/BitpandaTerms");
        terms.remove("x-inferred");
        terms.remove("x-inferred-note");
    });
    assert_eq!(
        lines,
        [format!(
            "specs/bitpanda.yaml: #/components/schemas/BitpandaTerms: minItems 1 is not in the description, {NOT_SUPPORTED}"
        )]
    );
}

#[test]
fn a_marker_or_the_page_wording_is_support_enough() {
    // The page's wording in the description supports the constraint without a marker...
    let lines = lint_lines("btcdirect", |d| {
        let city = at(d, "/components/schemas/UpdateUserRequest/properties/city");
        city.insert("minLength".into(), json!(2));
        city.insert("description".into(), json!("City, at least 2 characters."));
    });
    assert!(lines.is_empty(), "{lines:#?}");
    // ... and so does an x-source.
    let lines = lint_lines("btcdirect", |d| {
        let city = at(d, "/components/schemas/UpdateUserRequest/properties/city");
        city.insert("minLength".into(), json!(2));
        city.insert(
            "x-source".into(),
            json!("btcdirect-docs (specs/SOURCES.md): city length"),
        );
    });
    assert!(lines.is_empty(), "{lines:#?}");
}

#[test]
fn an_unmarked_response_status_is_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        let responses = operation_mut(d)["responses"].as_object_mut().unwrap();
        let conflict = responses["409"].as_object_mut().unwrap();
        conflict.remove("x-inferred");
        conflict.remove("x-inferred-note");
    });
    assert_eq!(
        lines,
        [
            "specs/wealthyhood.yaml: POST /users: response 409 carries neither x-source nor x-inferred: say which source gives the status"
        ]
    );
}

#[test]
fn an_illustrative_example_must_say_so_in_its_summary() {
    let lines = lint_lines("wealthyhood", |d| {
        operation_mut(d)["requestBody"]["content"]["application/json"]["examples"]["fullProfile"]
            ["summary"] = json!("A Greek user with every optional object filled in");
    });
    assert_eq!(
        lines,
        [
            "specs/wealthyhood.yaml: #/paths/~1users/post/requestBody/content/application~1json/examples/fullProfile: the description calls this example illustrative, the summary does not say so"
        ]
    );
}
