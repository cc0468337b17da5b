//! A compact, reviewer-readable description of a generated client's public surface.
//!
//! The generated file is thousands of lines; a spec change should show in review as a line or
//! two. This reads the generated code back with `syn` and lists, sorted by name:
//! each operation (method, path, parameters, success and error types) and each type (struct
//! fields with their JSON name, Rust type and required-ness; enum values; the checks a
//! constrained string makes).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use quote::ToTokens;
use syn::{Attribute, Fields, Item, ItemImpl};

/// Describes the public surface of the generated client source `source`.
pub fn describe(source: &str) -> Result<String, String> {
    let file =
        syn::parse_file(source).map_err(|e| format!("generated code does not parse: {e}"))?;
    let mut out = String::new();
    let mut operations = BTreeMap::new();
    for item in &file.items {
        if let Item::Impl(block) = item
            && tokens(&block.self_ty) == "Client"
            && block.trait_.is_none()
        {
            operations.extend(describe_operations(block));
        }
    }
    out.push_str("# operations\n");
    for line in operations.values() {
        out.push_str(line);
    }
    let types = file.items.iter().find_map(|item| match item {
        Item::Mod(module) if module.ident == "types" => {
            module.content.as_ref().map(|(_, items)| items)
        }
        _ => None,
    });
    out.push_str("\n# types\n");
    if let Some(items) = types {
        for line in describe_types(items).values() {
            out.push_str(line);
        }
    }
    Ok(out)
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

/// One entry per `pub async fn` on `Client`: `NAME: METHOD PATH (params) -> success / error`.
fn describe_operations(block: &ItemImpl) -> Vec<(String, String)> {
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
        let params: Vec<String> = function
            .sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(arg) => {
                    Some(format!("{}: {}", tokens(&arg.pat), tokens(&arg.ty)))
                }
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let output = match &function.sig.output {
            syn::ReturnType::Type(_, ty) => tokens(ty),
            syn::ReturnType::Default => "()".into(),
        };
        let line = format!(
            "{name}: {route}\n  params: {}\n  returns: {output}\n",
            params.join(", ")
        );
        found.push((name, line));
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

/// Checks a constrained newtype makes, read from the messages of its `FromStr` / `TryFrom` impls.
fn constraint_messages(items: &[Item]) -> BTreeMap<String, Vec<String>> {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in items {
        let Item::Impl(block) = item else { continue };
        let Some((trait_path, _)) = &block.trait_ else {
            continue;
        };
        let trait_name = tokens(trait_path);
        if !(trait_name.ends_with("FromStr") || trait_name.contains("TryFrom<&str>")) {
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

/// String literals in `stream` that read as validation messages or regex patterns.
fn collect_messages(stream: proc_macro2::TokenStream, out: &mut Vec<String>) {
    let mut previous_was_regex_new = false;
    for tree in stream {
        match tree {
            proc_macro2::TokenTree::Group(group) => {
                if previous_was_regex_new
                    && let Some(proc_macro2::TokenTree::Literal(lit)) =
                        group.stream().into_iter().next()
                    && let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&lit.to_string())
                {
                    out.push(format!("pattern {}", s.value()));
                }
                collect_messages(group.stream(), out);
                previous_was_regex_new = false;
            }
            proc_macro2::TokenTree::Literal(lit) => {
                if let Ok(syn::Lit::Str(s)) = syn::parse_str::<syn::Lit>(&lit.to_string()) {
                    let value = s.value();
                    if value.starts_with("longer than") || value.starts_with("shorter than") {
                        out.push(value);
                    }
                }
                previous_was_regex_new = false;
            }
            proc_macro2::TokenTree::Ident(ident) => previous_was_regex_new = ident == "new",
            proc_macro2::TokenTree::Punct(_) => {}
        }
    }
}

/// One block per type in the generated `types` module, keyed by type name.
fn describe_types(items: &[Item]) -> BTreeMap<String, String> {
    let constraints = constraint_messages(items);
    let mut described = BTreeMap::new();
    for item in items {
        match item {
            Item::Struct(s) => {
                let name = s.ident.to_string();
                let mut text = String::new();
                match &s.fields {
                    Fields::Named(fields) => {
                        let closed = if serde_has(&s.attrs, "deny_unknown_fields") {
                            " (no other fields)"
                        } else {
                            ""
                        };
                        let _ = writeln!(text, "struct {name}{closed}");
                        for field in &fields.named {
                            let rust_name = field
                                .ident
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default();
                            let json = serde_rename(&field.attrs).unwrap_or(rust_name);
                            let ty = tokens(&field.ty);
                            let optional =
                                ty.starts_with("Option<") || serde_has(&field.attrs, "default");
                            let need = if optional { "optional" } else { "required" };
                            let _ = writeln!(text, "  {json}: {ty} ({need})");
                        }
                    }
                    Fields::Unnamed(fields) => {
                        let inner: Vec<String> =
                            fields.unnamed.iter().map(|f| tokens(&f.ty)).collect();
                        let _ = writeln!(text, "newtype {name}({})", inner.join(", "));
                        for check in constraints.get(&name).into_iter().flatten() {
                            let _ = writeln!(text, "  check: {check}");
                        }
                    }
                    Fields::Unit => {
                        let _ = writeln!(text, "struct {name}");
                    }
                }
                described.insert(name, text);
            }
            Item::Enum(e) => {
                let name = e.ident.to_string();
                let untagged = serde_has(&e.attrs, "untagged");
                let mut text = format!(
                    "enum {name}{}\n",
                    if untagged {
                        " (untagged: first matching variant)"
                    } else {
                        ""
                    }
                );
                for variant in &e.variants {
                    let label = match (&variant.fields, serde_rename(&variant.attrs)) {
                        (Fields::Unit, Some(json)) => format!("\"{json}\""),
                        (Fields::Unit, None) => format!("\"{}\"", variant.ident),
                        (fields, _) => format!("{}{}", variant.ident, tokens(fields)),
                    };
                    let _ = writeln!(text, "  | {label}");
                }
                described.insert(name, text);
            }
            Item::Type(alias) => {
                let name = alias.ident.to_string();
                described.insert(
                    name.clone(),
                    format!("type {name} = {}\n", tokens(&alias.ty)),
                );
            }
            _ => {}
        }
    }
    described
}
