//! The README shows the downstream crate's test as it is: a change to one without the other
//! fails here.

const README: &str = include_str!("../../../../README.md");
const DOWNSTREAM_TEST: &str = include_str!("../../../../examples/downstream/tests/onboarding.rs");

#[test]
fn the_readme_shows_the_downstream_test_verbatim() {
    let shown = format!("```rust\n{DOWNSTREAM_TEST}```");
    assert!(
        README.contains(&shown),
        "README.md must show examples/downstream/tests/onboarding.rs verbatim in a ```rust block"
    );
}
