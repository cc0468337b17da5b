//! A few changes of a small document, each classified on the wire axis.

use serde_json::{Value, json};
use spec_diff::{Axis, Change, Severity, wire_changes};

/// A document with one operation whose request body is `request` and 200 response `response`.
fn document(request: Value, response: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"post": {
            "operationId": "makeThing",
            "requestBody": {"required": true, "content": {"application/json": {"schema": request}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": response}}}}
        }}}
    })
}

/// An object schema with `properties` and `required`.
fn object(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required})
}

/// The only change between `old` and `new`.
fn only_change(old: &Value, new: &Value) -> Change {
    let changes = wire_changes(old, new);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    changes.into_iter().next().unwrap()
}

#[test]
fn identical_documents_have_no_change() {
    let doc = document(
        object(json!({"name": {"type": "string"}}), &["name"]),
        json!({"type": "string"}),
    );
    assert_eq!(wire_changes(&doc, &doc), Vec::<Change>::new());
}

#[test]
fn a_new_required_request_field_breaks_callers() {
    let old = document(
        object(json!({"name": {"type": "string"}}), &["name"]),
        json!({"type": "string"}),
    );
    let new = document(
        object(
            json!({"name": {"type": "string"}, "age": {"type": "integer"}}),
            &["name", "age"],
        ),
        json!({"type": "string"}),
    );
    let change = only_change(&old, &new);
    assert_eq!(
        (change.axis, change.severity),
        (Axis::Wire, Severity::Breaking)
    );
    assert_eq!(
        change.to_string(),
        "`POST /things` request body `age`: new required field: `integer`, no checks; not sensitive"
    );
}

#[test]
fn an_enum_value_is_judged_by_direction() {
    let kinds = |values: &[&str]| json!({"type": "string", "enum": values});
    let old = document(kinds(&["a", "b"]), kinds(&["a", "b"]));
    // Added to the request: callers may send more, nothing breaks.
    let wider_request = document(kinds(&["a", "b", "c"]), kinds(&["a", "b"]));
    assert_eq!(
        only_change(&old, &wider_request).severity,
        Severity::NonBreaking
    );
    // Added to the response: the old client cannot decode the new value.
    let wider_response = document(kinds(&["a", "b"]), kinds(&["a", "b", "c"]));
    let change = only_change(&old, &wider_response);
    assert_eq!(change.severity, Severity::Breaking);
    assert_eq!(change.location, "response 200");
}

#[test]
fn a_changed_pattern_is_proven_or_given_a_witness() {
    let pattern = |p: &str| json!({"type": "string", "pattern": p});
    let old = document(pattern("^[a-z]+$"), json!({"type": "string"}));
    let wider = document(pattern("^[a-z0-9]+$"), json!({"type": "string"}));
    assert_eq!(only_change(&old, &wider).severity, Severity::NonBreaking);
    let narrower = document(pattern("^[a-y]+$"), json!({"type": "string"}));
    let change = only_change(&old, &narrower);
    assert_eq!(change.severity, Severity::Breaking);
    assert!(change.message.contains('z'), "{}", change.message);
}

#[test]
fn an_operation_moved_is_matched_by_its_operation_id() {
    let old = document(json!({"type": "string"}), json!({"type": "string"}));
    let mut new = old.clone();
    let item = new["paths"]
        .as_object_mut()
        .unwrap()
        .remove("/things")
        .unwrap();
    new["paths"]["/v2/things"] = item;
    let change = only_change(&old, &new);
    assert_eq!(change.subject, "POST /v2/things");
    assert_eq!(
        change.message,
        "path or method changed (was `POST /things`)"
    );
}
