//! How the workspace's pieces depend on each other: no crate's files form an import cycle, the facade's
//! tests do not need the codegen tool, and the tool depends on no generated client.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use workspace_tests::{imports, workspace_root};

/// The import cycles of every crate under `root`, per crate (only crates with one).
fn cycles_per_crate(root: &Path) -> BTreeMap<String, Vec<Vec<PathBuf>>> {
    imports::crate_dirs(root)
        .into_iter()
        .filter_map(|dir| {
            let graph =
                imports::file_graph(&root.join(&dir).join("src")).unwrap_or_else(|e| panic!("{e}"));
            let cycles = imports::cycles(&graph);
            (!cycles.is_empty()).then(|| (dir.display().to_string(), cycles))
        })
        .collect()
}

#[test]
fn no_crate_has_an_import_cycle_between_its_files() {
    let root = workspace_root();
    let crates = imports::crate_dirs(&root);
    for expected in [
        "crates/onboarding",
        "crates/client-support",
        "xtask",
        "tests",
    ] {
        assert!(
            crates.contains(&PathBuf::from(expected)),
            "{expected} is read: {crates:?}"
        );
    }
    let found = cycles_per_crate(&root);
    assert!(found.is_empty(), "import cycles, per crate: {found:#?}");
}

#[test]
fn the_xtask_graph_sees_its_real_dependencies() {
    let graph = imports::file_graph(&workspace_root().join("xtask/src")).unwrap();
    assert!(
        graph[Path::new("codegen.rs")].contains(Path::new("lint.rs")),
        "codegen runs the lint first: {graph:#?}"
    );
}

/// Writes `files` (path relative to `src`, text) into a fresh crate directory.
fn synthetic_crate(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("Cargo.toml"), "[package]\n").unwrap();
    for (path, text) in files {
        let path = dir.path().join("src").join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn a_cycle_through_crate_super_and_self_paths_is_found() {
    let dir = synthetic_crate(&[
        ("lib.rs", "mod a;\nmod b;\npub use a::A;\n"),
        // a -> b/c.rs through a `self::` path inside an inline module and a group.
        (
            "a.rs",
            "pub struct A;\nmod inner { use crate::b::{self, c::C}; fn f(_: C) {} }\n",
        ),
        ("b.rs", "pub mod c;\n"),
        // b/c.rs -> a through the root's re-export, named in a signature only.
        (
            "b/c.rs",
            "pub struct C;\npub fn g(a: super::super::A) -> self::C { let _ = a; C }\n",
        ),
    ]);
    let graph = imports::file_graph(&dir.path().join("src")).unwrap();
    assert_eq!(
        imports::cycles(&graph),
        [vec![PathBuf::from("a.rs"), PathBuf::from("b/c.rs")]],
        "{graph:#?}"
    );
    let mut found = cycles_per_crate(dir.path());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found.remove("").unwrap().len(), 1);
}

#[test]
fn re_exports_tests_and_comments_make_no_cycle() {
    let dir = synthetic_crate(&[
        // The root re-exports both; each child names the other's item through the root.
        ("lib.rs", "mod a;\nmod b;\npub use a::A;\npub use b::B;\n"),
        (
            "a.rs",
            "//! See [`crate::B`]: a comment is no dependency.\n\
             pub struct A;\n\
             pub fn f(_: crate::B) {}\n\
             #[cfg(test)]\nmod tests { use super::*; #[test] fn t() { let _ = A; } }\n",
        ),
        (
            "b.rs",
            "pub struct B;\n/// [`crate::a::A`] is documented, not used.\npub fn g() {}\n",
        ),
    ]);
    let graph = imports::file_graph(&dir.path().join("src")).unwrap();
    assert_eq!(
        imports::cycles(&graph),
        Vec::<Vec<PathBuf>>::new(),
        "{graph:#?}"
    );
    assert!(
        graph[Path::new("a.rs")].contains(Path::new("b.rs")),
        "{graph:#?}"
    );
}

/// The names in the dependency tables of the manifest `path` (`[dependencies]`,
/// `[dev-dependencies]`, `[build-dependencies]`), one table after the other.
fn dependencies(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let mut names = Vec::new();
    let mut in_dependencies = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_dependencies = line.ends_with("dependencies]");
        } else if in_dependencies && let Some((name, _)) = line.split_once('=') {
            names.push(name.trim().trim_end_matches(".workspace").to_owned());
        }
    }
    names
}

#[test]
fn the_facade_does_not_depend_on_the_codegen_tool() {
    let root = workspace_root();
    let facade = dependencies(&root.join("crates/onboarding/Cargo.toml"));
    assert!(facade.contains(&"spec-support".to_owned()), "{facade:?}");
    assert!(!facade.contains(&"xtask".to_owned()), "{facade:?}");
}

#[test]
fn the_codegen_tool_depends_on_no_generated_client() {
    let root = workspace_root();
    let tool = dependencies(&root.join("xtask/Cargo.toml"));
    let workspace_crates: Vec<String> = fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let used: Vec<&String> = tool
        .iter()
        .filter(|name| workspace_crates.contains(name))
        .collect();
    // Only the `spec-*` leaf crates: reading specs, and the change report's engine.
    assert_eq!(used, [&"spec-support".to_owned(), &"spec-diff".to_owned()]);
}

#[test]
fn no_deprecated_crate_is_locked() {
    // serde_yaml 0.9.34 announced its end in its version string (`+deprecated`); the workspace
    // reads YAML with yaml_serde, the YAML organization's maintained continuation.
    let lock = fs::read_to_string(workspace_root().join("Cargo.lock")).unwrap();
    let deprecated: Vec<&str> = lock
        .lines()
        .filter(|line| line.starts_with("version = ") && line.contains("deprecated"))
        .collect();
    assert_eq!(deprecated, Vec::<&str>::new());
    assert!(!lock.contains("name = \"serde_yaml\""));
    assert!(lock.contains("name = \"yaml_serde\""));
}
