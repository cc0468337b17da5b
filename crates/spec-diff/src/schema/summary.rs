//! What the report shows of a schema: a new field's type, checks and sensitivity.

use serde_json::{Map, Value};

use super::{SchemaDiff, effective, shown, type_of};

/// A new field as the report shows it.
pub(super) struct Summary {
    /// `` `string`, format `email`, length 1..100; sensitive ``.
    pub(super) text: String,
    /// Whether anything beyond the type constrains the value.
    pub(super) has_checks: bool,
}

/// The type of a resolved schema as shown: `` `string` ``, `` `array` of `string` ``, `any`.
fn describe_type(document: &Value, schema: &Map<String, Value>) -> String {
    match type_of(schema).as_deref() {
        Some("array") => {
            let items = schema
                .get("items")
                .map(|items| effective(document, items, 0))
                .and_then(|items| type_of(&items))
                .map_or_else(|| "any".to_owned(), |t| format!("`{t}`"));
            format!("`array` of {items}")
        }
        Some(kind) => format!("`{kind}`"),
        None if schema.contains_key("oneOf") || schema.contains_key("anyOf") => {
            "one of several schemas".into()
        }
        None => "any type".into(),
    }
}

/// Whether a resolved schema constrains its value at all: anything but annotations (`description`,
/// `example`, `title`, `default`, `deprecated`, `x-` extensions).
fn has_rules(schema: &Map<String, Value>) -> bool {
    schema.keys().any(|key| {
        !key.starts_with("x-")
            && !matches!(
                key.as_str(),
                "description" | "example" | "examples" | "title" | "default" | "deprecated"
            )
    })
}

/// The checks of a resolved schema, as shown: format, length, bounds, item counts, pattern, enum.
fn checks(schema: &Map<String, Value>) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(format) = schema.get("format").and_then(Value::as_str) {
        found.push(format!("format `{format}`"));
    }
    let range = |low: &str, high: &str| match (schema.get(low), schema.get(high)) {
        (Some(a), Some(b)) => Some(format!("{}..{}", shown(a), shown(b))),
        (Some(a), None) => Some(format!("≥ {}", shown(a))),
        (None, Some(b)) => Some(format!("≤ {}", shown(b))),
        (None, None) => None,
    };
    if let Some(length) = range("minLength", "maxLength") {
        found.push(format!("length {length}"));
    }
    if let Some(bounds) = range("minimum", "maximum") {
        found.push(format!("value {bounds}"));
    }
    if let Some(items) = range("minItems", "maxItems") {
        found.push(format!("items {items}"));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        let chars: Vec<char> = pattern.chars().collect();
        let pattern = if chars.len() > 60 {
            format!(
                "{}… ({} characters)",
                chars[..48].iter().collect::<String>(),
                chars.len()
            )
        } else {
            pattern.to_owned()
        };
        found.push(format!("pattern `{pattern}`"));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let listed: Vec<String> = values.iter().map(|v| format!("`{}`", shown(v))).collect();
        found.push(format!("enum {}", listed.join(", ")));
    }
    found
}

impl SchemaDiff<'_> {
    /// [`has_rules`] of a resolved schema, for the comparison that asks.
    pub(super) fn has_rules(&self, schema: &Map<String, Value>) -> bool {
        has_rules(schema)
    }

    /// [`checks`] of a resolved schema, for the comparison that shows them.
    pub(super) fn checks_of(&self, schema: &Map<String, Value>) -> Vec<String> {
        checks(schema)
    }

    /// What a reviewer needs to know of a new field: its type, its checks (format, length,
    /// bounds, pattern, enum), and whether it is `x-sensitive`.
    pub(super) fn summary(&self, node: &Value) -> Summary {
        let marked = node.get("x-sensitive") == Some(&Value::Bool(true));
        self.summary_of(&effective(self.new_document, node, 0), marked)
    }

    /// [`summary`](Self::summary) of a resolved schema of the new document; `marked` when the
    /// property itself (beside its `$ref`) is `x-sensitive`.
    pub(super) fn summary_of(&self, schema: &Map<String, Value>, marked: bool) -> Summary {
        let sensitive = marked || schema.get("x-sensitive") == Some(&Value::Bool(true));
        let mut parts = vec![describe_type(self.new_document, schema)];
        let checks = checks(schema);
        let has_checks = !checks.is_empty();
        if has_checks {
            parts.extend(checks);
        } else {
            parts.push("no checks".into());
        }
        let sensitivity = if sensitive {
            "sensitive"
        } else {
            "not sensitive"
        };
        Summary {
            text: format!("{}; {sensitivity}", parts.join(", ")),
            has_checks,
        }
    }
}
