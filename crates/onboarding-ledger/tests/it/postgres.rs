//! A fresh PostgreSQL database per test, from `ONBOARDING_TEST_POSTGRES_URL` (set by
//! `scripts/test-postgres`). Without it the test says loudly what did not run, and fails when
//! `ONBOARDING_REQUIRE_POSTGRES=1` (as CI sets).
//!
//! The `onboard` command's tests use this same file (`#[path]` from
//! `crates/onboarding-cli/tests/it/main.rs`); the crate name in the banner and in the database
//! names is the including crate's own.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

static NEXT: AtomicU32 = AtomicU32::new(0);

/// The URL of a new, empty database for `test`, or `None` (after a banner) when PostgreSQL is
/// not configured.
pub async fn fresh_database(test: &str) -> Option<String> {
    let Ok(base) = std::env::var("ONBOARDING_TEST_POSTGRES_URL") else {
        let banner = format!(
            "\n==================== POSTGRESQL TEST NOT RUN ====================\n\
             {test}: ONBOARDING_TEST_POSTGRES_URL is not set, so this test did not run.\n\
             Run it with a throw-away cluster:  scripts/test-postgres cargo test -p {crate_name}\n\
             ==================================================================\n",
            crate_name = env!("CARGO_PKG_NAME"),
        );
        if std::env::var("ONBOARDING_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("{banner}ONBOARDING_REQUIRE_POSTGRES=1: PostgreSQL tests must run");
        }
        // Straight to the process's stderr, past the test harness's capture, so that it shows
        // even when the test passes.
        let _ = std::io::Write::write_all(&mut std::io::stderr(), banner.as_bytes());
        return None;
    };
    sqlx::any::install_default_drivers();
    let name = format!(
        "{}_{}_{}_{}",
        env!("CARGO_PKG_NAME").replace('-', "_"),
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst),
        test.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    );
    let mut conn = sqlx::AnyConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("cannot reach ONBOARDING_TEST_POSTGRES_URL: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let (prefix, _) = base.rsplit_once('/').expect("a URL ending in /DATABASE");
    Some(format!("{prefix}/{name}"))
}
