//! What each generated client puts on the wire for the page's own sample request.
//!
//! Each sample is read from its spec's `examples`, built into the generated request type (which
//! runs the generated validation: patterns, lengths, enums, dates), and serialised again. The
//! snapshot is the exact JSON body the client sends; the assertions prove nothing was lost or
//! invented on the way.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use workspace_tests::request_example;

/// The sample `name` of `provider`, built into `T` and serialised as the client would send it.
fn wire_body<T: DeserializeOwned + Serialize>(provider: &str, name: &str) -> Value {
    let sample = request_example(provider, name);
    assert!(sample.is_object(), "{provider}: example {name} is missing");
    let typed: T = serde_json::from_value(sample.clone())
        .unwrap_or_else(|e| panic!("{provider}/{name} does not fit the generated type: {e}"));
    let body = serde_json::to_value(&typed).unwrap();
    assert_eq!(
        body, sample,
        "{provider}/{name}: the body sent differs from the page's sample"
    );
    body
}

#[test]
fn bitpanda_jean_pascal_body() {
    let body = wire_body::<bitpanda_client::types::CreateUserRequest>("bitpanda", "jeanPascal");
    insta::assert_json_snapshot!(body);
}

#[test]
fn bitpanda_byol_body_carries_only_the_external_id() {
    let body = wire_body::<bitpanda_client::types::CreateUserRequest>("bitpanda", "byol");
    let typed: bitpanda_client::types::CreateUserRequest =
        serde_json::from_value(body.clone()).unwrap();
    assert!(
        matches!(
            typed,
            bitpanda_client::types::CreateUserRequest::BringYourOwnLicenseUser(_)
        ),
        "a body with only external_id is a BYOL request"
    );
    insta::assert_json_snapshot!(body);
}

#[test]
fn bitpanda_full_body_is_an_investment_as_a_service_request() {
    let typed: bitpanda_client::types::CreateUserRequest =
        serde_json::from_value(request_example("bitpanda", "jeanPascal")).unwrap();
    assert!(matches!(
        typed,
        bitpanda_client::types::CreateUserRequest::InvestmentAsAServiceUser(_)
    ));
}

#[test]
fn wealthyhood_john_doe_body() {
    let body = wire_body::<wealthyhood_client::types::CreateUserRequest>("wealthyhood", "johnDoe");
    insta::assert_json_snapshot!(body);
}

#[test]
fn wealthyhood_full_profile_body() {
    let body =
        wire_body::<wealthyhood_client::types::CreateUserRequest>("wealthyhood", "fullProfile");
    insta::assert_json_snapshot!(body);
}

#[test]
fn btcdirect_sample_body() {
    let body = wire_body::<btcdirect_client::types::UpdateUserRequest>("btcdirect", "sample");
    insta::assert_json_snapshot!(body);
}

#[test]
fn generated_types_reject_what_the_pages_forbid() {
    let mut bad_phone = request_example("bitpanda", "jeanPascal");
    bad_phone["phone"] = "0033 1 23".into();
    assert!(
        serde_json::from_value::<bitpanda_client::types::InvestmentAsAServiceUser>(bad_phone)
            .is_err()
    );

    let mut greek = request_example("bitpanda", "jeanPascal");
    greek["first_name"] = "Γιώργος Νικόλαος".into();
    assert!(
        serde_json::from_value::<bitpanda_client::types::InvestmentAsAServiceUser>(greek).is_ok()
    );

    let mut lower_country = request_example("wealthyhood", "johnDoe");
    lower_country["residencyCountry"] = "gr".into();
    assert!(
        serde_json::from_value::<wealthyhood_client::types::CreateUserRequest>(lower_country)
            .is_err()
    );

    let mut bad_language = request_example("wealthyhood", "johnDoe");
    bad_language["language"] = "de".into();
    assert!(
        serde_json::from_value::<wealthyhood_client::types::CreateUserRequest>(bad_language)
            .is_err()
    );

    let mut angle = request_example("btcdirect", "sample");
    angle["firstName"] = "Jo<hn".into();
    assert!(serde_json::from_value::<btcdirect_client::types::UpdateUserRequest>(angle).is_err());
}
