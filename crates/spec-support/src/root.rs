//! The workspace root of the checkout that is running, found at run time.
//!
//! A path compiled into a binary (`env!("CARGO_MANIFEST_DIR")`) names the checkout that *built*
//! it. With one target directory shared by two clones, cargo may run a binary built in the other
//! clone, which would then read and write the other clone's files. So the root is looked up when
//! the program runs instead:
//!
//! 1. from the `CARGO_MANIFEST_DIR` variable that `cargo run` and `cargo test` set for the process
//!    they start: the nearest ancestor directory whose `Cargo.toml` has a `[workspace]` table;
//! 2. otherwise from `cargo locate-project --workspace`, asked in the current directory.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root of the running checkout (see the module documentation), or why not.
pub fn workspace_root() -> Result<PathBuf, String> {
    if let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
        let manifest_dir = PathBuf::from(manifest_dir);
        return enclosing_workspace(&manifest_dir).ok_or_else(|| {
            format!(
                "no Cargo.toml with a [workspace] table in {} or above it",
                manifest_dir.display()
            )
        });
    }
    locate_project()
}

/// The nearest of `dir` and its ancestors whose `Cargo.toml` declares a `[workspace]`.
pub fn enclosing_workspace(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|candidate| declares_workspace(&candidate.join("Cargo.toml")))
        .map(Path::to_path_buf)
}

/// Whether the manifest at `path` exists and has a `[workspace]` table.
fn declares_workspace(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .is_ok_and(|text| text.lines().any(|line| line.trim() == "[workspace]"))
}

/// Asks cargo (the one running us, if any) where the workspace of the current directory is.
fn locate_project() -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let output = Command::new(cargo)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .map_err(|e| format!("cannot run `cargo locate-project --workspace`: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo locate-project --workspace` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    manifest.parent().map(Path::to_path_buf).ok_or_else(|| {
        format!(
            "`cargo locate-project` printed no directory: {}",
            manifest.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_manifest_with_a_workspace_table_is_the_root() {
        let outer = std::env::temp_dir().join(format!("spec-support-root-{}", std::process::id()));
        let member = outer.join("inner/xtask");
        std::fs::create_dir_all(member.join("src")).unwrap();
        std::fs::write(outer.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        std::fs::write(outer.join("inner/Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        std::fs::write(
            member.join("Cargo.toml"),
            "[package]\nedition.workspace = true\n",
        )
        .unwrap();
        assert_eq!(
            enclosing_workspace(&member.join("src")),
            Some(outer.clone())
        );
        std::fs::remove_dir_all(&outer).unwrap();
        assert_eq!(enclosing_workspace(&member), None);
    }

    #[test]
    fn the_running_checkout_is_found_at_run_time() {
        // `cargo test` sets CARGO_MANIFEST_DIR for this process: <root>/crates/spec-support.
        let root = workspace_root().unwrap();
        assert!(
            root.join("crates/spec-support/Cargo.toml").is_file(),
            "{}",
            root.display()
        );
    }
}
