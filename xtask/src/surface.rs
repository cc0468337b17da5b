//! A compact, reviewer-readable description of a generated client's public surface.
//!
//! The generated file is thousands of lines; a spec change should show in review as a line or
//! two. This reads the generated code back with `syn` and lists, sorted by name:
//! each operation (method, path, parameters, success and error types) and each type (struct
//! fields with their JSON name, Rust type, required-ness and whether they are `x-sensitive`; enum
//! values; the checks a constrained string makes).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use quote::ToTokens;
use syn::{Attribute, Fields, Item, ItemImpl};

/// The public surface of a generated client, read back from its source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surface {
    /// Each operation method of `Client`, by method name.
    pub operations: BTreeMap<String, Operation>,
    /// Each type of the generated `types` module, by name.
    pub types: BTreeMap<String, TypeItem>,
}

/// One operation method of the generated `Client`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// `METHOD /path`, from progenitor's doc comment.
    pub route: String,
    /// Each argument after `&self`: `(name, Rust type)`.
    pub params: Vec<(String, String)>,
    /// The return type.
    pub returns: String,
}

/// One public type of the generated `types` module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeItem {
    /// What kind of type it is, with its fields or variants.
    pub shape: Shape,
    /// Traits it derives or implements, shortened (`Default`, `FromStr`, `TryFrom<&str>`, …).
    pub traits: BTreeSet<String>,
}

/// The shape of a generated type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A struct with named fields; `closed` when it rejects unknown JSON fields.
    Struct {
        /// Whether it is `#[serde(deny_unknown_fields)]`.
        closed: bool,
        /// Its fields, in declaration order.
        fields: Vec<Field>,
    },
    /// A tuple struct (typify's constrained strings and wrappers).
    Newtype {
        /// The wrapped types.
        inner: Vec<String>,
        /// The checks its `FromStr`/`TryFrom` impls make (lengths, patterns).
        checks: Vec<String>,
        /// Whether its value is `x-sensitive` (the generated `Debug` prints `***`).
        sensitive: bool,
    },
    /// An enum.
    Enum {
        /// Whether it is `#[serde(untagged)]`.
        untagged: bool,
        /// Its variants, in declaration order.
        variants: Vec<Variant>,
    },
    /// A type alias to the given type.
    Alias(String),
    /// A struct without fields.
    Unit,
}

/// One named field of a generated struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The Rust field name.
    pub rust: String,
    /// The JSON property name.
    pub json: String,
    /// The Rust type.
    pub ty: String,
    /// Whether it may be absent in JSON (`Option` or `#[serde(default)]`).
    pub optional: bool,
    /// Whether the spec marks it `x-sensitive`: the generated `Debug` prints `***` for it.
    pub sensitive: bool,
}

/// One variant of a generated enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The Rust variant name.
    pub rust: String,
    /// The JSON value of a unit variant (its `#[serde(rename)]` or its name); `None` for a
    /// variant with fields.
    pub json: Option<String>,
    /// The fields as written (`(types::Foo)`), empty for a unit variant.
    pub fields: String,
}

/// Reads the public surface of the generated client source `source`.
pub fn read(source: &str) -> Result<Surface, String> {
    let file =
        syn::parse_file(source).map_err(|e| format!("generated code does not parse: {e}"))?;
    let mut surface = Surface::default();
    for item in &file.items {
        if let Item::Impl(block) = item
            && tokens(&block.self_ty) == "Client"
            && block.trait_.is_none()
        {
            surface.operations.extend(read_operations(block));
        }
    }
    let types = file.items.iter().find_map(|item| match item {
        Item::Mod(module) if module.ident == "types" => {
            module.content.as_ref().map(|(_, items)| items)
        }
        _ => None,
    });
    if let Some(items) = types {
        surface.types = read_types(items);
    }
    Ok(surface)
}

/// Describes the public surface of the generated client source `source`: the text the surface
/// snapshots show.
pub fn describe(source: &str) -> Result<String, String> {
    let surface = read(source)?;
    let mut out = String::from("# operations\n");
    for (name, operation) in &surface.operations {
        let params: Vec<String> = operation
            .params
            .iter()
            .map(|(name, ty)| format!("{name}: {ty}"))
            .collect();
        let _ = writeln!(
            out,
            "{name}: {}\n  params: {}\n  returns: {}",
            operation.route,
            params.join(", "),
            operation.returns
        );
    }
    out.push_str("\n# types\n");
    for (name, item) in &surface.types {
        describe_type(&mut out, name, &item.shape);
    }
    Ok(out)
}

/// Appends the block describing type `name` to `out`.
fn describe_type(out: &mut String, name: &str, shape: &Shape) {
    match shape {
        Shape::Struct { closed, fields } => {
            let closed = if *closed { " (no other fields)" } else { "" };
            let _ = writeln!(out, "struct {name}{closed}");
            for field in fields {
                let need = if field.optional {
                    "optional"
                } else {
                    "required"
                };
                let sensitive = if field.sensitive { ", sensitive" } else { "" };
                let _ = writeln!(out, "  {}: {} ({need}{sensitive})", field.json, field.ty);
            }
        }
        Shape::Newtype {
            inner,
            checks,
            sensitive,
        } => {
            let sensitive = if *sensitive { " (sensitive)" } else { "" };
            let _ = writeln!(out, "newtype {name}({}){sensitive}", inner.join(", "));
            for check in checks {
                let _ = writeln!(out, "  check: {check}");
            }
        }
        Shape::Enum { untagged, variants } => {
            let untagged = if *untagged {
                " (untagged: first matching variant)"
            } else {
                ""
            };
            let _ = writeln!(out, "enum {name}{untagged}");
            for variant in variants {
                match &variant.json {
                    Some(json) => {
                        let _ = writeln!(out, "  | \"{json}\"");
                    }
                    None => {
                        let _ = writeln!(out, "  | {}{}", variant.rust, variant.fields);
                    }
                }
            }
        }
        Shape::Alias(target) => {
            let _ = writeln!(out, "type {name} = {target}");
        }
        Shape::Unit => {
            let _ = writeln!(out, "struct {name}");
        }
    }
}

/// Token text of a type or path, without token spacing and with well-known paths shortened.
fn tokens(node: &impl ToTokens) -> String {
    let raw = node.to_token_stream().to_string();
    let mut text: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    text = text
        .replace(",>", ">")
        .replace(',', ", ")
        .replace("&'a", "&");
    for (long, short) in [
        ("::std::option::Option", "Option"),
        ("::std::string::String", "String"),
        ("::std::vec::Vec", "Vec"),
        ("::std::collections::BTreeMap", "BTreeMap"),
        ("::chrono::", "chrono::"),
        ("::uuid::", "uuid::"),
        ("::serde_json::", "serde_json::"),
    ] {
        text = text.replace(long, short);
    }
    match text.strip_prefix("::") {
        Some(stripped) => stripped.to_owned(),
        None => text,
    }
}

/// The doc-comment lines of `attrs`, trimmed.
fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .flat_map(|doc| {
            doc.lines()
                .map(|line| line.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Each `pub async fn` on `Client` that sends a request, by method name.
fn read_operations(block: &ItemImpl) -> Vec<(String, Operation)> {
    let mut found = Vec::new();
    for item in &block.items {
        let syn::ImplItem::Fn(function) = item else {
            continue;
        };
        let name = function.sig.ident.to_string();
        // Operations, unlike constructors, carry progenitor's "Sends a `METHOD` request to `PATH`".
        let Some(route) = doc_lines(&function.attrs).iter().find_map(|line| {
            let rest = line.strip_prefix("Sends a ")?;
            Some(rest.replace("` request to `", " ").replace('`', ""))
        }) else {
            continue;
        };
        let params = function
            .sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(arg) => Some((tokens(&arg.pat), tokens(&arg.ty))),
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let returns = match &function.sig.output {
            syn::ReturnType::Type(_, ty) => tokens(ty),
            syn::ReturnType::Default => "()".into(),
        };
        found.push((
            name,
            Operation {
                route,
                params,
                returns,
            },
        ));
    }
    found
}

/// The `#[serde(rename = "…")]` of `attrs`, if any.
fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .find_map(|a| {
            let text = a.meta.to_token_stream().to_string();
            let start = text.find("rename = \"")? + "rename = \"".len();
            let end = text[start..].find('"')?;
            Some(text[start..start + end].to_owned())
        })
}

/// Whether `attrs` carry `#[serde(...)]` containing `word`.
fn serde_has(attrs: &[Attribute], word: &str) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .any(|a| a.meta.to_token_stream().to_string().contains(word))
}

/// Checks a constrained newtype makes, read from the messages of its `FromStr` / `TryFrom` impls
/// (wherever the checks are: `TryFrom<String>` holds them once [`crate::kept`] has run).
fn constraint_messages(items: &[Item]) -> BTreeMap<String, Vec<String>> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in items {
        let Item::Impl(block) = item else { continue };
        let Some((trait_path, _)) = &block.trait_ else {
            continue;
        };
        let trait_name = tokens(trait_path);
        if !(trait_name.ends_with("FromStr") || trait_name.contains("TryFrom<")) {
            continue;
        }
        let mut messages = Vec::new();
        collect_messages(block.to_token_stream(), &mut messages);
        if !messages.is_empty() {
            let entry = found.entry(tokens(&block.self_ty)).or_default();
            for message in messages {
                if !entry.contains(&message) {
                    entry.push(message);
                }
            }
        }
    }
    found
}

/// String literals in `stream` that read as validation messages: lengths, and patterns (named by
/// typify's refusal, `doesn't match pattern "…"`, whichever engine checks them).
fn collect_messages(stream: proc_macro2::TokenStream, out: &mut Vec<String>) {
    for tree in stream {
        match tree {
            proc_macro2::TokenTree::Group(group) => collect_messages(group.stream(), out),
            proc_macro2::TokenTree::Literal(lit) => {
                if let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&lit.to_string()) {
                    let value = s.value();
                    if let Some(pattern) = value
                        .strip_prefix("doesn't match pattern \"")
                        .and_then(|rest| rest.strip_suffix('"'))
                    {
                        out.push(format!("pattern {pattern}"));
                    } else if value.starts_with("longer than") || value.starts_with("shorter than")
                    {
                        out.push(value);
                    }
                }
            }
            proc_macro2::TokenTree::Ident(_) | proc_macro2::TokenTree::Punct(_) => {}
        }
    }
}

/// The traits each type of `items` derives (`#[derive(...)]`) or implements (`impl T for X`).
fn read_traits(items: &[Item]) -> BTreeMap<String, BTreeSet<String>> {
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let derives = |attrs: &[Attribute]| -> Vec<String> {
        attrs
            .iter()
            .filter(|a| a.path().is_ident("derive"))
            .flat_map(|a| {
                let text = tokens(&a.meta);
                let list = text
                    .strip_prefix("derive(")
                    .and_then(|t| t.strip_suffix(')'))
                    .unwrap_or_default()
                    .to_owned();
                list.split(", ")
                    .map(|t| t.trim().replace("serde::", ""))
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    for item in items {
        match item {
            Item::Struct(s) => found
                .entry(s.ident.to_string())
                .or_default()
                .extend(derives(&s.attrs)),
            Item::Enum(e) => found
                .entry(e.ident.to_string())
                .or_default()
                .extend(derives(&e.attrs)),
            Item::Impl(block) => {
                if let Some((path, _)) = &block.trait_ {
                    let name = tokens(path)
                        .replace("std::convert::", "")
                        .replace("std::str::", "")
                        .replace("std::ops::", "")
                        .replace("std::fmt::", "")
                        .replace("serde::", "")
                        .replace("<'de>", "");
                    found
                        .entry(tokens(&block.self_ty))
                        .or_default()
                        .insert(name);
                }
            }
            _ => {}
        }
    }
    found
}

/// The fields each type's hand-written `Debug` hides (prints `***` for): by type, the Rust field
/// names, with `"0"` for a newtype's value. `cargo xtask codegen` writes such a `Debug` for every
/// type holding an `x-sensitive` field.
fn redacted_fields(items: &[Item]) -> BTreeMap<String, BTreeSet<String>> {
    const HIDDEN: &str = ",&::std::format_args!(\"***\"))";
    const HIDDEN_TUPLE: &str = ".field(&::std::format_args!(\"***\"))";
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in items {
        let Item::Impl(block) = item else { continue };
        let Some((trait_path, _)) = &block.trait_ else {
            continue;
        };
        if !tokens(trait_path).ends_with("Debug") {
            continue;
        }
        let text: String = block
            .to_token_stream()
            .to_string()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let entry = found.entry(tokens(&block.self_ty)).or_default();
        if text.contains(HIDDEN_TUPLE) {
            entry.insert("0".into());
        }
        let mut rest = text.as_str();
        while let Some(end) = rest.find(HIDDEN) {
            let before = &rest[..end];
            if let Some(name) = before
                .strip_suffix('"')
                .and_then(|b| b.rfind(".field(\"").map(|start| &b[start + 8..]))
            {
                entry.insert(name.to_owned());
            }
            rest = &rest[end + HIDDEN.len()..];
        }
    }
    found
}

/// Each type of the generated `types` module, by name.
fn read_types(items: &[Item]) -> BTreeMap<String, TypeItem> {
    let redacted = redacted_fields(items);
    let mut constraints = constraint_messages(items);
    let mut traits = read_traits(items);
    let mut found = BTreeMap::new();
    for item in items {
        let (name, shape) = match item {
            Item::Struct(s) => {
                let name = s.ident.to_string();
                let hidden = redacted.get(&name);
                let is_hidden = |field: &str| hidden.is_some_and(|h| h.contains(field));
                let shape = match &s.fields {
                    Fields::Named(fields) => Shape::Struct {
                        closed: serde_has(&s.attrs, "deny_unknown_fields"),
                        fields: fields
                            .named
                            .iter()
                            .map(|field| {
                                let mut field = read_field(field);
                                field.sensitive = is_hidden(&field.rust);
                                field
                            })
                            .collect(),
                    },
                    Fields::Unnamed(fields) => Shape::Newtype {
                        inner: fields.unnamed.iter().map(|f| tokens(&f.ty)).collect(),
                        checks: constraints.remove(&name).unwrap_or_default(),
                        sensitive: is_hidden("0"),
                    },
                    Fields::Unit => Shape::Unit,
                };
                (name, shape)
            }
            Item::Enum(e) => {
                let variants = e
                    .variants
                    .iter()
                    .map(|variant| {
                        let rust = variant.ident.to_string();
                        match &variant.fields {
                            Fields::Unit => Variant {
                                json: Some(serde_rename(&variant.attrs).unwrap_or(rust.clone())),
                                rust,
                                fields: String::new(),
                            },
                            fields => Variant {
                                rust,
                                json: None,
                                fields: tokens(fields),
                            },
                        }
                    })
                    .collect();
                let shape = Shape::Enum {
                    untagged: serde_has(&e.attrs, "untagged"),
                    variants,
                };
                (e.ident.to_string(), shape)
            }
            Item::Type(alias) => (alias.ident.to_string(), Shape::Alias(tokens(&alias.ty))),
            _ => continue,
        };
        let traits = traits.remove(&name).unwrap_or_default();
        found.insert(name, TypeItem { shape, traits });
    }
    found
}

/// One named struct field.
fn read_field(field: &syn::Field) -> Field {
    let rust = field
        .ident
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let ty = tokens(&field.ty);
    Field {
        json: serde_rename(&field.attrs).unwrap_or(rust.clone()),
        rust,
        optional: ty.starts_with("Option<") || serde_has(&field.attrs, "default"),
        ty,
        sensitive: false,
    }
}
