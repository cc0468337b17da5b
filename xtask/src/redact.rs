//! Generated types that do not leak: a `Debug` that prints `***` for personal fields.
//!
//! progenitor (through typify) derives `Debug` on every type it generates, so a logged request
//! body would print a person's name, e-mail and birth date. [`apply`] works on the generated
//! syntax tree, before prettyplease formats it:
//!
//! 1. Each generated struct (and each enum variant with named fields) is matched to the spec's
//!    object schemas by its set of JSON property names (a field's name is its
//!    `#[serde(rename = "...")]`, or its Rust name). The fields whose property is marked
//!    `x-sensitive: true` in a matching schema are *redacted*.
//! 2. A generated type that a redacted field holds (through `Option`, `Vec`, maps, ...) is
//!    redacted whole: a newtype around a patterned string (`CreateUserRequestFirstName`), or an
//!    object, whose fields are then redacted in turn. An enum of plain values (`DocumentType`)
//!    keeps its `Debug`: its values are public, and the marked field holding it prints `***`.
//! 3. The builder structs typify may generate in a `builder` module are redacted like the type of
//!    the same name.
//! 4. Every redacted type that derives `Debug` loses that derive and gets a written-out
//!    `impl Debug` printing `***` for each redacted field (`Name(***)` for a whole enum).
//!
//! It fails closed: a schema with sensitive properties that no generated type matched is an
//! error, so a change in typify's output cannot silently bring the leak back. Types are visited
//! in file order and sets are ordered, so the output is deterministic.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::{Attribute, Fields, Item, Token};

use crate::sensitive::Shape;

/// The module typify puts builder structs in.
const BUILDER_MODULE: &str = "builder";

/// What to hide in one type's `Debug`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Redaction {
    /// Every field (and, for an enum, the whole value) is hidden.
    whole: bool,
    /// The hidden fields: `field` for a struct, `Variant::field` for an enum variant.
    fields: BTreeSet<String>,
}

/// The JSON name of a field (its `#[serde(rename = "...")]` or its Rust name), or `None` when it
/// is `#[serde(flatten)]`ed and so has no name of its own.
fn json_name(field: &syn::Field) -> Option<String> {
    let mut name = field.ident.as_ref().map(|ident| ident.unraw().to_string());
    let mut flattened = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                name = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.path.is_ident("flatten") {
                flattened = true;
            } else if meta.input.peek(Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    name.filter(|_| !flattened)
}

/// The Rust name of a named field, as `Debug` prints it.
fn rust_name(field: &syn::Field) -> String {
    field
        .ident
        .as_ref()
        .map(|ident| ident.unraw().to_string())
        .unwrap_or_default()
}

/// The named fields whose JSON names are sensitive in a shape with exactly these JSON names; adds
/// the index of every matching shape to `matched`.
fn sensitive_fields<'a>(
    fields: impl Iterator<Item = &'a syn::Field> + Clone,
    shapes: &[Shape],
    matched: &mut BTreeSet<usize>,
) -> BTreeSet<String> {
    let names: BTreeSet<String> = fields.clone().filter_map(json_name).collect();
    let mut sensitive = BTreeSet::new();
    for (index, shape) in shapes.iter().enumerate() {
        if !shape.sensitive.is_empty() && !names.is_empty() && shape.fields == names {
            matched.insert(index);
            sensitive.extend(
                fields
                    .clone()
                    .filter(|f| json_name(f).is_some_and(|n| shape.sensitive.contains(&n)))
                    .map(rust_name),
            );
        }
    }
    sensitive
}

/// The last identifier of every path inside `ty`, generic arguments included
/// (`Option<Vec<Foo>>` → `Option`, `Vec`, `Foo`).
fn named_types(ty: &syn::Type, out: &mut BTreeSet<String>) {
    match ty {
        syn::Type::Path(path) => {
            for segment in &path.path.segments {
                if let syn::PathArguments::AngleBracketed(args) = &segment.arguments {
                    for arg in &args.args {
                        if let syn::GenericArgument::Type(inner) = arg {
                            named_types(inner, out);
                        }
                    }
                }
            }
            if let Some(last) = path.path.segments.last() {
                out.insert(last.ident.to_string());
            }
        }
        syn::Type::Reference(reference) => named_types(&reference.elem, out),
        syn::Type::Array(array) => named_types(&array.elem, out),
        syn::Type::Slice(slice) => named_types(&slice.elem, out),
        syn::Type::Tuple(tuple) => tuple.elems.iter().for_each(|e| named_types(e, out)),
        _ => {}
    }
}

/// Every struct and enum of `items` (recursively through inline modules), with whether it sits in
/// a `builder` module.
fn type_items(items: &[Item], in_builder: bool, out: &mut Vec<(bool, Item)>) {
    for item in items {
        match item {
            Item::Struct(_) | Item::Enum(_) => out.push((in_builder, item.clone())),
            Item::Mod(module) => {
                if let Some((_, inner)) = &module.content {
                    type_items(inner, in_builder || module.ident == BUILDER_MODULE, out);
                }
            }
            _ => {}
        }
    }
}

/// The fields of `fields` keyed `prefix` + name (named fields) or `prefix` + position (tuple).
fn keyed<'a>(prefix: &str, fields: &'a Fields) -> Vec<(String, &'a syn::Field)> {
    fields
        .iter()
        .enumerate()
        .map(|(index, field)| match &field.ident {
            Some(_) => (format!("{prefix}{}", rust_name(field)), field),
            None => (format!("{prefix}{index}"), field),
        })
        .collect()
}

/// The fields of a type item, as (field key, field) pairs: `name` for a struct's named fields,
/// `0`, `1`, ... for a tuple struct's, `Variant::name` / `Variant::0` for an enum's.
fn keyed_fields(item: &Item) -> Vec<(String, &syn::Field)> {
    match item {
        Item::Struct(item) => keyed("", &item.fields),
        Item::Enum(item) => item
            .variants
            .iter()
            .flat_map(|v| keyed(&format!("{}::", v.ident), &v.fields))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `item` is an enum whose variants are all plain values (`enum DocumentType { Passport,
/// IdentityCard }`). Its values are listed in the public spec, so one alone says nothing about a
/// person; where a marked field holds one, that field already prints `***`. Such an enum keeps its
/// derived `Debug` when a redacted field holds it, so the documents a caller deals with stay
/// readable (`IdentityCard`), while a newtype around a string (a name) is redacted.
fn is_value_list(item: &Item) -> bool {
    matches!(item, Item::Enum(item) if item.variants.iter().all(|v| matches!(v.fields, Fields::Unit)))
}

/// The name of a struct or enum item.
fn item_name(item: &Item) -> String {
    match item {
        Item::Struct(item) => item.ident.to_string(),
        Item::Enum(item) => item.ident.to_string(),
        _ => String::new(),
    }
}

/// What to hide in each generated type (outside `builder`), by type name; and the shapes that
/// no type matched.
fn plan(types: &[(bool, Item)], shapes: &[Shape]) -> (BTreeMap<String, Redaction>, Vec<usize>) {
    let mut matched = BTreeSet::new();
    let mut plan: BTreeMap<String, Redaction> = BTreeMap::new();
    let primary: Vec<&Item> = types.iter().filter(|(b, _)| !b).map(|(_, i)| i).collect();
    for item in &primary {
        let fields = match item {
            Item::Struct(item) => sensitive_fields(item.fields.iter(), shapes, &mut matched),
            Item::Enum(item) => item
                .variants
                .iter()
                .flat_map(|variant| {
                    sensitive_fields(variant.fields.iter(), shapes, &mut matched)
                        .into_iter()
                        .map(move |field| format!("{}::{field}", variant.ident))
                })
                .collect(),
            _ => BTreeSet::new(),
        };
        if !fields.is_empty() {
            plan.entry(item_name(item))
                .or_default()
                .fields
                .extend(fields);
        }
    }
    // Types held by a redacted field are redacted whole, until nothing changes; enums of plain
    // values are not (see `is_value_list`).
    let known: BTreeMap<String, &Item> = primary
        .iter()
        .filter(|item| !is_value_list(item))
        .map(|i| (item_name(i), *i))
        .collect();
    loop {
        let mut held = BTreeSet::new();
        for (name, redaction) in &plan {
            // Every planned name is known (a value list has no field to plan); skip any other.
            let Some(item) = known.get(name) else {
                continue;
            };
            for (key, field) in keyed_fields(item) {
                if redaction.whole || redaction.fields.contains(&key) {
                    named_types(&field.ty, &mut held);
                }
            }
        }
        let newly: Vec<(String, &Item)> = held
            .into_iter()
            .filter_map(|name| known.get(&name).map(|item| (name, *item)))
            .filter(|(name, _)| !plan.get(name).is_some_and(|r| r.whole))
            .collect();
        if newly.is_empty() {
            break;
        }
        for (name, item) in newly {
            let redaction = plan.entry(name).or_default();
            redaction.whole = true;
            redaction.fields = keyed_fields(item).into_iter().map(|(k, _)| k).collect();
        }
    }
    let unmatched = (0..shapes.len())
        .filter(|i| !shapes[*i].sensitive.is_empty() && !matched.contains(i))
        .collect();
    (plan, unmatched)
}

/// Removes `Debug` from the `#[derive(...)]` attributes of `attrs` (and a derive left empty);
/// whether there was one.
pub(crate) fn remove_derived_debug(attrs: &mut Vec<Attribute>) -> bool {
    let mut found = false;
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != "Debug"))
            .collect();
        if kept.len() != paths.len() {
            found = true;
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    attrs.retain(|attr| {
        !(attr.path().is_ident("derive")
            && attr
                .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
                .is_ok_and(|paths| paths.is_empty()))
    });
    found
}

/// The value `Debug` shows for the field at `access` (`&self.name`, `name`): itself, or `***`.
fn shown(hidden: bool, access: TokenStream) -> TokenStream {
    if hidden {
        quote!(&::std::format_args!("***"))
    } else {
        access
    }
}

/// The body of `fmt` for `fields` shown as `name`: `hidden(key)` says whether the field with
/// `key` (its Rust name, or its position in a tuple) prints `***`, and `access(position, field)`
/// how the field is reached (`&self.name`, `&self.0`, or a binding in a `match` arm).
fn debug_fields(
    name: &str,
    fields: &Fields,
    hidden: &dyn Fn(&str) -> bool,
    access: &dyn Fn(usize, &syn::Field) -> TokenStream,
) -> TokenStream {
    match fields {
        Fields::Named(named) => {
            let entries = named.named.iter().enumerate().map(|(index, field)| {
                let label = rust_name(field);
                let value = shown(hidden(&label), access(index, field));
                quote!(.field(#label, #value))
            });
            quote!(f.debug_struct(#name) #(#entries)* .finish())
        }
        Fields::Unnamed(unnamed) => {
            let entries = unnamed.unnamed.iter().enumerate().map(|(index, field)| {
                let value = shown(hidden(&index.to_string()), access(index, field));
                quote!(.field(#value))
            });
            quote!(f.debug_tuple(#name) #(#entries)* .finish())
        }
        Fields::Unit => quote!(f.write_str(#name)),
    }
}

/// A binding name for the field at `index` of an enum variant.
fn binding(index: usize) -> syn::Ident {
    quote::format_ident!("field_{index}")
}

/// The `impl Debug` for `item` that hides what `redaction` says.
fn debug_impl(item: &Item, redaction: &Redaction) -> TokenStream {
    let (ident, generics, body) = match item {
        Item::Struct(item) => {
            let hidden = |key: &str| redaction.whole || redaction.fields.contains(key);
            let access = |index: usize, field: &syn::Field| match &field.ident {
                Some(ident) => quote!(&self.#ident),
                None => {
                    let index = syn::Index::from(index);
                    quote!(&self.#index)
                }
            };
            let body = debug_fields(&item.ident.to_string(), &item.fields, &hidden, &access);
            (&item.ident, &item.generics, body)
        }
        Item::Enum(item) if redaction.whole => {
            let label = format!("{}(***)", item.ident);
            (&item.ident, &item.generics, quote!(f.write_str(#label)))
        }
        Item::Enum(item) => {
            let arms = item.variants.iter().map(|variant| {
                let variant_ident = &variant.ident;
                let prefix = format!("{variant_ident}::");
                let hidden = |key: &str| redaction.fields.contains(&format!("{prefix}{key}"));
                let bindings = variant.fields.iter().enumerate().map(|(index, field)| {
                    let key = match &field.ident {
                        Some(_) => rust_name(field),
                        None => index.to_string(),
                    };
                    let bound = if hidden(&key) {
                        quote!(_)
                    } else {
                        let bound = binding(index);
                        quote!(#bound)
                    };
                    match &field.ident {
                        Some(ident) => quote!(#ident: #bound),
                        None => bound,
                    }
                });
                let pattern = match &variant.fields {
                    Fields::Named(_) => quote!(Self::#variant_ident { #(#bindings),* }),
                    Fields::Unnamed(_) => quote!(Self::#variant_ident ( #(#bindings),* )),
                    Fields::Unit => quote!(Self::#variant_ident),
                };
                let access = |index: usize, _: &syn::Field| {
                    let bound = binding(index);
                    quote!(#bound)
                };
                let body = debug_fields(
                    &variant_ident.to_string(),
                    &variant.fields,
                    &hidden,
                    &access,
                );
                quote!(#pattern => #body,)
            });
            (
                &item.ident,
                &item.generics,
                quote!(match self { #(#arms)* }),
            )
        }
        _ => return TokenStream::new(),
    };
    let (impl_generics, type_generics, where_clause) = generics.split_for_impl();
    quote! {
        impl #impl_generics ::std::fmt::Debug for #ident #type_generics #where_clause {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #body
            }
        }
    }
}

/// Rewrites `items` (recursively through inline modules): every type `plan` names, in or out of
/// a `builder` module, loses its derived `Debug` and is followed by a redacting `impl Debug`.
/// Fails, naming the type, if a redacting impl does not parse (a bug here, not in the spec).
fn rewrite(items: &mut Vec<Item>, plan: &BTreeMap<String, Redaction>) -> Result<(), String> {
    let mut index = 0;
    while index < items.len() {
        if let Item::Mod(module) = &mut items[index]
            && let Some((_, inner)) = &mut module.content
        {
            rewrite(inner, plan)?;
        }
        let redaction = plan.get(&item_name(&items[index]));
        let attrs = match &mut items[index] {
            Item::Struct(item) => Some(&mut item.attrs),
            Item::Enum(item) => Some(&mut item.attrs),
            _ => None,
        };
        if let (Some(redaction), Some(attrs)) = (redaction, attrs)
            && remove_derived_debug(attrs)
        {
            let implementation = debug_impl(&items[index], redaction);
            let implementation: Item = syn::parse2(implementation).map_err(|e| {
                format!(
                    "the redacting Debug impl of {} does not parse: {e}",
                    item_name(&items[index])
                )
            })?;
            items.insert(index + 1, implementation);
            index += 1;
        }
        index += 1;
    }
    Ok(())
}

/// Redacts the `Debug` of every generated type in `file` that holds a field marked sensitive in
/// `shapes` (see the module documentation). Fails, naming the schemas, when a schema with
/// sensitive properties matched no generated type.
pub fn apply(file: &mut syn::File, shapes: &[Shape]) -> Result<(), String> {
    let mut types = Vec::new();
    type_items(&file.items, false, &mut types);
    let (plan, unmatched) = plan(&types, shapes);
    if !unmatched.is_empty() {
        let listing: Vec<String> = unmatched
            .iter()
            .map(|i| {
                let names: Vec<&str> = shapes[*i].sensitive.iter().map(String::as_str).collect();
                format!("{} ({})", shapes[*i].at, names.join(", "))
            })
            .collect();
        return Err(format!(
            "x-sensitive properties found no generated type to redact: {}",
            listing.join("; ")
        ));
    }
    rewrite(&mut file.items, &plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(at: &str, fields: &[&str], sensitive: &[&str]) -> Shape {
        Shape {
            at: at.into(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            sensitive: sensitive.iter().map(|f| f.to_string()).collect(),
        }
    }

    /// What typify generates, in small: a struct with renamed and raw-named fields, a newtype
    /// it holds, an enum with a struct variant, a type nobody marked, and a builder module.
    fn generated() -> syn::File {
        syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, Clone, Debug, PartialEq)]
                pub struct Person {
                    #[serde(rename = "firstName")]
                    pub first_name: PersonFirstName,
                    pub country: ::std::string::String,
                    #[serde(rename = "type", skip_serializing_if = "::std::option::Option::is_none")]
                    pub r#type: ::std::option::Option<::std::string::String>,
                    pub document: ::std::option::Option<Document>,
                }
                #[derive(Clone, Debug, PartialEq)]
                pub struct Document {
                    pub kind: DocumentKind,
                    pub number: ::std::string::String,
                }
                #[derive(Clone, Copy, Debug, PartialEq)]
                pub enum DocumentKind {
                    Passport,
                    IdentityCard,
                }
                #[derive(Clone, Debug, PartialEq)]
                pub struct PersonFirstName(::std::string::String);
                #[derive(Clone, Debug)]
                pub enum Contact {
                    Email { address: ::std::string::String, verified: bool },
                    Unknown,
                }
                #[derive(Clone, Debug)]
                pub struct Plain {
                    pub note: ::std::string::String,
                }
                pub mod builder {
                    #[derive(Clone, Debug)]
                    pub struct Person {
                        first_name: ::std::result::Result<super::PersonFirstName, ::std::string::String>,
                        country: ::std::result::Result<::std::string::String, ::std::string::String>,
                        r#type: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                    }
                }
            }
        }
    }

    fn shapes() -> Vec<Shape> {
        vec![
            shape(
                "#/components/schemas/Person",
                &["firstName", "country", "type", "document"],
                &["firstName", "document"],
            ),
            shape("#/components/schemas/Document", &["kind", "number"], &[]),
            shape(
                "#/components/schemas/Contact/oneOf/0",
                &["address", "verified"],
                &["address"],
            ),
            shape("#/components/schemas/Plain", &["note"], &[]),
        ]
    }

    /// The redacted file, formatted, with runs of whitespace folded to one space.
    fn redacted(shapes: &[Shape]) -> Result<String, String> {
        let mut file = generated();
        apply(&mut file, shapes)?;
        let text = prettyplease::unparse(&file);
        Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    #[test]
    fn a_marked_field_prints_stars_and_the_others_print_their_value() {
        let text = redacted(&shapes()).unwrap();
        assert!(
            text.contains("#[derive(::serde::Deserialize, Clone, PartialEq)] pub struct Person"),
            "{text}"
        );
        assert!(
            text.contains(r#"f.debug_struct("Person") .field("first_name", &::std::format_args!("***")) .field("country", &self.country) .field("type", &self.r#type) .field("document", &::std::format_args!("***")) .finish()"#),
            "{text}"
        );
    }

    #[test]
    fn a_newtype_held_by_a_marked_field_is_redacted_whole() {
        let text = redacted(&shapes()).unwrap();
        assert!(
            text.contains("#[derive(Clone, PartialEq)] pub struct PersonFirstName"),
            "{text}"
        );
        assert!(
            text.contains(
                r#"f.debug_tuple("PersonFirstName").field(&::std::format_args!("***")).finish()"#
            ),
            "{text}"
        );
    }

    #[test]
    fn an_object_held_by_a_marked_field_is_redacted_whole_but_a_list_of_values_is_not() {
        let text = redacted(&shapes()).unwrap();
        assert!(
            text.contains(r#"f.debug_struct("Document") .field("kind", &::std::format_args!("***")) .field("number", &::std::format_args!("***")) .finish()"#),
            "{text}"
        );
        assert!(
            text.contains("#[derive(Clone, Copy, Debug, PartialEq)] pub enum DocumentKind"),
            "{text}"
        );
        assert!(!text.contains("Debug for DocumentKind"), "{text}");
    }

    #[test]
    fn an_enum_variant_hides_its_marked_field_only() {
        let text = redacted(&shapes()).unwrap();
        assert!(
            text.contains(r#"Self::Email { address: _, verified: field_1 } => { f.debug_struct("Email") .field("address", &::std::format_args!("***")) .field("verified", field_1) .finish() }"#),
            "{text}"
        );
        assert!(
            text.contains(r#"Self::Unknown => f.write_str("Unknown")"#),
            "{text}"
        );
    }

    #[test]
    fn the_builder_of_a_redacted_type_is_redacted_too() {
        let text = redacted(&shapes()).unwrap();
        let builder = &text[text.find("pub mod builder").unwrap()..];
        assert!(
            builder.contains("#[derive(Clone)] pub struct Person"),
            "{builder}"
        );
        assert!(
            builder.contains(r#".field("first_name", &::std::format_args!("***")) .field("country", &self.country)"#),
            "{builder}"
        );
    }

    #[test]
    fn a_type_without_marked_fields_keeps_its_derived_debug() {
        let text = redacted(&shapes()).unwrap();
        assert!(
            text.contains("#[derive(Clone, Debug)] pub struct Plain"),
            "{text}"
        );
        assert!(!text.contains("Debug for Plain"), "{text}");
    }

    #[test]
    fn a_marked_schema_no_generated_type_matches_fails_codegen() {
        let mut shapes = shapes();
        shapes.push(shape(
            "#/components/schemas/Ghost",
            &["secret", "other"],
            &["secret"],
        ));
        let error = redacted(&shapes).unwrap_err();
        assert_eq!(
            error,
            "x-sensitive properties found no generated type to redact: #/components/schemas/Ghost (secret)"
        );
    }

    #[test]
    fn a_derive_left_empty_is_removed() {
        let mut attrs: Vec<Attribute> = vec![
            syn::parse_quote!(#[derive(Debug)]),
            syn::parse_quote!(#[serde(transparent)]),
        ];
        assert!(remove_derived_debug(&mut attrs));
        assert_eq!(attrs.len(), 1);
        assert!(attrs[0].path().is_ident("serde"));
        assert!(!remove_derived_debug(&mut attrs), "nothing left to remove");
    }

    #[test]
    fn redaction_is_deterministic_and_idempotent() {
        let once = redacted(&shapes()).unwrap();
        assert_eq!(once, redacted(&shapes()).unwrap());
        let mut file = generated();
        apply(&mut file, &shapes()).unwrap();
        let first = prettyplease::unparse(&file);
        apply(&mut file, &shapes()).unwrap();
        assert_eq!(
            first,
            prettyplease::unparse(&file),
            "a second pass changes nothing"
        );
    }
}
