//! `cargo xtask diff`: each category of change, made as one edit of the fixture spec
//! `tests/fixtures/diff/base.yaml` (or of a real spec), is classified on both axes — wire (from
//! the specs) and source (from the two generated clients) — and reported as Markdown lines
//! (snapshotted, one question per snapshot). The categories of issue 11 (source breaks, the
//! value keywords, patterns, nullable by position) each have a pair of fixture specs
//! `tests/fixtures/diff/<category>/{old,new}.yaml` and a snapshot of their report. The committed
//! specs diffed against themselves report "No changes"; and the git path compares the work tree
//! with a revision, including added and removed specs.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::{Map, Value, json};
use workspace_tests::{PROVIDER_NAMES, operation_mut, spec, workspace_root};
use xtask::diff::{
    Axis, Change, Severity, SpecDiff, SpecStatus, diff_documents, render_markdown, render_report,
    wire_changes,
};

use Severity::{Breaking, NonBreaking, Review};

/// The fixture every category edits.
fn base() -> Value {
    let path = workspace_root().join("tests/fixtures/diff/base.yaml");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The object at JSON pointer `pointer` in `document`.
fn at<'a>(document: &'a mut Value, pointer: &str) -> &'a mut Map<String, Value> {
    document
        .pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {pointer}"))
}

/// The changes from the fixture to the fixture with `edit` applied.
fn changes(edit: impl Fn(&mut Value)) -> Vec<Change> {
    let old = base();
    let mut new = old.clone();
    edit(&mut new);
    diff_documents(&old, &new)
}

/// One classified change: its axis, its severity and its line.
type Classified = (Axis, Severity, String);

/// Each change as `(axis, severity, line)`.
fn classify(changes: &[Change]) -> Vec<Classified> {
    changes
        .iter()
        .map(|c| (c.axis, c.severity, c.to_string()))
        .collect()
}

/// The Markdown section for the fixture with `edit` applied, and the classification of each
/// change.
fn report(edit: impl Fn(&mut Value)) -> (String, Vec<Classified>) {
    let changes = changes(edit);
    (
        render_markdown("fixture.yaml", &changes),
        classify(&changes),
    )
}

/// The severities of the changes on `axis`, in report order.
fn on(axis: Axis, classified: &[Classified]) -> Vec<Severity> {
    classified
        .iter()
        .filter(|(a, _, _)| *a == axis)
        .map(|(_, s, _)| *s)
        .collect()
}

/// The severities on the wire axis.
fn wire(classified: &[Classified]) -> Vec<Severity> {
    on(Axis::Wire, classified)
}

/// The severities on the source axis.
fn source(classified: &[Classified]) -> Vec<Severity> {
    on(Axis::Source, classified)
}

/// The severity of the one change on `axis` whose line contains `needle`.
fn verdict(classified: &[Classified], axis: Axis, needle: &str) -> Severity {
    let found: Vec<&Classified> = classified
        .iter()
        .filter(|(a, _, line)| *a == axis && line.contains(needle))
        .collect();
    assert_eq!(found.len(), 1, "{axis} `{needle}` in {classified:#?}");
    found[0].1
}

/// Asserts the severity of each change on `axis` whose line contains the given text.
fn expect(classified: &[Classified], axis: Axis, expected: &[(&str, Severity)]) {
    for (needle, severity) in expected {
        assert_eq!(verdict(classified, axis, needle), *severity, "{needle}");
    }
}

/// The fixture pair `tests/fixtures/diff/<category>/{old,new}.yaml`, its Markdown section and
/// its classified changes.
fn pair(category: &str) -> (String, Vec<Classified>) {
    let read = |side: &str| {
        let path = workspace_root().join(format!("tests/fixtures/diff/{category}/{side}.yaml"));
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        yaml_serde::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let changes = diff_documents(&read("old"), &read("new"));
    (
        render_markdown(&format!("{category}.yaml"), &changes),
        classify(&changes),
    )
}

const NEW_USER: &str = "/components/schemas/NewUser";
const USER: &str = "/components/schemas/User";

// ---- operations ------------------------------------------------------------------------------

#[test]
fn operation_removed() {
    let (markdown, classified) = report(|d| {
        at(d, "/paths").remove("/users/{id}");
    });
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    // The method and the parameter type only it used.
    assert_eq!(source(&classified), [Breaking, Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn operation_added() {
    let (markdown, classified) = report(|d| {
        at(d, "/paths/~1users~1{id}").insert(
            "delete".into(),
            json!({
                "operationId": "deleteUser",
                "summary": "Delete a user",
                "parameters": [{
                    "name": "id", "in": "path", "required": true,
                    "description": "The user's id.", "schema": {"type": "string"},
                }],
                "responses": {"204": {"description": "Deleted"}},
            }),
        );
    });
    assert_eq!(wire(&classified), [NonBreaking], "{classified:#?}");
    assert_eq!(source(&classified), [NonBreaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn path_changed() {
    let (markdown, classified) = report(|d| {
        let paths = at(d, "/paths");
        let item = paths.remove("/users").unwrap();
        paths.insert("/accounts".into(), item);
    });
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    assert_eq!(source(&classified), [], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn method_changed() {
    let (markdown, classified) = report(|d| {
        let item = at(d, "/paths/~1users");
        let operation = item.remove("post").unwrap();
        item.insert("put".into(), operation);
    });
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    assert_eq!(source(&classified), [], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn operation_id_changed() {
    let (markdown, classified) = report(|d| {
        at(d, "/paths/~1users/post")["operationId"] = json!("registerUser");
    });
    // The same request on the wire; the generated method is renamed.
    assert_eq!(wire(&classified), [NonBreaking], "{classified:#?}");
    assert_eq!(source(&classified), [Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

// ---- request ---------------------------------------------------------------------------------

#[test]
fn request_new_required_field() {
    let (markdown, classified) = report(|d| {
        let schema = at(d, NEW_USER);
        schema["properties"]["phone"] = json!({"type": "string", "description": "Phone."});
        schema["required"] = json!(["email", "name", "phone"]);
    });
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    assert_eq!(source(&classified), [Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_new_optional_field() {
    let (markdown, classified) = report(|d| {
        at(d, NEW_USER)["properties"]["phone"] = json!({"type": "string", "description": "Phone."});
    });
    // Harmless on the wire, but struct literals of the request type lack the field.
    assert_eq!(wire(&classified), [NonBreaking], "{classified:#?}");
    assert_eq!(source(&classified), [Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_field_removed() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{NEW_USER}/properties")).remove("age");
    });
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    assert_eq!(source(&classified), [Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_field_made_required_or_optional() {
    let (markdown, classified) = report(|d| {
        at(d, NEW_USER)["required"] = json!(["email", "age"]);
    });
    assert_eq!(
        wire(&classified),
        [Breaking, NonBreaking],
        "{classified:#?}"
    );
    // `Option<T>` ↔ `T` both ways.
    assert_eq!(source(&classified), [Breaking, Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_type_changed() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{NEW_USER}/properties/age"))["type"] = json!("string");
    });
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    assert_eq!(source(&classified), [Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_type_narrowed_to_an_enum() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{NEW_USER}/properties/name"))
            .insert("enum".into(), json!(["Jane", "John"]));
    });
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    assert!(source(&classified).contains(&Breaking), "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn one_of_variant_added_and_removed() {
    let variants = |d: &mut Value, names: &[&str]| {
        let refs: Vec<Value> = names
            .iter()
            .map(|n| json!({"$ref": format!("#/components/schemas/{n}")}))
            .collect();
        d["paths"]["/users"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
            json!({"oneOf": refs});
        d["paths"]["/users"]["post"]["responses"]["201"]["content"]["application/json"]["schema"] =
            json!({"oneOf": refs});
    };
    let mut old = base();
    variants(&mut old, &["NewUser", "Address"]);
    let mut new = base();
    variants(&mut new, &["NewUser", "Error"]);
    let changes = wire_changes(&old, &new);
    let classified: Vec<(Severity, String)> = changes
        .iter()
        .map(|c| (c.severity, c.to_string()))
        .collect();
    // A request loses a variant callers may send and gains one they need not; a response may
    // now carry a variant the old client cannot decode, and no longer carries one it could.
    assert_eq!(
        classified,
        [
            (
                Breaking,
                "`POST /users` request body: oneOf variant `Address` removed".to_owned()
            ),
            (
                NonBreaking,
                "`POST /users` request body: oneOf variant `Error` added".to_owned()
            ),
            (
                NonBreaking,
                "`POST /users` response 201: oneOf variant `Address` removed".to_owned()
            ),
            (
                Breaking,
                "`POST /users` response 201: oneOf variant `Error` added".to_owned()
            ),
        ]
    );
    insta::assert_snapshot!(render_markdown("fixture.yaml", &changes));
}

#[test]
fn request_format_changed() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{NEW_USER}/properties/email"))["format"] = json!("idn-email");
    });
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    // Both formats are plain strings in Rust.
    assert_eq!(source(&classified), [], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_no_longer_nullable() {
    let (old, new) = {
        let mut old = base();
        at(&mut old, &format!("{NEW_USER}/properties/age")).insert("nullable".into(), json!(true));
        (old, base())
    };
    let changes = diff_documents(&old, &new);
    let classified = classify(&changes);
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    // An optional field is an `Option` whether or not it is nullable.
    assert_eq!(source(&classified), [], "{classified:#?}");
    insta::assert_snapshot!(render_markdown("fixture.yaml", &changes));
}

/// A pattern added to a component reached from a request and two responses: reported once per
/// path that reaches it, breaking only where the caller sends it.
#[test]
fn pattern_added_in_a_shared_component() {
    let (markdown, classified) = report(|d| {
        at(d, "/components/schemas/Address/properties/countryCode")
            .insert("pattern".into(), json!("^[A-Z]{2}$"));
    });
    let wire_lines: Vec<(Severity, String)> = classified
        .iter()
        .filter(|(axis, _, _)| *axis == Axis::Wire)
        .map(|(_, s, line)| (*s, line.clone()))
        .collect();
    // The constrained string is a new type: `String` → `AddressCountryCode`.
    assert_eq!(
        source(&classified),
        [Breaking, NonBreaking],
        "{classified:#?}"
    );
    assert_eq!(
        wire_lines,
        [
            (
                NonBreaking,
                "`GET /users/{id}` response 200 `address.countryCode`: pattern added `^[A-Z]{2}$`"
                    .to_owned()
            ),
            (
                Breaking,
                "`POST /users` request body `address.countryCode`: pattern added `^[A-Z]{2}$`"
                    .to_owned()
            ),
            (
                NonBreaking,
                "`POST /users` response 201 `address.countryCode`: pattern added `^[A-Z]{2}$`"
                    .to_owned()
            ),
        ]
    );
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_pattern_changed() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{NEW_USER}/properties/name")).insert("pattern".into(), json!("^\\S+$"));
    });
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    assert_eq!(source(&classified), [], "{classified:#?}");
    let (markdown_changed, classified_changed) = {
        let mut old = base();
        at(&mut old, &format!("{NEW_USER}/properties/name"))
            .insert("pattern".into(), json!("^\\S+$"));
        let mut new = base();
        at(&mut new, &format!("{NEW_USER}/properties/name"))
            .insert("pattern".into(), json!("^\\S.*$"));
        let changes = diff_documents(&old, &new);
        (
            render_markdown("fixture.yaml", &changes),
            classify(&changes),
        )
    };
    // `\S.*` accepts every non-empty string of non-spaces: proven, so not breaking.
    assert_eq!(
        wire(&classified_changed),
        [NonBreaking],
        "{classified_changed:#?}"
    );
    insta::assert_snapshot!(format!("{markdown}\n{markdown_changed}"));
}

#[test]
fn request_lengths_tightened() {
    let (markdown, classified) = report(|d| {
        let name = at(d, &format!("{NEW_USER}/properties/name"));
        name["maxLength"] = json!(50);
        name["minLength"] = json!(2);
    });
    assert_eq!(wire(&classified), [Breaking, Breaking], "{classified:#?}");
    assert_eq!(source(&classified), [], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_lengths_loosened() {
    let (markdown, classified) = report(|d| {
        let name = at(d, &format!("{NEW_USER}/properties/name"));
        name["maxLength"] = json!(200);
        name.remove("minLength");
        at(d, &format!("{NEW_USER}/properties/age"))["minimum"] = json!(16);
    });
    assert_eq!(wire(&classified), [NonBreaking; 3], "{classified:#?}");
    assert_eq!(source(&classified), [], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_minimum_raised() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{NEW_USER}/properties/age"))["minimum"] = json!(21);
    });
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    assert_eq!(source(&classified), [], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

/// `Language` is sent in the request and decoded in both responses: a removed value breaks all.
#[test]
fn enum_value_removed() {
    let (markdown, classified) = report(|d| {
        at(d, "/components/schemas/Language")["enum"] = json!(["en"]);
    });
    // Refused in the request; the old client still decodes the responses; the variant callers
    // name is gone.
    assert_eq!(verdict(&classified, Axis::Wire, "request body"), Breaking);
    assert_eq!(
        verdict(&classified, Axis::Wire, "response 201"),
        NonBreaking
    );
    assert_eq!(source(&classified), [Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

/// An added value is harmless in the request and breaks decoding in the responses.
#[test]
fn enum_value_added() {
    let (markdown, classified) = report(|d| {
        at(d, "/components/schemas/Language")["enum"] = json!(["en", "el", "de"]);
    });
    assert_eq!(
        verdict(&classified, Axis::Wire, "request body"),
        NonBreaking
    );
    assert_eq!(verdict(&classified, Axis::Wire, "response 200"), Breaking);
    assert_eq!(verdict(&classified, Axis::Wire, "response 201"), Breaking);
    // Callers match on the enum they decode: a new variant breaks an exhaustive `match`.
    assert_eq!(source(&classified), [Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn required_request_body_added_and_removed() {
    let (removed, classified) = report(|d| {
        at(d, "/paths/~1users/post").remove("requestBody");
    });
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    assert!(source(&classified).contains(&Breaking), "{classified:#?}");
    let (made_optional, classified) = report(|d| {
        at(d, "/paths/~1users/post/requestBody")["required"] = json!(false);
    });
    assert_eq!(wire(&classified), [NonBreaking], "{classified:#?}");
    insta::assert_snapshot!(format!("{removed}\n{made_optional}"));
}

// ---- parameters ------------------------------------------------------------------------------

#[test]
fn parameter_added_removed_and_narrowed() {
    let (markdown, classified) = report(|d| {
        let parameters = d["paths"]["/users/{id}"]["get"]["parameters"]
            .as_array_mut()
            .unwrap();
        parameters[1]["schema"]["maxLength"] = json!(100);
        parameters.push(json!({
            "name": "expand", "in": "query", "required": false,
            "description": "Expand.", "schema": {"type": "boolean"},
        }));
    });
    // The narrowed parameter breaks the wire; the new optional one only the method's arguments.
    assert_eq!(
        wire(&classified),
        [Breaking, NonBreaking],
        "{classified:#?}"
    );
    assert_eq!(source(&classified), [Breaking], "{classified:#?}");
    let (removed, classified) = report(|d| {
        d["paths"]["/users/{id}"]["get"]["parameters"]
            .as_array_mut()
            .unwrap()
            .remove(1);
    });
    // The method's arguments, and the parameter's type is gone.
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    assert_eq!(source(&classified), [Breaking, Breaking], "{classified:#?}");
    insta::assert_snapshot!(format!("{markdown}\n{removed}"));
}

// ---- responses -------------------------------------------------------------------------------

#[test]
fn response_field_removed() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{USER}/properties")).remove("nickname");
    });
    // An optional field: the old client decodes its absence; code reading it breaks.
    assert_eq!(
        wire(&classified),
        [NonBreaking, NonBreaking],
        "{classified:#?}"
    );
    assert_eq!(source(&classified), [Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn response_field_made_optional() {
    let (markdown, classified) = report(|d| {
        at(d, USER)["required"] = json!(["id", "status"]);
    });
    assert_eq!(wire(&classified), [Breaking, Breaking], "{classified:#?}");
    assert_eq!(source(&classified), [Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn response_new_required_field() {
    let (markdown, classified) = report(|d| {
        let user = at(d, USER);
        user["properties"]["createdAt"] =
            json!({"type": "string", "format": "date-time", "description": "Created."});
        user["required"] = json!(["id", "email", "status", "createdAt"]);
    });
    assert_eq!(
        wire(&classified),
        [NonBreaking, NonBreaking],
        "{classified:#?}"
    );
    // Callers only read `User`.
    assert_eq!(source(&classified), [NonBreaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn response_enum_value_added() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{USER}/properties/status"))["enum"] =
            json!(["active", "pending", "blocked"]);
    });
    assert_eq!(wire(&classified), [Breaking, Breaking], "{classified:#?}");
    assert_eq!(source(&classified), [Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn response_now_nullable() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{USER}/properties/email")).insert("nullable".into(), json!(true));
    });
    // `email` is required: the old client decodes it into `String`.
    assert_eq!(wire(&classified), [Breaking, Breaking], "{classified:#?}");
    assert_eq!(source(&classified), [Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn status_removed() {
    let (markdown, classified) = report(|d| {
        at(d, "/paths/~1users/post/responses").remove("500");
    });
    // The old client still decodes every status that remains.
    assert_eq!(wire(&classified), [NonBreaking], "{classified:#?}");
    assert_eq!(source(&classified), [], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn status_added() {
    let (markdown, classified) = report(|d| {
        let responses = at(d, "/paths/~1users/post/responses");
        let error = responses["400"].clone();
        responses.insert("409".into(), error);
        let created = responses["201"].clone();
        responses.insert("202".into(), created);
    });
    // A new success status is an unexpected response to the old client; a new error is not.
    assert_eq!(verdict(&classified, Axis::Wire, "`202` added"), Breaking);
    assert_eq!(verdict(&classified, Axis::Wire, "`409` added"), NonBreaking);
    // The same body types: the generated method is unchanged.
    assert_eq!(source(&classified), [], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

/// A change inside the error schema shared by the 400 and 500 responses is one line naming both.
#[test]
fn shared_error_schema_change_is_reported_once() {
    let (markdown, classified) = report(|d| {
        at(d, "/components/schemas/Error/properties/code")["enum"] =
            json!(["invalid", "internal", "conflict"]);
    });
    assert_eq!(
        classified[0],
        (
            Axis::Wire,
            Breaking,
            "`POST /users` responses 400, 500 `code`: enum value `conflict` added".to_owned()
        )
    );
    assert_eq!(wire(&classified), [Breaking], "{classified:#?}");
    // `types::ErrorCode` gains a variant callers match on.
    assert_eq!(source(&classified), [Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

// ---- security --------------------------------------------------------------------------------

#[test]
fn security_scheme_changed() {
    let (markdown, classified) = report(|d| {
        d["components"]["securitySchemes"]["bearerAuth"] =
            json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"});
    });
    // Once per operation that uses the scheme.
    assert_eq!(wire(&classified), [Breaking, Breaking], "{classified:#?}");
    assert_eq!(source(&classified), [], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn security_requirement_added_and_removed() {
    let (alternative, classified) = report(|d| {
        d["components"]["securitySchemes"]["apiKey"] =
            json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"});
        d["security"] = json!([{"bearerAuth": []}, {"apiKey": []}]);
    });
    assert_eq!(
        wire(&classified),
        [NonBreaking, NonBreaking],
        "{classified:#?}"
    );
    let (replaced, classified) = report(|d| {
        d["components"]["securitySchemes"]["apiKey"] =
            json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"});
        at(d, "/paths/~1users/post").insert("security".into(), json!([{"apiKey": []}]));
    });
    assert_eq!(
        wire(&classified),
        [Breaking, NonBreaking],
        "{classified:#?}"
    );
    assert_eq!(source(&classified), [], "{classified:#?}");
    insta::assert_snapshot!(format!("{alternative}\n{replaced}"));
}

// ---- categories over fixture pairs -------------------------------------------------------------

/// The four source breaks a spec-only diff cannot see, and a renamed operation: each is
/// harmless on the wire and breaking in the source.
#[test]
fn source_breaks_from_the_generated_code() {
    let (markdown, classified) = pair("source");
    expect(
        &classified,
        Axis::Wire,
        &[
            ("`phone`: new optional field", NonBreaking),
            ("`name`: field made optional", NonBreaking),
            ("`age`: now nullable", NonBreaking),
            ("operationId changed", NonBreaking),
        ],
    );
    expect(
        &classified,
        Axis::Source,
        &[
            // A new optional request field.
            ("`types::NewUser` `phone`: new field", Breaking),
            // A required request field made optional: `T` becomes `Option<T>`.
            ("`types::NewUser` `name`", Breaking),
            // `nullable` added to a required request field: `T` becomes `Option<T>`.
            ("`types::NewUser` `age`", Breaking),
            // A renamed component: invisible on the wire, the type (and typify's types named
            // after it) renamed in the source.
            (
                "`types::Address`: type renamed to `types::PostalAddress`",
                Breaking,
            ),
            // A renamed operation: the same request, a renamed method.
            (
                "`Client::create_user`: method renamed to `Client::register_user`",
                Breaking,
            ),
            // A new field of a response type: callers only read it.
            ("`types::User` `created_at`", NonBreaking),
            // A new variant of an enum no operation uses: callers may match on it.
            ("`types::Tier`: variant `Pro` added", Breaking),
        ],
    );
    insta::assert_snapshot!(markdown);
}

/// exclusiveMinimum/exclusiveMaximum, multipleOf, uniqueItems, minProperties/maxProperties,
/// readOnly/writeOnly and additionalProperties, each on the side where it matters.
#[test]
fn value_keywords_on_both_sides() {
    let (markdown, classified) = pair("keywords");
    expect(
        &classified,
        Axis::Wire,
        &[
            ("request body `quantity`: exclusiveMinimum added", Breaking),
            ("request body `price`: exclusiveMaximum added", Breaking),
            ("response 201 `total`: exclusiveMinimum added", NonBreaking),
            // 10 is a multiple of 5: every old value is still valid. 2 and 3 divide neither way.
            ("`lot`: multipleOf changed 10 → 5", NonBreaking),
            ("`step`: multipleOf changed 2 → 3", Breaking),
            ("request body `tags`: uniqueItems added", Breaking),
            ("response 201 `labels`: uniqueItems removed", NonBreaking),
            ("`attributes`: maxProperties 5 added", Breaking),
            ("`attributes`: minProperties 1 added", Breaking),
            ("request body `reference`: readOnly added", Breaking),
            // Required in the response: the old client needs it; optional: it does not.
            ("response 201 `secret`: writeOnly added", Breaking),
            ("response 201 `note`: writeOnly added", NonBreaking),
            (
                "request body `shipping`: additionalProperties a schema → false",
                Breaking,
            ),
            (
                "response 201 `details`: additionalProperties false → any",
                Breaking,
            ),
        ],
    );
    insta::assert_snapshot!(markdown);
}

/// A changed pattern is non-breaking only when containment is proven; a witness makes it
/// breaking; a pattern the check cannot read is to review, never silent.
#[test]
fn patterns_by_language_containment() {
    let (markdown, classified) = pair("patterns");
    expect(
        &classified,
        Axis::Wire,
        &[
            ("request body `code`", NonBreaking),
            ("response 201 `code`", Breaking),
            ("request body `reference`", Breaking),
            ("response 201 `reference`", NonBreaking),
            // `[a-z]` anywhere accepts every all-lowercase string.
            ("request body `tag`", NonBreaking),
            ("request body `name`", Review),
            ("response 201 `name`", Review),
        ],
    );
    assert!(
        markdown.contains("**Possibly breaking: review** (2)"),
        "{markdown}"
    );
    insta::assert_snapshot!(markdown);
}

/// `nullable` judged by position: required or optional, request or response.
#[test]
fn nullable_by_position() {
    let (markdown, classified) = pair("nullable");
    expect(
        &classified,
        Axis::Wire,
        &[
            ("request body `name`: now nullable", NonBreaking),
            ("request body `nickname`: now nullable", NonBreaking),
            ("request body `age`: no longer nullable", Breaking),
            ("response 201 `email`: now nullable", Breaking),
            // The old `Option<String>` already decodes `null`, and the code is identical.
            ("response 201 `nickname`: now nullable", NonBreaking),
        ],
    );
    expect(
        &classified,
        Axis::Source,
        &[
            ("`types::NewUser` `name`", Breaking),
            ("`types::NewUser` `age`", Breaking),
            ("`types::User` `email`", Breaking),
        ],
    );
    assert!(
        !classified
            .iter()
            .any(|(axis, _, line)| *axis == Axis::Source && line.contains("nickname")),
        "{classified:#?}"
    );
    insta::assert_snapshot!(markdown);
}

/// Each change names its axis; a report that breaks only the source still counts as breaking.
#[test]
fn each_change_names_the_axis_it_breaks() {
    let (_, classified) = report(|d| {
        at(d, NEW_USER)["properties"]["phone"] = json!({"type": "string", "description": "Phone."});
    });
    let changes = changes(|d| {
        at(d, NEW_USER)["properties"]["phone"] = json!({"type": "string", "description": "Phone."});
    });
    let breaks: Vec<&[Axis]> = changes.iter().map(Change::breaks).collect();
    assert_eq!(breaks, [&[][..], &[Axis::Source][..]], "{classified:#?}");
    let diff = SpecDiff {
        spec: "specs/fixture.yaml".into(),
        status: SpecStatus::Changed,
        changes,
    };
    assert!(diff.has_breaking());
    assert!(!diff.has_review());
}

// ---- real specs ------------------------------------------------------------------------------

#[test]
fn the_committed_specs_against_themselves_report_no_changes() {
    for provider in PROVIDER_NAMES {
        let document = spec(provider);
        let changes = diff_documents(&document, &document);
        assert_eq!(changes, [], "{provider}");
        assert_eq!(
            render_markdown(&format!("specs/{provider}.yaml"), &changes),
            format!("### specs/{provider}.yaml\n\nNo changes.\n")
        );
    }
}

/// In a real spec, a change in a component is attributed to the request field that reaches it.
#[test]
fn a_real_spec_change_is_attributed_to_the_request_field() {
    let old = spec("wealthyhood");
    let mut new = old.clone();
    at(
        &mut new,
        "/components/schemas/Address/properties/countryCode",
    )
    .insert("pattern".into(), json!("^(GR|CY)$"));
    at(&mut new, "/components/schemas/Address")["required"] =
        json!(["line1", "city", "postalCode", "countryCode", "region"]);
    at(&mut new, "/components/schemas/Address/properties")
        .insert("region".into(), json!({"type": "string"}));
    let changes = diff_documents(&old, &new);
    insta::assert_snapshot!(render_markdown("specs/wealthyhood.yaml", &changes));
    assert!(
        changes.iter().any(|c| c.is_breaking()
            && c.to_string()
                == "`POST /users` request body `address.countryCode`: pattern changed `^[A-Z]{2}$` → `^(GR|CY)$`: `AA` matches the old pattern, not the new one"),
        "{changes:#?}"
    );
}

/// The oneOf branches of Bitpanda's request body are compared branch by branch.
#[test]
fn a_one_of_branch_field_is_named_by_its_branch() {
    let old = spec("bitpanda");
    let mut new = old.clone();
    operation_mut(&mut new)["summary"] = json!("Create a user (renamed summary is ignored)");
    at(
        &mut new,
        "/components/schemas/BringYourOwnLicenseUser/properties",
    )
    .remove("external_meta");
    let changes = diff_documents(&old, &new);
    let lines: Vec<(Axis, String)> = changes.iter().map(|c| (c.axis, c.to_string())).collect();
    assert_eq!(
        lines,
        [
            (
                Axis::Wire,
                "`POST /v2/users` request body `<BringYourOwnLicenseUser>.external_meta`: field removed (callers who set it must stop)".to_owned()
            ),
            (
                Axis::Source,
                "`types::BringYourOwnLicenseUser` `external_meta`: field removed".to_owned()
            ),
        ]
    );
}

/// Bitpanda's name pattern (a thousand characters of Unicode ranges) loosened by one character:
/// containment is proven on the real pattern, and the report shows only the part that differs.
#[test]
fn a_real_pattern_loosening_is_proven_and_shown_by_its_difference() {
    let old = spec("bitpanda");
    let mut new = old.clone();
    let name = at(&mut new, "/components/schemas/BitpandaFirstName");
    let pattern = name["pattern"].as_str().unwrap().to_owned();
    assert!(pattern.starts_with(r"^[A-Za-z\u00B5\u00C0"), "{pattern}");
    name["pattern"] = json!(pattern.replacen(r"\u00B5", r"\u00B5\u00B7", 1));
    let changes = wire_changes(&old, &new);
    let lines: Vec<(Severity, String)> = changes
        .iter()
        .map(|c| (c.severity, c.to_string()))
        .collect();
    // The one schema is used by both request branches (Investment as a Service and BYOL).
    assert_eq!(lines.len(), 2, "{lines:#?}");
    for (line, branch) in lines
        .iter()
        .zip(["InvestmentAsAServiceUser", "BringYourOwnLicenseUser"])
    {
        assert_eq!(line.0, NonBreaking, "{lines:#?}");
        assert!(
            line.1.contains(&format!("<{branch}>.first_name"))
                && line.1.contains(r"→ `…-z\u00B5\u00B7\u00C0-\u00D6\u0…`")
                && line.1.ends_with("characters): proven compatible (every value the old pattern accepts, the new one accepts)"),
            "{lines:#?}"
        );
    }
}

// ---- the whole report and git ----------------------------------------------------------------

#[test]
fn the_report_marks_new_and_removed_specs() {
    let document = base();
    let empty = json!({"paths": {}});
    let diffs = [
        SpecDiff {
            spec: "specs/a.yaml".into(),
            status: SpecStatus::Changed,
            changes: vec![],
        },
        SpecDiff {
            spec: "specs/b.yaml".into(),
            status: SpecStatus::Added,
            changes: wire_changes(&empty, &document),
        },
        SpecDiff {
            spec: "specs/c.yaml".into(),
            status: SpecStatus::Removed,
            changes: wire_changes(&document, &empty),
        },
    ];
    insta::assert_snapshot!(render_report("main", &diffs));
}

/// Runs git in `dir`, failing the test if git fails.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn run_compares_the_work_tree_with_a_revision() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("specs")).unwrap();
    let fixture = workspace_root().join("tests/fixtures/diff/base.yaml");
    fs::copy(&fixture, root.join("specs/kept.yaml")).unwrap();
    fs::copy(&fixture, root.join("specs/dropped.yaml")).unwrap();
    git(root, &["init", "--quiet"]);
    git(root, &["add", "specs"]);
    git(root, &["commit", "--quiet", "-m", "base"]);

    let mut edited = base();
    at(&mut edited, "/paths").remove("/users/{id}");
    fs::write(
        root.join("specs/kept.yaml"),
        yaml_serde::to_string(&edited).unwrap(),
    )
    .unwrap();
    fs::remove_file(root.join("specs/dropped.yaml")).unwrap();
    fs::copy(&fixture, root.join("specs/fresh.yaml")).unwrap();

    let diffs = xtask::diff::run(root, "HEAD").unwrap();
    let summary: Vec<(&str, SpecStatus, usize, bool)> = diffs
        .iter()
        .map(|d| (d.spec.as_str(), d.status, d.changes.len(), d.has_breaking()))
        .collect();
    assert_eq!(
        summary,
        [
            ("specs/dropped.yaml", SpecStatus::Removed, 2, true),
            ("specs/fresh.yaml", SpecStatus::Added, 2, false),
            // The operation removed (wire); its method and parameter type removed (source).
            ("specs/kept.yaml", SpecStatus::Changed, 3, true),
        ]
    );

    let error = xtask::diff::run(root, "no-such-revision").unwrap_err();
    assert_eq!(error.to_string(), "git: `no-such-revision` is not a commit");
}

#[test]
fn the_headline_tells_a_wire_break_from_a_rust_api_break() {
    let change = |axis: Axis, severity: Severity| Change {
        axis,
        severity,
        subject: "POST /users".into(),
        location: "request body".into(),
        field: "middleName".into(),
        message: "new optional field".into(),
    };
    let report = |changes: Vec<Vec<Change>>| {
        let diffs: Vec<SpecDiff> = changes
            .into_iter()
            .enumerate()
            .map(|(index, changes)| SpecDiff {
                spec: format!("specs/{index}.yaml"),
                status: SpecStatus::Changed,
                changes,
            })
            .collect();
        render_report("HEAD", &diffs)
            .lines()
            .nth(2)
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        report(vec![vec![
            change(Axis::Source, Breaking),
            change(Axis::Wire, NonBreaking)
        ]]),
        "1 spec changes the Rust API; no wire break."
    );
    assert_eq!(
        report(vec![
            vec![change(Axis::Wire, Breaking)],
            vec![change(Axis::Source, Breaking)],
            vec![change(Axis::Source, Breaking)],
        ]),
        "1 spec breaks the wire; 2 specs change the Rust API."
    );
    assert_eq!(
        report(vec![vec![change(Axis::Wire, NonBreaking)]]),
        "No breaking change."
    );
}

#[test]
fn a_success_range_replacing_its_codes_is_one_widening() {
    let (markdown, classified) = report(|d| {
        let responses = at(d, "/paths/~1users/post/responses");
        let created = responses.remove("201").expect("the fixture has 201");
        let mut accepted = created.clone();
        accepted["description"] = json!("Accepted");
        responses.insert("202".into(), accepted);
        responses.insert("2XX".into(), created);
        responses.remove("202");
    });
    let wire_lines: Vec<&Classified> = classified
        .iter()
        .filter(|(axis, _, _)| *axis == Axis::Wire)
        .collect();
    assert_eq!(wire_lines.len(), 1, "{classified:#?}");
    assert_eq!(wire_lines[0].1, NonBreaking, "{classified:#?}");
    assert!(
        wire_lines[0]
            .2
            .contains("response status `201` widened to the range `2XX`"),
        "{classified:#?}"
    );
    insta::assert_snapshot!(markdown);

    // Two codes folded into one range: still one line, and a body change under the range is
    // compared against each old code's body.
    let old = {
        let mut d = base();
        let responses = at(&mut d, "/paths/~1users/post/responses");
        let created = responses["201"].clone();
        responses.insert("202".into(), created);
        d
    };
    let mut new = old.clone();
    let responses = at(&mut new, "/paths/~1users/post/responses");
    let mut range = responses.remove("201").unwrap();
    responses.remove("202");
    range["content"]["application/json"]["schema"] = json!({"type": "string"});
    responses.insert("2XX".into(), range);
    let classified = classify(&wire_changes(&old, &new));
    expect(
        &classified,
        Axis::Wire,
        &[
            (
                "response statuses `201`, `202` widened to the range `2XX`",
                NonBreaking,
            ),
            (
                "responses 201, 202: type changed `object` → `string`",
                Breaking,
            ),
        ],
    );
    assert!(
        classified
            .iter()
            .all(|(_, _, line)| !line.contains("added")),
        "{classified:#?}"
    );
}

#[test]
fn a_request_field_accepted_with_no_rule_that_gains_rules_is_to_review() {
    // The field was not listed, and the object let any other field through (Bitpanda's BYOL
    // fields before they were typed).
    let (markdown, classified) = report(|d| {
        at(d, NEW_USER)["properties"]["phone"] = json!({
            "type": "string",
            "pattern": "^\\+[1-9][0-9]{1,14}$",
            "x-sensitive": true,
        });
    });
    assert_eq!(wire(&classified), [Review], "{classified:#?}");
    insta::assert_snapshot!(markdown);

    // Listed as `{}` (any value), now typed and constrained.
    let old = {
        let mut d = base();
        at(&mut d, NEW_USER)["properties"]["phone"] = json!({"description": "Any value."});
        d
    };
    let mut new = old.clone();
    at(&mut new, NEW_USER)["properties"]["phone"] = json!({"type": "string", "maxLength": 15});
    let classified = classify(&wire_changes(&old, &new));
    expect(
        &classified,
        Axis::Wire,
        &[(
            "`phone`: was accepted with no rule, now `string`, length ≤ 15; not sensitive: a request tightening to review",
            Review,
        )],
    );

    // A closed object did not accept the field before: a new optional field, not a tightening.
    let old = {
        let mut d = base();
        at(&mut d, NEW_USER).insert("additionalProperties".into(), json!(false));
        d
    };
    let mut new = old.clone();
    at(&mut new, NEW_USER)["properties"]["phone"] = json!({"type": "string", "maxLength": 15});
    let classified = classify(&wire_changes(&old, &new));
    expect(
        &classified,
        Axis::Wire,
        &[(
            "`phone`: new optional field: `string`, length ≤ 15; not sensitive",
            NonBreaking,
        )],
    );
}

#[test]
fn a_new_field_shows_its_type_checks_and_sensitivity() {
    let (_, classified) = report(|d| {
        at(d, NEW_USER)["properties"]["middleName"] = json!({
            "type": "string",
            "minLength": 1,
            "maxLength": 100,
            "x-sensitive": true,
        });
        at(d, NEW_USER)["required"] = json!(["email", "name", "middleName"]);
        at(d, "/components/schemas/User")["properties"]["tier"] = json!({
            "$ref": "#/components/schemas/Language",
        });
    });
    expect(
        &classified,
        Axis::Wire,
        &[
            (
                "request body `middleName`: new required field: `string`, length 1..100; sensitive",
                Breaking,
            ),
            (
                "response 201 `tier`: new optional field: `string`, enum `en`, `el`; not sensitive",
                NonBreaking,
            ),
        ],
    );
}

#[test]
fn dropping_a_response_format_is_reported() {
    // A checked format (the old client decodes a `chrono` type) and an unchecked one (`email`).
    let old = {
        let mut d = base();
        at(&mut d, "/components/schemas/User/properties/nickname")
            .insert("format".into(), json!("date-time"));
        at(&mut d, "/components/schemas/User/properties/email")
            .insert("format".into(), json!("email"));
        d
    };
    let mut new = old.clone();
    at(&mut new, "/components/schemas/User/properties/nickname").remove("format");
    at(&mut new, "/components/schemas/User/properties/email").remove("format");
    let classified = classify(&wire_changes(&old, &new));
    expect(
        &classified,
        Axis::Wire,
        &[
            (
                "`POST /users` response 201 `nickname`: format `date-time` removed",
                Breaking,
            ),
            (
                "`POST /users` response 201 `email`: format `email` removed (the generated client does not check `email`)",
                NonBreaking,
            ),
        ],
    );

    // The format dropped together with the type: the widening names the dropped checks.
    let mut untyped = old.clone();
    at(&mut untyped, "/components/schemas/User/properties")["nickname"] =
        json!({"description": "Anything."});
    let classified = classify(&wire_changes(&old, &untyped));
    expect(
        &classified,
        Axis::Wire,
        &[(
            "`POST /users` response 201 `nickname`: type widened from `string` to any (its checks dropped too: format `date-time`)",
            Breaking,
        )],
    );
}

#[test]
fn an_x_required_when_rule_added_or_changed_is_a_request_tightening() {
    let rule = |values: Value| json!({"nickname": {"language": values}});
    let with_rule = |rule: Option<Value>| {
        let mut d = base();
        if let Some(rule) = rule {
            at(&mut d, NEW_USER).insert("x-required-when".into(), rule);
        }
        d
    };
    let lines = |old: &Value, new: &Value| classify(&wire_changes(old, new));

    let added = lines(&with_rule(None), &with_rule(Some(rule(json!(["en"])))));
    expect(
        &added,
        Axis::Wire,
        &[(
            "request body `nickname`: x-required-when added: required when `language` is `en`",
            Breaking,
        )],
    );
    let widened = lines(
        &with_rule(Some(rule(json!(["en"])))),
        &with_rule(Some(rule(json!(["en", "el"])))),
    );
    expect(
        &widened,
        Axis::Wire,
        &[(
            "x-required-when changed: required when `language` is `en` or `el` (was `language` is `en`)",
            Breaking,
        )],
    );
    let narrowed = lines(
        &with_rule(Some(rule(json!(["en", "el"])))),
        &with_rule(Some(rule(json!(["el"])))),
    );
    expect(
        &narrowed,
        Axis::Wire,
        &[("x-required-when changed", NonBreaking)],
    );
    let removed = lines(&with_rule(Some(rule(json!(["en"])))), &with_rule(None));
    expect(
        &removed,
        Axis::Wire,
        &[("x-required-when removed", NonBreaking)],
    );
    let other_field = lines(
        &with_rule(Some(rule(json!(["en"])))),
        &with_rule(Some(json!({"nickname": {"email": ["x@example.com"]}}))),
    );
    expect(
        &other_field,
        Axis::Wire,
        &[("x-required-when changed", Review)],
    );
}
