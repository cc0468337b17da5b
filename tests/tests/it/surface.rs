//! Snapshots of each generated client's public surface: operations (method, path, parameters,
//! result types) and types (fields with JSON name, Rust type and required-ness; enum values; the
//! checks constrained strings make). A spec edit shows here as a line or two.

use workspace_tests::{PROVIDER_NAMES, workspace_root};

fn surface(provider: &str) -> String {
    let path = workspace_root().join(format!("crates/{provider}-client/src/generated.rs"));
    let source =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    xtask::surface::describe(&source).unwrap()
}

#[test]
fn bitpanda_surface() {
    insta::assert_snapshot!(surface("bitpanda"));
}

#[test]
fn wealthyhood_surface() {
    insta::assert_snapshot!(surface("wealthyhood"));
}

#[test]
fn btcdirect_surface() {
    insta::assert_snapshot!(surface("btcdirect"));
}

#[test]
fn every_surface_names_exactly_its_documented_routes() {
    let routes: [(&str, &[&str]); 3] = [
        ("bitpanda", &["create_user_v2: POST /v2/users"]),
        (
            "btcdirect",
            &[
                "authenticate: POST /api/v1/authenticate",
                "refresh_token: POST /api/v1/refresh",
                "update_user: PATCH /api/v2/user",
            ],
        ),
        ("wealthyhood", &["create_user: POST /users"]),
    ];
    for (provider, route) in routes {
        assert!(PROVIDER_NAMES.contains(&provider));
        let text = surface(provider);
        let operations: Vec<&str> = text
            .lines()
            .skip_while(|l| *l != "# operations")
            .skip(1)
            .take_while(|l| !l.is_empty())
            .filter(|l| !l.starts_with(' '))
            .collect();
        assert_eq!(operations, route, "{provider}");
    }
}
