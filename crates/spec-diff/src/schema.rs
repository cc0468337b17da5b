//! Compares two schemas (and every schema they reach through `$ref`, `allOf`, `oneOf`, `anyOf`,
//! `properties`, `items` and `additionalProperties`) in one direction: a request the caller sends,
//! or a response the caller decodes.
//!
//! A change is reported at the field path that reaches it from the body or parameter being
//! compared (`address.countryCode`, `documents[].type`, `<InvestmentAsAServiceUser>.email`), not
//! at the component that holds it.
//!
//! Everything here is judged on the wire axis only: can a request the old spec allowed now be
//! refused, or can a response the old client decoded now fail to decode? What the change does to
//! the generated Rust code is judged separately, from the code itself (in xtask's `diff::source`).

mod keywords;
mod required_when;
mod summary;

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::change::Severity::{self, Breaking, NonBreaking, Review};

/// Which way a schema travels, which decides whether a narrowing is breaking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Sent by the caller: narrowing what is accepted is breaking.
    Request,
    /// Decoded by the caller: widening what may come back is breaking.
    Response,
}

/// Where a value sits in its parent, which decides what a `nullable` change means for the old
/// client: a required field decodes into `T` (a `null` fails), an optional one into `Option<T>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// A body, a required property (in the old version), an array item or a map value.
    Required,
    /// An optional property (in the old version) or an optional parameter.
    Optional,
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

    /// Compares `old` (in the old document) with `new` (in the new one) at `field`, a value in
    /// `slot`.
    pub fn compare(&mut self, old: &Value, new: &Value, field: &str, slot: Slot) {
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
        self.compare_effective(&old, &new, field, slot);
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
        slot: Slot,
    ) {
        if !self.compare_variants(old, new, field, slot) {
            return;
        }
        if !self.compare_type(old, new, field) {
            return;
        }
        self.compare_keywords(old, new, field, slot);
        self.compare_properties(old, new, field);
        if let (Some(before), Some(after)) = (old.get("items"), new.get("items")) {
            self.compare(before, after, &format!("{field}[]"), Slot::Required);
        }
    }

    /// `type` changed, added or dropped; returns whether the rest of the schema is comparable.
    /// An integer is also a number, so `integer` → `number` widens and the reverse narrows.
    fn compare_type(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
    ) -> bool {
        let (severity, message) = match (type_of(old), type_of(new)) {
            (Some(before), Some(after)) if before != after => {
                let severity = match (before.as_str(), after.as_str()) {
                    ("integer", "number") => self.widened(),
                    ("number", "integer") => self.narrowed(),
                    _ => Breaking,
                };
                (severity, format!("type changed `{before}` → `{after}`"))
            }
            // A field the old spec accepted with no rule at all now has one: in a request, some
            // value sent before may be refused, which only the server can tell.
            (None, Some(_)) if self.direction == Direction::Request && !self.has_rules(old) => (
                Review,
                format!(
                    "was accepted with no rule, now {}: a request tightening to review",
                    self.summary_of(new, false).text
                ),
            ),
            (None, Some(after)) => (
                self.narrowed(),
                format!("type narrowed from any to `{after}`"),
            ),
            (Some(before), None) => {
                let dropped = self.checks_of(old);
                let dropped = if dropped.is_empty() {
                    String::new()
                } else {
                    format!(" (its checks dropped too: {})", dropped.join(", "))
                };
                (
                    self.widened(),
                    format!("type widened from `{before}` to any{dropped}"),
                )
            }
            _ => return true,
        };
        self.push(severity, field, message);
        false
    }

    /// The severity of accepting fewer values: breaking in a request, not in a response.
    fn narrowed(&self) -> Severity {
        self.by_direction(Breaking, NonBreaking)
    }

    /// The severity of accepting more values: breaking in a response (the old client may fail to
    /// decode the new ones), not in a request.
    fn widened(&self) -> Severity {
        self.by_direction(NonBreaking, Breaking)
    }

    /// Compares `oneOf` / `anyOf` variants; returns whether the rest of the schema is comparable.
    fn compare_variants(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
        slot: Slot,
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
                            Some((_, other)) => self.compare(schema, other, &here, slot),
                            None => {
                                let severity = self.narrowed();
                                self.push(
                                    severity,
                                    field,
                                    format!("{keyword} variant `{label}` removed"),
                                )
                            }
                        }
                    }
                    for (label, _) in &after {
                        if !before.iter().any(|(other, _)| other == label) {
                            let severity = self.widened();
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
            let was = required_before.contains(name.as_str());
            let Some(other) = after.get(name) else {
                let (severity, message) = match (self.direction, was) {
                    (Direction::Request, _) => {
                        (Breaking, "field removed (callers who set it must stop)")
                    }
                    (Direction::Response, true) => {
                        (Breaking, "required field removed (the old client needs it)")
                    }
                    (Direction::Response, false) => (
                        NonBreaking,
                        "optional field removed (the old client decodes its absence as `None`)",
                    ),
                };
                self.push(severity, &here, message);
                continue;
            };
            let is = required_after.contains(name.as_str());
            if was && !is {
                let severity = self.widened();
                self.push(severity, &here, "field made optional");
            } else if !was && is {
                let severity = self.narrowed();
                self.push(severity, &here, "field made required");
            }
            let slot = if was { Slot::Required } else { Slot::Optional };
            self.compare(schema, other, &here, slot);
        }
        // A response type generated from `additionalProperties: false` rejects unknown fields.
        let closed_before = old.get("additionalProperties") == Some(&Value::Bool(false));
        // Without `additionalProperties: false`, the old schema let any other field through with
        // no rule at all.
        let open_before = matches!(
            old.get("additionalProperties"),
            None | Some(Value::Bool(true))
        ) || old
            .get("additionalProperties")
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty);
        for (name, schema) in after.iter().filter(|(name, _)| !before.contains_key(*name)) {
            let here = join(field, name);
            let kind = if required_after.contains(name.as_str()) {
                "required"
            } else {
                "optional"
            };
            let summary = self.summary(schema);
            let (severity, note) = match (self.direction, kind, closed_before) {
                (Direction::Response, _, true) => (
                    Breaking,
                    " (the old client was generated to reject unknown fields)",
                ),
                (Direction::Request, "required", _) => (Breaking, ""),
                (Direction::Request, _, _) if open_before && summary.has_checks => (
                    Review,
                    " (the old schema accepted this field with no rule; a value sent before may now be refused: a request tightening to review)",
                ),
                _ => (NonBreaking, ""),
            };
            self.push(
                severity,
                &here,
                format!("new {kind} field: {}{note}", summary.text),
            );
        }
        self.compare_required_when(old, new, field);
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
