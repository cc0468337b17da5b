//! The xtask's integration tests, linked as one binary: the built `cargo xtask` binary run in
//! copies of the checkout, and `cargo xtask upstream`: the readers (each kind of change in each page style and in an OpenAPI
//! document detected as exactly that change), the command line (exit codes, one-line errors, a
//! deterministic record, the fetch path over loopback) and the committed snapshots against the
//! curated specs.

mod checkout;
mod cli;
mod readers;
mod snapshots;
mod spec;

use std::path::PathBuf;

/// The fixture `name` under `tests/fixtures/upstream`.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/upstream")
        .join(name)
}

/// The text of the fixture `name`.
pub fn fixture(name: &str) -> String {
    let path = fixture_path(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
