//! `cargo xtask` acts on the checkout it runs from, even when the binary was built in another
//! checkout (as when two checkouts share one `CARGO_TARGET_DIR`, and so one xtask binary).
//!
//! Two copies of this checkout are made in a temporary directory, and both are worked on by the
//! one xtask binary cargo built for this test from the running checkout (a third checkout, as far
//! as the copies are concerned; building it again per copy would cost a second build of the
//! workspace's code generator and prove nothing more). It is run as `cargo run -p xtask` runs it
//! (the copy's `CARGO_MANIFEST_DIR` set, from the copy's root) and as a binary run by hand (no
//! `CARGO_MANIFEST_DIR`, from a directory inside the copy). A spec edited in the second copy must
//! be generated in the second copy, and the first copy's files must stay exactly as they were.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

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

/// How the binary is started in a checkout.
#[derive(Clone, Copy)]
enum Launch {
    /// As `cargo run -p xtask` starts it: `CARGO_MANIFEST_DIR` is the checkout's `xtask/`, the
    /// working directory its root.
    CargoRun,
    /// By hand, from the checkout's `specs/` directory, with no `CARGO_MANIFEST_DIR`.
    ByHand,
}

/// Runs this checkout's xtask binary with `args` in `checkout`, started as `launch` says;
/// returns stdout, or panics with stderr when it fails.
fn xtask(checkout: &Path, launch: Launch, args: &[&str]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args);
    match launch {
        Launch::CargoRun => command
            .current_dir(checkout)
            .env("CARGO_MANIFEST_DIR", checkout.join("xtask")),
        Launch::ByHand => command
            .current_dir(checkout.join("specs"))
            .env_remove("CARGO_MANIFEST_DIR"),
    };
    let output = command.output().expect("the xtask binary runs");
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
    let root = spec_support::workspace_root().unwrap_or_else(|e| panic!("{e}"));
    let files = checkout_files(&root);
    let scratch = tempfile::tempdir().unwrap();
    let first = scratch.path().join("first");
    let second = scratch.path().join("second");
    copy_checkout(&root, &first, &files);
    copy_checkout(&root, &second, &files);

    let checked = xtask(&first, Launch::CargoRun, &["codegen", "--check"]);
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

    let written = xtask(&second, Launch::CargoRun, &["codegen"]);
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
    let rechecked = xtask(&second, Launch::ByHand, &["codegen", "--check"]);
    assert!(
        rechecked.contains("unchanged  specs/wealthyhood.yaml"),
        "{rechecked}"
    );
}
