//! Property: for arbitrary and mutated request bodies, each fake's verdict (refused as invalid,
//! or accepted) equals an independent `jsonschema` verdict on the spec's request schema (the
//! spec's schema compiled as it stands, formats on; see `support::oracle`), over real loopback
//! HTTP.
//!
//! Cases per provider: 256 by default; `PROPTEST_CASES=N` for more.

use crate::support;

use std::collections::BTreeSet;
use std::sync::LazyLock;
use std::time::Duration;

use onboarding_testkit::spec::spec_document;
use onboarding_testkit::{Outcome, Provider, TestKit};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};
use support::{request_oracle, sample_body, send_user_with};

/// Strings that sit on either side of the specs' formats and patterns.
const EDGE_STRINGS: &[&str] = &[
    "",
    "GR",
    "gr",
    "GRC",
    "en",
    "el",
    "de",
    "NL",
    "john.doe@example.com",
    "john.doe@",
    "@example.com",
    "a@b",
    "1990-05-15",
    "1990-02-30",
    "2020-02-29",
    "15/05/1990",
    "2024-03-01T10:15:30Z",
    "2024-03-01 10:15:30",
    "3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a93",
    "3f2b8c1e6a4d4f0e9b7a2c5d8e1f0a93",
    "+33123123412",
    "+31 6 1234",
    "0612345678",
    "Jean",
    "<b>",
    "O'Brien-Smith",
    "Γιώργος",
    "😀",
    "IdentityCard",
    "Front",
    "Passport",
    "iVBORw0KGgo=",
    "Ext-Id-1",
];

/// Every property name the specs use.
fn property_names() -> &'static Vec<String> {
    static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| {
        let mut names = BTreeSet::new();
        for provider in Provider::ALL {
            collect_property_names(spec_document(provider), &mut names);
        }
        names.into_iter().collect()
    });
    &NAMES
}

fn collect_property_names(node: &Value, names: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                names.extend(properties.keys().cloned());
            }
            map.values()
                .for_each(|child| collect_property_names(child, names));
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_property_names(item, names)),
        _ => {}
    }
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|n| json!(n)),
        proptest::sample::select(EDGE_STRINGS).prop_map(|s| json!(s)),
        "\\PC{0,12}".prop_map(Value::String),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(property_names().clone()),
        1 => "[a-z_]{1,8}",
    ]
}

/// Arbitrary JSON, keyed mostly with the specs' own property names.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(key(), inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// One edit of a body.
#[derive(Debug, Clone)]
enum Edit {
    /// Remove the `n`-th member of the object found by walking `path` choices.
    Remove(Vec<usize>),
    /// Set the member (or item) reached by `path` to `value`.
    Replace(Vec<usize>, Value),
    /// Insert `key: value` into the object reached by `path`.
    Insert(Vec<usize>, String, Value),
}

fn edit() -> impl Strategy<Value = Edit> {
    let path = proptest::collection::vec(any::<usize>(), 1..4);
    prop_oneof![
        path.clone().prop_map(Edit::Remove),
        (path.clone(), arbitrary_json()).prop_map(|(p, v)| Edit::Replace(p, v)),
        (path, key(), leaf()).prop_map(|(p, k, v)| Edit::Insert(p, k, v)),
    ]
}

/// Walks `choices` down `value` (each choice picks a member or item modulo the count) and
/// applies the edit at the last step.
fn apply(value: &mut Value, edit: &Edit) {
    let choices = match edit {
        Edit::Remove(p) | Edit::Replace(p, _) | Edit::Insert(p, _, _) => p,
    };
    let mut node = value;
    for (depth, choice) in choices.iter().enumerate() {
        let last = depth + 1 == choices.len();
        match node {
            Value::Object(map) if !map.is_empty() => {
                let name = map.keys().nth(choice % map.len()).cloned().unwrap();
                if last {
                    match edit {
                        Edit::Remove(_) => {
                            map.remove(&name);
                        }
                        Edit::Replace(_, replacement) => {
                            map.insert(name, replacement.clone());
                        }
                        Edit::Insert(_, key, inserted) => {
                            map.insert(key.clone(), inserted.clone());
                        }
                    }
                    return;
                }
                node = map.get_mut(&name).unwrap();
            }
            Value::Array(items) if !items.is_empty() => {
                let index = choice % items.len();
                if last {
                    match edit {
                        Edit::Remove(_) => {
                            items.remove(index);
                        }
                        Edit::Replace(_, replacement) | Edit::Insert(_, _, replacement) => {
                            items[index] = replacement.clone();
                        }
                    }
                    return;
                }
                node = &mut items[index];
            }
            _ => return,
        }
    }
}

/// The spec's sample body with a few edits, or arbitrary JSON.
fn body(provider: Provider) -> impl Strategy<Value = Value> {
    let sample = sample_body(provider);
    prop_oneof![
        3 => proptest::collection::vec(edit(), 0..4).prop_map(move |edits| {
            let mut body = sample.clone();
            edits.iter().for_each(|e| apply(&mut body, e));
            body
        }),
        1 => arbitrary_json(),
    ]
}

fn check_provider(provider: Provider) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let kit: TestKit = runtime.block_on(onboarding_testkit::start());
    let fake = kit.fake(provider);
    fake.set_token_lifetime(Duration::from_secs(86_400 * 365));
    let oracle = request_oracle(provider);
    let client = reqwest::Client::new();
    let mut runner = TestRunner::new(Config::default());
    let verdicts = std::cell::Cell::new([0usize; 2]);
    runner
        .run(&body(provider), |body| {
            runtime.block_on(send_user_with(&client, fake, &body));
            let outcome = fake.requests().last().map(|r| r.outcome());
            let fake_accepts = outcome != Some(Outcome::Invalid);
            let spec_accepts = oracle.is_valid(&body);
            let mut counts = verdicts.get();
            counts[usize::from(spec_accepts)] += 1;
            verdicts.set(counts);
            prop_assert_eq!(
                fake_accepts,
                spec_accepts,
                "{} outcome {:?} for {}",
                provider,
                outcome,
                body
            );
            prop_assert!(matches!(
                outcome,
                Some(Outcome::Invalid | Outcome::Created | Outcome::Updated | Outcome::Duplicate)
            ));
            Ok(())
        })
        .unwrap();
    // Both verdicts occur, so the property compares something.
    let [refused, accepted] = verdicts.get();
    eprintln!("{provider}: {refused} bodies refused, {accepted} accepted, as the spec judges");
    assert!(
        refused > 0 && accepted > 0,
        "{provider}: {refused} refused, {accepted} accepted"
    );
}

#[test]
fn bitpanda_verdict_matches_the_spec() {
    check_provider(Provider::Bitpanda);
}

#[test]
fn wealthyhood_verdict_matches_the_spec() {
    check_provider(Provider::Wealthyhood);
}

#[test]
fn btcdirect_verdict_matches_the_spec() {
    check_provider(Provider::BtcDirect);
}
