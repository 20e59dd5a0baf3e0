//! A fresh database of its own for each test, on the throwaway PostgreSQL that `scripts/test.sh`
//! starts (`scripts/postgres.sh`) and names in `SIGNPOST_TEST_POSTGRES`. Used by the engine's own
//! tests and by the API suite (`tests/api/helpers.rs`) when it runs on PostgreSQL; not part of
//! the service.
//!
//! Without that variable the engine's tests say so and pass, so that `cargo test` works on a
//! machine without PostgreSQL; the test command sets `SIGNPOST_REQUIRE_POSTGRES=1` as well, and
//! then a missing server fails them instead.

use tokio_postgres::NoTls;

use super::PgStore;

/// The test server's URL, or `None` (after saying why) when none is configured.
pub fn server() -> Option<String> {
    match std::env::var("SIGNPOST_TEST_POSTGRES") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var_os("SIGNPOST_REQUIRE_POSTGRES").is_none(),
                "SIGNPOST_REQUIRE_POSTGRES is set but SIGNPOST_TEST_POSTGRES is not"
            );
            eprintln!("skipped: set SIGNPOST_TEST_POSTGRES to run the PostgreSQL engine's tests");
            None
        }
    }
}

/// A new, migrated database and a store open on it, or `None` when no test server is configured.
pub async fn database() -> Option<TestDatabase> {
    let server = server()?;
    let mut db = tokio::task::spawn_blocking(move || TestDatabase::create(&server))
        .await
        .unwrap();
    let url = db.url();
    db.store = Some(
        tokio::task::spawn_blocking(move || PgStore::open(&url).unwrap())
            .await
            .unwrap(),
    );
    Some(db)
}

/// A database made for one test on the server `admin_url`, dropped (whatever is still connected
/// to it) when this is.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    store: Option<PgStore>,
}

impl TestDatabase {
    /// Makes an empty database; callable inside a runtime or not.
    pub fn create(admin_url: &str) -> TestDatabase {
        let name = format!("signpost_test_{:016x}", rand::random::<u64>());
        on_own_runtime(admin_url, &format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("could not make a test database: {e}"));
        TestDatabase {
            admin_url: admin_url.to_owned(),
            name,
            store: None,
        }
    }

    /// Its URL: the server's, naming this database.
    pub fn url(&self) -> String {
        with_database(&self.admin_url, &self.name)
    }

    pub fn store(&self) -> &PgStore {
        self.store.as_ref().expect("made by database()")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(store) = self.store.take() {
            store.pool.close();
        }
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let _ = on_own_runtime(&self.admin_url, &drop);
    }
}

/// Runs `sql` on the server, on a thread and runtime of its own (drop and sync callers have none,
/// and async callers must not block theirs).
fn on_own_runtime(admin_url: &str, sql: &str) -> Result<(), tokio_postgres::Error> {
    let (admin_url, sql) = (admin_url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(&admin_url, NoTls).await?;
            tokio::spawn(connection);
            client.batch_execute(&sql).await
        })
    })
    .join()
    .expect("the thread ran")
}

/// `postgres://u@h:p/other?x` with `name` in place of `other`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_database_is_named_in_the_servers_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/postgres?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
    }
}
