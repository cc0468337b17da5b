//! A durable ledger of onboarding work around the `onboarding` facade.
//!
//! One row per (provider, key), where the key is the caller's own id for the person (never an
//! e-mail or a name). A row moves `pending` → `in_flight` (**committed before the request is
//! sent**) → `created` | `confirmed_existing` | `rejected` | `retry_later` | `in_doubt`; see
//! [`State::can_become`] for every transition the code allows. A row stays `in_flight` only
//! while a live worker holds its lease; one whose lease ran out becomes `in_doubt` and is never
//! resent blindly: [`reconcile`] applies what each provider documents.
//!
//! The ledger holds no personal data in clear: a body only as its SHA-256 fingerprint, errors
//! as their kind, the provider's codes and the names of the fields at fault.
//!
//! Storage is sqlx over one `Any` pool: SQLite (bundled, WAL, the file created with mode 0600,
//! held by one process) by default, PostgreSQL (`postgres://…`) for many workers claiming with
//! `FOR UPDATE SKIP LOCKED` under leases they renew. The schema is migrated up with versioned
//! migrations and a ledger from a newer version is refused.
//!
//! ```no_run
//! use onboarding_ledger::{Access, ClientSettings, CreateClient, Ledger, Provider, User};
//!
//! # async fn demo(user: onboarding::NewUser) -> Result<(), Box<dyn std::error::Error>> {
//! let ledger = Ledger::open("onboarding.db", Access::Write).await?;
//! let settings = ClientSettings { base_url: "https://api.bitpanda.example".into(), timeout: None };
//! let client = CreateClient::from_env(Provider::Bitpanda, &settings)?;
//! let recorded = ledger.create_user(&client, "customer-42", &User::new(user)).await?;
//! println!("{}", recorded.state);
//! # Ok(()) }
//! ```

mod api;
mod backend;
mod error;
mod facade;
mod fingerprint;
mod load;
mod outcome;
mod provider;
pub mod reconcile;
mod sql;
mod state;
mod store;
mod url;

pub use api::{Recorded, refused_line};
pub use backend::Backend;
pub use error::LedgerError;
pub use facade::{
    CREDENTIAL_VARIABLES, ClientSettings, CreateClient, Credentials, NotAUser, User, now_ms,
    update_one,
};
pub use fingerprint::{FileDigest, sha256_hex};
pub use load::{LoadConflict, Loaded, NewRow};
pub use outcome::{Outcome, Problem};
pub use provider::Provider;
pub use state::{State, UnknownState};
pub use store::{Access, ClaimKind, Claimed, Ledger, ReportRow, supported_version};
pub use url::Location;
