//! Whether one `pattern` accepts every string another accepts: regular-language containment,
//! decided on deterministic automata.
//!
//! A JSON Schema `pattern` is an ECMAScript regular expression that matches anywhere in the
//! string (it is not anchored), and the generated client checks it with `regress`, code point by
//! code point. Each pattern is therefore read as the language of strings it matches *somewhere*:
//! the pattern is wrapped as `(?s:.)*(?:PATTERN)(?s:.)*` and compiled, with `regex-automata`, to
//! a DFA that reports a match only when the whole string belongs to that language. Containment
//! `L(inner) ⊆ L(outer)` is then a search of the product of the two DFAs for a string the inner
//! one accepts and the outer one does not: none means containment is proven; the shortest such
//! string is a witness that it does not hold.
//!
//! ECMAScript and Rust regex syntax mostly agree, but not everywhere. The pattern is parsed with
//! `regex-syntax`, the constructs whose meaning differs are rewritten to their ECMAScript meaning
//! (`.` excludes `\r`, U+2028 and U+2029 as well as `\n`; `\d`, `\w` are ASCII; `\s` is the
//! ECMAScript white-space set), and any construct that is not read the same by both (flags,
//! word boundaries, `\p{…}`, nested or POSIX classes, `\u{…}`, a leading `]` in a class, `{,n}`)
//! makes the answer [`Containment::Unknown`], as does a pattern either side cannot parse
//! (lookaround, back-references) or an automaton over the size limit. Unknown is never treated
//! as safe: the caller reports it as "possibly breaking: review".

use std::collections::{HashMap, VecDeque};

use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind};
use regex_syntax::ast::{self, Ast, ClassSet, ClassSetItem};

/// The answer to "does the outer pattern accept every string the inner one accepts?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Containment {
    /// Proven: every string the inner pattern matches, the outer one matches too.
    Contained,
    /// Disproven: the shortest string the inner pattern matches and the outer one does not.
    Witness(String),
    /// Not decided, and why (a construct read differently by ECMAScript, or too large).
    Unknown(String),
}

/// A state of the inner DFA with a state of the outer one.
type Pair = (StateID, StateID);

/// Each visited pair with the pair and byte it was first reached from (none for the start).
type Parents = HashMap<Pair, Option<(Pair, u8)>>;

/// Upper bound on the memory of each DFA and of its determinization.
const DFA_BYTES: usize = 8 << 20;

/// Upper bound on the pairs of states the product search visits.
const MAX_PAIRS: usize = 200_000;

/// Whether `outer` accepts every string `inner` accepts (both ECMAScript `pattern`s).
pub(crate) fn contains(outer: &str, inner: &str) -> Containment {
    let (outer_dfa, inner_dfa) = match (language(outer), language(inner)) {
        (Ok(outer), Ok(inner)) => (outer, inner),
        (Err(why), _) | (_, Err(why)) => return Containment::Unknown(why),
    };
    let begin = start::Config::new().anchored(Anchored::Yes);
    let (Ok(outer_start), Ok(inner_start)) =
        (outer_dfa.start_state(&begin), inner_dfa.start_state(&begin))
    else {
        return Containment::Unknown("the automaton has no anchored start".into());
    };
    let accepts =
        |dfa: &dense::DFA<Vec<u32>>, state: StateID| dfa.is_match_state(dfa.next_eoi_state(state));
    // Breadth first, so the witness found is a shortest one.
    let mut parent: Parents = HashMap::new();
    let mut queue = VecDeque::new();
    parent.insert((inner_start, outer_start), None);
    queue.push_back((inner_start, outer_start));
    while let Some(pair @ (inner_state, outer_state)) = queue.pop_front() {
        if accepts(&inner_dfa, inner_state) && !accepts(&outer_dfa, outer_state) {
            return Containment::Witness(witness(&parent, pair));
        }
        for byte in 0..=u8::MAX {
            let next_inner = inner_dfa.next_state(inner_state, byte);
            if inner_dfa.is_dead_state(next_inner) {
                continue;
            }
            let next = (next_inner, outer_dfa.next_state(outer_state, byte));
            if parent.contains_key(&next) {
                continue;
            }
            if parent.len() >= MAX_PAIRS {
                return Containment::Unknown("the automata are too large to compare".into());
            }
            parent.insert(next, Some((pair, byte)));
            queue.push_back(next);
        }
    }
    Containment::Contained
}

/// The bytes leading from the start pair to `pair`, as text.
fn witness(parent: &Parents, mut pair: Pair) -> String {
    let mut bytes = Vec::new();
    while let Some(Some((previous, byte))) = parent.get(&pair) {
        bytes.push(*byte);
        pair = *previous;
    }
    bytes.reverse();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A DFA whose anchored run ends in a match exactly for the strings `pattern` matches somewhere.
fn language(pattern: &str) -> Result<dense::DFA<Vec<u32>>, String> {
    let rust = to_rust_syntax(pattern)?;
    let wrapped = format!("(?s:.)*(?:{rust})(?s:.)*");
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .match_kind(MatchKind::All)
                .start_kind(StartKind::Anchored)
                .dfa_size_limit(Some(DFA_BYTES))
                .determinize_size_limit(Some(DFA_BYTES)),
        )
        .build(&wrapped)
        .map_err(|e| format!("`{pattern}` cannot be compiled to an automaton: {e}"))
}

/// ECMAScript's `\s`: white space and line terminators, as a Rust class body.
const ECMA_SPACE: &str = r"\t\n\x0B\x0C\r \u{A0}\u{1680}\u{2000}-\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}";

/// `pattern` (ECMAScript) rewritten in Rust regex syntax with the same meaning, or why not.
fn to_rust_syntax(pattern: &str) -> Result<String, String> {
    let tree = ast::parse::Parser::new().parse(pattern).map_err(|e| {
        format!(
            "`{pattern}` is outside the syntax compared here: {}",
            e.kind()
        )
    })?;
    let mut edits = Vec::new();
    rewrite(&tree, pattern, &mut edits).map_err(|construct| {
        format!("`{pattern}` uses {construct}, read differently by ECMAScript and Rust")
    })?;
    edits.sort_by_key(|(span, _)| span.start.offset);
    let mut out = String::new();
    let mut at = 0;
    for (span, replacement) in edits {
        out.push_str(&pattern[at..span.start.offset]);
        out.push_str(&replacement);
        at = span.end.offset;
    }
    out.push_str(&pattern[at..]);
    Ok(out)
}

/// The Rust class for ECMAScript's `\d`, `\w`, `\s` (or their negations).
fn perl_class(class: &ast::ClassPerl) -> String {
    let body = match class.kind {
        ast::ClassPerlKind::Digit => "0-9",
        ast::ClassPerlKind::Word => "0-9A-Za-z_",
        ast::ClassPerlKind::Space => ECMA_SPACE,
    };
    let negation = if class.negated { "^" } else { "" };
    format!("[{negation}{body}]")
}

/// Collects the span rewrites `node` needs, or names the first construct that cannot be kept.
fn rewrite(node: &Ast, pattern: &str, edits: &mut Vec<(ast::Span, String)>) -> Result<(), String> {
    match node {
        Ast::Empty(_) => Ok(()),
        Ast::Flags(_) => Err("inline flags".into()),
        Ast::Literal(literal) => check_literal(literal),
        Ast::Dot(span) => {
            edits.push((**span, r"[^\n\r\u{2028}\u{2029}]".into()));
            Ok(())
        }
        Ast::Assertion(assertion) => match assertion.kind {
            ast::AssertionKind::StartLine | ast::AssertionKind::EndLine => Ok(()),
            _ => Err("an assertion other than `^` or `$`".into()),
        },
        Ast::ClassUnicode(_) => Err("a Unicode property class".into()),
        Ast::ClassPerl(class) => {
            edits.push((class.span, perl_class(class)));
            Ok(())
        }
        Ast::ClassBracketed(class) => rewrite_class_set(&class.kind, true, edits),
        Ast::Repetition(repetition) => {
            if pattern[repetition.op.span.start.offset..].starts_with("{,") {
                return Err("`{,n}`".into());
            }
            rewrite(&repetition.ast, pattern, edits)
        }
        Ast::Group(group) => {
            if group.flags().is_some_and(|flags| !flags.items.is_empty()) {
                return Err("inline flags".into());
            }
            rewrite(&group.ast, pattern, edits)
        }
        Ast::Alternation(alternation) => alternation
            .asts
            .iter()
            .try_for_each(|a| rewrite(a, pattern, edits)),
        Ast::Concat(concat) => concat
            .asts
            .iter()
            .try_for_each(|a| rewrite(a, pattern, edits)),
    }
}

/// Escapes whose meaning differs: `\a` and `\ ` (a letter and a space in ECMAScript), `\U…` and
/// `\x{…}`/`\u{…}` (not escapes without ECMAScript's `u` flag), octal.
fn check_literal(literal: &ast::Literal) -> Result<(), String> {
    match &literal.kind {
        ast::LiteralKind::Verbatim
        | ast::LiteralKind::Meta
        | ast::LiteralKind::Superfluous
        | ast::LiteralKind::HexFixed(ast::HexLiteralKind::X | ast::HexLiteralKind::UnicodeShort) => {
            Ok(())
        }
        ast::LiteralKind::Special(kind) => match kind {
            ast::SpecialLiteralKind::Bell | ast::SpecialLiteralKind::Space => {
                Err("an escape ECMAScript reads as a plain character".into())
            }
            _ => Ok(()),
        },
        _ => Err("a braced, long or octal escape".into()),
    }
}

/// The rewrites inside a bracketed class; `first` is whether `set` opens the class (where a
/// verbatim `]` means an empty class in ECMAScript, a literal `]` in Rust).
fn rewrite_class_set(
    set: &ClassSet,
    first: bool,
    edits: &mut Vec<(ast::Span, String)>,
) -> Result<(), String> {
    let ClassSet::Item(item) = set else {
        return Err("a class set operation".into());
    };
    let items: Vec<&ClassSetItem> = match item {
        ClassSetItem::Union(union) => union.items.iter().collect(),
        single => vec![single],
    };
    for (index, item) in items.into_iter().enumerate() {
        match item {
            ClassSetItem::Empty(_) => {}
            ClassSetItem::Literal(literal) => {
                if first
                    && index == 0
                    && literal.c == ']'
                    && literal.kind == ast::LiteralKind::Verbatim
                {
                    return Err("`]` first in a class".into());
                }
                check_literal(literal)?;
            }
            ClassSetItem::Range(range) => {
                check_literal(&range.start)?;
                check_literal(&range.end)?;
            }
            ClassSetItem::Perl(class) => edits.push((class.span, perl_class(class))),
            ClassSetItem::Ascii(_) => return Err("a POSIX class".into()),
            ClassSetItem::Unicode(_) => return Err("a Unicode property class".into()),
            ClassSetItem::Bracketed(_) => return Err("a nested class".into()),
            ClassSetItem::Union(union) => {
                for inner in &union.items {
                    rewrite_class_set(&ClassSet::Item(inner.clone()), false, edits)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(outer: &str, inner: &str) -> Containment {
        contains(outer, inner)
    }

    #[test]
    fn a_wider_class_contains_a_narrower_one() {
        assert_eq!(
            verdict("^[A-Za-z]{2}$", "^[A-Z]{2}$"),
            Containment::Contained
        );
        assert_eq!(
            verdict("^[A-Z]{2}$", "^[A-Za-z]{2}$"),
            Containment::Witness("Aa".into())
        );
    }

    #[test]
    fn unanchored_patterns_match_substrings() {
        // `[0-9]` anywhere accepts every string that has `^[0-9]+$`'s shape, not the reverse.
        assert_eq!(verdict("[0-9]", "^[0-9]+$"), Containment::Contained);
        assert_eq!(
            verdict("^[0-9]+$", "[0-9]"),
            Containment::Witness("\u{0}0".into())
        );
    }

    #[test]
    fn ecmascript_classes_keep_their_meaning() {
        // ECMAScript `\d` is ASCII: Arabic-Indic digits never matched it.
        assert_eq!(verdict("^[0-9]+$", r"^\d+$"), Containment::Contained);
        // ECMAScript `.` does not match `\r`, so `.` is within `[^\n\r]`.
        assert_eq!(verdict(r"^[^\n\r]*$", "^.*$"), Containment::Contained);
    }

    #[test]
    fn constructs_read_differently_are_not_decided() {
        for pattern in [
            r"\bword",
            r"^\p{L}+$",
            "(?i)^a$",
            r"[[a]]",
            "^a{,3}$",
            r"\u{41}",
        ] {
            assert!(
                matches!(verdict(pattern, "^a$"), Containment::Unknown(_)),
                "{pattern}"
            );
        }
        assert!(matches!(verdict("^(?=a)", "^a$"), Containment::Unknown(_)));
    }
}
