//! What a generated client's hooks ask of its inner state ([`RequestContext`]), and the macro
//! that implements those hooks for each provider client.

use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::observer::ResponseObserver;

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

/// Implements what every provider client adds to its generated `Client` (whose inner state is
/// `$credentials`, a [`RequestContext`]): `Client::with_credentials`, and the `ClientHooks` that
/// add the auth headers before sending and send through [`execute_bounded`](crate::execute_bounded).
///
/// Expands in the client crate, which must depend on `progenitor-client` and `reqwest`.
#[macro_export]
macro_rules! provider_client_hooks {
    ($client:ty, $credentials:ty) => {
        impl $client {
            /// A client for `base_url` authenticating with `credentials`, using
            /// `client_support::http_client` with its 15 s default timeout, and no redirects.
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
