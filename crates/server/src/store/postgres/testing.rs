//! A fresh database of its own for each of the engine's tests, on the throwaway PostgreSQL that
//! `scripts/test.sh` starts (`scripts/postgres.sh`) and names in `SIGNPOST_TEST_POSTGRES`.
//!
//! Without that variable the engine's tests say so and pass, so that `cargo test` works on a
//! machine without PostgreSQL; the test command sets `SIGNPOST_REQUIRE_POSTGRES=1` as well, and
//! then a missing server fails them instead.

use tokio_postgres::NoTls;

use super::PgStore;

/// A database made for one test, dropped when it ends.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    store: Option<PgStore>,
}

/// A new, migrated database, or `None` (after saying why) when no test server is configured.
pub async fn database() -> Option<TestDatabase> {
    let Ok(admin_url) = std::env::var("SIGNPOST_TEST_POSTGRES") else {
        assert!(
            std::env::var_os("SIGNPOST_REQUIRE_POSTGRES").is_none(),
            "SIGNPOST_REQUIRE_POSTGRES is set but SIGNPOST_TEST_POSTGRES is not"
        );
        eprintln!("skipped: set SIGNPOST_TEST_POSTGRES to run the PostgreSQL engine's tests");
        return None;
    };
    let name = format!("signpost_unit_{:016x}", rand::random::<u64>());
    let (client, connection) = tokio_postgres::connect(&admin_url, NoTls).await.unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let url = with_database(&admin_url, &name);
    let store = tokio::task::spawn_blocking(move || PgStore::open(&url).unwrap())
        .await
        .unwrap();
    Some(TestDatabase {
        admin_url,
        name,
        store: Some(store),
    })
}

/// `postgres://u@h:p/other?x` with `name` in place of `other`.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

impl TestDatabase {
    pub fn store(&self) -> &PgStore {
        self.store
            .as_ref()
            .expect("the store is open until the end")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(store) = self.store.take() {
            store.pool.close();
        }
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs outside async: a thread of its own with a runtime of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok((client, connection)) = tokio_postgres::connect(&admin_url, NoTls).await {
                    tokio::spawn(connection);
                    let _ = client
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}
