//! The specs hold against the pages: what a page itself sends is accepted, what no source forbids
//! is not refused, and a created user never becomes a decode error.
//!
//! Requests are checked twice: against the spec's schema with an independent JSON Schema
//! validator (`xtask::lint::validator`, the one `cargo xtask lint` uses for examples), and by
//! building the generated client's request type from them. The page values below are copied
//! from the public pages listed in `specs/SOURCES.md`.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::{request_example, spec};
use xtask::lint;

/// The problems `value` has against `#/components/schemas/<schema>` of `provider`'s spec.
fn schema_problems(provider: &str, schema: &str, value: &Value) -> Vec<String> {
    let document = spec(provider);
    let reference = json!({ "$ref": format!("#/components/schemas/{schema}") });
    let validator = lint::validator(&document, &reference).expect("the schema compiles");
    validator
        .iter_errors(value)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

fn assert_accepted(provider: &str, schema: &str, value: &Value) {
    let problems = schema_problems(provider, schema, value);
    assert!(
        problems.is_empty(),
        "{provider} {schema} refuses {value}:\n{}",
        problems.join("\n")
    );
}

/// The identityDocument example of the BTC Direct page, verbatim (its `data` is the page's own
/// 639-character string).
const BTCDIRECT_PAGE_DOCUMENT_DATA: &str = "iVBORw0KGgoAAAANSUhEUgAAAQAAAAEACAYAAABccqhmAAAVP3pUWHRSYXcgcHJvZmlsZSB0eXBlIGV4aWYAAHjavZpnchw5EoX/4xR7BLiEOQ5sxN5gj7/fq27Ka1bSTKw4wyabxSogzTMJuvOff1/3L/6Zxeyy1VZ6KZ5/ueceB180//r3eg0+P58//oX356/ed5++jLwmXtPrB+W8f2vwvn3+hZrf78+v33d1vb6I7X2jjye/b5j05MgX7+va+0Ypvt4P7+9df//eyF9s5+P/k57b2fum336fK8HYxv1SdPGkkDyfo56SWEFqafBa+BwSb/PZ+DryOlJK+cexcz8L3s9i58f7/fR1KJwv7wvKNzF6vx/sx7F7IvTlisLnJ3/1g7o/wvh97O7d7d7z2t3IhUgV997Ux1aer7hwEsr0/Frho/K/8XV9PjofjS0uHrXJ5uRjudBDJNo35LDDCDec53WFxRJzPLHyGuMi1nqvpRp7XE9Ssj7CjTX1tB05immRNfKR4qe1hOe5/XneCo0n78CVMXCzwG989+F+9OaffHy60b0q3RB8+xQr1hVV0yxDmdNnriIF4b5jak98nw/3Rd34LxKbyKA9YW5scPj5usW08Lm20pPnxHXms/O";

/// `body` is a valid Bitpanda request, and the generated client types it as Investment as a
/// Service.
fn assert_investment_as_a_service(body: Value) {
    assert_accepted("bitpanda", "CreateUserRequest", &body);
    let typed: bitpanda_client::types::CreateUserRequest =
        serde_json::from_value(body).expect("the generated type takes the sample");
    assert!(matches!(
        typed,
        bitpanda_client::types::CreateUserRequest::InvestmentAsAServiceUser(_)
    ));
}

#[test]
fn the_pages_sample_requests_are_accepted() {
    // Wealthyhood: the body of the page's curl sample, verbatim.
    let wealthyhood = json!({
        "email": "john.doe@example.com", "firstName": "John", "lastName": "Doe",
        "dateOfBirth": "1990-05-15", "residencyCountry": "GR", "language": "en"
    });
    assert_accepted("wealthyhood", "CreateUserRequest", &wealthyhood);
    serde_json::from_value::<wealthyhood_client::types::CreateUserRequest>(wealthyhood)
        .expect("the generated type takes the page's sample");

    // Bitpanda: the page's request sample with the values it shows; the renderer collapsed the
    // lists and objects, which get the smallest content their shapes allow.
    let bitpanda = json!({
        "email": "username@domain.com", "phone": "+33123123412",
        "first_name": "Jean", "last_name": "Pascal", "language": "en", "country": "FR",
        "terms": [1], "aml": [{"question_id": 1, "answer_id": 1}], "appropriateness": [],
        "verification": {}, "tax": {}, "ext_compliance": {},
        "account_level_id": "1", "external_id": "Ext-Id-1", "external_meta": {}
    });
    assert_investment_as_a_service(bitpanda);
    // The same sample as the public reference shows it expanded (a spec example, so `cargo xtask
    // lint` validates it too).
    let expanded = request_example("bitpanda", "publicSample");
    assert_eq!(expanded["first_name"], "Jean");
    assert_investment_as_a_service(expanded);

    // BTC Direct: every per-field Example of the page (the blank email Example filled in), with
    // the identityDocument and amld5QuestionAnswers Examples verbatim.
    let btcdirect = json!({
        "emailCode": "152367", "email": "john.doe@example.com", "chamberOfCommerce": "152367",
        "businessName": "BTC Direct", "businessCountry": "GB",
        "amld5QuestionAnswers": {
            "kyc-amld5-annual-net-income": "From 10.000 to 30.000",
            "kyc-amld5-employment-status": "Employed",
            "kyc-amld5-main-source-income": "Salary",
            "kyc-amld5-why-account-created": "Investing",
            "kyc-amld5-which-industry": "Cryptocurrency, (Online) gambling & casino",
            "kyc-amld5-annual-net-profit": "Above 250.000"
        },
        "phoneNumber": "+31612345678", "dateOfBirth": "1984-12-27",
        "firstName": "John", "lastName": "Doe", "country": "DE",
        "address": "Street", "addressNo": "12a", "postalCode": "1234AB", "city": "Amsterdam",
        "websiteCountry": "NL", "websiteLanguage": "NL",
        "identityDocument": [{
            "documentType": "IdentityCard", "documentSide": "Front",
            "data": BTCDIRECT_PAGE_DOCUMENT_DATA
        }]
    });
    assert_accepted("btcdirect", "UpdateUserRequest", &btcdirect);
    serde_json::from_value::<btcdirect_client::types::UpdateUserRequest>(btcdirect)
        .expect("the generated type takes the page's Examples");
}

#[test]
fn a_byol_request_may_carry_other_documented_fields() {
    let byol = json!({
        "external_id": "Ext-Id-4", "account_level_id": "2",
        "email": "username@domain.com", "first_name": "Nguyễn Văn", "last_name": "O'Brien",
        "language": "en", "tax": {"id": "1234567890123", "residence": "FR"},
        "appropriateness": [{"question_id": 10, "answer_id": 41}],
        "external_meta": {"segment": "retail"}
    });
    assert_accepted("bitpanda", "CreateUserRequest", &byol);
    let typed: bitpanda_client::types::CreateUserRequest =
        serde_json::from_value(byol).expect("the generated type takes it");
    let bitpanda_client::types::CreateUserRequest::BringYourOwnLicenseUser(byol) = typed else {
        panic!("a body without phone, names or verification is a BYOL request");
    };
    assert_eq!(byol.language.as_deref().map(|l| l.as_str()), Some("en"));
    // external_id is still the one field a BYOL body must carry.
    let without_id = json!({"account_level_id": "2", "email": "username@domain.com"});
    assert!(!schema_problems("bitpanda", "CreateUserRequest", &without_id).is_empty());
}

#[test]
fn an_identity_document_without_the_example_fields_is_accepted() {
    for item in [
        json!({}),
        json!({"documentType": "Passport"}),
        json!({"documentSide": "Back", "data": "QUJD"}),
        // The page's field list, in its snake_case form.
        json!({
            "document_type": "IdentityCard", "document_side": "Front",
            "uploaded_file": {"test": false, "original_name": "id.png", "mime_type": "image/png", "error": 0}
        }),
    ] {
        let body =
            json!({"email": "john.doe@example.com", "country": "NL", "identityDocument": [item]});
        assert_accepted("btcdirect", "UpdateUserRequest", &body);
        serde_json::from_value::<btcdirect_client::types::UpdateUserRequest>(body)
            .expect("the generated type takes it");
    }
    // The documented values are still checked where a field is sent.
    let wrong = json!({"email": "a@b.eu", "country": "NL", "identityDocument": [{"documentType": "Selfy"}]});
    assert!(!schema_problems("btcdirect", "UpdateUserRequest", &wrong).is_empty());
}

/// A 201 the page allows but the request's rules would not: unknown enum values, objects missing
/// what the request requires, lower-case codes, and fields no source names.
fn unusual_created_user() -> Value {
    json!({
        "id": "64f0c51e7fb3fc001234a001",
        "email": "john.doe@example.com",
        "portfolios": [{"id": "p1", "currency": "EUR", "riskScore": 3}],
        "createdAt": "2024-10-03T10:30:00Z",
        "updatedAt": "2024-10-03T10:30:00Z",
        "language": "de",
        "residencyCountry": "gr",
        "address": {"line1": "Ερμού 25", "countryCode": "gr", "line2": "3rd floor"},
        "taxResidency": {"proofType": "Passport", "verified": true},
        "employmentInfo": {"employmentStatus": "Retired", "sourcesOfWealth": [], "since": 2020},
        "kycStatus": "pending"
    })
}

#[test]
fn the_spec_accepts_an_unusual_created_user() {
    assert_accepted("wealthyhood", "User", &unusual_created_user());
}

#[tokio::test]
async fn an_unusual_created_user_decodes_through_the_generated_client() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(201).set_body_json(unusual_created_user()))
        .expect(1)
        .mount(&server)
        .await;
    let credentials = wealthyhood_client::Credentials::bearer("tok").unwrap();
    let client = wealthyhood_client::Client::with_credentials(&server.uri(), credentials).unwrap();
    let body = serde_json::from_value(json!({
        "email": "john.doe@example.com", "firstName": "John", "lastName": "Doe",
        "dateOfBirth": "1990-05-15", "residencyCountry": "GR"
    }))
    .unwrap();
    let created = client
        .create_user(&body)
        .await
        .expect("a created user decodes");
    assert_eq!(created.id.as_str(), "64f0c51e7fb3fc001234a001");
    assert_eq!(created.language.as_deref(), Some("de"));
    let employment = created.employment_info.as_ref().expect("employmentInfo");
    assert_eq!(employment.employment_status.as_deref(), Some("Retired"));
    assert_eq!(employment.industry, None);
}

/// Every `x-required-when` rule a spec states (a field required when another has one of some
/// values) is enforced by the facade's validation: each listed value without the field is
/// refused, naming the provider's field, and a value not listed is not.
#[test]
fn the_facade_enforces_every_x_required_when_rule() {
    let document = spec("wealthyhood");
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let mut checked = 0;
    for (name, schema) in schemas {
        let Some(rules) = schema.get("x-required-when").and_then(Value::as_object) else {
            continue;
        };
        // The one place the facade maps such a rule from; a rule elsewhere needs this test taught.
        assert_eq!(
            name, "EmploymentInfo",
            "x-required-when on {name} is not checked"
        );
        for (field, condition) in rules {
            let (on, values) = condition.as_object().unwrap().iter().next().unwrap();
            assert_eq!(on, "employmentStatus");
            for value in values.as_array().unwrap() {
                let report = onboarding::validation::validate_wealthyhood(&employed(
                    value.as_str().unwrap(),
                ))
                .expect_err("the field is required for this value");
                assert!(
                    report
                        .violations
                        .iter()
                        .any(|v| v.provider_field == format!("employmentInfo.{field}")),
                    "{value}: {report}"
                );
                checked += 1;
            }
            let other = onboarding::validation::validate_wealthyhood(&employed("Unemployed"));
            assert_eq!(
                other,
                Ok(()),
                "a status not listed does not require {field}"
            );
        }
    }
    assert_eq!(
        checked, 3,
        "FullTime, PartTime and SelfEmployed are checked"
    );
}

/// The facade's fixture user with the given employment status and no industry.
fn employed(status: &str) -> onboarding::NewUser {
    let mut user: onboarding::NewUser = serde_json::from_str(include_str!(
        "../../../crates/onboarding/tests/fixtures/user.json"
    ))
    .expect("the facade's fixture user");
    let employment = user
        .wealthyhood
        .as_mut()
        .and_then(|extension| extension.employment_info.as_mut())
        .expect("the fixture has employment info");
    employment.employment_status = status.to_owned();
    employment.industry = None;
    user
}
