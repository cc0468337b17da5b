//! Credentials that renew themselves, over real loopback HTTP: token endpoints and providers are
//! `wiremock` servers that count every request. Expiry runs on Tokio's paused clock
//! (`start_paused`, `advance`); the facade clients share one HTTP client built without timers
//! (no timeout, no idle-pool reaper), so nothing but the test moves the clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use onboarding::credentials::TokenError;
use onboarding::{
    BitpandaClient, BtcDirectClient, BtcDirectLogin, ClientBuilder, ClientCredentials, ErrorKind,
    FixedToken, OnboardingError, PartnerAuth, RetryPolicy, UserContext,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common;

use common::{IDENTIFIER, update, user};

const CLIENT_SECRET: &str = "client-secret-5f3a";
const PASSWORD: &str = "partner-password-9c1e";

/// An HTTP client with no timers of its own, so the paused clock only moves when a test says.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(None)
        .build()
        .expect("HTTP client")
}

/// Two attempts, no backoff: room for one renewal (it counts as an attempt).
fn builder(server: &MockServer) -> ClientBuilder {
    ClientBuilder::new(server.uri())
        .http_client(http())
        .retry_policy(
            RetryPolicy::never()
                .with_max_attempts(2)
                .with_initial_backoff(Duration::ZERO),
        )
}

/// A token endpoint at `/oauth/token` handing out `token-1`, `token-2`, … valid `expires_in`
/// seconds each.
async fn oauth_server(expires_in: u64) -> MockServer {
    let server = MockServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(move |_: &Request| {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200).set_body_json(json!({
                "access_token": format!("token-{n}"),
                "token_type": "Bearer",
                "expires_in": expires_in,
            }))
        })
        .mount(&server)
        .await;
    server
}

/// A provider answering `success` to a request carrying one of `accepted` as its bearer token,
/// and `refusal` to any other.
async fn provider(
    verb: &str,
    accepted: &'static [&'static str],
    success: ResponseTemplate,
    refusal: ResponseTemplate,
) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .respond_with(move |request: &Request| {
            let token = bearer(request);
            if accepted.iter().any(|a| Some(*a) == token.as_deref()) {
                success.clone()
            } else {
                refusal.clone()
            }
        })
        .mount(&server)
        .await;
    server
}

fn bitpanda_created() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(json!({"data": {"id": "bp-1"}}))
}

fn unauthorized() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_json(json!({"errors": [{"status": "401"}]}))
}

fn bearer(request: &Request) -> Option<String> {
    let value = request.headers.get("authorization")?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::to_owned)
}

async fn requests_to(server: &MockServer, route: &str) -> Vec<Request> {
    let all = server.received_requests().await.expect("recording on");
    all.into_iter().filter(|r| r.url.path() == route).collect()
}

fn form(request: &Request) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!(
        "http://form/?{}",
        String::from_utf8_lossy(&request.body)
    ))
    .unwrap()
    .query_pairs()
    .into_owned()
    .collect()
}

fn bitpanda(provider: &MockServer, tokens: &MockServer) -> BitpandaClient {
    let token_url = format!("{}/oauth/token", tokens.uri());
    builder(provider)
        .bitpanda(ClientCredentials::new(&token_url, "client-1", CLIENT_SECRET).unwrap())
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_cached_token_serves_every_call_until_it_is_due() {
    let tokens = oauth_server(600).await;
    let server = provider("POST", &["token-1"], bitpanda_created(), unauthorized()).await;
    let client = bitpanda(&server, &tokens);
    for _ in 0..3 {
        client.create_user(&user()).await.expect("created");
    }
    let token_requests = requests_to(&tokens, "/oauth/token").await;
    assert_eq!(token_requests.len(), 1, "one token for three calls");
    let sent = form(&token_requests[0]);
    for pair in [
        ("grant_type", "client_credentials"),
        ("client_id", "client-1"),
        ("client_secret", CLIENT_SECRET),
    ] {
        assert!(sent.contains(&(pair.0.into(), pair.1.into())), "{pair:?}");
    }
    let calls = requests_to(&server, "/v2/users").await;
    assert_eq!(calls.len(), 3);
    assert!(
        calls
            .iter()
            .all(|r| bearer(r).as_deref() == Some("token-1"))
    );
}

/// A Bitpanda client whose token endpoint hands out 600 s tokens and whose provider accepts the
/// first two, after one create: `(token endpoint, provider, client)`.
async fn created_with_a_first_token() -> (MockServer, MockServer, BitpandaClient) {
    let tokens = oauth_server(600).await;
    let accepted = &["token-1", "token-2"];
    let server = provider("POST", accepted, bitpanda_created(), unauthorized()).await;
    let client = bitpanda(&server, &tokens);
    client.create_user(&user()).await.expect("created");
    (tokens, server, client)
}

#[tokio::test(start_paused = true)]
async fn a_token_is_renewed_a_minute_before_it_expires() {
    let (tokens, server, client) = created_with_a_first_token().await;
    tokio::time::advance(Duration::from_secs(539)).await;
    client.create_user(&user()).await.expect("created");
    assert_eq!(requests_to(&tokens, "/oauth/token").await.len(), 1);
    tokio::time::advance(Duration::from_secs(2)).await;
    client.create_user(&user()).await.expect("created");
    assert_eq!(
        requests_to(&tokens, "/oauth/token").await.len(),
        2,
        "renewed 60 s before the 600 s expiry"
    );
    let calls = requests_to(&server, "/v2/users").await;
    let used: Vec<Option<String>> = calls.iter().map(bearer).collect();
    assert_eq!(
        used,
        [
            Some("token-1".into()),
            Some("token-1".into()),
            Some("token-2".into())
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_early_renewal_keeps_using_the_token_until_it_expires() {
    let tokens = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "token-1", "token_type": "Bearer", "expires_in": 600
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&tokens)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&tokens)
        .await;
    let server = provider("POST", &["token-1"], bitpanda_created(), unauthorized()).await;
    let client = bitpanda(&server, &tokens);
    client.create_user(&user()).await.expect("created");
    tokio::time::advance(Duration::from_secs(570)).await;
    client
        .create_user(&user())
        .await
        .expect("the token is due for renewal but still valid");
    assert_eq!(tokens.received_requests().await.unwrap().len(), 2);
    tokio::time::advance(Duration::from_secs(31)).await;
    let error = client.create_user(&user()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::CredentialUnavailable, "{error}");
    assert_eq!(requests_to(&server, "/v2/users").await.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn sixty_four_concurrent_calls_at_expiry_make_exactly_one_token_request() {
    let (tokens, server, client) = created_with_a_first_token().await;
    tokio::time::advance(Duration::from_secs(601)).await;
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let client = client.clone();
        calls.spawn(async move { client.create_user(&user()).await });
    }
    while let Some(done) = calls.join_next().await {
        done.expect("task").expect("created");
    }
    assert_eq!(requests_to(&tokens, "/oauth/token").await.len(), 2);
    let sent = requests_to(&server, "/v2/users").await;
    assert_eq!(sent.len(), 65);
    assert!(
        sent[1..]
            .iter()
            .all(|r| bearer(r).as_deref() == Some("token-2"))
    );
}

#[tokio::test]
async fn a_refused_token_is_renewed_once_and_the_request_sent_again() {
    let tokens = oauth_server(600).await;
    let server = provider("POST", &["token-2"], bitpanda_created(), unauthorized()).await;
    let created = bitpanda(&server, &tokens)
        .create_user(&user())
        .await
        .expect("created with the renewed token");
    assert_eq!(created.id(), Some("bp-1"));
    assert_eq!(created.attempts(), 2, "the refused attempt counts");
    assert_eq!(requests_to(&tokens, "/oauth/token").await.len(), 2);
    let used: Vec<Option<String>> = requests_to(&server, "/v2/users")
        .await
        .iter()
        .map(bearer)
        .collect();
    assert_eq!(used, [Some("token-1".into()), Some("token-2".into())]);
}

#[tokio::test]
async fn a_second_refusal_is_unauthorized() {
    let tokens = oauth_server(600).await;
    let server = provider("POST", &[], bitpanda_created(), unauthorized()).await;
    let error = bitpanda(&server, &tokens)
        .create_user(&user())
        .await
        .unwrap_err();
    assert!(
        matches!(error, OnboardingError::Unauthorized { status: 401, .. }),
        "{error:?}"
    );
    assert_eq!(requests_to(&tokens, "/oauth/token").await.len(), 2);
    assert_eq!(requests_to(&server, "/v2/users").await.len(), 2);
}

#[tokio::test]
async fn a_refused_fixed_token_is_not_sent_again() {
    let server = provider("POST", &[], bitpanda_created(), unauthorized()).await;
    let client = builder(&server)
        .bitpanda(FixedToken::new("fixed-token").unwrap())
        .unwrap();
    let error = client.create_user(&user()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized, "{error}");
    assert_eq!(requests_to(&server, "/v2/users").await.len(), 1);
}

#[tokio::test]
async fn a_token_endpoint_that_is_down_is_a_typed_error_and_nothing_is_sent() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let token_url = format!("http://{}/oauth/token", closed.local_addr().unwrap());
    drop(closed);
    let server = provider("POST", &["token-1"], bitpanda_created(), unauthorized()).await;
    let client = builder(&server)
        .bitpanda(ClientCredentials::new(&token_url, "client-1", CLIENT_SECRET).unwrap())
        .unwrap();
    match client.create_user(&user()).await {
        Err(OnboardingError::CredentialUnavailable {
            error: TokenError::Unreachable { .. },
            ..
        }) => {}
        other => panic!("expected an unreachable token endpoint, got {other:?}"),
    }
    assert!(
        requests_to(&server, "/v2/users").await.is_empty(),
        "no request without a credential"
    );
}

#[tokio::test]
async fn a_token_url_where_nothing_answers_names_the_url_not_the_credentials() {
    // A wrong Auth0 issuer: the server answers 404 at its `/oauth/token`.
    let tokens = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(404).set_body_string("Not Found"))
        .mount(&tokens)
        .await;
    let server = provider("POST", &["token-1"], bitpanda_created(), unauthorized()).await;
    let issuer = format!("{}/wrong-tenant", tokens.uri());
    let credentials =
        ClientCredentials::auth0(&issuer, "https://api.example", "client-1", CLIENT_SECRET);
    let client = builder(&server).bitpanda(credentials.unwrap()).unwrap();
    let error = client.create_user(&user()).await.unwrap_err();
    let expected = format!(
        "no token endpoint at {}/wrong-tenant/oauth/token (check the issuer or token URL)",
        tokens.uri()
    );
    match &error {
        OnboardingError::CredentialUnavailable {
            error: token_error @ TokenError::NotFound { .. },
            ..
        } => assert_eq!(token_error.to_string(), expected),
        other => panic!("expected no token endpoint, got {other:?}"),
    }
    let text = error.to_string();
    assert!(text.contains(&expected), "{text}");
    assert!(
        !text.contains(CLIENT_SECRET) && !text.contains("client-1"),
        "{text}"
    );
    assert_eq!(error.retry_advice(), onboarding::RetryAdvice::DoNotRetry);
    assert!(requests_to(&server, "/v2/users").await.is_empty());
}

#[tokio::test]
async fn calls_meeting_a_failing_token_endpoint_share_one_request_and_send_nothing() {
    let tokens = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_string("maintenance")
                .set_delay(Duration::from_millis(50)),
        )
        .mount(&tokens)
        .await;
    let server = provider("POST", &["token-1"], bitpanda_created(), unauthorized()).await;
    let client = bitpanda(&server, &tokens);
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let client = client.clone();
        calls.spawn(async move { client.create_user(&user()).await });
    }
    while let Some(done) = calls.join_next().await {
        let error = done.expect("task").unwrap_err();
        assert!(
            matches!(
                error,
                OnboardingError::CredentialUnavailable {
                    error: TokenError::Unusable {
                        status: Some(503),
                        ..
                    },
                    ..
                }
            ),
            "{error:?}"
        );
    }
    assert_eq!(tokens.received_requests().await.unwrap().len(), 1);
    assert!(requests_to(&server, "/v2/users").await.is_empty());
}

#[tokio::test]
async fn refused_client_credentials_carry_the_oauth_code_and_never_the_secret() {
    let tokens = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": format!("bad secret {CLIENT_SECRET}")
        })))
        .mount(&tokens)
        .await;
    let server = provider("POST", &["token-1"], bitpanda_created(), unauthorized()).await;
    let error = bitpanda(&server, &tokens)
        .create_user(&user())
        .await
        .unwrap_err();
    match &error {
        OnboardingError::CredentialUnavailable {
            error: TokenError::Refused { status, codes },
            ..
        } => assert_eq!(
            (*status, codes.as_slice()),
            (401, ["invalid_client".into()].as_slice())
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(CLIENT_SECRET), "{shown}");
    assert!(requests_to(&server, "/v2/users").await.is_empty());
}

#[tokio::test]
async fn wealthyhood_asks_auth0_with_its_audience() {
    let tokens = oauth_server(86_400).await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(201).set_body_json(common::wealthyhood_created()))
        .mount(&server)
        .await;
    let client = builder(&server)
        .wealthyhood(
            ClientCredentials::auth0(
                &format!("{}/", tokens.uri()),
                "https://api.wealthyhood.com",
                "client-2",
                CLIENT_SECRET,
            )
            .unwrap(),
        )
        .unwrap();
    client.create_user(&user()).await.expect("created");
    let asked = requests_to(&tokens, "/oauth/token").await;
    assert_eq!(asked.len(), 1);
    assert!(form(&asked[0]).contains(&("audience".into(), "https://api.wealthyhood.com".into())));
    let sent = requests_to(&server, "/users").await;
    assert_eq!(bearer(&sent[0]).as_deref(), Some("token-1"));
}

/// A BTC Direct stand-in: `authenticate` hands out `partner-1`, `partner-2`, …; `refresh`
/// answers `refresh` (a template) and counts; the PATCH accepts `accepted` partner tokens and
/// answers ER801 to any other.
async fn btcdirect_server(
    accepted: &'static [&'static str],
    refresh: Arc<dyn Fn(&Request) -> ResponseTemplate + Send + Sync>,
) -> MockServer {
    let server = MockServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&issued);
    Mock::given(method("POST"))
        .and(path("/api/v1/authenticate"))
        .respond_with(move |_: &Request| {
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            ResponseTemplate::new(200).set_body_json(
                json!({"token": format!("partner-{n}"), "refreshToken": format!("refresh-{n}")}),
            )
        })
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/refresh"))
        .respond_with(move |request: &Request| refresh(request))
        .mount(&server)
        .await;
    let expired = ResponseTemplate::new(400).set_body_json(json!({"errors": {"ER801": {
        "code": "ER801",
        "message": "Authorization token has expired.",
        "solution": "Request a new authorization token."
    }}}));
    Mock::given(method("PATCH"))
        .respond_with(move |request: &Request| {
            let token = bearer(request);
            if accepted.iter().any(|a| Some(*a) == token.as_deref()) {
                ResponseTemplate::new(202).set_body_json(json!({}))
            } else {
                expired.clone()
            }
        })
        .mount(&server)
        .await;
    server
}

fn btcdirect(server: &MockServer) -> BtcDirectClient {
    builder(server)
        .btcdirect(BtcDirectLogin::new("partner-user", PASSWORD))
        .unwrap()
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("JSON body")
}

#[tokio::test]
async fn a_btcdirect_base_url_without_a_login_route_names_the_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let context = UserContext::identifier(IDENTIFIER).unwrap();
    let error = btcdirect(&server)
        .update_user(&update(), &context)
        .await
        .unwrap_err();
    let text = error.to_string();
    let expected = format!(
        "no token endpoint at {}/api/v1/authenticate (check the issuer or token URL)",
        server.uri()
    );
    assert!(text.contains(&expected), "{text}");
    assert!(
        !text.contains(PASSWORD) && !text.contains("partner-user"),
        "{text}"
    );
    assert!(requests_to(&server, "/api/v2/user").await.is_empty());
}

#[tokio::test(start_paused = true)]
async fn btcdirect_logs_in_then_refreshes_with_the_refresh_token() {
    let refresh = Arc::new(|_: &Request| {
        ResponseTemplate::new(200)
            .set_body_json(json!({"token": "partner-refreshed", "refreshToken": "refresh-2"}))
    });
    let server = btcdirect_server(&["partner-1", "partner-refreshed"], refresh).await;
    let client = btcdirect(&server);
    let context = UserContext::identifier(IDENTIFIER).unwrap();
    client
        .update_user(&update(), &context)
        .await
        .expect("updated");
    tokio::time::advance(Duration::from_secs(3541)).await;
    client
        .update_user(&update(), &context)
        .await
        .expect("updated");

    let logins = requests_to(&server, "/api/v1/authenticate").await;
    assert_eq!(logins.len(), 1);
    assert_eq!(
        body(&logins[0]),
        json!({"username": "partner-user", "password": PASSWORD})
    );
    assert!(
        bearer(&logins[0]).is_none(),
        "authenticate carries no token"
    );
    let refreshes = requests_to(&server, "/api/v1/refresh").await;
    assert_eq!(refreshes.len(), 1, "renewed a minute before the hour");
    assert_eq!(body(&refreshes[0]), json!({"refreshToken": "refresh-1"}));
    let patches = requests_to(&server, "/api/v2/user").await;
    let used: Vec<Option<String>> = patches.iter().map(bearer).collect();
    assert_eq!(
        used,
        [Some("partner-1".into()), Some("partner-refreshed".into())]
    );
    assert!(
        patches
            .iter()
            .all(|r| r.headers.get("user-identifier").is_some())
    );
}

#[tokio::test]
async fn btcdirect_er801_renews_and_a_refused_refresh_falls_back_to_authenticate() {
    let refresh = Arc::new(|_: &Request| {
        ResponseTemplate::new(401).set_body_json(json!({"errors": {"ER800": {
            "code": "ER800", "message": "Authorization token is invalid.", "solution": "-"
        }}}))
    });
    let server = btcdirect_server(&["partner-2"], refresh).await;
    let context = UserContext::identifier(IDENTIFIER).unwrap();
    let updated = btcdirect(&server)
        .update_user(&update(), &context)
        .await
        .expect("updated after one renewal");
    assert_eq!(updated.attempts, 2);
    assert_eq!(requests_to(&server, "/api/v1/refresh").await.len(), 1);
    assert_eq!(requests_to(&server, "/api/v1/authenticate").await.len(), 2);
    let used: Vec<Option<String>> = requests_to(&server, "/api/v2/user")
        .await
        .iter()
        .map(bearer)
        .collect();
    assert_eq!(used, [Some("partner-1".into()), Some("partner-2".into())]);
}

#[tokio::test]
async fn one_shared_http_client_carries_every_provider_and_token_request() {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-service", "onboarding-test".parse().unwrap());
    let shared = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap();
    let tokens = oauth_server(600).await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/users"))
        .respond_with(bitpanda_created())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(201).set_body_json(common::wealthyhood_created()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/authenticate"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"token": "p", "refreshToken": "r"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({})))
        .mount(&server)
        .await;
    let token_url = format!("{}/oauth/token", tokens.uri());
    let credentials = ClientCredentials::new(&token_url, "client-1", CLIENT_SECRET).unwrap();
    let setup = || ClientBuilder::new(server.uri()).http_client(shared.clone());
    let bitpanda = setup().bitpanda(credentials.clone()).unwrap();
    let wealthyhood = setup().wealthyhood(credentials).unwrap();
    let btcdirect = setup()
        .btcdirect(PartnerAuth::tokens(BtcDirectLogin::new("u", PASSWORD)))
        .unwrap();
    bitpanda.create_user(&user()).await.expect("bitpanda");
    wealthyhood.create_user(&user()).await.expect("wealthyhood");
    let context = UserContext::identifier(IDENTIFIER).unwrap();
    btcdirect
        .update_user(&update(), &context)
        .await
        .expect("btcdirect");
    let mut seen = server.received_requests().await.unwrap();
    seen.extend(tokens.received_requests().await.unwrap());
    assert_eq!(seen.len(), 6, "3 provider calls, 2 OAuth tokens, 1 login");
    assert!(
        seen.iter().all(|r| r
            .headers
            .get("x-service")
            .is_some_and(|v| v == "onboarding-test")),
        "every request went through the service's client"
    );
}

#[tokio::test]
async fn a_timeout_asked_of_the_builder_bounds_every_request_of_a_supplied_client() {
    let slow = |body: Value| {
        ResponseTemplate::new(200)
            .set_body_json(body)
            .set_delay(Duration::from_secs(5))
    };
    let tokens = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(slow(json!({"access_token": "token-1"})))
        .mount(&tokens)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(slow(json!({"data": {"id": "bp-1"}})))
        .mount(&server)
        .await;
    let token_url = format!("{}/oauth/token", tokens.uri());
    let client = builder(&server)
        .timeout(Duration::from_millis(100))
        .bitpanda(ClientCredentials::new(&token_url, "client-1", CLIENT_SECRET).unwrap())
        .unwrap();
    match client.create_user(&user()).await {
        Err(OnboardingError::CredentialUnavailable {
            error: TokenError::Unreachable { detail },
            ..
        }) => assert_eq!(detail, "timed out"),
        other => panic!("expected the token request to time out, got {other:?}"),
    }
    let fixed = builder(&server)
        .timeout(Duration::from_millis(100))
        .bitpanda(FixedToken::new("fixed-token").unwrap())
        .unwrap();
    let error = fixed.create_user(&user()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown, "{error}");
}

#[tokio::test]
async fn a_redirect_followed_by_a_supplied_client_is_not_taken_and_loses_the_token() {
    let (server, elsewhere) = common::redirecting_server().await;
    let following = reqwest::Client::new();
    let client = ClientBuilder::new(server.uri())
        .http_client(following)
        .retry_policy(RetryPolicy::never())
        .bitpanda(FixedToken::new("fixed-token").unwrap())
        .unwrap();
    let error = client.create_user(&user()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnexpectedResponse, "{error}");
    let reached = elsewhere.received_requests().await.unwrap();
    assert_eq!(reached.len(), 1, "this client follows redirects");
    assert!(
        reached[0].headers.get("authorization").is_none(),
        "the bearer token never reaches another host"
    );
}

#[test]
fn secrets_never_show_in_debug_or_display() {
    let credentials =
        ClientCredentials::auth0("https://issuer.example", "aud", "id", CLIENT_SECRET).unwrap();
    let login = BtcDirectLogin::new("partner-user", PASSWORD);
    let fixed = FixedToken::new("fixed-secret-token").unwrap();
    let token = onboarding::credentials::AccessToken::new("access-secret-token", None);
    let client = ClientBuilder::new("https://api.example.com")
        .bitpanda(credentials.clone())
        .unwrap();
    let partner = PartnerAuth::from(BtcDirectLogin::new("partner-user", PASSWORD));
    let shown = format!("{credentials:?} {login:?} {fixed:?} {token:?} {client:?} {partner:?}");
    for secret in [
        CLIENT_SECRET,
        PASSWORD,
        "partner-user",
        "fixed-secret-token",
        "access-secret-token",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let refused = ClientCredentials::new("http://example.com/token", "id", CLIENT_SECRET)
        .unwrap_err()
        .to_string();
    assert!(refused.contains("plain http://"), "{refused}");
    let empty = ClientCredentials::new("https://example.com/token", "id", " ").unwrap_err();
    assert!(matches!(empty, TokenError::InvalidConfiguration { .. }));
}
