//! Ratios between criterion benchmarks, printed at the end of a `cargo bench` run from the
//! estimates criterion saved. Shared by `crates/onboarding/benches/facade.rs` and
//! `xtask/benches/codegen.rs` (included with `#[path]`).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Prints `numerator / denominator` for every `(group, numerator, denominator)` measured by this
/// run (`cargo bench`, not the single pass of `cargo test --benches`).
pub fn print_ratios(started: SystemTime, pairs: &[(&str, &str, &str)]) {
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    let Some(home) = criterion_home() else {
        return;
    };
    println!("\nratios (point estimates of this run; criterion's time line):");
    for (group, numerator, denominator) in pairs {
        let estimate = |function: &str| estimate(&home, group, function, started);
        if let (Some(top), Some(bottom)) = (estimate(numerator), estimate(denominator)) {
            println!(
                "  {group:<24} {numerator:>16} {:>10} / {denominator:<16} {:>10} = {:.3} ({}{})",
                human(top),
                human(bottom),
                top / bottom,
                if top >= bottom { "+" } else { "-" },
                human((top - bottom).abs())
            );
        }
    }
}

/// Where criterion keeps its results: `$CRITERION_HOME`, else `<cargo target dir>/criterion`.
fn criterion_home() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(PathBuf::from(home));
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(target).join("criterion"));
    }
    let output = std::process::Command::new(std::env::var_os("CARGO")?)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .ok()?;
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    Some(PathBuf::from(metadata["target_directory"].as_str()?).join("criterion"))
}

/// The time (ns) criterion prints for `group/function` — the slope of the linear regression,
/// or the mean when there is none — if it was measured after `started`.
fn estimate(home: &Path, group: &str, function: &str, started: SystemTime) -> Option<f64> {
    let path = home.join(group).join(function).join("new/estimates.json");
    if std::fs::metadata(&path).ok()?.modified().ok()? < started {
        return None;
    }
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    ["slope", "mean"]
        .iter()
        .find_map(|key| estimates[key]["point_estimate"].as_f64())
}

/// `nanoseconds` in the unit criterion would choose.
fn human(nanoseconds: f64) -> String {
    match nanoseconds {
        ns if ns >= 1e9 => format!("{:.3} s", ns / 1e9),
        ns if ns >= 1e6 => format!("{:.3} ms", ns / 1e6),
        ns if ns >= 1e3 => format!("{:.3} µs", ns / 1e3),
        ns => format!("{ns:.1} ns"),
    }
}
