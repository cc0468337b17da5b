//! The neutral fixture users every facade test starts from: `fixtures/user.json` (a full Greek
//! profile with every extension) and `fixtures/update.json` (the same person as a BTC Direct
//! update).

#![allow(dead_code)]

use onboarding::{NewUser, UserUpdate};

/// The fixture user as JSON text.
pub const USER_JSON: &str = include_str!("../../fixtures/user.json");
/// The fixture update as JSON text.
pub const UPDATE_JSON: &str = include_str!("../../fixtures/update.json");

/// `fixtures/user.json` as a [`NewUser`].
pub fn user() -> NewUser {
    serde_json::from_str(USER_JSON).expect("fixtures/user.json is a NewUser")
}

/// `fixtures/update.json` as a [`UserUpdate`].
pub fn update() -> UserUpdate {
    serde_json::from_str(UPDATE_JSON).expect("fixtures/update.json is a UserUpdate")
}
