//! Compares two schemas (and every schema they reach through `$ref`, `allOf`, `oneOf`, `anyOf`,
//! `properties`, `items` and `additionalProperties`) in one direction: a request the caller sends,
//! or a response the caller decodes.
//!
//! A change is reported at the field path that reaches it from the body or parameter being
//! compared (`address.countryCode`, `documents[].type`, `<InvestmentAsAServiceUser>.email`), not
//! at the component that holds it.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::Severity::{self, Breaking, NonBreaking};

/// Which way a schema travels, which decides whether a narrowing is breaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Sent by the caller: narrowing what is accepted is breaking.
    Request,
    /// Decoded by the caller: widening what may come back is breaking.
    Response,
}

/// One change found inside a schema: where (a field path, empty for the schema itself) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    /// Breaking or not for callers of the generated client.
    pub severity: Severity,
    /// Field path from the compared schema, e.g. `address.countryCode`; empty at the root.
    pub field: String,
    /// What changed, e.g. ``pattern added `^[A-Z]{2}$` ``.
    pub message: String,
}

/// How many `$ref` hops are followed before giving up on a chain.
const MAX_REF_HOPS: usize = 32;

/// Follows `$ref`s from `node` within `document`; returns the target and the last reference.
fn deref<'a>(document: &'a Value, node: &'a Value) -> (&'a Value, Option<&'a str>) {
    let mut node = node;
    let mut name = None;
    for _ in 0..MAX_REF_HOPS {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match reference
            .strip_prefix('#')
            .and_then(|pointer| document.pointer(pointer))
        {
            Some(target) => {
                name = Some(reference);
                node = target;
            }
            None => break,
        }
    }
    (node, name)
}

/// The schema `node` with `$ref`s followed and every `allOf` part merged in: properties and
/// `required` are united, any other keyword keeps its first value.
fn effective(document: &Value, node: &Value, depth: usize) -> Map<String, Value> {
    let (node, _) = deref(document, node);
    let Some(map) = node.as_object() else {
        return Map::new();
    };
    let mut merged = map.clone();
    let Some(Value::Array(parts)) = merged.remove("allOf") else {
        return merged;
    };
    if depth > MAX_REF_HOPS {
        return merged;
    }
    for part in &parts {
        for (key, value) in effective(document, part, depth + 1) {
            match (key.as_str(), merged.get_mut(&key), value) {
                ("properties", Some(Value::Object(into)), Value::Object(from)) => {
                    for (name, schema) in from {
                        into.entry(name).or_insert(schema);
                    }
                }
                ("required", Some(Value::Array(into)), Value::Array(from)) => {
                    for name in from {
                        if !into.contains(&name) {
                            into.push(name);
                        }
                    }
                }
                (_, Some(_), _) => {}
                (_, None, value) => {
                    merged.insert(key, value);
                }
            }
        }
    }
    merged
}

/// The schema's `type`, or the one its keywords imply (`properties` → object, `items` → array).
fn type_of(schema: &Map<String, Value>) -> Option<String> {
    if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        return Some(kind.to_owned());
    }
    if schema.contains_key("properties") || schema.contains_key("additionalProperties") {
        return Some("object".into());
    }
    if schema.contains_key("items") {
        return Some("array".into());
    }
    None
}

/// `field` extended by `segment` with a dot (or `segment` alone at the root).
fn join(field: &str, segment: &str) -> String {
    if field.is_empty() {
        segment.to_owned()
    } else {
        format!("{field}.{segment}")
    }
}

/// A JSON value shown inline in a report: strings bare, everything else as JSON.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The names listed in the schema's `required`.
fn required(schema: &Map<String, Value>) -> BTreeSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// Compares schemas of one direction between two documents, collecting [`Finding`]s.
pub(crate) struct SchemaDiff<'a> {
    old_document: &'a Value,
    new_document: &'a Value,
    direction: Direction,
    /// The `$ref` pairs being compared further up, so a recursive schema ends.
    stack: Vec<(Option<String>, Option<String>)>,
    /// Everything found so far.
    pub findings: Vec<Finding>,
}

impl<'a> SchemaDiff<'a> {
    /// A comparison of schemas travelling in `direction` between the two documents.
    pub fn new(old_document: &'a Value, new_document: &'a Value, direction: Direction) -> Self {
        Self {
            old_document,
            new_document,
            direction,
            stack: Vec::new(),
            findings: Vec::new(),
        }
    }

    /// Records a change at `field`.
    fn push(&mut self, severity: Severity, field: &str, message: impl Into<String>) {
        let finding = Finding {
            severity,
            field: field.to_owned(),
            message: message.into(),
        };
        if !self.findings.contains(&finding) {
            self.findings.push(finding);
        }
    }

    /// `when_request` in a request, `when_response` in a response.
    fn by_direction(&self, when_request: Severity, when_response: Severity) -> Severity {
        match self.direction {
            Direction::Request => when_request,
            Direction::Response => when_response,
        }
    }

    /// Compares `old` (in the old document) with `new` (in the new one) at `field`.
    pub fn compare(&mut self, old: &Value, new: &Value, field: &str) {
        let (_, old_ref) = deref(self.old_document, old);
        let (_, new_ref) = deref(self.new_document, new);
        let key = (old_ref.map(str::to_owned), new_ref.map(str::to_owned));
        let guarded = key.0.is_some() || key.1.is_some();
        if guarded {
            if self.stack.contains(&key) {
                return;
            }
            self.stack.push(key);
        }
        let old = effective(self.old_document, old, 0);
        let new = effective(self.new_document, new, 0);
        self.compare_effective(&old, &new, field);
        if guarded {
            self.stack.pop();
        }
    }

    /// Compares two schemas whose `$ref`s and `allOf`s are already resolved.
    fn compare_effective(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
    ) {
        if !self.compare_variants(old, new, field) {
            return;
        }
        match (type_of(old), type_of(new)) {
            (Some(before), Some(after)) if before != after => {
                self.push(
                    Breaking,
                    field,
                    format!("type changed `{before}` → `{after}`"),
                );
                return;
            }
            (None, Some(after)) => {
                self.push(
                    Breaking,
                    field,
                    format!("type narrowed from any to `{after}`"),
                );
                return;
            }
            (Some(before), None) => {
                self.push(
                    Breaking,
                    field,
                    format!("type widened from `{before}` to any"),
                );
                return;
            }
            _ => {}
        }
        self.compare_format(old, new, field);
        self.compare_nullable(old, new, field);
        self.compare_enum(old, new, field);
        self.compare_pattern(old, new, field);
        for (key, upper) in [
            ("maxLength", true),
            ("minLength", false),
            ("maximum", true),
            ("minimum", false),
            ("maxItems", true),
            ("minItems", false),
        ] {
            self.compare_bound(old, new, field, key, upper);
        }
        self.compare_properties(old, new, field);
        if let (Some(before), Some(after)) = (old.get("items"), new.get("items")) {
            self.compare(before, after, &format!("{field}[]"));
        }
        if let (Some(before @ Value::Object(_)), Some(after @ Value::Object(_))) = (
            old.get("additionalProperties"),
            new.get("additionalProperties"),
        ) {
            self.compare(before, after, &format!("{field}{{}}"));
        }
    }

    /// Compares `oneOf` / `anyOf` variants; returns whether the rest of the schema is comparable.
    fn compare_variants(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
    ) -> bool {
        for keyword in ["oneOf", "anyOf"] {
            let before = old.get(keyword).and_then(Value::as_array);
            let after = new.get(keyword).and_then(Value::as_array);
            match (before, after) {
                (None, None) => {}
                (Some(_), None) | (None, Some(_)) => {
                    let (was, is) = if before.is_some() {
                        (keyword, "a single schema")
                    } else {
                        ("a single schema", keyword)
                    };
                    self.push(Breaking, field, format!("type changed from {was} to {is}"));
                    return false;
                }
                (Some(before), Some(after)) => {
                    let before = labelled(before);
                    let after = labelled(after);
                    for (label, schema) in &before {
                        let here = join(field, &format!("<{label}>"));
                        match after.iter().find(|(other, _)| other == label) {
                            Some((_, other)) => self.compare(schema, other, &here),
                            None => self.push(
                                Breaking,
                                field,
                                format!("{keyword} variant `{label}` removed"),
                            ),
                        }
                    }
                    for (label, _) in &after {
                        if !before.iter().any(|(other, _)| other == label) {
                            let severity = self.by_direction(NonBreaking, Breaking);
                            self.push(
                                severity,
                                field,
                                format!("{keyword} variant `{label}` added"),
                            );
                        }
                    }
                }
            }
        }
        true
    }

    /// `format` added, removed or changed: the generated Rust type changes, so always breaking.
    fn compare_format(&mut self, old: &Map<String, Value>, new: &Map<String, Value>, field: &str) {
        let before = old.get("format").and_then(Value::as_str);
        let after = new.get("format").and_then(Value::as_str);
        let message = match (before, after) {
            (Some(a), Some(b)) if a != b => format!("format changed `{a}` → `{b}`"),
            (None, Some(b)) => format!("format `{b}` added"),
            (Some(a), None) => format!("format `{a}` removed"),
            _ => return,
        };
        self.push(Breaking, field, message);
    }

    /// `nullable` turned on or off.
    fn compare_nullable(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
    ) {
        let nullable = |s: &Map<String, Value>| s.get("nullable") == Some(&Value::Bool(true));
        match (nullable(old), nullable(new)) {
            (true, false) => {
                let severity = self.by_direction(Breaking, NonBreaking);
                self.push(severity, field, "no longer nullable");
            }
            (false, true) => {
                let severity = self.by_direction(NonBreaking, Breaking);
                self.push(severity, field, "now nullable");
            }
            _ => {}
        }
    }

    /// Enum values added or removed, or an enum added to or dropped from the schema.
    fn compare_enum(&mut self, old: &Map<String, Value>, new: &Map<String, Value>, field: &str) {
        let before = old.get("enum").and_then(Value::as_array);
        let after = new.get("enum").and_then(Value::as_array);
        match (before, after) {
            (None, None) => {}
            (None, Some(values)) => self.push(
                Breaking,
                field,
                format!("enum added (only {})", listed(values)),
            ),
            (Some(_), None) => self.push(Breaking, field, "enum removed (any value now)"),
            (Some(before), Some(after)) => {
                for value in before.iter().filter(|v| !after.contains(v)) {
                    // A request loses a value callers may send; a response's generated enum loses
                    // the variant callers match on.
                    self.push(
                        Breaking,
                        field,
                        format!("enum value `{}` removed", shown(value)),
                    );
                }
                for value in after.iter().filter(|v| !before.contains(v)) {
                    // Generated enums have no catch-all variant: an unknown value in a response
                    // fails to decode.
                    let severity = self.by_direction(NonBreaking, Breaking);
                    self.push(
                        severity,
                        field,
                        format!("enum value `{}` added", shown(value)),
                    );
                }
            }
        }
    }

    /// `pattern` added, removed or changed.
    fn compare_pattern(&mut self, old: &Map<String, Value>, new: &Map<String, Value>, field: &str) {
        let before = old.get("pattern").and_then(Value::as_str);
        let after = new.get("pattern").and_then(Value::as_str);
        match (before, after) {
            (Some(a), Some(b)) if a != b => {
                self.push(Breaking, field, format!("pattern changed `{a}` → `{b}`"));
            }
            (None, Some(b)) => {
                let severity = self.by_direction(Breaking, NonBreaking);
                self.push(severity, field, format!("pattern added `{b}`"));
            }
            (Some(a), None) => {
                let severity = self.by_direction(NonBreaking, Breaking);
                self.push(severity, field, format!("pattern removed `{a}`"));
            }
            _ => {}
        }
    }

    /// A numeric bound (`maxLength`, `minimum`, …): tightening breaks requests, loosening breaks
    /// responses (the generated types check these bounds when they decode).
    fn compare_bound(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
        key: &str,
        upper: bool,
    ) {
        let before = old.get(key).and_then(Value::as_f64);
        let after = new.get(key).and_then(Value::as_f64);
        let show = |s: &Map<String, Value>| s.get(key).map(shown).unwrap_or_default();
        let (tightened, message) = match (before, after) {
            (Some(a), Some(b)) if a != b => {
                let tightened = if upper { b < a } else { b > a };
                let verb = if b < a { "lowered" } else { "raised" };
                (
                    tightened,
                    format!("{key} {verb} {} → {}", show(old), show(new)),
                )
            }
            (None, Some(b)) => (upper || b > 0.0, format!("{key} {} added", show(new))),
            (Some(_), None) => (false, format!("{key} {} removed", show(old))),
            _ => return,
        };
        let severity = if tightened {
            self.by_direction(Breaking, NonBreaking)
        } else {
            self.by_direction(NonBreaking, Breaking)
        };
        self.push(severity, field, message);
    }

    /// Properties added, removed, made required or optional; common ones are compared in turn.
    fn compare_properties(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
    ) {
        let empty = Map::new();
        let before = old
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let after = new
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required_before = required(old);
        let required_after = required(new);
        for (name, schema) in before {
            let here = join(field, name);
            let Some(other) = after.get(name) else {
                let message = match self.direction {
                    Direction::Request => "field removed (callers who set it must stop)",
                    Direction::Response => "field removed",
                };
                self.push(Breaking, &here, message);
                continue;
            };
            let (was, is) = (
                required_before.contains(name.as_str()),
                required_after.contains(name.as_str()),
            );
            if was && !is {
                let severity = self.by_direction(NonBreaking, Breaking);
                self.push(severity, &here, "field made optional");
            } else if !was && is {
                let severity = self.by_direction(Breaking, NonBreaking);
                self.push(severity, &here, "field made required");
            }
            self.compare(schema, other, &here);
        }
        for name in after.keys().filter(|name| !before.contains_key(*name)) {
            let here = join(field, name);
            if required_after.contains(name.as_str()) {
                let severity = self.by_direction(Breaking, NonBreaking);
                self.push(severity, &here, "new required field");
            } else {
                self.push(NonBreaking, &here, "new optional field");
            }
        }
    }
}

/// Each variant with a label: the name of the schema it refers to, or `#N` for an inline one.
fn labelled(variants: &[Value]) -> Vec<(String, &Value)> {
    variants
        .iter()
        .enumerate()
        .map(|(index, variant)| {
            let label = variant
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.rsplit('/').next())
                .map_or_else(|| format!("#{index}"), str::to_owned);
            (label, variant)
        })
        .collect()
}

/// Enum values listed for a report: `` `a`, `b` ``.
fn listed(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| format!("`{}`", shown(v)))
        .collect::<Vec<_>>()
        .join(", ")
}
