//! Length checks that count characters only when the byte length cannot decide.
//!
//! typify checks `maxLength` and `minLength` with `value.chars().count()`, once per bound: two
//! passes over every name, on every value. A UTF-8 string has at most as many characters as
//! bytes and at least a quarter as many, so the byte length, known at once, settles most values:
//! [`apply`] puts it in front of each count (`value.len() > N && value.chars().count() > N`,
//! and `value.len() < 4 * N && value.chars().count() < N`). The answers are unchanged.

use syn::{BinOp, Expr, Stmt};

/// Rewrites every `if value.chars().count() > N` and `< N` in the generated function bodies of
/// `file`; returns how many conditions were rewritten.
pub fn apply(file: &mut syn::File) -> usize {
    let mut rewritten = 0;
    crate::bodies::each_function_body(file, |block| {
        for stmt in &mut block.stmts {
            if let Stmt::Expr(Expr::If(test), _) = stmt
                && let Some(condition) = with_byte_length_first(&test.cond)
            {
                *test.cond = condition;
                rewritten += 1;
            }
        }
    });
    rewritten
}

/// `condition` with the byte-length test in front, when it is `X.chars().count() > N` or `< N`
/// for a literal `N`.
fn with_byte_length_first(condition: &Expr) -> Option<Expr> {
    let Expr::Binary(compare) = condition else {
        return None;
    };
    let Expr::MethodCall(count) = &*compare.left else {
        return None;
    };
    let Expr::MethodCall(chars) = &*count.receiver else {
        return None;
    };
    if count.method != "count" || chars.method != "chars" || !count.args.is_empty() {
        return None;
    }
    let Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(bound),
        ..
    }) = &*compare.right
    else {
        return None;
    };
    let value = &chars.receiver;
    let bound_value: u64 = bound.base10_parse().ok()?;
    match compare.op {
        BinOp::Gt(_) => Some(syn::parse_quote!(#value.len() > #bound && #condition)),
        BinOp::Lt(_) => {
            let bytes = syn::LitInt::new(
                &format!("{}usize", bound_value.checked_mul(4)?),
                bound.span(),
            );
            Some(syn::parse_quote!(#value.len() < #bytes && #condition))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(source: &str) -> String {
        let mut file: syn::File = syn::parse_str(source).expect("parses");
        apply(&mut file);
        prettyplease::unparse(&file)
    }

    #[test]
    fn both_bounds_get_the_byte_length_in_front() {
        let text = rewritten(
            "impl S { fn f(value: &str) { \
               if value.chars().count() > 100usize { return; } \
               if value.chars().count() < 2usize { return; } } }",
        );
        assert!(
            text.contains("if value.len() > 100usize && value.chars().count() > 100usize"),
            "{text}"
        );
        assert!(
            text.contains("if value.len() < 8usize && value.chars().count() < 2usize"),
            "{text}"
        );
    }

    #[test]
    fn other_conditions_are_left_alone() {
        let source = "impl S { fn f(value: &str) { if value.len() > 3usize { return; } \
                      if value.chars().count() == 2usize { return; } } }";
        let mut file: syn::File = syn::parse_str(source).expect("parses");
        assert_eq!(apply(&mut file), 0);
    }

    /// The rule the rewrite relies on, on strings of one- to four-byte characters.
    #[test]
    fn the_byte_length_bounds_the_character_count() {
        for value in ["", "a", "é", "Ελένη", "中文", "😀😀", "a😀é中"] {
            let (bytes, chars) = (value.len(), value.chars().count());
            assert!(chars <= bytes && bytes <= 4 * chars, "{value}");
        }
    }
}
