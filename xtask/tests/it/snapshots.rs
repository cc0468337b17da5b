//! The committed snapshots `specs/upstream/NAME.facts.json`: one per configured provider, in the
//! form `record` writes, and in agreement with the curated specs except where a spec marks a
//! curation decision (so a spec edit that departs from the recorded docs fails here).

use spec_support::workspace_root;
use xtask::upstream::compare::disagreements;
use xtask::upstream::facts::Facts;
use xtask::upstream::{curated_reading, snapshot_path, sources};

#[test]
fn every_provider_has_a_snapshot_in_the_recorded_form() {
    let root = workspace_root().unwrap();
    let sources = sources(&root).unwrap();
    assert_eq!(
        sources.keys().collect::<Vec<_>>(),
        ["bitpanda", "btcdirect", "wealthyhood"]
    );
    for provider in sources.keys() {
        let path = root.join(snapshot_path(provider));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let facts = Facts::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            facts.to_json(),
            text,
            "{}: not in the form record writes",
            path.display()
        );
        assert!(
            facts.places.len() > 10,
            "{provider}: {} places",
            facts.places.len()
        );
    }
}

#[test]
fn the_curated_specs_agree_with_the_recorded_docs() {
    let root = workspace_root().unwrap();
    let mut problems = Vec::new();
    for provider in sources(&root).unwrap().keys() {
        let text = std::fs::read_to_string(root.join(snapshot_path(provider))).unwrap();
        let recorded = Facts::from_json(&text).unwrap();
        let spec = curated_reading(&root, provider).unwrap();
        for drift in disagreements(&recorded, &spec)
            .into_iter()
            .filter(|d| !d.curated)
        {
            problems.push(format!("{provider}: {drift}"));
        }
    }
    assert!(
        problems.is_empty(),
        "the spec departs from the recorded docs (fix the spec, mark the decision, or re-record):\n{}",
        problems.join("\n")
    );
}
