//! Every example a spec carries (the page's own sample requests and responses, and schema-level
//! examples), each with the schema it must match.

use serde_json::{Map, Value};

use crate::document::{pointer_segment, resolve, visit_objects};

/// One example a spec carries, with the schema it must match.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where the example is: a JSON pointer ending in `/example` or `/examples/NAME`.
    pub at: String,
    /// The schema the example must match (may `$ref` the spec's components).
    pub schema: Value,
    /// The example value.
    pub value: Value,
}

/// Keywords that make an object a schema, for finding schema-level `example`s.
const SCHEMA_KEYWORDS: [&str; 8] = [
    "type",
    "$ref",
    "properties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "enum",
];

/// Every example in `document`: schema-level `example`s, and the `example` and `examples` entries
/// (following `$ref`s to `#/components/examples`) of media types, parameters and headers.
/// Entries with only an `externalValue` are skipped.
pub fn examples(document: &Value) -> Vec<Example> {
    let mut found = Vec::new();
    let outside_examples =
        |key: &str| key != "example" && key != "examples" && !key.starts_with("x-");
    visit_objects(document, "#", &outside_examples, &mut |map, at| {
        examples_of(document, map, at, &mut found);
    });
    found
}

/// The examples `map` (at `at`) carries itself: a media type's, parameter's or header's
/// `example` / `examples` beside its `schema`, or a schema-level `example`.
fn examples_of(document: &Value, map: &Map<String, Value>, at: &str, out: &mut Vec<Example>) {
    if let Some(schema @ Value::Object(_)) = map.get("schema") {
        if let Some(value) = map.get("example") {
            out.push(Example {
                at: format!("{at}/example"),
                schema: schema.clone(),
                value: value.clone(),
            });
        }
        for (name, entry) in map
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(value) = resolve(document, entry).get("value") {
                out.push(Example {
                    at: format!("{at}/examples/{}", pointer_segment(name)),
                    schema: schema.clone(),
                    value: value.clone(),
                });
            }
        }
    } else if let Some(value) = map.get("example")
        && SCHEMA_KEYWORDS.iter().any(|k| map.contains_key(*k))
    {
        let mut schema = map.clone();
        schema.remove("example");
        out.push(Example {
            at: format!("{at}/example"),
            schema: Value::Object(schema),
            value: value.clone(),
        });
    }
}
