//! The input file, streamed: one JSON Lines record (or one CSV record, under a header row) at a
//! time (memory does not grow with the file), each decoded into a key and a user, or refused
//! with a reason and the fields at fault.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::os::unix::fs::FileExt;
use std::path::Path;

use onboarding_ledger::{FileDigest, User};
use serde_json::Value;

/// One line as read: its number, where it starts, its bytes (no line end), and whether a
/// newline ended it.
#[derive(Debug)]
pub struct RawLine {
    /// 1-based line number.
    pub number: i64,
    /// Byte offset of its start.
    pub offset: i64,
    /// Its bytes, without `\n` or `\r\n`.
    pub bytes: Vec<u8>,
    /// Whether a newline ended it (the last line of a cut-off file has none).
    pub terminated: bool,
}

/// Reads a file line by line.
pub struct Lines {
    reader: BufReader<File>,
    offset: u64,
    number: i64,
}

impl Lines {
    /// Opens `path`.
    pub fn open(path: &Path) -> io::Result<Self> {
        Ok(Self {
            reader: BufReader::with_capacity(1 << 16, File::open(path)?),
            offset: 0,
            number: 0,
        })
    }

    /// The next line, or `None` at the end.
    pub fn next_line(&mut self) -> io::Result<Option<RawLine>> {
        let mut bytes = Vec::new();
        let read = self.reader.read_until(b'\n', &mut bytes)?;
        if read == 0 {
            return Ok(None);
        }
        let offset = self.offset;
        self.offset += read as u64;
        self.number += 1;
        let terminated = bytes.last() == Some(&b'\n');
        if terminated {
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
        }
        Ok(Some(RawLine {
            number: self.number,
            offset: i64::try_from(offset).unwrap_or(i64::MAX),
            bytes,
            terminated,
        }))
    }
}

/// The SHA-256 of the whole file, streamed.
pub fn digest(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut digest = FileDigest::default();
    let mut buffer = vec![0; 1 << 16];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(digest.finish());
        }
        digest.update(&buffer[..read]);
    }
}

/// Reads `length` bytes at `offset` (a claimed row's line).
pub fn read_at(file: &File, offset: i64, length: i64) -> io::Result<Vec<u8>> {
    let mut bytes = vec![0; usize::try_from(length).unwrap_or(0)];
    file.read_exact_at(&mut bytes, u64::try_from(offset).unwrap_or(0))?;
    Ok(bytes)
}

/// What a line holds.
#[derive(Debug)]
pub enum Decoded {
    /// An empty line: skipped.
    Blank,
    /// A user under its key.
    User {
        /// The caller's key.
        key: String,
        /// The user.
        user: Box<User>,
    },
    /// Refused before anything is sent.
    Refused {
        /// The key, when one could be read.
        key: Option<String>,
        /// Why: `not_utf8`, `truncated`, `not_json`, `not_csv`, `no_key`, `not_model`.
        kind: &'static str,
        /// The fields at fault, when known.
        fields: Vec<String>,
    },
}

/// The key a refused line without a readable key is recorded under.
pub fn line_key(number: i64) -> String {
    format!("@line:{number}")
}

/// How the input file writes its users: JSON Lines, or CSV with a header row (a file whose name
/// ends in `.csv`, any case).
#[derive(Debug, Clone)]
pub enum Format {
    /// One JSON object per line.
    JsonLines,
    /// A header row, then one record per line ([`crate::csv`]).
    Csv(crate::csv::Header),
}

impl Format {
    /// The format of the file at `path`; for CSV, its header row is read and checked (an error
    /// of kind `InvalidData` says what is wrong with it).
    pub fn of(path: &Path) -> io::Result<Self> {
        let is_csv = path
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("csv"));
        if !is_csv {
            return Ok(Self::JsonLines);
        }
        let invalid = |why: String| io::Error::new(io::ErrorKind::InvalidData, why);
        let first = Lines::open(path)?
            .next_line()?
            .ok_or_else(|| invalid("the CSV file is empty: it needs a header row".into()))?;
        let text = std::str::from_utf8(&first.bytes)
            .map_err(|_| invalid("the CSV header row is not UTF-8".into()))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        crate::csv::Header::parse(text)
            .map(Self::Csv)
            .map_err(invalid)
    }

    /// Decodes line `number` (1-based): a user under its key, a blank line (and, in CSV, the
    /// header row), or a refusal with its reason.
    pub fn decode(&self, number: i64, bytes: &[u8], terminated: bool) -> Decoded {
        let Self::Csv(header) = self else {
            return decode(bytes, terminated);
        };
        if number == 1 || bytes.iter().all(u8::is_ascii_whitespace) {
            return Decoded::Blank;
        }
        let refused = |kind, fields| Decoded::Refused {
            key: None,
            kind,
            fields,
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            return refused("not_utf8", Vec::new());
        };
        match header.record(text, terminated) {
            Ok(value) => from_object(value),
            Err(crate::csv::RecordError::Truncated) => refused("truncated", Vec::new()),
            Err(crate::csv::RecordError::NotCsv) => refused("not_csv", Vec::new()),
            Err(crate::csv::RecordError::NotJson(column)) => refused("not_json", vec![column]),
        }
    }
}

/// Decodes one line: a JSON object of the neutral `NewUser` with a `key` member.
pub fn decode(bytes: &[u8], terminated: bool) -> Decoded {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Decoded::Blank;
    }
    let refused = |kind| Decoded::Refused {
        key: None,
        kind,
        fields: Vec::new(),
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return refused("not_utf8");
    };
    match serde_json::from_str(text) {
        Ok(value) => from_object(value),
        Err(error) if error.is_eof() && !terminated => refused("truncated"),
        Err(_) => refused("not_json"),
    }
}

/// A decoded JSON value as a user under its `key`, or why not.
fn from_object(mut value: Value) -> Decoded {
    let refused = |key, kind, fields| Decoded::Refused { key, kind, fields };
    let Some(object) = value.as_object_mut() else {
        return refused(None, "not_json", Vec::new());
    };
    let key = match object.remove("key") {
        Some(Value::String(key)) if valid_key(&key) => key,
        _ => return refused(None, "no_key", vec!["key".into()]),
    };
    match User::from_json(value) {
        Ok(user) => Decoded::User {
            key,
            user: Box::new(user),
        },
        Err(not) => refused(Some(key), "not_model", not.fields),
    }
}

/// A key is 1 to 200 characters, no control characters, and does not start with `@` (kept for
/// lines without one).
fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.chars().count() <= 200
        && !key.starts_with('@')
        && !key.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = r#""email":"a@example.com","given_names":["A"],"family_name":"B""#;

    #[test]
    fn lines_are_decoded_or_refused_with_a_reason() {
        assert!(matches!(
            decode(format!("{{\"key\":\"k1\",{USER}}}").as_bytes(), true),
            Decoded::User { key, .. } if key == "k1"
        ));
        assert!(matches!(decode(b"  ", true), Decoded::Blank));
        assert!(matches!(
            decode(b"{\"key\":\"k\",\"email\":\"\xff\"}", true),
            Decoded::Refused {
                kind: "not_utf8",
                ..
            }
        ));
        assert!(matches!(
            decode(b"{\"key\":\"k\",\"ema", false),
            Decoded::Refused {
                kind: "truncated",
                ..
            }
        ));
        assert!(matches!(
            decode(b"{\"key\":\"k\",\"ema", true),
            Decoded::Refused {
                kind: "not_json",
                ..
            }
        ));
        assert!(matches!(
            decode(format!("{{{USER}}}").as_bytes(), true),
            Decoded::Refused { kind: "no_key", .. }
        ));
        assert!(matches!(
            decode(format!("{{\"key\":\"k\",\"emial\":1,{USER}}}").as_bytes(), true),
            Decoded::Refused { kind: "not_model", key: Some(_), fields } if fields == ["emial"]
        ));
    }
}
