//! Fetching a provider's docs over HTTP(S) with the workspace's one HTTP stack (reqwest with
//! rustls), on a small current-thread Tokio runtime.

use std::time::Duration;

/// How long a fetch may take in all.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The body of `url` as text; an error names the URL and what failed (never a panic).
pub fn text(url: &str) -> Result<String, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("{url}: cannot start the HTTP runtime: {e}"))?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .user_agent(concat!(
                "onboarding-clients-xtask/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| format!("{url}: cannot build the HTTP client: {e}"))?;
        let response = client
            .get(url)
            .send()
            .await
            .map_err(|e| format!("{url}: request failed: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("{url}: HTTP {status}"));
        }
        response
            .text()
            .await
            .map_err(|e| format!("{url}: cannot read the body: {e}"))
    })
}
