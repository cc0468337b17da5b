//! Helpers shared by the three generated provider clients.
//!
//! Each client crate keeps its own `Credentials` type (the providers authenticate differently);
//! what they share lives here once: turning a secret into a sensitive header value, the HTTP
//! client every provider client uses by default, and [`execute_bounded`], which every client's
//! `ClientHooks::exec` uses to send a request, read at most [`MAX_RESPONSE_BYTES`] of the answer
//! and tell an optional [`ResponseObserver`] what status and headers came back (progenitor drops
//! the status when a body does not decode; the observer keeps it).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

/// The default per-request timeout (connect and whole request), as progenitor's own default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

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

/// The HTTP client the provider clients use: `timeout` for connecting and for the whole request
/// ([`DEFAULT_TIMEOUT`] unless the caller chooses), and redirects disabled so a credential is
/// never replayed to another host.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

/// What a generated client's hooks need from its inner state: the auth headers to add to each
/// request, and where to report what came back.
///
/// Each client crate's `ClientHooks` calls this, so the generated code never sees a secret.
pub trait RequestContext {
    /// Inserts this credential's headers into `headers`, replacing any of the same name.
    fn apply_auth(&self, headers: &mut HeaderMap);

    /// The observer told about each response, if any.
    fn observer(&self) -> Option<&ResponseObserver>;

    /// A timeout for the whole request, set on each request (over the HTTP client's own), if any.
    fn timeout(&self) -> Option<Duration> {
        None
    }
}

/// A secret that is checked to make a valid header value, kept in a [`SecretString`] (zeroised
/// when dropped, never printed), and turned into a sensitive header value only per request.
#[derive(Clone)]
pub struct HeaderSecret {
    what: &'static str,
    prefix: &'static str,
    secret: SecretString,
}

impl HeaderSecret {
    /// Checks that `prefix` + `secret` makes a valid header value (see [`sensitive_header`]) and
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

/// The largest response body a client reads: 1 MiB. A larger body is cut at this size (and so
/// fails to decode), with [`ObservedResponse::truncated`] set; the documented bodies are a few
/// kilobytes at most.
pub const MAX_RESPONSE_BYTES: usize = 1 << 20;

/// What [`execute_bounded`] saw of one response, before any decoding.
#[derive(Debug, Clone)]
pub struct ObservedResponse {
    /// The HTTP status.
    pub status: u16,
    /// The response headers (e.g. `Retry-After`) of an answer whose status is not a success;
    /// empty for a 2xx, whose headers nothing reads (this saves copying them per request).
    pub headers: HeaderMap,
    /// Whether the body was longer than [`MAX_RESPONSE_BYTES`] and was cut.
    pub truncated: bool,
    /// Whether the answer came from another URL than the one asked: the HTTP client followed a
    /// redirect (only possible with a client built to follow them, not [`http_client`]). Such an
    /// answer must not be used.
    pub redirected: bool,
}

/// A slot that [`execute_bounded`] fills with the last response it saw. Cheap to clone (shared);
/// use one per call so concurrent calls do not see each other's responses.
#[derive(Debug, Clone, Default)]
pub struct ResponseObserver(Arc<Mutex<Option<ObservedResponse>>>);

impl ResponseObserver {
    /// Records `observed`, replacing what was there.
    pub fn record(&self, observed: ObservedResponse) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(observed);
    }

    /// Takes the last recorded response, leaving the slot empty.
    pub fn take(&self) -> Option<ObservedResponse> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Sends `request` with `http` and reads at most [`MAX_RESPONSE_BYTES`] of the body, then hands
/// back an equivalent response holding the (possibly cut) body, telling `observer` the status,
/// headers, whether the body was cut and whether the answer came through a redirect.
///
/// A transport failure while sending or reading is returned as is.
pub async fn execute_bounded(
    http: &reqwest::Client,
    request: reqwest::Request,
    observer: Option<&ResponseObserver>,
) -> reqwest::Result<reqwest::Response> {
    let asked = request.url().clone();
    let mut response = http.execute(request).await?;
    let redirected = response.url() != &asked;
    let status = response.status();
    let version = response.version();
    // The headers move to the rebuilt response; reading the body does not need them.
    let mut headers = std::mem::take(response.headers_mut());
    let expected = response.content_length().unwrap_or(0);
    let mut body =
        Vec::with_capacity(usize::try_from(expected).map_or(0, |n| n.min(MAX_RESPONSE_BYTES)));
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_RESPONSE_BYTES - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    if truncated {
        headers.remove(CONTENT_LENGTH);
    }
    if let Some(observer) = observer {
        observer.record(ObservedResponse {
            status: status.as_u16(),
            headers: if status.is_success() {
                HeaderMap::new()
            } else {
                headers.clone()
            },
            truncated,
            redirected,
        });
    }
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}

/// Implements what every provider client adds to its generated `Client` (whose inner state is
/// `$credentials`, a [`RequestContext`]): `Client::with_credentials`, and the `ClientHooks` that
/// add the auth headers before sending and send through [`execute_bounded`].
///
/// Expands in the client crate, which must depend on `progenitor-client` and `reqwest`.
#[macro_export]
macro_rules! provider_client_hooks {
    ($client:ty, $credentials:ty) => {
        impl $client {
            /// A client for `base_url` authenticating with `credentials`, using
            /// [`client_support::http_client`] with its 15 s default timeout, and no redirects.
            pub fn with_credentials(
                base_url: &str,
                credentials: $credentials,
            ) -> Result<Self, reqwest::Error> {
                let http = $crate::http_client($crate::DEFAULT_TIMEOUT)?;
                Ok(Self::new_with_client(base_url, http, credentials))
            }
        }

        impl progenitor_client::ClientHooks<$credentials> for $client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                _info: &progenitor_client::OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                $crate::RequestContext::apply_auth(&self.inner, request.headers_mut());
                if let Some(timeout) = $crate::RequestContext::timeout(&self.inner) {
                    *request.timeout_mut() = Some(timeout);
                }
                Ok(())
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                _info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                let observer = $crate::RequestContext::observer(&self.inner);
                $crate::execute_bounded(&self.client, request, observer).await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compile-time proof that the secret store wipes its memory when dropped.
    fn assert_zeroized_on_drop<T: secrecy::zeroize::ZeroizeOnDrop>() {}

    #[test]
    fn secrets_are_zeroized_on_drop_and_never_printed() {
        assert_zeroized_on_drop::<secrecy::SecretBox<str>>();
        let credentials = BearerCredentials::bearer("tok-123").unwrap();
        assert_eq!(format!("{credentials:?}"), "Credentials(***)");
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
