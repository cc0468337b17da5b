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
