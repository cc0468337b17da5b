//! `cargo xtask codegen [--check]`: regenerate every client, or prove the checked-in ones are fresh.
//!
//! Every spec must pass [`crate::lint`] first: a lint problem is a spec error like any other.
//! All specs are read, linted and rendered before anything is written, so one broken spec leaves
//! every generated file exactly as it was. Each changed file is then replaced atomically (written
//! beside the target, then renamed over it).

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::lint;
use crate::preflight::SpecError;
use crate::render;
use crate::workspace::{self, FileError, SpecTarget};

/// Whether to write stale files or only report them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Rewrite every stale generated file.
    Write,
    /// Write nothing; fail with a diff when any generated file is stale.
    Check,
}

/// What happened to one generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    /// The file already held exactly the generated text.
    Unchanged,
    /// The file was (re)written.
    Written,
    /// `--check` found the file missing or different; carries a unified diff (old → new).
    Stale(String),
}

/// One spec's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOutcome {
    /// The spec and the file it generates.
    pub target: SpecTarget,
    /// What happened to the generated file.
    pub status: FileStatus,
}

impl fmt::Display for FileOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = match self.status {
            FileStatus::Unchanged => "unchanged",
            FileStatus::Written => "written",
            FileStatus::Stale(_) => "STALE",
        };
        write!(
            f,
            "{status:>9}  {} -> {}",
            self.target.spec_display(),
            self.target.generated.to_string_lossy().replace('\\', "/")
        )
    }
}

/// Why `codegen` stopped.
#[derive(Debug)]
pub enum CodegenError {
    /// One or more specs are broken; nothing was written.
    Specs(Vec<SpecError>),
    /// A file could not be read or written.
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodegenError::Specs(errors) => {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                write!(f, "{}", lines.join("\n"))
            }
            CodegenError::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for CodegenError {}

impl From<FileError> for CodegenError {
    fn from(error: FileError) -> Self {
        CodegenError::Io {
            path: error.path,
            source: error.source,
        }
    }
}

/// The generated text for every spec under `root`, paired with its target, or every problem.
///
/// Reads and writes nothing but the specs; this is what both modes and the freshness test use.
pub fn render_all(root: &Path) -> Result<Vec<(SpecTarget, String)>, CodegenError> {
    let targets = workspace::discover(root)?;
    let mut rendered = Vec::new();
    let mut problems = Vec::new();
    for target in targets {
        let spec = target.spec_display();
        let crate_dir = root
            .join(&target.generated)
            .parent()
            .and_then(Path::parent)
            .map(Path::to_path_buf);
        if !crate_dir.is_some_and(|dir| dir.join("Cargo.toml").is_file()) {
            problems.push(SpecError::new(
                &spec,
                format!(
                    "no client crate crates/{}-client for this spec: add the crate to the workspace first",
                    target.provider
                ),
            ));
            continue;
        }
        let text = workspace::read(root, &target.spec)?;
        match lint::check(&spec, &text).and_then(|document| {
            render::render(&spec, &document).map_err(|p| vec![SpecError::new(&spec, p)])
        }) {
            Ok(contents) => rendered.push((target, contents)),
            Err(errors) => problems.extend(errors),
        }
    }
    if problems.is_empty() {
        Ok(rendered)
    } else {
        Err(CodegenError::Specs(problems))
    }
}

/// A unified diff from `old` to `new`, labelled with `path`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Replaces `path` with `contents` atomically: a sibling temporary file renamed over it.
fn write_atomically(path: &Path, contents: &str) -> io::Result<()> {
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("generated");
    let temporary = path.with_file_name(format!(".{file_name}.tmp"));
    fs::write(&temporary, contents)?;
    fs::rename(&temporary, path).inspect_err(|_| {
        let _ = fs::remove_file(&temporary);
    })
}

/// Runs codegen over the workspace at `root`.
///
/// Every spec is rendered before the first write; on any problem nothing is written.
pub fn run(root: &Path, mode: Mode) -> Result<Vec<FileOutcome>, CodegenError> {
    let rendered = render_all(root)?;
    let mut outcomes = Vec::new();
    for (target, contents) in rendered {
        let path = root.join(&target.generated);
        let current = match fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(source) => return Err(CodegenError::Io { path, source }),
        };
        let status = match (current, mode) {
            (Some(current), _) if current == contents => FileStatus::Unchanged,
            (current, Mode::Check) => {
                let shown = target.generated.to_string_lossy().replace('\\', "/");
                FileStatus::Stale(unified_diff(
                    &shown,
                    current.as_deref().unwrap_or(""),
                    &contents,
                ))
            }
            (_, Mode::Write) => {
                write_atomically(&path, &contents)
                    .map_err(|source| CodegenError::Io { path, source })?;
                FileStatus::Written
            }
        };
        outcomes.push(FileOutcome { target, status });
    }
    Ok(outcomes)
}
