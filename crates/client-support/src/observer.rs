//! What a call saw of its response before decoding (status, headers, cut or redirected), kept for
//! the caller: progenitor drops the status when a body does not decode.

use std::sync::{Arc, Mutex, PoisonError};

use reqwest::header::HeaderMap;

/// What [`execute_bounded`](crate::execute_bounded) saw of one response, before any decoding.
#[derive(Debug, Clone)]
pub struct ObservedResponse {
    /// The HTTP status.
    pub status: u16,
    /// The response headers (e.g. `Retry-After`) of an answer whose status is not a success;
    /// empty for a 2xx, whose headers nothing reads (this saves copying them per request).
    pub headers: HeaderMap,
    /// Whether the body was longer than [`MAX_RESPONSE_BYTES`](crate::MAX_RESPONSE_BYTES) and was cut.
    pub truncated: bool,
    /// Whether the answer came from another URL than the one asked: the HTTP client followed a
    /// redirect (only possible with a client built to follow them, not [`http_client`](crate::http_client)). Such an
    /// answer must not be used.
    pub redirected: bool,
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
