//! The rules the pages state where an OpenAPI 3.0 schema alone is not enough, enforced by the
//! fakes over real loopback HTTP: a Bring Your Own License body keeps the documented fields'
//! rules, answers the pages do not pin down are accepted as the provider may send them, and
//! every `x-required-when` rule is refused with the provider's own error.

mod support;

use onboarding_testkit::Outcome;
use serde_json::json;
use support::{byol, send_user, with};

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
