//! One call, one budget: `max_attempts` and `max_total` hold for the whole call, a token renewal
//! included, and every attempt reads its token from the cache. The provider and its token
//! endpoint are `wiremock` servers on loopback answering a script, one answer per request; the
//! waits run on Tokio's paused clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use onboarding::{BitpandaClient, ClientBuilder, ClientCredentials, OnboardingError, RetryPolicy};
use serde_json::json;
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::user;

/// An HTTP client with no timers of its own, so the paused clock only moves when a test says.
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(None)
        .build()
        .expect("HTTP client")
}

/// No backoff spread, so every wait is exactly the provider's `Retry-After`.
fn policy(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(max_attempts)
        .with_initial_backoff(Duration::ZERO)
        .with_max_retry_after(Duration::from_secs(600))
        .with_max_total(Duration::from_secs(3600))
}

/// A server answering requests to `route` with `script`, in order; past its end, the last answer.
async fn scripted(verb: &str, route: &str, script: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    let next = Arc::new(AtomicUsize::new(0));
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(move |_: &Request| {
            let n = next.fetch_add(1, Ordering::SeqCst);
            script[n.min(script.len() - 1)].clone()
        })
        .mount(&server)
        .await;
    server
}

/// A token endpoint handing out `token-1`, `token-2`, … valid `expires_in` seconds each.
async fn tokens(expires_in: u64) -> MockServer {
    let script = (1..=8).map(|n| token(n, expires_in)).collect();
    scripted("POST", "/oauth/token", script).await
}

fn token(n: usize, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": format!("token-{n}"),
        "token_type": "Bearer",
        "expires_in": expires_in,
    }))
}

fn created() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(json!({"data": {"id": "bp-1"}}))
}

fn unauthorized() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_json(json!({"errors": [{"status": "401"}]}))
}

fn too_many(retry_after_s: u64) -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("retry-after", retry_after_s.to_string())
        .set_body_json(json!({"errors": [{"status": "429"}]}))
}

fn client(provider: &MockServer, tokens: &MockServer, policy: RetryPolicy) -> BitpandaClient {
    let credentials = ClientCredentials::new(
        &format!("{}/oauth/token", tokens.uri()),
        "client-id",
        "client-secret",
    )
    .expect("credentials");
    ClientBuilder::new(provider.uri())
        .http_client(http())
        .retry_policy(policy)
        .bitpanda(credentials)
        .expect("client")
}

/// The bearer tokens the provider received, in order.
async fn bearers(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.expect("recording on");
    requests
        .iter()
        .filter(|r| r.url.path() == "/v2/users")
        .map(|r| {
            let value = r.headers.get("authorization").expect("authorized");
            let value = value.to_str().expect("ASCII");
            value.strip_prefix("Bearer ").expect("bearer").to_owned()
        })
        .collect()
}

async fn token_requests(server: &MockServer) -> usize {
    let requests = server.received_requests().await.expect("recording on");
    requests.len()
}

#[tokio::test(start_paused = true)]
async fn throttled_twice_then_refused_stops_at_max_attempts() {
    // The case: 429, 429, 401 with three attempts in all. The 401 comes on the last
    // attempt, so there is no budget left to renew: exactly three requests.
    let tokens = tokens(3600).await;
    let script = vec![too_many(1), too_many(1), unauthorized(), created()];
    let provider = scripted("POST", "/v2/users", script).await;
    let error = client(&provider, &tokens, policy(3))
        .create_user(&user())
        .await
        .expect_err("the budget is spent on the refusal");
    assert!(
        matches!(error, OnboardingError::Unauthorized { status: 401, .. }),
        "{error:?}"
    );
    assert_eq!(bearers(&provider).await, ["token-1"; 3]);
    assert_eq!(
        token_requests(&tokens).await,
        1,
        "no renewal without budget"
    );
}

#[tokio::test(start_paused = true)]
async fn the_token_refused_on_the_last_attempt_is_dropped_for_the_next_call() {
    let tokens = tokens(3600).await;
    let script = vec![too_many(1), unauthorized(), created()];
    let provider = scripted("POST", "/v2/users", script).await;
    let client = client(&provider, &tokens, policy(2));
    client.create_user(&user()).await.expect_err("spent");
    let created = client.create_user(&user()).await.expect("created");
    assert_eq!(created.attempts(), 1);
    assert_eq!(bearers(&provider).await, ["token-1", "token-1", "token-2"]);
}

#[tokio::test(start_paused = true)]
async fn a_renewal_then_throttling_share_one_budget() {
    // 401, then 429s: the renewal's attempt and the retries after it count against the same
    // three attempts, so the fourth answer (a success) is never asked for.
    let tokens = tokens(3600).await;
    let script = vec![unauthorized(), too_many(1), too_many(1), created()];
    let provider = scripted("POST", "/v2/users", script).await;
    let error = client(&provider, &tokens, policy(3))
        .create_user(&user())
        .await
        .expect_err("three attempts in all");
    assert!(
        matches!(error, OnboardingError::RateLimited { attempts: 3, .. }),
        "{error:?}"
    );
    assert_eq!(bearers(&provider).await, ["token-1", "token-2", "token-2"]);
    assert_eq!(token_requests(&tokens).await, 2);
}

#[tokio::test(start_paused = true)]
async fn throttling_then_a_renewal_within_the_budget_succeeds() {
    let tokens = tokens(3600).await;
    let script = vec![too_many(1), unauthorized(), created()];
    let provider = scripted("POST", "/v2/users", script).await;
    let created = client(&provider, &tokens, policy(3))
        .create_user(&user())
        .await
        .expect("created on the third attempt");
    assert_eq!(created.attempts(), 3);
    assert_eq!(bearers(&provider).await, ["token-1", "token-1", "token-2"]);
}

#[tokio::test(start_paused = true)]
async fn a_refused_renewal_ends_the_call_with_the_token_error() {
    // The provider refuses the token; the token endpoint then refuses the client: the call ends
    // with the credential error, and nothing more is sent.
    let refused = ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_client"}));
    let tokens = scripted("POST", "/oauth/token", vec![token(1, 3600), refused]).await;
    let provider = scripted("POST", "/v2/users", vec![unauthorized(), created()]).await;
    let error = client(&provider, &tokens, policy(5))
        .create_user(&user())
        .await
        .expect_err("no token to send");
    assert!(
        matches!(error, OnboardingError::CredentialUnavailable { .. }),
        "{error:?}"
    );
    assert_eq!(bearers(&provider).await, ["token-1"]);
    assert_eq!(token_requests(&tokens).await, 2);
}

#[tokio::test(start_paused = true)]
async fn a_second_refusal_stands_however_large_the_budget() {
    let tokens = tokens(3600).await;
    let provider = scripted("POST", "/v2/users", vec![unauthorized()]).await;
    let error = client(&provider, &tokens, policy(10))
        .create_user(&user())
        .await
        .expect_err("refused twice");
    assert!(
        matches!(error, OnboardingError::Unauthorized { .. }),
        "{error:?}"
    );
    assert_eq!(bearers(&provider).await, ["token-1", "token-2"]);
}

#[tokio::test(start_paused = true)]
async fn max_total_counts_from_the_first_attempt_across_a_renewal() {
    // 10 s in all. 429 (wait 6 s), 401 at 6 s (renew, no wait), 429 asking 6 s more: that wait
    // would end at 12 s, past the budget, so the call ends at 6 s after three requests, although
    // attempts are left and the fourth answer would be a success.
    let tokens = tokens(3600).await;
    let script = vec![too_many(6), unauthorized(), too_many(6), created()];
    let provider = scripted("POST", "/v2/users", script).await;
    let policy = policy(10).with_max_total(Duration::from_secs(10));
    let started = Instant::now();
    let error = client(&provider, &tokens, policy)
        .create_user(&user())
        .await
        .expect_err("out of time");
    // `tokio::time::Instant` on the paused clock: the Tokio time the waits took, not the machine's.
    let elapsed = started.elapsed();
    assert!(
        matches!(error, OnboardingError::RateLimited { attempts: 3, .. }),
        "{error:?}"
    );
    assert_eq!(bearers(&provider).await, ["token-1", "token-1", "token-2"]);
    assert!(
        elapsed >= Duration::from_secs(6) && elapsed < Duration::from_secs(7),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_token_that_expires_during_a_long_wait_is_renewed_before_the_next_attempt() {
    // Tokens live 90 s; the provider asks to wait 100 s. The retry after the wait carries a
    // renewed token, never the one that expired meanwhile.
    let tokens = tokens(90).await;
    let provider = scripted("POST", "/v2/users", vec![too_many(100), created()]).await;
    let created = client(&provider, &tokens, policy(3))
        .create_user(&user())
        .await
        .expect("created after the wait");
    assert_eq!(created.attempts(), 2);
    assert_eq!(bearers(&provider).await, ["token-1", "token-2"]);
    assert_eq!(token_requests(&tokens).await, 2);
}
