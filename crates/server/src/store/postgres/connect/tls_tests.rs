//! TLS to the test server, which `scripts/postgres.sh` starts with a certificate for 127.0.0.1
//! from a CA of its own (`SIGNPOST_TEST_POSTGRES_CA`): the service's store, its migrations and its
//! backups connect over verified TLS when the URL asks, and refuse a server they cannot verify.

use super::*;
use crate::store::postgres::testing::{self, TestDatabase};
use crate::store::postgres::PgStore;
use crate::store::Store;

/// The test server and its CA's certificate, or `None` (after saying why).
fn server_with_tls() -> Option<(String, PathBuf)> {
    let server = testing::server()?;
    match std::env::var_os("SIGNPOST_TEST_POSTGRES_CA") {
        Some(ca) => Some((server, PathBuf::from(ca))),
        None => {
            assert!(
                std::env::var_os("SIGNPOST_REQUIRE_POSTGRES").is_none(),
                "SIGNPOST_REQUIRE_POSTGRES is set but SIGNPOST_TEST_POSTGRES_CA is not"
            );
            eprintln!("skipped: set SIGNPOST_TEST_POSTGRES_CA to test TLS to PostgreSQL");
            None
        }
    }
}

/// Whether the connection that `url` makes is encrypted, as the server sees it.
async fn encrypted(url: &str) -> Result<bool, OpenError> {
    let target = Target::parse(url)?;
    let (client, connection) = target
        .config
        .connect(target.connector()?)
        .await
        .map_err(|e| OpenError::Engine(Box::new(e)))?;
    tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .unwrap();
    Ok(row.get(0))
}

fn with_query(url: &str, query: &str) -> String {
    format!("{url}?{query}")
}

#[tokio::test]
async fn a_url_that_asks_for_tls_gets_it_verified_and_one_that_does_not_stays_plain() {
    let Some((server, ca)) = server_with_tls() else {
        return;
    };
    for mode in ["verify-full", "require"] {
        let url = with_query(
            &server,
            &format!("sslmode={mode}&sslrootcert={}", ca.display()),
        );
        assert!(encrypted(&url).await.unwrap(), "{mode}");
    }
    assert!(!encrypted(&server).await.unwrap());
    assert!(!encrypted(&with_query(&server, "sslmode=disable"))
        .await
        .unwrap());
}

#[tokio::test]
async fn a_server_whose_certificate_does_not_chain_to_a_trusted_root_is_refused() {
    let Some((server, _)) = server_with_tls() else {
        return;
    };
    // `require` without the cluster's CA: only the system's roots, which did not sign it. libpq
    // would connect here unverified; the service does not.
    let error = encrypted(&with_query(&server, "sslmode=require"))
        .await
        .expect_err("connected to a server it could not verify");
    let text = format!("{error:?}").to_lowercase();
    assert!(
        text.contains("certificate") || text.contains("trusted root"),
        "{text}"
    );
}

#[tokio::test]
async fn the_store_migrates_answers_and_backs_up_over_tls() {
    let Some((server, ca)) = server_with_tls() else {
        return;
    };
    let database = tokio::task::spawn_blocking(move || TestDatabase::create(&server))
        .await
        .unwrap();
    let url = with_query(
        &database.url(),
        &format!("sslmode=verify-full&sslrootcert={}", ca.display()),
    );
    let store = tokio::task::spawn_blocking(move || PgStore::open(&url))
        .await
        .unwrap()
        .expect("opened and migrated over TLS");
    store.ping().await.expect("the store answers over TLS");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("signpost.dump");
    store
        .backup(&copy)
        .await
        .expect("pg_dump connects the same way");
    assert!(std::fs::metadata(&copy).unwrap().len() > 0);
    store.pool.close();
}
