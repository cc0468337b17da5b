//! Fake Bitpanda, Wealthyhood and BTC Direct servers on loopback, for the tests of services that
//! register users through the `onboarding` facade — without credentials and without the
//! network.
//!
//! [`start`] runs the three fakes, each on its own `127.0.0.1` port. Each one
//!
//! - **checks every request against its provider's spec** (embedded at build time, so nothing
//!   outside this crate is read at run time): method and path, the credential headers (BTC
//!   Direct: exactly one partner credential and one user context, or the provider's own `ER`
//!   code), and the body against the spec's schema with formats (`email`, `date`, `date-time`,
//!   `uuid`) checked — OpenAPI 3.0 schemas converted to JSON Schema by [`spec::to_json_schema`],
//!   which also turns each `x-required-when` rule into an `if`/`then` (Wealthyhood refuses
//!   `employmentStatus` FullTime, PartTime or SelfEmployed without `industry`, with its 400);
//! - **answers as its page says**: `201` / `202` with a body valid against the spec's response
//!   schema; documented errors in the provider's own shape (BTC Direct's `ER` codes keyed by
//!   code, with the page's messages); a 4xx in that shape for a body the schema refuses
//!   (Bitpanda 422, Wealthyhood 400, BTC Direct 400 with the field's `ER` code);
//! - **keeps state like the provider**: Bitpanda refuses a second `external_id` (compared
//!   case-insensitively) with 409, Wealthyhood a second e-mail with 409 (the status its spec
//!   documents), BTC Direct's `PATCH` applies to the user behind `User-Identifier` or
//!   `User-Authorization`;
//! - **issues tokens** at its token endpoint (Bitpanda: OAuth 2.0 client credentials at
//!   [`FakeProvider::token_url`]; Wealthyhood: Auth0 `POST /oauth/token` with `audience`; BTC
//!   Direct: `POST /api/v1/authenticate` and `/api/v1/refresh`) that expire on Tokio's clock, so
//!   a test with a paused clock can let them expire with `tokio::time::advance`; a user request
//!   with an expired or unknown token is refused the provider's way (401; BTC Direct 400 with
//!   ER701/ER702/ER800/ER801);
//! - **plays scripted faults** ([`Fault`]) for the next N calls or for calls a predicate picks:
//!   429 with `Retry-After`, 503 maintenance (JSON or plain text), 500 after creating the user,
//!   no answer after creating the user (or without creating it), a connection reset, a slow
//!   answer, a 2xx off the spec, a documented error, a documented error whose message repeats a
//!   value of the request; or faults a function picks per call
//!   ([`FakeProvider::fail_with`]); and a rate limit ([`RateLimit`], a token bucket);
//! - **records what it received** ([`ReceivedRequest`], whose `Debug` shows no header value and
//!   no body value), the users it holds ([`StoredUser`]), counts per [`Outcome`], and offers
//!   assertions such as [`FakeProvider::assert_one_create_for_external_id`].
//!
//! ```
//! use onboarding_testkit::{Fault, Outcome};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let kit = onboarding_testkit::start().await;
//! kit.bitpanda.fail_next(1, Fault::too_many_requests(1));
//! // Point the facade at kit.bitpanda.url() with client credentials for kit.bitpanda.token_url()
//! // (or a fixed kit.bitpanda.access_token()), register a user, then assert what the fake saw:
//! // kit.bitpanda.assert_one_create_for_external_id("ext-1");
//! kit.bitpanda.assert_outcome_count(Outcome::Created, 0);
//! assert!(kit.bitpanda.url().starts_with("http://127.0.0.1:"));
//! # }
//! ```
//!
//! The credentials the token endpoints accept are [`CLIENT_ID`] / [`CLIENT_SECRET`] (Bitpanda,
//! Wealthyhood with [`WEALTHYHOOD_AUDIENCE`]) and [`BTCDIRECT_USERNAME`] /
//! [`BTCDIRECT_PASSWORD`]; BTC Direct also accepts `X-Api-Key: `[`BTCDIRECT_API_KEY`].
//!
//! The kit does not depend on the `onboarding` crate, so that crate's own tests can use it.
//! It embeds the specs and reads them with `spec-support`, the workspace's spec reader.

mod auth;
mod errors;
mod fake;
mod faults;
mod handling;
mod journal;
mod provider;
mod rate;
mod server;
pub mod spec;
mod tokens;

use std::io;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

pub use fake::FakeProvider;
pub use faults::{Call, CallPredicate, Fault, FaultPicker, MaintenanceBody, OffSpecBody};
pub use journal::{Answer, JournalDetail, OutcomeCounts, ReceivedRequest, StoredUser};
pub use provider::{
    BITPANDA_TOKEN_PATH, BTCDIRECT_AUTHENTICATE_PATH, BTCDIRECT_REFRESH_PATH, Endpoint, Outcome,
    Provider, Route, WEALTHYHOOD_TOKEN_PATH,
};
pub use rate::RateLimit;
pub use tokens::{
    BTCDIRECT_API_KEY, BTCDIRECT_PASSWORD, BTCDIRECT_USERNAME, CLIENT_ID, CLIENT_SECRET,
    WEALTHYHOOD_AUDIENCE,
};

use handling::State;

/// The three fakes, running. Dropping it stops them (and ends held connections).
#[derive(Debug)]
pub struct TestKit {
    /// Bitpanda's `POST /v2/users`.
    pub bitpanda: FakeProvider,
    /// Wealthyhood's `POST /users`.
    pub wealthyhood: FakeProvider,
    /// BTC Direct's `PATCH /api/v2/user`.
    pub btcdirect: FakeProvider,
    shutdown: watch::Sender<bool>,
}

impl TestKit {
    /// The fake for `provider`.
    pub fn fake(&self, provider: Provider) -> &FakeProvider {
        match provider {
            Provider::Bitpanda => &self.bitpanda,
            Provider::Wealthyhood => &self.wealthyhood,
            Provider::BtcDirect => &self.btcdirect,
        }
    }
}

impl Drop for TestKit {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Starts the three fakes on loopback (needs a Tokio runtime with I/O and time enabled).
///
/// # Panics
///
/// When no loopback port can be bound; [`try_start`] returns the error instead.
pub async fn start() -> TestKit {
    try_start()
        .await
        .unwrap_or_else(|e| panic!("onboarding-testkit: cannot listen on 127.0.0.1: {e}"))
}

/// Starts the three fakes on loopback, or says why it could not.
pub async fn try_start() -> io::Result<TestKit> {
    let (shutdown, stopped) = watch::channel(false);
    let mut fakes = Vec::with_capacity(3);
    for provider in Provider::ALL {
        let state = Arc::new(Mutex::new(State::new(provider)));
        let address = server::serve(provider, state.clone(), stopped.clone()).await?;
        fakes.push(FakeProvider {
            provider,
            address,
            state,
        });
    }
    let [bitpanda, wealthyhood, btcdirect]: [FakeProvider; 3] = fakes
        .try_into()
        .map_err(|_| io::Error::other("three fakes"))?;
    spec::warm_up();
    Ok(TestKit {
        bitpanda,
        wealthyhood,
        btcdirect,
        shutdown,
    })
}
