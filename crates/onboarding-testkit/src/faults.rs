//! Scriptable faults: what a fake does instead of (or after) answering as its page says, for the
//! next N calls or for the calls a predicate picks.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::provider::Endpoint;

/// The body of a 503 maintenance answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaintenanceBody {
    /// The provider's JSON error shape.
    Json,
    /// A `text/plain` page, as a load balancer in front of the provider sends.
    PlainText,
}

/// A 2xx body that is off the spec.
#[derive(Debug, Clone, PartialEq)]
pub enum OffSpecBody {
    /// The provider's own variant: the user is created and its id sent where the schema says,
    /// but with a type or neighbours the schema refuses (Bitpanda: `{"data": {"id": 7}}`, the id
    /// a number, and the user's id becomes `"7"`;
    /// Wealthyhood: `portfolios: null` and a `createdAt` that is not a date-time; BTC Direct:
    /// `email: 42`, and a `registrationDate` that is not a date-time, which the spec reads as a
    /// plain string).
    Default,
    /// Exactly this JSON (the user is still created).
    Json(Value),
}

/// One fault a fake can play.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// `429 Too Many Requests` in the provider's shape, with `Retry-After: <seconds>` when
    /// given. Nothing is created.
    TooManyRequests {
        /// The `Retry-After` header, in whole seconds.
        retry_after: Option<u64>,
    },
    /// `503` maintenance. Nothing is created.
    Maintenance {
        /// JSON in the provider's shape, or a plain-text page.
        body: MaintenanceBody,
        /// The `Retry-After` header, in whole seconds.
        retry_after: Option<u64>,
    },
    /// The user is created (or updated), then the answer is `500` in the provider's shape.
    /// When the call creates nothing (a duplicate, an invalid body, a refused credential), the
    /// usual answer is sent instead.
    ServerErrorAfterCreate,
    /// The user is created (or updated), then no answer ever comes: the connection is held
    /// open until the client gives up (or the kit stops). When the call creates nothing, the
    /// usual answer is sent instead.
    NoAnswerAfterCreate,
    /// No answer ever comes, and nothing is created: the connection is held open until the
    /// client gives up (or the kit stops).
    NoAnswer,
    /// The connection is reset (TCP RST) as soon as the request is read. Nothing is created.
    ResetConnection,
    /// The request is handled as usual, and the answer sent after this delay (on Tokio's clock,
    /// so a paused clock skips it).
    Slow(Duration),
    /// The user is created (or updated), and the 2xx body is off the spec. When the call
    /// creates nothing, the usual answer is sent instead.
    OffSpecSuccess(OffSpecBody),
    /// A documented error in the provider's shape, instead of handling the request: `status`
    /// with `code` (for BTC Direct an `ERnnn` code, whose page message and solution are used;
    /// BTC Direct answers these with 400 whatever `status` says). Nothing is created.
    Documented {
        /// The HTTP status (Bitpanda and Wealthyhood).
        status: u16,
        /// The provider's code, e.g. `ER085` or `duplicate_external_id`.
        code: String,
    },
    /// A documented error in the provider's shape whose message repeats a value of the request,
    /// as providers' messages often do ("The value 'jean@example.com' is not accepted."): the
    /// value at the JSON pointer `pointer` of the body (e.g. `/email`), or of the header named
    /// `pointer` when it does not start with `/`. BTC Direct answers 400 with `code` whatever
    /// `status` says, keeping the page's solution for a documented code. Nothing is created.
    Echoing {
        /// The HTTP status (Bitpanda and Wealthyhood).
        status: u16,
        /// The provider's code, e.g. `ER001` or `invalid_email`.
        code: String,
        /// A JSON pointer into the request body, or a header name.
        pointer: String,
    },
}

impl Fault {
    /// A 429 with `Retry-After: seconds`.
    pub fn too_many_requests(seconds: u64) -> Self {
        Self::TooManyRequests {
            retry_after: Some(seconds),
        }
    }

    /// A 503 maintenance answer with a JSON body and no `Retry-After`.
    pub fn maintenance_json() -> Self {
        Self::Maintenance {
            body: MaintenanceBody::Json,
            retry_after: None,
        }
    }

    /// A 503 maintenance answer with a plain-text body and no `Retry-After`.
    pub fn maintenance_text() -> Self {
        Self::Maintenance {
            body: MaintenanceBody::PlainText,
            retry_after: None,
        }
    }

    /// A documented error: `status` with the provider's `code`.
    pub fn documented(status: u16, code: impl Into<String>) -> Self {
        Self::Documented {
            status,
            code: code.into(),
        }
    }

    /// A documented error `status` with `code` whose message repeats the request's value at
    /// `pointer` (a JSON pointer into the body, or a header name).
    pub fn echoing(status: u16, code: impl Into<String>, pointer: impl Into<String>) -> Self {
        Self::Echoing {
            status,
            code: code.into(),
            pointer: pointer.into(),
        }
    }

    /// One fault of every kind the kit can play, for tests that must cover them all (a new kind
    /// of fault fails to compile here until it is listed). Waits are short and counted on Tokio's
    /// clock; the documented errors are 400s (a status every provider's spec documents), and
    /// the echoing error repeats the request's e-mail address.
    pub fn one_of_each() -> Vec<Self> {
        let all = vec![
            Self::too_many_requests(1),
            Self::TooManyRequests { retry_after: None },
            Self::maintenance_json(),
            Self::Maintenance {
                body: MaintenanceBody::PlainText,
                retry_after: Some(1),
            },
            Self::ServerErrorAfterCreate,
            Self::NoAnswerAfterCreate,
            Self::NoAnswer,
            Self::ResetConnection,
            Self::Slow(Duration::from_millis(10)),
            Self::OffSpecSuccess(OffSpecBody::Default),
            Self::OffSpecSuccess(OffSpecBody::Json(serde_json::json!({"unexpected": true}))),
            Self::documented(400, "invalid_request"),
            Self::echoing(400, "invalid_email", "/email"),
        ];
        for fault in &all {
            // Exhaustive on purpose: adding a kind of fault breaks this match until the list
            // above holds one.
            match fault {
                Self::TooManyRequests { .. }
                | Self::Maintenance { .. }
                | Self::ServerErrorAfterCreate
                | Self::NoAnswerAfterCreate
                | Self::NoAnswer
                | Self::ResetConnection
                | Self::Slow(_)
                | Self::OffSpecSuccess(_)
                | Self::Documented { .. }
                | Self::Echoing { .. } => {}
            }
        }
        all
    }

    /// Whether the fault lets the request be handled (and the user created) first.
    pub(crate) fn after_handling(&self) -> bool {
        matches!(
            self,
            Self::ServerErrorAfterCreate
                | Self::NoAnswerAfterCreate
                | Self::Slow(_)
                | Self::OffSpecSuccess(_)
        )
    }
}

/// What a fault predicate sees of one request.
pub struct Call<'a> {
    pub(crate) endpoint: Endpoint,
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) headers: &'a http::HeaderMap,
    pub(crate) json: Option<&'a Value>,
    pub(crate) sequence: usize,
}

impl Call<'_> {
    /// The endpoint the request is addressed to.
    pub fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    /// The HTTP method.
    pub fn method(&self) -> &str {
        self.method
    }

    /// The request path.
    pub fn path(&self) -> &str {
        self.path
    }

    /// A request header, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The body, when it is JSON.
    pub fn json(&self) -> Option<&Value> {
        self.json
    }

    /// The string at a JSON pointer of the body (e.g. `/external_id`), when there is one.
    pub fn json_str(&self, pointer: &str) -> Option<&str> {
        self.json?.pointer(pointer)?.as_str()
    }

    /// The position of this request among the requests this fake received, from 0.
    pub fn sequence(&self) -> usize {
        self.sequence
    }
}

impl fmt::Debug for Call<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("endpoint", &self.endpoint)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("sequence", &self.sequence)
            .finish_non_exhaustive()
    }
}

/// A predicate over calls.
pub type CallPredicate = Arc<dyn Fn(&Call<'_>) -> bool + Send + Sync>;

/// When a scripted fault applies.
enum Trigger {
    /// The next `remaining` calls to `endpoint`.
    Next {
        endpoint: Endpoint,
        remaining: usize,
    },
    /// Every call the predicate accepts, at most `remaining` times (`None`: without end).
    When {
        predicate: CallPredicate,
        remaining: Option<usize>,
    },
}

/// A function that picks the fault for a call, or none.
pub type FaultPicker = Arc<dyn Fn(&Call<'_>) -> Option<Fault> + Send + Sync>;

/// One entry of a script.
enum Rule {
    /// A fault and when it applies.
    Counted { fault: Fault, trigger: Trigger },
    /// A picker consulted for every call.
    Picked(FaultPicker),
}

/// The scripted faults of one fake, in the order they were added: the first rule that applies
/// to a call is used (and spent, when counted).
#[derive(Default)]
pub(crate) struct FaultScript {
    rules: Vec<Rule>,
}

impl FaultScript {
    pub(crate) fn next(&mut self, endpoint: Endpoint, times: usize, fault: Fault) {
        if times > 0 {
            self.rules.push(Rule::Counted {
                fault,
                trigger: Trigger::Next {
                    endpoint,
                    remaining: times,
                },
            });
        }
    }

    pub(crate) fn pick(&mut self, picker: FaultPicker) {
        self.rules.push(Rule::Picked(picker));
    }

    pub(crate) fn when(&mut self, predicate: CallPredicate, times: Option<usize>, fault: Fault) {
        self.rules.push(Rule::Counted {
            fault,
            trigger: Trigger::When {
                predicate,
                remaining: times,
            },
        });
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// The fault for `call`, spending one use of its rule.
    pub(crate) fn take(&mut self, call: &Call<'_>) -> Option<Fault> {
        for index in 0..self.rules.len() {
            let (fault, trigger) = match &mut self.rules[index] {
                Rule::Picked(picker) => match picker(call) {
                    Some(fault) => return Some(fault),
                    None => continue,
                },
                Rule::Counted { fault, trigger } => (fault, trigger),
            };
            let applies = match trigger {
                Trigger::Next {
                    endpoint,
                    remaining,
                } => *endpoint == call.endpoint && *remaining > 0,
                Trigger::When {
                    predicate,
                    remaining,
                } => remaining.is_none_or(|n| n > 0) && predicate(call),
            };
            if !applies {
                continue;
            }
            let fault = fault.clone();
            let spent = match trigger {
                Trigger::Next { remaining, .. } => {
                    *remaining -= 1;
                    *remaining == 0
                }
                Trigger::When { remaining, .. } => remaining.as_mut().is_some_and(|n| {
                    *n -= 1;
                    *n == 0
                }),
            };
            if spent {
                self.rules.remove(index);
            }
            return Some(fault);
        }
        None
    }
}
