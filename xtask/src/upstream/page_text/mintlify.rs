//! Mintlify pages: the method and path (`POST` / `/` / `users`), code samples, then sections
//! (`Authorizations`, `Headers`, `Path Parameters`, `Query Parameters`, `Body`, `Response`), each
//! field as its name, its type (`string<email>`, `enum<string>`, `object[]`), its location word
//! (`header`) and `required`, then its description and lines such as `Required string length:
//! 1 - 100`, `Pattern: ^…$`, `Available options:` (one value a line, comma-separated) and
//! `Example:` (the value on a following line). A child field is written with its parent's name
//! and a dot (`address.city`).

use super::super::facts::{Attribute, Facts, enum_values};
use super::lines::{Context, balanced, example_value, is_name, length_line, parse_type};

/// Reads a Mintlify page's lines (already trimmed).
pub fn read(lines: &[&str], context: &Context) -> Result<Facts, String> {
    let mut facts = Facts::new(context.operation.clone());
    let mut root: Option<String> = None;
    let mut current: Option<String> = None;
    let next_text = |from: usize| (from..lines.len()).find(|&i| !lines[i].is_empty());
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        index += 1;
        if root.is_none()
            && ["GET", "PUT", "POST", "DELETE", "PATCH"].contains(&line)
            && let Some(path) = path_after(lines, index)
        {
            facts.operation = format!("{line} {path}");
            continue;
        }
        let section = match line {
            "Authorizations" | "Headers" => Some("header".to_owned()),
            "Path Parameters" => Some("path".to_owned()),
            "Query Parameters" => Some("query".to_owned()),
            "Body" => {
                facts.present("request body");
                Some("request body".to_owned())
            }
            "Response" => {
                let status = next_text(index)
                    .and_then(|i| status_of(lines[i]))
                    .unwrap_or_else(|| context.success_status.clone());
                let at = format!("response {status}");
                facts.present(&at);
                Some(at)
            }
            _ => None,
        };
        if let Some(section) = section {
            root = Some(section);
            current = None;
            continue;
        }
        let Some(root) = &root else {
            continue;
        };
        if root.starts_with("response ")
            && let Some(status) = status_of(line)
            && line.len() <= 40
        {
            let at = format!("response {status}");
            facts.present(&at);
            continue;
        }
        let type_after = next_text(index).and_then(|i| parse_type(lines[i]));
        if is_name(line)
            && let Some((kind, format)) = type_after
        {
            let at = format!("{root} {line}");
            facts.set(&at, Attribute::Type, kind);
            facts.set(&at, Attribute::Required, "false");
            if let Some(format) = format {
                facts.set(&at, Attribute::Format, format);
            }
            index = next_text(index).map_or(index, |i| i + 1);
            current = Some(at);
            continue;
        }
        let Some(at) = &current else {
            continue;
        };
        if line == "required" {
            facts.set(at, Attribute::Required, "true");
        } else if let Some(bounds) = length_line(line) {
            facts.set(at, Attribute::Length, bounds);
        } else if let Some(pattern) = line.strip_prefix("Pattern:") {
            facts.set(at, Attribute::Pattern, pattern.trim());
        } else if let Some(inline) = line.strip_prefix("Example:") {
            let inline = inline.trim();
            if !inline.is_empty() {
                facts.set(at, Attribute::Example, example_value(inline));
            } else if let Some(i) = next_text(index) {
                let (text, after) = if lines[i].starts_with(['{', '[']) {
                    balanced(lines, i)
                } else {
                    (lines[i].to_owned(), i + 1)
                };
                facts.set(at, Attribute::Example, example_value(&text));
                index = after;
            }
        } else if let Some(inline) = line.strip_prefix("Available options:") {
            let mut values: Vec<String> = Vec::new();
            let inline = inline.trim();
            values.extend(inline.split(',').map(str::to_owned));
            let mut more = inline.is_empty() || inline.ends_with(',');
            while more {
                let Some(i) = next_text(index) else {
                    break;
                };
                index = i + 1;
                values.extend(lines[i].split(',').map(str::to_owned));
                more = lines[i].ends_with(',');
            }
            facts.set(at, Attribute::Enum, enum_values(values));
        }
    }
    Ok(facts)
}

/// The path written on the lines from `start` (`/`, `users`), up to a blank line or a sample.
fn path_after(lines: &[&str], start: usize) -> Option<String> {
    let mut path = String::new();
    for line in &lines[start..] {
        if line.is_empty() || line.contains(' ') {
            break;
        }
        path.push_str(line);
    }
    path.starts_with('/').then_some(path)
}

/// The status a line starts with (`201`, `201 - application/json`), if it does.
fn status_of(line: &str) -> Option<String> {
    let code: String = line.chars().take(3).collect();
    let rest = &line[code.len()..];
    let is_code = code.len() == 3
        && code.starts_with(|c: char| ('1'..='5').contains(&c))
        && code.chars().all(|c| c.is_ascii_digit())
        && (rest.is_empty() || rest.starts_with([' ', '-']));
    is_code.then_some(code)
}
