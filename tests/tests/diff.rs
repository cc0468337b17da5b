//! `cargo xtask diff`: each category of change, made as one edit of the fixture spec
//! `tests/fixtures/diff/base.yaml` (or of a real spec), is classified as breaking or not and
//! reported as one Markdown line (snapshotted, one question per snapshot); the committed specs
//! diffed against themselves report "No changes"; and the git path compares the work tree with a
//! revision, including added and removed specs.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::{Map, Value, json};
use workspace_tests::{PROVIDER_NAMES, operation_mut, spec, workspace_root};
use xtask::diff::{
    Change, Severity, SpecDiff, SpecStatus, diff_documents, render_markdown, render_report,
};

use Severity::{Breaking, NonBreaking};

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

/// The Markdown section for the fixture with `edit` applied, and the classification of each
/// change as `(severity, line)`.
fn report(edit: impl Fn(&mut Value)) -> (String, Vec<(Severity, String)>) {
    let changes = changes(edit);
    let classified = changes
        .iter()
        .map(|c| (c.severity, c.to_string()))
        .collect();
    (render_markdown("fixture.yaml", &changes), classified)
}

/// The single severity of a report that must hold exactly one change.
fn only(classified: &[(Severity, String)]) -> Severity {
    assert_eq!(classified.len(), 1, "expected one change: {classified:#?}");
    classified[0].0
}

const NEW_USER: &str = "/components/schemas/NewUser";
const USER: &str = "/components/schemas/User";

// ---- operations ------------------------------------------------------------------------------

#[test]
fn operation_removed() {
    let (markdown, classified) = report(|d| {
        at(d, "/paths").remove("/users/{id}");
    });
    assert_eq!(only(&classified), Breaking);
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
                "responses": {"204": {"description": "Deleted"}},
            }),
        );
    });
    assert_eq!(only(&classified), NonBreaking);
    insta::assert_snapshot!(markdown);
}

#[test]
fn path_changed() {
    let (markdown, classified) = report(|d| {
        let paths = at(d, "/paths");
        let item = paths.remove("/users").unwrap();
        paths.insert("/accounts".into(), item);
    });
    assert_eq!(only(&classified), Breaking);
    insta::assert_snapshot!(markdown);
}

#[test]
fn method_changed() {
    let (markdown, classified) = report(|d| {
        let item = at(d, "/paths/~1users");
        let operation = item.remove("post").unwrap();
        item.insert("put".into(), operation);
    });
    assert_eq!(only(&classified), Breaking);
    insta::assert_snapshot!(markdown);
}

#[test]
fn operation_id_changed() {
    let (markdown, classified) = report(|d| {
        at(d, "/paths/~1users/post")["operationId"] = json!("registerUser");
    });
    assert_eq!(only(&classified), Breaking);
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
    assert_eq!(only(&classified), Breaking);
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_new_optional_field() {
    let (markdown, classified) = report(|d| {
        at(d, NEW_USER)["properties"]["phone"] = json!({"type": "string", "description": "Phone."});
    });
    assert_eq!(only(&classified), NonBreaking);
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_field_removed() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{NEW_USER}/properties")).remove("age");
    });
    assert_eq!(only(&classified), Breaking);
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_field_made_required_or_optional() {
    let (markdown, classified) = report(|d| {
        at(d, NEW_USER)["required"] = json!(["email", "age"]);
    });
    let severities: Vec<Severity> = classified.iter().map(|(s, _)| *s).collect();
    assert_eq!(severities, [Breaking, NonBreaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_type_changed() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{NEW_USER}/properties/age"))["type"] = json!("string");
    });
    assert_eq!(only(&classified), Breaking);
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_type_narrowed_to_an_enum() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{NEW_USER}/properties/name"))
            .insert("enum".into(), json!(["Jane", "John"]));
    });
    assert_eq!(only(&classified), Breaking);
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
    let changes = diff_documents(&old, &new);
    let classified: Vec<(Severity, String)> = changes
        .iter()
        .map(|c| (c.severity, c.to_string()))
        .collect();
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
                Breaking,
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
    assert_eq!(only(&classified), Breaking);
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
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0].severity, Breaking);
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
    assert_eq!(
        classified,
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
    assert_eq!(only(&classified), Breaking);
    let (markdown_changed, classified_changed) = {
        let mut old = base();
        at(&mut old, &format!("{NEW_USER}/properties/name"))
            .insert("pattern".into(), json!("^\\S+$"));
        let mut new = base();
        at(&mut new, &format!("{NEW_USER}/properties/name"))
            .insert("pattern".into(), json!("^\\S.*$"));
        let changes = diff_documents(&old, &new);
        let classified: Vec<Severity> = changes.iter().map(|c| c.severity).collect();
        (render_markdown("fixture.yaml", &changes), classified)
    };
    assert_eq!(classified_changed, [Breaking]);
    insta::assert_snapshot!(format!("{markdown}\n{markdown_changed}"));
}

#[test]
fn request_lengths_tightened() {
    let (markdown, classified) = report(|d| {
        let name = at(d, &format!("{NEW_USER}/properties/name"));
        name["maxLength"] = json!(50);
        name["minLength"] = json!(2);
    });
    let severities: Vec<Severity> = classified.iter().map(|(s, _)| *s).collect();
    assert_eq!(severities, [Breaking, Breaking], "{classified:#?}");
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
    let severities: Vec<Severity> = classified.iter().map(|(s, _)| *s).collect();
    assert_eq!(severities, [NonBreaking; 3], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn request_minimum_raised() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{NEW_USER}/properties/age"))["minimum"] = json!(21);
    });
    assert_eq!(only(&classified), Breaking);
    insta::assert_snapshot!(markdown);
}

/// `Language` is sent in the request and decoded in both responses: a removed value breaks all.
#[test]
fn enum_value_removed() {
    let (markdown, classified) = report(|d| {
        at(d, "/components/schemas/Language")["enum"] = json!(["en"]);
    });
    assert!(classified.iter().all(|(s, _)| *s == Breaking));
    assert_eq!(classified.len(), 3, "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

/// An added value is harmless in the request and breaks decoding in the responses.
#[test]
fn enum_value_added() {
    let (markdown, classified) = report(|d| {
        at(d, "/components/schemas/Language")["enum"] = json!(["en", "el", "de"]);
    });
    let request: Vec<&Severity> = classified
        .iter()
        .filter(|(_, line)| line.contains("request body"))
        .map(|(s, _)| s)
        .collect();
    let responses: Vec<&Severity> = classified
        .iter()
        .filter(|(_, line)| line.contains("response"))
        .map(|(s, _)| s)
        .collect();
    assert_eq!(request, [&NonBreaking]);
    assert_eq!(responses, [&Breaking, &Breaking]);
    insta::assert_snapshot!(markdown);
}

#[test]
fn required_request_body_added_and_removed() {
    let (removed, classified) = report(|d| {
        at(d, "/paths/~1users/post").remove("requestBody");
    });
    assert_eq!(only(&classified), Breaking);
    let (made_optional, classified) = report(|d| {
        at(d, "/paths/~1users/post/requestBody")["required"] = json!(false);
    });
    assert_eq!(only(&classified), NonBreaking);
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
    let severities: Vec<Severity> = classified.iter().map(|(s, _)| *s).collect();
    assert_eq!(severities, [Breaking, Breaking], "{classified:#?}");
    let (removed, classified) = report(|d| {
        d["paths"]["/users/{id}"]["get"]["parameters"]
            .as_array_mut()
            .unwrap()
            .remove(1);
    });
    assert_eq!(only(&classified), Breaking);
    insta::assert_snapshot!(format!("{markdown}\n{removed}"));
}

// ---- responses -------------------------------------------------------------------------------

#[test]
fn response_field_removed() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{USER}/properties")).remove("nickname");
    });
    let severities: Vec<Severity> = classified.iter().map(|(s, _)| *s).collect();
    assert_eq!(severities, [Breaking, Breaking], "{classified:#?}");
    insta::assert_snapshot!(markdown);
}

#[test]
fn response_field_made_optional() {
    let (markdown, classified) = report(|d| {
        at(d, USER)["required"] = json!(["id", "status"]);
    });
    assert!(classified.iter().all(|(s, _)| *s == Breaking));
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
    assert!(classified.iter().all(|(s, _)| *s == NonBreaking));
    insta::assert_snapshot!(markdown);
}

#[test]
fn response_enum_value_added() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{USER}/properties/status"))["enum"] =
            json!(["active", "pending", "blocked"]);
    });
    assert!(classified.iter().all(|(s, _)| *s == Breaking));
    insta::assert_snapshot!(markdown);
}

#[test]
fn response_now_nullable() {
    let (markdown, classified) = report(|d| {
        at(d, &format!("{USER}/properties/email")).insert("nullable".into(), json!(true));
    });
    assert!(classified.iter().all(|(s, _)| *s == Breaking));
    insta::assert_snapshot!(markdown);
}

#[test]
fn status_removed() {
    let (markdown, classified) = report(|d| {
        at(d, "/paths/~1users/post/responses").remove("500");
    });
    assert_eq!(only(&classified), Breaking);
    insta::assert_snapshot!(markdown);
}

#[test]
fn status_added() {
    let (markdown, classified) = report(|d| {
        let responses = at(d, "/paths/~1users/post/responses");
        let error = responses["400"].clone();
        responses.insert("409".into(), error);
        responses.insert("202".into(), json!({"description": "Accepted"}));
    });
    let severities: Vec<Severity> = classified.iter().map(|(s, _)| *s).collect();
    assert_eq!(severities, [NonBreaking, NonBreaking], "{classified:#?}");
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
        classified,
        [(
            Breaking,
            "`POST /users` responses 400, 500 `code`: enum value `conflict` added".to_owned()
        )]
    );
    insta::assert_snapshot!(markdown);
}

// ---- security --------------------------------------------------------------------------------

#[test]
fn security_scheme_changed() {
    let (markdown, classified) = report(|d| {
        d["components"]["securitySchemes"]["bearerAuth"] =
            json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"});
    });
    assert!(!classified.is_empty());
    assert!(classified.iter().all(|(s, _)| *s == Breaking));
    insta::assert_snapshot!(markdown);
}

#[test]
fn security_requirement_added_and_removed() {
    let (alternative, classified) = report(|d| {
        d["components"]["securitySchemes"]["apiKey"] =
            json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"});
        d["security"] = json!([{"bearerAuth": []}, {"apiKey": []}]);
    });
    let severities: Vec<Severity> = classified.iter().map(|(s, _)| *s).collect();
    assert_eq!(severities, [NonBreaking, NonBreaking], "{classified:#?}");
    let (replaced, classified) = report(|d| {
        d["components"]["securitySchemes"]["apiKey"] =
            json!({"type": "apiKey", "in": "header", "name": "X-Api-Key"});
        at(d, "/paths/~1users/post").insert("security".into(), json!([{"apiKey": []}]));
    });
    let severities: Vec<Severity> = classified.iter().map(|(s, _)| *s).collect();
    assert_eq!(severities, [Breaking, NonBreaking], "{classified:#?}");
    insta::assert_snapshot!(format!("{alternative}\n{replaced}"));
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
                == "`POST /users` request body `address.countryCode`: pattern changed `^[A-Z]{2}$` → `^(GR|CY)$`")
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
    let lines: Vec<String> = changes.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "`POST /v2/users` request body `<BringYourOwnLicenseUser>.external_meta`: field removed (callers who set it must stop)"
        ]
    );
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
            changes: diff_documents(&empty, &document),
        },
        SpecDiff {
            spec: "specs/c.yaml".into(),
            status: SpecStatus::Removed,
            changes: diff_documents(&document, &empty),
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
            ("specs/kept.yaml", SpecStatus::Changed, 1, true),
        ]
    );

    let error = xtask::diff::run(root, "no-such-revision").unwrap_err();
    assert_eq!(error.to_string(), "git: `no-such-revision` is not a commit");
}
