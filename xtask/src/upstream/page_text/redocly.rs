//! Redocly (Redoc) pages: `Request Body schema: …`, then each field as its name, `required`, its
//! type line (`string`, `string <email>`, `Array of integers`, `string [ 1 .. 100 ] characters`)
//! and lines such as `Enum: "a" "b"`, `Example: "x"`, `^pattern$`; `header Parameters` and the
//! like for parameters; `Responses` with each status code and its one-line meaning; then the
//! request and response samples, bulleted (`• "email": "…"`), nested values collapsed.
//!
//! A collapsed object's field often loses its name in the copy (`required` / `Array of objects`
//! with no name before it); the request sample lists the body's names in the same order, which
//! gives them back.

use super::super::facts::{Attribute, Facts, enum_values};
use super::lines::{
    Context, balanced, example_value, is_name, length_line, operation_line, split_type,
};

/// One field of the field list, as read.
#[derive(Debug, Default)]
struct Field {
    /// Its name, when the copy kept it.
    name: Option<String>,
    /// `request body`, `header`, `query` or `path`.
    root: String,
    /// Whether `required` was shown.
    required: bool,
    /// Whether a type line was read (the field is complete).
    typed: bool,
    /// The facts read so far, besides present and required.
    facts: Vec<(Attribute, String)>,
}

/// Where in the page a line is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Section {
    /// Before anything this reader knows.
    Preamble,
    /// A field list under `request body` or a parameter kind.
    Fields(String),
    /// `Responses`.
    Responses,
    /// `Request samples`.
    RequestSample,
    /// `Response samples`.
    ResponseSample,
}

/// Reads a Redocly page's lines (already trimmed).
pub fn read(lines: &[&str], context: &Context) -> Result<Facts, String> {
    let mut facts = Facts::new(context.operation.clone());
    let mut section = Section::Preamble;
    let mut fields: Vec<Field> = Vec::new();
    let mut sample_keys: Vec<(String, String)> = Vec::new();
    let mut response_status = context.success_status.clone();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        index += 1;
        let lower = line.to_lowercase();
        if lower.starts_with("request body schema") {
            section = Section::Fields("request body".into());
            facts.present("request body");
            continue;
        }
        if let Some(kind) = ["header", "query", "path"]
            .into_iter()
            .find(|k| lower == format!("{k} parameters"))
        {
            section = Section::Fields(kind.into());
            continue;
        }
        match line {
            "Responses" => {
                section = Section::Responses;
                continue;
            }
            "Request samples" => {
                section = Section::RequestSample;
                continue;
            }
            "Response samples" => {
                section = Section::ResponseSample;
                continue;
            }
            _ => {}
        }
        if let Some(operation) = operation_line(line) {
            facts.operation = operation;
            continue;
        }
        match &section {
            Section::Preamble => {}
            Section::Fields(root) => field_line(line, root, &mut fields),
            Section::Responses => {
                if is_status(line) {
                    facts.present(&format!("response {line}"));
                }
            }
            Section::RequestSample | Section::ResponseSample => {
                if is_status(line) {
                    response_status = line.to_owned();
                    continue;
                }
                if line.starts_with('{') {
                    let (keys, next) = sample(lines, index - 1);
                    index = next;
                    if section == Section::RequestSample {
                        sample_keys = keys;
                    } else {
                        let root = format!("response {response_status}");
                        for (key, value) in keys {
                            let at = format!("{root} {key}");
                            facts.present(&at);
                            if let Some(kind) = value_type(&value) {
                                facts.set_default(&at, Attribute::Type, kind);
                            }
                            if !value.starts_with(['{', '[']) {
                                facts.set_default(&at, Attribute::Example, example_value(&value));
                            }
                        }
                    }
                }
            }
        }
    }
    name_lost_fields(&mut fields, &sample_keys);
    let mut unnamed = 0;
    for field in fields {
        let name = field.name.unwrap_or_else(|| {
            unnamed += 1;
            format!("(unnamed {unnamed})")
        });
        let at = format!("{} {name}", field.root);
        facts.set(&at, Attribute::Required, field.required.to_string());
        for (attribute, value) in field.facts {
            facts.set_default(&at, attribute, value);
        }
        if field.root == "request body"
            && let Some((_, value)) = sample_keys.iter().find(|(k, _)| *k == name)
            && !value.starts_with(['{', '['])
        {
            facts.set_default(&at, Attribute::Example, example_value(value));
        }
    }
    Ok(facts)
}

/// Whether `line` is a response status (`201`, `4XX`, `default`).
fn is_status(line: &str) -> bool {
    line == "default"
        || (line.len() == 3
            && line.starts_with(|c: char| ('1'..='5').contains(&c))
            && line[1..].chars().all(|c| c.is_ascii_digit() || c == 'X'))
}

/// One line of a field list.
fn field_line(line: &str, root: &str, fields: &mut Vec<Field>) {
    let open = fields.last_mut().filter(|f| !f.typed && f.root == root);
    if line == "required" {
        match open {
            Some(field) => field.required = true,
            None => fields.push(Field {
                root: root.into(),
                required: true,
                ..Field::default()
            }),
        }
        return;
    }
    if let Some((kind, format, rest)) = split_type(line) {
        let field = match open {
            Some(field) => field,
            None => {
                fields.push(Field {
                    root: root.into(),
                    ..Field::default()
                });
                let Some(field) = fields.last_mut() else {
                    return;
                };
                field
            }
        };
        field.typed = true;
        field.facts.push((Attribute::Type, kind));
        if let Some(format) = format {
            field.facts.push((Attribute::Format, format));
        }
        if !rest.is_empty() {
            constraint(&rest, field);
        }
        return;
    }
    if is_name(line) && !line.contains('.') {
        match open {
            // A name followed by a name: the first was a word of a description.
            Some(field) if field.name.is_some() && !field.required => {
                field.name = Some(line.to_owned())
            }
            _ => fields.push(Field {
                name: Some(line.to_owned()),
                root: root.into(),
                ..Field::default()
            }),
        }
        return;
    }
    if let Some(field) = fields.last_mut().filter(|f| f.typed && f.root == root) {
        constraint(line, field);
    }
}

/// A constraint line of a typed field (`Enum: …`, `Example: …`, a pattern, a length); anything
/// else is description and ignored.
fn constraint(line: &str, field: &mut Field) {
    if let Some(values) = line.strip_prefix("Enum:") {
        let quoted: Vec<String> = values
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        let values = if quoted.is_empty() {
            values.split_whitespace().map(str::to_owned).collect()
        } else {
            quoted
        };
        field.facts.push((Attribute::Enum, enum_values(values)));
    } else if let Some(example) = line.strip_prefix("Example:") {
        field
            .facts
            .push((Attribute::Example, example_value(example.trim())));
    } else if let Some(pattern) = line.strip_prefix("Pattern:") {
        field
            .facts
            .push((Attribute::Pattern, pattern.trim().to_owned()));
    } else if line.starts_with('^') {
        field.facts.push((Attribute::Pattern, line.to_owned()));
    } else if let Some(bounds) = length_line(line) {
        field.facts.push((Attribute::Length, bounds));
    }
}

/// A sample starting at `lines[start]` (`{`): its top-level keys with their values as written
/// (a nested value by its opening `{` or `[`), and the index after the sample.
fn sample(lines: &[&str], start: usize) -> (Vec<(String, String)>, usize) {
    let (_, end) = balanced(lines, start);
    let mut keys = Vec::new();
    let mut depth = 0i64;
    for line in &lines[start..end] {
        if depth == 1
            && let Some(rest) = line.strip_prefix('"')
            && let Some((key, value)) = rest.split_once("\":")
        {
            let value = value.trim().trim_end_matches(',').trim();
            keys.push((key.to_owned(), value.to_owned()));
        }
        for c in line.chars() {
            match c {
                '{' | '[' => depth += 1,
                '}' | ']' => depth -= 1,
                _ => {}
            }
        }
    }
    (keys, end)
}

/// The type a sample value shows: `{` object, `[` array, a quoted string, a number, a boolean.
fn value_type(value: &str) -> Option<String> {
    let kind = match value.chars().next()? {
        '{' => "object",
        '[' => "array",
        '"' => "string",
        't' | 'f' if matches!(value, "true" | "false") => "boolean",
        c if c.is_ascii_digit() || c == '-' => {
            if value.contains('.') {
                "number"
            } else {
                "integer"
            }
        }
        _ => return None,
    };
    Some(kind.into())
}

/// Gives each body field whose name the copy lost the sample's name at the same position: the
/// sample lists the body's fields in order, so the key between two named neighbours is it.
fn name_lost_fields(fields: &mut [Field], sample: &[(String, String)]) {
    let named: Vec<String> = fields.iter().filter_map(|f| f.name.clone()).collect();
    let mut next = 0;
    for field in fields.iter_mut().filter(|f| f.root == "request body") {
        match &field.name {
            Some(name) => {
                if let Some(position) = sample[next.min(sample.len())..]
                    .iter()
                    .position(|(k, _)| k == name)
                {
                    next += position + 1;
                }
            }
            None => {
                if let Some((key, _)) = sample.get(next)
                    && !named.contains(key)
                {
                    field.name = Some(key.clone());
                    next += 1;
                }
            }
        }
    }
}
