//! The rules the pages state where an OpenAPI 3.0 schema alone is not enough, enforced by the
//! fakes over real loopback HTTP: a Bring Your Own License body keeps the documented fields'
//! rules, answers the pages do not pin down are accepted as the provider may send them, and
//! every `x-required-when` rule is refused with the provider's own error.

use crate::support::{byol, send_user, with};
use onboarding_testkit::{Outcome, Provider};
use serde_json::json;

#[tokio::test]
async fn a_byol_body_keeps_the_rules_of_the_documented_fields() {
    let kit = onboarding_testkit::start().await;
    for (field, bad) in [
        ("phone", "0612345678"),
        ("first_name", "J0hn"),
        ("last_name", "D<e"),
        ("country", "fr"),
        ("language", "EN"),
        ("email", "not-an-address"),
    ] {
        let body = with(byol("Ext-Id-bad"), field, json!(bad));
        let answer = send_user(&kit.bitpanda, &body).await;
        assert_eq!(answer.status, 422, "BYOL {field} {bad:?}: {}", answer.body);
        assert!(
            answer.body["errors"][0]["detail"]
                .as_str()
                .is_some_and(|detail| !detail.contains(bad)),
            "the error names the rule, never the value: {}",
            answer.body
        );
    }
    kit.bitpanda.assert_outcome_count(Outcome::Invalid, 6);
    assert!(kit.bitpanda.users().is_empty());

    // The same fields, well formed, are accepted in BYOL mode.
    let good = json!({
        "external_id": "Ext-Id-good",
        "phone": "+33123123412",
        "first_name": "Jean Luc",
        "last_name": "O'Brien",
        "country": "FR",
        "language": "fr",
        "email": "username@domain.com",
    });
    let answer = send_user(&kit.bitpanda, &good).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert_eq!(kit.bitpanda.users().len(), 1);
}

#[tokio::test]
async fn industry_is_required_for_the_statuses_the_page_names() {
    let kit = onboarding_testkit::start().await;
    let user = |email: &str, employment: serde_json::Value| {
        json!({
            "email": email,
            "firstName": "John",
            "lastName": "Doe",
            "dateOfBirth": "1990-05-15",
            "residencyCountry": "GR",
            "employmentInfo": employment,
        })
    };
    for (index, status) in ["FullTime", "PartTime", "SelfEmployed"].iter().enumerate() {
        let employment = json!({
            "incomeRangeId": "5",
            "employmentStatus": status,
            "sourcesOfWealth": ["Salary"],
        });
        let body = user(
            &format!("no-industry-{index}@example.com"),
            employment.clone(),
        );
        let answer = send_user(&kit.wealthyhood, &body).await;
        assert_eq!(
            answer.status, 400,
            "{status} without industry: {}",
            answer.body
        );
        assert_eq!(answer.body["code"], "VALIDATION_ERROR", "{}", answer.body);

        let employment = with(employment, "industry", json!("FinanceAndInsurance"));
        let body = user(&format!("industry-{index}@example.com"), employment);
        let answer = send_user(&kit.wealthyhood, &body).await;
        assert_eq!(
            answer.status, 201,
            "{status} with industry: {}",
            answer.body
        );
    }
    // Every other status needs no industry.
    for (index, status) in ["Unemployed", "Retired", "Student"].iter().enumerate() {
        let employment = json!({
            "incomeRangeId": "1",
            "employmentStatus": status,
            "sourcesOfWealth": ["Savings"],
        });
        let body = user(&format!("other-{index}@example.com"), employment);
        let answer = send_user(&kit.wealthyhood, &body).await;
        assert_eq!(
            answer.status, 201,
            "{status} without industry: {}",
            answer.body
        );
    }
    kit.wealthyhood.assert_outcome_count(Outcome::Invalid, 3);
    kit.wealthyhood.assert_outcome_count(Outcome::Created, 6);
}

#[test]
fn the_kit_reads_answers_tolerantly_and_requests_strictly() {
    use onboarding_testkit::spec;
    let created = json!({
        "id": "64f0c51e7fb3fc001234a001", "email": "john.doe@example.com", "portfolios": [],
        "createdAt": "2024-10-03T10:30:00Z", "updatedAt": "2024-10-03T10:30:00Z"
    });
    for status in [200, 201, 202] {
        assert!(
            spec::response_is_valid(Provider::Wealthyhood, status, &created),
            "{status}"
        );
    }
    let updated =
        json!({"email": "john.doe@example.com", "registrationDate": "2019-01-01 14:13:55"});
    for status in [200, 202] {
        assert!(
            spec::response_is_valid(Provider::BtcDirect, status, &updated),
            "{status}"
        );
    }
    let error = json!({"errors": {"ER999": {
        "code": "ER999", "message": "A general error has occurred.", "solution": "Contact our support team."
    }}});
    for status in [400, 401, 404, 429, 500, 503] {
        assert!(
            spec::response_is_valid(Provider::BtcDirect, status, &error),
            "{status}"
        );
    }
    // Requests stay strict.
    let request = json!({"email": "no-at-sign", "country": "DE"});
    assert!(!spec::request_is_valid(Provider::BtcDirect, &request));
}
