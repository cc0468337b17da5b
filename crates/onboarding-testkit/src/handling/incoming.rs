//! A request as the server hands it to the handling: read off the connection, not yet judged.

use bytes::Bytes;

/// A request as the server read it.
pub(crate) struct Incoming {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
}
