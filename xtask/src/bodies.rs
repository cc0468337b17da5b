//! The function bodies of generated code, for the rewrites that work inside them
//! ([`crate::patterns`], [`crate::lengths`]).

use syn::Item;

/// Calls `visit` with the body of every function in an `impl` block of `file`, in file order,
/// looking inside inline modules (typify puts its types in `pub mod types`).
pub fn each_function_body(file: &mut syn::File, mut visit: impl FnMut(&mut syn::Block)) {
    for item in &mut file.items {
        visit_item(item, &mut visit);
    }
}

fn visit_item(item: &mut Item, visit: &mut impl FnMut(&mut syn::Block)) {
    match item {
        Item::Mod(module) => {
            if let Some((_, items)) = &mut module.content {
                for item in items {
                    visit_item(item, visit);
                }
            }
        }
        Item::Impl(block) => {
            for item in &mut block.items {
                if let syn::ImplItem::Fn(function) = item {
                    visit(&mut function.block);
                }
            }
        }
        _ => {}
    }
}
