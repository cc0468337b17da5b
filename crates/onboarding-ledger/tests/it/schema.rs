//! Opening a ledger: created 0600, migrated up once, a newer schema refused (never migrated
//! down), a read-only PostgreSQL database refused before anything else.

use onboarding_ledger::{Access, Ledger, LedgerError, supported_version};
use sqlx::Connection;

async fn add_future_migration(url: &str) {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES (9999, 'from the future', CURRENT_TIMESTAMP, TRUE, $1, 0)",
    )
    .bind(vec![0u8])
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
}

async fn newer_schema_is_refused(url: &str, connect: &str) {
    let ledger = Ledger::open(url, Access::Write).await.unwrap();
    ledger.close().await;
    // Opening again migrates nothing and works.
    Ledger::open(url, Access::Write)
        .await
        .unwrap()
        .close()
        .await;
    add_future_migration(connect).await;
    for access in [Access::Write, Access::Read] {
        match Ledger::open(url, access).await {
            Err(LedgerError::NewerSchema {
                found: 9999,
                supported,
            }) => {
                assert_eq!(supported, supported_version());
            }
            other => panic!("expected NewerSchema, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_sqlite_ledger_is_private_and_a_newer_schema_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.db");
    let url = format!("sqlite://{}", path.display());
    newer_schema_is_refused(&url, &url).await;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // Read access to a file that is not there does not create it.
    let missing = dir.path().join("missing.db");
    assert!(
        Ledger::open(&missing.display().to_string(), Access::Read)
            .await
            .is_err()
    );
    assert!(!missing.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_schema_is_refused_on_postgres() {
    if let Some(url) = crate::postgres::fresh_database("newer").await {
        newer_schema_is_refused(&url, &url).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_postgres_database_is_refused() {
    let Some(url) = crate::postgres::fresh_database("read_only").await else {
        return;
    };
    Ledger::open(&url, Access::Write)
        .await
        .unwrap()
        .close()
        .await;
    let name = url.rsplit('/').next().unwrap().to_owned();
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    sqlx::query(&format!(
        "ALTER DATABASE {name} SET default_transaction_read_only = on"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    match Ledger::open(&url, Access::Write).await {
        Err(LedgerError::ReadOnly { .. }) => {}
        other => panic!("expected ReadOnly, got {other:?}"),
    }
    // Reading still works.
    Ledger::open(&url, Access::Read)
        .await
        .unwrap()
        .close()
        .await;
}
