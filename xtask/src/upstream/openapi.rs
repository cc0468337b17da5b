//! The OpenAPI reader: an OpenAPI 3.0 or 3.1 document (JSON or YAML, a whole document, one
//! operation, or a Markdown page embedding one) read into [`Facts`] about one operation.
//!
//! The curated spec is read by the same code, which also notes the facts it marks as curation
//! decisions: a fact is curated when a node on its way carries `x-inferred: true` or `x-source`
//! (a response, a parameter, a security scheme, a field's schema: that node's facts and every
//! fact below it), or when it is the required-ness of a field an `x-required-when` names.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::facts::{Attribute, Facts, enum_values, length, show};

mod text;

pub use text::parse;

/// How deep schemas are followed (a recursive schema ends here).
const MAX_DEPTH: usize = 12;

/// The facts about one operation, and which of them the document marks as curated.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// What the document states.
    pub facts: Facts,
    /// The (place, attribute) pairs a curation marker covers.
    pub curated: BTreeSet<(String, Attribute)>,
    /// The places whose schema carries a marker: which fields they hold is a curation decision
    /// (an array's items are the array's place).
    pub shapes: BTreeSet<String>,
}

/// Reads the operation `wanted` (`METHOD /path`) of `document`. A document that is one operation
/// (it has `responses` and no `paths`) is that operation. Otherwise the operation is found by
/// method and path, then by a path that ends the same way (a document whose paths carry a
/// prefix its servers leave out), then as the document's only operation with that method.
pub fn read(document: &Value, wanted: &str) -> Result<Reading, String> {
    let (method, path) = wanted
        .split_once(' ')
        .ok_or_else(|| format!("`{wanted}` is not `METHOD /path`"))?;
    let method = method.to_lowercase();
    let mut reader = Reader {
        document,
        reading: Reading {
            facts: Facts::new(wanted),
            curated: BTreeSet::new(),
            shapes: BTreeSet::new(),
        },
    };
    if document.get("paths").is_none() && document.get("responses").is_some() {
        reader.operation(&Value::Null, document);
        return Ok(reader.reading);
    }
    let paths = document
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("no `paths` object")?;
    let with_method: Vec<(&String, &Value)> = paths
        .iter()
        .filter(|(_, item)| resolve(document, item).get(&method).is_some())
        .collect();
    let trimmed = |p: &str| p.trim_end_matches('/').to_owned();
    let found = with_method
        .iter()
        .find(|(p, _)| trimmed(p) == trimmed(path))
        .or_else(|| {
            with_method
                .iter()
                .find(|(p, _)| p.ends_with(path) || path.ends_with(p.as_str()))
        })
        .or(if with_method.len() == 1 {
            with_method.first()
        } else {
            None
        });
    let Some((_, item)) = found else {
        return Err(format!("no operation `{wanted}` in the document"));
    };
    let item = resolve(document, item);
    reader.operation(item, &item[method.as_str()]);
    Ok(reader.reading)
}

/// Follows a local `$ref` (if `node` is one) within `document`.
fn resolve<'a>(document: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..MAX_DEPTH {
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| document.pointer(p))
        {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

/// Whether `node` (or the node its `$ref` names) carries a curation marker.
fn marked(document: &Value, node: &Value) -> bool {
    let has =
        |n: &Value| n.get("x-inferred") == Some(&Value::Bool(true)) || n.get("x-source").is_some();
    has(node) || has(resolve(document, node))
}

/// `field` extended by `name`, with a dot unless `field` is empty.
fn join(field: &str, name: &str) -> String {
    if field.is_empty() {
        name.to_owned()
    } else {
        format!("{field}.{name}")
    }
}

/// The place of `field` under `root`: `request body a.b`, or the root itself.
fn place(root: &str, field: &str) -> String {
    if field.is_empty() {
        root.to_owned()
    } else {
        format!("{root} {field}")
    }
}

/// The walk over one operation.
struct Reader<'a> {
    document: &'a Value,
    reading: Reading,
}

impl<'a> Reader<'a> {
    /// Records a fact unless already known; notes it as curated when `curated`.
    fn put(&mut self, place: &str, attribute: Attribute, value: String, curated: bool) {
        if self.reading.facts.get(place, attribute).is_some() || value.trim().is_empty() {
            return;
        }
        self.reading.facts.set(place, attribute, value);
        if curated {
            self.reading.curated.insert((place.to_owned(), attribute));
            self.reading
                .curated
                .insert((place.to_owned(), Attribute::Present));
        }
    }

    /// Security headers, parameters, the request body and the responses of `operation`, whose
    /// path item is `item`.
    fn operation(&mut self, item: &'a Value, operation: &'a Value) {
        let document = self.document;
        let security = operation
            .get("security")
            .or_else(|| document.get("security"));
        for requirement in security.and_then(Value::as_array).into_iter().flatten() {
            for name in requirement
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
            {
                let Some(scheme) = document
                    .pointer(&format!("/components/securitySchemes/{name}"))
                    .map(|s| resolve(document, s))
                else {
                    continue;
                };
                let header = match scheme.get("type").and_then(Value::as_str) {
                    Some("http" | "oauth2" | "openIdConnect") => Some("Authorization"),
                    Some("apiKey")
                        if scheme.get("in").and_then(Value::as_str) == Some("header") =>
                    {
                        scheme.get("name").and_then(Value::as_str)
                    }
                    _ => None,
                };
                if let Some(header) = header {
                    let at = format!("header {header}");
                    let curated = marked(document, scheme);
                    self.put(&at, Attribute::Required, "true".into(), curated);
                    self.put(&at, Attribute::Type, "string".into(), curated);
                }
            }
        }
        for list in [item, operation] {
            for parameter in list
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let parameter_node = parameter;
                let parameter = resolve(document, parameter);
                let (Some(kind), Some(name)) = (
                    parameter.get("in").and_then(Value::as_str),
                    parameter.get("name").and_then(Value::as_str),
                ) else {
                    continue;
                };
                let at = format!("{kind} {name}");
                let curated = marked(document, parameter_node);
                let required = parameter.get("required") == Some(&Value::Bool(true));
                self.put(&at, Attribute::Required, required.to_string(), curated);
                if let Some(example) = parameter.get("example") {
                    self.put(&at, Attribute::Example, show(example), curated);
                }
                if let Some(schema) = parameter.get("schema") {
                    self.schema(schema, &at, "", curated, 0);
                }
            }
        }
        if let Some(body) = operation.get("requestBody") {
            let curated = marked(document, body);
            let body = resolve(document, body);
            let required = body.get("required") == Some(&Value::Bool(true));
            self.put(
                "request body",
                Attribute::Required,
                required.to_string(),
                curated,
            );
            if let Some(schema) = json_schema(body) {
                self.schema(schema, "request body", "", curated, 0);
            }
        }
        for (status, response) in operation
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let root = format!("response {status}");
            let curated = marked(document, response);
            let response = resolve(document, response);
            self.put(&root, Attribute::Present, "true".into(), curated);
            for (name, header) in response
                .get("headers")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let at = format!("{root} header {name}");
                let header_curated = curated || marked(document, header);
                let header = resolve(document, header);
                let required = header.get("required") == Some(&Value::Bool(true));
                self.put(
                    &at,
                    Attribute::Required,
                    required.to_string(),
                    header_curated,
                );
                if let Some(schema) = header.get("schema") {
                    self.schema(schema, &at, "", header_curated, 0);
                }
            }
            if let Some(schema) = json_schema(response) {
                self.schema(schema, &root, "", false, 0);
            }
        }
    }

    /// The facts of `node`, the schema at `field` under `root`, and of everything below it.
    /// `curated` says the node's own facts are covered by a marker above it (a parameter's).
    fn schema(&mut self, node: &'a Value, root: &str, field: &str, curated: bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let document = self.document;
        let own_mark = marked(document, node);
        let here_curated = curated || own_mark;
        let schema = resolve(document, node);
        let Some(map) = schema.as_object() else {
            return;
        };
        let at = place(root, field);
        if own_mark {
            self.reading
                .shapes
                .insert(at.trim_end_matches("[]").to_owned());
        }
        let is_parameter = !root.starts_with("request body") && !root.starts_with("response ")
            || root.contains(" header ");
        if field.ends_with("[]") {
            // The items of an array of objects: their facts are the array's type.
        } else if !field.is_empty() || is_parameter {
            self.value_facts(map, &at, here_curated);
        } else if let Some(kind) = type_name(document, map) {
            self.put(&at, Attribute::Type, kind, here_curated);
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            for part in map
                .get(keyword)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.schema(part, root, field, curated, depth + 1);
            }
        }
        let required: BTreeSet<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let required_when: BTreeSet<&str> = map
            .get("x-required-when")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, _)| k.as_str())
            .collect();
        for (name, property) in map
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let child_field = join(field, name);
            let child = place(root, &child_field);
            // Which fields are required is the object's decision: its marker covers it.
            let required_curated = own_mark || required_when.contains(name.as_str());
            let is_required = required.contains(name.as_str());
            self.put(
                &child,
                Attribute::Required,
                is_required.to_string(),
                required_curated,
            );
            self.schema(property, root, &child_field, false, depth + 1);
        }
        if let Some(items) = map.get("items") {
            let is_object = resolve(document, items).as_object().is_some_and(|m| {
                ["properties", "allOf", "oneOf", "anyOf"]
                    .iter()
                    .any(|k| m.contains_key(*k))
            });
            if is_object {
                self.schema(items, root, &format!("{field}[]"), false, depth + 1);
            }
        }
    }

    /// Type, format, pattern, length, enum and example of the value at `at` (for an array of
    /// plain values, the items' format, pattern, length and enum are the array's).
    fn value_facts(&mut self, map: &Map<String, Value>, at: &str, curated: bool) {
        let document = self.document;
        if let Some(kind) = type_name(document, map) {
            self.put(at, Attribute::Type, kind, curated);
        }
        let mut constrained = map;
        if let Some(items) = map
            .get("items")
            .map(|i| resolve(document, i))
            .and_then(Value::as_object)
            && !items.contains_key("properties")
        {
            constrained = items;
        }
        if let Some(format) = constrained.get("format").and_then(Value::as_str) {
            self.put(at, Attribute::Format, format.to_owned(), curated);
        }
        if let Some(pattern) = constrained.get("pattern").and_then(Value::as_str) {
            self.put(at, Attribute::Pattern, pattern.to_owned(), curated);
        }
        let bound = |k: &str| constrained.get(k).and_then(Value::as_u64);
        if let Some(len) = length(bound("minLength"), bound("maxLength")) {
            self.put(at, Attribute::Length, len, curated);
        }
        if let Some(values) = constrained.get("enum").and_then(Value::as_array) {
            let values = enum_values(values.iter().filter(|v| !v.is_null()).map(show));
            self.put(at, Attribute::Enum, values, curated);
        }
        let example = map.get("example").or_else(|| {
            map.get("examples")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
        });
        if let Some(example) = example {
            self.put(at, Attribute::Example, show(example), curated);
        }
    }
}

/// The JSON schema of a request body or response: `application/json`'s, else the first
/// media type's.
fn json_schema(body: &Value) -> Option<&Value> {
    let content = body.get("content")?.as_object()?;
    content
        .get("application/json")
        .or_else(|| content.values().next())?
        .get("schema")
}

/// The type of a schema as a fact: `string`, …, `array of T`; `null` left out of a 3.1 type list.
fn type_name(document: &Value, map: &Map<String, Value>) -> Option<String> {
    let plain = |map: &Map<String, Value>| -> Option<String> {
        match map.get("type") {
            Some(Value::String(kind)) => Some(kind.clone()),
            Some(Value::Array(kinds)) => kinds
                .iter()
                .filter_map(Value::as_str)
                .find(|k| *k != "null")
                .map(str::to_owned),
            _ if map.contains_key("properties") => Some("object".into()),
            _ if map.contains_key("items") => Some("array".into()),
            _ => None,
        }
    };
    let kind = plain(map)?;
    if kind != "array" {
        return Some(kind);
    }
    let items = map
        .get("items")
        .map(|i| resolve(document, i))
        .and_then(Value::as_object);
    Some(match items.and_then(plain) {
        Some(item) => format!("array of {item}"),
        None => "array".into(),
    })
}
