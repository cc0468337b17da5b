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

/// The longest excerpt of an unexpected body kept in an error.
pub(crate) const EXCERPT_CHARS: usize = 120;

/// The start of `body` for an error message: at most [`EXCERPT_CHARS`] characters, on one line,
/// with runs of digits (of any script) shown as `#` and any word containing `@` shown as `***`, so phone numbers,
/// dates, ids and e-mail addresses do not leak into logs.
pub(crate) fn masked_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut words = Vec::new();
    let mut length = 0;
    for word in text.split_whitespace() {
        if length >= EXCERPT_CHARS {
            words.push("…".to_owned());
            break;
        }
        let masked = if word.contains('@') {
            "***".to_owned()
        } else {
            let mut out = String::new();
            for c in word.chars() {
                if c.is_numeric() {
                    if !out.ends_with('#') {
                        out.push('#');
                    }
                } else {
                    out.push(c);
                }
            }
            out
        };
        let room = EXCERPT_CHARS.saturating_sub(length);
        let cut: String = masked.chars().take(room).collect();
        length += cut.chars().count() + 1;
        words.push(cut);
    }
    if words.is_empty() {
        "(empty body)".into()
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod excerpt_tests {
    use proptest::prelude::*;

    use super::{EXCERPT_CHARS, masked_excerpt};

    proptest! {
        /// An excerpt is never empty, stays on one line, shows no ASCII digit and no `@`, and is
        /// at most [`EXCERPT_CHARS`] characters (plus a space and a closing `…`).
        #[test]
        fn masked_excerpts_never_show_digits_or_addresses(
            text in prop_oneof![
                ".{0,300}",
                "([a-z.]{1,8}@[a-z]{1,8}\\.[a-z]{2,3}|\\+?[0-9]{1,15}|[0-9]{4}-[0-9]{2}-[0-9]{2}|\\PC{1,12}|[ \t\r\n\u{85}\u{2028}]{1,3}){0,60}",
            ],
            bytes in proptest::collection::vec(any::<u8>(), 0..400),
        ) {
            for input in [text.as_bytes(), &bytes[..]] {
                let excerpt = masked_excerpt(input);
                prop_assert!(!excerpt.is_empty());
                prop_assert!(
                    !excerpt.contains(|c: char| c.is_ascii_digit() || c == '@' || c == '\n' || c == '\r'),
                    "{:?}",
                    excerpt
                );
                prop_assert!(excerpt.chars().count() <= EXCERPT_CHARS + 2, "{:?}", excerpt);
            }
        }
    }
}
