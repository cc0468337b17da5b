//! Secrets as HTTP header values: checked once, kept zeroised and unprinted, and turned into a
//! sensitive header value per request.

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

/// A credential that cannot be sent: empty, or not a valid HTTP header value.
///
/// Deliberately carries nothing of the rejected value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidCredential {
    /// Which credential was rejected, e.g. `"access token"` or `"User-Identifier"`.
    pub what: &'static str,
}

impl std::fmt::Display for InvalidCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the {} is empty or contains characters not allowed in an HTTP header",
            self.what
        )
    }
}

impl std::error::Error for InvalidCredential {}

/// `prefix` + `secret` as a header value marked sensitive (printed as `Sensitive` by `Debug`,
/// and kept out of HTTP/2 header compression tables).
///
/// `what` names the credential in the error; the error never repeats the secret.
pub fn sensitive_header(
    what: &'static str,
    prefix: &str,
    secret: &str,
) -> Result<HeaderValue, InvalidCredential> {
    if secret.trim().is_empty() {
        return Err(InvalidCredential { what });
    }
    let mut value = HeaderValue::from_str(&format!("{prefix}{secret}"))
        .map_err(|_| InvalidCredential { what })?;
    value.set_sensitive(true);
    Ok(value)
}

/// A secret that is checked to make a valid header value, kept in a `secrecy::SecretString` (zeroised
/// when dropped, never printed), and turned into a sensitive header value only per request.
#[derive(Clone)]
pub struct HeaderSecret {
    what: &'static str,
    prefix: &'static str,
    secret: SecretString,
}

impl HeaderSecret {
    /// Checks that `prefix` + `secret` makes a valid header value (see `sensitive_header`) and
    /// keeps the secret; `what` names it in errors.
    pub fn new(
        what: &'static str,
        prefix: &'static str,
        secret: &str,
    ) -> Result<Self, InvalidCredential> {
        sensitive_header(what, prefix, secret)?;
        Ok(Self {
            what,
            prefix,
            secret: SecretString::from(secret),
        })
    }

    /// The sensitive header value for one request.
    pub fn header_value(&self) -> Option<HeaderValue> {
        sensitive_header(self.what, self.prefix, self.secret.expose_secret()).ok()
    }
}

impl std::fmt::Debug for HeaderSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}(***)", self.what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compile-time proof that the secret store wipes its memory when dropped.
    fn assert_zeroized_on_drop<T: secrecy::zeroize::ZeroizeOnDrop>() {}

    #[test]
    fn secrets_are_zeroized_on_drop_and_never_printed() {
        assert_zeroized_on_drop::<secrecy::SecretBox<str>>();
        let secret = HeaderSecret::new("API key", "", "key-456").unwrap();
        assert_eq!(format!("{secret:?}"), "API key(***)");
        let value = secret.header_value().unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().unwrap(), "key-456");
    }

    #[test]
    fn malformed_secrets_are_refused_without_repeating_them() {
        let error = HeaderSecret::new("API key", "", "bad\nkey").unwrap_err();
        assert!(!error.to_string().contains("bad"));
        assert!(HeaderSecret::new("API key", "", "   ").is_err());
    }
}
