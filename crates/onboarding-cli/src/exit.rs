//! The exit codes of `onboard`, one per situation, as `--help` and the README list them.

/// Every line is final and none is rejected or in doubt (or the single call succeeded).
pub const OK: u8 = 0;
/// A single `create` / `update` failed, or an unexpected internal error.
pub const FAILED: u8 = 1;
/// Bad usage (clap's own code).
pub const USAGE: u8 = 2;
/// Every line is final, some were rejected (or a line repeated or re-used a key).
pub const REJECTED: u8 = 10;
/// Every line is final, some are in doubt (see `onboard report --state in_doubt`).
pub const IN_DOUBT: u8 = 11;
/// Some lines are not final yet (`retry_later` past `--max-attempts`, or rows still held by
/// other workers): run again.
pub const UNFINISHED: u8 = 12;
/// The ledger cannot be used: unreachable, read-only, in use, or of a newer schema. Nothing was
/// sent.
pub const LEDGER: u8 = 20;
/// The input file cannot be read, or changed since it was loaded.
pub const INPUT: u8 = 21;
/// Missing or unusable credentials or base URL. Nothing was sent.
pub const CONFIGURATION: u8 = 22;

/// The table printed by `--help`.
pub const TABLE: &str = "\
Exit codes:
   0  done: every line final, none rejected or in doubt
   1  a single create/update failed (or an internal error)
   2  bad usage
  10  done, but some lines were rejected (or repeated / re-used a key)
  11  done, but some users are in doubt: see `onboard report --state in_doubt`, `onboard reconcile`
  12  not finished (retry_later rows past --max-attempts, or rows held by other workers): run again
  20  the ledger cannot be used (unreachable, read-only, in use, newer schema); nothing was sent
  21  the input file cannot be read, or changed since it was loaded
  22  missing or unusable credentials or base URL; nothing was sent";
