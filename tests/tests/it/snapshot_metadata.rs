//! Committed insta snapshots carry no `assertion_line`: insta (1.49) no longer writes it, and a
//! stale one would make accepting a real change show an unrelated metadata change too.

use std::fs;
use std::path::{Path, PathBuf};

use workspace_tests::workspace_root;

/// Every `*.snap` file under `dir`, skipping build output and git's own directory.
fn snapshots(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                snapshots(&path, out);
            }
        } else if name.ends_with(".snap") {
            out.push(path);
        }
    }
}

/// The metadata block of a snapshot file: the lines between its first two `---` lines.
fn header(text: &str) -> Vec<&str> {
    text.lines()
        .skip_while(|line| *line != "---")
        .skip(1)
        .take_while(|line| *line != "---")
        .collect()
}

#[test]
fn no_committed_snapshot_carries_an_assertion_line() {
    let root = workspace_root();
    let mut found = Vec::new();
    snapshots(&root, &mut found);
    assert!(found.len() >= 10, "the snapshot files are found: {found:?}");
    let stale: Vec<String> = found
        .iter()
        .filter(|path| {
            let text = fs::read_to_string(path).unwrap();
            header(&text)
                .iter()
                .any(|line| line.starts_with("assertion_line:"))
        })
        .map(|path| path.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert!(stale.is_empty(), "remove `assertion_line` from: {stale:#?}");
}

#[test]
fn the_header_is_the_block_between_the_first_two_rule_lines() {
    let text = "---\nsource: tests/tests/x.rs\nassertion_line: 12\n---\nassertion_line: body\n";
    assert_eq!(
        header(text),
        ["source: tests/tests/x.rs", "assertion_line: 12"]
    );
}
