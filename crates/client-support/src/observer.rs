//! What a call saw of its response before decoding (status, headers, cut or redirected), kept for
//! the caller: progenitor drops the status when a body does not decode.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use reqwest::header::HeaderMap;

/// What [`execute_bounded`](crate::execute_bounded) saw of one response, before any decoding.
///
/// Its `Debug` lists the header names only, never their values (an error answer's
/// `Set-Cookie` or an echoed credential must not reach a log line).
#[derive(Clone)]
pub struct ObservedResponse {
    /// The HTTP status.
    pub status: u16,
    /// The response headers (e.g. `Retry-After`) of an answer whose status is not a success;
    /// for a 2xx only its `Content-Type` (this saves copying the others per request).
    pub headers: HeaderMap,
    /// Whether the body was longer than [`MAX_RESPONSE_BYTES`](crate::MAX_RESPONSE_BYTES) and was cut.
    pub truncated: bool,
    /// Whether the answer came from another URL than the one asked: the HTTP client followed a
    /// redirect (only possible with a client built to follow them, not [`http_client`](crate::http_client)). Such an
    /// answer must not be used.
    pub redirected: bool,
}

impl fmt::Debug for ObservedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObservedResponse")
            .field("status", &self.status)
            .field("headers", &HeaderNames(&self.headers))
            .field("truncated", &self.truncated)
            .field("redirected", &self.redirected)
            .finish()
    }
}

/// The names of a header map, for `Debug`: `["retry-after", "set-cookie"]`.
struct HeaderNames<'a>(&'a HeaderMap);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.keys().map(|name| name.as_str()))
            .finish()
    }
}

/// A slot that [`execute_bounded`](crate::execute_bounded) fills with the last response it saw. Cheap to clone (shared);
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

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER, SET_COOKIE};

    use super::{ObservedResponse, ResponseObserver};

    #[test]
    fn debug_shows_header_names_never_values() {
        let mut headers = HeaderMap::new();
        headers.insert(
            SET_COOKIE,
            HeaderValue::from_static("session=cookie-secret-42"),
        );
        headers.insert(RETRY_AFTER, HeaderValue::from_static("17"));
        let observed = ObservedResponse {
            status: 429,
            headers,
            truncated: false,
            redirected: false,
        };
        let observer = ResponseObserver::default();
        observer.record(observed.clone());
        for text in [
            format!("{observed:?}"),
            format!("{observed:#?}"),
            format!("{observer:?}"),
            format!("{observer:#?}"),
        ] {
            assert!(
                text.contains("set-cookie") && text.contains("retry-after"),
                "{text}"
            );
            assert!(
                !text.contains("cookie-secret") && !text.contains("17"),
                "{text}"
            );
            assert!(text.contains("429"), "{text}");
        }
    }
}
