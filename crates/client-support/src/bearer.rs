//! Bearer credentials (Bitpanda, Wealthyhood): one access token sent as `Authorization: Bearer …`.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap};

use crate::hooks::RequestContext;
use crate::observer::ResponseObserver;
use crate::secret::{HeaderSecret, InvalidCredential};

/// A bearer access token, sent as `Authorization: Bearer …` (Bitpanda, Wealthyhood).
///
/// The token is held in a [`HeaderSecret`] (zeroised on drop); the header is marked sensitive and
/// `Debug` prints `Credentials(***)`.
#[derive(Clone)]
pub struct BearerCredentials {
    token: HeaderSecret,
    observer: Option<ResponseObserver>,
    timeout: Option<Duration>,
}

impl BearerCredentials {
    /// Credentials from an access token; rejects an empty token or one with characters not
    /// allowed in a header, without repeating it.
    pub fn bearer(token: &str) -> Result<Self, InvalidCredential> {
        Ok(Self::from_secret(HeaderSecret::new(
            "access token",
            "Bearer ",
            token,
        )?))
    }

    /// Credentials from a token already checked and kept as a [`HeaderSecret`] with the
    /// `Bearer ` prefix (as a token cache holds it), so nothing is checked again per call.
    pub fn from_secret(token: HeaderSecret) -> Self {
        Self {
            token,
            observer: None,
            timeout: None,
        }
    }

    /// The same credentials, setting `timeout` on every request (for an HTTP client built
    /// elsewhere, whose own timeouts may be missing); `None` leaves the client's.
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The same credentials, reporting every response's status and headers to `observer`.
    pub fn observed_by(mut self, observer: ResponseObserver) -> Self {
        self.observer = Some(observer);
        self
    }
}

impl std::fmt::Debug for BearerCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(***)")
    }
}

impl RequestContext for BearerCredentials {
    fn apply_auth(&self, headers: &mut HeaderMap) {
        if let Some(value) = self.token.header_value() {
            headers.insert(AUTHORIZATION, value);
        }
    }

    fn observer(&self) -> Option<&ResponseObserver> {
        self.observer.as_ref()
    }

    fn timeout(&self) -> Option<Duration> {
        self.timeout
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_credentials_are_never_printed() {
        let credentials = BearerCredentials::bearer("tok-123").unwrap();
        assert_eq!(format!("{credentials:?}"), "Credentials(***)");
    }

    #[test]
    fn a_blank_token_is_refused() {
        assert!(BearerCredentials::bearer("   ").is_err());
    }

    #[test]
    fn the_auth_header_is_added_per_request() {
        let mut headers = HeaderMap::new();
        BearerCredentials::bearer("tok-123")
            .unwrap()
            .apply_auth(&mut headers);
        assert_eq!(headers[AUTHORIZATION], "Bearer tok-123");
        assert!(headers[AUTHORIZATION].is_sensitive());
    }
}
