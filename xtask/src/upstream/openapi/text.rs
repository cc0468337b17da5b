//! The text of an OpenAPI document: JSON, YAML, or a Markdown page (such as a Mintlify page's
//! `.md` form) whose fenced code block holds the document.

use serde_json::Value;

/// Parses `text` as an OpenAPI document: JSON, YAML, or Markdown whose first fenced code block
/// that parses to an object with `openapi`, `paths` or `responses` is the document.
pub fn parse(text: &str) -> Result<Value, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(trimmed).map_err(|e| format!("invalid JSON: {e}"));
    }
    let is_document = |v: &Value| {
        ["openapi", "paths", "responses"]
            .iter()
            .any(|k| v.get(k).is_some())
    };
    if let Ok(value) = yaml_serde::from_str::<Value>(text)
        && is_document(&value)
    {
        return Ok(value);
    }
    for block in fenced_blocks(text) {
        if let Ok(value) = yaml_serde::from_str::<Value>(&block)
            && is_document(&value)
        {
            return Ok(value);
        }
    }
    match yaml_serde::from_str::<Value>(text) {
        Err(e) => Err(format!("neither JSON nor YAML: {e}")),
        Ok(_) => Err("no OpenAPI document here (no `openapi`, `paths` or `responses`)".into()),
    }
}

/// The contents of each fenced code block (```` ``` ```` or `~~~`, any length) of Markdown text.
fn fenced_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, Vec<&str>)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                let fence: String = trimmed
                    .chars()
                    .take_while(|c| *c == '`' || *c == '~')
                    .collect();
                if fence.len() >= 3 {
                    open = Some((fence, Vec::new()));
                }
            }
            Some((fence, lines)) => {
                if trimmed.starts_with(fence.as_str())
                    && trimmed.trim_matches(|c| c == '`' || c == '~').is_empty()
                {
                    blocks.push(lines.join("\n"));
                    open = None;
                } else {
                    lines.push(line);
                }
            }
        }
    }
    blocks
}
