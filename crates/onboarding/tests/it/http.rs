//! The facade over real HTTP on loopback (`wiremock`, and `common::ScriptedServer` where time matters): what is sent, how every documented status
//! maps onto [`OnboardingError`], retries and their limits, and what is never sent.

use std::time::Duration;

use onboarding::{
    ClientBuilder, CreatedUser, ErrorKind, OnboardingClient, OnboardingError, PartnerCredential,
    RetryAdvice, UserContext,
};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common;

use common::{
    IDENTIFIER, Reply, ScriptedServer, TOKEN, fast_policy as quick_policy, json_response, token,
    update, user,
};

fn bitpanda(server: &MockServer) -> OnboardingClient {
    ClientBuilder::new(server.uri())
        .retry_policy(quick_policy())
        .bitpanda(token())
        .unwrap()
        .into()
}

fn wealthyhood(server: &MockServer) -> OnboardingClient {
    ClientBuilder::new(server.uri())
        .retry_policy(quick_policy())
        .wealthyhood(token())
        .unwrap()
        .into()
}

fn btcdirect(server: &MockServer) -> OnboardingClient {
    ClientBuilder::new(server.uri())
        .retry_policy(quick_policy())
        .btcdirect(PartnerCredential::api_key(TOKEN).unwrap())
        .unwrap()
        .into()
}

fn identifier() -> UserContext {
    UserContext::identifier(IDENTIFIER).unwrap()
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn wealthyhood_created() -> Value {
    json!({
        "id": "64f0c51e7fb3fc001234a001", "email": "user@example.com", "portfolios": [],
        "createdAt": "2024-10-03T10:30:00Z", "updatedAt": "2024-10-03T10:30:00Z"
    })
}

#[tokio::test]
async fn bitpanda_create_sends_the_mapped_body_with_the_bearer_token() {
    let server = MockServer::start().await;
    let expected =
        serde_json::to_value(onboarding::mapping::bitpanda_request(&user()).unwrap()).unwrap();
    Mock::given(method("POST"))
        .and(path("/v2/users"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(wiremock::matchers::body_json(&expected))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"data": {"id": "bp-1"}})))
        .expect(1)
        .mount(&server)
        .await;
    let created = bitpanda(&server)
        .create_user(&user())
        .await
        .expect("created");
    assert_eq!(
        created,
        CreatedUser::Created {
            provider: onboarding::Provider::Bitpanda,
            id: "bp-1".into(),
            attempts: 1,
            off_spec: false
        }
    );
}

#[tokio::test]
async fn wealthyhood_create_returns_the_object_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(201).set_body_json(wealthyhood_created()))
        .expect(1)
        .mount(&server)
        .await;
    let created = wealthyhood(&server)
        .create_user(&user())
        .await
        .expect("created");
    assert_eq!(created.id(), Some("64f0c51e7fb3fc001234a001"));
}

#[tokio::test]
async fn btcdirect_update_sends_partner_and_user_headers() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/api/v2/user"))
        .and(header("x-api-key", TOKEN))
        .and(header("user-identifier", IDENTIFIER))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"email": "a@b.eu"})))
        .expect(1)
        .mount(&server)
        .await;
    let updated = btcdirect(&server)
        .update_user(&update(), &identifier())
        .await
        .expect("updated");
    assert_eq!(updated.status, 202);
}

#[tokio::test]
async fn an_invalid_user_sends_no_request_at_all() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    let mut bad = user();
    bad.phone = Some("0612 345".into());
    bad.citizenship = Some("gr".into());
    for client in [bitpanda(&server), wealthyhood(&server)] {
        match client.create_user(&bad).await {
            Err(OnboardingError::InvalidInput(report)) => assert!(!report.violations.is_empty()),
            other => panic!("expected invalid input, got {other:?}"),
        }
    }
    let mut bad_update = update();
    bad_update.country = "nl".into();
    assert!(matches!(
        btcdirect(&server)
            .update_user(&bad_update, &identifier())
            .await,
        Err(OnboardingError::InvalidInput(_))
    ));
    assert!(
        requests(&server).await.is_empty(),
        "nothing may leave before validation passes"
    );
}

#[tokio::test]
async fn asking_a_provider_for_what_it_cannot_do_is_a_typed_error() {
    let server = MockServer::start().await;
    let error = btcdirect(&server).create_user(&user()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    let error = bitpanda(&server)
        .update_user(&update(), &identifier())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    let error = wealthyhood(&server)
        .update_user(&update(), &identifier())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unsupported);
    assert!(requests(&server).await.is_empty());
}

/// Serves `status` with `body` to every request and returns the facade's error and the count
/// of requests the server saw.
async fn error_for(provider: &str, status: u16, body: Value) -> (OnboardingError, usize) {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_json(body)
                .insert_header("retry-after", "0"),
        )
        .mount(&server)
        .await;
    let error = match provider {
        "bitpanda" => bitpanda(&server).create_user(&user()).await.unwrap_err(),
        "wealthyhood" => wealthyhood(&server).create_user(&user()).await.unwrap_err(),
        _ => btcdirect(&server)
            .update_user(&update(), &identifier())
            .await
            .unwrap_err(),
    };
    (error, requests(&server).await.len())
}

#[tokio::test]
async fn every_documented_bitpanda_status_maps_to_its_kind() {
    let body =
        json!({"errors": [{"code": "duplicate_external_id", "detail": "Duplicate external_id"}]});
    let table = [
        (400, ErrorKind::Rejected, 1),
        (401, ErrorKind::Unauthorized, 1),
        (404, ErrorKind::Rejected, 1),
        (409, ErrorKind::Conflict, 1),
        (422, ErrorKind::Rejected, 1),
        (429, ErrorKind::RateLimited, 3),
        (500, ErrorKind::ServerError, 3),
        (503, ErrorKind::Unavailable, 3),
    ];
    for (status, kind, attempts) in table {
        let (error, seen) = error_for("bitpanda", status, body.clone()).await;
        assert_eq!(error.kind(), kind, "{status}: {error}");
        assert_eq!(seen, attempts, "{status}: attempts the server saw");
        if kind != ErrorKind::RateLimited && kind != ErrorKind::Unavailable {
            assert_eq!(
                error.provider_codes(),
                ["duplicate_external_id"],
                "{status}"
            );
        }
    }
}

#[tokio::test]
async fn every_wealthyhood_status_maps_to_its_kind() {
    let body = json!({"message": "User already exists", "code": "CONFLICT"});
    let table = [
        (400, ErrorKind::Rejected),
        (401, ErrorKind::Unauthorized),
        (409, ErrorKind::Conflict),
        (500, ErrorKind::ServerError),
        (429, ErrorKind::RateLimited),
        (503, ErrorKind::Unavailable),
        (403, ErrorKind::Unauthorized),
    ];
    for (status, kind) in table {
        let (error, _) = error_for("wealthyhood", status, body.clone()).await;
        assert_eq!(error.kind(), kind, "{status}: {error}");
    }
    let (error, _) = error_for("wealthyhood", 409, body).await;
    assert_eq!(error.provider_codes(), ["CONFLICT"]);
}

/// Every ER code on BTC Direct's page, each in its own 400 body.
#[tokio::test]
async fn every_btcdirect_er_code_maps_to_a_kind_and_field() {
    let codes = [
        "ER001", "ER003", "ER053", "ER059", "ER061", "ER062", "ER063", "ER064", "ER081", "ER083",
        "ER085", "ER090", "ER102", "ER121", "ER122", "ER123", "ER125", "ER126", "ER127", "ER181",
        "ER182", "ER183", "ER184", "ER700", "ER701", "ER702", "ER703", "ER704", "ER705", "ER706",
        "ER707", "ER708", "ER709", "ER800", "ER801", "ER802", "ER803", "ER805", "ER806", "ER999",
    ];
    for code in codes {
        let body = json!({"errors": {code: {"code": code, "message": "m", "solution": "s"}}});
        let (error, seen) = error_for("btcdirect", 400, body).await;
        assert_eq!(seen, 1, "{code}: a 400 is not retried");
        let expected = if code.starts_with("ER7") || code.starts_with("ER8") {
            ErrorKind::Unauthorized
        } else {
            ErrorKind::Rejected
        };
        assert_eq!(error.kind(), expected, "{code}");
        assert_eq!(error.provider_codes(), [code]);
    }
    let body = json!({"errors": {"ER085": {"code": "ER085", "message": "User is not 18 years old yet.", "solution": "s"}}});
    let (error, _) = error_for("btcdirect", 400, body).await;
    assert_eq!(
        error.problems()[0].field,
        Some(("date_of_birth", "dateOfBirth"))
    );
    assert!(
        error
            .to_string()
            .contains("ER085: User is not 18 years old yet. (field date_of_birth / dateOfBirth)")
    );
}

#[tokio::test]
async fn rate_limits_are_retried_after_the_providers_wait_then_succeed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"errors": []})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"data": {"id": "bp-2"}})))
        .mount(&server)
        .await;
    let created = bitpanda(&server)
        .create_user(&user())
        .await
        .expect("created on the retry");
    assert_eq!((created.id(), created.attempts()), (Some("bp-2"), 2));
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn maintenance_then_success_for_an_undocumented_503() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("down for maintenance"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(wealthyhood_created()))
        .mount(&server)
        .await;
    let created = wealthyhood(&server)
        .create_user(&user())
        .await
        .expect("created");
    assert_eq!(created.attempts(), 2);
}

// Timeouts run on Tokio's paused clock against `common::ScriptedServer` (on the test's runtime):
// the server holds the request unanswered, the client's 10 s timeout passes in no real time.

#[tokio::test(start_paused = true)]
async fn an_unanswered_create_is_reported_as_outcome_unknown_and_not_repeated() {
    let server = ScriptedServer::start(|_, _| Reply::Never).await;
    let client = ClientBuilder::new(server.url())
        .retry_policy(quick_policy())
        .timeout(Duration::from_secs(10))
        .wealthyhood(token())
        .unwrap();
    let error = client.create_user(&user()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown, "{error}");
    assert_eq!(error.retry_advice(), RetryAdvice::ReconcileFirst);
    assert_eq!(
        server.seen(),
        1,
        "a create of unknown outcome is never repeated"
    );
}

#[tokio::test(start_paused = true)]
async fn bitpanda_with_external_id_retries_and_a_409_confirms_the_first_attempt() {
    let conflict = json_response(
        409,
        &[],
        &json!({"errors": [{"detail": "Duplicate external_id"}]}),
    );
    let server = ScriptedServer::start(move |_, n| match n {
        1 => Reply::Never,
        _ => Reply::Now(conflict.clone()),
    })
    .await;
    let client = ClientBuilder::new(server.url())
        .retry_policy(quick_policy())
        .timeout(Duration::from_secs(2))
        .bitpanda(token())
        .unwrap();
    assert!(
        user().external_id.is_some(),
        "the fixture carries an external_id"
    );
    let created = client
        .create_user(&user())
        .await
        .expect("the first attempt created the user");
    assert_eq!(
        created,
        CreatedUser::ConfirmedExisting {
            provider: onboarding::Provider::Bitpanda,
            attempts: 2
        }
    );
}

#[tokio::test(start_paused = true)]
async fn btcdirect_patch_is_retried_after_a_timeout() {
    let accepted = json_response(202, &[], &json!({}));
    let server = ScriptedServer::start(move |_, n| match n {
        1 => Reply::Never,
        _ => Reply::Now(accepted.clone()),
    })
    .await;
    let client = ClientBuilder::new(server.url())
        .retry_policy(quick_policy())
        .timeout(Duration::from_secs(2))
        .btcdirect(PartnerCredential::api_key(TOKEN).unwrap())
        .unwrap();
    let updated = client
        .update_user(&update(), &identifier())
        .await
        .expect("updated on the retry");
    assert_eq!(updated.attempts, 2);
    assert_eq!(server.seen(), 2);
}

#[tokio::test]
async fn a_refused_connection_is_retried_up_to_the_limit_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client = ClientBuilder::new(format!("http://{address}"))
        .retry_policy(quick_policy())
        .wealthyhood(token())
        .unwrap();
    match client.create_user(&user()).await {
        Err(OnboardingError::Transport { attempts, .. }) => assert_eq!(attempts, 3),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_201_without_a_readable_id_is_outcome_unknown_to_reconcile_and_masked() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_string("<html>user jean@example.com +33123123412</html>"),
        )
        .mount(&server)
        .await;
    let error = bitpanda(&server).create_user(&user()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown, "{error}");
    assert_eq!(error.retry_advice(), RetryAdvice::ReconcileFirst);
    let shown = error.to_string();
    assert!(
        !shown.contains("jean@example.com") && !shown.contains("123123412"),
        "{shown}"
    );
}

#[test]
fn plain_http_to_a_remote_host_is_refused_unless_opted_in() {
    let error = ClientBuilder::new("http://api.example.com")
        .bitpanda(token())
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidConfiguration);
    assert!(
        ClientBuilder::new("http://api.example.com")
            .allow_insecure_http(true)
            .bitpanda(token())
            .is_ok()
    );
}

#[test]
fn the_client_debug_shows_no_credential() {
    let client = ClientBuilder::new("https://api.example.com")
        .bitpanda(token())
        .unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    let error = onboarding::FixedToken::new("bad\ntoken").unwrap_err();
    assert!(!error.to_string().contains("bad"), "{error}");
}

#[tokio::test]
async fn a_redirect_is_not_followed_so_the_credential_never_reaches_another_host() {
    let (server, elsewhere) = common::redirecting_server().await;
    let error = bitpanda(&server).create_user(&user()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnexpectedResponse, "{error}");
    assert_eq!(requests(&server).await.len(), 1);
    assert!(
        requests(&elsewhere).await.is_empty(),
        "the redirect target must never be contacted"
    );
}
