//! The ledger against real databases: SQLite files, and PostgreSQL when
//! `ONBOARDING_TEST_POSTGRES_URL` is set (see `scripts/test-postgres`).

mod library;
mod loading;
mod postgres;
mod schema;
mod transitions;
