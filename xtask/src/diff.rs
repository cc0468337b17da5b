//! `cargo xtask diff [BASE]`: what each spec change means for callers of the generated clients.
//!
//! Every `specs/*.yaml` of the work tree is compared with the same file at git revision `BASE`
//! (default `HEAD`, read with `git show BASE:specs/NAME.yaml`). The core, [`diff_documents`] and
//! [`render_markdown`], is pure, so tests need no git.
//!
//! # Two axes
//!
//! A change can break a caller of a generated client in two independent ways, and each change in
//! the report names the [`Axis`] it was judged on:
//!
//! - **Wire** ([`wire_changes`], from the two specs): a request the old spec allowed can now be
//!   refused, or a response the old client decoded can now fail to decode. A narrowing breaks
//!   requests, a widening breaks responses — where the old generated client checks it when it
//!   decodes (an enum without a catch-all variant, a constrained string, `deny_unknown_fields`,
//!   a non-optional field).
//! - **Source** ([`source_changes`], from the two generated clients): code that compiled against
//!   the old client can fail to compile against the new one. Both clients are generated in
//!   memory with `cargo xtask codegen`'s settings and their public surfaces compared; see
//!   `source` for the rules and for why request types get no builders (a new optional request
//!   field is therefore a source break for struct literals).
//!
//! Each change is [`Severity::Breaking`], [`Severity::Review`] ("possibly breaking: review": the
//! tool could not decide, e.g. whether a changed pattern still accepts every old value, or a
//! client could not be generated) or [`Severity::NonBreaking`] on its axis. `--fail-on-breaking`
//! fails on a breaking or to-review change on either axis.
//!
//! # Why not the `drift` crate
//!
//! `drift` 0.2.0 (oxidecomputer/drift) was considered first: it reads the same `openapiv3` 2.2
//! model as this crate, but it does not fit. It reports every change inside a string or number
//! schema (`pattern`, `minLength`/`maxLength`, `enum`, `format`, bounds) as "unhandled", which are
//! most of the categories this report exists for; it has no view of security requirements or
//! schemes; it asserts (panics) when a media type is added or removed; and it groups changes by
//! component rather than by the request or response field that reaches them. Its classes
//! (backward/forward incompatible) describe server evolution, while this report must follow what
//! the generated Rust client does. So the comparison is written here, over `serde_json::Value`.
//!
//! # Wire classification
//!
//! Breaking: an operation removed or moved (its path or method changed; matched by
//! `operationId`); a required parameter added, a parameter removed or made required; a request
//! body added as required, removed, or made required; a request field that is new and required,
//! removed, or made required; a narrowed request value (pattern added, or changed with a value the
//! old pattern accepted and the new one refuses; `maxLength`/`maximum`/`maxItems`/`maxProperties`
//! lowered or added, their `min` counterparts raised or added; `exclusiveMinimum`/
//! `exclusiveMaximum` turned on; `multipleOf` added or changed to a step the old one is not a
//! multiple of; `uniqueItems` turned on; `additionalProperties` narrowed, e.g. a schema → `false`;
//! `readOnly` added; an enum value or `oneOf` variant removed; no longer nullable; a format
//! added); a type changed (except `integer` → `number` in a request) or a format changed; a
//! response field made optional, or removed when it was required; a widened response value the
//! old client checks (an enum value or `oneOf` variant added, a pattern removed or changed with a
//! value the old pattern refuses, a string length or numeric bound loosened, a checked format
//! such as `date-time` or `uuid` removed, `additionalProperties` widened from `false` or a schema,
//! now nullable on a field the old client requires, `writeOnly` added to a required field); a new
//! response field where the old type rejected unknown fields; a new success status (the old client
//! returns `Error::UnexpectedResponse` for it); a response body removed or given another media
//! type; a security requirement removed or added where none was needed; a security scheme the
//! operation uses changed (type, scheme, header name, …).
//!
//! Non-breaking: the mirror images — an operation added or its `operationId` changed (the same
//! request; the renamed method is a source break); an optional parameter or request body added;
//! a parameter or body made optional; a new optional request field, or one made optional or
//! nullable; a widened request value; a narrowed response value; an optional response field
//! removed (decoded as `None`) or made nullable (the old `Option<T>` already decodes `null`); a
//! new response field; a response status removed or a documented error status added; a response
//! body added (the old client ignores it); a widened response value the generated client does not
//! check (`maxItems`/`minItems`, `maxProperties`/`minProperties`, `uniqueItems` — a set merges
//! duplicates —, an unchecked format such as `email`); a security requirement added as another
//! alternative.
//!
//! A changed pattern is judged by regular-language containment (see `pattern`): non-breaking only
//! when proven, breaking with a witness string when disproven, to review otherwise.
//!
//! Descriptions, examples, summaries and `x-` extensions are not compared.

mod change;
mod pattern;
mod report;
mod schema;
mod source;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::preflight::{METHODS, resolve};
use crate::workspace;
pub use change::{Axis, Change, Severity};
pub use report::{SpecDiff, SpecStatus, render_markdown, render_report};
use schema::{Direction, Finding, SchemaDiff, Slot};
pub use source::source_changes;

/// One operation of a document.
struct Operation<'a> {
    /// The path item it belongs to (for path-level parameters).
    item: &'a Value,
    /// The operation object.
    operation: &'a Value,
}

/// Every operation of `document`, keyed `METHOD /path`.
fn operations(document: &Value) -> BTreeMap<String, Operation<'_>> {
    let mut found = BTreeMap::new();
    for (path, item) in document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let item = resolve(document, item);
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.insert(
                    format!("{} {path}", method.to_uppercase()),
                    Operation { item, operation },
                );
            }
        }
    }
    found
}

/// The `operationId` of an operation, if it has one.
fn operation_id<'a>(operation: &Operation<'a>) -> Option<&'a str> {
    operation
        .operation
        .get("operationId")
        .and_then(Value::as_str)
}

/// Compares two versions of an OpenAPI 3.0 document on both axes: [`wire_changes`] from the
/// specs, then [`source_changes`] from the clients generated for them. Identical documents give
/// an empty list.
pub fn diff_documents(old: &Value, new: &Value) -> Vec<Change> {
    let mut changes = wire_changes(old, new);
    changes.extend(source_changes(old, new));
    changes
}

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
        let before = requirements(self.old, old.operation);
        let after = requirements(self.new, new.operation);
        for requirement in before.difference(&after) {
            self.push(
                Severity::Breaking,
                "security",
                "",
                format!("requirement {} removed", show_requirement(requirement)),
            );
        }
        for requirement in after.difference(&before) {
            let severity = if before.is_empty() {
                Severity::Breaking
            } else {
                Severity::NonBreaking
            };
            let note = if before.is_empty() {
                " (none was needed before)"
            } else {
                " (another alternative)"
            };
            self.push(
                severity,
                "security",
                "",
                format!("requirement {} added{note}", show_requirement(requirement)),
            );
        }
        let used: BTreeSet<&String> = before
            .iter()
            .chain(after.iter())
            .flat_map(|r| r.iter().map(|(name, _)| name))
            .collect();
        for name in used {
            let pointer = format!("/components/securitySchemes/{name}");
            let (Some(a), Some(b)) = (self.old.pointer(&pointer), self.new.pointer(&pointer))
            else {
                continue;
            };
            let (a, b) = (resolve(self.old, a), resolve(self.new, b));
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
                self.push(
                    Severity::Breaking,
                    "security",
                    "",
                    format!("scheme `{name}` changed: {}", differences.join(", ")),
                );
            }
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
        for status in before.keys().filter(|s| !after.contains_key(*s)) {
            self.push(
                Severity::NonBreaking,
                "",
                "",
                format!(
                    "response status `{status}` removed (the old client still decodes every status that remains)"
                ),
            );
        }
        for status in after.keys().filter(|s| !before.contains_key(*s)) {
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
            let Some(other) = after.get(status) else {
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

/// A value as shown inline: strings bare, anything else as JSON.
fn show_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Whether `node` has `required: true`.
fn is_required(node: &Value) -> bool {
    node.get("required") == Some(&Value::Bool(true))
}

/// The parameters of an operation, path-level ones first and overridden by the operation's,
/// keyed by (`in`, `name`).
fn parameters<'a>(
    document: &'a Value,
    operation: &Operation<'a>,
) -> BTreeMap<(String, String), &'a Value> {
    let mut found = BTreeMap::new();
    for list in [operation.item, operation.operation] {
        for parameter in list
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let parameter = resolve(document, parameter);
            if let (Some(place), Some(name)) = (
                parameter.get("in").and_then(Value::as_str),
                parameter.get("name").and_then(Value::as_str),
            ) {
                found.insert((place.to_owned(), name.to_owned()), parameter);
            }
        }
    }
    found
}

/// Why the comparison could not run.
#[derive(Debug)]
pub enum DiffError {
    /// git failed, or `BASE` is not a revision.
    Git(String),
    /// A spec could not be read or parsed.
    Spec {
        /// The spec and the revision, e.g. `specs/bitpanda.yaml` or `HEAD:specs/bitpanda.yaml`.
        spec: String,
        /// What went wrong.
        problem: String,
    },
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Git(problem) => write!(f, "git: {problem}"),
            Self::Spec { spec, problem } => write!(f, "{spec}: {problem}"),
        }
    }
}

impl std::error::Error for DiffError {}

/// Runs git in `root` with `args`; its stdout, or an error with its stderr.
fn git(root: &Path, args: &[&str]) -> Result<String, DiffError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| DiffError::Git(format!("cannot run git: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(DiffError::Git(format!(
            "`git {}` failed: {}",
            args.join(" "),
            stderr.trim()
        )));
    }
    String::from_utf8(output.stdout).map_err(|e| {
        DiffError::Git(format!(
            "`git {}`: output is not UTF-8: {e}",
            args.join(" ")
        ))
    })
}

/// Parses spec text (YAML) shown as `spec`.
fn parse(spec: &str, text: &str) -> Result<Value, DiffError> {
    yaml_serde::from_str(text).map_err(|e| DiffError::Spec {
        spec: spec.to_owned(),
        problem: format!("invalid YAML: {e}"),
    })
}

/// Compares every `specs/*.yaml` under `root` (a git work tree) with its version at `base`, in
/// name order; a spec only on one side is [`SpecStatus::Added`] or [`SpecStatus::Removed`].
pub fn run(root: &Path, base: &str) -> Result<Vec<SpecDiff>, DiffError> {
    let revision = format!("{base}^{{commit}}");
    git(root, &["rev-parse", "--verify", "--quiet", &revision])
        .map_err(|_| DiffError::Git(format!("`{base}` is not a commit")))?;
    let listing = git(
        root,
        &[
            "ls-tree",
            "--name-only",
            base,
            &format!("{}/", workspace::SPECS_DIR),
        ],
    )?;
    let mut specs: BTreeSet<String> = listing
        .lines()
        .filter(|line| line.ends_with(".yaml"))
        .map(str::to_owned)
        .collect();
    let at_base = specs.clone();
    let current = workspace::discover(root).map_err(|e| DiffError::Spec {
        spec: workspace::SPECS_DIR.to_owned(),
        problem: e.to_string(),
    })?;
    let in_tree: BTreeSet<String> = current.iter().map(|t| t.spec_display()).collect();
    specs.extend(in_tree.iter().cloned());

    let empty = json!({ "paths": {} });
    let mut diffs = Vec::new();
    for spec in specs {
        let old = if at_base.contains(&spec) {
            let shown = format!("{base}:{spec}");
            Some(parse(&shown, &git(root, &["show", &shown])?)?)
        } else {
            None
        };
        let new = if in_tree.contains(&spec) {
            let path = root.join(&spec);
            let text = std::fs::read_to_string(&path).map_err(|e| DiffError::Spec {
                spec: spec.clone(),
                problem: e.to_string(),
            })?;
            Some(parse(&spec, &text)?)
        } else {
            None
        };
        let status = match (&old, &new) {
            (None, _) => SpecStatus::Added,
            (_, None) => SpecStatus::Removed,
            _ => SpecStatus::Changed,
        };
        let changes = match (&old, &new) {
            (Some(old), Some(new)) => diff_documents(old, new),
            _ => wire_changes(
                old.as_ref().unwrap_or(&empty),
                new.as_ref().unwrap_or(&empty),
            ),
        };
        diffs.push(SpecDiff {
            spec,
            status,
            changes,
        });
    }
    Ok(diffs)
}
