//! The two comparisons of a check: the facts read today against the recorded snapshot
//! ([`changes`]), and against the curated spec ([`disagreements`]). Each difference is one
//! [`Drift`], a kind of change at a place.

use std::collections::BTreeSet;

pub use super::drift::{Drift, Kind};
use super::facts::{Attribute, Facts, parent_of, root_of};
use super::openapi::Reading;

/// A short summary of a place's facts (`required, string, email`) for an added or removed line.
fn summary(facts: &Facts, place: &str) -> String {
    let mut parts = Vec::new();
    if facts.get(place, Attribute::Required) == Some("true") {
        parts.push("required".to_owned());
    }
    for attribute in [Attribute::Type, Attribute::Format] {
        if let Some(value) = facts.get(place, attribute) {
            parts.push(value.to_owned());
        }
    }
    if parts.is_empty() {
        parts.push("present".into());
    }
    parts.join(", ")
}

/// Whether `place` is a response status itself (`response 201`).
fn is_response(place: &str) -> bool {
    place.starts_with("response ") && root_of(place) == place
}

/// Whether `place` has an ancestor in `set`.
fn ancestor_in(place: &str, set: &BTreeSet<&String>) -> bool {
    let mut at = parent_of(place);
    while let Some(parent) = at {
        if set.iter().any(|p| **p == parent) {
            return true;
        }
        at = parent_of(&parent);
    }
    false
}

/// The attribute-level differences at a place both sides have, `old` against `new`. `only` lists
/// the attributes to compare when the new side does not state them (`None`: all).
fn attribute_drift(
    old: &Facts,
    new: &Facts,
    place: &str,
    compare_absent: &dyn Fn(Attribute) -> bool,
) -> Vec<Drift> {
    let mut found = Vec::new();
    let drift = |kind: Kind, old: Option<String>, new: Option<String>| Drift {
        kind,
        place: place.to_owned(),
        old,
        new,
        curated: false,
        versus_spec: false,
    };
    for attribute in Attribute::ALL {
        let before = old.get(place, attribute).map(str::to_owned);
        let after = new.get(place, attribute).map(str::to_owned);
        if before == after || (after.is_none() && !compare_absent(attribute)) {
            continue;
        }
        match attribute {
            Attribute::Present => {}
            Attribute::Required => {
                let was = before.as_deref() == Some("true");
                let is = after.as_deref() == Some("true");
                if !was && is {
                    found.push(drift(Kind::MadeRequired, before, after));
                } else if was && !is {
                    found.push(drift(Kind::MadeOptional, before, after));
                }
            }
            Attribute::Type => {
                let (a, b) = (
                    before.clone().unwrap_or_default(),
                    after.clone().unwrap_or_default(),
                );
                // `array` (what a sample shows) agrees with any `array of T`.
                let generic = |x: &str, y: &str| x == "array" && y.starts_with("array");
                if !(generic(&a, &b) || generic(&b, &a)) {
                    found.push(drift(Kind::TypeChanged, before, after));
                }
            }
            Attribute::Format => found.push(drift(Kind::FormatChanged, before, after)),
            Attribute::Pattern => found.push(drift(Kind::PatternChanged, before, after)),
            Attribute::Length => found.push(drift(Kind::LengthChanged, before, after)),
            Attribute::Example => {
                if before.is_some() && after.is_some() {
                    found.push(drift(Kind::ExampleChanged, before, after));
                }
            }
            Attribute::Enum => {
                let split = |v: &Option<String>| -> BTreeSet<String> {
                    v.iter()
                        .flat_map(|v| v.split(", ").map(str::to_owned))
                        .collect()
                };
                let (a, b) = (split(&before), split(&after));
                for value in b.difference(&a) {
                    found.push(drift(Kind::EnumValueAdded, None, Some(value.clone())));
                }
                for value in a.difference(&b) {
                    found.push(drift(Kind::EnumValueRemoved, Some(value.clone()), None));
                }
            }
        }
    }
    found
}

/// What changed upstream: `old` (the recorded snapshot) against `new` (read today). A place
/// added or removed is one line (its fields are not listed again); a response status likewise.
pub fn changes(old: &Facts, new: &Facts) -> Vec<Drift> {
    let mut found = Vec::new();
    if old.operation != new.operation {
        found.push(Drift {
            kind: Kind::OperationChanged,
            place: new.operation.clone(),
            old: Some(old.operation.clone()),
            new: Some(new.operation.clone()),
            curated: false,
            versus_spec: false,
        });
    }
    let before: BTreeSet<&String> = old.places.keys().collect();
    let after: BTreeSet<&String> = new.places.keys().collect();
    let removed: BTreeSet<&String> = before.difference(&after).copied().collect();
    let added: BTreeSet<&String> = after.difference(&before).copied().collect();
    for place in &removed {
        if !ancestor_in(place, &removed) {
            let kind = if is_response(place) {
                Kind::ResponseRemoved
            } else {
                Kind::FieldRemoved
            };
            found.push(Drift {
                kind,
                place: (*place).clone(),
                old: Some(summary(old, place)),
                new: None,
                curated: false,
                versus_spec: false,
            });
        }
    }
    for place in &added {
        if !ancestor_in(place, &added) {
            let kind = if is_response(place) {
                Kind::ResponseAdded
            } else {
                Kind::FieldAdded
            };
            found.push(Drift {
                kind,
                place: (*place).clone(),
                old: None,
                new: Some(summary(new, place)),
                curated: false,
                versus_spec: false,
            });
        }
    }
    for place in before.intersection(&after) {
        found.extend(attribute_drift(old, new, place, &|_| true));
    }
    found
}

/// Where the curated spec (`spec`) and today's upstream facts (`upstream`) differ.
///
/// Only what upstream can show is compared: a place only in the spec counts when upstream lists
/// other fields under the same parent (a collapsed object hides its fields, a page without
/// headers hides the headers); an attribute upstream does not state at a place counts only for
/// format, pattern, length and enum values, and only when upstream states that attribute
/// somewhere under the same root (a page style that never shows patterns cannot disagree about
/// one). Differences the
/// spec marks as curated carry `curated`.
pub fn disagreements(upstream: &Facts, spec: &Reading) -> Vec<Drift> {
    let facts = &spec.facts;
    let curated =
        |place: &str, attribute: Attribute| spec.curated.contains(&(place.to_owned(), attribute));
    let mut found = Vec::new();
    if upstream.operation != facts.operation {
        found.push(Drift {
            kind: Kind::OperationChanged,
            place: upstream.operation.clone(),
            old: Some(facts.operation.clone()),
            new: Some(upstream.operation.clone()),
            curated: false,
            versus_spec: true,
        });
    }
    let ours: BTreeSet<&String> = facts.places.keys().collect();
    let theirs: BTreeSet<&String> = upstream.places.keys().collect();
    let upstream_only: BTreeSet<&String> = theirs.difference(&ours).copied().collect();
    let spec_only: BTreeSet<&String> = ours.difference(&theirs).copied().collect();
    let unnamed_under: BTreeSet<String> = theirs
        .iter()
        .filter(|p| p.contains("(unnamed "))
        .filter_map(|p| parent_of(p))
        .collect();
    for place in &upstream_only {
        if place.contains("(unnamed ") {
            found.push(Drift {
                kind: Kind::Unnamed,
                place: (*place).clone(),
                old: None,
                new: Some(summary(upstream, place)),
                curated: true,
                versus_spec: true,
            });
            continue;
        }
        if ancestor_in(place, &upstream_only) {
            continue;
        }
        let kind = if is_response(place) {
            Kind::ResponseAdded
        } else {
            Kind::FieldAdded
        };
        found.push(Drift {
            kind,
            place: (*place).clone(),
            old: None,
            new: Some(summary(upstream, place)),
            curated: parent_of(place).is_some_and(|p| spec.shapes.contains(&p)),
            versus_spec: true,
        });
    }
    let shows_children = |parent: &str| {
        theirs.iter().any(|p| {
            p.strip_prefix(parent)
                .is_some_and(|rest| rest.starts_with([' ', '.']) || rest.starts_with("[]."))
        })
    };
    for place in &spec_only {
        if ancestor_in(place, &spec_only) {
            continue;
        }
        let visible = if is_response(place) {
            theirs.iter().any(|p| is_response(p))
        } else {
            match parent_of(place) {
                Some(parent) => {
                    shows_children(&parent)
                        && (theirs.contains(&parent) || parent == root_of(place))
                }
                None => {
                    let kind = place.split(' ').next().unwrap_or_default();
                    theirs.iter().any(|p| p.split(' ').next() == Some(kind))
                }
            }
        };
        if !visible {
            continue;
        }
        let lost_name = parent_of(place).is_some_and(|p| unnamed_under.contains(&p));
        let kind = if is_response(place) {
            Kind::ResponseRemoved
        } else {
            Kind::FieldRemoved
        };
        found.push(Drift {
            kind,
            place: (*place).clone(),
            old: Some(summary(facts, place)),
            new: None,
            curated: lost_name || curated(place, Attribute::Present),
            versus_spec: true,
        });
    }
    // The attributes upstream states under each root (a response read from a sample states no
    // patterns, though the request's field list does).
    let stated: BTreeSet<(&str, Attribute)> = upstream
        .places
        .iter()
        .flat_map(|(place, a)| a.keys().map(move |attribute| (root_of(place), *attribute)))
        .collect();
    for place in ours.intersection(&theirs) {
        let compare_absent = |attribute: Attribute| {
            matches!(
                attribute,
                Attribute::Format | Attribute::Pattern | Attribute::Length | Attribute::Enum
            ) && stated.contains(&(root_of(place), attribute))
        };
        for mut drift in attribute_drift(facts, upstream, place, &compare_absent) {
            let attribute = match drift.kind {
                Kind::MadeRequired | Kind::MadeOptional => Attribute::Required,
                Kind::TypeChanged => Attribute::Type,
                Kind::FormatChanged => Attribute::Format,
                Kind::PatternChanged => Attribute::Pattern,
                Kind::LengthChanged => Attribute::Length,
                Kind::EnumValueAdded | Kind::EnumValueRemoved => Attribute::Enum,
                _ => Attribute::Example,
            };
            // A marker on the field's own schema covers what it states and what it leaves
            // out; whether the field is required is its object's decision.
            drift.versus_spec = true;
            drift.curated = curated(place, attribute)
                || (attribute != Attribute::Required && spec.shapes.contains(*place));
            found.push(drift);
        }
    }
    found
}
