//! Helpers shared by the three generated provider clients.
//!
//! Each client crate keeps its own `Credentials` type (the providers authenticate differently);
//! what they share lives here once: turning a secret into a sensitive header value, the HTTP
//! client every provider client uses by default, and [`execute_bounded`], which every client's
//! `ClientHooks::exec` uses to send a request, read at most [`MAX_RESPONSE_BYTES`] of the answer
//! and tell an optional [`ResponseObserver`] what status and headers came back (progenitor drops
//! the status when a body does not decode; the observer keeps it). The generated types check
//! their strings' `pattern`s with [`pattern::Pattern`] where the generator could compile them.

mod bearer;
mod bounded;
mod hooks;
mod observer;
pub mod pattern;
mod secret;

pub use bearer::BearerCredentials;
pub use bounded::{DEFAULT_TIMEOUT, MAX_RESPONSE_BYTES, execute_bounded, http_client};
pub use hooks::RequestContext;
pub use observer::{ObservedResponse, ResponseObserver};
pub use secret::{HeaderSecret, InvalidCredential, sensitive_header};
