//! Every example a spec carries validates against its own schema, checked with an independent
//! JSON Schema validator (the `jsonschema` crate, formats enforced), and a deliberately wrong
//! value is rejected, so the check is known to bite.

use serde_json::{Value, json};
use workspace_tests::{PROVIDERS, spec};

/// A validator for `schema` with the spec's `components` reachable for its `$ref`s.
fn validator(document: &Value, schema: &Value) -> jsonschema::Validator {
    let mut root = json!({ "components": document["components"].clone() });
    match schema {
        Value::Object(map) => root.as_object_mut().unwrap().extend(map.clone()),
        other => panic!("schema is not an object: {other}"),
    }
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("schema does not compile: {e}"))
}

/// Every `(place, schema, example)` in `node`: media-type `examples` and schema-level `example`s.
fn collect_examples(node: &Value, at: &str, out: &mut Vec<(String, Value, Value)>) {
    match node {
        Value::Object(map) => {
            if let (Some(schema), Some(Value::Object(examples))) =
                (map.get("schema"), map.get("examples"))
            {
                for (name, example) in examples {
                    out.push((
                        format!("{at}/examples/{name}"),
                        schema.clone(),
                        example["value"].clone(),
                    ));
                }
            }
            if let Some(example) = map.get("example")
                && (map.contains_key("type") || map.contains_key("$ref"))
            {
                let mut schema = node.clone();
                schema.as_object_mut().unwrap().remove("example");
                out.push((format!("{at}/example"), schema, example.clone()));
            }
            for (key, child) in map {
                collect_examples(child, &format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_examples(child, &format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_example_validates_against_its_schema() {
    for provider in PROVIDERS {
        let document = spec(provider);
        let mut examples = Vec::new();
        collect_examples(&document, "#", &mut examples);
        assert!(
            examples.len() >= 3,
            "{provider}: expected request, success and error examples"
        );
        let failures: Vec<String> = examples
            .iter()
            .filter_map(|(at, schema, example)| {
                let errors: Vec<String> = validator(&document, schema)
                    .iter_errors(example)
                    .map(|e| e.to_string())
                    .collect();
                (!errors.is_empty()).then(|| format!("{provider} {at}: {}", errors.join("; ")))
            })
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

#[test]
fn the_validator_rejects_a_broken_request_example() {
    let document = spec("wealthyhood");
    let schema = json!({"$ref": "#/components/schemas/CreateUserRequest"});
    let mut example = workspace_tests::request_example("wealthyhood", "johnDoe");
    assert!(validator(&document, &schema).is_valid(&example));
    example["dateOfBirth"] = "15/05/1990".into();
    example["residencyCountry"] = "gr".into();
    assert_eq!(
        validator(&document, &schema).iter_errors(&example).count(),
        2
    );
}
