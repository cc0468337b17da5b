//! What the report is made of: one classified change, the axis it was judged on and how much it
//! breaks.

use std::fmt;

/// The two ways a change can break a caller of the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Axis {
    /// On the wire: a request the old spec allowed can now be refused, or a response the old
    /// client decoded can now fail to decode. Judged from the two specs.
    Wire,
    /// In the source: code that compiled against the old generated client can fail to compile
    /// against the new one. Judged from the two generated clients.
    Source,
}

impl fmt::Display for Axis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Wire => "wire",
            Self::Source => "source",
        })
    }
}

/// Whether a change breaks callers of the generated client, on its [`Axis`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Existing callers may be refused by the server or fail to decode (wire), or fail to
    /// compile (source).
    Breaking,
    /// Possibly breaking: the tool could not decide (e.g. whether a new pattern accepts every
    /// value the old one did), so a person must review it. Never treated as safe.
    Review,
    /// Existing callers keep working unchanged on this axis.
    NonBreaking,
}

/// One classified change between two versions of a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The axis the change was judged on: wire changes come from the specs, source changes from
    /// the generated clients.
    pub axis: Axis,
    /// Breaking, to review, or not, on that axis.
    pub severity: Severity,
    /// What changed: the operation, e.g. `POST /users` (as named in the new document when it
    /// moved), or an item of the generated client, e.g. `types::NewUser`, `Client::create_user`.
    pub subject: String,
    /// Where in the operation, e.g. `request body`, `responses 400, 401`, `query parameter
    /// \`limit\``; empty for the operation itself.
    pub location: String,
    /// Field path inside the body or parameter, e.g. `address.countryCode`; empty for the body,
    /// parameter or operation itself.
    pub field: String,
    /// What changed, e.g. ``pattern added `^[A-Z]{2}$` ``.
    pub message: String,
}

impl Change {
    /// Whether the change is [`Severity::Breaking`].
    pub fn is_breaking(&self) -> bool {
        self.severity == Severity::Breaking
    }

    /// The axes this change breaks, or may break when it is to review: none, or its own axis.
    pub fn breaks(&self) -> &'static [Axis] {
        match (self.severity, self.axis) {
            (Severity::NonBreaking, _) => &[],
            (_, Axis::Wire) => &[Axis::Wire],
            (_, Axis::Source) => &[Axis::Source],
        }
    }
}

impl fmt::Display for Change {
    /// One line: `` `POST /users` request body `address.countryCode`: pattern added `…` ``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.subject)?;
        if !self.location.is_empty() {
            write!(f, " {}", self.location)?;
        }
        if !self.field.is_empty() {
            write!(f, " `{}`", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}
