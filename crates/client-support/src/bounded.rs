//! Sending a request with bounds: the default HTTP client (timeouts, no redirects), and
//! [`execute_bounded`], which reads at most [`MAX_RESPONSE_BYTES`] of an answer.

use std::time::Duration;

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};

use crate::observer::{ObservedResponse, ResponseObserver};

/// The default per-request timeout (connect and whole request), as progenitor's own default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

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

/// The largest response body a client reads: 1 MiB. A larger body is cut at this size (and so
/// fails to decode), with [`ObservedResponse::truncated`] set; the documented bodies are a few
/// kilobytes at most.
pub const MAX_RESPONSE_BYTES: usize = 1 << 20;

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
                // Only the content type, which an error about an off-spec body names.
                let mut kept = HeaderMap::new();
                if let Some(value) = headers.get(CONTENT_TYPE) {
                    kept.insert(CONTENT_TYPE, value.clone());
                }
                kept
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
