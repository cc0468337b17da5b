//! How the tool's pieces depend on each other: the xtask's modules form no cycle, the facade's
//! tests do not need the codegen tool, and the tool depends on no generated client.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use workspace_tests::workspace_root;

/// For each top-level module of `xtask/src` (`lint` for `lint.rs` and `lint/…`), the other
/// top-level modules its code (comments aside) names as `crate::NAME`.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pending = vec![src.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path.strip_prefix(src).unwrap();
            let top = relative.components().next().unwrap().as_os_str();
            let module = top.to_string_lossy().trim_end_matches(".rs").to_owned();
            if module == "main" || module == "lib" {
                continue;
            }
            // Code only: a doc link to another module is no dependency on it.
            let text: String = fs::read_to_string(&path)
                .unwrap()
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            let uses = graph.entry(module.clone()).or_default();
            for (index, _) in text.match_indices("crate::") {
                let name: String = text[index + "crate::".len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    uses.insert(name);
                }
            }
        }
    }
    graph
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_xtask_modules_form_no_cycle() {
    let graph = module_graph(&workspace_root().join("xtask/src"));
    assert!(
        graph["codegen"].contains("lint"),
        "codegen runs the lint first"
    );
    assert_eq!(find_cycle(&graph), None, "{graph:#?}");
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let graph = BTreeMap::from([
        ("codegen".to_owned(), BTreeSet::from(["lint".to_owned()])),
        ("lint".to_owned(), BTreeSet::from(["codegen".to_owned()])),
    ]);
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["codegen".into(), "lint".into(), "codegen".into()])
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
