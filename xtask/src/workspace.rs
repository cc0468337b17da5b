//! Where things live: the workspace root, the specs and the generated file each one feeds.

use std::fmt;
use std::io;
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

/// The root of the checkout the tool runs from, looked up at run time (never a path compiled
/// into the binary, which would name whichever checkout built it): see
/// `spec_support::root`.
pub fn root() -> Result<PathBuf, String> {
    spec_support::workspace_root()
}

/// A file or directory that could not be read or written.
#[derive(Debug)]
pub struct FileError {
    /// The file or directory concerned.
    pub path: PathBuf,
    /// The underlying error.
    pub source: io::Error,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The text of `relative` (a path relative to `root`, e.g. a [`SpecTarget::spec`]).
pub fn read(root: &Path, relative: &Path) -> Result<String, FileError> {
    let path = root.join(relative);
    std::fs::read_to_string(&path).map_err(|source| FileError { path, source })
}

/// Every `specs/*.yaml` under `root`, sorted by provider name so output order is stable.
pub fn discover(root: &Path) -> Result<Vec<SpecTarget>, FileError> {
    let dir = root.join(SPECS_DIR);
    let fail = |source| FileError {
        path: dir.clone(),
        source,
    };
    let mut providers = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(fail)? {
        let path = entry.map_err(fail)?.path();
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
