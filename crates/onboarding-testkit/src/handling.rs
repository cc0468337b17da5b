//! One request through one fake: route, rate limit, scripted fault, credentials, schema, state,
//! answer. Runs under the fake's lock and decides the whole reply; the server only waits,
//! holds or resets as the reply says.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use crate::auth::{check_bearer, check_btcdirect};
use crate::errors::{Problem, btcdirect_field_code, reason_phrase};
use crate::faults::{Call, Fault, FaultScript, MaintenanceBody, OffSpecBody};
use crate::journal::{Answer, IDENTIFYING_KEYS, JournalDetail, ReceivedRequest, StoredUser};
use crate::provider::{Endpoint, Outcome, Provider, Route};
use crate::rate::Bucket;
use crate::spec::schemas;
use crate::tokens::{
    BTCDIRECT_PASSWORD, BTCDIRECT_USERNAME, CLIENT_ID, CLIENT_SECRET, TokenCheck, TokenKind,
    Tokens, WEALTHYHOOD_AUDIENCE,
};

/// A request as the server read it.
pub(crate) struct Incoming {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
}

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
        let json = match (full, json) {
            (false, Some(Value::Object(body))) if endpoint == Endpoint::User => {
                Some(Value::Object(
                    body.into_iter()
                        .filter(|(key, _)| IDENTIFYING_KEYS.contains(&key.as_str()))
                        .collect(),
                ))
            }
            (false, _) => None,
            (true, json) => json,
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
            Route::Found(endpoint) => endpoint,
            Route::WrongMethod => {
                let problem = Problem::new(405, "method_not_allowed", "Method not allowed.");
                return (Outcome::NotRouted, self.problem_reply(&problem));
            }
            Route::NotFound => {
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
            _ => {}
        }
        let (outcome, mut reply) = match endpoint {
            Endpoint::User => self.user_operation(call, body_check, now),
            Endpoint::Token | Endpoint::Refresh => {
                self.token_operation(endpoint, call, body_check, now)
            }
            Endpoint::Other => unreachable!("routed above"),
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

    // -----------------------------------------------------------------------------------------
    // The user operation.

    fn user_operation(
        &mut self,
        call: &Call<'_>,
        body_check: Result<(), Problem>,
        now: Instant,
    ) -> (Outcome, Reply) {
        let provider = self.provider;
        let identifier = match provider {
            Provider::BtcDirect => {
                let by_key = &self.by_key;
                match check_btcdirect(call.headers, &self.tokens, now, |id| {
                    by_key.contains_key(id)
                }) {
                    Ok(identifier) => Some(identifier),
                    Err(problem) => return (Outcome::Unauthorized, self.problem_reply(&problem)),
                }
            }
            _ => {
                if let Err(problem) = check_bearer(provider, call.headers, &self.tokens, now) {
                    return (Outcome::Unauthorized, self.problem_reply(&problem));
                }
                None
            }
        };
        let body = match (body_check, call.json) {
            (Ok(()), Some(body)) => body,
            (Err(problem), _) => return (Outcome::Invalid, self.problem_reply(&problem)),
            (Ok(()), None) => unreachable!("a checked body is JSON"),
        };
        match (provider, identifier) {
            (Provider::Bitpanda, _) => self.bitpanda_create(body),
            (Provider::Wealthyhood, _) => self.wealthyhood_create(body),
            (Provider::BtcDirect, Some(identifier)) => self.btcdirect_update(&identifier, body),
            (Provider::BtcDirect, None) => unreachable!("checked above"),
        }
    }

    fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn bitpanda_create(&mut self, body: &Value) -> (Outcome, Reply) {
        let external_id = body.get("external_id").and_then(Value::as_str);
        let key = external_id.map(|id| format!("external_id:{}", id.to_lowercase()));
        if let Some(key) = &key
            && self.by_key.contains_key(key)
        {
            let problem = Problem::new(
                409,
                "duplicate_external_id",
                "A user with this external_id already exists for this account.",
            );
            return (Outcome::Duplicate, self.problem_reply(&problem));
        }
        let n = self.new_id();
        let id = format!("0b17a7d0-0000-4000-8000-{n:012x}");
        let user = StoredUser {
            provider: Provider::Bitpanda,
            id: id.clone(),
            external_id: external_id.map(str::to_owned),
            email: body.get("email").and_then(Value::as_str).map(str::to_owned),
            body: body.clone(),
            updates: 0,
        };
        match key {
            Some(key) => self.store(key, user),
            None => self.users.push(user),
        }
        (
            Outcome::Created,
            json_reply(201, &json!({"data": {"id": id}})),
        )
    }

    fn wealthyhood_create(&mut self, body: &Value) -> (Outcome, Reply) {
        let email = body
            .get("email")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let key = format!("email:{}", email.to_lowercase());
        if self.by_key.contains_key(&key) {
            let problem = Problem::new(409, "CONFLICT", "User already exists");
            return (Outcome::Duplicate, self.problem_reply(&problem));
        }
        let n = self.new_id();
        let id = format!("64f0c51e{n:016x}");
        let stamp = now_rfc3339();
        let mut created = Map::new();
        created.insert("id".into(), id.clone().into());
        for field in [
            "email",
            "firstName",
            "lastName",
            "dateOfBirth",
            "residencyCountry",
            "language",
            "address",
            "taxResidency",
            "employmentInfo",
        ] {
            if let Some(value) = body.get(field) {
                created.insert(field.into(), value.clone());
            }
        }
        if let Some(nationality) = body.get("nationality") {
            created.insert("nationalities".into(), json!([nationality]));
        }
        created.insert("portfolios".into(), json!([]));
        created.insert("createdAt".into(), stamp.clone().into());
        created.insert("updatedAt".into(), stamp.into());
        let created = Value::Object(created);
        self.store(
            key,
            StoredUser {
                provider: Provider::Wealthyhood,
                id,
                external_id: None,
                email: Some(email.to_owned()),
                body: body.clone(),
                updates: 0,
            },
        );
        (Outcome::Created, json_reply(201, &created))
    }

    fn btcdirect_update(&mut self, identifier: &str, body: &Value) -> (Outcome, Reply) {
        let index = self.by_key[identifier];
        let user = &mut self.users[index];
        if let (Value::Object(stored), Value::Object(update)) = (&mut user.body, body) {
            for (key, value) in update {
                stored.insert(key.clone(), value.clone());
            }
            stored
                .entry("activationDate")
                .or_insert_with(|| now_rfc3339().into());
        }
        user.updates += 1;
        user.email = body
            .get("email")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or(user.email.take());
        let answer: Map<String, Value> = [
            "email",
            "firstName",
            "lastName",
            "phoneNumber",
            "country",
            "isBusiness",
            "registrationDate",
            "activationDate",
        ]
        .into_iter()
        .filter_map(|field| Some((field.to_owned(), user.body.get(field)?.clone())))
        .collect();
        (Outcome::Updated, json_reply(202, &Value::Object(answer)))
    }

    /// A success body off the spec that still carries the id (see [`OffSpecBody::Default`]).
    fn off_spec_body(&mut self, request: Option<&Value>) -> Value {
        let id = self.users.last().map(|u| u.id.clone()).unwrap_or_default();
        match self.provider {
            Provider::Bitpanda => {
                // The id as a number where the spec has a string; the user keeps that id.
                let number = self.next_id;
                if let Some(user) = self.users.last_mut() {
                    user.id = number.to_string();
                }
                json!({"data": {"id": number}})
            }
            Provider::Wealthyhood => json!({
                "id": id,
                "email": request.and_then(|b| b.get("email")).cloned().unwrap_or_default(),
                "portfolios": null,
                "createdAt": "yesterday",
                "updatedAt": "yesterday",
            }),
            Provider::BtcDirect => json!({"email": 42, "registrationDate": "yesterday"}),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Token endpoints.

    fn token_operation(
        &mut self,
        endpoint: Endpoint,
        call: &Call<'_>,
        body_check: Result<(), Problem>,
        now: Instant,
    ) -> (Outcome, Reply) {
        let params = call.json.and_then(Value::as_object);
        let param = |name: &str| params.and_then(|p| p.get(name)).and_then(Value::as_str);
        if self.provider == Provider::BtcDirect
            && let Err(problem) = body_check
        {
            return (Outcome::TokenRefused, self.problem_reply(&problem));
        }
        match (self.provider, endpoint) {
            (Provider::BtcDirect, Endpoint::Token) => {
                if param("username") == Some(BTCDIRECT_USERNAME)
                    && param("password") == Some(BTCDIRECT_PASSWORD)
                {
                    self.btcdirect_token_pair(now)
                } else {
                    self.token_refused(401, "ER800")
                }
            }
            (Provider::BtcDirect, _) => {
                let presented = param("refreshToken").unwrap_or_default().to_owned();
                match self.tokens.check(&presented, &TokenKind::Refresh, now) {
                    TokenCheck::Valid(_) => {
                        self.tokens.revoke(&presented);
                        self.btcdirect_token_pair(now)
                    }
                    TokenCheck::Expired => self.token_refused(401, "ER801"),
                    TokenCheck::Unknown => self.token_refused(401, "ER800"),
                }
            }
            (provider, _) => {
                let (id, secret) = client_credentials(call.headers)
                    .map(|(id, secret)| (Some(id), Some(secret)))
                    .unwrap_or((param("client_id").map(str::to_owned), None));
                let secret = secret.or_else(|| param("client_secret").map(str::to_owned));
                if param("grant_type") != Some("client_credentials") {
                    return self.token_refused(400, "unsupported_grant_type");
                }
                if id.as_deref() != Some(CLIENT_ID) || secret.as_deref() != Some(CLIENT_SECRET) {
                    return self.token_refused(401, "invalid_client");
                }
                if provider == Provider::Wealthyhood
                    && param("audience") != Some(WEALTHYHOOD_AUDIENCE)
                {
                    return self.token_refused(403, "access_denied");
                }
                let (token, lifetime) = self.tokens.issue(TokenKind::Access, now);
                let mut body = json!({
                    "access_token": token,
                    "token_type": "Bearer",
                    "expires_in": lifetime.as_secs(),
                });
                if provider == Provider::Wealthyhood {
                    body["scope"] = "create:users".into();
                }
                (Outcome::TokenIssued, json_reply(200, &body))
            }
        }
    }

    fn btcdirect_token_pair(&mut self, now: Instant) -> (Outcome, Reply) {
        let (token, _) = self.tokens.issue(TokenKind::Access, now);
        let (refresh, _) = self.tokens.issue(TokenKind::Refresh, now);
        (
            Outcome::TokenIssued,
            json_reply(200, &json!({"token": token, "refreshToken": refresh})),
        )
    }

    fn token_refused(&self, status: u16, code: &'static str) -> (Outcome, Reply) {
        let body = match self.provider {
            Provider::BtcDirect => Problem::btcdirect([code]).body(Provider::BtcDirect),
            _ => json!({"error": code, "error_description": reason_phrase(status)}),
        };
        (Outcome::TokenRefused, json_reply(status, &body))
    }
}

/// Whether the body is JSON and its schema (if the spec has one for `METHOD path`) accepts
/// it; else the provider's 4xx. Needs no state, so it runs before the fake's lock is taken.
pub(crate) fn check_body(
    provider: Provider,
    incoming: &Incoming,
    json: Option<&Value>,
) -> Result<(), Problem> {
    let Some(body) = json.filter(|_| is_json(&incoming.headers)) else {
        return Err(match provider {
            Provider::BtcDirect => Problem::btcdirect(["ER999"]),
            Provider::Wealthyhood => Problem::new(400, "BAD_REQUEST", "The body is not JSON."),
            Provider::Bitpanda => Problem::new(400, "bad_request", "The body is not JSON."),
        });
    };
    let Some(validator) = schemas(provider).request(&incoming.method, &incoming.path) else {
        return Ok(());
    };
    if validator.is_valid(body) {
        return Ok(());
    }
    let errors: Vec<_> = validator.iter_errors(body).collect();
    Err(match provider {
        Provider::BtcDirect => {
            let mut codes: Vec<&'static str> = errors
                .iter()
                .map(|error| {
                    let path = error.instance_path().to_string();
                    let top = path.trim_start_matches('/').split('/').next().unwrap_or("");
                    match (top, error.kind()) {
                        ("", jsonschema::error::ValidationErrorKind::Required { property }) => {
                            btcdirect_field_code(property.as_str().unwrap_or(""), true)
                        }
                        (field, _) => btcdirect_field_code(field, false),
                    }
                })
                .collect();
            codes.sort_unstable();
            codes.dedup();
            Problem::btcdirect(codes)
        }
        _ => {
            let message = errors
                .iter()
                .map(|error| format!("{}: {}", error.instance_path(), error.masked()))
                .collect::<Vec<_>>()
                .join("; ");
            match provider {
                Provider::Wealthyhood => Problem::new(400, "VALIDATION_ERROR", message),
                _ => Problem::new(422, "validation_error", message),
            }
        }
    })
}

/// The client id and secret of an `Authorization: Basic` header (RFC 6749 §2.3.1), when sent.
fn client_credentials(headers: &http::HeaderMap) -> Option<(String, String)> {
    use base64::Engine as _;
    let value = headers.get("authorization")?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}

fn is_json(headers: &http::HeaderMap) -> bool {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
}

/// The body as JSON: parsed JSON, or a form's fields as a JSON object.
fn parse_body(headers: &http::HeaderMap, body: &[u8]) -> Option<Value> {
    let form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        let fields: Map<String, Value> = form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        return Some(Value::Object(fields));
    }
    serde_json::from_slice(body).ok()
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
