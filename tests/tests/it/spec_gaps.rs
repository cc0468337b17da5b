//! Where the pages are silent or state a rule in prose, the specs still hold (issue 17): each
//! rule is checked through the generated clients (their types, and their calls over real HTTP on
//! loopback) and through the spec's schema as every JSON-Schema validator reads it. The test kit
//! checks the same rules over HTTP (`crates/onboarding-testkit/tests/rules.rs`).

use onboarding::mapping::bitpanda_request;
use onboarding::{BitpandaExtension, BitpandaMode, NewUser};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xtask::lint;

/// Every way `value` fails `#/components/schemas/{schema}` of `provider`'s spec.
fn schema_problems(provider: &str, schema: &str, value: &Value) -> Vec<String> {
    let document = workspace_tests::spec(provider);
    let reference = json!({ "$ref": format!("#/components/schemas/{schema}") });
    let validator = lint::validator(&document, &reference).expect("the schema compiles");
    validator
        .iter_errors(value)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect()
}

/// The BYOL bodies with one documented field broken, and which.
fn broken_byol_bodies() -> Vec<(&'static str, Value)> {
    [
        ("phone", json!("0612345678")),
        ("first_name", json!("J0hn")),
        ("last_name", json!("Pa<scal")),
        ("country", json!("fr")),
        ("language", json!("EN")),
        ("email", json!("no-at-sign")),
    ]
    .into_iter()
    .map(|(field, value)| {
        let mut body = json!({"external_id": "Ext-Id-9"});
        body[field] = value;
        (field, body)
    })
    .collect()
}

#[test]
fn a_byol_body_keeps_the_documented_rules_in_the_schema_and_the_generated_types() {
    for (field, body) in broken_byol_bodies() {
        assert!(
            !schema_problems("bitpanda", "CreateUserRequest", &body).is_empty(),
            "the schema accepts a BYOL body with a broken {field}: {body}"
        );
        if field == "email" {
            // `format: email` is the validators' rule; the generated type is a plain string.
            continue;
        }
        let typed = serde_json::from_value::<bitpanda_client::types::CreateUserRequest>(body);
        assert!(
            typed.is_err(),
            "the generated type takes a BYOL body with a broken {field}: {typed:?}"
        );
    }
    // Well formed, every documented field comes through typed in the BYOL branch.
    let body = json!({
        "external_id": "Ext-Id-9", "phone": "+33123123412", "first_name": "Jean",
        "last_name": "Pascal", "country": "FR", "email": "username@domain.com",
        "terms": [1, 2], "aml": [{"question_id": 1, "answer_id": 2}]
    });
    assert!(schema_problems("bitpanda", "CreateUserRequest", &body).is_empty());
    let typed: bitpanda_client::types::CreateUserRequest =
        serde_json::from_value(body.clone()).expect("the generated type takes it");
    let bitpanda_client::types::CreateUserRequest::BringYourOwnLicenseUser(byol) = &typed else {
        panic!("a body without verification is a BYOL request: {typed:?}");
    };
    assert_eq!(
        byol.phone.as_deref().map(String::as_str),
        Some("+33123123412")
    );
    assert_eq!(byol.country.as_deref().map(String::as_str), Some("FR"));
    assert_eq!(byol.terms.as_deref().map(Vec::len), Some(2));
    assert_eq!(serde_json::to_value(&typed).unwrap(), body);
}

#[test]
fn one_schema_per_field_is_referenced_from_both_branches() {
    let document = workspace_tests::spec("bitpanda");
    let schemas = &document["components"]["schemas"];
    for field in [
        "email",
        "phone",
        "first_name",
        "last_name",
        "language",
        "country",
        "terms",
    ] {
        let iaas = &schemas["InvestmentAsAServiceUser"]["properties"][field]["$ref"];
        let byol = &schemas["BringYourOwnLicenseUser"]["properties"][field]["$ref"];
        assert!(iaas.is_string(), "{field} is not a $ref in the IaaS branch");
        assert_eq!(
            iaas, byol,
            "{field}: the two branches refer to different schemas"
        );
    }
}

/// Breaks one field of a user.
type Breaker = fn(&mut NewUser);

fn byol_user() -> NewUser {
    NewUser {
        external_id: Some("Ext-Id-9".into()),
        bitpanda: Some(BitpandaExtension {
            mode: BitpandaMode::BringYourOwnLicense,
            ..BitpandaExtension::default()
        }),
        ..NewUser::default()
    }
}

#[test]
fn the_facade_checks_a_given_documented_field_in_byol_mode() {
    let cases: [(&str, Breaker); 3] = [
        ("phone", |u| u.phone = Some("0612345678".into())),
        ("first_name", |u| u.given_names = vec!["J0hn".into()]),
        ("country", |u| u.citizenship = Some("fr".into())),
    ];
    for (field, break_it) in cases {
        let mut user = byol_user();
        break_it(&mut user);
        let report = bitpanda_request(&user).expect_err(field);
        assert!(
            format!("{report}").contains(field),
            "the report names {field}: {report}"
        );
    }
    let mut user = byol_user();
    user.phone = Some("+33123123412".into());
    user.given_names = vec!["Jean".into()];
    user.citizenship = Some("FR".into());
    let body = serde_json::to_value(bitpanda_request(&user).expect("valid")).unwrap();
    assert_eq!(
        body,
        json!({"external_id": "Ext-Id-9", "phone": "+33123123412", "first_name": "Jean", "country": "FR"})
    );
}

#[test]
fn industry_is_required_for_the_statuses_the_page_names_by_every_validator() {
    let employment = |status: &str| json!({"incomeRangeId": "5", "employmentStatus": status, "sourcesOfWealth": ["Salary"]});
    for status in ["FullTime", "PartTime", "SelfEmployed"] {
        let problems = schema_problems("wealthyhood", "EmploymentInfo", &employment(status));
        assert!(
            problems.iter().any(|p| p.contains("industry")),
            "{status} without industry is accepted: {problems:?}"
        );
        let mut with_industry = employment(status);
        with_industry["industry"] = json!("FinanceAndInsurance");
        assert!(schema_problems("wealthyhood", "EmploymentInfo", &with_industry).is_empty());
    }
    for status in ["Unemployed", "Retired", "Student"] {
        assert!(schema_problems("wealthyhood", "EmploymentInfo", &employment(status)).is_empty());
    }
    // The generated types still build and round-trip the page's employment example unchanged.
    let example = json!({"incomeRangeId": "5", "employmentStatus": "SelfEmployed",
        "sourcesOfWealth": ["BusinessOwnership"], "industry": "FinanceAndInsurance"});
    let typed: wealthyhood_client::types::EmploymentInfo =
        serde_json::from_value(example.clone()).expect("the generated type takes the example");
    assert_eq!(serde_json::to_value(&typed).unwrap(), example);
}

// ---- answers the pages do not pin down: a tolerant reader ------------------------------------

const TOKEN: &str = "tok-spec-gaps";
const USER_IDENTIFIER: &str = "3f2b8c1e9d7a4b6c8e0f1a2b3c4d5e6f7a8b";

fn btcdirect(server: &MockServer) -> btcdirect_client::Client {
    let credentials = btcdirect_client::Credentials::new(
        btcdirect_client::PartnerCredential::api_key(TOKEN).unwrap(),
        btcdirect_client::UserContext::identifier(USER_IDENTIFIER).unwrap(),
    );
    btcdirect_client::Client::with_credentials(&server.uri(), credentials).unwrap()
}

fn btcdirect_update() -> btcdirect_client::types::UpdateUserRequest {
    serde_json::from_value(workspace_tests::request_example("btcdirect", "sample")).unwrap()
}

#[test]
fn progenitor_generates_the_2xx_ranges_well_so_no_normalisation_is_needed() {
    // progenitor 0.15.1 turns `2XX` into a `200..=299` arm, and `4XX` / `5XX` into ranges of the
    // one error type: the specs carry the ranges as they are (xtask/src/normalise.rs rewrites
    // only what the generator reads wrongly).
    let root = workspace_tests::workspace_root();
    for (crate_dir, arms) in [
        ("wealthyhood-client", &["200..=299 =>"][..]),
        (
            "btcdirect-client",
            &["200..=299 =>", "400u16..=499u16 =>", "500u16..=599u16 =>"][..],
        ),
    ] {
        let generated =
            std::fs::read_to_string(root.join(format!("crates/{crate_dir}/src/generated.rs")))
                .expect("the generated client");
        for arm in arms {
            assert!(generated.contains(arm), "{crate_dir} has no `{arm}` arm");
        }
    }
}

#[tokio::test]
async fn wealthyhood_create_answered_with_any_2xx_decodes() {
    let created = workspace_tests::response_example("wealthyhood", "2XX");
    let sample: wealthyhood_client::types::CreateUserRequest =
        serde_json::from_value(workspace_tests::request_example("wealthyhood", "johnDoe")).unwrap();
    for status in [200, 201, 202] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/users"))
            .respond_with(ResponseTemplate::new(status).set_body_json(&created))
            .expect(1)
            .mount(&server)
            .await;
        let credentials = wealthyhood_client::Credentials::bearer(TOKEN).unwrap();
        let client =
            wealthyhood_client::Client::with_credentials(&server.uri(), credentials).unwrap();
        let user = client
            .create_user(&sample)
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(user.status().as_u16(), status);
        assert_eq!(user.id.as_str(), "64f0c51e7fb3fc001234a001");
    }
}

#[tokio::test]
async fn btcdirect_update_answered_with_any_2xx_and_a_plain_date_decodes() {
    let mut updated = workspace_tests::response_example("btcdirect", "2XX");
    updated["registrationDate"] = json!("2019-01-01 14:13:55");
    updated["activationDate"] = json!("2019-01-02 12:43:25");
    for status in [200, 202] {
        let server = MockServer::start().await;
        Mock::given(method("PATCH"))
            .and(path("/api/v2/user"))
            .respond_with(ResponseTemplate::new(status).set_body_json(&updated))
            .expect(1)
            .mount(&server)
            .await;
        let user = btcdirect(&server)
            .update_user(&btcdirect_update())
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"))
            .into_inner();
        assert_eq!(
            user.registration_date.as_deref(),
            Some("2019-01-01 14:13:55")
        );
        assert_eq!(user.activation_date.as_deref(), Some("2019-01-02 12:43:25"));
    }
}

#[tokio::test]
async fn btcdirect_error_shape_decodes_under_any_error_status() {
    let body = json!({"errors": {"ER709": {
        "code": "ER709", "message": "User not found, or user has been deleted.",
        "solution": "Provide a valid user identifier."
    }}});
    for status in [400, 401, 403, 404, 409, 429, 500, 503] {
        let server = MockServer::start().await;
        Mock::given(method("PATCH"))
            .respond_with(ResponseTemplate::new(status).set_body_json(&body))
            .mount(&server)
            .await;
        match btcdirect(&server).update_user(&btcdirect_update()).await {
            Err(btcdirect_client::Error::ErrorResponse(response)) => {
                assert_eq!(response.status().as_u16(), status);
                assert_eq!(response.errors["ER709"].code.as_str(), "ER709");
            }
            other => panic!("{status}: expected the typed error body, got {other:?}"),
        }
    }
}

#[test]
fn answers_are_read_tolerantly_while_requests_stay_strict() {
    // The answer's dates and e-mail are plain strings: another form still validates.
    let answer = json!({"email": "not checked", "registrationDate": "2019-01-01 14:13:55"});
    assert!(schema_problems("btcdirect", "User", &answer).is_empty());
    // The request keeps its formats and patterns.
    let request = json!({"email": "no-at-sign", "country": "de", "dateOfBirth": "27-12-1984"});
    let problems = schema_problems("btcdirect", "UpdateUserRequest", &request);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    let request = json!({"email": "john.doe@example.com", "firstName": "John", "lastName": "Doe",
        "dateOfBirth": "1990-05-15", "residencyCountry": "gr"});
    assert_eq!(
        schema_problems("wealthyhood", "CreateUserRequest", &request).len(),
        1
    );
}

// ---- spec-only choices are marked ------------------------------------------------------------

/// Whether `node` says where it comes from: `x-source`, or `x-inferred: true` with a note.
fn sourced(node: &Value) -> bool {
    node.get("x-source").is_some()
        || (node["x-inferred"] == json!(true) && node["x-inferred-note"].is_string())
}

#[test]
fn every_spec_only_choice_is_marked() {
    for provider in workspace_tests::PROVIDER_NAMES {
        let document = workspace_tests::spec(provider);
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                assert!(
                    sourced(operation),
                    "{provider} {method} {path}: operationId unmarked"
                );
                for (status, response) in operation["responses"].as_object().unwrap() {
                    assert!(sourced(response), "{provider} {method} {path} {status}");
                }
            }
        }
    }
    let bitpanda = workspace_tests::spec("bitpanda");
    let responses = bitpanda["paths"]["/v2/users"]["post"]["responses"]
        .as_object()
        .unwrap();
    for (status, response) in responses.iter().filter(|(s, _)| s.as_str() != "201") {
        assert_eq!(
            response["x-inferred"],
            json!(true),
            "Bitpanda {status}: the JSON error body"
        );
    }
    assert_eq!(
        bitpanda["components"]["schemas"]["BitpandaPhone"]["x-inferred"],
        json!(true)
    );
    // An example the page does not give whole says so in its summary.
    let btcdirect = workspace_tests::spec("btcdirect");
    let sample = &btcdirect["paths"]["/api/v2/user"]["patch"]["requestBody"]["content"]["application/json"]
        ["examples"]["sample"];
    assert!(sample["summary"].as_str().unwrap().contains("illustrative"));
    assert_eq!(sample["value"]["isBusiness"], json!(false));
    assert!(sourced(sample), "the boolean example values are marked");
    let jean = &bitpanda["paths"]["/v2/users"]["post"]["requestBody"]["content"]["application/json"]
        ["examples"]["jeanPascal"];
    assert!(jean["summary"].as_str().unwrap().contains("illustrative"));
}
