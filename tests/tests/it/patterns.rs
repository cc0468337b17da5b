//! The static pattern matcher against `regress`, the engine typify compiles patterns with: every
//! `pattern` of the specs that `xtask::patterns::compile` accepts must be decided the same way
//! by both, on strings near the pattern's edges (each range's first and last characters and
//! their neighbours) and on strings that match except for one change.

use std::path::PathBuf;

use client_support::pattern::{Atom, Pattern};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;
use xtask::patterns::{Compiled, compile};

/// Every string `pattern` in the specs (`specs/*.yaml`), in file order, without repeats.
fn spec_patterns() -> Vec<String> {
    let specs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&specs)
        .expect("specs/")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    paths.sort();
    let mut patterns = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("spec");
        let document: Value = yaml_serde::from_str(&text).expect("yaml");
        collect(&document, &mut patterns);
    }
    patterns
}

fn collect(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(pattern)) = map.get("pattern")
                && !into.contains(pattern)
            {
                into.push(pattern.clone());
            }
            map.values().for_each(|value| collect(value, into));
        }
        Value::Array(items) => items.iter().for_each(|value| collect(value, into)),
        _ => {}
    }
}

/// Every spec pattern the compiler accepts, with its atoms and `regress`'s compilation of it,
/// read once for all the tests of this module.
fn compiled_patterns() -> &'static [(String, Compiled, regress::Regex)] {
    static PATTERNS: std::sync::OnceLock<Vec<(String, Compiled, regress::Regex)>> =
        std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        spec_patterns()
            .into_iter()
            .filter_map(|source| {
                let compiled = compile(&source)?;
                let regex =
                    regress::Regex::new(&source).expect("regress compiles the spec's pattern");
                Some((source, compiled, regex))
            })
            .collect()
    })
}

/// Runs `check` with the client-side matcher of `compiled`.
fn with_matcher<R>(compiled: &Compiled, check: impl FnOnce(&Pattern<'_>) -> R) -> R {
    let atoms: Vec<Atom<'_>> = compiled
        .atoms
        .iter()
        .map(|atom| {
            Atom::new(
                atom.negated,
                &atom.ranges,
                atom.min,
                atom.max.unwrap_or(u32::MAX),
            )
        })
        .collect();
    check(&Pattern::new(&atoms))
}

/// The characters worth trying against `compiled`: each range's ends and their neighbours, and a
/// few that often matter (ASCII letters, digits, space, a newline, a Greek letter, an emoji).
fn edge_characters(compiled: &Compiled) -> Vec<char> {
    let mut chars: Vec<char> = "aZ09+ -'\n\u{3b1}\u{1F600}<>".chars().collect();
    for atom in &compiled.atoms {
        for &(low, high) in &atom.ranges {
            for code in [
                u32::from(low).wrapping_sub(1),
                u32::from(low),
                u32::from(high),
                u32::from(high) + 1,
            ] {
                chars.extend(char::from_u32(code));
            }
        }
    }
    chars.sort_unstable();
    chars.dedup();
    chars
}

/// A string that `compiled` matches, built from `choices` (counts and characters), then changed
/// at one place by `edit` (0: unchanged, 1: one character replaced by `with`, 2: one removed, 3:
/// `with` inserted).
fn near_match(
    compiled: &Compiled,
    edges: &[char],
    choices: &[Index],
    edit: (u8, Index, char),
) -> String {
    let mut choices = choices.iter().cycle();
    let mut chars = Vec::new();
    for atom in &compiled.atoms {
        let max = atom.max.unwrap_or(atom.min + 4).min(atom.min + 4);
        let count = atom.min
            + choices
                .next()
                .expect("cycle")
                .index((max - atom.min + 1) as usize) as u32;
        let members: Vec<char> = edges
            .iter()
            .copied()
            .filter(|&c| {
                let inside = atom.ranges.iter().any(|&(low, high)| low <= c && c <= high);
                inside != atom.negated
            })
            .collect();
        for _ in 0..count {
            if let Some(&c) =
                members.get(choices.next().expect("cycle").index(members.len().max(1)))
            {
                chars.push(c);
            }
        }
    }
    let (kind, at, with) = edit;
    if !chars.is_empty() {
        let at = at.index(chars.len());
        match kind {
            1 => chars[at] = with,
            2 => {
                chars.remove(at);
            }
            3 => chars.insert(at, with),
            _ => {}
        }
    } else if kind == 3 {
        chars.push(with);
    }
    chars.into_iter().collect()
}

#[test]
fn the_specs_patterns_compile() {
    let patterns = spec_patterns();
    assert!(patterns.len() >= 5, "{patterns:?}");
    let refused: Vec<&String> = patterns.iter().filter(|p| compile(p).is_none()).collect();
    // Every pattern the three specs have today is of the compiled form; a new one that is not
    // still works (typify's regress check stays), and this list says so.
    assert!(refused.is_empty(), "left to regress: {refused:?}");
}

#[test]
fn every_edge_character_alone_and_doubled_is_decided_as_regress_decides_it() {
    for source in spec_patterns() {
        let Some(compiled) = compile(&source) else {
            continue;
        };
        let regex = regress::Regex::new(&source).expect("regress compiles the spec's pattern");
        with_matcher(&compiled, |matcher| {
            for c in edge_characters(&compiled) {
                for value in [
                    c.to_string(),
                    format!("{c}{c}"),
                    format!("A{c}"),
                    format!("{c}0"),
                ] {
                    assert_eq!(
                        matcher.is_match(&value),
                        regex.find(&value).is_some(),
                        "pattern {source:?}, value {value:?}"
                    );
                }
            }
        });
    }
}

#[test]
fn every_bmp_character_is_a_bitpanda_name_letter_exactly_when_regress_says_so() {
    let source = spec_patterns()
        .into_iter()
        .find(|p| p.contains("\\u00B5"))
        .expect("the Bitpanda name pattern");
    let compiled = compile(&source).expect("compiles");
    let regex = regress::Regex::new(&source).expect("regress");
    with_matcher(&compiled, |matcher| {
        for c in (0..=0xFFFF_u32).filter_map(char::from_u32) {
            let value = c.to_string();
            assert_eq!(
                matcher.is_match(&value),
                regex.find(&value).is_some(),
                "U+{:04X}",
                u32::from(c)
            );
        }
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn strings_near_a_match_are_decided_as_regress_decides_them(
        choices in prop::collection::vec(any::<Index>(), 1..40),
        kind in 0u8..4,
        at in any::<Index>(),
        with in any::<Index>(),
        extra in any::<char>(),
    ) {
        for (source, compiled, regex) in compiled_patterns() {
            let edges = edge_characters(compiled);
            let replacement = if with.index(4) == 0 { extra } else { *with.get(&edges) };
            let value = near_match(compiled, &edges, &choices, (kind, at, replacement));
            // Unchanged, the string matches: the cases exercise accepted values too.
            prop_assert!(kind != 0 || regex.find(&value).is_some(), "pattern {:?}, value {:?}", source, value);
            let agrees = with_matcher(compiled, |matcher| matcher.is_match(&value)) == regex.find(&value).is_some();
            prop_assert!(agrees, "pattern {:?}, value {:?}", source, value);
        }
    }
}
