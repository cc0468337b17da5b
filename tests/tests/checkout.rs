//! `cargo xtask` acts on the checkout it runs from, even when two checkouts share one target
//! directory (and so, possibly, one xtask binary built in the other checkout).
//!
//! Two copies of this checkout are made in a temporary directory. Both run `cargo run -p xtask`
//! with the same `CARGO_TARGET_DIR`. A spec edited in the second copy must be generated in the
//! second copy, and the first copy's files must stay exactly as they were.
//!
//! The shared target directory lives in this checkout's own target directory
//! (`target/xtask-two-checkouts`), so only the first run pays for building the xtask; later runs
//! reuse it. It is separate from the directory the running `cargo test` holds locked.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use workspace_tests::workspace_root;

/// Every file of the checkout at `root` that git tracks or would track (not ignored), relative.
fn checkout_files(root: &Path) -> Vec<PathBuf> {
    let output = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git ls-files failed");
    output
        .stdout
        .split(|byte| *byte == 0)
        .filter(|name| !name.is_empty())
        .map(|name| PathBuf::from(String::from_utf8_lossy(name).into_owned()))
        .filter(|name| root.join(name).is_file())
        .collect()
}

/// Copies the checkout at `from` to `to`.
fn copy_checkout(from: &Path, to: &Path, files: &[PathBuf]) {
    for file in files {
        let target = to.join(file);
        fs::create_dir_all(target.parent().expect("a parent")).unwrap();
        fs::copy(from.join(file), &target)
            .unwrap_or_else(|e| panic!("copy {}: {e}", file.display()));
    }
}

/// The target directory of the running checkout.
fn own_target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// Runs `cargo run -p xtask -- ARGS` in `checkout` with `target_dir`; returns stdout, or panics
/// with stderr when it fails.
fn xtask(checkout: &Path, target_dir: &Path, args: &[&str]) -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--offline",
            "--locked",
            "-p",
            "xtask",
            "--",
        ])
        .args(args)
        .current_dir(checkout)
        .env("CARGO_TARGET_DIR", target_dir)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "xtask {args:?} in {} failed:\n{stdout}\n{}",
        checkout.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The contents of every file in `files` under `root`.
fn contents(root: &Path, files: &[PathBuf]) -> Vec<Vec<u8>> {
    files
        .iter()
        .map(|file| fs::read(root.join(file)).unwrap())
        .collect()
}

#[test]
fn a_spec_edit_is_generated_in_the_checkout_that_runs_the_xtask_and_nowhere_else() {
    let root = workspace_root();
    let files = checkout_files(&root);
    let scratch = tempfile::tempdir().unwrap();
    let first = scratch.path().join("first");
    let second = scratch.path().join("second");
    copy_checkout(&root, &first, &files);
    copy_checkout(&root, &second, &files);
    let shared_target = own_target_dir(&root).join("xtask-two-checkouts");

    // The first checkout builds (or reuses) the xtask in the shared target directory.
    let checked = xtask(&first, &shared_target, &["codegen", "--check"]);
    assert!(
        checked.contains("unchanged  specs/wealthyhood.yaml"),
        "{checked}"
    );
    let first_before = contents(&first, &files);

    let spec = second.join("specs/wealthyhood.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    let edited = text
        .replacen("maxLength: 100", "maxLength: 120", 1)
        // The page's wording moves with it (the lint wants a source for every length).
        .replacen("length: 1 - 100", "length: 1 - 120", 1);
    assert_ne!(edited, text, "the edit must change the spec");
    fs::write(&spec, edited).unwrap();

    let written = xtask(&second, &shared_target, &["codegen"]);
    assert!(
        written.contains("written  specs/wealthyhood.yaml"),
        "the second checkout's edit is generated: {written}"
    );
    let generated = "crates/wealthyhood-client/src/generated.rs";
    let second_generated = fs::read_to_string(second.join(generated)).unwrap();
    let first_generated = fs::read_to_string(first.join(generated)).unwrap();
    assert_ne!(second_generated, first_generated);
    assert!(
        second_generated.contains("120"),
        "the new bound is generated"
    );
    assert!(
        first_before == contents(&first, &files),
        "the first checkout's files are untouched"
    );
    let rechecked = xtask(&second, &shared_target, &["codegen", "--check"]);
    assert!(
        rechecked.contains("unchanged  specs/wealthyhood.yaml"),
        "{rechecked}"
    );
}
