//! Maintainer tools for the onboarding-clients workspace.
//!
//! The binary (`cargo xtask …`) is a thin command-line shell over this library, so the workspace
//! tests can drive exactly the same code in-process: regenerate every client and compare it with
//! the checked-in file, or feed a broken spec and assert on the error.
//!
//! Data flows one way: `specs/*.yaml` → [`lint`] (which includes [`preflight`]) → [`normalise`]
//! (what progenitor reads wrongly, rewritten) → progenitor →
//! [`redact`] (a `Debug` that hides `x-sensitive` fields) → [`holders`] (a `Debug` that hides the
//! HTTP client and credentials) → [`patterns`] (string patterns checked by a static matcher in
//! place of `regress`, where it decides them exactly) → [`lengths`] (length checks that count
//! characters only when the byte length cannot decide) → [`kept`] (a checked string keeps the
//! `String` it is given instead of copying it) → prettyplease →
//! `crates/<provider>-client/src/generated.rs`. The one step from a parsed spec to the file's text
//! is [`render::render`]. The workspace root is found at run time ([`workspace::root`]).
//!
//! [`diff`] (`cargo xtask diff`) judges spec changes with the `spec-diff` crate (the wire axis)
//! and the generated clients (the source axis); [`upstream`] (`cargo xtask upstream`) reads the
//! providers' published docs into facts and compares them with a recorded snapshot and the specs.
//!
//! [`check_spec`] (`cargo xtask check-spec [NAME]`) chains lint, codegen `--check`, the change
//! report and the spec tests for the maintainer's loop.
//!
//! The only workspace crates this one depends on are the leaves `spec-support` (reading specs,
//! their examples and OpenAPI 3.0 validation) and `spec-diff`, which depend on none: in
//! particular nothing here depends on a generated client, so the tool builds while a generated
//! client does not.

pub mod bodies;
pub mod check_spec;
pub mod codegen;
pub mod diff;
pub mod holders;
pub mod kept;
pub mod lengths;
pub mod lint;
pub mod normalise;
pub mod patterns;
pub mod preflight;
pub mod redact;
pub mod render;
pub mod required_when;
pub mod sensitive;
pub mod supported;
pub mod surface;
pub mod upstream;
pub mod workspace;

pub use codegen::{CodegenError, FileOutcome, Mode, run};
pub use preflight::SpecError;
