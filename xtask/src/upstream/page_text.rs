//! The page-text reader: the text a browser's "select all, copy" gives for a provider's rendered
//! reference page, read into [`Facts`], for three page styles:
//!
//! - [`redocly`] (Bitpanda): a field is its name, `required`, then its type; collapsed objects
//!   lose their names, which the request and response samples (`• "name": value`) give back;
//! - [`mintlify`] (Wealthyhood): a field is its name, its type (`string<email>`, `enum<string>`,
//!   `object[]`), `required`, then `Required string length`, `Pattern`, `Available options`,
//!   `Example`;
//! - [`starlight`] (BTC Direct): a field is its name, `required`, its description, then its type
//!   and `Example`; nested objects follow their parent's type as bare name/type pairs.
//!
//! What such text looks like is tolerated: collapsed samples (`{ }`, `[ ]`), bullets, blank lines,
//! a field whose name the copy lost (recorded as `(unnamed N)` when nothing gives it back). A
//! page that shows no status code for a response is read with the code the curated spec gives
//! (its first success status, or its first error status for an errors section).

pub mod html;
mod lines;
pub mod mintlify;
pub mod redocly;
pub mod starlight;

use super::facts::Facts;
pub use lines::Context;
use lines::clean;

/// The three page styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Redocly (Redoc) reference pages.
    Redocly,
    /// Mintlify API pages.
    Mintlify,
    /// Starlight (starlight-openapi) pages.
    Starlight,
}

impl Style {
    /// The style's name: `redocly`, `mintlify`, `starlight`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Redocly => "redocly",
            Self::Mintlify => "mintlify",
            Self::Starlight => "starlight",
        }
    }

    /// The style named `name` (`redocly`, `mintlify`, `starlight`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "redocly" => Some(Self::Redocly),
            "mintlify" => Some(Self::Mintlify),
            "starlight" => Some(Self::Starlight),
            _ => None,
        }
    }
}

/// Reads `text`, a page of `style`; an error says which line could not be read.
pub fn read(text: &str, style: Style, context: &Context) -> Result<Facts, String> {
    if text.contains('\0') {
        return Err("line 1: not text (a NUL byte)".into());
    }
    let lines: Vec<&str> = text.lines().map(clean).collect();
    let facts = match style {
        Style::Redocly => redocly::read(&lines, context),
        Style::Mintlify => mintlify::read(&lines, context),
        Style::Starlight => starlight::read(&lines, context),
    }?;
    if facts.places.is_empty() {
        return Err(format!(
            "line 1: no field or response found (is this a {style:?} page?)"
        ));
    }
    Ok(facts)
}
