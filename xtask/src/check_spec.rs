//! `cargo xtask check-spec [NAME]`: everything a spec edit must pass, fast, in one command.
//!
//! The steps, in order, stopping at the first that fails: [`crate::lint`], codegen `--check`
//! ([`crate::codegen`]), the change report against `HEAD` ([`crate::diff`], printed, never
//! failing), then exactly the test modules a spec edit can change the outcome of
//! ([`TEST_RUNS`]), as `cargo test -p CRATE --test it -- FILTERS`. With `NAME`, the lint lines
//! and the change report are those of `specs/NAME.yaml`; the tests always run for every spec (a
//! shared fixture or table can break through another spec).

use std::path::Path;
use std::process::Command;

/// The test runs of a spec check: the crate, and the test modules of its `it` binary (libtest
/// filters: a test whose path contains any of them runs).
///
/// - `surface`: the surface snapshots (a new field, type or check shows there);
/// - `bodies`: the request bodies the facade builds from the fixtures;
/// - `fidelity`: what the generated types accept against what the spec says;
/// - `spec_examples`: the spec's examples through the generated types;
/// - `spec_gaps`: what a spec extension states, enforced by the facade's validation;
/// - `accounting`: every generated request field mapped or listed as unmapped;
/// - `onboarding`'s `capabilities`: `Provider::capabilities()` against the mapping functions.
pub const TEST_RUNS: &[(&str, &[&str])] = &[
    (
        "workspace-tests",
        &[
            "accounting",
            "bodies",
            "fidelity",
            "spec_examples",
            "spec_gaps",
            "surface",
        ],
    ),
    ("onboarding", &["capabilities"]),
];

/// The `cargo` arguments of each test run of [`TEST_RUNS`].
pub fn test_commands() -> Vec<Vec<String>> {
    TEST_RUNS
        .iter()
        .map(|(krate, filters)| {
            let mut args: Vec<String> = ["test", "--quiet", "-p", krate, "--test", "it", "--"]
                .iter()
                .map(|a| (*a).to_owned())
                .collect();
            args.extend(filters.iter().map(|f| (*f).to_owned()));
            args
        })
        .collect()
}

/// Runs each of [`test_commands`] in `root` with `cargo` (the `CARGO` that runs the xtask, else
/// `cargo` on the path); the first failing command, as text, if any.
pub fn run_tests(root: &Path) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    for args in test_commands() {
        let shown = format!("cargo {}", args.join(" "));
        println!("\n$ {shown}");
        let status = Command::new(&cargo)
            .current_dir(root)
            .args(&args)
            .status()
            .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
        if !status.success() {
            return Err(shown);
        }
    }
    Ok(())
}
