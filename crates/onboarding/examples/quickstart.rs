//! A first run with no credentials: starts an in-process loopback server that answers like the
//! three providers, then registers the fixture user with Bitpanda and Wealthyhood and updates it
//! with BTC Direct through the one facade.
//!
//! ```text
//! cargo run -p onboarding --example quickstart
//! ```

use onboarding::{
    BtcDirectLogin, ClientCredentials, NewUser, OnboardingClient, UserContext, UserUpdate,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Mounts a `POST` answering `status` with `body` at `route`.
async fn answer(
    server: &MockServer,
    verb: &str,
    route: &str,
    status: u16,
    body: serde_json::Value,
) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    let granted =
        json!({"access_token": "demo-access-token", "token_type": "Bearer", "expires_in": 600});
    answer(&server, "POST", "/oauth/token", 200, granted).await;
    let partner = json!({"token": "demo-partner-token", "refreshToken": "demo-refresh-token"});
    answer(&server, "POST", "/api/v1/authenticate", 200, partner).await;
    answer(
        &server,
        "POST",
        "/v2/users",
        201,
        json!({"data": {"id": "bp-1001"}}),
    )
    .await;
    let wealthyhood_created = json!({
        "id": "64f0c51e7fb3fc001234a001", "email": "demo@example.com", "portfolios": [],
        "createdAt": "2024-10-03T10:30:00Z", "updatedAt": "2024-10-03T10:30:00Z"
    });
    answer(&server, "POST", "/users", 201, wealthyhood_created).await;
    answer(&server, "PATCH", "/api/v2/user", 202, json!({})).await;
    println!("stand-in providers listening on {}", server.uri());

    let user: NewUser = serde_json::from_str(include_str!("../tests/fixtures/user.json"))?;
    let update: UserUpdate = serde_json::from_str(include_str!("../tests/fixtures/update.json"))?;

    // One connection pool for the three providers (and their token endpoints).
    let http = client_support::http_client(std::time::Duration::from_secs(15))?;
    let token_url = format!("{}/oauth/token", server.uri());

    let bitpanda = OnboardingClient::builder(server.uri())
        .http_client(http.clone())
        .bitpanda(ClientCredentials::new(
            &token_url,
            "demo-client",
            "demo-secret",
        )?)?;
    let created = bitpanda.create_user(&user).await?;
    println!(
        "bitpanda    created user {:?} in {} attempt(s)",
        created.id(),
        created.attempts()
    );

    let wealthyhood = OnboardingClient::builder(server.uri())
        .http_client(http.clone())
        .wealthyhood(ClientCredentials::auth0(
            &server.uri(),
            "https://api.wealthyhood.com",
            "demo-client",
            "demo-secret",
        )?)?;
    let created = wealthyhood.create_user(&user).await?;
    println!(
        "wealthyhood created user {:?} in {} attempt(s)",
        created.id(),
        created.attempts()
    );

    let btcdirect = OnboardingClient::builder(server.uri())
        .http_client(http)
        .btcdirect(BtcDirectLogin::new("demo-partner", "demo-password"))?;
    let context = UserContext::identifier("0f8fad5bd9cb469fa16570867728950e0f8f")?;
    let updated = btcdirect.update_user(&update, &context).await?;
    println!("btcdirect   updated the user (HTTP {})", updated.status);

    // A provider chosen at run time: asking BTC Direct to create is a typed error, not a request.
    let chosen = OnboardingClient::from(btcdirect);
    let asked = chosen.create_user(&user).await;
    println!(
        "btcdirect   create_user -> {}",
        asked.map_or_else(|e| e.to_string(), |_| "?".into())
    );
    Ok(())
}
