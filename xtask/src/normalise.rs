//! What the generator reads instead of the spec: the spec with the constructs progenitor 0.15.1
//! (typify) reads wrongly rewritten into ones it reads right, changing no accepted body.
//!
//! The spec itself stays the validators' truth (the lint, the test kit and any OpenAPI tool read
//! it unchanged); only `cargo xtask codegen` (and what renders like it) sees the normalised copy.
//!
//! - **`not: {required: [...]}`** — a `not` that holds nothing but `required` says "these fields
//!   do not all come together"; it never constrains a field's type. typify reads it as "these
//!   fields never occur" and drops them from the generated struct (Bitpanda's Bring Your Own
//!   License branch would lose every documented field but `language`). The `not` is removed: the
//!   generated type then carries every documented field, typed, and the untagged enum of the
//!   `oneOf` still tries the branches in order.

use serde_json::Value;

/// `document` as progenitor is given it (see the module documentation for each rewrite).
pub fn for_generator(document: &Value) -> Value {
    let mut document = document.clone();
    rewrite(&mut document);
    document
}

fn rewrite(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if map.get("not").is_some_and(only_required) {
                map.remove("not");
            }
            for (key, child) in map.iter_mut() {
                if key != "example" && key != "examples" && !key.starts_with("x-") {
                    rewrite(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite),
        _ => {}
    }
}

/// Whether `schema` is `{required: [...]}` and nothing else.
fn only_required(schema: &Value) -> bool {
    schema
        .as_object()
        .is_some_and(|map| map.len() == 1 && map.get("required").is_some_and(Value::is_array))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_not_of_only_required_is_removed_and_nothing_else() {
        let document = json!({"components": {"schemas": {
            "A": {"type": "object", "not": {"required": ["a", "b"]}, "properties": {"a": {}}},
            "B": {"not": {"type": "string"}},
            "C": {"type": "object", "example": {"not": {"required": ["x"]}}}
        }}});
        let normalised = for_generator(&document);
        assert_eq!(normalised.pointer("/components/schemas/A/not"), None);
        assert_eq!(
            normalised.pointer("/components/schemas/B"),
            document.pointer("/components/schemas/B")
        );
        assert_eq!(
            normalised.pointer("/components/schemas/C"),
            document.pointer("/components/schemas/C")
        );
    }
}
