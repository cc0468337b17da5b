//! BTC Direct's partner login: `POST /api/v1/authenticate {username, password}` gives a token
//! (valid one hour) and a refresh token; `POST /api/v1/refresh {refreshToken}` renews both.
//! Both calls are the generated ones (`specs/btcdirect.yaml`).

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use btcdirect_client::types::{AuthenticateRequest, PartnerTokens, RefreshRequest};
use client_support::ResponseObserver;
use progenitor_client::{Error as ClientError, ResponseValue};
use secrecy::{ExposeSecret, SecretString};

use super::{AccessToken, TokenError, TokenFuture, TokenRequest, TokenSource, not_redirected};
use crate::transport;

/// How long a BTC Direct partner token is valid: one hour, as BTC Direct documents.
pub(crate) const BTCDIRECT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// BTC Direct partner login with the partner's username and password.
///
/// The first token comes from `authenticate`; later ones from `refresh` with the refresh token
/// that came with the last token, falling back to `authenticate` when BTC Direct refuses the
/// refresh (the refresh token lives a month). Username, password and refresh token are held in
/// [`SecretString`]s; `Debug` prints `BtcDirectLogin(***)`. The generated request and response
/// bodies hold plain copies only while a call is in flight, and are never printed.
pub struct BtcDirectLogin {
    username: SecretString,
    password: SecretString,
    refresh_token: Mutex<Option<SecretString>>,
}

impl BtcDirectLogin {
    /// A login with the partner's API username and password.
    pub fn new(username: impl Into<SecretString>, password: impl Into<SecretString>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
            refresh_token: Mutex::new(None),
        }
    }

    async fn login(&self, request: TokenRequest<'_>) -> Result<AccessToken, TokenError> {
        let observer = ResponseObserver::default();
        let client = btcdirect_client::Client::new_with_client(
            request.base_url,
            request.http.clone(),
            btcdirect_client::Credentials::token_request()
                .observed_by(observer.clone())
                .with_timeout(request.timeout),
        );
        let refresh_token = self
            .refresh_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(refresh_token) = refresh_token {
            let body = RefreshRequest {
                refresh_token: refresh_token.expose_secret().to_owned(),
            };
            let refreshed = client.refresh_token(&body).await.map_err(token_error);
            match not_redirected(&observer).and(refreshed) {
                Ok(tokens) => return Ok(self.keep(tokens)),
                Err(TokenError::Refused { .. }) => {}
                Err(error) => {
                    // Not refused, only not answered: the refresh token may still be good.
                    *self
                        .refresh_token
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner) = Some(refresh_token);
                    return Err(error);
                }
            }
        }
        let body = AuthenticateRequest {
            username: self.username.expose_secret().to_owned(),
            password: self.password.expose_secret().to_owned(),
        };
        let tokens = client
            .authenticate(&body)
            .await
            .map_err(token_error)
            .map_err(|error| match error {
                // Nothing at the login route: the base URL is wrong, not the credentials.
                TokenError::Refused { status: 404, .. } => TokenError::NotFound {
                    url: format!(
                        "{}/api/v1/authenticate",
                        request.base_url.trim_end_matches('/')
                    ),
                },
                other => other,
            });
        not_redirected(&observer)?;
        Ok(self.keep(tokens?))
    }

    /// Keeps the new refresh token and hands out the token.
    fn keep(&self, tokens: ResponseValue<PartnerTokens>) -> AccessToken {
        let PartnerTokens {
            token,
            refresh_token,
        } = tokens.into_inner();
        *self
            .refresh_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(SecretString::from(refresh_token));
        AccessToken::new(token, Some(BTCDIRECT_TOKEN_LIFETIME))
    }
}

/// A failed `authenticate` or `refresh` as a [`TokenError`]: an error answer is a refusal
/// carrying BTC Direct's codes; no answer is unreachable; anything else unusable.
fn token_error(error: ClientError<btcdirect_client::types::ErrorResponse>) -> TokenError {
    match error {
        ClientError::ErrorResponse(response) => TokenError::Refused {
            status: response.status().as_u16(),
            codes: response.into_inner().errors.into_keys().collect(),
        },
        ClientError::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            if (400..500).contains(&status) && status != 429 {
                TokenError::Refused {
                    status,
                    codes: Vec::new(),
                }
            } else {
                TokenError::Unusable {
                    status: Some(status),
                    detail: "no token".into(),
                }
            }
        }
        ClientError::CommunicationError(error) | ClientError::ResponseBodyError(error) => {
            TokenError::Unreachable {
                detail: transport::describe(&error),
            }
        }
        ClientError::InvalidResponsePayload(..) => TokenError::Unusable {
            status: None,
            detail: "the answer did not decode as {token, refreshToken}".into(),
        },
        ClientError::InvalidRequest(_)
        | ClientError::InvalidUpgrade(_)
        | ClientError::Custom(_) => TokenError::Unusable {
            status: None,
            detail: "the request could not be made".into(),
        },
    }
}

impl TokenSource for BtcDirectLogin {
    fn fetch_token<'a>(&'a self, request: TokenRequest<'a>) -> TokenFuture<'a> {
        Box::pin(self.login(request))
    }
}

impl fmt::Debug for BtcDirectLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BtcDirectLogin(***)")
    }
}
