//! Checked strings that keep the `String` they are given instead of copying it.
//!
//! For a string with constraints (a `pattern`, a length) typify writes the checks once, in
//! `FromStr`, which ends with `Ok(Self(value.to_string()))`; `TryFrom<String>` and `Deserialize`
//! call it through `parse()`. So a `String` handed over is checked, copied into a new allocation,
//! and dropped: one allocation and one free more than needed per checked value, for every
//! request the facade builds and every answer the clients decode.
//!
//! [`apply`] moves the checks into `TryFrom<String>`, which then keeps its `String`
//! (`Ok(Self(value))`); `FromStr` becomes `Self::try_from(value.to_owned())` (still one copy, as
//! before), and `Deserialize` hands the `String` it has read to `TryFrom<String>` directly. The
//! checks, their order and their error messages are unchanged; a type whose code has any other
//! shape is left as it is.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;

use syn::{Block, Expr, ImplItem, ItemImpl, Stmt};

/// Rewrites every checked string type of `file` as the module documentation says; returns how
/// many types were rewritten.
pub fn apply(file: &mut syn::File) -> usize {
    // First the types whose three impls all have typify's shape, so that no `FromStr` is made
    // to call a `TryFrom<String>` that still calls it back.
    let mut checks = BTreeMap::new();
    let mut parses_string = BTreeSet::new();
    crate::bodies::each_impl(file, |block| {
        let Some(name) = self_type_name(block) else {
            return;
        };
        let from_str = implements(block, "FromStr");
        let try_from_string = is_try_from_string(block);
        let Some(body) = only_function_body(block) else {
            return;
        };
        if from_str && let Some(stmts) = checks_before_copy(body) {
            checks.insert(name, stmts);
        } else if try_from_string && is_parse_of_value(body) {
            parses_string.insert(name);
        }
    });
    checks.retain(|name, _| parses_string.contains(name));
    crate::bodies::each_impl(file, |block| {
        let Some(name) = self_type_name(block) else {
            return;
        };
        let Some(stmts) = checks.get(&name) else {
            return;
        };
        let (from_str, try_from_string) = (implements(block, "FromStr"), is_try_from_string(block));
        let deserialize = implements(block, "Deserialize");
        let Some(body) = only_function_body(block) else {
            return;
        };
        if try_from_string {
            *body = syn::parse_quote!({
                {
                    let value: &str = &value;
                    #(#stmts)*
                }
                Ok(Self(value))
            });
        } else if from_str {
            *body = syn::parse_quote!({
                <Self as ::std::convert::TryFrom<::std::string::String>>::try_from(value.to_owned())
            });
        } else if deserialize {
            deserialize_without_copy(body);
        }
    });
    checks.len()
}

/// The last segment of the implementing type's path (`BitpandaPhone`).
fn self_type_name(block: &ItemImpl) -> Option<String> {
    let syn::Type::Path(path) = &*block.self_ty else {
        return None;
    };
    Some(path.path.segments.last()?.ident.to_string())
}

/// Whether `block` implements a trait whose path ends in `trait_name`.
fn implements(block: &ItemImpl, trait_name: &str) -> bool {
    block
        .trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .is_some_and(|last| last.ident == trait_name)
}

/// Whether `block` is `impl TryFrom<String> for …` (the standard library's `String`).
fn is_try_from_string(block: &ItemImpl) -> bool {
    let Some((path, _)) = &block.trait_ else {
        return false;
    };
    let Some(last) = path.segments.last() else {
        return false;
    };
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return false;
    };
    last.ident == "TryFrom"
        && arguments
            .args
            .iter()
            .any(|a| a.to_token_stream().to_string().replace(' ', "") == "::std::string::String")
}

/// The body of the block's one function.
fn only_function_body(block: &mut ItemImpl) -> Option<&mut Block> {
    let mut functions = block.items.iter_mut().filter_map(|item| match item {
        ImplItem::Fn(function) => Some(function),
        _ => None,
    });
    let function = functions.next()?;
    functions.next().is_none().then_some(&mut function.block)
}

/// The statements before a final `Ok(Self(value.to_string()))`, when the body ends so.
fn checks_before_copy(body: &Block) -> Option<Vec<Stmt>> {
    let (last, checks) = body.stmts.split_last()?;
    matches!(last, Stmt::Expr(expr, None) if same(expr, "Ok(Self(value.to_string()))"))
        .then(|| checks.to_vec())
}

/// Whether the body is exactly `value.parse()`.
fn is_parse_of_value(body: &Block) -> bool {
    matches!(body.stmts.as_slice(), [Stmt::Expr(expr, None)] if same(expr, "value.parse()"))
}

/// Whether `expr` is the expression `source` (compared as tokens).
fn same(expr: &Expr, source: &str) -> bool {
    source
        .parse::<proc_macro2::TokenStream>()
        .is_ok_and(|expected| expr.to_token_stream().to_string() == expected.to_string())
}

/// In typify's `Deserialize` of a checked string, `String::deserialize(deserializer)?.parse()`
/// becomes `Self::try_from(String::deserialize(deserializer)?)`.
fn deserialize_without_copy(body: &mut Block) {
    let [Stmt::Expr(Expr::MethodCall(map_err), None)] = body.stmts.as_mut_slice() else {
        return;
    };
    let Expr::MethodCall(parse) = &*map_err.receiver else {
        return;
    };
    if map_err.method != "map_err"
        || parse.method != "parse"
        || !same(
            &parse.receiver,
            "::std::string::String::deserialize(deserializer)?",
        )
    {
        return;
    }
    let read = &parse.receiver;
    *map_err.receiver = syn::parse_quote!(
        <Self as ::std::convert::TryFrom<::std::string::String>>::try_from(#read)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHECKED: &str = r#"
        pub mod types {
            pub struct Code(::std::string::String);
            impl ::std::str::FromStr for Code {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    if value.len() > 2usize { return Err("longer than 2 characters".into()); }
                    Ok(Self(value.to_string()))
                }
            }
            impl ::std::convert::TryFrom<&str> for Code {
                type Error = self::error::ConversionError;
                fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    value.parse()
                }
            }
            impl ::std::convert::TryFrom<::std::string::String> for Code {
                type Error = self::error::ConversionError;
                fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, self::error::ConversionError> {
                    value.parse()
                }
            }
            impl<'de> ::serde::Deserialize<'de> for Code {
                fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                where D: ::serde::Deserializer<'de>,
                {
                    ::std::string::String::deserialize(deserializer)?
                        .parse()
                        .map_err(|e: self::error::ConversionError| {
                            <D::Error as ::serde::de::Error>::custom(e.to_string())
                        })
                }
            }
        }
    "#;

    fn rewritten(source: &str) -> (usize, String) {
        let mut file: syn::File = syn::parse_str(source).expect("parses");
        let count = apply(&mut file);
        (count, without_spaces(&file))
    }

    #[test]
    fn the_checks_move_into_try_from_string_which_keeps_its_string() {
        let (count, text) = rewritten(CHECKED);
        assert_eq!(count, 1, "{text}");
        for expected in [
            // `TryFrom<String>` checks the string it is given and keeps it.
            "value:::std::string::String,)->::std::result::Result<Self,self::error::ConversionError>{{letvalue:&str=&value;ifvalue.len()>2usize{returnErr(\"longerthan2characters\".into());}}Ok(Self(value))}",
            // `FromStr` copies once and hands over.
            "value:&str,)->::std::result::Result<Self,self::error::ConversionError>{<Selfas::std::convert::TryFrom<::std::string::String,>>::try_from(value.to_owned())}",
            // `Deserialize` hands over the `String` it has read.
            "<Selfas::std::convert::TryFrom<::std::string::String,>>::try_from(::std::string::String::deserialize(deserializer)?).map_err(",
            // `TryFrom<&str>` still parses.
            "fntry_from(value:&str,)->::std::result::Result<Self,self::error::ConversionError>{value.parse()}",
        ] {
            assert!(text.contains(expected), "{expected}\nnot in\n{text}");
        }
        assert!(!text.contains("value.to_string()"), "{text}");
    }

    #[test]
    fn other_shapes_are_left_alone() {
        // A `FromStr` that does not end in a plain copy (an enum's, say) moves nothing; nor does
        // one whose `TryFrom<String>` does not just parse (`FromStr` would then call it and be
        // called back).
        let trimmed = CHECKED.replace(
            "Ok(Self(value.to_string()))",
            "Ok(Self(value.trim().to_string()))",
        );
        let own_try_from = CHECKED.replacen(
            "value.parse()\n                }\n            }\n            impl<'de>",
            "Self::checked(value)\n                }\n            }\n            impl<'de>",
            1,
        );
        assert_ne!(own_try_from, CHECKED);
        for source in [trimmed, own_try_from] {
            let (count, text) = rewritten(&source);
            assert_eq!(count, 0);
            assert_eq!(text, rewritten_untouched(&source));
        }
    }

    fn rewritten_untouched(source: &str) -> String {
        without_spaces(&syn::parse_str(source).expect("parses"))
    }

    /// The file as prettyplease prints it, without any white space.
    fn without_spaces(file: &syn::File) -> String {
        prettyplease::unparse(file).split_whitespace().collect()
    }
}
