//! One request through one fake: route, rate limit, scripted fault, credentials, schema, state,
//! answer. Runs under the fake's lock and decides the whole reply; the server only waits,
//! holds or resets as the reply says.

mod body;
mod incoming;
mod token_endpoints;
mod users;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde_json::{Map, Value};
use tokio::time::Instant;

use self::body::{check_body, parse_body};
pub(crate) use self::incoming::Incoming;
use crate::errors::{Problem, reason_phrase, with_message};
use crate::faults::{Call, Fault, FaultScript, MaintenanceBody, OffSpecBody};
use crate::journal::{Answer, IDENTIFYING_KEYS, JournalDetail, ReceivedRequest, StoredUser};
use crate::provider::{Endpoint, Outcome, Provider, Route};
use crate::rate::Bucket;
use crate::tokens::Tokens;

/// What is worked out about a request before the fake's lock is taken: its body as JSON, and
/// the schema's verdict on it.
pub(crate) struct Prepared {
    json: Option<Value>,
    body_check: Result<(), Problem>,
}

impl Prepared {
    pub(crate) fn new(provider: Provider, incoming: &Incoming) -> Self {
        let json = parse_body(&incoming.headers, &incoming.body);
        let body_check = check_body(provider, incoming, json.as_ref());
        Self { json, body_check }
    }
}

/// What the server must do.
pub(crate) enum Reply {
    /// Answer (after `delay`, when set).
    Answer {
        status: u16,
        headers: Vec<(&'static str, String)>,
        content_type: &'static str,
        body: Bytes,
        delay: Option<Duration>,
    },
    /// Never answer.
    Hold,
    /// Reset the connection.
    Reset,
}

/// A fake's state.
pub(crate) struct State {
    pub(crate) provider: Provider,
    pub(crate) journal: Vec<ReceivedRequest>,
    pub(crate) script: FaultScript,
    pub(crate) bucket: Option<Bucket>,
    pub(crate) tokens: Tokens,
    pub(crate) users: Vec<StoredUser>,
    /// Unique key (lower-cased `external_id` or e-mail, BTC Direct identifier) → `users` index.
    pub(crate) by_key: HashMap<String, usize>,
    pub(crate) next_id: u64,
    /// How much of each request the journal keeps.
    pub(crate) detail: JournalDetail,
}

impl State {
    pub(crate) fn new(provider: Provider) -> Self {
        Self {
            provider,
            journal: Vec::new(),
            script: FaultScript::default(),
            bucket: None,
            tokens: Tokens::new(provider.name(), provider.default_token_lifetime()),
            users: Vec::new(),
            by_key: HashMap::new(),
            next_id: 0,
            detail: JournalDetail::Full,
        }
    }

    /// Links a BTC Direct identifier to a new user (as `register-identifier` would).
    pub(crate) fn link(&mut self, identifier: &str, email: Option<&str>) {
        if self.by_key.contains_key(identifier) {
            return;
        }
        let mut body = Map::new();
        if let Some(email) = email {
            body.insert("email".into(), email.into());
        }
        body.insert("registrationDate".into(), now_rfc3339().into());
        self.store(
            identifier.to_owned(),
            StoredUser {
                provider: self.provider,
                id: identifier.to_owned(),
                external_id: None,
                email: email.map(str::to_owned),
                body: Value::Object(body),
                updates: 0,
            },
        );
    }

    /// What the fake keeps of a body: all of it, or with [`JournalDetail::Keys`] only the
    /// identifying keys.
    fn kept(&self, body: &Value) -> Value {
        match (self.detail, body) {
            (JournalDetail::Keys, Value::Object(members)) => Value::Object(
                members
                    .iter()
                    .filter(|(key, _)| IDENTIFYING_KEYS.contains(&key.as_str()))
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect(),
            ),
            (JournalDetail::Keys, _) => Value::Null,
            (JournalDetail::Full, body) => body.clone(),
        }
    }

    fn store(&mut self, key: String, user: StoredUser) {
        self.by_key.insert(key, self.users.len());
        self.users.push(user);
    }

    /// Handles one request and records it.
    pub(crate) fn handle(&mut self, incoming: &Incoming, prepared: Prepared) -> Reply {
        let now = Instant::now();
        let Prepared { json, body_check } = prepared;
        let sequence = self.journal.len();
        let route = self.provider.route(&incoming.method, &incoming.path);
        let endpoint = match route {
            Route::Found(endpoint) => endpoint,
            _ => Endpoint::Other,
        };
        let call = Call {
            endpoint,
            method: &incoming.method,
            path: &incoming.path,
            headers: &incoming.headers,
            json: json.as_ref(),
            sequence,
        };
        let (outcome, reply) = self.decide(route, &call, body_check, now);
        let answer = match &reply {
            Reply::Answer { status, .. } => Answer::Status(*status),
            Reply::Hold => Answer::NoAnswer,
            Reply::Reset => Answer::Reset,
        };
        let full = self.detail == JournalDetail::Full;
        let json = match (self.detail, json) {
            (JournalDetail::Full, json) => json,
            (JournalDetail::Keys, Some(body)) if endpoint == Endpoint::User => {
                Some(self.kept(&body))
            }
            (JournalDetail::Keys, _) => None,
        };
        self.journal.push(ReceivedRequest {
            provider: self.provider,
            sequence,
            at: now,
            endpoint,
            method: incoming.method.clone(),
            path: incoming.path.clone(),
            headers: if full {
                incoming.headers.clone()
            } else {
                http::HeaderMap::new()
            },
            json,
            outcome,
            answer,
        });
        reply
    }

    fn decide(
        &mut self,
        route: Route,
        call: &Call<'_>,
        body_check: Result<(), Problem>,
        now: Instant,
    ) -> (Outcome, Reply) {
        let provider = self.provider;
        let endpoint = match route {
            Route::Found(endpoint @ (Endpoint::User | Endpoint::Token | Endpoint::Refresh)) => {
                endpoint
            }
            Route::WrongMethod => {
                let problem = Problem::new(405, "method_not_allowed", "Method not allowed.");
                let mut reply = self.problem_reply(&problem);
                // RFC 9110 §15.5.6: a 405 carries `Allow`, the methods the resource supports.
                if let (Reply::Answer { headers, .. }, Some(allowed)) =
                    (&mut reply, provider.allowed_method(call.path))
                {
                    headers.push(("allow", allowed.to_owned()));
                }
                return (Outcome::NotRouted, reply);
            }
            Route::Found(Endpoint::Other) | Route::NotFound => {
                let problem = Problem::new(404, "not_found", "No such endpoint.");
                return (Outcome::NotRouted, self.problem_reply(&problem));
            }
        };
        if endpoint == Endpoint::User
            && let Some(bucket) = &mut self.bucket
            && !bucket.take(now)
        {
            let seconds = bucket.retry_after();
            return (Outcome::Throttled, self.throttled(Some(seconds)));
        }
        let fault = self.script.take(call);
        match &fault {
            Some(Fault::ResetConnection) => return (Outcome::Reset, Reply::Reset),
            Some(Fault::NoAnswer) => return (Outcome::Unanswered, Reply::Hold),
            Some(Fault::TooManyRequests { retry_after }) => {
                return (Outcome::Throttled, self.throttled(*retry_after));
            }
            Some(Fault::Maintenance { body, retry_after }) => {
                return (Outcome::Unavailable, self.maintenance(*body, *retry_after));
            }
            Some(Fault::Documented { status, code }) => {
                let problem = match provider {
                    Provider::BtcDirect => Problem {
                        status: 400,
                        codes: vec![code.clone()],
                        message: String::new(),
                    },
                    _ => Problem::new(*status, code.clone(), reason_phrase(*status)),
                };
                return (Outcome::Documented, self.problem_reply(&problem));
            }
            Some(Fault::Echoing {
                status,
                code,
                pointer,
            }) => {
                let value = echoed(call, pointer);
                let message = format!("The value '{value}' is not accepted.");
                let (status, body) = with_message(provider, *status, code, &message);
                return (Outcome::Documented, json_reply(status, &body));
            }
            _ => {}
        }
        let (outcome, mut reply) = if endpoint == Endpoint::User {
            self.user_operation(call, body_check, now)
        } else {
            self.token_operation(endpoint, call, body_check, now)
        };
        let Some(fault) = fault.filter(Fault::after_handling) else {
            return (outcome, reply);
        };
        let succeeded = matches!(outcome, Outcome::Created | Outcome::Updated);
        match fault {
            Fault::ServerErrorAfterCreate if succeeded => {
                let problem = Problem::new(500, "internal_error", "Internal server error.");
                reply = self.problem_reply(&problem);
            }
            Fault::NoAnswerAfterCreate if succeeded => reply = Reply::Hold,
            Fault::Slow(delay) => {
                // Whatever the answer is, it comes late.
                if let Reply::Answer { delay: slot, .. } = &mut reply {
                    *slot = Some(delay);
                }
            }
            Fault::OffSpecSuccess(body) if succeeded => {
                let body = match body {
                    OffSpecBody::Json(value) => value,
                    OffSpecBody::Default => self.off_spec_body(call.json),
                };
                reply = json_reply(provider.success().0, &body);
            }
            _ => {}
        }
        (outcome, reply)
    }

    fn problem_reply(&self, problem: &Problem) -> Reply {
        json_reply(problem.status, &problem.body(self.provider))
    }

    fn throttled(&self, retry_after: Option<u64>) -> Reply {
        let problem = match self.provider {
            Provider::BtcDirect => Problem {
                status: 429,
                codes: vec!["ER999".into()],
                message: "Too many requests.".into(),
            },
            Provider::Wealthyhood => Problem::new(429, "TOO_MANY_REQUESTS", "Too many requests."),
            Provider::Bitpanda => Problem::new(429, "rate_limited", "Too many requests."),
        };
        let mut reply = self.problem_reply(&problem);
        if let (Reply::Answer { headers, .. }, Some(seconds)) = (&mut reply, retry_after) {
            headers.push(("retry-after", seconds.to_string()));
            if self.provider == Provider::Bitpanda {
                headers.push(("x-envoy-ratelimited", "true".into()));
                headers.push(("x-ratelimit-remaining", "0".into()));
                headers.push(("x-ratelimit-reset", seconds.to_string()));
            }
        }
        reply
    }

    fn maintenance(&self, body: MaintenanceBody, retry_after: Option<u64>) -> Reply {
        let mut reply = match body {
            MaintenanceBody::Json => {
                let problem = match self.provider {
                    Provider::BtcDirect => Problem {
                        status: 503,
                        codes: vec!["ER999".into()],
                        message: "Maintenance.".into(),
                    },
                    _ => Problem::new(503, "maintenance", "Down for maintenance."),
                };
                self.problem_reply(&problem)
            }
            MaintenanceBody::PlainText => Reply::Answer {
                status: 503,
                headers: Vec::new(),
                content_type: "text/plain; charset=utf-8",
                body: Bytes::from_static(b"Service Unavailable: down for maintenance\n"),
                delay: None,
            },
        };
        if let (Reply::Answer { headers, .. }, Some(seconds)) = (&mut reply, retry_after) {
            headers.push(("retry-after", seconds.to_string()));
        }
        reply
    }
}

/// The request's value that an echoing error repeats: at the JSON pointer `pointer` of the body,
/// or in the header named `pointer`; empty when there is none.
fn echoed(call: &Call<'_>, pointer: &str) -> String {
    if !pointer.starts_with('/') {
        return call.header(pointer).unwrap_or_default().to_owned();
    }
    match call.json().and_then(|body| body.pointer(pointer)) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn json_reply(status: u16, body: &Value) -> Reply {
    Reply::Answer {
        status,
        headers: Vec::new(),
        content_type: "application/json",
        body: Bytes::from(serde_json::to_vec(body).unwrap_or_default()),
        delay: None,
    }
}

/// The wall-clock time now, as RFC 3339 with seconds (what timestamps in bodies carry).
fn now_rfc3339() -> String {
    chrono::DateTime::<chrono::Utc>::from(SystemTime::now())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
