//! The requirement rules of an operation: the security requirements it states (or inherits from
//! the document) and the security schemes they use, compared between two versions.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::change::Severity;
use crate::operation::{resolve, show_value};

/// One security requirement: scheme names with their scopes.
type Requirement = BTreeSet<(String, Vec<String>)>;

/// The effective security requirements of `operation`: its own `security`, else the document's.
fn requirements(document: &Value, operation: &Value) -> BTreeSet<Requirement> {
    operation
        .get("security")
        .or_else(|| document.get("security"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|requirement| {
            requirement
                .iter()
                .map(|(name, scopes)| {
                    let mut scopes: Vec<String> = scopes
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect();
                    scopes.sort();
                    (name.clone(), scopes)
                })
                .collect()
        })
        .collect()
}

/// A requirement as shown in a report: `` `a` + `b` `` (`` `{}` (anonymous) `` for the empty one).
fn show_requirement(requirement: &Requirement) -> String {
    if requirement.is_empty() {
        return "`{}` (anonymous)".into();
    }
    requirement
        .iter()
        .map(|(name, scopes)| {
            if scopes.is_empty() {
                format!("`{name}`")
            } else {
                format!("`{name}` ({})", scopes.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The security changes of one operation between the documents `old` and `new` (its two
/// versions `old_operation` and `new_operation`): requirements removed (breaking), added (breaking
/// when none was needed before, another alternative otherwise), and each scheme they use whose
/// settings changed (breaking). One `(severity, message)` per change.
pub(crate) fn changes(
    old: &Value,
    new: &Value,
    old_operation: &Value,
    new_operation: &Value,
) -> Vec<(Severity, String)> {
    let mut found = Vec::new();
    let before = requirements(old, old_operation);
    let after = requirements(new, new_operation);
    for requirement in before.difference(&after) {
        found.push((
            Severity::Breaking,
            format!("requirement {} removed", show_requirement(requirement)),
        ));
    }
    for requirement in after.difference(&before) {
        let (severity, note) = if before.is_empty() {
            (Severity::Breaking, " (none was needed before)")
        } else {
            (Severity::NonBreaking, " (another alternative)")
        };
        found.push((
            severity,
            format!("requirement {} added{note}", show_requirement(requirement)),
        ));
    }
    let used: BTreeSet<&String> = before
        .iter()
        .chain(after.iter())
        .flat_map(|r| r.iter().map(|(name, _)| name))
        .collect();
    for name in used {
        let pointer = format!("/components/securitySchemes/{name}");
        let (Some(a), Some(b)) = (old.pointer(&pointer), new.pointer(&pointer)) else {
            continue;
        };
        let (a, b) = (resolve(old, a), resolve(new, b));
        let keys: BTreeSet<&String> = a
            .as_object()
            .into_iter()
            .chain(b.as_object())
            .flat_map(|m| m.keys())
            .filter(|k| *k != "description" && !k.starts_with("x-"))
            .collect();
        let show = |v: Option<&Value>| {
            v.map_or_else(|| "none".to_owned(), |v| format!("`{}`", show_value(v)))
        };
        let differences: Vec<String> = keys
            .into_iter()
            .filter(|key| a.get(key.as_str()) != b.get(key.as_str()))
            .map(|key| {
                format!(
                    "{key} {} → {}",
                    show(a.get(key.as_str())),
                    show(b.get(key.as_str()))
                )
            })
            .collect();
        if !differences.is_empty() {
            found.push((
                Severity::Breaking,
                format!("scheme `{name}` changed: {}", differences.join(", ")),
            ));
        }
    }
    found
}
