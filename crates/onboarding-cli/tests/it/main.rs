//! The `onboard` binary as a child process against the test kit's fakes on loopback, with real
//! SQLite files and (when `ONBOARDING_TEST_POSTGRES_URL` is set, see `scripts/test-postgres`)
//! a real PostgreSQL.

mod bad_input;
mod batch;
mod crash;
mod csv;
/// One fresh PostgreSQL database per test: the ledger's tests' helper, shared rather than copied.
#[path = "../../../onboarding-ledger/tests/it/postgres.rs"]
mod postgres;
mod support;
mod workers;
