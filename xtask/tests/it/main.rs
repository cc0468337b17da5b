//! The xtask's integration tests, linked as one binary: the built `cargo xtask` binary run in
//! copies of the checkout.

mod checkout;
