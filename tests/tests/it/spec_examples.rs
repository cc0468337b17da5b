//! Every example a spec carries validates against its own schema, checked with an independent
//! JSON Schema validator (the `jsonschema` crate, formats enforced), and a deliberately wrong
//! value is rejected, so the check is known to bite. The finding and validating is
//! `xtask::lint`'s, the same code `cargo xtask lint` runs.

use serde_json::json;
use workspace_tests::{PROVIDER_NAMES, spec};
use xtask::lint;

#[test]
fn every_example_validates_against_its_schema() {
    for provider in PROVIDER_NAMES {
        let document = spec(provider);
        let examples = lint::examples(&document);
        assert!(
            examples.len() >= 3,
            "{provider}: expected request, success and error examples"
        );
        let problems = lint::example_problems(&document);
        assert!(problems.is_empty(), "{provider}:\n{}", problems.join("\n"));
    }
}

#[test]
fn the_validator_rejects_a_broken_request_example() {
    let document = spec("wealthyhood");
    let schema = json!({"$ref": "#/components/schemas/CreateUserRequest"});
    let validator = lint::validator(&document, &schema).expect("the schema compiles");
    let mut example = workspace_tests::request_example("wealthyhood", "johnDoe");
    assert!(validator.is_valid(&example));
    example["dateOfBirth"] = "15/05/1990".into();
    example["residencyCountry"] = "gr".into();
    assert_eq!(validator.iter_errors(&example).count(), 2);
}

#[test]
fn examples_are_read_with_openapi_3_0_semantics() {
    // `nullable: true` admits an example `null`; a boolean `exclusiveMinimum` (OpenAPI 3.0, not
    // JSON Schema 2020-12) compiles and excludes its bound.
    let text =
        std::fs::read_to_string(workspace_tests::workspace_root().join("specs/wealthyhood.yaml"))
            .unwrap();
    let lines = |minimum: i64| {
        let edited = workspace_tests::edit_document(&text, |d| {
            let properties = &mut d["components"]["schemas"]["Holding"]["properties"];
            properties["isin"]["nullable"] = json!(true);
            properties["isin"]["example"] = json!(null);
            let quantity = &mut properties["quantity"];
            quantity["minimum"] = json!(minimum);
            quantity["exclusiveMinimum"] = json!(true);
            quantity["example"] = json!(0);
        });
        lint::lint("specs/wealthyhood.yaml", &edited)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(lines(-1), Vec::<String>::new());
    assert_eq!(
        lines(0),
        [
            "specs/wealthyhood.yaml: #/components/schemas/Holding/properties/quantity/example: example does not match its schema: 0 is less than or equal to the minimum of 0"
        ]
    );
}
