//! A service's set-up, as the README shows it: one HTTP client and renewing credentials for the
//! three providers, then one create and one update, each answer handled by its retry advice.
//! Runs against the providers named in `BITPANDA_URL`, `WEALTHYHOOD_URL` and `BTCDIRECT_URL`.

use std::time::Duration;

use onboarding::{
    BtcDirectLogin, ClientBuilder, ClientCredentials, CreatedUser, NewUser, RetryAdvice,
    UserContext, UserUpdate,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    // One connection pool for every provider; the facade never follows a redirect.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(15))
        .build()?;
    // Bitpanda: OAuth 2.0 client credentials at the token URL Bitpanda gives the partner.
    let bitpanda = ClientBuilder::new(env("BITPANDA_URL")?)
        .http_client(http.clone())
        .bitpanda(ClientCredentials::new(
            &env("BITPANDA_TOKEN_URL")?,
            &env("BITPANDA_CLIENT_ID")?,
            env("BITPANDA_CLIENT_SECRET")?,
        )?)?;
    // Wealthyhood: Auth0 client credentials (POST {issuer}/oauth/token with the API's audience).
    let wealthyhood = ClientBuilder::new(env("WEALTHYHOOD_URL")?)
        .http_client(http.clone())
        .wealthyhood(ClientCredentials::auth0(
            &env("WEALTHYHOOD_ISSUER")?,
            "https://api.wealthyhood.com",
            &env("WEALTHYHOOD_CLIENT_ID")?,
            env("WEALTHYHOOD_CLIENT_SECRET")?,
        )?)?;
    // BTC Direct: partner login, renewed with its refresh token.
    let btcdirect = ClientBuilder::new(env("BTCDIRECT_URL")?)
        .http_client(http)
        .btcdirect(BtcDirectLogin::new(
            env("BTCDIRECT_USERNAME")?,
            env("BTCDIRECT_PASSWORD")?,
        ))?;

    // Clients are cheap to clone (one pool, one token cache): hand them to every handler.
    let user: NewUser = serde_json::from_str(&std::fs::read_to_string("user.json")?)?;
    match wealthyhood.create_user(&user).await {
        Ok(CreatedUser::Created { id, .. }) => println!("created {id}"),
        // Only after a resent Bitpanda create with an `external_id` met its 409.
        Ok(existing) => println!("already registered at {}", existing.provider()),
        Err(error) => match error.retry_advice() {
            RetryAdvice::RetrySafe => eprintln!("nothing was applied; try again later: {error}"),
            RetryAdvice::ReconcileFirst => eprintln!("the user may exist; check first: {error}"),
            _ => eprintln!("fix the input or the credential: {error}"),
        },
    }
    let _ = bitpanda; // creates users the same way

    let update: UserUpdate = serde_json::from_str(&std::fs::read_to_string("update.json")?)?;
    let context = UserContext::identifier(&env("BTCDIRECT_USER_IDENTIFIER")?)?;
    let updated = btcdirect.update_user(&update, &context).await?;
    println!("BTC Direct answered {}", updated.status);
    Ok(())
}
