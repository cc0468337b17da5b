//! What an error shows of a body the spec does not describe: its shape, never a value.
//!
//! - JSON keeps its structure and its keys (identifier-like keys only; any other key is `***`),
//!   with every string, number and boolean shown as `***` and every array as its length and the
//!   shape of its first item: `{"errors": [..1 item: {"code": ***, "detail": ***}]}`.
//! - Anything else shows its content type, its length and its first bytes only while they are
//!   ASCII punctuation (no letter, digit or space): `text/html, 196 bytes, starts "<!"`.
//!
//! The result is one line of at most [`EXCERPT_CHARS`] characters (and a closing `…` when cut).

use std::fmt::Write as _;

use serde_json::Value;

/// The marker printed in place of a value.
const MASK: &str = "***";

/// The longest excerpt of an unexpected body kept in an error.
pub(crate) const EXCERPT_CHARS: usize = 120;

/// The longest key kept as it is; longer keys, or keys with other characters than ASCII letters,
/// digits, `_`, `-` and `.`, are shown as `***` (a key may be a value, e.g. an e-mail address).
const KEY_CHARS: usize = 40;

/// How many leading punctuation bytes of a non-JSON body are shown.
const LEADING_BYTES: usize = 8;

/// The masked excerpt of `body`, whose `Content-Type` header (when known) is `content_type`.
pub(crate) fn masked_excerpt(content_type: Option<&str>, body: &[u8]) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        return "(empty body)".into();
    }
    let mut out = String::new();
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => shape(&value, &mut out),
        Err(_) => describe(content_type, body, &mut out),
    }
    cut(out)
}

/// `value`'s structure with every scalar masked, appended to `out` (stops growing once `out` is
/// longer than the excerpt may be).
fn shape(value: &Value, out: &mut String) {
    if out.len() > EXCERPT_CHARS {
        return;
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(_) | Value::Number(_) | Value::String(_) => out.push_str(MASK),
        Value::Array(items) => {
            let noun = if items.len() == 1 { "item" } else { "items" };
            let _ = write!(out, "[..{} {noun}", items.len());
            if let Some(first @ (Value::Array(_) | Value::Object(_))) = items.first() {
                out.push_str(": ");
                shape(first, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (index, (key, item)) in members.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                if out.len() > EXCERPT_CHARS {
                    break;
                }
                if key_is_shown(key) {
                    let _ = write!(out, "\"{key}\": ");
                } else {
                    let _ = write!(out, "{MASK}: ");
                }
                shape(item, out);
            }
            out.push('}');
        }
    }
}

/// Whether a JSON key is an identifier (`code`, `ER001`, `first_name`) rather than a value.
fn key_is_shown(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= KEY_CHARS
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// A body that is not JSON: its content type, length and leading punctuation.
fn describe(content_type: Option<&str>, body: &[u8], out: &mut String) {
    out.push_str(&media_type(content_type));
    let noun = if body.len() == 1 { "byte" } else { "bytes" };
    let _ = write!(out, ", {} {noun}", body.len());
    let leading: String = body
        .iter()
        .take(LEADING_BYTES)
        .take_while(|b| b.is_ascii_punctuation())
        .map(|&b| char::from(b))
        .collect();
    if !leading.is_empty() {
        let _ = write!(out, ", starts {leading:?}");
    }
}

/// The media type of a `Content-Type` (its parameters dropped), when it is a plain token pair
/// such as `text/html`; otherwise a fixed phrase.
fn media_type(content_type: Option<&str>) -> String {
    let Some(content_type) = content_type else {
        return "no content type".into();
    };
    let media = content_type.split(';').next().unwrap_or_default().trim();
    let plain = !media.is_empty()
        && media.len() <= KEY_CHARS
        && media.bytes().filter(|&b| b == b'/').count() == 1
        && media
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'+' | b'-' | b'_'));
    if plain {
        media.to_ascii_lowercase()
    } else {
        "an unusual content type".into()
    }
}

/// `text` cut to [`EXCERPT_CHARS`] characters, with `…` when cut.
fn cut(text: String) -> String {
    if text.chars().count() <= EXCERPT_CHARS {
        return text;
    }
    let mut kept: String = text.chars().take(EXCERPT_CHARS).collect();
    kept.push('…');
    kept
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::{EXCERPT_CHARS, masked_excerpt};

    #[test]
    fn an_echoed_name_and_address_are_not_shown() {
        let body = br#"{"error":"user Giorgos Papadopoulos at Ermou 25 Athens exists","id":7,"ok":false,"tags":["a","b"]}"#;
        let excerpt = masked_excerpt(Some("application/json"), body);
        assert_eq!(
            excerpt,
            r#"{"error": ***, "id": ***, "ok": ***, "tags": [..2 items]}"#
        );
    }

    #[test]
    fn nested_arrays_show_length_and_the_first_items_shape() {
        let body = json!({"errors": [{"code": "ER001", "detail": "jean@example.com is taken"}]});
        let excerpt = masked_excerpt(None, body.to_string().as_bytes());
        assert_eq!(
            excerpt,
            r#"{"errors": [..1 item: {"code": ***, "detail": ***}]}"#
        );
    }

    #[test]
    fn keys_that_look_like_values_are_masked() {
        let body = br#"{"jean@example.com": "exists", "Giorgos Papadopoulos": 1}"#;
        let excerpt = masked_excerpt(None, body);
        assert_eq!(excerpt, "{***: ***, ***: ***}");
    }

    #[test]
    fn other_bodies_show_type_length_and_leading_punctuation_only() {
        let html = b"<!DOCTYPE html><p>Giorgos Papadopoulos</p>";
        assert_eq!(
            masked_excerpt(Some("text/html; charset=utf-8"), html),
            format!("text/html, {} bytes, starts \"<!\"", html.len())
        );
        assert_eq!(
            masked_excerpt(Some("text/plain"), b"Giorgos exists"),
            "text/plain, 14 bytes"
        );
        assert_eq!(
            masked_excerpt(Some("text/plain; x=\"Giorgos Papadopoulos\""), b"<"),
            "text/plain, 1 byte, starts \"<\""
        );
        assert_eq!(
            masked_excerpt(Some("Giorgos Papadopoulos"), b"x"),
            "an unusual content type, 1 byte"
        );
        assert_eq!(masked_excerpt(None, b" \n"), "(empty body)");
        // A cut JSON body does not parse: only its punctuation start is shown.
        assert_eq!(
            masked_excerpt(None, br#"{"name":"Giorgos"#),
            "no content type, 16 bytes, starts \"{\\\"\""
        );
    }

    /// Arbitrary JSON whose strings start with an upper-case letter (keys are lower-case).
    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "[A-Z][a-z @.]{3,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                prop::collection::btree_map("[a-z_]{1,8}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn strings(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::String(s) => found.push(s.clone()),
            Value::Number(n) => found.push(n.to_string()),
            Value::Array(items) => items.iter().for_each(|v| strings(v, found)),
            Value::Object(members) => members.values().for_each(|v| strings(v, found)),
            _ => {}
        }
    }

    proptest! {
        /// No string or number of a JSON body reaches its excerpt, which is one line of at most
        /// [`EXCERPT_CHARS`] characters (and a closing `…`).
        #[test]
        fn json_excerpts_never_show_a_value(value in json_value()) {
            let excerpt = masked_excerpt(Some("application/json"), value.to_string().as_bytes());
            let mut values = Vec::new();
            strings(&value, &mut values);
            for shown in values.iter().filter(|v| v.len() >= 2 && v.parse::<u8>().is_err()) {
                prop_assert!(!excerpt.contains(shown.as_str()), "{shown} in {excerpt}");
            }
            prop_assert!(!excerpt.contains('@') && !excerpt.contains('\n'), "{}", excerpt);
            prop_assert!(excerpt.chars().count() <= EXCERPT_CHARS + 1, "{}", excerpt);
        }

        /// Any other body shows no letter or digit of its own, stays on one line and is short.
        #[test]
        fn other_excerpts_never_show_a_letter_or_digit(
            text in ".{0,300}",
            bytes in proptest::collection::vec(any::<u8>(), 0..400),
        ) {
            for input in [text.as_bytes(), &bytes[..]] {
                if serde_json::from_slice::<Value>(input).is_ok() {
                    continue;
                }
                let excerpt = masked_excerpt(Some("text/plain"), input);
                prop_assert!(!excerpt.is_empty());
                let own = excerpt.split_once(", starts ").map_or("", |(_, start)| start);
                prop_assert!(
                    !own.contains(|c: char| c.is_alphanumeric() || c.is_whitespace()),
                    "{:?}",
                    excerpt
                );
                prop_assert!(!excerpt.contains(['\n', '\r']), "{:?}", excerpt);
                prop_assert!(excerpt.chars().count() <= EXCERPT_CHARS + 1, "{:?}", excerpt);
            }
        }
    }
}
