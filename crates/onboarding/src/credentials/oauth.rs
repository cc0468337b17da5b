//! OAuth 2.0 client credentials (RFC 6749 §4.4): one form POST to the token endpoint, one JSON
//! answer (`access_token`, `token_type`, `expires_in`), errors as `{"error": "..."}` (§5.2).

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use client_support::ResponseObserver;

use super::{AccessToken, TokenError, TokenFuture, TokenRequest, TokenSource, not_redirected};
use crate::transport;

/// How the client authenticates at the token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuthentication {
    /// `client_id` and `client_secret` in the form body (Auth0's usual way). The default.
    #[default]
    RequestBody,
    /// HTTP Basic with `client_id` and `client_secret`.
    BasicAuth,
}

/// OAuth 2.0 client credentials: exchanges a client id and secret for an access token at a token
/// endpoint, through the facade client's HTTP client (same pool, bounded reads, no redirects).
///
/// - Bitpanda: [`ClientCredentials::new`] with the token URL Bitpanda gives the partner (the path
///   is not public); access tokens live 10 minutes.
/// - Wealthyhood: [`ClientCredentials::auth0`] with the Auth0 issuer and the API's audience.
///
/// `Debug` prints the token URL and client id, never the secret.
#[derive(Clone)]
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    client_secret: SecretString,
    audience: Option<String>,
    scope: Option<String>,
    authentication: ClientAuthentication,
}

impl ClientCredentials {
    /// Client credentials for the token endpoint at `token_url`. Only `https://` is accepted
    /// (and `http://` on a loopback host, for tests); an empty client id or secret is refused.
    pub fn new(
        token_url: &str,
        client_id: &str,
        client_secret: impl Into<SecretString>,
    ) -> Result<Self, TokenError> {
        let token_url = transport::checked_base_url(token_url, false)
            .map_err(|reason| TokenError::InvalidConfiguration { reason })?;
        let client_secret = client_secret.into();
        if client_id.trim().is_empty() || client_secret.expose_secret().trim().is_empty() {
            return Err(TokenError::InvalidConfiguration {
                reason: "the client id and client secret must not be empty".into(),
            });
        }
        Ok(Self {
            token_url,
            client_id: client_id.to_owned(),
            client_secret,
            audience: None,
            scope: None,
            authentication: ClientAuthentication::default(),
        })
    }

    /// Auth0 client credentials (Wealthyhood): `POST {issuer}/oauth/token` with `audience`.
    pub fn auth0(
        issuer: &str,
        audience: &str,
        client_id: &str,
        client_secret: impl Into<SecretString>,
    ) -> Result<Self, TokenError> {
        let token_url = format!("{}/oauth/token", issuer.trim_end_matches('/'));
        Ok(Self::new(&token_url, client_id, client_secret)?.audience(audience))
    }

    /// Sends `audience` (the API the token is for), as Auth0 requires.
    pub fn audience(mut self, audience: &str) -> Self {
        self.audience = Some(audience.to_owned());
        self
    }

    /// Asks for `scope` (space-separated scopes).
    pub fn scope(mut self, scope: &str) -> Self {
        self.scope = Some(scope.to_owned());
        self
    }

    /// How the client authenticates; default [`ClientAuthentication::RequestBody`].
    pub fn authentication(mut self, authentication: ClientAuthentication) -> Self {
        self.authentication = authentication;
        self
    }

    async fn exchange(&self, token_request: TokenRequest<'_>) -> Result<AccessToken, TokenError> {
        let http = token_request.http;
        let mut form = vec![("grant_type", "client_credentials")];
        form.extend(self.audience.as_deref().map(|a| ("audience", a)));
        form.extend(self.scope.as_deref().map(|s| ("scope", s)));
        let mut request = http
            .post(&self.token_url)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(timeout) = token_request.timeout {
            request = request.timeout(timeout);
        }
        match self.authentication {
            ClientAuthentication::RequestBody => {
                form.push(("client_id", &self.client_id));
                form.push(("client_secret", self.client_secret.expose_secret()));
            }
            ClientAuthentication::BasicAuth => {
                request =
                    request.basic_auth(&self.client_id, Some(self.client_secret.expose_secret()));
            }
        }
        let request = request.form(&form).build().map_err(|e| unreachable(&e))?;
        let observer = ResponseObserver::default();
        let response = client_support::execute_bounded(http, request, Some(&observer))
            .await
            .map_err(|e| unreachable(&e))?;
        not_redirected(&observer)?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| unreachable(&e))?;
        if status.is_success() {
            return granted(status.as_u16(), &body);
        }
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(TokenError::NotFound {
                url: shown_url(&self.token_url),
            });
        }
        Err(refusal(status.as_u16(), &body))
    }
}

/// `url` as an error may show it: without the query string and fragment (where a misconfigured
/// secret could sit) and without user info.
fn shown_url(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let url = &url[..end];
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(authority_end);
            let host = authority
                .rsplit_once('@')
                .map_or(authority, |(_, host)| host);
            format!("{scheme}://{host}{path}")
        }
        None => url.to_owned(),
    }
}

/// A transport failure described by kind only.
fn unreachable(error: &reqwest::Error) -> TokenError {
    TokenError::Unreachable {
        detail: transport::describe(error),
    }
}

/// The successful token response of RFC 6749 §5.1.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

fn granted(status: u16, body: &[u8]) -> Result<AccessToken, TokenError> {
    let unusable = |detail: &str| TokenError::Unusable {
        status: Some(status),
        detail: detail.into(),
    };
    let answer: TokenResponse =
        serde_json::from_slice(body).map_err(|_| unusable("no access_token in the answer"))?;
    if answer
        .token_type
        .as_deref()
        .is_some_and(|kind| !kind.eq_ignore_ascii_case("bearer"))
    {
        return Err(unusable("the token type is not bearer"));
    }
    Ok(AccessToken::new(
        answer.access_token,
        answer.expires_in.map(Duration::from_secs),
    ))
}

/// An error answer: a 4xx is a refusal with the OAuth `error` code (§5.2) when there is one,
/// anything else (5xx, 429, a redirect) an unusable answer.
fn refusal(status: u16, body: &[u8]) -> TokenError {
    #[derive(Deserialize)]
    struct OAuthError {
        error: String,
    }
    if (400..500).contains(&status) && status != 429 {
        let codes = serde_json::from_slice::<OAuthError>(body)
            .map(|e| vec![e.error.chars().take(64).collect()])
            .unwrap_or_default();
        return TokenError::Refused { status, codes };
    }
    TokenError::Unusable {
        status: Some(status),
        detail: if (300..400).contains(&status) {
            "redirect not followed (credentials are never replayed)".into()
        } else {
            "no token".into()
        },
    }
}

impl TokenSource for ClientCredentials {
    fn fetch_token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(self.exchange(request))
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("audience", &self.audience)
            .field("authentication", &self.authentication)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_gives_the_token_and_its_lifetime() {
        let token = granted(
            200,
            br#"{"access_token":"abc","token_type":"bearer","expires_in":600,"scope":"x"}"#,
        )
        .expect("granted");
        assert_eq!(token.secret().expose_secret(), "abc");
        assert!(token.expires_at().is_some());
        let forever = granted(200, br#"{"access_token":"abc"}"#).expect("granted");
        assert_eq!(
            forever.expires_at(),
            None,
            "no expires_in: kept until refused"
        );
    }

    #[test]
    fn a_lifetime_past_the_clock_s_range_is_kept_until_refused() {
        let body = format!(r#"{{"access_token":"abc","expires_in":{}}}"#, u64::MAX);
        let token = granted(200, body.as_bytes()).expect("granted");
        assert_eq!(token.expires_at(), None);
    }

    #[test]
    fn an_off_spec_grant_is_unusable() {
        for body in [
            &br#"{"token":"abc"}"#[..],
            br#"{"access_token":"abc","token_type":"mac"}"#,
            b"<html>",
        ] {
            assert!(
                matches!(
                    granted(200, body),
                    Err(TokenError::Unusable {
                        status: Some(200),
                        ..
                    })
                ),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn a_4xx_is_a_refusal_with_the_oauth_code_anything_else_unusable() {
        let refused = refusal(
            400,
            br#"{"error":"invalid_grant","error_description":"secret"}"#,
        );
        assert_eq!(
            refused,
            TokenError::Refused {
                status: 400,
                codes: vec!["invalid_grant".into()]
            }
        );
        assert!(!refused.to_string().contains("secret"));
        assert_eq!(
            shown_url("https://user:pw@issuer.example/oauth/token?client_secret=s#x"),
            "https://issuer.example/oauth/token"
        );
        assert_eq!(shown_url("http://127.0.0.1:8/t"), "http://127.0.0.1:8/t");
        assert_eq!(
            refusal(401, b"nope"),
            TokenError::Refused {
                status: 401,
                codes: Vec::new()
            }
        );
        for status in [302, 429, 500, 503] {
            assert!(
                matches!(refusal(status, b""), TokenError::Unusable { .. }),
                "{status}"
            );
        }
    }
}
