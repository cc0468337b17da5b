//! Strategies for response bodies: arbitrary bytes, arbitrary JSON trees whose keys and strings
//! come mostly from the specs themselves (so decoders get past the first field), and the specs'
//! own response examples with random edits applied.

use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Map, Value};

use super::specs;

/// Any bytes, half of the time starting like a JSON object so the decoder reads past byte one.
pub fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        proptest::collection::vec(any::<u8>(), 0..256).prop_map(|tail| {
            let mut bytes = b"{\"".to_vec();
            bytes.extend(tail);
            bytes
        }),
    ]
}

/// A string a provider could plausibly send: the specs' own words and values, error codes in
/// and out of the documented range, the shapes of dates, ids and timestamps, or anything.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(specs::vocabulary().clone()),
        1 => "ER[0-9]{3}",
        1 => "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2}))?",
        1 => "[a-f0-9]{24}",
        1 => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        2 => ".{0,24}",
    ]
}

/// A key: mostly a property name or error code found in the specs.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(specs::vocabulary().clone()),
        1 => "ER[0-9]{3}",
        1 => ".{0,12}",
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        (0i64..1000).prop_map(Value::from),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => number(),
        6 => text().prop_map(Value::String),
    ]
}

/// Any JSON value up to a few levels deep, with keys from the specs.
pub fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            1 => proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            3 => proptest::collection::vec((key(), inner), 0..8)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// One edit of a JSON tree, applied at a node picked by walking `path`.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Replace the node with another value.
    Replace(Vec<Index>, Value),
    /// Remove the node from its parent.
    Remove(Vec<Index>),
    /// Insert `key: value` into the node if it is an object (or push into an array).
    Insert(Vec<Index>, String, Value),
}

fn path() -> impl Strategy<Value = Vec<Index>> {
    proptest::collection::vec(any::<Index>(), 0..5)
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (path(), value()).prop_map(|(at, new)| Edit::Replace(at, new)),
        2 => path().prop_map(Edit::Remove),
        2 => (path(), key(), value()).prop_map(|(at, name, new)| Edit::Insert(at, name, new)),
    ]
}

/// A response example of one of the specs (success or error body), with up to four edits.
pub fn mutated_example() -> impl Strategy<Value = Value> {
    (
        select(specs::response_examples().clone()),
        proptest::collection::vec(edit(), 0..4),
    )
        .prop_map(|(mut example, edits)| {
            for edit in &edits {
                apply(&mut example, edit);
            }
            example
        })
}

/// The specs' response examples as bytes, truncated and with a few bytes overwritten.
pub fn mutated_example_bytes() -> impl Strategy<Value = Vec<u8>> {
    (
        select(specs::response_examples().clone()),
        any::<Index>(),
        proptest::collection::vec((any::<Index>(), any::<u8>()), 0..6),
    )
        .prop_map(|(example, cut, flips)| {
            let mut bytes = serde_json::to_vec(&example).expect("a Value serialises");
            for (at, byte) in flips {
                let at = at.index(bytes.len());
                bytes[at] = byte;
            }
            let keep = cut.index(bytes.len() + 1);
            // Keep the whole body as often as not; otherwise cut it short.
            if keep % 2 == 0 {
                bytes.truncate(keep);
            }
            bytes
        })
}

/// Walks `path` from `root`: at each step, into the `index`-th child, stopping at a leaf.
fn node<'a>(root: &'a mut Value, path: &[Index]) -> &'a mut Value {
    let mut current = root;
    for step in path {
        let children = match current {
            Value::Object(map) => map.len(),
            Value::Array(items) => items.len(),
            _ => 0,
        };
        if children == 0 {
            break;
        }
        let at = step.index(children);
        current = match current {
            Value::Object(map) => map.values_mut().nth(at).expect("in range"),
            Value::Array(items) => &mut items[at],
            _ => unreachable!("only containers have children"),
        };
    }
    current
}

fn apply(root: &mut Value, edit: &Edit) {
    match edit {
        Edit::Replace(at, new) => *node(root, at) = new.clone(),
        Edit::Remove(at) => {
            let Some((last, parent)) = at.split_last() else {
                *root = Value::Null;
                return;
            };
            match node(root, parent) {
                Value::Object(map) if !map.is_empty() => {
                    let name = map.keys().nth(last.index(map.len())).cloned();
                    if let Some(name) = name {
                        map.remove(&name);
                    }
                }
                Value::Array(items) if !items.is_empty() => {
                    items.remove(last.index(items.len()));
                }
                _ => {}
            }
        }
        Edit::Insert(at, name, new) => match node(root, at) {
            Value::Object(map) => {
                map.insert(name.clone(), new.clone());
            }
            Value::Array(items) => items.push(new.clone()),
            _ => {}
        },
    }
}
