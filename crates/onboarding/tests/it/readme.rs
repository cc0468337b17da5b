//! The README shows the service set-up as it is built: `examples/service.rs` (compiled by every
//! `cargo test`) appears verbatim, so an API change that breaks the example breaks the build, and
//! one that edits only the example fails here.

const README: &str = include_str!("../../../../README.md");
const SERVICE_EXAMPLE: &str = include_str!("../../examples/service.rs");

#[test]
fn the_readme_shows_the_service_example_verbatim() {
    let shown = format!("```rust\n{SERVICE_EXAMPLE}```");
    assert!(
        README.contains(&shown),
        "README.md must show crates/onboarding/examples/service.rs verbatim in a ```rust block"
    );
}
