//! The operation walk: operations matched by `METHOD /path` (then by `operationId`), and for
//! each pair its security, parameters, request body and responses compared (the schemas by the
//! `schema` module).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::change::{Axis, Change, Severity};
use crate::operation::{Operation, is_required, operation_id, operations, parameters, resolve};
use crate::requirements;
use crate::schema::{Direction, Finding, SchemaDiff, Slot};

/// Every change on the [`Axis::Wire`], judged from the two specs.
///
/// Operations are matched by `METHOD /path`, then (for what is left) by `operationId`, so a moved
/// operation is reported once and its contents are still compared.
pub fn wire_changes(old: &Value, new: &Value) -> Vec<Change> {
    let old_operations = operations(old);
    let new_operations = operations(new);
    let mut pairs: Vec<(&String, &String)> = Vec::new();
    let mut removed: Vec<&String> = Vec::new();
    for key in old_operations.keys() {
        if new_operations.contains_key(key) {
            pairs.push((key, key));
        } else {
            removed.push(key);
        }
    }
    let mut added: Vec<&String> = new_operations
        .keys()
        .filter(|key| !old_operations.contains_key(*key))
        .collect();

    let mut changes = Vec::new();
    for old_key in removed {
        let moved_to = old_operations
            .get(old_key)
            .and_then(operation_id)
            .and_then(|id| {
                added
                    .iter()
                    .position(|key| new_operations.get(*key).and_then(operation_id) == Some(id))
            });
        match moved_to {
            Some(index) => {
                let new_key = added.remove(index);
                changes.push(Change {
                    axis: Axis::Wire,
                    severity: Severity::Breaking,
                    subject: new_key.clone(),
                    location: String::new(),
                    field: String::new(),
                    message: format!("path or method changed (was `{old_key}`)"),
                });
                pairs.push((old_key, new_key));
            }
            None => changes.push(Change {
                axis: Axis::Wire,
                severity: Severity::Breaking,
                subject: old_key.clone(),
                location: String::new(),
                field: String::new(),
                message: "operation removed".into(),
            }),
        }
    }
    for new_key in added {
        changes.push(Change {
            axis: Axis::Wire,
            severity: Severity::NonBreaking,
            subject: new_key.clone(),
            location: String::new(),
            field: String::new(),
            message: "operation added".into(),
        });
    }
    pairs.sort();
    for (old_key, new_key) in pairs {
        if let (Some(before), Some(after)) =
            (old_operations.get(old_key), new_operations.get(new_key))
        {
            let mut diff = OperationDiff {
                old,
                new,
                name: new_key,
                changes: &mut changes,
            };
            diff.compare(before, after);
        }
    }
    changes
}

/// The OpenAPI range (`2XX`) a status code (`201`) falls in, if it is a three-digit code.
fn range_of(status: &str) -> Option<String> {
    let mut digits = status.chars();
    let first = digits.next().filter(|c| ('1'..='5').contains(c))?;
    (status.len() == 3 && status.chars().all(|c| c.is_ascii_digit())).then(|| format!("{first}XX"))
}

/// Compares one operation's two versions.
struct OperationDiff<'a, 'c> {
    old: &'a Value,
    new: &'a Value,
    /// `METHOD /path` in the new document.
    name: &'a str,
    changes: &'c mut Vec<Change>,
}

impl OperationDiff<'_, '_> {
    /// Records one change of this operation.
    fn push(&mut self, severity: Severity, location: &str, field: &str, message: String) {
        let change = Change {
            axis: Axis::Wire,
            severity,
            subject: self.name.to_owned(),
            location: location.to_owned(),
            field: field.to_owned(),
            message,
        };
        if !self.changes.contains(&change) {
            self.changes.push(change);
        }
    }

    /// Records what a schema comparison found, at `location`.
    fn push_findings(&mut self, location: &str, findings: Vec<Finding>) {
        for finding in findings {
            self.push(finding.severity, location, &finding.field, finding.message);
        }
    }

    /// Compares the schemas `old` and `new` travelling in `direction`, a value in `slot`.
    fn schema(&self, old: &Value, new: &Value, direction: Direction, slot: Slot) -> Vec<Finding> {
        let mut diff = SchemaDiff::new(self.old, self.new, direction);
        diff.compare(old, new, "", slot);
        diff.findings
    }

    /// Everything that changed between `old` and `new`.
    fn compare(&mut self, old: &Operation<'_>, new: &Operation<'_>) {
        match (operation_id(old), operation_id(new)) {
            (Some(before), Some(after)) if before != after => self.push(
                Severity::NonBreaking,
                "",
                "",
                format!(
                    "operationId changed `{before}` → `{after}` (the same request on the wire; the generated method is renamed)"
                ),
            ),
            _ => {}
        }
        self.security(old, new);
        self.parameters(old, new);
        self.request_body(old, new);
        self.responses(old, new);
    }

    /// Security requirements (the operation's own, or the document's) and the schemes they use.
    fn security(&mut self, old: &Operation<'_>, new: &Operation<'_>) {
        for (severity, message) in
            requirements::changes(self.old, self.new, old.operation, new.operation)
        {
            self.push(severity, "security", "", message);
        }
    }
    /// Parameters, matched by `in` and `name`; path-level ones are included.
    fn parameters(&mut self, old: &Operation<'_>, new: &Operation<'_>) {
        let before = parameters(self.old, old);
        let after = parameters(self.new, new);
        for ((place, name), parameter) in &before {
            let location = format!("{place} parameter `{name}`");
            let Some(other) = after.get(&(place.clone(), name.clone())) else {
                self.push(
                    Severity::Breaking,
                    &location,
                    "",
                    "parameter removed".into(),
                );
                continue;
            };
            match (is_required(parameter), is_required(other)) {
                (false, true) => self.push(
                    Severity::Breaking,
                    &location,
                    "",
                    "parameter made required".into(),
                ),
                (true, false) => self.push(
                    Severity::NonBreaking,
                    &location,
                    "",
                    "parameter made optional".into(),
                ),
                _ => {}
            }
            if let (Some(a), Some(b)) = (parameter.get("schema"), other.get("schema")) {
                let slot = if is_required(parameter) {
                    Slot::Required
                } else {
                    Slot::Optional
                };
                let findings = self.schema(a, b, Direction::Request, slot);
                self.push_findings(&location, findings);
            }
        }
        for ((place, name), parameter) in &after {
            if !before.contains_key(&(place.clone(), name.clone())) {
                let (severity, kind) = if is_required(parameter) {
                    (Severity::Breaking, "required")
                } else {
                    (Severity::NonBreaking, "optional")
                };
                self.push(
                    severity,
                    &format!("{place} parameter `{name}`"),
                    "",
                    format!("new {kind} parameter"),
                );
            }
        }
    }

    /// The request body: presence, required-ness, media types and the JSON schema.
    fn request_body(&mut self, old: &Operation<'_>, new: &Operation<'_>) {
        let location = "request body";
        let before = old
            .operation
            .get("requestBody")
            .map(|b| resolve(self.old, b));
        let after = new
            .operation
            .get("requestBody")
            .map(|b| resolve(self.new, b));
        match (before, after) {
            (None, None) => {}
            (Some(_), None) => self.push(Severity::Breaking, location, "", "removed".into()),
            (None, Some(body)) => {
                let (severity, kind) = if is_required(body) {
                    (Severity::Breaking, "required")
                } else {
                    (Severity::NonBreaking, "optional")
                };
                self.push(severity, location, "", format!("added ({kind})"));
            }
            (Some(a), Some(b)) => {
                match (is_required(a), is_required(b)) {
                    (false, true) => {
                        self.push(Severity::Breaking, location, "", "made required".into())
                    }
                    (true, false) => {
                        self.push(Severity::NonBreaking, location, "", "made optional".into())
                    }
                    _ => {}
                }
                self.content(a, b, location, Direction::Request);
            }
        }
    }

    /// Media types of a body, then the JSON schema of both versions.
    fn content(&mut self, old: &Value, new: &Value, location: &str, direction: Direction) {
        let media = |body: &Value| -> BTreeSet<String> {
            body.get("content")
                .and_then(Value::as_object)
                .map(|c| c.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (before, after) = (media(old), media(new));
        for gone in before.difference(&after) {
            self.push(
                Severity::Breaking,
                location,
                "",
                format!("media type `{gone}` removed"),
            );
        }
        for new_media in after.difference(&before) {
            let severity = match direction {
                Direction::Request => Severity::NonBreaking,
                Direction::Response => Severity::Breaking,
            };
            self.push(
                severity,
                location,
                "",
                format!("media type `{new_media}` added"),
            );
        }
        for media_type in before.intersection(&after) {
            let schema = |body: &Value| {
                body.get("content")
                    .and_then(|c| c.get(media_type.as_str()))
                    .and_then(|m| m.get("schema"))
                    .cloned()
                    .unwrap_or_else(|| json!({}))
            };
            let findings = self.schema(&schema(old), &schema(new), direction, Slot::Required);
            self.push_findings(location, findings);
        }
    }

    /// Response statuses, and each common status's body. A change found under several statuses
    /// (a shared error schema) is reported once, naming them all.
    fn responses(&mut self, old: &Operation<'_>, new: &Operation<'_>) {
        let empty = serde_json::Map::new();
        let responses = |operation: &Operation<'_>| {
            operation
                .operation
                .get("responses")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_else(|| empty.clone())
        };
        let (before, after) = (responses(old), responses(new));
        // A range (`2XX`) replacing the codes it covers (`201`, `202`) documents the same answers:
        // one widening, and each old code's body compared with the range's.
        let folded: Vec<(String, String)> = before
            .keys()
            .filter(|s| !after.contains_key(*s))
            .filter_map(|status| {
                let range = range_of(status)?;
                (after.contains_key(&range) && !before.contains_key(&range))
                    .then(|| (status.clone(), range))
            })
            .collect();
        let ranges: BTreeSet<&String> = folded.iter().map(|(_, range)| range).collect();
        for range in &ranges {
            let codes: Vec<String> = folded
                .iter()
                .filter(|(_, r)| r == *range)
                .map(|(code, _)| format!("`{code}`"))
                .collect();
            let plural = if codes.len() > 1 { "es" } else { "" };
            self.push(
                Severity::NonBreaking,
                "",
                "",
                format!(
                    "response status{plural} {} widened to the range `{range}` (the same answers, documented as a range)",
                    codes.join(", ")
                ),
            );
        }
        let is_folded = |status: &String| folded.iter().any(|(code, _)| code == status);
        for status in before
            .keys()
            .filter(|s| !after.contains_key(*s) && !is_folded(s))
        {
            self.push(
                Severity::NonBreaking,
                "",
                "",
                format!(
                    "response status `{status}` removed (the old client still decodes every status that remains)"
                ),
            );
        }
        for status in after
            .keys()
            .filter(|s| !before.contains_key(*s) && !ranges.contains(s))
        {
            let (severity, note) = if status.starts_with('2') {
                (
                    Severity::Breaking,
                    "a new success status: the old client returns `Error::UnexpectedResponse` for it",
                )
            } else {
                (
                    Severity::NonBreaking,
                    "a documented error: its typed body now comes back as `Error::ErrorResponse`",
                )
            };
            self.push(
                severity,
                "",
                "",
                format!("response status `{status}` added ({note})"),
            );
        }
        // (severity, field, message) → statuses, in first-seen order.
        let mut grouped: Vec<(Finding, Vec<String>)> = Vec::new();
        for (status, response) in &before {
            let folded_into = folded
                .iter()
                .find(|(code, _)| code == status)
                .map(|(_, range)| range);
            let Some(other) = after
                .get(status)
                .or_else(|| folded_into.and_then(|r| after.get(r)))
            else {
                continue;
            };
            let mut scratch = Vec::new();
            let mut inner = OperationDiff {
                old: self.old,
                new: self.new,
                name: self.name,
                changes: &mut scratch,
            };
            let (a, b) = (resolve(self.old, response), resolve(self.new, other));
            match (a.get("content").is_some(), b.get("content").is_some()) {
                (true, false) => {
                    inner.push(Severity::Breaking, "", "", "response body removed".into())
                }
                (false, true) => inner.push(
                    Severity::NonBreaking,
                    "",
                    "",
                    "response body added (the old client ignores the body)".into(),
                ),
                (true, true) => inner.content(a, b, "", Direction::Response),
                (false, false) => {}
            }
            for change in scratch {
                let finding = Finding {
                    severity: change.severity,
                    field: change.field,
                    message: change.message,
                };
                match grouped.iter_mut().find(|(f, _)| *f == finding) {
                    Some((_, statuses)) => statuses.push(status.clone()),
                    None => grouped.push((finding, vec![status.clone()])),
                }
            }
        }
        for (finding, statuses) in grouped {
            let plural = if statuses.len() > 1 { "s" } else { "" };
            let location = format!("response{plural} {}", statuses.join(", "));
            self.push(finding.severity, &location, &finding.field, finding.message);
        }
    }
}
