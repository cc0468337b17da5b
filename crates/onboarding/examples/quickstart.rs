//! A first run with no credentials: starts the test kit's fake providers on loopback (each
//! checks every request against its spec), then registers the fixture user with Bitpanda and
//! Wealthyhood and updates it with BTC Direct through the one facade, with credentials that
//! renew themselves at the fakes' token endpoints.
//!
//! ```text
//! cargo run -p onboarding --example quickstart
//! ```

use onboarding::{
    BtcDirectLogin, ClientBuilder, ClientCredentials, NewUser, OnboardingClient, UserContext,
    UserUpdate,
};
use onboarding_testkit::{
    BTCDIRECT_PASSWORD, BTCDIRECT_USERNAME, CLIENT_ID, CLIENT_SECRET, WEALTHYHOOD_AUDIENCE,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let kit = onboarding_testkit::start().await;
    println!(
        "fake providers listening: bitpanda {}, wealthyhood {}, btcdirect {}",
        kit.bitpanda.url(),
        kit.wealthyhood.url(),
        kit.btcdirect.url()
    );

    let user: NewUser = serde_json::from_str(include_str!("../tests/fixtures/user.json"))?;
    let update: UserUpdate = serde_json::from_str(include_str!("../tests/fixtures/update.json"))?;

    // One connection pool for the three providers (and their token endpoints).
    let http = client_support::http_client(std::time::Duration::from_secs(15))?;

    let bitpanda = ClientBuilder::new(kit.bitpanda.url())
        .http_client(http.clone())
        .bitpanda(ClientCredentials::new(
            &kit.bitpanda.token_url(),
            CLIENT_ID,
            CLIENT_SECRET,
        )?)?;
    let created = bitpanda.create_user(&user).await?;
    println!(
        "bitpanda    created user {:?} in {} attempt(s)",
        created.id(),
        created.attempts()
    );

    let wealthyhood = ClientBuilder::new(kit.wealthyhood.url())
        .http_client(http.clone())
        .wealthyhood(ClientCredentials::auth0(
            &kit.wealthyhood.url(),
            WEALTHYHOOD_AUDIENCE,
            CLIENT_ID,
            CLIENT_SECRET,
        )?)?;
    let created = wealthyhood.create_user(&user).await?;
    println!(
        "wealthyhood created user {:?} in {} attempt(s)",
        created.id(),
        created.attempts()
    );

    let identifier = "0f8fad5bd9cb469fa16570867728950e0f8f";
    kit.btcdirect.link_identifier(identifier);
    let btcdirect = ClientBuilder::new(kit.btcdirect.url())
        .http_client(http)
        .btcdirect(BtcDirectLogin::new(BTCDIRECT_USERNAME, BTCDIRECT_PASSWORD))?;
    let context = UserContext::identifier(identifier)?;
    let updated = btcdirect.update_user(&update, &context).await?;
    println!("btcdirect   updated the user (HTTP {})", updated.status);

    // A provider chosen at run time: asking BTC Direct to create is a typed error, not a request.
    let chosen = OnboardingClient::from(btcdirect);
    let asked = chosen.create_user(&user).await;
    println!(
        "btcdirect   create_user -> {}",
        asked.map_or_else(|e| e.to_string(), |_| "?".into())
    );

    for fake in [&kit.bitpanda, &kit.wealthyhood, &kit.btcdirect] {
        let outcomes: Vec<String> = fake
            .outcomes()
            .iter()
            .map(|(outcome, count)| format!("{count} × {outcome:?}"))
            .collect();
        println!(
            "{:<11} received: {}",
            fake.provider().name(),
            outcomes.join(", ")
        );
    }
    Ok(())
}
