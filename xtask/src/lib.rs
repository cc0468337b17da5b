//! Maintainer tools for the onboarding-clients workspace.
//!
//! The binary (`cargo xtask …`) is a thin command-line shell over this library, so the workspace
//! tests can drive exactly the same code in-process: regenerate every client and compare it with
//! the checked-in file, or feed a broken spec and assert on the error.
//!
//! Data flows one way: `specs/*.yaml` → [`lint`] (which includes [`preflight`]) → progenitor →
//! prettyplease → `crates/<provider>-client/src/generated.rs`. This crate depends on no crate of the workspace.

pub mod codegen;
pub mod diff;
pub mod lint;
pub mod preflight;
pub mod render;
pub mod surface;
pub mod workspace;

pub use codegen::{CodegenError, FileOutcome, Mode, run};
pub use preflight::SpecError;
