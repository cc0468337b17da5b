//! The keywords that constrain a value: `format`, `nullable`, `enum`, `pattern`, bounds
//! (`maxLength`, `minimum` with `exclusiveMinimum`, `maxItems`, `maxProperties`, …),
//! `multipleOf`, `uniqueItems`, `readOnly`/`writeOnly` and `additionalProperties`.
//!
//! A narrowing breaks requests (the server may refuse what it accepted before) and a widening
//! breaks responses (the old client may fail to decode what comes back), except where the
//! generated client does not check the keyword when it decodes, which the message then says.

use serde_json::{Map, Value};

use super::{Direction, SchemaDiff, Slot, shown};
use crate::change::Severity::{Breaking, NonBreaking, Review};
use crate::pattern::{Containment, contains};

/// Formats the generated client turns into a checked Rust type (`uuid::Uuid`, `chrono` dates,
/// IP addresses, sized integers and floats); other formats are plain `String`s.
const CHECKED_FORMATS: [&str; 17] = [
    "uuid",
    "date",
    "date-time",
    "ip",
    "ipv4",
    "ipv6",
    "int8",
    "uint8",
    "int16",
    "uint16",
    "int32",
    "uint32",
    "int64",
    "uint64",
    "uint",
    "float",
    "double",
];

/// A numeric bound: its keyword, whether it is an upper bound, and whether the generated client
/// checks it when it decodes (typify checks string lengths and picks integer types from
/// `minimum`; it does not count items or properties).
const BOUNDS: [(&str, bool, bool); 8] = [
    ("maxLength", true, true),
    ("minLength", false, true),
    ("maximum", true, true),
    ("minimum", false, true),
    ("maxItems", true, false),
    ("minItems", false, false),
    ("maxProperties", true, false),
    ("minProperties", false, false),
];

/// Whether `schema[key]` is `true`.
fn flag(schema: &Map<String, Value>, key: &str) -> bool {
    schema.get(key) == Some(&Value::Bool(true))
}

/// Patterns longer than this (together) are shown by their differing middle only.
const LONG_PATTERNS: usize = 160;

/// Characters of context kept on each side of the differing middle of two long patterns.
const CONTEXT: usize = 12;

/// `` `old` → `new` ``, or for long patterns only the part that differs with a little context:
/// `` `…\u00B5\u00C0…` → `…\u00B5\u00B7\u00C0…` (1071 → 1077 characters) ``.
fn pattern_change(old: &str, new: &str) -> String {
    let (a, b): (Vec<char>, Vec<char>) = (old.chars().collect(), new.chars().collect());
    if a.len() + b.len() <= LONG_PATTERNS {
        return format!("`{old}` → `{new}`");
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let start = prefix.saturating_sub(CONTEXT);
    let excerpt = |chars: &[char]| {
        let end = (chars.len() - suffix + CONTEXT).min(chars.len());
        let lead = if start > 0 { "…" } else { "" };
        let tail = if end < chars.len() { "…" } else { "" };
        format!(
            "{lead}{}{tail}",
            chars[start..end].iter().collect::<String>()
        )
    };
    format!(
        "`{}` → `{}` ({} → {} characters)",
        excerpt(&a),
        excerpt(&b),
        a.len(),
        b.len()
    )
}

/// A note for a widened response the generated client does not check.
const UNCHECKED: &str = " (the generated client does not check it)";

impl SchemaDiff<'_> {
    /// Compares every value keyword of two resolved schemas at `field`, a value in `slot`.
    pub(super) fn compare_keywords(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
        slot: Slot,
    ) {
        self.compare_format(old, new, field);
        self.compare_nullable(old, new, field, slot);
        self.compare_enum(old, new, field);
        self.compare_pattern(old, new, field);
        for (key, upper, checked) in BOUNDS {
            self.compare_bound(old, new, field, key, upper, checked);
        }
        self.compare_exclusive(old, new, field);
        self.compare_multiple_of(old, new, field);
        self.compare_unique_items(old, new, field);
        self.compare_access(old, new, field, slot);
        self.compare_additional(old, new, field);
    }

    /// `format` added, removed or changed. Adding one narrows, removing one widens (breaking a
    /// response only when the old client checked the format); changing one may do either.
    fn compare_format(&mut self, old: &Map<String, Value>, new: &Map<String, Value>, field: &str) {
        let before = old.get("format").and_then(Value::as_str);
        let after = new.get("format").and_then(Value::as_str);
        let (severity, message) = match (before, after) {
            (Some(a), Some(b)) if a != b => (Breaking, format!("format changed `{a}` → `{b}`")),
            (None, Some(b)) => (self.narrowed(), format!("format `{b}` added")),
            (Some(a), None) => match self.direction {
                Direction::Response if !CHECKED_FORMATS.contains(&a) => (
                    NonBreaking,
                    format!("format `{a}` removed (the generated client does not check `{a}`)"),
                ),
                _ => (self.widened(), format!("format `{a}` removed")),
            },
            _ => return,
        };
        self.push(severity, field, message);
    }

    /// `nullable` turned on or off, judged by position: a request accepts `null` or not; a
    /// response field the old client decodes into `Option<T>` (optional) already accepts `null`,
    /// one it decodes into `T` (required) does not.
    fn compare_nullable(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
        slot: Slot,
    ) {
        match (flag(old, "nullable"), flag(new, "nullable")) {
            (true, false) => {
                let severity = self.narrowed();
                self.push(severity, field, "no longer nullable");
            }
            (false, true) => {
                let (severity, message) = match (self.direction, slot) {
                    (Direction::Request, _) => (NonBreaking, "now nullable"),
                    (Direction::Response, Slot::Required) => (
                        Breaking,
                        "now nullable (required: the old client decodes it into a non-optional type)",
                    ),
                    (Direction::Response, Slot::Optional) => (
                        NonBreaking,
                        "now nullable (optional: the old client's `Option` already decodes `null`)",
                    ),
                };
                self.push(severity, field, message);
            }
            _ => {}
        }
    }

    /// Enum values added or removed, or an enum added to or dropped from the schema.
    fn compare_enum(&mut self, old: &Map<String, Value>, new: &Map<String, Value>, field: &str) {
        let before = old.get("enum").and_then(Value::as_array);
        let after = new.get("enum").and_then(Value::as_array);
        match (before, after) {
            (None, None) => {}
            (None, Some(values)) => {
                let listed: Vec<String> =
                    values.iter().map(|v| format!("`{}`", shown(v))).collect();
                let severity = self.narrowed();
                self.push(
                    severity,
                    field,
                    format!("enum added (only {})", listed.join(", ")),
                );
            }
            (Some(_), None) => {
                let severity = self.widened();
                self.push(severity, field, "enum removed (any value now)");
            }
            (Some(before), Some(after)) => {
                for value in before.iter().filter(|v| !after.contains(v)) {
                    let severity = self.narrowed();
                    self.push(
                        severity,
                        field,
                        format!("enum value `{}` removed", shown(value)),
                    );
                }
                for value in after.iter().filter(|v| !before.contains(v)) {
                    // Generated enums have no catch-all variant: an unknown value in a response
                    // fails to decode.
                    let severity = self.widened();
                    self.push(
                        severity,
                        field,
                        format!("enum value `{}` added", shown(value)),
                    );
                }
            }
        }
    }

    /// `pattern` added, removed or changed. A changed pattern is non-breaking only when the
    /// language the side needs (the new one in a request, the old one in a response) provably
    /// contains the other; a string showing it does not makes it breaking; when containment
    /// cannot be decided it is "possibly breaking: review".
    fn compare_pattern(&mut self, old: &Map<String, Value>, new: &Map<String, Value>, field: &str) {
        let before = old.get("pattern").and_then(Value::as_str);
        let after = new.get("pattern").and_then(Value::as_str);
        let (severity, message) = match (before, after) {
            (Some(a), Some(b)) if a != b => {
                let changed = format!("pattern changed {}", pattern_change(a, b));
                // A request needs every old value to pass the new pattern; a response needs
                // every new value to pass the old pattern the old client checks.
                let (outer, inner, lost) = match self.direction {
                    Direction::Request => (b, a, "matches the old pattern, not the new one"),
                    Direction::Response => (
                        a,
                        b,
                        "matches the new pattern, not the old one the old client checks",
                    ),
                };
                match contains(outer, inner) {
                    Containment::Contained => (
                        NonBreaking,
                        format!(
                            "{changed}: proven compatible (every value the {} pattern accepts, the {} one accepts)",
                            if inner == a { "old" } else { "new" },
                            if outer == a { "old" } else { "new" }
                        ),
                    ),
                    Containment::Witness(example) => (
                        Breaking,
                        format!("{changed}: `{}` {lost}", example.escape_debug()),
                    ),
                    Containment::Unknown(why) => (
                        Review,
                        format!("{changed}: possibly breaking, review it ({why})"),
                    ),
                }
            }
            (None, Some(b)) => (self.narrowed(), format!("pattern added `{b}`")),
            (Some(a), None) => (self.widened(), format!("pattern removed `{a}`")),
            _ => return,
        };
        self.push(severity, field, message);
    }

    /// A numeric bound (`maxLength`, `minimum`, …): tightening breaks requests, loosening breaks
    /// responses when the generated client checks the bound.
    fn compare_bound(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
        key: &str,
        upper: bool,
        checked: bool,
    ) {
        let before = old.get(key).and_then(Value::as_f64);
        let after = new.get(key).and_then(Value::as_f64);
        let show = |s: &Map<String, Value>| s.get(key).map(shown).unwrap_or_default();
        let (tightened, message) = match (before, after) {
            (Some(a), Some(b)) if a != b => {
                let tightened = if upper { b < a } else { b > a };
                let verb = if b < a { "lowered" } else { "raised" };
                (
                    tightened,
                    format!("{key} {verb} {} → {}", show(old), show(new)),
                )
            }
            (None, Some(b)) => (upper || b > 0.0, format!("{key} {} added", show(new))),
            (Some(_), None) => (false, format!("{key} {} removed", show(old))),
            _ => return,
        };
        self.push_narrowing(field, tightened, checked, message);
    }

    /// Records a change that narrows (`tightened`) or widens the accepted values; a widened
    /// response breaks only a client that `checked` the keyword.
    fn push_narrowing(&mut self, field: &str, tightened: bool, checked: bool, message: String) {
        let (severity, note) = match (tightened, self.direction, checked) {
            (true, _, _) => (self.narrowed(), ""),
            (false, Direction::Response, false) => (NonBreaking, UNCHECKED),
            (false, _, _) => (self.widened(), ""),
        };
        self.push(severity, field, format!("{message}{note}"));
    }

    /// OpenAPI 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum`: turning one on excludes the
    /// bound itself (a narrowing), turning it off admits it.
    fn compare_exclusive(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
    ) {
        for (key, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            let limit = new.get(bound).or_else(|| old.get(bound)).map(shown);
            let limit = limit.map_or_else(String::new, |l| format!(" (at {bound} {l})"));
            match (flag(old, key), flag(new, key)) {
                (false, true) => {
                    self.push_narrowing(field, true, true, format!("{key} added{limit}"));
                }
                (true, false) => {
                    self.push_narrowing(field, false, true, format!("{key} removed{limit}"));
                }
                _ => {}
            }
        }
    }

    /// `multipleOf`: values that were multiples of the old step stay valid only when the old step
    /// is itself a multiple of the new one.
    fn compare_multiple_of(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
    ) {
        let before = old.get("multipleOf").and_then(Value::as_f64);
        let after = new.get("multipleOf").and_then(Value::as_f64);
        let divides = |step: f64, value: f64| {
            let ratio = value / step;
            step != 0.0 && (ratio - ratio.round()).abs() < 1e-9
        };
        let show = |s: &Map<String, Value>| s.get("multipleOf").map(shown).unwrap_or_default();
        let (tightened, widened, message) = match (before, after) {
            (Some(a), Some(b)) if a != b => (
                !divides(b, a),
                !divides(a, b),
                format!("multipleOf changed {} → {}", show(old), show(new)),
            ),
            (None, Some(_)) => (true, false, format!("multipleOf {} added", show(new))),
            (Some(_), None) => (false, true, format!("multipleOf {} removed", show(old))),
            _ => return,
        };
        if tightened && widened {
            self.push(Breaking, field, message);
        } else {
            self.push_narrowing(field, tightened, true, message);
        }
    }

    /// `uniqueItems` turned on (a narrowing) or off. The generated client decodes a unique array
    /// into a set, which merges duplicates rather than failing.
    fn compare_unique_items(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
    ) {
        match (flag(old, "uniqueItems"), flag(new, "uniqueItems")) {
            (false, true) => self.push_narrowing(field, true, false, "uniqueItems added".into()),
            (true, false) => {
                self.push_narrowing(field, false, false, "uniqueItems removed".into());
            }
            _ => {}
        }
    }

    /// `readOnly` (not to be sent) and `writeOnly` (not sent back). A field made read-only may
    /// be refused in a request; a field made write-only stops coming back, which breaks a
    /// response only where the old client requires it.
    fn compare_access(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
        slot: Slot,
    ) {
        for key in ["readOnly", "writeOnly"] {
            let (was, is) = (flag(old, key), flag(new, key));
            if was == is {
                continue;
            }
            let verb = if is { "added" } else { "removed" };
            let severity = match (key, is, self.direction, slot) {
                ("readOnly", true, Direction::Request, _) => Breaking,
                ("writeOnly", true, Direction::Response, Slot::Required) => Breaking,
                _ => NonBreaking,
            };
            let note = match (key, is, self.direction) {
                ("readOnly", true, Direction::Request) => " (callers who send it may be refused)",
                ("writeOnly", true, Direction::Response) => " (it may stop coming back)",
                _ => "",
            };
            self.push(severity, field, format!("{key} {verb}{note}"));
        }
    }

    /// `additionalProperties` between a schema, `true` (or absent) and `false`. A schema on both
    /// sides is compared as the schema of the map's values.
    fn compare_additional(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        field: &str,
    ) {
        /// How open an object is to properties it does not list.
        #[derive(PartialEq)]
        enum Extra<'v> {
            Any,
            Schema(&'v Value),
            Closed,
        }
        /// How open `schema` is.
        fn extra(schema: &Map<String, Value>) -> Extra<'_> {
            match schema.get("additionalProperties") {
                None | Some(Value::Bool(true)) => Extra::Any,
                Some(Value::Bool(false)) => Extra::Closed,
                Some(schema) => Extra::Schema(schema),
            }
        }
        let describe = |e: &Extra<'_>| match e {
            Extra::Any => "any",
            Extra::Schema(_) => "a schema",
            Extra::Closed => "false",
        };
        let (before, after) = (extra(old), extra(new));
        let tightened = match (&before, &after) {
            (Extra::Schema(a), Extra::Schema(b)) => {
                let here = format!("{field}{{}}");
                let (a, b) = ((*a).clone(), (*b).clone());
                self.compare(&a, &b, &here, Slot::Required);
                return;
            }
            (a, b) if a == b => return,
            (_, Extra::Closed) | (Extra::Any, Extra::Schema(_)) => true,
            _ => false,
        };
        let note = match (&before, self.direction, tightened) {
            (Extra::Closed, Direction::Response, false) => {
                " (the old client was generated to reject unknown fields)"
            }
            (Extra::Schema(_), Direction::Response, false) => {
                " (the old client decodes unknown fields into the schema's type)"
            }
            _ => "",
        };
        let message = format!(
            "additionalProperties {} → {}{note}",
            describe(&before),
            describe(&after)
        );
        // The old client checks both `false` (unknown fields are rejected) and a schema (the
        // map's values are decoded into its type).
        self.push_narrowing(field, tightened, true, message);
    }
}
