//! The token endpoints: OAuth 2.0 client credentials (Bitpanda), Auth0 with `audience`
//! (Wealthyhood), BTC Direct's partner login and refresh.

use serde_json::{Value, json};
use tokio::time::Instant;

use super::{Problem, Reply, State, json_reply};
use crate::errors::reason_phrase;
use crate::faults::Call;
use crate::provider::{Endpoint, Outcome, Provider};
use crate::tokens::{
    BTCDIRECT_PASSWORD, BTCDIRECT_USERNAME, CLIENT_ID, CLIENT_SECRET, TokenCheck, TokenKind,
    WEALTHYHOOD_AUDIENCE,
};

impl State {
    pub(super) fn token_operation(
        &mut self,
        endpoint: Endpoint,
        call: &Call<'_>,
        body_check: Result<(), Problem>,
        now: Instant,
    ) -> (Outcome, Reply) {
        let params = call.json.and_then(Value::as_object);
        let param = |name: &str| params.and_then(|p| p.get(name)).and_then(Value::as_str);
        if self.provider == Provider::BtcDirect
            && let Err(problem) = body_check
        {
            return (Outcome::TokenRefused, self.problem_reply(&problem));
        }
        match (self.provider, endpoint) {
            (Provider::BtcDirect, Endpoint::Token) => {
                if param("username") == Some(BTCDIRECT_USERNAME)
                    && param("password") == Some(BTCDIRECT_PASSWORD)
                {
                    self.btcdirect_token_pair(now)
                } else {
                    self.token_refused(401, "ER800")
                }
            }
            (Provider::BtcDirect, _) => {
                let presented = param("refreshToken").unwrap_or_default().to_owned();
                match self.tokens.check(&presented, &TokenKind::Refresh, now) {
                    TokenCheck::Valid(_) => {
                        self.tokens.revoke(&presented);
                        self.btcdirect_token_pair(now)
                    }
                    TokenCheck::Expired => self.token_refused(401, "ER801"),
                    TokenCheck::Unknown => self.token_refused(401, "ER800"),
                }
            }
            (provider, _) => {
                let (id, secret) = client_credentials(call.headers)
                    .map(|(id, secret)| (Some(id), Some(secret)))
                    .unwrap_or((param("client_id").map(str::to_owned), None));
                let secret = secret.or_else(|| param("client_secret").map(str::to_owned));
                if param("grant_type") != Some("client_credentials") {
                    return self.token_refused(400, "unsupported_grant_type");
                }
                if id.as_deref() != Some(CLIENT_ID) || secret.as_deref() != Some(CLIENT_SECRET) {
                    return self.token_refused(401, "invalid_client");
                }
                if provider == Provider::Wealthyhood
                    && param("audience") != Some(WEALTHYHOOD_AUDIENCE)
                {
                    return self.token_refused(403, "access_denied");
                }
                let (token, lifetime) = self.tokens.issue(TokenKind::Access, now);
                let mut body = json!({
                    "access_token": token,
                    "token_type": "Bearer",
                    "expires_in": lifetime.as_secs(),
                });
                if provider == Provider::Wealthyhood {
                    body["scope"] = "create:users".into();
                }
                (Outcome::TokenIssued, json_reply(200, &body))
            }
        }
    }

    fn btcdirect_token_pair(&mut self, now: Instant) -> (Outcome, Reply) {
        let (token, _) = self.tokens.issue(TokenKind::Access, now);
        let (refresh, _) = self.tokens.issue(TokenKind::Refresh, now);
        (
            Outcome::TokenIssued,
            json_reply(200, &json!({"token": token, "refreshToken": refresh})),
        )
    }

    fn token_refused(&self, status: u16, code: &'static str) -> (Outcome, Reply) {
        let body = match self.provider {
            Provider::BtcDirect => Problem::btcdirect([code]).body(Provider::BtcDirect),
            _ => json!({"error": code, "error_description": reason_phrase(status)}),
        };
        (Outcome::TokenRefused, json_reply(status, &body))
    }
}

/// The client id and secret of an `Authorization: Basic` header (RFC 6749 §2.3.1), when sent.
fn client_credentials(headers: &http::HeaderMap) -> Option<(String, String)> {
    use base64::Engine as _;
    let value = headers.get("authorization")?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}
