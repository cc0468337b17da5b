//! The `onboard` command's parts: the batch engine over the ledger ([`batch`]) and where its
//! groups of rows come from (`source`), the streamed input ([`input`]), progress display, the report, the exit codes, and the test-only pause
//! points ([`hook`]). The binary (`src/main.rs`) parses the command line and calls these.

pub mod batch;
pub mod csv;
pub mod exit;
mod failure;
pub mod hook;
pub mod input;
pub mod progress;
pub mod report;
mod source;
