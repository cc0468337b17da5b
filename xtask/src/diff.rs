//! `cargo xtask diff [BASE]`: what each spec change means for callers of the generated clients.
//!
//! Every `specs/*.yaml` of the work tree is compared with the same file at git revision `BASE`
//! (default `HEAD`, read with `git show BASE:specs/NAME.yaml`), and each change is classified as
//! breaking or not for a caller of the generated client, the way oasdiff or oxide's `drift` do.
//! The core, [`diff_documents`] and [`render_markdown`], is pure, so tests need no git.
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
//! the generated Rust client does (a new enum value in a response fails to decode, a new optional
//! parameter changes a positional method's signature). So the comparison is written here, over
//! `serde_json::Value`.
//!
//! # Classification
//!
//! Breaking: an operation removed, moved (its path or method changed; matched by `operationId`)
//! or renamed (`operationId` changed); a parameter added (progenitor's positional methods gain an
//! argument, even for an optional one) or removed, or made required; a request body added as
//! required, removed, or made required; a request field that is new and required, removed, or made
//! required; a narrowed request value (pattern added or changed, `maxLength`/`maximum`/`maxItems`
//! lowered or added, `minLength`/`minimum`/`minItems` raised or added, enum value removed, no
//! longer nullable); a type or format changed, or an enum added to or dropped from a schema,
//! anywhere (the generated Rust type changes); a response field removed or made optional; a
//! response value widened (enum value added — the
//! generated enums have no catch-all variant, so decoding fails —, enum value removed — the variant
//! callers match on disappears —, pattern removed or changed, a bound loosened, now nullable); a
//! `oneOf`/`anyOf` variant removed, or added in a response; a response status removed; a response
//! body added, removed or given another media type; a security requirement removed or added where
//! none was needed; a security scheme the operation uses changed (type, scheme, header name, …).
//!
//! Non-breaking: an operation added; a parameter made optional; an optional request body added or a
//! required one made optional; a new optional request field, or a required one made optional; a
//! widened request value (pattern removed, bounds loosened, enum value added, now nullable); a new
//! response field (required or not) or a response field made required; a narrowed response value;
//! a `oneOf`/`anyOf` variant added in a request; a response status added (a new success status, or
//! a documented error status whose typed error body callers now get as `Error::ErrorResponse`
//! instead of `Error::UnexpectedResponse`); a security requirement added as another alternative.
//!
//! Descriptions, examples, summaries and `x-` extensions are not compared.

mod schema;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::preflight::{METHODS, resolve};
use crate::workspace;
use schema::{Direction, Finding, SchemaDiff};

/// Whether a change breaks callers of the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Existing callers may fail to compile, be rejected by the server, or fail to decode.
    Breaking,
    /// Existing callers keep working unchanged.
    NonBreaking,
}

/// One classified change between two versions of a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Breaking or not for callers of the generated client.
    pub severity: Severity,
    /// The operation, e.g. `POST /users` (as named in the new document when it moved).
    pub operation: String,
    /// Where in the operation, e.g. `request body`, `responses 400, 401`, `query parameter
    /// \`limit\``; empty for the operation itself.
    pub location: String,
    /// Field path inside the body or parameter, e.g. `address.countryCode`; empty for the body,
    /// parameter or operation itself.
    pub field: String,
    /// What changed, e.g. ``pattern added `^[A-Z]{2}$` ``.
    pub message: String,
}

impl Change {
    /// Whether the change is [`Severity::Breaking`].
    pub fn is_breaking(&self) -> bool {
        self.severity == Severity::Breaking
    }
}

impl fmt::Display for Change {
    /// One line: `` `POST /users` request body `address.countryCode`: pattern added `…` ``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.operation)?;
        if !self.location.is_empty() {
            write!(f, " {}", self.location)?;
        }
        if !self.field.is_empty() {
            write!(f, " `{}`", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

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

/// Compares two versions of an OpenAPI 3.0 document and classifies every change for callers of
/// the generated client. Identical documents give an empty list.
///
/// Operations are matched by `METHOD /path`, then (for what is left) by `operationId`, so a moved
/// operation is reported once and its contents are still compared.
pub fn diff_documents(old: &Value, new: &Value) -> Vec<Change> {
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
                    severity: Severity::Breaking,
                    operation: new_key.clone(),
                    location: String::new(),
                    field: String::new(),
                    message: format!("path or method changed (was `{old_key}`)"),
                });
                pairs.push((old_key, new_key));
            }
            None => changes.push(Change {
                severity: Severity::Breaking,
                operation: old_key.clone(),
                location: String::new(),
                field: String::new(),
                message: "operation removed".into(),
            }),
        }
    }
    for new_key in added {
        changes.push(Change {
            severity: Severity::NonBreaking,
            operation: new_key.clone(),
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
            severity,
            operation: self.name.to_owned(),
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

    /// Compares the schemas `old` and `new` travelling in `direction`.
    fn schema(&self, old: &Value, new: &Value, direction: Direction) -> Vec<Finding> {
        let mut diff = SchemaDiff::new(self.old, self.new, direction);
        diff.compare(old, new, "");
        diff.findings
    }

    /// Everything that changed between `old` and `new`.
    fn compare(&mut self, old: &Operation<'_>, new: &Operation<'_>) {
        match (operation_id(old), operation_id(new)) {
            (Some(before), Some(after)) if before != after => self.push(
                Severity::Breaking,
                "",
                "",
                format!(
                    "operationId changed `{before}` → `{after}` (the generated method is renamed)"
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
                let findings = self.schema(a, b, Direction::Request);
                self.push_findings(&location, findings);
            }
        }
        for ((place, name), parameter) in &after {
            if !before.contains_key(&(place.clone(), name.clone())) {
                let kind = if is_required(parameter) {
                    "required"
                } else {
                    "optional"
                };
                self.push(
                    Severity::Breaking,
                    &format!("{place} parameter `{name}`"),
                    "",
                    format!("new {kind} parameter (the generated method gains an argument)"),
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
            let findings = self.schema(&schema(old), &schema(new), direction);
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
                Severity::Breaking,
                "",
                "",
                format!("response status `{status}` removed"),
            );
        }
        for status in after.keys().filter(|s| !before.contains_key(*s)) {
            let note = if status.starts_with('2') {
                "a new success status"
            } else {
                "a documented error: its typed body now comes back as `Error::ErrorResponse`"
            };
            self.push(
                Severity::NonBreaking,
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
                    Severity::Breaking,
                    "",
                    "",
                    "response body added (the generated return type changes)".into(),
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

/// The Markdown section for one spec: a heading, then a "Breaking" and a "Non-breaking" list
/// (one line per change), or "No changes".
pub fn render_markdown(spec: &str, changes: &[Change]) -> String {
    let mut out = format!("### {spec}\n\n");
    if changes.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    for (title, severity) in [
        ("Breaking", Severity::Breaking),
        ("Non-breaking", Severity::NonBreaking),
    ] {
        let lines: Vec<String> = changes
            .iter()
            .filter(|c| c.severity == severity)
            .map(|c| format!("- {c}\n"))
            .collect();
        out.push_str(&format!("**{title}** ({})\n\n", lines.len()));
        if lines.is_empty() {
            out.push_str("- none\n");
        }
        for line in lines {
            out.push_str(&line);
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// How a spec relates to its version at the base revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecStatus {
    /// In both: the changes are between the two versions.
    Changed,
    /// Absent at the base: every operation is reported as added.
    Added,
    /// Absent from the work tree: every operation is reported as removed.
    Removed,
}

/// The comparison of one spec with its version at the base revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecDiff {
    /// The spec, e.g. `specs/bitpanda.yaml`.
    pub spec: String,
    /// Whether the spec is new, removed or in both.
    pub status: SpecStatus,
    /// Every classified change; empty when the two versions are equivalent.
    pub changes: Vec<Change>,
}

impl SpecDiff {
    /// Whether anything breaking was found.
    pub fn has_breaking(&self) -> bool {
        self.changes.iter().any(Change::is_breaking)
    }
}

/// The whole report: a title naming the base revision, then one [`render_markdown`] section per
/// spec (marked "new spec" or "spec removed" when it is).
pub fn render_report(base: &str, diffs: &[SpecDiff]) -> String {
    let breaking = diffs.iter().filter(|d| d.has_breaking()).count();
    let mut out = format!("## API changes against `{base}`\n\n");
    out.push_str(&match breaking {
        0 => "No breaking change.\n\n".to_owned(),
        n => format!("Breaking changes in {n} spec(s).\n\n"),
    });
    for diff in diffs {
        let title = match diff.status {
            SpecStatus::Changed => diff.spec.clone(),
            SpecStatus::Added => format!("{} (new spec)", diff.spec),
            SpecStatus::Removed => format!("{} (spec removed)", diff.spec),
        };
        out.push_str(&render_markdown(&title, &diff.changes));
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
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
        let changes = diff_documents(
            old.as_ref().unwrap_or(&empty),
            new.as_ref().unwrap_or(&empty),
        );
        diffs.push(SpecDiff {
            spec,
            status,
            changes,
        });
    }
    Ok(diffs)
}
