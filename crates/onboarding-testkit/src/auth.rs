//! Credential checks on the user operation, answered the provider's way.
//!
//! - Bitpanda and Wealthyhood: `Authorization: Bearer <token issued by the fake>`; missing,
//!   unknown or expired → `401` in the provider's shape.
//! - BTC Direct: exactly one partner credential (`Authorization: Bearer <partner token>` or
//!   `X-Api-Key`; both → ER803, neither → ER802, an unknown token → ER800, an expired one →
//!   ER801, an unknown key → ER805, an empty one → ER806) and exactly one user context
//!   (`User-Authorization: Bearer <user token>` or `User-Identifier`; both → ER703, neither →
//!   ER704, an identifier of the wrong length → ER102, not alphanumeric → ER707, not linked →
//!   ER705, an unknown user token → ER702, an expired one → ER701). BTC Direct answers these
//!   with HTTP 400, as it does every validation and token error.

use http::HeaderMap;
use tokio::time::Instant;

use crate::errors::Problem;
use crate::provider::Provider;
use crate::tokens::{BTCDIRECT_API_KEY, TokenCheck, TokenKind, Tokens};

/// The bearer token of an `Authorization`-style header value (`Bearer <token>`).
pub(crate) fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|value| value.to_str().unwrap_or(""))
}

/// Checks the `Authorization: Bearer` access token of Bitpanda and Wealthyhood.
pub(crate) fn check_bearer(
    provider: Provider,
    headers: &HeaderMap,
    tokens: &Tokens,
    now: Instant,
) -> Result<(), Problem> {
    let refuse = |code: &str, message: &str| {
        let code = match provider {
            Provider::Wealthyhood => code.to_ascii_uppercase(),
            _ => code.to_owned(),
        };
        Err(Problem::new(401, code, message))
    };
    let Some(value) = header(headers, "authorization") else {
        return refuse("unauthorized", "No access token was sent.");
    };
    match bearer(value).map(|token| tokens.check(token, &TokenKind::Access, now)) {
        Some(TokenCheck::Valid(_)) => Ok(()),
        Some(TokenCheck::Expired) => refuse("token_expired", "The access token has expired."),
        _ => refuse("invalid_token", "The access token is invalid."),
    }
}

/// The user BTC Direct's update applies to: the identifier behind `User-Identifier` or behind
/// the `User-Authorization` user token. `linked` says whether an identifier belongs to a user.
pub(crate) fn check_btcdirect(
    headers: &HeaderMap,
    tokens: &Tokens,
    now: Instant,
    linked: impl Fn(&str) -> bool,
) -> Result<String, Problem> {
    check_partner(headers, tokens, now)?;
    let user_token = header(headers, "user-authorization");
    let identifier = header(headers, "user-identifier");
    match (user_token, identifier) {
        (Some(_), Some(_)) => Err(Problem::btcdirect(["ER703"])),
        (None, None) => Err(Problem::btcdirect(["ER704"])),
        (None, Some(identifier)) => {
            let length = identifier.chars().count();
            if !(36..=255).contains(&length) {
                Err(Problem::btcdirect(["ER102"]))
            } else if !identifier.chars().all(|c| c.is_ascii_alphanumeric()) {
                Err(Problem::btcdirect(["ER707"]))
            } else if !linked(identifier) {
                Err(Problem::btcdirect(["ER705"]))
            } else {
                Ok(identifier.to_owned())
            }
        }
        (Some(value), None) => {
            let expected = TokenKind::User(String::new());
            match bearer(value).map(|token| tokens.check(token, &expected, now)) {
                Some(TokenCheck::Valid(TokenKind::User(identifier))) if linked(&identifier) => {
                    Ok(identifier)
                }
                Some(TokenCheck::Valid(_)) => Err(Problem::btcdirect(["ER709"])),
                Some(TokenCheck::Expired) => Err(Problem::btcdirect(["ER701"])),
                _ => Err(Problem::btcdirect(["ER702"])),
            }
        }
    }
}

/// Exactly one partner credential, valid.
fn check_partner(headers: &HeaderMap, tokens: &Tokens, now: Instant) -> Result<(), Problem> {
    match (
        header(headers, "authorization"),
        header(headers, "x-api-key"),
    ) {
        (Some(_), Some(_)) => Err(Problem::btcdirect(["ER803"])),
        (None, None) => Err(Problem::btcdirect(["ER802"])),
        (None, Some(key)) if key.trim().is_empty() => Err(Problem::btcdirect(["ER806"])),
        (None, Some(key)) if key != BTCDIRECT_API_KEY => Err(Problem::btcdirect(["ER805"])),
        (None, Some(_)) => Ok(()),
        (Some(value), None) => {
            match bearer(value).map(|token| tokens.check(token, &TokenKind::Access, now)) {
                Some(TokenCheck::Valid(_)) => Ok(()),
                Some(TokenCheck::Expired) => Err(Problem::btcdirect(["ER801"])),
                _ => Err(Problem::btcdirect(["ER800"])),
            }
        }
    }
}
