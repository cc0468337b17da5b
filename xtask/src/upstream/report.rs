//! The Markdown report of a check, in the style of `cargo xtask diff`: a title, a verdict line,
//! then "Changed upstream" (against the recorded snapshot) and "The curated spec disagrees"
//! (with the differences the spec marks as curation decisions listed apart).

use std::fmt::Write as _;

use super::Check;
use super::compare::Drift;

/// The report for `check`.
pub fn render(check: &Check) -> String {
    let mut out = format!(
        "## Upstream check: `{}` (`{}`)\n\nSource: {}. Snapshot: `{}`.\n\n",
        check.provider, check.upstream.operation, check.source, check.snapshot_path
    );
    let changed = check.changed_lines();
    let disagree: Vec<&Drift> = check.disagreements.iter().filter(|d| !d.curated).collect();
    let curated: Vec<&Drift> = check.disagreements.iter().filter(|d| d.curated).collect();
    if check.has_drift() {
        let _ = writeln!(
            out,
            "Drift: {} change(s) upstream, {} disagreement(s) with the curated spec.\n",
            changed.len(),
            disagree.len()
        );
    } else {
        out.push_str("No drift.\n\n");
    }
    let _ = writeln!(out, "### Changed upstream ({})\n", changed.len());
    if let Some(snapshot) = &check.snapshot
        && !snapshot.reader.is_empty()
        && snapshot.reader != check.upstream.reader
    {
        let _ = writeln!(
            out,
            "The snapshot was read with `{}`, today's source with `{}`: some lines may be differences of reading, not of the docs. Record again once reviewed.\n",
            snapshot.reader, check.upstream.reader
        );
    }
    if changed.is_empty() {
        out.push_str("- none\n");
    }
    for line in &changed {
        let _ = writeln!(out, "- {line}");
    }
    let _ = writeln!(
        out,
        "\n### The curated spec disagrees ({})\n\nEach line reads spec → upstream.\n",
        disagree.len()
    );
    if disagree.is_empty() {
        out.push_str("- none\n");
    }
    for drift in &disagree {
        let _ = writeln!(out, "- {drift}");
    }
    if !curated.is_empty() {
        let _ = writeln!(
            out,
            "\n**Curated** ({}): marked in the spec as curation decisions (`x-inferred`, `x-source`, `x-required-when`), or not comparable on the page\n",
            curated.len()
        );
        for drift in &curated {
            let _ = writeln!(out, "- {drift}");
        }
    }
    out
}
