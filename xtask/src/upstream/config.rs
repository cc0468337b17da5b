//! `specs/upstream.toml`: per provider, where its docs are published and how to read them.
//!
//! ```toml
//! [wealthyhood]
//! url = "https://docs.example.com/create-user.md"
//! reader = "openapi"          # or "page-text"
//! style = "mintlify"          # the page style, for the page-text reader
//! operation = "POST /users"   # optional: the curated spec's operation when it has several
//! ```
//!
//! Only this much TOML is read: `[section]` lines, `key = "string"` lines and `#` comments.

use std::collections::BTreeMap;

use super::page_text::Style;

/// How a provider's docs are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderKind {
    /// An OpenAPI document (or a page embedding one).
    OpenApi,
    /// The text of a rendered reference page.
    PageText,
}

impl ReaderKind {
    /// The reader named `name` (`openapi`, `page-text`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "openapi" => Some(Self::OpenApi),
            "page-text" => Some(Self::PageText),
            _ => None,
        }
    }
}

/// One provider's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Where the docs are published (HTTPS).
    pub url: String,
    /// How they are read.
    pub reader: ReaderKind,
    /// The style of the provider's rendered pages.
    pub style: Style,
    /// The curated spec's operation this source describes (`METHOD /path`), when given.
    pub operation: Option<String>,
}

/// Reads `text` (the contents of `specs/upstream.toml`); an error names the line.
pub fn parse(text: &str) -> Result<BTreeMap<String, Source>, String> {
    let mut sections: BTreeMap<String, BTreeMap<String, (usize, String)>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (number, raw) in text.lines().enumerate() {
        let number = number + 1;
        let line = raw.split(" #").next().unwrap_or(raw).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim().to_owned();
            sections.entry(name.clone()).or_default();
            current = Some(name);
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!(
                "line {number}: expected `key = \"value\"` or `[provider]`"
            ));
        };
        let value = value.trim();
        let Some(value) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
            return Err(format!(
                "line {number}: the value must be a string in double quotes"
            ));
        };
        let Some(section) = &current else {
            return Err(format!("line {number}: a key before any `[provider]`"));
        };
        sections
            .entry(section.clone())
            .or_default()
            .insert(key.trim().to_owned(), (number, value.to_owned()));
    }
    let mut sources = BTreeMap::new();
    for (name, keys) in sections {
        let get = |key: &str| {
            keys.get(key)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| format!("[{name}]: `{key}` is missing"))
        };
        let reader_name = get("reader")?;
        let reader = ReaderKind::from_name(&reader_name).ok_or_else(|| {
            format!("[{name}]: reader `{reader_name}` is neither `openapi` nor `page-text`")
        })?;
        let style_name = get("style")?;
        let style = Style::from_name(&style_name).ok_or_else(|| {
            format!("[{name}]: style `{style_name}` is not redocly, mintlify or starlight")
        })?;
        let url = get("url")?;
        sources.insert(
            name.clone(),
            Source {
                url,
                reader,
                style,
                operation: keys.get("operation").map(|(_, v)| v.clone()),
            },
        );
    }
    Ok(sources)
}
