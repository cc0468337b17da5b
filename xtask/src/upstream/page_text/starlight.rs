//! Starlight (starlight-openapi) pages: the method and path on two lines, then each body as
//! `object` and its fields, each field as its name, `required`, its description, its type
//! (`string`, `Array<string>`, `Array<object>`) and `Example` with the value on the next line(s).
//! A nested object's fields follow their parent's type as bare name / type pairs. A response is
//! its one-line meaning (or its status code) followed by `object`; an errors section
//! ("… possible errors …") lists codes as `Allowed values: A B C`.

use super::super::facts::{Attribute, Facts, enum_values};
use super::lines::{
    Context, balanced, example_value, is_name, length_line, operation_line, parse_type,
};

/// Reads a Starlight page's lines (already trimmed).
pub fn read(lines: &[&str], context: &Context) -> Result<Facts, String> {
    let mut facts = Facts::new(context.operation.clone());
    let mut root: Option<String> = None;
    let mut sections = 0;
    // The last top-level field, and whether it takes children (an object or array of objects).
    let mut parent: Option<(String, bool)> = None;
    let mut current: Option<String> = None;
    let mut awaiting_type = false;
    let mut heading = String::new();
    // Whether prose came since the last field's type.
    let mut prose = false;
    let mut status: Option<String> = None;
    let blank_or_required = |i: usize| {
        lines
            .get(i)
            .is_none_or(|l| l.is_empty() || *l == "required")
    };
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        index += 1;
        if line.is_empty() {
            continue;
        }
        if let Some(method) = ["GET", "PUT", "POST", "DELETE", "PATCH"]
            .into_iter()
            .find(|m| *m == line)
            && let Some(path) = lines.get(index).filter(|p| p.starts_with('/'))
        {
            facts.operation = format!("{method} {path}");
            index += 1;
            continue;
        }
        if let Some(operation) = operation_line(line).filter(|_| root.is_none()) {
            facts.operation = operation;
            continue;
        }
        if line.len() == 3 && line.chars().all(|c| c.is_ascii_digit()) {
            status = Some(line.to_owned());
            continue;
        }
        if let Some((kind, format)) = parse_type(line) {
            if awaiting_type && let Some(at) = &current {
                facts.set(at, Attribute::Type, kind.clone());
                if let Some(format) = format {
                    facts.set(at, Attribute::Format, format);
                }
                awaiting_type = false;
                if let Some((top, takes)) = &mut parent
                    && top == at
                {
                    *takes = kind == "object" || kind == "array of object";
                }
                continue;
            }
            // `object` right after an array-of-objects type marks its items; after prose (a
            // response's meaning) or a status code, or after a plain field, it opens a body.
            let opens_section = kind == "object"
                && (prose || status.is_some() || parent.as_ref().is_none_or(|(_, takes)| !takes));
            if opens_section || root.is_none() {
                let at = if sections == 0 && root.is_none() && !heading_is_response(&heading) {
                    "request body".to_owned()
                } else {
                    let code = status.take().unwrap_or_else(|| {
                        if heading.to_lowercase().contains("error") {
                            context.error_status.clone()
                        } else {
                            context.success_status.clone()
                        }
                    });
                    format!("response {code}")
                };
                sections += 1;
                prose = false;
                facts.present(&at);
                root = Some(at);
                parent = None;
                current = None;
            }
            continue;
        }
        let Some(root) = &root else {
            if !is_name(line) {
                heading = line.to_owned();
            }
            continue;
        };
        if is_name(line) {
            let top_level = blank_or_required(index);
            let child_of = parent.as_ref().filter(|(_, takes)| *takes && !top_level);
            let at = match child_of {
                Some((top, _)) => {
                    let array = facts.get(top, Attribute::Type) == Some("array of object");
                    format!("{top}{}.{line}", if array { "[]" } else { "" })
                }
                None => format!("{root} {line}"),
            };
            facts.set(&at, Attribute::Required, "false");
            if child_of.is_none() {
                parent = Some((at.clone(), false));
            }
            current = Some(at);
            awaiting_type = true;
            prose = false;
            continue;
        }
        let Some(at) = &current else {
            heading = line.to_owned();
            prose = true;
            continue;
        };
        if line == "required" {
            facts.set(at, Attribute::Required, "true");
        } else if line == "Example" {
            let Some(value) = lines.get(index) else {
                continue;
            };
            // Nested fields carry no example: one after them is their parent's.
            let at = match &parent {
                Some((top, true)) => top,
                _ => at,
            };
            if value.starts_with(['{', '[']) {
                let (text, after) = balanced(lines, index);
                facts.set(at, Attribute::Example, example_value(&text));
                index = after;
            } else if !(value.is_empty() || is_name(value) && field_follows(lines, index)) {
                facts.set(at, Attribute::Example, example_value(value));
                index += 1;
            }
        } else if let Some(format) = line.strip_prefix("Format:") {
            facts.set(at, Attribute::Format, format.trim());
        } else if let Some(pattern) = line.strip_prefix("Pattern:") {
            facts.set(at, Attribute::Pattern, pattern.trim());
        } else if let Some(bounds) = length_line(line) {
            facts.set(at, Attribute::Length, bounds);
        } else if let Some(values) = line.strip_prefix("Allowed values:") {
            facts.set(
                at,
                Attribute::Enum,
                enum_values(values.split_whitespace().map(str::to_owned)),
            );
        } else if !awaiting_type {
            // Prose after a complete field: the heading of what follows.
            heading = line.to_owned();
            prose = true;
        }
    }
    Ok(facts)
}

/// Whether a heading reads as a response's meaning rather than an operation's description.
fn heading_is_response(heading: &str) -> bool {
    let lower = heading.to_lowercase();
    ["successfully", "error", "response"]
        .iter()
        .any(|w| lower.contains(w))
}

/// Whether `lines[at]` (a name) starts a field rather than being the previous field's example:
/// `required` or a blank line follows it, then its description, then a type other than `object`
/// (prose followed by `object` is a response's meaning), before any status code.
fn field_follows(lines: &[&str], at: usize) -> bool {
    let mut next = at + 1;
    if lines.get(next) == Some(&"required") {
        next += 1;
    } else if lines.get(next).is_none_or(|l| !l.is_empty()) {
        return false;
    }
    for line in lines.iter().skip(next).take(16) {
        if line.len() == 3 && line.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
        if let Some((kind, _)) = parse_type(line) {
            return kind != "object";
        }
    }
    false
}
