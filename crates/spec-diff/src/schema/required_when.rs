//! `x-required-when`: a field required when another field has one of some values (the
//! workspace's validators enforce it; progenitor ignores it).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{Direction, SchemaDiff, join, shown};
use crate::change::Severity::{Breaking, NonBreaking, Review};

/// The note on an `x-required-when` change in a response.
const UNCHECKED_EXTENSION: &str = " (the generated client does not check x-required-when)";

impl SchemaDiff<'_> {
    /// `x-required-when` (a field required when another field has one of some values), added,
    /// removed or changed on an object. More or wider conditions refuse requests the old spec
    /// allowed (a request tightening); the generated client does not check the extension, so a
    /// response is not affected.
    pub(super) fn compare_required_when(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
    ) {
        let empty = Map::new();
        let rules = |schema: &'_ Map<String, Value>| -> Map<String, Value> {
            schema
                .get("x-required-when")
                .and_then(Value::as_object)
                .unwrap_or(&empty)
                .clone()
        };
        let (before, after) = (rules(old), rules(new));
        let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        for name in names {
            let here = join(field, name);
            let (was, is) = (before.get(name), after.get(name));
            if was == is {
                continue;
            }
            let shown_rule =
                |rule: Option<&Value>| rule.map(describe_condition).unwrap_or_default();
            let (tightened, message) = match (was, is) {
                (None, Some(rule)) => (
                    Some(true),
                    format!(
                        "x-required-when added: required when {}",
                        shown_rule(Some(rule))
                    ),
                ),
                (Some(rule), None) => (
                    Some(false),
                    format!(
                        "x-required-when removed (was required when {})",
                        shown_rule(Some(rule))
                    ),
                ),
                _ => (
                    condition_order(was, is),
                    format!(
                        "x-required-when changed: required when {} (was {})",
                        shown_rule(is),
                        shown_rule(was)
                    ),
                ),
            };
            let (severity, note) = match (self.direction, tightened) {
                (Direction::Response, _) => (NonBreaking, UNCHECKED_EXTENSION),
                (Direction::Request, Some(true)) => (
                    Breaking,
                    " (a request tightening: a request without it the old spec allowed is now refused)",
                ),
                (Direction::Request, Some(false)) => (NonBreaking, ""),
                (Direction::Request, None) => (
                    Review,
                    " (conditions both added and removed: a request tightening to review)",
                ),
            };
            self.push(severity, &here, format!("{message}{note}"));
        }
    }
}

/// An `x-required-when` rule as shown: `` `employmentStatus` is `FullTime`, `PartTime` ``.
fn describe_condition(rule: &Value) -> String {
    let Some(conditions) = rule.as_object() else {
        return shown(rule);
    };
    let parts: Vec<String> = conditions
        .iter()
        .map(|(name, values)| {
            let listed: Vec<String> = values
                .as_array()
                .map(|values| values.iter().map(|v| format!("`{}`", shown(v))).collect())
                .unwrap_or_else(|| vec![format!("`{}`", shown(values))]);
            format!("`{name}` is {}", listed.join(" or "))
        })
        .collect();
    parts.join(" and ")
}

/// Whether the rule `new` requires the field in more cases than `old` (`Some(true)`), in fewer
/// (`Some(false)`), or neither provably (`None`). A rule is read as: required when every listed
/// field has one of its listed values; more values under a field widen when it applies, another
/// field narrows it.
fn condition_order(old: Option<&Value>, new: Option<&Value>) -> Option<bool> {
    let values = |rule: Option<&Value>| -> Option<Vec<(String, BTreeSet<String>)>> {
        let rule = rule?.as_object()?;
        rule.iter()
            .map(|(name, values)| {
                let set = values.as_array()?.iter().map(shown).collect();
                Some((name.clone(), set))
            })
            .collect()
    };
    let (old, new) = (values(old)?, values(new)?);
    let fields = |rule: &[(String, BTreeSet<String>)]| -> BTreeSet<String> {
        rule.iter().map(|(name, _)| name.clone()).collect()
    };
    if fields(&old) != fields(&new) {
        return None;
    }
    let pairs = old.iter().zip(new.iter());
    if pairs.clone().all(|((_, a), (_, b))| a.is_subset(b)) {
        Some(true)
    } else if pairs.clone().all(|((_, a), (_, b))| b.is_subset(a)) {
        Some(false)
    } else {
        None
    }
}
