//! The handle on one running fake provider: its URLs and credentials, its fault script and rate
//! limit, and what it received.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use crate::faults::{Call, Fault};
use crate::handling::State;
use crate::journal::{JournalDetail, OutcomeCounts, ReceivedRequest, StoredUser};
use crate::provider::{
    BITPANDA_TOKEN_PATH, BTCDIRECT_AUTHENTICATE_PATH, Endpoint, Outcome, Provider,
    WEALTHYHOOD_TOKEN_PATH,
};
use crate::rate::{Bucket, RateLimit};
use crate::tokens::TokenKind;

/// One fake provider listening on loopback. Cheap to clone; clones share the fake.
#[derive(Clone)]
pub struct FakeProvider {
    pub(crate) provider: Provider,
    pub(crate) address: SocketAddr,
    pub(crate) state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for FakeProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeProvider")
            .field("provider", &self.provider)
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl FakeProvider {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Which provider this fakes.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The base URL to point a client at (`http://127.0.0.1:PORT`). For Wealthyhood this is also
    /// the Auth0 issuer URL (`{issuer}/oauth/token`).
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The full URL of the token endpoint: Bitpanda `…/oauth2/token` (the kit's choice; the real
    /// path is not public), Wealthyhood `…/oauth/token`, BTC Direct `…/api/v1/authenticate`.
    pub fn token_url(&self) -> String {
        let path = match self.provider {
            Provider::Bitpanda => BITPANDA_TOKEN_PATH,
            Provider::Wealthyhood => WEALTHYHOOD_TOKEN_PATH,
            Provider::BtcDirect => BTCDIRECT_AUTHENTICATE_PATH,
        };
        format!("{}{path}", self.url())
    }

    /// Issues an access token now, as the token endpoint would (Bitpanda and Wealthyhood: the
    /// bearer token; BTC Direct: the partner token). It expires after the token lifetime, on
    /// Tokio's clock.
    pub fn access_token(&self) -> String {
        self.state()
            .tokens
            .issue(TokenKind::Access, Instant::now())
            .0
    }

    /// Makes every access token (and BTC Direct user token) issued so far expire now, as if the
    /// provider had revoked them early: the next request carrying one is refused the provider's
    /// way, and a client that renews on that refusal gets a new one from the token endpoint.
    pub fn expire_tokens(&self) {
        self.state().tokens.expire_all(Instant::now());
    }

    /// Sets how long access tokens issued from now on live (the defaults:
    /// [`Provider::default_token_lifetime`]).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.state().tokens.set_lifetime(lifetime);
    }

    /// How long access tokens issued now live.
    pub fn token_lifetime(&self) -> Duration {
        self.state().tokens.lifetime()
    }

    /// BTC Direct: links `identifier` to a new user, as `POST /api/v1/user/register-identifier`
    /// would, so a `User-Identifier` header naming it is accepted. Linking twice changes
    /// nothing.
    pub fn link_identifier(&self, identifier: &str) {
        self.state().link(identifier, None);
    }

    /// BTC Direct: a user token (as from `POST /api/v1/user/login`) for the user behind
    /// `identifier`, linking it first if needed; send it as `User-Authorization: Bearer …`.
    pub fn user_token(&self, identifier: &str) -> String {
        let mut state = self.state();
        state.link(identifier, None);
        state
            .tokens
            .issue(TokenKind::User(identifier.to_owned()), Instant::now())
            .0
    }

    /// Rate-limits the user operation with a token bucket (`None` lifts the limit).
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.state().bucket = limit.map(|limit| Bucket::new(limit, Instant::now()));
    }

    /// How much of each request the journal keeps from now on (default
    /// [`JournalDetail::Full`]; a long load run may want [`JournalDetail::Keys`]).
    pub fn set_journal_detail(&self, detail: JournalDetail) {
        self.state().detail = detail;
    }

    /// Plays `fault` on the next `times` calls to the user operation.
    pub fn fail_next(&self, times: usize, fault: Fault) {
        self.fail_next_on(Endpoint::User, times, fault);
    }

    /// Plays `fault` on the next `times` calls to `endpoint` (e.g. the token endpoint).
    pub fn fail_next_on(&self, endpoint: Endpoint, times: usize, fault: Fault) {
        self.state().script.next(endpoint, times, fault);
    }

    /// Plays `fault` on every call `predicate` accepts, until [`FakeProvider::clear_faults`].
    pub fn fail_when(
        &self,
        predicate: impl Fn(&Call<'_>) -> bool + Send + Sync + 'static,
        fault: Fault,
    ) {
        self.state().script.when(Arc::new(predicate), None, fault);
    }

    /// Plays `fault` on the first `times` calls `predicate` accepts.
    pub fn fail_when_times(
        &self,
        times: usize,
        predicate: impl Fn(&Call<'_>) -> bool + Send + Sync + 'static,
        fault: Fault,
    ) {
        self.state()
            .script
            .when(Arc::new(predicate), Some(times), fault);
    }

    /// Consults `picker` for every call (after the rules added before it): the fault it returns
    /// is played. For faults drawn at random with a seed, or by the attempt of a user.
    pub fn fail_with(&self, picker: impl Fn(&Call<'_>) -> Option<Fault> + Send + Sync + 'static) {
        self.state().script.pick(Arc::new(picker));
    }

    /// Forgets every scripted fault.
    pub fn clear_faults(&self) {
        self.state().script.clear();
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.state().journal.clone()
    }

    /// The requests to the user operation, in arrival order.
    pub fn user_requests(&self) -> Vec<ReceivedRequest> {
        self.requests_to(Endpoint::User)
    }

    /// The requests to `endpoint`, in arrival order.
    pub fn requests_to(&self, endpoint: Endpoint) -> Vec<ReceivedRequest> {
        self.state()
            .journal
            .iter()
            .filter(|request| request.endpoint == endpoint)
            .cloned()
            .collect()
    }

    /// The users the fake holds, in creation order.
    pub fn users(&self) -> Vec<StoredUser> {
        self.state().users.clone()
    }

    /// How many requests ended in each outcome.
    pub fn outcomes(&self) -> OutcomeCounts {
        let mut counts = OutcomeCounts::default();
        for request in &self.state().journal {
            *counts.0.entry(request.outcome).or_default() += 1;
        }
        counts
    }

    /// How many requests created a user whose `external_id` is `external_id` (compared
    /// case-insensitively, as Bitpanda does).
    pub fn creates_for_external_id(&self, external_id: &str) -> usize {
        self.creates_matching("/external_id", external_id)
    }

    /// How many requests created a user with this e-mail (compared case-insensitively).
    pub fn creates_for_email(&self, email: &str) -> usize {
        self.creates_matching("/email", email)
    }

    fn creates_matching(&self, pointer: &str, wanted: &str) -> usize {
        self.state()
            .journal
            .iter()
            .filter(|request| request.outcome == Outcome::Created)
            .filter(|request| {
                request
                    .json_str(pointer)
                    .is_some_and(|value| value.eq_ignore_ascii_case(wanted))
            })
            .count()
    }

    /// Panics unless exactly one request created a user with this `external_id`.
    #[track_caller]
    pub fn assert_one_create_for_external_id(&self, external_id: &str) {
        let creates = self.creates_for_external_id(external_id);
        assert_eq!(
            creates,
            1,
            "{}: expected exactly one create for the given external_id, found {creates} \
             (outcomes: {:?})",
            self.provider,
            self.outcomes()
        );
    }

    /// Panics unless exactly one request created a user with this e-mail.
    #[track_caller]
    pub fn assert_one_create_for_email(&self, email: &str) {
        let creates = self.creates_for_email(email);
        assert_eq!(
            creates,
            1,
            "{}: expected exactly one create for the given e-mail, found {creates} \
             (outcomes: {:?})",
            self.provider,
            self.outcomes()
        );
    }

    /// Panics unless the user operation received exactly `expected` requests.
    #[track_caller]
    pub fn assert_user_requests(&self, expected: usize) {
        let received = self.user_requests();
        assert_eq!(
            received.len(),
            expected,
            "{}: expected {expected} user request(s), received {:#?}",
            self.provider,
            received
        );
    }

    /// Panics unless exactly `expected` requests ended in `outcome`.
    #[track_caller]
    pub fn assert_outcome_count(&self, outcome: Outcome, expected: usize) {
        let counts = self.outcomes();
        assert_eq!(
            counts.get(outcome),
            expected,
            "{}: expected {expected} × {outcome:?}, outcomes were {counts:?}",
            self.provider
        );
    }
}
