//! The source axis: can code that compiled against the old generated client fail to compile
//! against the new one?
//!
//! Both versions of the spec are turned into a client in memory by the same entry point and
//! settings as `cargo xtask codegen` ([`crate::render`]), each client's public surface is read
//! back with [`crate::surface::read`], and the two surfaces are compared item by item: operation
//! methods (arguments and return type), types (kind, struct fields with their Rust types, enum
//! variants, wrapped types, aliases) and the traits each type derives or implements.
//!
//! Source breaks: a method removed or its arguments or return type changed; a type removed or
//! renamed (a renamed component renames its type, and the types typify names after it); a type
//! changing kind; a struct field removed or given another Rust type (`T` → `Option<T>` when a
//! required request field is made optional or nullable); a new field in a struct callers build
//! (one reachable from an operation's arguments, or from none: struct literals must name every
//! field); an enum variant removed or changed, or added to an enum callers may match on (one
//! reachable from an operation's return type, or from none: an exhaustive `match` no longer
//! compiles); a trait no longer implemented (e.g. `Default`, lost when a struct gains a required
//! field).
//!
//! Not source breaks: a method or type added; a new field in a type callers only read (reachable
//! from return types only); a variant added to an enum callers only build (reachable from
//! arguments only); a changed check inside a constrained string (its API is the same; the wire
//! axis judges the check).
//!
//! # No builders for request types
//!
//! Generated request types stay plain structs with public fields, so a new optional request field
//! is a source break for code that builds them with a struct literal. typify can generate a
//! `types::builder` module whose builders would absorb new optional fields, but progenitor 0.15.1
//! turns typify's struct builders on only together with `InterfaceStyle::Builder`
//! (`Generator::new` sets `with_struct_builder(interface == Builder)`), which also replaces every
//! positional operation method with a request builder: a rewrite of every caller for one class
//! of change, more generated code, and a required field forgotten in a builder becomes a runtime
//! error instead of a compile error. The struct literal's compile error is the better trade here:
//! the report names the new field, and the facade that builds the requests is updated in the
//! same change.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::surface::{self, Operation, Shape, Surface, TypeItem};
use crate::{preflight, render};
use spec_diff::{Axis, Change, Severity};

/// The public surface of the client generated for `document` with `cargo xtask codegen`'s
/// settings, or why it cannot be generated.
fn generated_surface(document: &Value) -> Result<Surface, String> {
    let problems = preflight::problems(document);
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    surface::read(&render::render("spec", document)?)
}

/// Every change on the [`Axis::Source`]: the clients generated for `old` and `new` compared.
///
/// When either client cannot be generated, one change to review says so: the source axis is
/// then not judged, which is never reported as safe.
pub fn source_changes(old: &Value, new: &Value) -> Vec<Change> {
    match (generated_surface(old), generated_surface(new)) {
        (Ok(before), Ok(after)) => compare(&before, &after),
        (Err(why), _) => vec![not_judged("base", &why)],
        (_, Err(why)) => vec![not_judged("new", &why)],
    }
}

/// The change to review when the `side` client cannot be generated.
fn not_judged(side: &str, why: &str) -> Change {
    change(
        Severity::Review,
        "generated client",
        "",
        format!(
            "the {side} spec's client could not be generated, so the source axis was not judged: {why}"
        ),
    )
}

/// A source change of `subject` (at `field`, if any).
fn change(severity: Severity, subject: &str, field: &str, message: String) -> Change {
    Change {
        axis: Axis::Source,
        severity,
        subject: subject.to_owned(),
        location: String::new(),
        field: field.to_owned(),
        message,
    }
}

/// The type names `text` mentions that are types of `surface`.
fn mentioned<'s>(surface: &'s Surface, text: &str) -> Vec<&'s str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter_map(|word| surface.types.get_key_value(word).map(|(k, _)| k.as_str()))
        .collect()
}

/// The types of `surface` reachable from the types `roots` mentions, through fields, variants,
/// wrapped types and aliases.
fn reachable<'s>(surface: &'s Surface, roots: &[&str]) -> BTreeSet<&'s str> {
    let mut seen = BTreeSet::new();
    let mut queue: Vec<&str> = roots
        .iter()
        .flat_map(|root| mentioned(surface, root))
        .collect();
    while let Some(name) = queue.pop() {
        if !seen.insert(name) {
            continue;
        }
        let Some(item) = surface.types.get(name) else {
            continue;
        };
        let inner: Vec<String> = match &item.shape {
            Shape::Struct { fields, .. } => fields.iter().map(|f| f.ty.clone()).collect(),
            Shape::Newtype { inner, .. } => inner.clone(),
            Shape::Enum { variants, .. } => variants.iter().map(|v| v.fields.clone()).collect(),
            Shape::Alias(target) => vec![target.clone()],
            Shape::Unit => Vec::new(),
        };
        for text in &inner {
            queue.extend(mentioned(surface, text));
        }
    }
    seen
}

/// What callers do with the old client's types: build them (reachable from an operation's
/// arguments) or read and match on them (reachable from its return type).
struct Uses<'s> {
    /// Types reachable from an operation's arguments.
    built: BTreeSet<&'s str>,
    /// Types reachable from an operation's return type.
    read: BTreeSet<&'s str>,
}

impl<'s> Uses<'s> {
    /// Whether callers only read `name`: it comes back from an operation and is never sent.
    fn only_read(&self, name: &str) -> bool {
        self.read.contains(name) && !self.built.contains(name)
    }

    /// Whether callers only build `name`: it is sent to an operation and never comes back.
    fn only_built(&self, name: &str) -> bool {
        self.built.contains(name) && !self.read.contains(name)
    }

    /// The uses of the types of `surface`.
    fn of(surface: &'s Surface) -> Self {
        let arguments: Vec<&str> = surface
            .operations
            .values()
            .flat_map(|o| o.params.iter().map(|(_, ty)| ty.as_str()))
            .collect();
        let returns: Vec<&str> = surface
            .operations
            .values()
            .map(|o| o.returns.as_str())
            .collect();
        Self {
            built: reachable(surface, &arguments),
            read: reachable(surface, &returns),
        }
    }
}

/// Compares two surfaces: the old client's and the new one's.
fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut changes = Vec::new();
    compare_operations(old, new, &mut changes);
    let uses = Uses::of(old);
    let removed: Vec<&String> = old
        .types
        .keys()
        .filter(|name| !new.types.contains_key(*name))
        .collect();
    let mut added: Vec<&String> = new
        .types
        .keys()
        .filter(|name| !old.types.contains_key(*name))
        .collect();
    for name in removed {
        let subject = format!("types::{name}");
        // A renamed component: the same definition under a new name, once the old name (also
        // the prefix of the types typify names after it) reads as the new one.
        let renamed = added.iter().position(|candidate| {
            format!("{:?}", old.types[name.as_str()]).replace(name.as_str(), candidate)
                == format!("{:?}", new.types[candidate.as_str()])
        });
        let message = match renamed {
            Some(index) => format!(
                "type renamed to `types::{}` (code that names `{name}` no longer compiles)",
                added.remove(index)
            ),
            None => "type removed (code that names it no longer compiles)".to_owned(),
        };
        changes.push(change(Severity::Breaking, &subject, "", message));
    }
    for (name, before) in &old.types {
        if let Some(after) = new.types.get(name) {
            compare_type(name, before, after, &uses, &mut changes);
        }
    }
    for name in added {
        changes.push(change(
            Severity::NonBreaking,
            &format!("types::{name}"),
            "",
            "type added".into(),
        ));
    }
    changes
}

/// Operation methods removed (or renamed: the same route, arguments and return type under a new
/// name, as when an `operationId` changes), added, or with other arguments or return type.
fn compare_operations(old: &Surface, new: &Surface, changes: &mut Vec<Change>) {
    let show = |o: &Operation| {
        let params: Vec<String> = o.params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        format!("({})", params.join(", "))
    };
    let mut added: Vec<&String> = new
        .operations
        .keys()
        .filter(|name| !old.operations.contains_key(*name))
        .collect();
    for (name, before) in &old.operations {
        let subject = format!("Client::{name}");
        let Some(after) = new.operations.get(name) else {
            let message = match added
                .iter()
                .position(|candidate| new.operations[candidate.as_str()] == *before)
            {
                Some(index) => format!("method renamed to `Client::{}`", added.remove(index)),
                None => "method removed".to_owned(),
            };
            changes.push(change(Severity::Breaking, &subject, "", message));
            continue;
        };
        if before.params != after.params {
            changes.push(change(
                Severity::Breaking,
                &subject,
                "",
                format!("arguments changed `{}` → `{}`", show(before), show(after)),
            ));
        }
        if before.returns != after.returns {
            changes.push(change(
                Severity::Breaking,
                &subject,
                "",
                format!(
                    "return type changed `{}` → `{}`",
                    before.returns, after.returns
                ),
            ));
        }
    }
    for name in added {
        changes.push(change(
            Severity::NonBreaking,
            &format!("Client::{name}"),
            "",
            "method added".into(),
        ));
    }
}

/// One type present in both clients.
fn compare_type(
    name: &str,
    before: &TypeItem,
    after: &TypeItem,
    uses: &Uses<'_>,
    changes: &mut Vec<Change>,
) {
    let subject = format!("types::{name}");
    let mut push = |severity: Severity, field: &str, message: String| {
        changes.push(change(severity, &subject, field, message));
    };
    match (&before.shape, &after.shape) {
        (
            Shape::Struct {
                fields: old_fields, ..
            },
            Shape::Struct {
                fields: new_fields, ..
            },
        ) => {
            for field in old_fields {
                match new_fields.iter().find(|f| f.rust == field.rust) {
                    None => push(Severity::Breaking, &field.rust, "field removed".into()),
                    Some(other) if other.ty != field.ty => push(
                        Severity::Breaking,
                        &field.rust,
                        format!("field type changed `{}` → `{}`", field.ty, other.ty),
                    ),
                    Some(_) => {}
                }
            }
            for field in new_fields {
                if old_fields.iter().any(|f| f.rust == field.rust) {
                    continue;
                }
                let (severity, note) = if uses.only_read(name) {
                    (
                        Severity::NonBreaking,
                        "callers only read this type".to_owned(),
                    )
                } else {
                    let default = if after.traits.contains("Default") {
                        " without `..Default::default()`"
                    } else {
                        ""
                    };
                    let who = if uses.built.contains(name) {
                        "callers build this type"
                    } else {
                        "no operation uses this type, so callers may build it"
                    };
                    (
                        Severity::Breaking,
                        format!("{who}: struct literals{default} no longer compile"),
                    )
                };
                push(
                    severity,
                    &field.rust,
                    format!("new field of type `{}` ({note})", field.ty),
                );
            }
        }
        (
            Shape::Enum {
                variants: old_variants,
                ..
            },
            Shape::Enum {
                variants: new_variants,
                ..
            },
        ) => {
            for variant in old_variants {
                match new_variants.iter().find(|v| v.rust == variant.rust) {
                    None => push(
                        Severity::Breaking,
                        "",
                        format!("variant `{}` removed", variant.rust),
                    ),
                    Some(other) if other.fields != variant.fields => push(
                        Severity::Breaking,
                        "",
                        format!(
                            "variant `{}` changed `{}` → `{}`",
                            variant.rust, variant.fields, other.fields
                        ),
                    ),
                    Some(_) => {}
                }
            }
            for variant in new_variants {
                if old_variants.iter().any(|v| v.rust == variant.rust) {
                    continue;
                }
                let (severity, note) = if uses.only_built(name) {
                    (Severity::NonBreaking, "callers only build this type")
                } else if uses.read.contains(name) {
                    (
                        Severity::Breaking,
                        "callers match on this type: an exhaustive `match` no longer compiles",
                    )
                } else {
                    (
                        Severity::Breaking,
                        "no operation uses this type, so callers may match on it: an exhaustive `match` no longer compiles",
                    )
                };
                push(
                    severity,
                    "",
                    format!("variant `{}` added ({note})", variant.rust),
                );
            }
        }
        (Shape::Newtype { inner: a, .. }, Shape::Newtype { inner: b, .. }) if a != b => push(
            Severity::Breaking,
            "",
            format!(
                "wrapped type changed `{}` → `{}`",
                a.join(", "),
                b.join(", ")
            ),
        ),
        (Shape::Alias(a), Shape::Alias(b)) if a != b => push(
            Severity::Breaking,
            "",
            format!("alias changed `{a}` → `{b}`"),
        ),
        (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
            // A new kind of type brings its own traits: the kind change says it all.
            push(
                Severity::Breaking,
                "",
                format!("changed from {} to {}", kind(a), kind(b)),
            );
            return;
        }
        _ => {}
    }
    for lost in before.traits.difference(&after.traits) {
        push(
            Severity::Breaking,
            "",
            format!("no longer implements `{lost}`"),
        );
    }
}

/// A type's kind, as a report names it.
fn kind(shape: &Shape) -> &'static str {
    match shape {
        Shape::Struct { .. } => "a struct",
        Shape::Newtype { .. } => "a newtype",
        Shape::Enum { .. } => "an enum",
        Shape::Alias(_) => "a type alias",
        Shape::Unit => "a unit struct",
    }
}
