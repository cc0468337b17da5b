//! The Markdown report: one section per spec, its changes grouped by verdict, each line naming
//! the axis it was judged on.

use std::fmt::Write as _;

use spec_diff::{Axis, Change, Severity};

/// The Markdown section for one spec: a heading, a line counting what breaks on each axis, then
/// the "Breaking", "Possibly breaking: review" (only when there is one) and "Non-breaking" lists,
/// one line per change tagged `[wire]` or `[source]`; or "No changes".
pub fn render_markdown(spec: &str, changes: &[Change]) -> String {
    let mut out = format!("### {spec}\n\n");
    if changes.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    let count = |severity: Severity, axis: Axis| {
        changes
            .iter()
            .filter(|c| c.severity == severity && c.axis == axis)
            .count()
    };
    let _ = writeln!(
        out,
        "Breaks wire: {}, source: {}. To review: {}.\n",
        count(Severity::Breaking, Axis::Wire),
        count(Severity::Breaking, Axis::Source),
        count(Severity::Review, Axis::Wire) + count(Severity::Review, Axis::Source),
    );
    for (title, severity) in [
        ("Breaking", Severity::Breaking),
        ("Possibly breaking: review", Severity::Review),
        ("Non-breaking", Severity::NonBreaking),
    ] {
        let lines: Vec<String> = changes
            .iter()
            .filter(|c| c.severity == severity)
            .map(|c| format!("- [{}] {c}\n", c.axis))
            .collect();
        if severity == Severity::Review && lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "**{title}** ({})\n", lines.len());
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
    /// In both: the changes are between the two versions, on both axes.
    Changed,
    /// Absent at the base: every operation is reported as added (wire axis only: the client
    /// crate is new as a whole).
    Added,
    /// Absent from the work tree: every operation is reported as removed (wire axis only).
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
    /// Whether anything is breaking, on either axis.
    pub fn has_breaking(&self) -> bool {
        self.changes.iter().any(Change::is_breaking)
    }

    /// Whether anything is possibly breaking and needs a person to review it.
    pub fn has_review(&self) -> bool {
        self.changes.iter().any(|c| c.severity == Severity::Review)
    }
}

/// The verdict line: how many specs break the wire (requests refused, answers no longer decoded)
/// and how many change the Rust API (code that compiled may not), told apart.
fn headline(wire: usize, source: usize) -> String {
    let specs = |n: usize| {
        if n == 1 {
            "1 spec".to_owned()
        } else {
            format!("{n} specs")
        }
    };
    let verb = |n: usize, one: &str, many: &str| {
        if n == 1 {
            one.to_owned()
        } else {
            many.to_owned()
        }
    };
    match (wire, source) {
        (0, 0) => "No breaking change.".to_owned(),
        (0, s) => format!(
            "{} {} the Rust API; no wire break.",
            specs(s),
            verb(s, "changes", "change")
        ),
        (w, 0) => format!(
            "{} {} the wire; no Rust API break.",
            specs(w),
            verb(w, "breaks", "break")
        ),
        (w, s) => format!(
            "{} {} the wire; {} {} the Rust API.",
            specs(w),
            verb(w, "breaks", "break"),
            specs(s),
            verb(s, "changes", "change")
        ),
    }
}

/// The whole report: a title naming the base revision, a verdict line, then one
/// [`render_markdown`] section per spec (marked "new spec" or "spec removed" when it is).
pub fn render_report(base: &str, diffs: &[SpecDiff]) -> String {
    let breaks = |axis: Axis| {
        diffs
            .iter()
            .filter(|d| {
                d.changes
                    .iter()
                    .any(|c| c.axis == axis && c.severity == Severity::Breaking)
            })
            .count()
    };
    let review = diffs.iter().filter(|d| d.has_review()).count();
    let mut out = format!("## API changes against `{base}`\n\n");
    out.push_str(&headline(breaks(Axis::Wire), breaks(Axis::Source)));
    if review > 0 {
        let _ = write!(out, " Changes to review in {review} spec(s).");
    }
    out.push_str("\n\n");
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
