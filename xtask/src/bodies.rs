//! The `impl` blocks of generated code and their function bodies, for the rewrites that work
//! inside them ([`crate::patterns`], [`crate::lengths`], [`crate::kept`]).

use syn::{Item, ItemImpl};

/// Calls `visit` with every `impl` block of `file`, in file order, looking inside inline modules
/// (typify puts its types in `pub mod types`).
pub fn each_impl(file: &mut syn::File, mut visit: impl FnMut(&mut ItemImpl)) {
    for item in &mut file.items {
        visit_item(item, &mut visit);
    }
}

/// Calls `visit` with the body of every function in an `impl` block of `file`, in file order.
pub fn each_function_body(file: &mut syn::File, mut visit: impl FnMut(&mut syn::Block)) {
    each_impl(file, |block| {
        for item in &mut block.items {
            if let syn::ImplItem::Fn(function) = item {
                visit(&mut function.block);
            }
        }
    });
}

fn visit_item(item: &mut Item, visit: &mut impl FnMut(&mut ItemImpl)) {
    match item {
        Item::Mod(module) => {
            if let Some((_, items)) = &mut module.content {
                for item in items {
                    visit_item(item, visit);
                }
            }
        }
        Item::Impl(block) => visit(block),
        _ => {}
    }
}
