//! Where things live: the workspace root, the specs and the generated file each one feeds.

use std::path::{Path, PathBuf};

/// Directory, relative to the workspace root, that holds the hand-curated OpenAPI documents.
pub const SPECS_DIR: &str = "specs";

/// One OpenAPI document and the generated Rust file it owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecTarget {
    /// Provider name: the spec's file stem, e.g. `bitpanda`.
    pub provider: String,
    /// Path of the spec relative to the workspace root, e.g. `specs/bitpanda.yaml`.
    pub spec: PathBuf,
    /// Path of the generated file relative to the workspace root,
    /// e.g. `crates/bitpanda-client/src/generated.rs`.
    pub generated: PathBuf,
}

impl SpecTarget {
    /// The target for the spec `specs/<provider>.yaml`.
    pub fn for_provider(provider: &str) -> Self {
        Self {
            provider: provider.to_owned(),
            spec: Path::new(SPECS_DIR).join(format!("{provider}.yaml")),
            generated: Path::new("crates")
                .join(format!("{provider}-client"))
                .join("src")
                .join("generated.rs"),
        }
    }

    /// The spec path as shown to people: always with `/` separators.
    pub fn spec_display(&self) -> String {
        self.spec.to_string_lossy().replace('\\', "/")
    }
}

/// The workspace root, found from this crate's manifest directory (`<root>/xtask`).
pub fn root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest_dir.to_path_buf())
}

/// Every `specs/*.yaml` under `root`, sorted by provider name so output order is stable.
pub fn discover(root: &Path) -> std::io::Result<Vec<SpecTarget>> {
    let mut providers = Vec::new();
    for entry in std::fs::read_dir(root.join(SPECS_DIR))? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) == Some("yaml")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            providers.push(stem.to_owned());
        }
    }
    providers.sort();
    Ok(providers
        .iter()
        .map(|p| SpecTarget::for_provider(p))
        .collect())
}
