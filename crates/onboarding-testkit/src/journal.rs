//! What a fake received and what it did: one [`ReceivedRequest`] per request, counted per
//! [`Outcome`].

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;
use tokio::time::Instant;

use crate::provider::{Endpoint, Outcome, Provider};

/// How much of each request the journal keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JournalDetail {
    /// Headers and the whole body (the default).
    #[default]
    Full,
    /// No headers, no token request bodies, and of a user request's body (and of a stored
    /// user's) only the keys that identify the user (`external_id`, `email`): enough for the
    /// assertions, small enough for load runs of many thousand requests.
    Keys,
}

/// The body members [`JournalDetail::Keys`] keeps.
pub(crate) const IDENTIFYING_KEYS: [&str; 2] = ["external_id", "email"];

/// What the client got back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    /// An HTTP answer with this status.
    Status(u16),
    /// No answer: the connection was held until the client gave up.
    NoAnswer,
    /// The connection was reset.
    Reset,
}

/// One request a fake received.
///
/// Its `Debug` shows the method, path, outcome, answer, the header *names* and the body's
/// top-level *keys*, never a header value or a body value: tokens and personal data stay out of
/// test logs. Read values deliberately with [`ReceivedRequest::json`] or
/// [`ReceivedRequest::header`].
#[derive(Clone)]
pub struct ReceivedRequest {
    pub(crate) provider: Provider,
    pub(crate) sequence: usize,
    pub(crate) at: Instant,
    pub(crate) endpoint: Endpoint,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: http::HeaderMap,
    pub(crate) json: Option<Value>,
    pub(crate) outcome: Outcome,
    pub(crate) answer: Answer,
}

impl ReceivedRequest {
    /// The provider that received it.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// Its position among the requests this fake received, from 0.
    pub fn sequence(&self) -> usize {
        self.sequence
    }

    /// When it arrived, on Tokio's clock.
    pub fn arrived_at(&self) -> Instant {
        self.at
    }

    /// The endpoint it was addressed to.
    pub fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    /// The HTTP method.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// A header value (for example to check which credential was sent).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The body, when it was JSON.
    pub fn json(&self) -> Option<&Value> {
        self.json.as_ref()
    }

    /// The string at a JSON pointer of the body (e.g. `/external_id`).
    pub fn json_str(&self, pointer: &str) -> Option<&str> {
        self.json.as_ref()?.pointer(pointer)?.as_str()
    }

    /// What the fake did.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// What the client got back.
    pub fn answer(&self) -> Answer {
        self.answer
    }
}

impl fmt::Debug for ReceivedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.keys().map(|name| name.as_str()).collect();
        let body_keys: Option<Vec<&str>> = self.json.as_ref().map(|json| match json {
            Value::Object(map) => map.keys().map(String::as_str).collect(),
            _ => vec!["<not an object>"],
        });
        f.debug_struct("ReceivedRequest")
            .field("provider", &self.provider)
            .field("sequence", &self.sequence)
            .field("endpoint", &self.endpoint)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("outcome", &self.outcome)
            .field("answer", &self.answer)
            .field("header_names", &header_names)
            .field("body_keys", &body_keys)
            .finish()
    }
}

/// How many requests ended in each [`Outcome`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutcomeCounts(pub(crate) BTreeMap<Outcome, usize>);

impl OutcomeCounts {
    /// The count for `outcome` (0 when none).
    pub fn get(&self, outcome: Outcome) -> usize {
        self.0.get(&outcome).copied().unwrap_or(0)
    }

    /// The total number of requests.
    pub fn total(&self) -> usize {
        self.0.values().sum()
    }

    /// Every outcome seen, with its count.
    pub fn iter(&self) -> impl Iterator<Item = (Outcome, usize)> + '_ {
        self.0.iter().map(|(outcome, count)| (*outcome, *count))
    }
}

/// A user a fake holds (created, or for BTC Direct linked and updated).
///
/// Its `Debug` shows the provider, the id and whether an `external_id` is set; the rest is
/// personal data and stays out of it.
#[derive(Clone)]
pub struct StoredUser {
    pub(crate) provider: Provider,
    pub(crate) id: String,
    pub(crate) external_id: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) body: Value,
    pub(crate) updates: usize,
}

impl StoredUser {
    /// The provider holding it.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The id the fake gave it (BTC Direct: the `User-Identifier` it is linked to).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Bitpanda's `external_id`, as sent.
    pub fn external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }

    /// The e-mail address, as sent.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }

    /// The user's fields as the fake holds them (the create body, or BTC Direct's merged
    /// updates).
    pub fn body(&self) -> &Value {
        &self.body
    }

    /// How many updates were applied (BTC Direct).
    pub fn updates(&self) -> usize {
        self.updates
    }
}

impl fmt::Debug for StoredUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredUser")
            .field("provider", &self.provider)
            .field("id", &self.id)
            .field("has_external_id", &self.external_id.is_some())
            .field("updates", &self.updates)
            .finish_non_exhaustive()
    }
}
