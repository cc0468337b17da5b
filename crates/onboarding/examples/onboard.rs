//! Register or update one user from a JSON file of the neutral model.
//!
//! ```text
//! cargo run -p onboarding --example onboard -- create --provider bitpanda --base-url URL user.json
//! cargo run -p onboarding --example onboard -- update --provider btcdirect --base-url URL update.json
//! ```
//!
//! Prints the result as one JSON line on stdout; on failure prints the full validation report or
//! the typed error on stderr and exits 1 (2 for bad usage).

use std::process::ExitCode;

use onboarding::credentials::TokenSource;
use onboarding::{
    BtcDirectLogin, ClientBuilder, ClientCredentials, FixedToken, NewUser, OnboardingClient,
    OnboardingError, PartnerAuth, PartnerCredential, UserContext, UserUpdate,
};

const USAGE: &str = "\
usage: onboard create --provider <bitpanda|wealthyhood> --base-url URL USER.json
       onboard update --provider btcdirect --base-url URL UPDATE.json

The file holds a neutral user (see crates/onboarding/tests/fixtures/user.json and update.json).
Credentials come from the environment, never from arguments. Renewing credentials are used
when set, else a fixed token:
  bitpanda      ONBOARDING_BITPANDA_TOKEN_URL, _CLIENT_ID, _CLIENT_SECRET   OAuth 2.0 client credentials
                (or ONBOARDING_BITPANDA_TOKEN, an access token)
  wealthyhood   ONBOARDING_WEALTHYHOOD_ISSUER, _AUDIENCE, _CLIENT_ID, _CLIENT_SECRET   Auth0 client credentials
                (or ONBOARDING_WEALTHYHOOD_TOKEN, an access token)
  btcdirect     ONBOARDING_BTCDIRECT_USERNAME, _PASSWORD   partner login (renewing tokens)
                (or ONBOARDING_BTCDIRECT_API_KEY, or ONBOARDING_BTCDIRECT_TOKEN, a partner token)
                ONBOARDING_BTCDIRECT_USER_IDENTIFIER  the user's linked identifier (or ONBOARDING_BTCDIRECT_USER_TOKEN)
Output: one JSON line on stdout; errors on stderr; exit 1 on failure, 2 on bad usage.";

/// The parsed command line.
struct Command {
    action: String,
    provider: String,
    base_url: String,
    file: String,
}

fn parse(args: &[String]) -> Option<Command> {
    let mut action = None;
    let mut provider = None;
    let mut base_url = None;
    let mut file = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--provider" => provider = rest.next().cloned(),
            "--base-url" => base_url = rest.next().cloned(),
            "create" | "update" if action.is_none() => action = Some(arg.clone()),
            _ if !arg.starts_with("--") && file.is_none() => file = Some(arg.clone()),
            _ => return None,
        }
    }
    Some(Command {
        action: action?,
        provider: provider?,
        base_url: base_url?,
        file: file?,
    })
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name} (see --help)"))
}

/// Bitpanda's or Wealthyhood's token source: client credentials when configured, else a fixed
/// token from `ONBOARDING_<PROVIDER>_TOKEN`.
fn token_source(provider: &str) -> Result<Box<dyn TokenSource>, String> {
    let var = |name: &str| env(&format!("ONBOARDING_{}_{name}", provider.to_uppercase()));
    let shown = |e: onboarding::credentials::TokenError| e.to_string();
    if let (Ok(id), Ok(secret)) = (var("CLIENT_ID"), var("CLIENT_SECRET")) {
        let credentials = if provider == "wealthyhood" {
            ClientCredentials::auth0(&var("ISSUER")?, &var("AUDIENCE")?, &id, secret)
        } else {
            ClientCredentials::new(&var("TOKEN_URL")?, &id, secret)
        };
        return Ok(Box::new(credentials.map_err(shown)?));
    }
    let token = FixedToken::new(&var("TOKEN")?).map_err(|e| e.to_string())?;
    Ok(Box::new(token))
}

/// BTC Direct's partner authentication: login, API key or fixed token, in that order.
fn btcdirect_partner() -> Result<PartnerAuth, String> {
    if let (Ok(username), Ok(password)) = (
        env("ONBOARDING_BTCDIRECT_USERNAME"),
        env("ONBOARDING_BTCDIRECT_PASSWORD"),
    ) {
        return Ok(BtcDirectLogin::new(username, password).into());
    }
    match env("ONBOARDING_BTCDIRECT_API_KEY") {
        Ok(key) => PartnerCredential::api_key(&key),
        Err(_) => PartnerCredential::bearer(&env("ONBOARDING_BTCDIRECT_TOKEN")?),
    }
    .map(PartnerAuth::from)
    .map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let Some(command) = parse(&args) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match run(&command).await {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Why `file` does not decode. A syntax error is shown as serde reports it; a data error only by
/// position, as serde's message can quote the value it refused (`invalid type: string "…"`,
/// `unknown variant …`), which may be personal data.
fn undecodable(file: &str, error: &serde_json::Error) -> String {
    match error.classify() {
        serde_json::error::Category::Data => format!(
            "{file}: a value does not fit the model at line {}, column {}",
            error.line(),
            error.column()
        ),
        _ => format!("{file}: {error}"),
    }
}

async fn run(command: &Command) -> Result<serde_json::Value, String> {
    let text =
        std::fs::read_to_string(&command.file).map_err(|e| format!("{}: {e}", command.file))?;
    let builder = ClientBuilder::new(&command.base_url);
    let shown =
        |e: OnboardingError| format!("error ({}, advice {:?}): {e}", e.kind(), e.retry_advice());
    match (command.action.as_str(), command.provider.as_str()) {
        ("create", provider @ ("bitpanda" | "wealthyhood")) => {
            let user: NewUser =
                serde_json::from_str(&text).map_err(|e| undecodable(&command.file, &e))?;
            let tokens = token_source(provider)?;
            let client: OnboardingClient = if provider == "bitpanda" {
                builder.bitpanda(tokens).map(Into::into)
            } else {
                builder.wealthyhood(tokens).map(Into::into)
            }
            .map_err(shown)?;
            let created = client.create_user(&user).await.map_err(shown)?;
            Ok(serde_json::json!({
                "provider": created.provider().to_string(),
                "id": created.id(),
                "attempts": created.attempts(),
            }))
        }
        ("update", "btcdirect") => {
            let update: UserUpdate =
                serde_json::from_str(&text).map_err(|e| undecodable(&command.file, &e))?;
            let partner = btcdirect_partner()?;
            let user = match env("ONBOARDING_BTCDIRECT_USER_IDENTIFIER") {
                Ok(identifier) => UserContext::identifier(&identifier).map_err(|e| e.to_string()),
                Err(_) => UserContext::user_token(&env("ONBOARDING_BTCDIRECT_USER_TOKEN")?)
                    .map_err(|e| e.to_string()),
            }?;
            let client = builder.btcdirect(partner).map_err(shown)?;
            let updated = client.update_user(&update, &user).await.map_err(shown)?;
            Ok(serde_json::json!({
                "provider": updated.provider.to_string(),
                "status": updated.status,
                "attempts": updated.attempts,
            }))
        }
        (action, provider) => Err(format!(
            "{provider} cannot {action} users: bitpanda and wealthyhood create, btcdirect updates\n\n{USAGE}"
        )),
    }
}
