//! String `pattern`s checked without a regular-expression engine at run time.
//!
//! typify checks every `pattern` of a spec with a `regress::Regex` compiled on first use and run
//! on every value: about a thousand instructions for a two-letter country code, several thousand
//! for a name against Bitpanda's class of cased letters. Most patterns of the specs are an
//! anchored run of characters and character classes, each repeated a number of times
//! (`^[A-Z]{2}$`, `^\+[1-9][0-9]{1,14}$`, `^[^<>]*$`). [`compile`] turns such a pattern into
//! the atoms of a `client_support::pattern::Pattern`, and [`apply`] rewrites each generated
//! `FromStr` whose pattern compiles to use that static matcher instead of the `regress` one. The
//! type, its error message ("doesn't match pattern …") and everything else typify wrote stay as
//! they are; a pattern that does not compile keeps `regress`.
//!
//! The matcher is greedy and never backtracks, so [`compile`] accepts a pattern only when that
//! gives the regular expression's answer: after each atom whose count may vary, no character of
//! its class may start what can follow it. The tests run both engines side by side on every
//! pattern of the specs.

use proc_macro2::{Literal, TokenStream, TokenTree};
use quote::quote;
use syn::{Expr, Item, Stmt};

/// The name typify gives the pattern's static in each `FromStr`.
const PATTERN_STATIC: &str = "PATTERN";

/// One compiled atom: a class of characters (`ranges`, sorted and merged, or everything outside
/// them when `negated`), repeated `min` to `max` times (`None`: no upper bound).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    /// Every character outside `ranges` is in the class, none inside.
    pub negated: bool,
    /// Inclusive ranges, sorted by start, neither overlapping nor touching.
    pub ranges: Vec<(char, char)>,
    /// The fewest repetitions.
    pub min: u32,
    /// The most repetitions, `None` for no upper bound.
    pub max: Option<u32>,
}

/// A pattern the static matcher decides exactly as the regular expression does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compiled {
    /// The atoms the whole value must be, in order.
    pub atoms: Vec<Atom>,
}

/// The atoms of `pattern` (an ECMAScript regular expression, compiled as typify compiles it:
/// without flags), or `None` when it is not of the form the static matcher decides exactly.
///
/// Accepted: `^`, then characters (literal, `\uXXXX`, an escaped syntax character, `\d`) and
/// classes (`[…]`, `[^…]`, with ranges), each optionally followed by `*`, `+`, `?`, `{n}`,
/// `{n,}` or `{n,m}`, then `$`; and after any atom whose count may vary, no character of its
/// class may also start an atom that can follow it.
pub fn compile(pattern: &str) -> Option<Compiled> {
    let body = pattern.strip_prefix('^')?.strip_suffix('$')?;
    let mut parser = Parser {
        chars: body.chars().collect(),
        at: 0,
    };
    let mut atoms = Vec::new();
    while !parser.done() {
        let (negated, ranges) = parser.atom()?;
        let (min, max) = parser.quantifier()?;
        atoms.push(Atom {
            negated,
            ranges: merged(ranges),
            min,
            max,
        });
    }
    greedy_is_exact(&atoms).then_some(Compiled { atoms })
}

/// A cursor over the body of a pattern (between `^` and `$`).
struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn done(&self) -> bool {
        self.at == self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    /// One character or class: `(negated, ranges)`.
    fn atom(&mut self) -> Option<(bool, Vec<(char, char)>)> {
        match self.next()? {
            '[' => self.class(),
            '\\' => self.escape(),
            '^' | '$' | '.' | '|' | '?' | '*' | '+' | '(' | ')' | ']' | '{' | '}' => None,
            c => Some((false, vec![(c, c)])),
        }
    }

    /// The rest of `[…]` after the `[`.
    fn class(&mut self) -> Option<(bool, Vec<(char, char)>)> {
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut ranges = Vec::new();
        loop {
            let low = match self.next()? {
                ']' if !ranges.is_empty() => return Some((negated, ranges)),
                ']' | '[' => return None,
                '\\' => self.class_escape()?,
                c => c,
            };
            // `a-z` is a range, unless the `-` closes the class (`[ -]` holds a hyphen).
            if self.peek() == Some('-') && self.chars.get(self.at + 1) != Some(&']') {
                self.at += 1;
                let high = match self.next()? {
                    '\\' => self.class_escape()?,
                    '[' | ']' => return None,
                    c => c,
                };
                if high < low {
                    return None;
                }
                ranges.push((low, high));
            } else {
                ranges.push((low, low));
            }
        }
    }

    /// An escape outside a class, after the `\`.
    fn escape(&mut self) -> Option<(bool, Vec<(char, char)>)> {
        if self.peek() == Some('d') {
            self.at += 1;
            return Some((false, vec![('0', '9')]));
        }
        let c = self.class_escape()?;
        Some((false, vec![(c, c)]))
    }

    /// An escape that stands for one character, after the `\`: `\uXXXX` or an escaped syntax
    /// character.
    fn class_escape(&mut self) -> Option<char> {
        match self.next()? {
            'u' => {
                let hex: String = (0..4).map(|_| self.next()).collect::<Option<_>>()?;
                if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                    return None;
                }
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)
            }
            c @ ('\\' | '/' | '-' | '^' | '$' | '.' | '|' | '?' | '*' | '+' | '(' | ')' | '['
            | ']' | '{' | '}') => Some(c),
            _ => None,
        }
    }

    /// The quantifier after an atom, `(1, Some(1))` when there is none.
    fn quantifier(&mut self) -> Option<(u32, Option<u32>)> {
        let bounds = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                let close = self.chars[self.at..].iter().position(|&c| c == '}')?;
                let inside: String = self.chars[self.at + 1..self.at + close].iter().collect();
                self.at += close;
                let number = |text: &str| -> Option<u32> {
                    (!text.is_empty() && text.chars().all(|c| c.is_ascii_digit()))
                        .then(|| text.parse().ok())?
                };
                match inside.split_once(',') {
                    None => {
                        let n = number(&inside)?;
                        (n, Some(n))
                    }
                    Some((low, "")) => (number(low)?, None),
                    Some((low, high)) => {
                        let (low, high) = (number(low)?, number(high)?);
                        if high < low {
                            return None;
                        }
                        (low, Some(high))
                    }
                }
            }
            _ => return Some((1, Some(1))),
        };
        self.at += 1;
        // A lazy quantifier (`+?`) or a second one is not of the accepted form.
        if matches!(self.peek(), Some('?' | '*' | '+' | '{')) {
            return None;
        }
        Some(bounds)
    }
}

/// `ranges` sorted, with overlapping and touching ranges joined.
fn merged(mut ranges: Vec<(char, char)>) -> Vec<(char, char)> {
    ranges.sort_unstable();
    let mut out: Vec<(char, char)> = Vec::with_capacity(ranges.len());
    for (low, high) in ranges {
        match out.last_mut() {
            Some(last) if u32::from(low) <= u32::from(last.1).saturating_add(1) => {
                last.1 = last.1.max(high);
            }
            _ => out.push((low, high)),
        }
    }
    out
}

/// Whether matching `atoms` greedily, without backtracking, gives the regular expression's
/// answer: after each atom whose count may vary, every atom that can come next (the following
/// ones up to and including the first that must appear) shares no character with it.
fn greedy_is_exact(atoms: &[Atom]) -> bool {
    atoms.iter().enumerate().all(|(index, atom)| {
        if atom.max == Some(atom.min) {
            return true;
        }
        for next in &atoms[index + 1..] {
            if may_share(atom, next) {
                return false;
            }
            if next.min > 0 {
                break;
            }
        }
        true
    })
}

/// Whether some character may be in both classes (`true` when unsure).
fn may_share(a: &Atom, b: &Atom) -> bool {
    match (a.negated, b.negated) {
        (false, false) => a.ranges.iter().any(|&(low, high)| {
            b.ranges
                .iter()
                .any(|&(other_low, other_high)| low <= other_high && other_low <= high)
        }),
        (false, true) => !covered(&a.ranges, &b.ranges),
        (true, false) => !covered(&b.ranges, &a.ranges),
        (true, true) => true,
    }
}

/// Whether every range of `inner` lies inside one range of `outer` (both merged).
fn covered(inner: &[(char, char)], outer: &[(char, char)]) -> bool {
    inner.iter().all(|&(low, high)| {
        outer
            .iter()
            .any(|&(outer_low, outer_high)| outer_low <= low && high <= outer_high)
    })
}

impl Compiled {
    /// The `client_support::pattern::Pattern` expression of these atoms, for a `static`.
    pub fn to_tokens(&self) -> TokenStream {
        let atoms = self.atoms.iter().map(|atom| {
            let negated = atom.negated;
            let ranges = atom.ranges.iter().map(|&(low, high)| {
                let (low, high) = (char_literal(low), char_literal(high));
                quote!((#low, #high))
            });
            let min = Literal::u32_unsuffixed(atom.min);
            let max = match atom.max {
                Some(max) => {
                    let max = Literal::u32_unsuffixed(max);
                    quote!(#max)
                }
                None => quote!(u32::MAX),
            };
            quote!(::client_support::pattern::Atom::new(#negated, &[#(#ranges),*], #min, #max))
        });
        quote!(::client_support::pattern::Pattern::new(&[#(#atoms),*]))
    }
}

/// `c` as a Rust character literal: printable ASCII as itself, anything else as `'\u{…}'`, so
/// that combining marks and look-alike letters read unambiguously in the generated file.
fn char_literal(c: char) -> Literal {
    if c.is_ascii_graphic() || c == ' ' {
        Literal::character(c)
    } else {
        format!("'\\u{{{:x}}}'", u32::from(c))
            .parse()
            .unwrap_or_else(|_| Literal::character(c))
    }
}

/// Rewrites, in every generated `FromStr`, a `regress` pattern that [`compile`] accepts into the
/// static matcher: the `static PATTERN` becomes a `client_support::pattern::Pattern` and
/// `if PATTERN.find(value).is_none()` becomes `if !PATTERN.is_match(value)`. Returns how many
/// patterns were rewritten; any other shape of code is left as it is.
pub fn apply(file: &mut syn::File) -> usize {
    let mut rewritten = 0;
    crate::bodies::each_function_body(file, |block| rewritten += usize::from(rewrite_block(block)));
    rewritten
}

/// [`apply`] on one function body: whether its pattern was rewritten.
fn rewrite_block(block: &mut syn::Block) -> bool {
    let Some((static_at, compiled)) =
        block
            .stmts
            .iter()
            .enumerate()
            .find_map(|(at, stmt)| match stmt {
                Stmt::Item(Item::Static(item)) if item.ident == PATTERN_STATIC => {
                    Some((at, compile(&regress_source(&item.expr)?)?))
                }
                _ => None,
            })
    else {
        return false;
    };
    let Some(condition) = block.stmts.iter_mut().find_map(|stmt| match stmt {
        Stmt::Expr(Expr::If(test), _) if is_pattern_miss(&test.cond) => Some(&mut test.cond),
        _ => None,
    }) else {
        return false;
    };
    let Expr::MethodCall(is_none) = &**condition else {
        return false;
    };
    let Expr::MethodCall(find) = &*is_none.receiver else {
        return false;
    };
    let args = find.args.clone();
    **condition = syn::parse_quote!(!PATTERN.is_match(#args));
    let Stmt::Item(Item::Static(item)) = &mut block.stmts[static_at] else {
        return false;
    };
    *item.ty = syn::parse_quote!(::client_support::pattern::Pattern<'static>);
    let matcher = compiled.to_tokens();
    *item.expr = syn::parse_quote!(#matcher);
    true
}

/// Whether `condition` is `PATTERN.find(…).is_none()`.
fn is_pattern_miss(condition: &Expr) -> bool {
    let Expr::MethodCall(is_none) = condition else {
        return false;
    };
    let Expr::MethodCall(find) = &*is_none.receiver else {
        return false;
    };
    let Expr::Path(receiver) = &*find.receiver else {
        return false;
    };
    is_none.method == "is_none" && find.method == "find" && receiver.path.is_ident(PATTERN_STATIC)
}

/// The string literal given to `regress::Regex::new` in a pattern static's initialiser.
fn regress_source(expr: &Expr) -> Option<String> {
    fn search(tokens: TokenStream) -> Option<String> {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        for (at, token) in tokens.iter().enumerate() {
            if let TokenTree::Ident(ident) = token
                && ident == "regress"
            {
                let path: String = tokens[at..]
                    .iter()
                    .take(7)
                    .map(ToString::to_string)
                    .collect();
                if let Some(TokenTree::Group(arguments)) = tokens.get(at + 7)
                    && path == "regress::Regex::new"
                {
                    return syn::parse2::<syn::LitStr>(arguments.stream())
                        .ok()
                        .map(|source| source.value());
                }
            }
            if let TokenTree::Group(group) = token
                && let Some(found) = search(group.stream())
            {
                return Some(found);
            }
        }
        None
    }
    search(quote!(#expr))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(negated: bool, ranges: &[(char, char)], min: u32, max: Option<u32>) -> Atom {
        Atom {
            negated,
            ranges: ranges.to_vec(),
            min,
            max,
        }
    }

    #[test]
    fn anchored_runs_of_classes_compile() {
        assert_eq!(
            compile("^[A-Z]{2}$"),
            Some(Compiled {
                atoms: vec![atom(false, &[('A', 'Z')], 2, Some(2))]
            })
        );
        assert_eq!(
            compile(r"^\+[1-9][0-9]{1,14}$").map(|c| c.atoms),
            Some(vec![
                atom(false, &[('+', '+')], 1, Some(1)),
                atom(false, &[('1', '9')], 1, Some(1)),
                atom(false, &[('0', '9')], 1, Some(14)),
            ])
        );
        assert_eq!(
            compile("^[^<>]*$").map(|c| c.atoms),
            Some(vec![atom(true, &[('<', '<'), ('>', '>')], 0, None)])
        );
        assert_eq!(
            compile(r"^[A-Za-z\u00B5'., -]+$").map(|c| c.atoms),
            Some(vec![atom(
                false,
                &[
                    (' ', ' '),
                    ('\'', '\''),
                    (',', '.'),
                    ('A', 'Z'),
                    ('a', 'z'),
                    ('µ', 'µ')
                ],
                1,
                None
            )])
        );
        assert!(compile("^ER[0-9]{3}$").is_some());
        assert!(compile(r"^\d{4}-\d{2}$").is_some());
    }

    #[test]
    fn other_forms_are_left_to_regress() {
        for pattern in [
            "[A-Z]{2}",       // not anchored
            "^[A-Z]{2}",      // no `$`
            "^(ab)+$",        // a group
            "^a|b$",          // alternation
            "^.+$",           // any character
            r"^\w+$",         // a class escape other than \d
            "^[a-z]+?$",      // lazy
            "^[a-z]{3,1}$",   // bounds the wrong way round
            "^[z-a]$",        // a range the wrong way round
            r"^\uD800$",      // a surrogate
            "^[0-9]*[0-9]$",  // greedy would take the last digit
            "^[a-z]+[^0-9]$", // ... and the last letter
            "^[^a]*[^b]$",    // two negated classes always share
            "^a{2$",          // a brace that is no quantifier
        ] {
            assert_eq!(compile(pattern), None, "{pattern}");
        }
    }

    #[test]
    fn optional_atoms_are_looked_through() {
        // After `[a-z]+`, the next atom may be the optional digit or the required `!`.
        assert!(compile("^[a-z]+[0-9]?!$").is_some());
        assert_eq!(compile("^[a-z]+[0-9]?[x]$"), None);
    }

    #[test]
    fn ranges_are_merged() {
        assert_eq!(
            merged(vec![('d', 'f'), ('a', 'c'), ('e', 'h'), ('x', 'x')]),
            vec![('a', 'h'), ('x', 'x')]
        );
    }

    #[test]
    fn a_generated_from_str_is_rewritten_and_others_are_not() {
        let mut file: syn::File = syn::parse_quote! {
            impl ::std::str::FromStr for Code {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    static PATTERN: ::std::sync::LazyLock<::regress::Regex> = ::std::sync::LazyLock::new(|| {
                        ::regress::Regex::new("^[A-Z]{2}$").unwrap()
                    });
                    if PATTERN.find(value).is_none() {
                        return Err("doesn't match pattern \"^[A-Z]{2}$\"".into());
                    }
                    Ok(Self(value.to_string()))
                }
            }
            impl ::std::str::FromStr for Word {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    static PATTERN: ::std::sync::LazyLock<::regress::Regex> = ::std::sync::LazyLock::new(|| {
                        ::regress::Regex::new("^(ab)+$").unwrap()
                    });
                    if PATTERN.find(value).is_none() {
                        return Err("doesn't match pattern \"^(ab)+$\"".into());
                    }
                    Ok(Self(value.to_string()))
                }
            }
        };
        assert_eq!(apply(&mut file), 1);
        let text = prettyplease::unparse(&file);
        assert!(
            text.contains("static PATTERN: ::client_support::pattern::Pattern<'static>"),
            "{text}"
        );
        assert!(text.contains("if !PATTERN.is_match(value)"), "{text}");
        assert!(
            text.contains("doesn't match pattern \\\"^[A-Z]{2}$\\\""),
            "{text}"
        );
        assert_eq!(text.matches("::regress::Regex::new").count(), 1, "{text}");
        assert!(
            text.contains(r#"::regress::Regex::new("^(ab)+$")"#),
            "{text}"
        );
    }
}
