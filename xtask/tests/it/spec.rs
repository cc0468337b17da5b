//! The curated spec against upstream: which disagreements a spec's markers list apart as curated,
//! and what a source that cannot show a fact does not disagree about.

use xtask::upstream::compare::{Drift, Kind, disagreements};
use xtask::upstream::facts::Facts;
use xtask::upstream::openapi;

use crate::fixture;

/// The facts of the OpenAPI fixture with `edit` applied (`find` must match once).
fn upstream(edits: &[(&str, &str)]) -> Facts {
    openapi::read(&openapi::parse(&edited(edits)).unwrap(), "POST /v1/members")
        .unwrap()
        .facts
}

/// The OpenAPI fixture with `edits` applied, each matching once.
fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = fixture("openapi.yaml");
    for (find, replace) in edits {
        assert_eq!(text.matches(find).count(), 1, "{find:?}");
        text = text.replacen(find, replace, 1);
    }
    text
}

/// The disagreements of upstream (the fixture with `upstream_edits`) with the spec (the fixture
/// with `spec_edits`).
fn compare(upstream_edits: &[(&str, &str)], spec_edits: &[(&str, &str)]) -> Vec<Drift> {
    let spec = openapi::read(
        &openapi::parse(&edited(spec_edits)).unwrap(),
        "POST /v1/members",
    )
    .unwrap();
    disagreements(&upstream(upstream_edits), &spec)
}

/// (kind, place, curated) of each drift.
fn summary(drifts: &[Drift]) -> Vec<(Kind, &str, bool)> {
    drifts
        .iter()
        .map(|d| (d.kind, d.place.as_str(), d.curated))
        .collect()
}

#[test]
fn a_marker_on_a_field_covers_its_own_facts_not_whether_it_is_required() {
    let marked_length = [(
        "          maxLength: 12\n",
        "          maxLength: 10\n          x-inferred: true\n",
    )];
    assert_eq!(
        summary(&compare(&[], &marked_length)),
        [(Kind::LengthChanged, "request body referralCode", true)]
    );
    let unmarked_length = [("          maxLength: 12\n", "          maxLength: 10\n")];
    assert_eq!(
        summary(&compare(&[], &unmarked_length)),
        [(Kind::LengthChanged, "request body referralCode", false)]
    );
    let marked_but_optional = [
        ("        - handle\n        - email\n", "        - handle\n"),
        (
            "          format: email\n",
            "          format: email\n          x-inferred: true\n",
        ),
    ];
    assert_eq!(
        summary(&compare(&[], &marked_but_optional)),
        [(Kind::MadeRequired, "request body email", false)]
    );
}

#[test]
fn which_fields_are_required_is_covered_by_the_objects_marker_or_x_required_when() {
    let object_marked = [
        ("        - handle\n        - email\n", "        - handle\n"),
        (
            "    NewMember:\n      type: object\n",
            "    NewMember:\n      type: object\n      x-source: \"elsewhere\"\n",
        ),
    ];
    assert_eq!(
        summary(&compare(&[], &object_marked)),
        [(Kind::MadeRequired, "request body email", true)]
    );
    let required_when = [
        ("        - handle\n        - email\n", "        - handle\n"),
        (
            "    NewMember:\n      type: object\n",
            "    NewMember:\n      type: object\n      x-required-when:\n        email:\n          plan: [plus]\n",
        ),
    ];
    assert_eq!(
        summary(&compare(&[], &required_when)),
        [(Kind::MadeRequired, "request body email", true)]
    );
}

#[test]
fn a_response_the_spec_infers_is_curated_and_its_fields_are_not_compared_unseen() {
    let inferred_response = [(
        "        '400':\n          description: The body was refused\n",
        "        '400':\n          description: The body was refused\n        '503':\n          description: Down\n          x-inferred: true\n",
    )];
    assert_eq!(
        summary(&compare(&[], &inferred_response)),
        [(Kind::ResponseRemoved, "response 503", true)]
    );
    // Upstream collapses the response body (shows no field of it): the spec's fields there are
    // not reported as missing upstream.
    let collapsed = [("        memberId:\n", "        otherId:\n")];
    let found = compare(&collapsed, &[]);
    assert_eq!(
        summary(&found),
        [
            (Kind::FieldAdded, "response 201 otherId", false),
            (Kind::FieldRemoved, "response 201 memberId", false),
        ]
    );
    let hidden = [(
        "      required:\n        - memberId\n      properties:\n        memberId:\n          type: string\n          pattern: '^m_[0-9a-f]{16}$'\n          example: m_0123456789abcdef\n",
        "",
    )];
    assert_eq!(summary(&compare(&hidden, &[])), []);
}
