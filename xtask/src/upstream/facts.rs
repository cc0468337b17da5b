//! The fact model every reader produces: for one operation, each place (`request body firstName`,
//! `response 201 data.id`, `header User-Identifier`) with its attributes (present, required, type,
//! format, pattern, length, enum values, example), each a short normalized string.
//!
//! Facts are what a provider's docs state, not their prose: no descriptions are kept, and a long
//! example is shortened to its start and its length.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

/// One attribute of a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Attribute {
    /// The place exists (value `true`).
    Present,
    /// Whether a field or parameter must be sent or comes back always (`true` / `false`).
    Required,
    /// `string`, `integer`, `number`, `boolean`, `object`, `array of T`.
    Type,
    /// A string format: `email`, `date`, `date-time`, …
    Format,
    /// A regular expression the value must match.
    Pattern,
    /// String length bounds `MIN..MAX` (either side may be empty).
    Length,
    /// The allowed values, sorted, joined by `, `.
    Enum,
    /// An example value: strings bare, anything else as compact JSON.
    Example,
}

impl Attribute {
    /// Every attribute, in report order.
    pub const ALL: [Attribute; 8] = [
        Self::Present,
        Self::Required,
        Self::Type,
        Self::Format,
        Self::Pattern,
        Self::Length,
        Self::Enum,
        Self::Example,
    ];

    /// The attribute's name in a facts file and a report.
    pub fn name(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Required => "required",
            Self::Type => "type",
            Self::Format => "format",
            Self::Pattern => "pattern",
            Self::Length => "length",
            Self::Enum => "enum",
            Self::Example => "example",
        }
    }

    /// The attribute named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The longest example kept whole; a longer one keeps its start and its length.
const MAX_EXAMPLE: usize = 80;

/// What the docs state about one operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// `METHOD /path`, e.g. `POST /users`.
    pub operation: String,
    /// How the facts were read (`openapi`, `page-text mintlify`); empty when not said.
    pub reader: String,
    /// Place → attribute → value.
    pub places: BTreeMap<String, BTreeMap<Attribute, String>>,
}

impl Facts {
    /// No facts yet about `operation`.
    pub fn new(operation: impl Into<String>) -> Self {
        Self {
            operation: operation.into(),
            reader: String::new(),
            places: BTreeMap::new(),
        }
    }

    /// Records that `place` exists.
    pub fn present(&mut self, place: &str) {
        self.set(place, Attribute::Present, "true");
    }

    /// Records `attribute` of `place` (and that the place exists). An example is normalized
    /// (trimmed, shortened when long); an empty value is not recorded.
    pub fn set(&mut self, place: &str, attribute: Attribute, value: impl Into<String>) {
        let mut value: String = value.into().trim().to_owned();
        if value.is_empty() {
            return;
        }
        if attribute == Attribute::Example && value.chars().count() > MAX_EXAMPLE {
            let start: String = value.chars().take(24).collect();
            value = format!("{start}… ({} characters)", value.chars().count());
        }
        let entry = self.places.entry(place.to_owned()).or_default();
        entry.insert(Attribute::Present, "true".into());
        entry.insert(attribute, value);
    }

    /// Records `attribute` of `place` unless it is already known (the first reading wins).
    pub fn set_default(&mut self, place: &str, attribute: Attribute, value: impl Into<String>) {
        if self.get(place, attribute).is_none() {
            self.set(place, attribute, value);
        }
    }

    /// The value of `attribute` at `place`.
    pub fn get(&self, place: &str, attribute: Attribute) -> Option<&str> {
        self.places
            .get(place)
            .and_then(|a| a.get(&attribute))
            .map(String::as_str)
    }

    /// The facts as the JSON of a snapshot file: `{"operation": …, "reader": …, "facts": {place:
    /// {attr: value}}}`,
    /// places and attributes sorted, so the same facts always give the same text.
    pub fn to_json(&self) -> String {
        let mut places = Map::new();
        for (place, attributes) in &self.places {
            let mut map = Map::new();
            for (attribute, value) in attributes {
                map.insert(attribute.name().to_owned(), Value::String(value.clone()));
            }
            places.insert(place.clone(), Value::Object(map));
        }
        let mut root = Map::new();
        root.insert("operation".into(), Value::String(self.operation.clone()));
        if !self.reader.is_empty() {
            root.insert("reader".into(), Value::String(self.reader.clone()));
        }
        root.insert("facts".into(), Value::Object(places));
        let mut text = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a snapshot file's JSON (as [`Facts::to_json`] writes it).
    pub fn from_json(text: &str) -> Result<Self, String> {
        let root: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
        let operation = root
            .get("operation")
            .and_then(Value::as_str)
            .ok_or("`operation` is missing or not a string")?;
        let mut facts = Facts::new(operation);
        if let Some(reader) = root.get("reader") {
            facts.reader = reader
                .as_str()
                .ok_or("`reader` is not a string")?
                .to_owned();
        }
        let places = root
            .get("facts")
            .and_then(Value::as_object)
            .ok_or("`facts` is missing or not an object")?;
        for (place, attributes) in places {
            let attributes = attributes
                .as_object()
                .ok_or_else(|| format!("facts.{place}: not an object"))?;
            for (name, value) in attributes {
                let attribute = Attribute::from_name(name)
                    .ok_or_else(|| format!("facts.{place}.{name}: unknown attribute"))?;
                let value = value
                    .as_str()
                    .ok_or_else(|| format!("facts.{place}.{name}: not a string"))?;
                facts
                    .places
                    .entry(place.clone())
                    .or_default()
                    .insert(attribute, value.to_owned());
            }
        }
        Ok(facts)
    }
}

/// A JSON value as a fact: strings bare, anything else as compact JSON.
pub fn show(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Enum values as a fact: sorted, without duplicates, joined by `, `.
pub fn enum_values<I: IntoIterator<Item = String>>(values: I) -> String {
    let mut values: Vec<String> = values
        .into_iter()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    values.sort();
    values.dedup();
    values.join(", ")
}

/// Length bounds as a fact: `MIN..MAX`, a missing side left empty; `None` when both are.
pub fn length(min: Option<u64>, max: Option<u64>) -> Option<String> {
    if min.is_none() && max.is_none() {
        return None;
    }
    let side = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    Some(format!("{}..{}", side(min), side(max)))
}

/// The root a place hangs under: `request body`, `response 201`, `header`, `query`, `path`.
pub fn root_of(place: &str) -> &str {
    if let Some(rest) = place.strip_prefix("response ") {
        let code_end = rest.find(' ').unwrap_or(rest.len());
        return &place[.."response ".len() + code_end];
    }
    if place.starts_with("request body") {
        return "request body";
    }
    place.split(' ').next().unwrap_or(place)
}

/// The place `place` hangs under: `request body a` for `request body a.b` or `request body
/// a[].b`, the root for a top-level field; `None` for a root itself.
pub fn parent_of(place: &str) -> Option<String> {
    let root = root_of(place);
    let field = place.get(root.len()..)?.trim_start();
    if field.is_empty() || matches!(root, "header" | "query" | "path") {
        return None;
    }
    match field.rfind('.') {
        Some(dot) => Some(format!("{root} {}", field[..dot].trim_end_matches("[]"))),
        None => Some(root.to_owned()),
    }
}
