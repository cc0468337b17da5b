//! Each generated client over real HTTP on loopback (a `wiremock` server): the request arrives
//! with the documented method, path, auth headers and body; the documented success response
//! deserialises; every documented error status comes back as a typed error carrying the
//! provider's own error body.

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workspace_tests::{
    documented_error_statuses, documented_success_status, request_example, response_example,
};

const TOKEN: &str = "tok-7f3a-secret";

/// The JSON body of the single request `server` received, and its headers.
async fn only_request(server: &MockServer) -> wiremock::Request {
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "exactly one request reaches the server");
    requests.into_iter().next().unwrap()
}

fn bitpanda(server: &MockServer) -> bitpanda_client::Client {
    let credentials = bitpanda_client::Credentials::bearer(TOKEN).unwrap();
    bitpanda_client::Client::with_credentials(&server.uri(), credentials).unwrap()
}

fn wealthyhood(server: &MockServer) -> wealthyhood_client::Client {
    let credentials = wealthyhood_client::Credentials::bearer(TOKEN).unwrap();
    wealthyhood_client::Client::with_credentials(&server.uri(), credentials).unwrap()
}

fn btcdirect(
    server: &MockServer,
    partner: btcdirect_client::PartnerCredential,
    user: btcdirect_client::UserContext,
) -> btcdirect_client::Client {
    let credentials = btcdirect_client::Credentials::new(partner, user);
    btcdirect_client::Client::with_credentials(&server.uri(), credentials).unwrap()
}

const USER_IDENTIFIER: &str = "3f2b8c1e9d7a4b6c8e0f1a2b3c4d5e6f7a8b";

#[tokio::test]
async fn bitpanda_create_user_round_trip() {
    let server = MockServer::start().await;
    let sample = request_example("bitpanda", "jeanPascal");
    let created = response_example("bitpanda", "201");
    Mock::given(method("POST"))
        .and(path("/v2/users"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(&sample))
        .respond_with(ResponseTemplate::new(201).set_body_json(&created))
        .expect(1)
        .mount(&server)
        .await;

    let body = serde_json::from_value(sample).unwrap();
    let response = bitpanda(&server)
        .create_user_v2(&body)
        .await
        .expect("created");
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(response.data.id, created["data"]["id"].as_str().unwrap());
}

#[tokio::test]
async fn bitpanda_byol_round_trip_sends_only_the_external_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/users"))
        .and(body_json(json!({"external_id": "Ext-Id-2"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"data": {"id": "u-2"}})))
        .expect(1)
        .mount(&server)
        .await;
    let body = serde_json::from_value(request_example("bitpanda", "byol")).unwrap();
    let response = bitpanda(&server)
        .create_user_v2(&body)
        .await
        .expect("created");
    assert_eq!(response.into_inner().data.id, "u-2");
}

#[tokio::test]
async fn bitpanda_documented_errors_are_typed() {
    let statuses = documented_error_statuses("bitpanda");
    assert_eq!(statuses, [400, 401, 404, 409, 422, 429, 500, 503]);
    let error_body = response_example("bitpanda", "409");
    for status in statuses {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_json(&error_body))
            .mount(&server)
            .await;
        let body = serde_json::from_value(request_example("bitpanda", "byol")).unwrap();
        match bitpanda(&server).create_user_v2(&body).await {
            Err(bitpanda_client::Error::ErrorResponse(response)) => {
                assert_eq!(response.status().as_u16(), status);
                assert_eq!(
                    serde_json::to_value(response.into_inner()).unwrap(),
                    error_body
                );
            }
            other => panic!("{status}: expected a typed error response, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn wealthyhood_create_user_round_trip() {
    let server = MockServer::start().await;
    let sample = request_example("wealthyhood", "johnDoe");
    let created = response_example("wealthyhood", "2XX");
    assert_eq!(documented_success_status("wealthyhood"), 200);
    Mock::given(method("POST"))
        .and(path("/users"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(&sample))
        .respond_with(ResponseTemplate::new(201).set_body_json(&created))
        .expect(1)
        .mount(&server)
        .await;

    let body = serde_json::from_value(sample).unwrap();
    let user = wealthyhood(&server)
        .create_user(&body)
        .await
        .expect("created")
        .into_inner();
    assert_eq!(
        serde_json::to_value(&user).unwrap(),
        created,
        "the page's response decodes losslessly"
    );
    assert_eq!(user.id.as_str(), "64f0c51e7fb3fc001234a001");
}

#[tokio::test]
async fn wealthyhood_documented_errors_are_typed() {
    let statuses = documented_error_statuses("wealthyhood");
    assert!(!statuses.is_empty());
    let error_body = response_example("wealthyhood", "409");
    for status in statuses {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_json(&error_body))
            .mount(&server)
            .await;
        let body = serde_json::from_value(request_example("wealthyhood", "johnDoe")).unwrap();
        match wealthyhood(&server).create_user(&body).await {
            Err(wealthyhood_client::Error::ErrorResponse(response)) => {
                assert_eq!(response.status().as_u16(), status);
                assert_eq!(response.code.as_deref(), error_body["code"].as_str());
            }
            other => panic!("{status}: expected a typed error response, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn btcdirect_update_user_round_trip_with_api_key_and_identifier() {
    let server = MockServer::start().await;
    let sample = request_example("btcdirect", "sample");
    let updated = response_example("btcdirect", "2XX");
    Mock::given(method("PATCH"))
        .and(path("/api/v2/user"))
        .and(header("x-api-key", TOKEN))
        .and(header("user-identifier", USER_IDENTIFIER))
        .and(body_json(&sample))
        .respond_with(ResponseTemplate::new(202).set_body_json(&updated))
        .expect(1)
        .mount(&server)
        .await;

    let client = btcdirect(
        &server,
        btcdirect_client::PartnerCredential::api_key(TOKEN).unwrap(),
        btcdirect_client::UserContext::identifier(USER_IDENTIFIER).unwrap(),
    );
    let body = serde_json::from_value(sample).unwrap();
    let user = client
        .update_user(&body)
        .await
        .expect("updated")
        .into_inner();
    assert_eq!(serde_json::to_value(&user).unwrap(), updated);
    let request = only_request(&server).await;
    assert!(
        request.headers.get("authorization").is_none(),
        "one partner method only (ER803)"
    );
    assert!(request.headers.get("user-authorization").is_none());
}

#[tokio::test]
async fn btcdirect_update_user_with_partner_and_user_tokens() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v2/user"))
        .and(header("authorization", "Bearer partner-token"))
        .and(header("user-authorization", "Bearer user-token"))
        .respond_with(
            ResponseTemplate::new(202).set_body_json(json!({"email": "john.doe@example.com"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = btcdirect(
        &server,
        btcdirect_client::PartnerCredential::bearer("partner-token").unwrap(),
        btcdirect_client::UserContext::user_token("user-token").unwrap(),
    );
    let body =
        serde_json::from_value(json!({"email": "john.doe@example.com", "country": "NL"})).unwrap();
    client.update_user(&body).await.expect("updated");
    let request = only_request(&server).await;
    assert!(
        request.headers.get("x-api-key").is_none(),
        "one partner method only (ER803)"
    );
    assert!(request.headers.get("user-identifier").is_none());
}

#[tokio::test]
async fn btcdirect_error_body_carries_the_er_codes_even_unknown_ones() {
    assert_eq!(documented_error_statuses("btcdirect"), [400]);
    let mut error_body: Value = response_example("btcdirect", "400");
    error_body["errors"]["ER555"] = json!({"code": "ER555", "message": "New", "solution": "Later"});
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(400).set_body_json(&error_body))
        .mount(&server)
        .await;
    let client = btcdirect(
        &server,
        btcdirect_client::PartnerCredential::api_key(TOKEN).unwrap(),
        btcdirect_client::UserContext::identifier(USER_IDENTIFIER).unwrap(),
    );
    let body = serde_json::from_value(request_example("btcdirect", "sample")).unwrap();
    match client.update_user(&body).await {
        Err(btcdirect_client::Error::ErrorResponse(response)) => {
            assert_eq!(response.status().as_u16(), 400);
            let errors = &response.errors;
            assert_eq!(errors["ER085"].message, "User is not 18 years old yet.");
            assert_eq!(errors["ER555"].code.as_str(), "ER555");
            assert_eq!(errors.len(), 41);
        }
        other => panic!("expected a typed error response, got {other:?}"),
    }
}

#[test]
fn credentials_never_show_in_debug() {
    let bitpanda = bitpanda_client::Client::with_credentials(
        "http://127.0.0.1:1",
        bitpanda_client::Credentials::bearer(TOKEN).unwrap(),
    )
    .unwrap();
    let btcdirect = btcdirect_client::Client::with_credentials(
        "http://127.0.0.1:1",
        btcdirect_client::Credentials::new(
            btcdirect_client::PartnerCredential::api_key(TOKEN).unwrap(),
            btcdirect_client::UserContext::identifier(USER_IDENTIFIER).unwrap(),
        ),
    )
    .unwrap();
    for shown in [format!("{bitpanda:?}"), format!("{btcdirect:?}")] {
        assert!(!shown.contains(TOKEN), "token leaked: {shown}");
        assert!(
            !shown.contains(USER_IDENTIFIER),
            "identifier leaked: {shown}"
        );
        assert!(shown.contains("***"), "{shown}");
    }
}

#[test]
fn malformed_credentials_are_rejected_without_echoing_them() {
    let error = bitpanda_client::Credentials::bearer("abc\ndef").unwrap_err();
    assert!(!error.to_string().contains("abc"));
    assert!(wealthyhood_client::Credentials::bearer("  ").is_err());
    use btcdirect_client::{InvalidIdentifier, UserContext};
    // Refused with why (the rule, and its length or characters), never with the value.
    let short = UserContext::identifier("too-short").unwrap_err();
    assert_eq!(short, InvalidIdentifier::Length { length: 9 });
    let message = short.to_string();
    assert!(
        message.contains("36 to 255 alphanumeric characters"),
        "{message}"
    );
    assert!(message.contains("has 9"), "{message}");
    assert!(!message.contains("too-short"), "{message}");
    let long = UserContext::identifier(&"a".repeat(256)).unwrap_err();
    assert_eq!(long, InvalidIdentifier::Length { length: 256 });
    let odd = format!("{}@example.com", "a".repeat(36));
    let characters = UserContext::identifier(&odd).unwrap_err();
    assert_eq!(characters, InvalidIdentifier::Characters);
    let message = characters.to_string();
    assert!(message.contains("other characters"), "{message}");
    assert!(!message.contains("example.com"), "{message}");
    assert!(btcdirect_client::UserContext::identifier(&"a".repeat(36)).is_ok());
}
