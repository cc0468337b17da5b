//! A first run with no credentials: starts an in-process loopback server that answers like the
//! three providers, then registers the fixture user with Bitpanda and Wealthyhood and updates it
//! with BTC Direct through the one facade.
//!
//! ```text
//! cargo run -p onboarding --example quickstart
//! ```

use onboarding::{NewUser, OnboardingClient, PartnerCredential, UserContext, UserUpdate};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/users"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"data": {"id": "bp-1001"}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": "64f0c51e7fb3fc001234a001", "email": "demo@example.com", "portfolios": [],
            "createdAt": "2024-10-03T10:30:00Z", "updatedAt": "2024-10-03T10:30:00Z"
        })))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v2/user"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({})))
        .mount(&server)
        .await;
    println!("stand-in providers listening on {}", server.uri());

    let user: NewUser = serde_json::from_str(include_str!("../tests/fixtures/user.json"))?;
    let update: UserUpdate = serde_json::from_str(include_str!("../tests/fixtures/update.json"))?;

    let bitpanda = OnboardingClient::builder(server.uri()).bitpanda("demo-token")?;
    let created = bitpanda.create_user(&user).await?;
    println!(
        "bitpanda    created user {:?} in {} attempt(s)",
        created.id(),
        created.attempts()
    );

    let wealthyhood = OnboardingClient::builder(server.uri()).wealthyhood("demo-token")?;
    let created = wealthyhood.create_user(&user).await?;
    println!(
        "wealthyhood created user {:?} in {} attempt(s)",
        created.id(),
        created.attempts()
    );

    let btcdirect = OnboardingClient::builder(server.uri())
        .btcdirect(PartnerCredential::api_key("demo-key")?)?;
    let context = UserContext::identifier("0f8fad5bd9cb469fa16570867728950e0f8f")?;
    let updated = btcdirect.update_user(&update, &context).await?;
    println!("btcdirect   updated the user (HTTP {})", updated.status);

    let asked = btcdirect.create_user(&user).await;
    println!(
        "btcdirect   create_user -> {}",
        asked.map_or_else(|e| e.to_string(), |_| "?".into())
    );
    Ok(())
}
