//! What the three page-style readers share: the curated spec's context and the line readers.

use super::super::facts::length;

/// What the reader needs to know from the curated spec.
#[derive(Debug, Clone)]
pub struct Context {
    /// `METHOD /path` of the operation, used when the page does not show it.
    pub operation: String,
    /// The status of a response the page shows without a code.
    pub success_status: String,
    /// The status of an errors section the page shows without a code.
    pub error_status: String,
}

/// A line without surrounding blanks, bullets or the non-breaking spaces pages use.
pub(super) fn clean(line: &str) -> &str {
    line.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}')
        .trim_start_matches(['•', '·', '◦', '▪'])
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}')
}

/// Whether `line` looks like a field name: one word of letters, digits, `_`, `-`, `.`, `$`, `[]`
/// (and not a type or one of the page's words).
pub(super) fn is_name(line: &str) -> bool {
    let mut chars = line.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$');
    first_ok
        && line
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.$[]".contains(c))
        && parse_type(line).is_none()
        && !matches!(
            line,
            "required"
                | "optional"
                | "header"
                | "query"
                | "path"
                | "body"
                | "Example"
                | "Response"
                | "Responses"
                | "Body"
                | "Authorizations"
                | "Headers"
                | "null"
        )
}

/// A type as a page writes it, read as (`type`, format): `string`, `string<email>`,
/// `string <date>`, `enum<string>`, `integer<int64>`, `object[]`, `string[]`, `Array of
/// integers`, `Array<object>`, `boolean`. `None` when the line is no type.
pub(super) fn parse_type(line: &str) -> Option<(String, Option<String>)> {
    let line = line.trim();
    let plural = |word: &str| -> Option<String> {
        let word = word.trim();
        let single = word.strip_suffix('s').unwrap_or(word);
        parse_type(single).map(|(t, _)| t)
    };
    if let Some(inner) = line.strip_prefix("Array of ") {
        return Some((format!("array of {}", plural(inner)?), None));
    }
    if let Some(inner) = line
        .strip_prefix("Array<")
        .and_then(|l| l.strip_suffix('>'))
    {
        return Some((format!("array of {}", parse_type(inner)?.0), None));
    }
    if let Some(inner) = line.strip_suffix("[]") {
        return Some((format!("array of {}", parse_type(inner)?.0), None));
    }
    let (base, format) = match line.split_once('<') {
        Some((base, rest)) => {
            let format = rest.strip_suffix('>')?.trim();
            if format.is_empty()
                || !format
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return None;
            }
            (base.trim(), Some(format.to_owned()))
        }
        None => (line, None),
    };
    match (base, format) {
        ("enum", Some(inner)) => Some((parse_type(&inner)?.0, None)),
        ("string" | "integer" | "number" | "boolean" | "object" | "array", format) => {
            Some((base.to_owned(), format.filter(|f| !f.is_empty())))
        }
        _ => None,
    }
}

/// A type line's type and format, or `None`; also for a Redocly line that goes on with
/// constraints (`string [ 1 .. 100 ] characters`), whose rest is returned.
pub(super) fn split_type(line: &str) -> Option<(String, Option<String>, String)> {
    if let Some((kind, format)) = parse_type(line) {
        return Some((kind, format, String::new()));
    }
    let word_end = line
        .find(|c: char| c.is_whitespace() || c == '^' || c == '[')
        .unwrap_or(line.len());
    let (head, mut rest) = line.split_at(word_end);
    let mut head = head.to_owned();
    let trimmed = rest.trim_start();
    if let Some(after) = trimmed.strip_prefix('<')
        && let Some(end) = after.find('>')
    {
        head = format!("{head}<{}>", &after[..end]);
        rest = &after[end + 1..];
    }
    let (kind, format) = parse_type(&head)?;
    Some((kind, format, rest.trim().to_owned()))
}

/// A JSON example as a page writes it: parsed and shown compactly when it is JSON, as written
/// otherwise.
pub(super) fn example_value(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => super::super::facts::show(&value),
        Err(_) => text.trim().to_owned(),
    }
}

/// From `lines[start]` (which opens with `{` or `[`), the lines up to the one that closes it;
/// returns the joined text and the index after it. Unbalanced text runs to the end.
pub(super) fn balanced(lines: &[&str], start: usize) -> (String, usize) {
    let mut depth: i64 = 0;
    let mut text = String::new();
    let mut index = start;
    while index < lines.len() {
        let line = lines[index];
        for c in line.chars() {
            match c {
                '{' | '[' => depth += 1,
                '}' | ']' => depth -= 1,
                _ => {}
            }
        }
        text.push_str(line);
        index += 1;
        if depth <= 0 {
            break;
        }
    }
    (text, index)
}

/// The `METHOD /path` a line states (`post/v2/users`, `PATCH /api/v2/user`), if it does.
pub(super) fn operation_line(line: &str) -> Option<String> {
    for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
        let Some(head) = line.get(..method.len()) else {
            continue;
        };
        if head.eq_ignore_ascii_case(method) {
            let path = line[method.len()..].trim();
            if path.starts_with('/') && !path.contains(' ') {
                return Some(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    None
}

/// A length constraint as the page styles write it: `Required string length: 1 - 100` (or one
/// number), `Minimum string length: 2`, `Maximum string length: 40`, `[ 1 .. 100 ] characters`,
/// `<= 100 characters`, `>= 2 characters`, `non-empty`.
pub(super) fn length_line(line: &str) -> Option<String> {
    let number = |s: &str| s.trim().parse::<u64>().ok();
    if let Some(rest) = line.strip_prefix("Required string length:") {
        return match rest.split_once('-') {
            Some((min, max)) => length(Some(number(min)?), Some(number(max)?)),
            None => length(number(rest), number(rest)),
        };
    }
    if let Some(rest) = line.strip_prefix("Minimum string length:") {
        return length(Some(number(rest)?), None);
    }
    if let Some(rest) = line.strip_prefix("Maximum string length:") {
        return length(None, Some(number(rest)?));
    }
    if line == "non-empty" {
        return length(Some(1), None);
    }
    let body = line.strip_suffix("characters")?.trim();
    if let Some(inner) = body.strip_prefix('[').and_then(|b| b.strip_suffix(']')) {
        let (min, max) = inner.split_once("..")?;
        return length(Some(number(min)?), Some(number(max)?));
    }
    if let Some(max) = body.strip_prefix("<=") {
        return length(None, Some(number(max)?));
    }
    if let Some(min) = body.strip_prefix(">=") {
        return length(Some(number(min)?), None);
    }
    None
}
