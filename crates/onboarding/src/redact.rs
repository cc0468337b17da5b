//! Small `Debug` helpers that show the shape of personal data (present, absent, how many) without
//! its value. Every hand-written `Debug` in the crate goes through these, so the redaction marker is
//! the same everywhere.

use std::collections::BTreeMap;
use std::fmt;

/// The marker printed in place of a personal value.
pub(crate) const MARKER: &str = "***";

/// A personal value: prints `***`, or `""` when the value is an empty string (emptiness is not
/// personal, and seeing it helps when a required field is missing).
pub(crate) struct Hidden {
    empty: bool,
}

impl fmt::Debug for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.empty {
            f.write_str("\"\"")
        } else {
            f.write_str(MARKER)
        }
    }
}

/// Hides a personal string.
pub(crate) fn text(value: &str) -> Hidden {
    Hidden {
        empty: value.is_empty(),
    }
}

/// Hides an optional personal value: `None` or `Some(***)`.
pub(crate) fn option<T>(value: &Option<T>) -> Option<Hidden> {
    value.as_ref().map(|_| Hidden { empty: false })
}

/// Hides an optional personal string: `None`, `Some("")` or `Some(***)`.
pub(crate) fn option_text(value: &Option<String>) -> Option<Hidden> {
    value.as_deref().map(text)
}

/// Hides every item of a list of personal strings but keeps their number: `[***, ***]`.
pub(crate) fn list(values: &[String]) -> Vec<Hidden> {
    values.iter().map(|item| text(item)).collect()
}

/// Keeps the keys of a map (identifiers chosen by the partner or the provider) and hides the
/// values: `{"kyc-amld5-employment-status": ***}`.
pub(crate) fn map_values(values: &BTreeMap<String, String>) -> BTreeMap<&str, Hidden> {
    values
        .iter()
        .map(|(key, item)| (key.as_str(), text(item)))
        .collect()
}

/// Prints only how many items a list holds: `[..2 answers]`.
pub(crate) struct Count {
    len: usize,
    noun: &'static str,
}

impl fmt::Debug for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[..{} {}]", self.len, self.noun)
    }
}

/// Counts a list whose items are not shown.
pub(crate) fn count<T>(values: &[T], noun: &'static str) -> Count {
    Count {
        len: values.len(),
        noun,
    }
}
