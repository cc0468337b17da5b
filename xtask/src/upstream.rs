//! `cargo xtask upstream`: read each provider's published docs, and report what changed since
//! the recorded snapshot and where the curated spec disagrees with them.
//!
//! Data flows: the source (`--from FILE`, or the URL of `specs/upstream.toml`, fetched) → a
//! reader ([`openapi`] for an OpenAPI document, [`page_text`] for a rendered page's text) →
//! [`facts::Facts`] about the operation the curated spec describes. The curated spec is read
//! into the same model by the OpenAPI reader, which also notes the facts it marks as curation
//! decisions. [`compare`] then compares today's facts with `specs/upstream/NAME.facts.json`
//! (written by `cargo xtask upstream record NAME`) and with the spec; [`report`] renders both.

pub mod compare;
pub mod config;
pub mod drift;
pub mod facts;
pub mod fetch;
pub mod openapi;
pub mod page_text;
pub mod report;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use compare::Drift;
use config::{ReaderKind, Source};
use facts::Facts;
use openapi::Reading;

/// Where the sources are configured, relative to the workspace root.
pub const CONFIG: &str = "specs/upstream.toml";

/// Where the snapshots are recorded, relative to the workspace root.
pub const SNAPSHOTS: &str = "specs/upstream";

/// Where a check reads from, besides the configuration.
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// Read this file instead of fetching.
    pub from: Option<PathBuf>,
    /// Read with this reader instead of the configured one.
    pub reader: Option<ReaderKind>,
    /// Fetch this URL instead of the configured one.
    pub url: Option<String>,
}

/// One provider's check: today's facts, the snapshot's, the spec's, and their differences.
#[derive(Debug, Clone)]
pub struct Check {
    /// The provider, e.g. `wealthyhood`.
    pub provider: String,
    /// The source as shown in the report: a file or a URL.
    pub source: String,
    /// The snapshot file, relative to the workspace root.
    pub snapshot_path: String,
    /// The recorded snapshot, if there is one.
    pub snapshot: Option<Facts>,
    /// What the source states today.
    pub upstream: Facts,
    /// What the curated spec states.
    pub spec: Reading,
    /// Today against the snapshot (empty without a snapshot).
    pub changed: Vec<Drift>,
    /// Today against the curated spec.
    pub disagreements: Vec<Drift>,
}

impl Check {
    /// The "Changed upstream" lines (a missing snapshot is one).
    pub fn changed_lines(&self) -> Vec<String> {
        if self.snapshot.is_none() {
            return vec![format!(
                "no snapshot recorded: run `cargo xtask upstream record {}`",
                self.provider
            )];
        }
        self.changed.iter().map(ToString::to_string).collect()
    }

    /// Whether either part has a line the spec does not mark as curated.
    pub fn has_drift(&self) -> bool {
        !self.changed_lines().is_empty() || self.disagreements.iter().any(|d| !d.curated)
    }
}

/// The configured sources (`specs/upstream.toml`).
pub fn sources(root: &Path) -> Result<BTreeMap<String, Source>, String> {
    let path = root.join(CONFIG);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{CONFIG}: {e}"))?;
    config::parse(&text).map_err(|e| format!("{CONFIG}: {e}"))
}

/// `specs/upstream/NAME.facts.json`, relative to the workspace root.
pub fn snapshot_path(provider: &str) -> String {
    format!("{SNAPSHOTS}/{provider}.facts.json")
}

/// The curated spec `specs/NAME.yaml` read for `operation`.
fn curated(root: &Path, provider: &str, operation: &str) -> Result<Reading, String> {
    let shown = format!("specs/{provider}.yaml");
    let text = std::fs::read_to_string(root.join(&shown)).map_err(|e| format!("{shown}: {e}"))?;
    let document = openapi::parse(&text).map_err(|e| format!("{shown}: {e}"))?;
    openapi::read(&document, operation).map_err(|e| format!("{shown}: {e}"))
}

/// The operation of the curated spec a source describes: the configured one, else the spec's
/// first.
fn operation_of(root: &Path, provider: &str, source: &Source) -> Result<String, String> {
    if let Some(operation) = &source.operation {
        return Ok(operation.clone());
    }
    let shown = format!("specs/{provider}.yaml");
    let text = std::fs::read_to_string(root.join(&shown)).map_err(|e| format!("{shown}: {e}"))?;
    let document = openapi::parse(&text).map_err(|e| format!("{shown}: {e}"))?;
    let paths = document.get("paths").and_then(|p| p.as_object());
    paths
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .filter(|(m, _)| ["get", "put", "post", "delete", "patch"].contains(&m.as_str()))
                .map(move |(m, _)| format!("{} {path}", m.to_uppercase()))
        })
        .next()
        .ok_or_else(|| format!("{shown}: no operation"))
}

/// The first status of `reading` that starts with `prefix` (`2`, `4`), or `fallback`.
fn status(reading: &Reading, prefix: char, fallback: &str) -> String {
    reading
        .facts
        .places
        .keys()
        .filter_map(|p| p.strip_prefix("response "))
        .find(|s| s.starts_with(prefix) && !s.contains(' '))
        .unwrap_or(fallback)
        .to_owned()
}

/// The curated spec `specs/NAME.yaml` read into facts, for the operation its configured source
/// describes.
pub fn curated_reading(root: &Path, provider: &str) -> Result<Reading, String> {
    let sources = sources(root)?;
    let source = sources
        .get(provider)
        .ok_or_else(|| format!("{CONFIG}: no `[{provider}]` section"))?;
    curated(root, provider, &operation_of(root, provider, source)?)
}

/// Reads the provider's source as `input` says: the facts, the source as shown, and the spec.
fn read_upstream(
    root: &Path,
    provider: &str,
    input: &Input,
) -> Result<(Facts, String, Reading), String> {
    let sources = sources(root)?;
    let source = sources
        .get(provider)
        .ok_or_else(|| format!("{CONFIG}: no `[{provider}]` section"))?;
    let operation = operation_of(root, provider, source)?;
    let spec = curated(root, provider, &operation)?;
    let (text, shown) = match &input.from {
        Some(path) => {
            let shown = path.display().to_string();
            let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                format!("{shown}: byte {}: not UTF-8", e.utf8_error().valid_up_to())
            })?;
            (text, shown)
        }
        None => {
            let url = input.url.clone().unwrap_or_else(|| source.url.clone());
            (fetch::text(&url)?, url)
        }
    };
    let reader = input.reader.unwrap_or(source.reader);
    let mut facts = match reader {
        ReaderKind::OpenApi => {
            let document = openapi::parse(&text).map_err(|e| format!("{shown}: {e}"))?;
            openapi::read(&document, &operation)
                .map_err(|e| format!("{shown}: {e}"))?
                .facts
        }
        ReaderKind::PageText => {
            let text = if page_text::html::is_html(&text) {
                page_text::html::to_text(&text)
            } else {
                text
            };
            let context = page_text::Context {
                operation: operation.clone(),
                success_status: status(&spec, '2', "200"),
                error_status: status(&spec, '4', "400"),
            };
            page_text::read(&text, source.style, &context).map_err(|e| format!("{shown}: {e}"))?
        }
    };
    facts.reader = match reader {
        ReaderKind::OpenApi => "openapi".to_owned(),
        ReaderKind::PageText => format!("page-text {}", source.style.name()),
    };
    Ok((facts, shown, spec))
}

/// Checks `provider`: reads its source, the snapshot and the spec, and compares them.
pub fn check(root: &Path, provider: &str, input: &Input) -> Result<Check, String> {
    let (upstream, source, spec) = read_upstream(root, provider, input)?;
    let snapshot_path = snapshot_path(provider);
    let snapshot = match std::fs::read_to_string(root.join(&snapshot_path)) {
        Ok(text) => Some(Facts::from_json(&text).map_err(|e| format!("{snapshot_path}: {e}"))?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("{snapshot_path}: {e}")),
    };
    let changed = snapshot
        .as_ref()
        .map(|old| compare::changes(old, &upstream))
        .unwrap_or_default();
    let disagreements = compare::disagreements(&upstream, &spec);
    Ok(Check {
        provider: provider.to_owned(),
        source,
        snapshot_path,
        snapshot,
        upstream,
        spec,
        changed,
        disagreements,
    })
}

/// Records `provider`'s source as its snapshot; returns the file written (relative to `root`).
/// The file is written whole (a temporary file renamed over it), and the same facts always give
/// the same bytes.
pub fn record(root: &Path, provider: &str, input: &Input) -> Result<String, String> {
    let (facts, _, _) = read_upstream(root, provider, input)?;
    let shown = snapshot_path(provider);
    let path = root.join(&shown);
    let directory = root.join(SNAPSHOTS);
    std::fs::create_dir_all(&directory).map_err(|e| format!("{SNAPSHOTS}: {e}"))?;
    let temporary = directory.join(format!(".{provider}.facts.json.tmp"));
    std::fs::write(&temporary, facts.to_json()).map_err(|e| format!("{shown}: {e}"))?;
    std::fs::rename(&temporary, &path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("{shown}: {e}")
    })?;
    Ok(shown)
}
