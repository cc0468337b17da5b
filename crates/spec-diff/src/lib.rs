//! What a change between two versions of an OpenAPI 3.0 document means for callers of a client
//! generated from it, on the wire: documents in ([`serde_json::Value`]), classified [`Change`]s
//! out. No git, no filesystem, no code generation: `cargo xtask diff` reads the two versions and
//! adds the source axis (judged from the generated clients); this crate judges the wire axis.
//!
//! - [`change`]: the change model ([`Change`], its [`Axis`] and [`Severity`]);
//! - [`wire`]: the operation walk ([`wire_changes`]): operations matched, then security,
//!   parameters, request bodies and responses compared;
//! - `requirements`: the requirement rules (security requirements and schemes);
//! - `schema`: two schemas compared field by field in one direction; `pattern`: whether one
//!   `pattern` accepts every string another accepts.
//!
//! A change is on the wire axis when a request the old spec allowed can now be refused, or a
//! response the old client decoded can now fail to decode. A narrowing breaks requests, a
//! widening breaks responses — where the old generated client checks it when it decodes (an enum
//! without a catch-all variant, a constrained string, `deny_unknown_fields`, a non-optional
//! field).
//!
//! # Why not the `drift` crate
//!
//! `drift` 0.2.0 (oxidecomputer/drift) was considered first: it reads the same `openapiv3` 2.2
//! model as `cargo xtask`, but it does not fit. It reports every change inside a string or number
//! schema (`pattern`, `minLength`/`maxLength`, `enum`, `format`, bounds) as "unhandled", which are
//! most of the categories this report exists for; it has no view of security requirements or
//! schemes; it asserts (panics) when a media type is added or removed; and it groups changes by
//! component rather than by the request or response field that reaches them. Its classes
//! (backward/forward incompatible) describe server evolution, while this report must follow what
//! the generated Rust client does. So the comparison is written here, over `serde_json::Value`.
//!
//! # Wire classification
//!
//! Breaking: an operation removed or moved (its path or method changed; matched by
//! `operationId`); a required parameter added, a parameter removed or made required; a request
//! body added as required, removed, or made required; a request field that is new and required,
//! removed, or made required; a narrowed request value (pattern added, or changed with a value the
//! old pattern accepted and the new one refuses; `maxLength`/`maximum`/`maxItems`/`maxProperties`
//! lowered or added, their `min` counterparts raised or added; `exclusiveMinimum`/
//! `exclusiveMaximum` turned on; `multipleOf` added or changed to a step the old one is not a
//! multiple of; `uniqueItems` turned on; `additionalProperties` narrowed, e.g. a schema → `false`;
//! `readOnly` added; an enum value or `oneOf` variant removed; no longer nullable; a format
//! added); a type changed (except `integer` → `number` in a request) or a format changed; a
//! response field made optional, or removed when it was required; a widened response value the
//! old client checks (an enum value or `oneOf` variant added, a pattern removed or changed with a
//! value the old pattern refuses, a string length or numeric bound loosened, a checked format
//! such as `date-time` or `uuid` removed, `additionalProperties` widened from `false` or a schema,
//! now nullable on a field the old client requires, `writeOnly` added to a required field); a new
//! response field where the old type rejected unknown fields; a new success status (the old client
//! returns `Error::UnexpectedResponse` for it); an `x-required-when` rule added, or changed to
//! require the field in more cases (a request tightening); a response body removed or given another media
//! type; a security requirement removed or added where none was needed; a security scheme the
//! operation uses changed (type, scheme, header name, …).
//!
//! Non-breaking: the mirror images — an operation added or its `operationId` changed (the same
//! request; the renamed method is a source break); an optional parameter or request body added;
//! a parameter or body made optional; a new optional request field (one the old schema did not accept, or accepted and still
//! checks nothing on), or one made optional or nullable; an `x-required-when` rule removed or
//! narrowed; a widened request value; a narrowed response value; an optional response field
//! removed (decoded as `None`) or made nullable (the old `Option<T>` already decodes `null`); a
//! new response field; a response status removed or a documented error status added; a response
//! body added (the old client ignores it); a widened response value the generated client does not
//! check (`maxItems`/`minItems`, `maxProperties`/`minProperties`, `uniqueItems` — a set merges
//! duplicates —, an unchecked format such as `email`); a security requirement added as another
//! alternative.
//!
//! To review: a request field the old schema accepted with no rule — an object without
//! `additionalProperties: false` not listing it, or a property schema with no keyword (`{}`) —
//! that now has checks (a pattern, a format, a length, an enum, …): only the server knows
//! whether values sent before still pass; an `x-required-when` rule changed both ways.
//!
//! A range status (`2XX`) replacing the codes it covers (`201`, `202`) is one non-breaking
//! change (the same answers, documented as a range), and each old code's body is compared with
//! the range's. A new field is shown with its type, its checks (format, length, bounds, item
//! counts, pattern, enum) and whether it is `x-sensitive`.
//!
//! A changed pattern is judged by regular-language containment (see `pattern`): non-breaking only
//! when proven, breaking with a witness string when disproven, to review otherwise.
//!
//! Descriptions, examples, summaries and `x-` extensions are not compared, except
//! `x-required-when` (a rule the workspace's validators enforce) and `x-sensitive` (shown on a
//! new field).

pub mod change;
pub mod operation;
mod pattern;
mod requirements;
mod schema;
pub mod wire;

pub use change::{Axis, Change, Severity};
pub use wire::wire_changes;
