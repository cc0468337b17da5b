//! Every field of every generated request type is accounted for by the facade: mapped from the
//! neutral model or an extension ([`Capabilities::fields`]) or listed, with a reason, as
//! deliberately not sent ([`Capabilities::unmapped`]). A new spec field that the facade drops
//! (`middle_name: None` in the struct literal compiles) fails here, one line per field.
//!
//! The walk starts at each operation's `body` parameter of the surface `cargo xtask surface NAME`
//! prints, and follows struct fields, `Option`/`Vec` wrappers, newtypes and untagged enums. A field
//! whose provider path is listed covers its sub-fields (an object sent as given).

use onboarding::{Capabilities, Provider};
use workspace_tests::workspace_root;
use xtask::surface::{Field, Shape, Surface};

/// The generated crate's name for `provider` (`crates/NAME-client`).
fn crate_name(provider: Provider) -> &'static str {
    provider.name()
}

fn surface(provider: Provider) -> Surface {
    let path = workspace_root().join(format!(
        "crates/{}-client/src/generated.rs",
        crate_name(provider)
    ));
    let source =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    xtask::surface::read(&source).unwrap()
}

/// The generated type names a Rust type text refers to (`Option<Vec<types::Foo>>` → `Foo`).
fn named_types<'s>(ty: &str, surface: &'s Surface) -> Vec<&'s str> {
    ty.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .map(|part| part.trim_start_matches("types::"))
        .filter_map(|part| surface.types.get_key_value(part).map(|(k, _)| k.as_str()))
        .collect()
}

/// Whether the provider path `path` is listed in `capabilities`, mapped or unmapped.
fn listed(capabilities: &Capabilities, path: &str) -> bool {
    capabilities.fields.iter().any(|f| f.provider == path)
        || capabilities.unmapped.iter().any(|f| f.provider == path)
}

/// Walks type `name` at body path `prefix`, pushing each unaccounted field's path.
fn walk(
    surface: &Surface,
    capabilities: &Capabilities,
    name: &str,
    prefix: &str,
    depth: usize,
    out: &mut Vec<String>,
) {
    let Some(item) = surface.types.get(name) else {
        return;
    };
    if depth > 16 {
        return; // A recursive type: its fields were seen one level up.
    }
    match &item.shape {
        Shape::Struct { fields, .. } => {
            for Field { json, ty, .. } in fields {
                let path = if prefix.is_empty() {
                    json.clone()
                } else {
                    format!("{prefix}.{json}")
                };
                if listed(capabilities, &path) {
                    continue;
                }
                let inner: Vec<&str> = named_types(ty, surface)
                    .into_iter()
                    .filter(|t| has_fields(surface, t, 0))
                    .collect();
                if inner.is_empty() {
                    out.push(path);
                } else {
                    for t in inner {
                        walk(surface, capabilities, t, &path, depth + 1, out);
                    }
                }
            }
        }
        Shape::Newtype { inner, .. } => {
            for ty in inner {
                for t in named_types(ty, surface) {
                    walk(surface, capabilities, t, prefix, depth + 1, out);
                }
            }
        }
        Shape::Enum { variants, .. } => {
            for variant in variants {
                for t in named_types(&variant.fields, surface) {
                    walk(surface, capabilities, t, prefix, depth + 1, out);
                }
            }
        }
        Shape::Alias(target) => {
            for t in named_types(target, surface) {
                walk(surface, capabilities, t, prefix, depth + 1, out);
            }
        }
        Shape::Unit => {}
    }
}

/// Whether type `name` is (or wraps) a struct with named fields.
fn has_fields(surface: &Surface, name: &str, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    match surface.types.get(name).map(|item| &item.shape) {
        Some(Shape::Struct { fields, .. }) => !fields.is_empty(),
        Some(Shape::Newtype { inner, .. }) => inner
            .iter()
            .flat_map(|ty| named_types(ty, surface))
            .any(|t| has_fields(surface, t, depth + 1)),
        Some(Shape::Enum { variants, .. }) => variants
            .iter()
            .flat_map(|v| named_types(&v.fields, surface))
            .any(|t| has_fields(surface, t, depth + 1)),
        Some(Shape::Alias(target)) => named_types(target, surface)
            .into_iter()
            .any(|t| has_fields(surface, t, depth + 1)),
        Some(Shape::Unit) | None => false,
    }
}

/// One line per request field of `surface` that `capabilities` does not account for.
fn unaccounted(provider: Provider, surface: &Surface, capabilities: &Capabilities) -> Vec<String> {
    let mut paths = Vec::new();
    for operation in surface.operations.values() {
        for (name, ty) in &operation.params {
            if name == "body" {
                for t in named_types(ty, surface) {
                    walk(surface, capabilities, t, "", 0, &mut paths);
                }
            }
        }
    }
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .map(|path| {
            format!(
                "`specs/{name}.yaml` request field `{path}` is not reachable from the facade: map it \
                 in `mapping::{name}` (and list it in `FieldSupport`) or list it in the unmapped \
                 fields with a reason (`crates/onboarding/src/provider.rs`)",
                name = provider.name()
            )
        })
        .collect()
}

#[test]
fn every_generated_request_field_is_mapped_or_listed_as_unmapped() {
    let mut lines = Vec::new();
    for provider in Provider::ALL {
        lines.extend(unaccounted(
            provider,
            &surface(provider),
            &provider.capabilities(),
        ));
    }
    assert!(lines.is_empty(), "\n{}", lines.join("\n"));
}

#[test]
fn every_listed_provider_path_exists_in_the_generated_request() {
    // The other direction: a table entry naming a field the spec no longer has is stale.
    for provider in Provider::ALL {
        let surface = surface(provider);
        let capabilities = provider.capabilities();
        let nothing = Capabilities {
            fields: &[],
            unmapped: &[],
            ..capabilities
        };
        let all = unaccounted(provider, &surface, &nothing).join("\n");
        let listed = capabilities
            .fields
            .iter()
            .map(|f| f.provider)
            .chain(capabilities.unmapped.iter().map(|f| f.provider))
            .filter(|path| *path != "-");
        for path in listed {
            assert!(
                all.contains(&format!("`{path}`")) || all.contains(&format!("`{path}.")),
                "{provider}: `{path}` is in the table but not a field of the generated request"
            );
        }
    }
}

#[test]
fn a_new_spec_field_the_facade_drops_fails_with_one_line() {
    // A scratch copy of Wealthyhood's surface with the field a spec edit would add.
    let mut scratch = surface(Provider::Wealthyhood);
    let Some(Shape::Struct { fields, .. }) = scratch
        .types
        .get_mut("CreateUserRequest")
        .map(|item| &mut item.shape)
    else {
        panic!("Wealthyhood's CreateUserRequest is a struct");
    };
    fields.push(Field {
        rust: "middle_name".into(),
        json: "middleName".into(),
        ty: "Option<String>".into(),
        optional: true,
        sensitive: true,
    });
    let capabilities = Provider::Wealthyhood.capabilities();
    assert_eq!(
        unaccounted(Provider::Wealthyhood, &scratch, &capabilities),
        [
            "`specs/wealthyhood.yaml` request field `middleName` is not reachable from the facade: \
             map it in `mapping::wealthyhood` (and list it in `FieldSupport`) or list it in the \
             unmapped fields with a reason (`crates/onboarding/src/provider.rs`)"
        ]
    );

    // Listed as deliberately not sent, it is accounted for.
    const UNMAPPED: &[onboarding::UnmappedField] = &[onboarding::UnmappedField {
        provider: "middleName",
        reason: "the neutral model has no middle name",
    }];
    let with_reason = Capabilities {
        unmapped: UNMAPPED,
        ..capabilities
    };
    assert!(unaccounted(Provider::Wealthyhood, &scratch, &with_reason).is_empty());

    // A nested field of an object the facade maps field by field is caught too.
    let Some(Shape::Struct { fields, .. }) =
        scratch.types.get_mut("Address").map(|item| &mut item.shape)
    else {
        panic!("Wealthyhood's Address is a struct");
    };
    fields.push(Field {
        rust: "line2".into(),
        json: "line2".into(),
        ty: "Option<String>".into(),
        optional: true,
        sensitive: true,
    });
    let lines = unaccounted(Provider::Wealthyhood, &scratch, &with_reason);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("request field `address.line2`"),
        "{lines:?}"
    );
}

#[test]
fn every_unmapped_field_gives_a_reason() {
    for provider in Provider::ALL {
        for field in provider.capabilities().unmapped {
            assert!(
                field.reason.split_whitespace().count() >= 3,
                "{provider}: `{}` needs a reason a reviewer can read",
                field.provider
            );
        }
    }
}
