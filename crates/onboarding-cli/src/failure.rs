//! What stops a batch before or while it runs, with its exit code.

use onboarding_ledger::LedgerError;

use crate::exit;

/// What went wrong before or while running.
#[derive(Debug)]
pub enum Failure {
    /// The ledger.
    Ledger(LedgerError),
    /// The input file.
    Input(String),
    /// Credentials or base URL.
    Configuration(String),
}

impl Failure {
    /// The input file at `path` could not be read (or, for CSV, its header is not valid).
    pub(crate) fn unreadable(path: &std::path::Path, error: std::io::Error) -> Self {
        Failure::Input(format!("{}: {error}", path.display()))
    }

    /// The exit code.
    pub fn code(&self) -> u8 {
        match self {
            Failure::Ledger(_) => exit::LEDGER,
            Failure::Input(_) => exit::INPUT,
            Failure::Configuration(_) => exit::CONFIGURATION,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Ledger(e) => write!(f, "{e}"),
            Failure::Input(e) | Failure::Configuration(e) => f.write_str(e),
        }
    }
}

impl From<LedgerError> for Failure {
    fn from(error: LedgerError) -> Self {
        Failure::Ledger(error)
    }
}
