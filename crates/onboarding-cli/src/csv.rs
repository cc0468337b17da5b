//! CSV input: a header row naming the fields, then one user per line, turned into the same JSON
//! object a JSON Lines file holds.
//!
//! - The header names the neutral `NewUser` fields and `key`; a dotted name is a nested field
//!   (`address.city`, `tax_residency.country`). A name may appear once, and not both as a field
//!   and as the parent of another (`address` and `address.city`).
//! - A cell is a string, except: an empty cell leaves the field out; a cell starting with `[` or
//!   `{` is JSON (for lists and the provider extensions); `given_names` that is not JSON is split
//!   at whitespace (both providers receive the given names joined by one space).
//! - Fields are separated by commas and may be quoted with `"` (a quote inside written `""`), as
//!   RFC 4180 has it, but a record is one line: a quoted field cannot hold a line break.

use serde_json::{Map, Value};

/// The header row of a CSV input: each column's field path.
#[derive(Debug, Clone)]
pub struct Header {
    columns: Vec<Vec<String>>,
}

/// Why a CSV record is not a JSON object.
#[derive(Debug, PartialEq, Eq)]
pub enum RecordError {
    /// A quoted field was not closed before the end of a line the file ends in (cut off).
    Truncated,
    /// Not a record of the header's shape: a stray quote, an unclosed quote, or another number
    /// of fields than the header has.
    NotCsv,
    /// The cell of this column starts like JSON but is not.
    NotJson(String),
}

impl Header {
    /// The header of `line` (the file's first line), or why it is not one.
    pub fn parse(line: &str) -> Result<Self, String> {
        let names = split(line).map_err(|_| "the CSV header row is not valid CSV".to_owned())?;
        let mut columns: Vec<Vec<String>> = Vec::with_capacity(names.len());
        for name in &names {
            let path: Vec<String> = name.trim().split('.').map(str::to_owned).collect();
            if path.iter().any(String::is_empty) {
                return Err(format!(
                    "the CSV header has an empty or malformed column name {name:?}"
                ));
            }
            for other in &columns {
                if other == &path {
                    return Err(format!("the CSV header names {name:?} twice"));
                }
                let shorter = other.len().min(path.len());
                if other[..shorter] == path[..shorter] {
                    return Err(format!(
                        "the CSV header names both {:?} and {:?}: a field cannot also hold others",
                        other.join("."),
                        path.join(".")
                    ));
                }
            }
            columns.push(path);
        }
        if !columns
            .iter()
            .any(|path| path.len() == 1 && path[0] == "key")
        {
            return Err("the CSV header has no `key` column".into());
        }
        Ok(Self { columns })
    }

    /// The JSON object of one record (`terminated`: a newline ended its line).
    pub fn record(&self, line: &str, terminated: bool) -> Result<Value, RecordError> {
        let cells = split(line).map_err(|unclosed| {
            if unclosed && !terminated {
                RecordError::Truncated
            } else {
                RecordError::NotCsv
            }
        })?;
        if cells.len() != self.columns.len() {
            return Err(RecordError::NotCsv);
        }
        let mut object = Map::new();
        for (path, cell) in self.columns.iter().zip(cells) {
            if cell.is_empty() {
                continue;
            }
            let value = if cell.starts_with('[') || cell.starts_with('{') {
                serde_json::from_str(&cell).map_err(|_| RecordError::NotJson(path.join(".")))?
            } else if path.len() == 1 && path[0] == "given_names" {
                Value::Array(
                    cell.split_whitespace()
                        .map(|name| Value::String(name.into()))
                        .collect(),
                )
            } else {
                Value::String(cell)
            };
            insert(&mut object, path, value);
        }
        Ok(Value::Object(object))
    }
}

/// Puts `value` at `path` in `object`, making the objects on the way.
fn insert(object: &mut Map<String, Value>, path: &[String], value: Value) {
    // The header allows no empty path, so there is always a last name.
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = object;
    for parent in parents {
        let entry = at
            .entry(parent.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        // The header allows no field that is also a parent, so this is always an object.
        let Value::Object(inner) = entry else { return };
        at = inner;
    }
    at.insert(last.clone(), value);
}

/// The fields of one CSV line; `Err(true)` when a quoted field is not closed, `Err(false)` for
/// a stray quote.
fn split(line: &str) -> Result<Vec<String>, bool> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err(true),
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                }
            }
            match chars.next() {
                None => {
                    fields.push(field);
                    return Ok(fields);
                }
                Some(',') => fields.push(field),
                Some(_) => return Err(false),
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        fields.push(field);
                        return Ok(fields);
                    }
                    Some(',') => {
                        fields.push(field);
                        break;
                    }
                    Some('"') => return Err(false),
                    Some(c) => field.push(c),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_split_at_commas_and_quotes_hold_commas_and_quotes() {
        assert_eq!(split("a,b,,c").unwrap(), ["a", "b", "", "c"]);
        assert_eq!(
            split(r#""Smith, Jr.","say ""hi""",x"#).unwrap(),
            ["Smith, Jr.", r#"say "hi""#, "x"]
        );
        assert_eq!(split("").unwrap(), [""]);
        assert_eq!(split(r#""open"#), Err(true));
        assert_eq!(split(r#"a"b"#), Err(false));
        assert_eq!(split(r#""a"b"#), Err(false));
    }

    #[test]
    fn a_record_becomes_the_object_a_json_line_holds() {
        let header = Header::parse(
            "key,email,given_names,family_name,address.city,address.country,bitpanda,phone",
        )
        .unwrap();
        let record = header
            .record(
                r#"c1,a@example.com,Maria Elena,"O'Brien, Jr.",Athens,GR,"{""mode"":""bring_your_own_license""}","#,
                true,
            )
            .unwrap();
        assert_eq!(
            record,
            json!({
                "key": "c1",
                "email": "a@example.com",
                "given_names": ["Maria", "Elena"],
                "family_name": "O'Brien, Jr.",
                "address": {"city": "Athens", "country": "GR"},
                "bitpanda": {"mode": "bring_your_own_license"}
            })
        );
    }

    #[test]
    fn records_of_another_shape_are_refused() {
        let header = Header::parse("key,email").unwrap();
        assert_eq!(header.record("c1", true), Err(RecordError::NotCsv));
        assert_eq!(header.record("c1,a,b", true), Err(RecordError::NotCsv));
        assert_eq!(
            header.record(r#"c1,"a@exa"#, false),
            Err(RecordError::Truncated)
        );
        assert_eq!(
            header.record(r#"c1,"a@exa"#, true),
            Err(RecordError::NotCsv)
        );
        assert_eq!(
            header.record("c1,[not json", true),
            Err(RecordError::NotJson("email".into()))
        );
    }

    #[test]
    fn headers_must_name_each_field_once_and_a_key() {
        assert!(Header::parse("key,email").is_ok());
        for (header, why) in [
            ("email,family_name", "no `key`"),
            ("key,email,email", "twice"),
            ("key,address,address.city", "cannot also hold"),
            ("key,,email", "empty"),
            ("key,address.", "empty"),
            (r#"key,"email"#, "not valid CSV"),
        ] {
            let error = Header::parse(header).unwrap_err();
            assert!(error.contains(why), "{header}: {error}");
        }
    }
}
