//! The facade's clients: one typed client per provider ([`BitpandaClient`],
//! [`WealthyhoodClient`], [`BtcDirectClient`]) offering only the operations that provider has,
//! and [`OnboardingClient`], a thin layer over them for a provider chosen at run time.
//!
//! Every client validates before sending, retries under a [`RetryPolicy`](crate::RetryPolicy), renews its
//! credentials ([`crate::credentials`]) and turns every answer into a typed result.
//!
//! What a provider offers compiles:
//!
//! ```no_run
//! # async fn demo(btcdirect: onboarding::BtcDirectClient, bitpanda: onboarding::BitpandaClient,
//! #               user: onboarding::NewUser, update: onboarding::UserUpdate,
//! #               context: onboarding::UserContext) {
//! let updated = btcdirect.update_user(&update, &context).await;
//! let created = bitpanda.create_user(&user).await;
//! # }
//! ```
//!
//! Asking BTC Direct to create a user does not:
//!
//! ```compile_fail
//! # async fn demo(btcdirect: onboarding::BtcDirectClient, user: onboarding::NewUser) {
//! let created = btcdirect.create_user(&user).await; // no such method: BTC Direct only updates
//! # }
//! ```
//!
//! nor does asking Bitpanda to update one:
//!
//! ```compile_fail
//! # async fn demo(bitpanda: onboarding::BitpandaClient, update: onboarding::UserUpdate,
//! #               context: onboarding::UserContext) {
//! let updated = bitpanda.update_user(&update, &context).await; // no such method
//! # }
//! ```

use crate::error::OnboardingError;
use crate::model::{NewUser, UserUpdate};
use crate::provider::{Operation, Provider};

mod bitpanda;
mod btcdirect;
mod wealthyhood;

pub use bitpanda::BitpandaClient;
pub use btcdirect::{BtcDirectClient, PartnerAuth};
pub use btcdirect_client::{InvalidIdentifier, PartnerCredential, UserContext};
pub use wealthyhood::WealthyhoodClient;

pub use crate::answer::{CreatedUser, UpdatedUser};

/// A client whose provider is chosen at run time (e.g. from configuration): one thin layer over
/// the typed clients. An operation the provider does not offer is
/// [`OnboardingError::Unsupported`], and nothing is sent; with the provider known at compile
/// time, prefer the typed client, where such a call does not compile.
///
/// Build the typed client and convert it: `OnboardingClient::from(builder.bitpanda(tokens)?)` (the builder being a
/// [`ClientBuilder`](crate::ClientBuilder)).
/// Cloning is cheap (the connection pool and the token cache are shared).
#[derive(Clone, Debug)]
pub enum OnboardingClient {
    /// Bitpanda: creates users.
    Bitpanda(BitpandaClient),
    /// Wealthyhood: creates users.
    Wealthyhood(WealthyhoodClient),
    /// BTC Direct: updates users.
    BtcDirect(BtcDirectClient),
}

impl From<BitpandaClient> for OnboardingClient {
    fn from(client: BitpandaClient) -> Self {
        Self::Bitpanda(client)
    }
}

impl From<WealthyhoodClient> for OnboardingClient {
    fn from(client: WealthyhoodClient) -> Self {
        Self::Wealthyhood(client)
    }
}

impl From<BtcDirectClient> for OnboardingClient {
    fn from(client: BtcDirectClient) -> Self {
        Self::BtcDirect(client)
    }
}

impl OnboardingClient {
    /// The provider this client talks to.
    pub fn provider(&self) -> Provider {
        match self {
            Self::Bitpanda(_) => Provider::Bitpanda,
            Self::Wealthyhood(_) => Provider::Wealthyhood,
            Self::BtcDirect(_) => Provider::BtcDirect,
        }
    }

    /// Creates `user` with Bitpanda or Wealthyhood ([`BitpandaClient::create_user`],
    /// [`WealthyhoodClient::create_user`]). BTC Direct does not create users:
    /// [`OnboardingError::Unsupported`].
    pub async fn create_user(&self, user: &NewUser) -> Result<CreatedUser, OnboardingError> {
        match self {
            Self::Bitpanda(client) => client.create_user(user).await,
            Self::Wealthyhood(client) => client.create_user(user).await,
            Self::BtcDirect(_) => Err(self.unsupported(Operation::CreateUser)),
        }
    }

    /// Updates a BTC Direct user ([`BtcDirectClient::update_user`]). Bitpanda and Wealthyhood
    /// do not update users here: [`OnboardingError::Unsupported`].
    pub async fn update_user(
        &self,
        update: &UserUpdate,
        user: &UserContext,
    ) -> Result<UpdatedUser, OnboardingError> {
        match self {
            Self::BtcDirect(client) => client.update_user(update, user).await,
            Self::Bitpanda(_) | Self::Wealthyhood(_) => {
                Err(self.unsupported(Operation::UpdateUser))
            }
        }
    }

    fn unsupported(&self, operation: Operation) -> OnboardingError {
        OnboardingError::Unsupported {
            provider: self.provider(),
            operation,
        }
    }
}
