//! Generated types that hold an HTTP client or credentials get a `Debug` that prints neither.
//!
//! progenitor derives `Debug` on its `Client` (`baseurl`, a `reqwest::Client` and the
//! hand-written `crate::Credentials`). A `reqwest::Client`'s `Debug` lists its default headers,
//! which a service may have set to an API key, so a logged client would leak it. [`apply`] finds
//! every generated struct with a field whose type names `reqwest::Client`, `ClientBuilder`,
//! `HeaderMap`, `HeaderValue` or `Credentials`, removes its derived `Debug` and writes one that
//! prints the other fields and `***` for the held ones.
//!
//! It fails closed: a file in which no type holds a `reqwest::Client` is an error (every
//! progenitor client has one), so a rename in progenitor's output cannot bring the leak back
//! silently.

use quote::quote;
use syn::{Fields, Item};

use crate::redact::remove_derived_debug;

/// The type names whose `Debug` may print a header value or a secret.
const HOLDER_TYPES: [&str; 5] = [
    "Client",
    "ClientBuilder",
    "HeaderMap",
    "HeaderValue",
    "Credentials",
];

/// Whether `ty` names one of [`HOLDER_TYPES`] anywhere (also inside `Option<…>`, `Arc<…>`, …).
fn holds_secret(ty: &syn::Type) -> bool {
    let text = quote!(#ty).to_string();
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| HOLDER_TYPES.contains(&word))
}

/// The written-out `Debug` of `item`: its other fields, and `***` for the held ones.
fn debug_impl(item: &syn::ItemStruct) -> proc_macro2::TokenStream {
    let ident = &item.ident;
    let name = ident.to_string();
    let (impl_generics, type_generics, where_clause) = item.generics.split_for_impl();
    let shown = item.fields.iter().filter_map(|field| {
        let ident = field.ident.as_ref()?;
        let label = ident.to_string();
        Some(if holds_secret(&field.ty) {
            quote!(.field(#label, &::std::format_args!("***")))
        } else {
            quote!(.field(#label, &self.#ident))
        })
    });
    quote! {
        impl #impl_generics ::std::fmt::Debug for #ident #type_generics #where_clause {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name) #(#shown)* .finish()
            }
        }
    }
}

/// Rewrites the holders among `items` (and in nested modules); returns how many of them hold a
/// `reqwest::Client`.
fn rewrite(items: &mut Vec<Item>) -> usize {
    let mut clients = 0;
    let mut added = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Mod(module) => {
                if let Some((_, nested)) = &mut module.content {
                    clients += rewrite(nested);
                }
            }
            Item::Struct(item) if matches!(item.fields, Fields::Named(_)) => {
                if !item.fields.iter().any(|field| holds_secret(&field.ty)) {
                    continue;
                }
                if item.fields.iter().any(|field| {
                    let ty = &field.ty;
                    quote!(#ty)
                        .to_string()
                        .replace(' ', "")
                        .contains("reqwest::Client")
                }) {
                    clients += 1;
                }
                if remove_derived_debug(&mut item.attrs) {
                    added.push(debug_impl(item));
                }
            }
            _ => {}
        }
    }
    for tokens in added {
        items.push(syn::parse2(tokens).expect("a Debug impl written here parses"));
    }
    clients
}

/// Gives every generated struct of `file` that holds an HTTP client, headers or credentials a
/// `Debug` that prints none of them. Fails when no struct holds a `reqwest::Client`.
pub fn apply(file: &mut syn::File) -> Result<(), String> {
    if rewrite(&mut file.items) == 0 {
        return Err(
            "no generated type holds a reqwest::Client: the client's Debug could not be checked"
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_prints_neither_its_http_client_nor_its_credentials() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(Clone, Debug)]
            pub struct Client {
                pub(crate) baseurl: String,
                pub(crate) client: reqwest::Client,
                pub(crate) inner: crate::Credentials,
            }
            #[derive(Clone, Debug)]
            pub struct Plain {
                pub note: String,
            }
        };
        apply(&mut file).unwrap();
        let text = prettyplease::unparse(&file);
        assert!(
            !text.contains("Clone, Debug)]\npub struct Client"),
            "{text}"
        );
        assert!(
            text.contains("#[derive(Clone, Debug)]\npub struct Plain"),
            "{text}"
        );
        assert!(
            text.contains(".field(\"baseurl\", &self.baseurl)"),
            "{text}"
        );
        assert!(
            !text.contains("&self.client") && !text.contains("&self.inner"),
            "{text}"
        );
        assert!(
            text.contains(".field(\"inner\", &::std::format_args!(\"***\"))"),
            "{text}"
        );
    }

    #[test]
    fn a_file_without_a_client_is_an_error() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(Debug)]
            pub struct Plain { pub note: String }
        };
        assert!(apply(&mut file).is_err());
    }
}
