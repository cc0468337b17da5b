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
//! The wire axis is judged by the `spec-diff` crate (documents in, changes out; its docs list
//! the rules); the source axis here, in `source`; this module reads the specs (the work tree and
//! git) and renders the report.
//!
//! Each change is [`Severity::Breaking`], [`Severity::Review`] ("possibly breaking: review": the
//! tool could not decide, e.g. whether a changed pattern still accepts every old value, or a
//! client could not be generated) or [`Severity::NonBreaking`] on its axis. `--fail-on-breaking`
//! fails on a breaking or to-review change on either axis.
//!
mod report;
mod source;

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::workspace;
pub use report::{SpecDiff, SpecStatus, render_markdown, render_report};
pub use source::source_changes;
pub use spec_diff::{Axis, Change, Severity, wire_changes};

/// Compares two versions of an OpenAPI 3.0 document on both axes: [`wire_changes`] from the
/// specs, then [`source_changes`] from the clients generated for them. Identical documents give
/// an empty list.
pub fn diff_documents(old: &Value, new: &Value) -> Vec<Change> {
    let mut changes = wire_changes(old, new);
    changes.extend(source_changes(old, new));
    changes
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
