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
}

/// A bearer access token, sent as `Authorization: Bearer …` (Bitpanda, Wealthyhood).
///
/// The header value is marked sensitive and `Debug` prints `Credentials(***)`.
#[derive(Clone)]
pub struct BearerCredentials {
    authorization: HeaderValue,
    observer: Option<ResponseObserver>,
}

impl BearerCredentials {
    /// Credentials from an access token; rejects an empty token or one with characters not
    /// allowed in a header, without repeating it.
    pub fn bearer(token: &str) -> Result<Self, InvalidCredential> {
        let authorization = sensitive_header("access token", "Bearer ", token)?;
        Ok(Self {
            authorization,
            observer: None,
        })
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
        headers.insert(AUTHORIZATION, self.authorization.clone());
    }

    fn observer(&self) -> Option<&ResponseObserver> {
        self.observer.as_ref()
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
    /// The response headers (e.g. `Retry-After`).
    pub headers: HeaderMap,
    /// Whether the body was longer than [`MAX_RESPONSE_BYTES`] and was cut.
    pub truncated: bool,
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
/// headers and whether the body was cut.
///
/// A transport failure while sending or reading is returned as is.
pub async fn execute_bounded(
    http: &reqwest::Client,
    request: reqwest::Request,
    observer: Option<&ResponseObserver>,
) -> reqwest::Result<reqwest::Response> {
    let mut response = http.execute(request).await?;
    let status = response.status();
    let version = response.version();
    let mut headers = response.headers().clone();
    let mut body = Vec::new();
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
            headers: headers.clone(),
            truncated,
        });
    }
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}
