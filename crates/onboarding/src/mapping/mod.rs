//! From the neutral model to each provider's generated request type.
//!
//! Every function validates first and returns the full [`ValidationReport`](crate::validation::ValidationReport) when any rule is
//! broken; only a valid user is mapped. The request is then built field by field from the
//! generated types, whose constructors check the spec's patterns and lengths once more: should one
//! of them still refuse a value, that becomes a violation too, never a panic. The mapping rules are
//! on each function.
//!
//! Asking a provider for an operation it does not offer does not compile: there is no function
//! that maps a [`crate::NewUser`] for BTC Direct, nor a [`crate::UserUpdate`] for the others.

mod bitpanda;
mod btcdirect;
mod builder;
mod wealthyhood;

pub use bitpanda::bitpanda_request;
pub use btcdirect::{btcdirect_request, btcdirect_request_on};
pub use wealthyhood::wealthyhood_request;
