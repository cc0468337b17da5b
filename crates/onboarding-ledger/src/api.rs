//! The library path a service uses around the facade: one create per key, its intent committed
//! before it is sent, its outcome recorded after, and a second call with the same key answered
//! from the ledger.

use std::time::Duration;

use crate::error::LedgerError;
use crate::facade::{CreateClient, User, now_ms};
use crate::outcome::{Outcome, Problem};
use crate::state::State;
use crate::store::Ledger;

/// What the ledger holds for a key after [`Ledger::create_user`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The row's state.
    pub state: State,
    /// The provider's id, when created.
    pub provider_id: Option<String>,
    /// The last error's kind, when there was one.
    pub error_kind: Option<String>,
    /// Whether this call sent a request (`false`: answered from the ledger).
    pub sent: bool,
}

/// How long the library path's lease lasts: longer than one facade call with its retries.
const LIBRARY_LEASE: Duration = Duration::from_secs(300);

impl Ledger {
    /// Creates `user` under `key` with `client`, at most once per key:
    ///
    /// - a new key is committed `in_flight` first, then sent, then its outcome recorded;
    /// - a key already final (or in doubt, or waiting to retry) returns what is recorded,
    ///   without sending;
    /// - a `pending` or due `retry_later` key is claimed and sent;
    /// - the same key with another body is [`LedgerError::KeyReused`], nothing sent;
    /// - a key a live worker holds is [`LedgerError::InProgress`].
    ///
    /// A facade error advising to reconcile first is recorded `in_doubt`.
    pub async fn create_user(
        &self,
        client: &CreateClient,
        key: &str,
        user: &User,
    ) -> Result<Recorded, LedgerError> {
        let provider = client.provider();
        let owner = format!("lib-{}-{}", std::process::id(), now_ms());
        let mut sent_before = false;
        let mut claimed = self
            .insert_in_flight(
                provider,
                key,
                user.fingerprint(),
                user.has_external_id(),
                &owner,
                LIBRARY_LEASE,
            )
            .await?;
        if !claimed {
            let Some(row) = self.get(provider, key).await? else {
                return Err(LedgerError::InProgress { key: key.into() });
            };
            if row.fingerprint.as_deref() != Some(user.fingerprint()) {
                return Err(LedgerError::KeyReused { key: key.into() });
            }
            match row.state {
                State::InFlight if row.lease_until.is_some_and(|until| until < now_ms()) => {
                    self.expire_key(provider, key).await?;
                    return self.recorded(provider, key, false).await;
                }
                State::InFlight => return Err(LedgerError::InProgress { key: key.into() }),
                State::Pending | State::RetryLater
                    if row.retry_at.is_none_or(|at| at <= now_ms()) =>
                {
                    match self.claim_key(provider, key, &owner, LIBRARY_LEASE).await? {
                        Some(before) => {
                            sent_before = before;
                            claimed = true;
                        }
                        None => return Err(LedgerError::InProgress { key: key.into() }),
                    }
                }
                _ => {
                    return Ok(Recorded {
                        state: row.state,
                        provider_id: row.provider_id,
                        error_kind: row.error_kind,
                        sent: false,
                    });
                }
            }
        }
        debug_assert!(claimed);
        let outcome = client.create(user, sent_before).await;
        let refused = self
            .record(
                provider,
                &owner,
                &owner,
                &[(key.to_owned(), outcome.clone())],
            )
            .await?;
        if refused > 0 {
            // The lease ran out while the call was on its way; the row is in doubt.
            tracing::warn!(provider = %provider, "an outcome came after its lease ran out");
        }
        self.recorded(provider, key, true).await
    }

    async fn recorded(
        &self,
        provider: crate::provider::Provider,
        key: &str,
        sent: bool,
    ) -> Result<Recorded, LedgerError> {
        let row = self
            .get(provider, key)
            .await?
            .ok_or_else(|| LedgerError::Database("a recorded row went missing".into()))?;
        Ok(Recorded {
            state: row.state,
            provider_id: row.provider_id,
            error_kind: row.error_kind,
            sent,
        })
    }
}

/// The outcome a line refused before sending gets.
pub fn refused_line(kind: &str, fields: Vec<String>) -> Outcome {
    Outcome::Rejected(Problem {
        kind: kind.to_owned(),
        codes: Vec::new(),
        fields,
    })
}
