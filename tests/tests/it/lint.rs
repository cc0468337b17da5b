//! `cargo xtask lint`: each rule fails on a fixture spec (a real spec with one thing broken) with
//! exactly one `file: place: problem` line, the committed specs lint clean, and codegen refuses a
//! spec with a lint problem without touching any generated file.

use std::fs;

use serde_json::{Value, json};
use workspace_tests::{
    PROVIDER_NAMES, SENTINEL, edit_document, generated_files, operation_mut, scratch_workspace,
    workspace_root,
};
use xtask::codegen::{self, CodegenError, Mode};
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
fn at<'a>(document: &'a mut Value, pointer: &str) -> &'a mut serde_json::Map<String, Value> {
    document
        .pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {pointer}"))
}

#[test]
fn the_committed_specs_lint_clean() {
    let reports = lint::run(&workspace_root()).unwrap();
    let shown: Vec<String> = reports.iter().map(|r| r.target.spec_display()).collect();
    assert_eq!(
        shown,
        [
            "specs/bitpanda.yaml",
            "specs/btcdirect.yaml",
            "specs/wealthyhood.yaml"
        ]
    );
    for report in reports {
        let lines: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        assert!(lines.is_empty(), "{}", lines.join("\n"));
    }
}

#[test]
fn an_operation_without_a_summary_is_reported() {
    let lines = lint_lines("btcdirect", |d| {
        operation_mut(d).as_object_mut().unwrap().remove("summary");
    });
    assert_eq!(
        lines,
        ["specs/btcdirect.yaml: PATCH /api/v2/user: missing summary"]
    );
}

#[test]
fn an_operation_without_an_operation_id_is_reported() {
    let lines = lint_lines("bitpanda", |d| {
        operation_mut(d)
            .as_object_mut()
            .unwrap()
            .remove("operationId");
    });
    assert_eq!(
        lines,
        ["specs/bitpanda.yaml: POST /v2/users: missing operationId"]
    );
}

#[test]
fn an_operation_with_a_blank_operation_id_is_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        operation_mut(d)["operationId"] = json!(" ");
    });
    assert_eq!(
        lines,
        ["specs/wealthyhood.yaml: POST /users: empty operationId"]
    );
}

#[test]
fn a_property_without_a_description_is_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        at(d, "/components/schemas/CreateUserRequest/properties/email").remove("description");
    });
    assert_eq!(
        lines,
        [
            "specs/wealthyhood.yaml: #/components/schemas/CreateUserRequest/properties/email: property has no description"
        ]
    );
}

#[test]
fn a_ref_property_may_take_its_description_from_the_schema_it_refers_to() {
    let property = "/components/schemas/UpdateUserRequest/properties/amld5QuestionAnswers";
    let borrowed = lint_lines("btcdirect", |d| {
        at(d, property).remove("description");
    });
    assert_eq!(borrowed, Vec::<String>::new());

    let neither = lint_lines("btcdirect", |d| {
        at(d, property).remove("description");
        at(d, "/components/schemas/Amld5QuestionAnswers").remove("description");
    });
    assert_eq!(
        neither,
        [
            "specs/btcdirect.yaml: #/components/schemas/UpdateUserRequest/properties/amld5QuestionAnswers: property has no description, nor has '#/components/schemas/Amld5QuestionAnswers' it refers to"
        ]
    );
}

#[test]
fn a_nested_inline_property_without_a_description_is_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        at(d, "/components/schemas/CreateUserRequest")
            .entry("properties")
            .or_insert_with(|| json!({}))["address"] = json!({
            "type": "object",
            "description": "Postal address.",
            "properties": {"line1": {"type": "string", "x-sensitive": true}},
        });
    });
    assert_eq!(
        lines,
        [
            "specs/wealthyhood.yaml: #/components/schemas/CreateUserRequest/properties/address/properties/line1: property has no description"
        ]
    );
}

#[test]
fn a_response_body_progenitor_cannot_handle_is_reported() {
    let lines = lint_lines("btcdirect", |d| {
        let success = operation_mut(d)["responses"]["2XX"].clone();
        operation_mut(d)["responses"]["500"] = success;
    });
    assert_eq!(
        lines,
        [
            "specs/btcdirect.yaml: PATCH /api/v2/user: the error responses must share one body schema, found 2 (400: schema ErrorResponse, 4XX: schema ErrorResponse, 500: schema User, 5XX: schema ErrorResponse)"
        ]
    );
}

#[test]
fn a_schema_example_that_does_not_match_its_schema_is_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        at(
            d,
            "/components/schemas/CreateUserRequest/properties/firstName",
        )
        .insert("example".into(), json!(""));
    });
    assert_eq!(
        lines,
        [
            "specs/wealthyhood.yaml: #/components/schemas/CreateUserRequest/properties/firstName/example: example does not match its schema: \"\" is shorter than 1 character"
        ]
    );
}

#[test]
fn a_media_type_example_that_does_not_match_its_schema_is_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        operation_mut(d)["requestBody"]["content"]["application/json"]["examples"]["johnDoe"]["value"]
            ["dateOfBirth"] = json!("15/05/1990");
    });
    assert_eq!(
        lines,
        [
            "specs/wealthyhood.yaml: #/paths/~1users/post/requestBody/content/application~1json/examples/johnDoe: example does not match its schema at /dateOfBirth: \"15/05/1990\" is not a \"date\""
        ]
    );
}

#[test]
fn an_inferred_decision_without_a_note_is_reported() {
    let lines = lint_lines("btcdirect", |d| {
        let responses = operation_mut(d)["responses"].as_object_mut().unwrap();
        responses["2XX"]
            .as_object_mut()
            .unwrap()
            .remove("x-inferred-note");
        responses["400"]["x-inferred"] = json!(true);
        responses["400"]["x-inferred-note"] = json!("  ");
    });
    assert_eq!(
        lines,
        [
            "specs/btcdirect.yaml: #/paths/~1api~1v2~1user/patch/responses/2XX: x-inferred: true without a non-empty x-inferred-note",
            "specs/btcdirect.yaml: #/paths/~1api~1v2~1user/patch/responses/400: x-inferred: true without a non-empty x-inferred-note",
        ]
    );
}

#[test]
fn an_unmarked_property_whose_name_suggests_personal_data_is_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        at(d, "/components/schemas/CreateUserRequest/properties/email").remove("x-sensitive");
    });
    assert_eq!(
        lines,
        [
            "specs/wealthyhood.yaml: #/components/schemas/CreateUserRequest/properties/email: the name suggests personal data: mark it `x-sensitive: true` (or `x-sensitive: false` if it holds none)"
        ]
    );
}

#[test]
fn an_unmarked_credential_or_personal_header_or_query_parameter_is_reported() {
    let lines = lint_lines("btcdirect", |d| {
        at(d, "/components/securitySchemes/userIdentifier").remove("x-sensitive");
        let operation = operation_mut(d).as_object_mut().unwrap();
        operation.insert(
            "parameters".into(),
            json!([
                {"name": "email", "in": "query", "schema": {"type": "string"}},
                {"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}},
                {"name": "X-Session-Token", "in": "header", "x-sensitive": true, "schema": {"type": "string"}}
            ]),
        );
    });
    assert_eq!(
        lines,
        [
            "specs/btcdirect.yaml: #/components/securitySchemes/userIdentifier: the header API key `User-Identifier` suggests personal data or a credential: mark it `x-sensitive: true` (or `x-sensitive: false` if it holds none)",
            "specs/btcdirect.yaml: #/paths/~1api~1v2~1user/patch/parameters/0: the query parameter `email` suggests personal data or a credential: mark it `x-sensitive: true` (or `x-sensitive: false` if it holds none)",
        ]
    );
}

#[test]
fn x_sensitive_false_says_deliberately_that_a_property_holds_no_personal_data() {
    let lines = lint_lines("wealthyhood", |d| {
        at(d, "/components/schemas/CreateUserRequest/properties/email")
            .insert("x-sensitive".into(), json!(false));
    });
    assert_eq!(lines, Vec::<String>::new());
}

#[test]
fn names_that_describe_personal_data_rather_than_hold_it_are_not_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        let properties = at(d, "/components/schemas/CreateUserRequest/properties");
        for name in [
            "documentType",
            "document_side",
            "emailVerified",
            "countryCode",
        ] {
            properties.insert(
                name.into(),
                json!({"type": "string", "description": "Not personal."}),
            );
        }
        properties.insert(
            "hasTaxNumber".into(),
            json!({"type": "boolean", "description": "A yes or no."}),
        );
    });
    assert_eq!(lines, Vec::<String>::new());
}

#[test]
fn an_x_sensitive_that_is_not_a_boolean_is_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        at(d, "/components/schemas/CreateUserRequest/properties/email")
            .insert("x-sensitive".into(), json!("yes"));
    });
    assert_eq!(
        lines,
        [
            "specs/wealthyhood.yaml: #/components/schemas/CreateUserRequest/properties/email: x-sensitive must be true or false",
            "specs/wealthyhood.yaml: #/components/schemas/CreateUserRequest/properties/email: the name suggests personal data: mark it `x-sensitive: true` (or `x-sensitive: false` if it holds none)",
        ]
    );
}

#[test]
fn codegen_refuses_a_spec_with_a_lint_problem_and_writes_nothing() {
    let dir = scratch_workspace(|_| SENTINEL.to_owned());
    let spec = dir.path().join("specs/wealthyhood.yaml");
    let original = fs::read_to_string(&spec).unwrap();
    fs::write(
        &spec,
        edit_document(&original, |d| {
            at(d, "/components/schemas/CreateUserRequest/properties/email").remove("description");
        }),
    )
    .unwrap();

    for mode in [Mode::Write, Mode::Check] {
        match codegen::run(dir.path(), mode) {
            Err(CodegenError::Specs(errors)) => {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                assert_eq!(
                    lines,
                    [
                        "specs/wealthyhood.yaml: #/components/schemas/CreateUserRequest/properties/email: property has no description"
                    ],
                    "{mode:?}"
                );
            }
            other => panic!("{mode:?}: expected a spec error, got {other:?}"),
        }
        assert!(
            generated_files(dir.path())
                .iter()
                .all(|text| text == SENTINEL),
            "{mode:?}: a lint problem must leave every generated file untouched"
        );
    }
}

#[test]
fn an_x_required_when_naming_a_missing_field_or_no_values_is_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        at(d, "/components/schemas/EmploymentInfo").insert(
            "x-required-when".into(),
            json!({
                "industry": {"employmentStatus": []},
                "employer": {"employmentStatus": ["PartTime"]},
                "incomeRangeId": {"employerSize": ["Large"]},
            }),
        );
    });
    assert_eq!(
        lines,
        [
            "specs/wealthyhood.yaml: #/components/schemas/EmploymentInfo/x-required-when/employer: 'employer' is not a property of this schema",
            "specs/wealthyhood.yaml: #/components/schemas/EmploymentInfo/x-required-when/incomeRangeId: 'employerSize' is not a property of this schema",
            "specs/wealthyhood.yaml: #/components/schemas/EmploymentInfo/x-required-when/industry: the values of 'employmentStatus' must be a non-empty list of strings",
        ]
    );
}

#[test]
fn an_x_required_when_without_one_condition_is_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        at(d, "/components/schemas/EmploymentInfo")
            .insert("x-required-when".into(), json!({"industry": ["FullTime"]}));
    });
    assert_eq!(
        lines,
        [
            "specs/wealthyhood.yaml: #/components/schemas/EmploymentInfo/x-required-when/industry: the condition must name exactly one other property"
        ]
    );
}

#[test]
fn an_x_required_when_value_outside_the_conditions_enum_is_reported() {
    let lines = lint_lines("wealthyhood", |d| {
        let info = at(d, "/components/schemas/EmploymentInfo");
        info["properties"]["employmentStatus"]["enum"] =
            json!(["FullTime", "PartTime", "SelfEmployed"]);
        info.insert(
            "x-required-when".into(),
            json!({"industry": {"employmentStatus": ["FullTime", "Moonlighting"]}}),
        );
    });
    assert_eq!(
        lines,
        [
            "specs/wealthyhood.yaml: #/components/schemas/EmploymentInfo/x-required-when/industry: 'Moonlighting' is not a value 'employmentStatus' allows"
        ]
    );
}
