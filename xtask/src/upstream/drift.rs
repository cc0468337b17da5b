//! One difference found by a check ([`Drift`]): a kind of change ([`Kind`]) at a place, with
//! the values on both sides, and the line a report shows for it.

use std::fmt;

/// What kind of difference a [`Drift`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The operation is written with another method or path.
    OperationChanged,
    /// A field, parameter or header is on the new side only.
    FieldAdded,
    /// A field, parameter or header is on the old side only.
    FieldRemoved,
    /// A response status is on the new side only.
    ResponseAdded,
    /// A response status is on the old side only.
    ResponseRemoved,
    /// Optional before, required now.
    MadeRequired,
    /// Required before, optional now.
    MadeOptional,
    /// Another type.
    TypeChanged,
    /// Another format, or a format added or dropped.
    FormatChanged,
    /// Another pattern, or a pattern added or dropped.
    PatternChanged,
    /// Other length bounds, or bounds added or dropped.
    LengthChanged,
    /// An allowed value added.
    EnumValueAdded,
    /// An allowed value removed.
    EnumValueRemoved,
    /// Another example.
    ExampleChanged,
    /// A field the page shows without its name (nothing to compare it with).
    Unnamed,
}

/// One difference: a kind of change at a place, the old side's value and the new side's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// What kind of difference.
    pub kind: Kind,
    /// The place (`request body firstName`), or the operation.
    pub place: String,
    /// The value on the old side (the snapshot, or the curated spec), if it has one.
    pub old: Option<String>,
    /// The value on the new side (today's upstream), if it has one.
    pub new: Option<String>,
    /// Whether the curated spec marks the fact as a curation decision.
    pub curated: bool,
    /// Whether the old side is the curated spec (worded "only in the spec", "only upstream").
    pub versus_spec: bool,
}

/// A value in backquotes, or `none`.
fn shown(value: &Option<String>) -> String {
    value
        .as_ref()
        .map_or_else(|| "none".to_owned(), |v| format!("`{v}`"))
}

impl fmt::Display for Drift {
    /// One line: `` `request body firstName`: made required ``, `` …: pattern `a` → `b` ``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: ", self.place)?;
        let change = |name: &str| format!("{name} {} → {}", shown(&self.old), shown(&self.new));
        let text = match self.kind {
            Kind::OperationChanged => change("operation"),
            Kind::FieldAdded if self.versus_spec => {
                format!("only upstream ({})", self.new.clone().unwrap_or_default())
            }
            Kind::FieldRemoved if self.versus_spec => {
                format!(
                    "only in the spec ({})",
                    self.old.clone().unwrap_or_default()
                )
            }
            Kind::ResponseAdded if self.versus_spec => "response status only upstream".into(),
            Kind::ResponseRemoved if self.versus_spec => "response status only in the spec".into(),
            Kind::EnumValueAdded if self.versus_spec => {
                format!("enum value {} only upstream", shown(&self.new))
            }
            Kind::EnumValueRemoved if self.versus_spec => {
                format!("enum value {} only in the spec", shown(&self.old))
            }
            Kind::FieldAdded => format!("added ({})", self.new.clone().unwrap_or_default()),
            Kind::FieldRemoved => format!("removed (was {})", self.old.clone().unwrap_or_default()),
            Kind::ResponseAdded => "response status added".into(),
            Kind::ResponseRemoved => "response status removed".into(),
            Kind::MadeRequired => "made required".into(),
            Kind::MadeOptional => "made optional".into(),
            Kind::TypeChanged => change("type"),
            Kind::FormatChanged => change("format"),
            Kind::PatternChanged => change("pattern"),
            Kind::LengthChanged => change("length"),
            Kind::EnumValueAdded => format!("enum value {} added", shown(&self.new)),
            Kind::EnumValueRemoved => format!("enum value {} removed", shown(&self.old)),
            Kind::ExampleChanged => change("example"),
            Kind::Unnamed => "a field the page shows without its name".into(),
        };
        f.write_str(&text)
    }
}
