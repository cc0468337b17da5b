//! Every call into the `onboarding` facade, in one place: building a client from the
//! environment's credentials, decoding a user, sending a create or an update, and turning the
//! facade's result into an [`Outcome`]. Only root-level facade items are used, and `credentials::TokenSource`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use onboarding::credentials::TokenSource;
use onboarding::{
    BitpandaClient, BtcDirectLogin, ClientBuilder, ClientCredentials, CreatedUser, FixedToken,
    NewUser, OnboardingError, PartnerAuth, PartnerCredential, RetryAdvice, UserContext, UserUpdate,
    WealthyhoodClient,
};
use serde_json::Value;

use crate::fingerprint::sha256_hex;
use crate::outcome::{Outcome, Problem};
use crate::provider::Provider;

/// Every environment variable the clients read, with what it holds (for `--help`).
pub const CREDENTIAL_VARIABLES: &str = "\
Credentials come from the environment, never from arguments. Renewing credentials are used
when set, else a fixed token:
  bitpanda     OAuth 2.0 client credentials: ONBOARDING_BITPANDA_TOKEN_URL,
               ONBOARDING_BITPANDA_CLIENT_ID, ONBOARDING_BITPANDA_CLIENT_SECRET
               (or ONBOARDING_BITPANDA_TOKEN, an access token)
  wealthyhood  Auth0 client credentials: ONBOARDING_WEALTHYHOOD_ISSUER,
               ONBOARDING_WEALTHYHOOD_AUDIENCE, ONBOARDING_WEALTHYHOOD_CLIENT_ID,
               ONBOARDING_WEALTHYHOOD_CLIENT_SECRET
               (or ONBOARDING_WEALTHYHOOD_TOKEN, an access token)
  btcdirect    partner login (renewing tokens): ONBOARDING_BTCDIRECT_USERNAME,
               ONBOARDING_BTCDIRECT_PASSWORD (or ONBOARDING_BTCDIRECT_API_KEY, or
               ONBOARDING_BTCDIRECT_TOKEN, a partner token); the user:
               ONBOARDING_BTCDIRECT_USER_IDENTIFIER (or ONBOARDING_BTCDIRECT_USER_TOKEN)
  the ledger   ONBOARDING_LEDGER_URL, when --ledger is not given";

/// A user to create, decoded from the neutral model, with its fingerprint.
#[derive(Clone)]
pub struct User {
    user: NewUser,
    fingerprint: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

/// Why a JSON value is not a user of the neutral model: the field at fault when serde names one
/// (`missing field`, `unknown field`), never a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAUser {
    /// The field names serde's message names, if any.
    pub fields: Vec<String>,
}

impl User {
    /// Decodes a user of the neutral model (`key` already removed).
    pub fn from_json(value: Value) -> Result<Self, NotAUser> {
        let user: NewUser = serde_json::from_value(value).map_err(|error| NotAUser {
            fields: named_fields(&error.to_string()),
        })?;
        Ok(Self::new(user))
    }

    /// Wraps a facade user.
    pub fn new(user: NewUser) -> Self {
        // Serialising a model struct is deterministic (field order is the struct's).
        let bytes = serde_json::to_vec(&user).unwrap_or_default();
        Self {
            fingerprint: sha256_hex(&bytes),
            user,
        }
    }

    /// The hex SHA-256 of the canonical body: all the ledger keeps of it.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Whether it carries Bitpanda's `external_id`, which makes a Bitpanda resend safe.
    pub fn has_external_id(&self) -> bool {
        self.user
            .external_id
            .as_deref()
            .is_some_and(|id| !id.is_empty())
    }

    /// The facade's user.
    pub fn as_new_user(&self) -> &NewUser {
        &self.user
    }
}

/// The field names in a serde message such as "missing field `email`" or "unknown field
/// `emali`, expected one of …": only those two forms are read, since the others can quote a
/// value.
fn named_fields(message: &str) -> Vec<String> {
    for prefix in ["missing field `", "unknown field `"] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some(end) = rest.find('`')
        {
            return vec![rest[..end].to_owned()];
        }
    }
    Vec::new()
}

/// How a client is set up.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// The provider's base URL.
    pub base_url: String,
    /// The timeout of one request, when set.
    pub timeout: Option<Duration>,
}

/// A client that creates users (Bitpanda or Wealthyhood), with credentials from the
/// environment.
#[derive(Clone)]
pub enum CreateClient {
    /// Bitpanda.
    Bitpanda(BitpandaClient),
    /// Wealthyhood.
    Wealthyhood(WealthyhoodClient),
}

impl std::fmt::Debug for CreateClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CreateClient")
            .field(&self.provider().name())
            .finish()
    }
}

fn builder(settings: &ClientSettings) -> ClientBuilder {
    let builder = ClientBuilder::new(settings.base_url.clone());
    match settings.timeout {
        Some(timeout) => builder.timeout(timeout),
        None => builder,
    }
}

fn shown(error: OnboardingError) -> String {
    format!("error ({}): {error}", error.kind().name())
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name} (see --help)"))
}

/// How a creating client authenticates (never shown by `Debug`).
#[derive(Clone)]
pub enum Credentials {
    /// OAuth 2.0 client credentials at a token URL (Bitpanda).
    ClientCredentials {
        /// The token endpoint.
        token_url: String,
        /// The client id.
        client_id: String,
        /// The client secret.
        client_secret: String,
    },
    /// Auth0 client credentials for an audience (Wealthyhood).
    Auth0 {
        /// The Auth0 issuer URL.
        issuer: String,
        /// The API's audience.
        audience: String,
        /// The client id.
        client_id: String,
        /// The client secret.
        client_secret: String,
    },
    /// A fixed access token.
    Token(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credentials::ClientCredentials { .. } => "Credentials::ClientCredentials",
            Credentials::Auth0 { .. } => "Credentials::Auth0",
            Credentials::Token(_) => "Credentials::Token",
        })
    }
}

impl Credentials {
    /// Bitpanda's or Wealthyhood's credentials from the environment: client credentials when
    /// configured, else a fixed token from `ONBOARDING_<PROVIDER>_TOKEN`.
    pub fn from_env(provider: Provider) -> Result<Self, String> {
        let var = |name: &str| {
            env(&format!(
                "ONBOARDING_{}_{name}",
                provider.name().to_uppercase()
            ))
        };
        if let (Ok(client_id), Ok(client_secret)) = (var("CLIENT_ID"), var("CLIENT_SECRET")) {
            return Ok(if provider == Provider::Wealthyhood {
                Credentials::Auth0 {
                    issuer: var("ISSUER")?,
                    audience: var("AUDIENCE")?,
                    client_id,
                    client_secret,
                }
            } else {
                Credentials::ClientCredentials {
                    token_url: var("TOKEN_URL")?,
                    client_id,
                    client_secret,
                }
            });
        }
        Ok(Credentials::Token(var("TOKEN")?))
    }

    fn token_source(self) -> Result<Box<dyn TokenSource>, String> {
        Ok(match self {
            Credentials::ClientCredentials {
                token_url,
                client_id,
                client_secret,
            } => Box::new(
                ClientCredentials::new(&token_url, &client_id, client_secret)
                    .map_err(|e| e.to_string())?,
            ),
            Credentials::Auth0 {
                issuer,
                audience,
                client_id,
                client_secret,
            } => Box::new(
                ClientCredentials::auth0(&issuer, &audience, &client_id, client_secret)
                    .map_err(|e| e.to_string())?,
            ),
            Credentials::Token(token) => {
                Box::new(FixedToken::new(&token).map_err(|e| e.to_string())?)
            }
        })
    }
}

impl CreateClient {
    /// A client for `provider` (Bitpanda or Wealthyhood) with credentials from the environment.
    pub fn from_env(provider: Provider, settings: &ClientSettings) -> Result<Self, String> {
        Self::new(provider, settings, Credentials::from_env(provider)?)
    }

    /// A client for `provider` (Bitpanda or Wealthyhood) with these credentials.
    pub fn new(
        provider: Provider,
        settings: &ClientSettings,
        credentials: Credentials,
    ) -> Result<Self, String> {
        let tokens = credentials.token_source()?;
        match provider {
            Provider::Bitpanda => builder(settings)
                .bitpanda(tokens)
                .map(CreateClient::Bitpanda)
                .map_err(shown),
            Provider::Wealthyhood => builder(settings)
                .wealthyhood(tokens)
                .map(CreateClient::Wealthyhood)
                .map_err(shown),
            Provider::BtcDirect => Err(
                "btcdirect cannot create users: bitpanda and wealthyhood create, btcdirect updates"
                    .to_owned(),
            ),
        }
    }

    /// The provider it creates users with.
    pub fn provider(&self) -> Provider {
        match self {
            CreateClient::Bitpanda(_) => Provider::Bitpanda,
            CreateClient::Wealthyhood(_) => Provider::Wealthyhood,
        }
    }

    async fn send(&self, user: &NewUser) -> Result<CreatedUser, OnboardingError> {
        match self {
            CreateClient::Bitpanda(client) => client.create_user(user).await,
            CreateClient::Wealthyhood(client) => client.create_user(user).await,
        }
    }

    /// Sends the create and says how it ended. `sent_before` tells that an earlier attempt of
    /// this row may have reached the provider: a Bitpanda conflict on an `external_id` then
    /// proves that attempt created the user.
    pub async fn create(&self, user: &User, sent_before: bool) -> Outcome {
        let result = self.send(&user.user).await;
        self.outcome(result, user.has_external_id(), sent_before)
    }

    /// The single-user command's output: provider, id and attempts as one JSON object.
    pub async fn create_reported(&self, user: &User) -> Result<Value, String> {
        let created = self.send(&user.user).await.map_err(|error| {
            format!(
                "error ({}, advice {:?}): {error}",
                error.kind().name(),
                error.retry_advice()
            )
        })?;
        Ok(serde_json::json!({
            "provider": created.provider().to_string(),
            "id": created.id(),
            "attempts": created.attempts(),
        }))
    }

    fn outcome(
        &self,
        result: Result<CreatedUser, OnboardingError>,
        has_external_id: bool,
        sent_before: bool,
    ) -> Outcome {
        let error = match result {
            Ok(created) => {
                return match created.id() {
                    Some(id) => Outcome::Created {
                        provider_id: id.to_owned(),
                    },
                    None => Outcome::ConfirmedExisting,
                };
            }
            Err(error) => error,
        };
        let problem = problem_of(&error);
        let provable = self.provider() == Provider::Bitpanda && has_external_id;
        if let OnboardingError::Conflict { .. } = error
            && sent_before
        {
            // An earlier attempt of this row may have created the user: a Bitpanda conflict on
            // the same external_id proves it did; anything else proves nothing.
            return if provable {
                Outcome::ConfirmedExisting
            } else {
                Outcome::InDoubt(problem)
            };
        }
        match error.retry_advice() {
            RetryAdvice::RetrySafe => Outcome::RetryLater {
                retry_at: now_ms().saturating_add(wait_ms(&error)),
                problem,
            },
            RetryAdvice::ReconcileFirst => Outcome::InDoubt(problem),
            _ => Outcome::Rejected(problem),
        }
    }
}

/// How long to wait before sending again after a retry-safe error: the provider's
/// `Retry-After`, else one second.
fn wait_ms(error: &OnboardingError) -> i64 {
    let after = match error {
        OnboardingError::RateLimited { retry_after, .. }
        | OnboardingError::Unavailable { retry_after, .. } => *retry_after,
        _ => None,
    };
    i64::try_from(after.unwrap_or(Duration::from_secs(1)).as_millis()).unwrap_or(i64::MAX)
}

/// What the ledger keeps of an error: kind, provider codes, field names.
fn problem_of(error: &OnboardingError) -> Problem {
    let mut fields: Vec<String> = match error {
        OnboardingError::InvalidInput(report) => report
            .violations
            .iter()
            .map(|violation| violation.field.clone())
            .collect(),
        _ => error
            .problems()
            .iter()
            .filter_map(|problem| problem.field.map(|(neutral, _)| neutral.to_owned()))
            .collect(),
    };
    fields.dedup();
    Problem {
        kind: error.kind().name().to_owned(),
        codes: error
            .provider_codes()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        fields,
    }
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
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

/// `onboard update`: sends one BTC Direct update (a JSON value of the neutral `UserUpdate`)
/// for the user the environment names, and returns the command's JSON output.
pub async fn update_one(settings: &ClientSettings, update: Value) -> Result<Value, String> {
    let update: UserUpdate = serde_json::from_value(update).map_err(|error| {
        let fields = named_fields(&error.to_string());
        format!("the update does not fit the model (fields: {fields:?})")
    })?;
    let partner = btcdirect_partner()?;
    let user = match env("ONBOARDING_BTCDIRECT_USER_IDENTIFIER") {
        Ok(identifier) => UserContext::identifier(&identifier).map_err(|e| e.to_string())?,
        Err(_) => UserContext::user_token(&env("ONBOARDING_BTCDIRECT_USER_TOKEN")?)
            .map_err(|e| e.to_string())?,
    };
    let client = builder(settings).btcdirect(partner).map_err(shown)?;
    let updated = client.update_user(&update, &user).await.map_err(|error| {
        format!(
            "error ({}, advice {:?}): {error}",
            error.kind().name(),
            error.retry_advice()
        )
    })?;
    Ok(serde_json::json!({
        "provider": updated.provider.to_string(),
        "status": updated.status,
        "attempts": updated.attempts,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_field_names_are_read_from_serde_messages() {
        assert_eq!(named_fields("missing field `email`"), ["email"]);
        assert_eq!(
            named_fields("unknown field `emali`, expected one of `email`"),
            ["emali"]
        );
        assert!(named_fields("invalid type: string \"John\", expected a date").is_empty());
    }
}
