//! The PostgreSQL schema's migrations (`migrations/`, append-only) and the runner that applies
//! them. Several instances may start at once against one database, so the runner holds a
//! transaction-scoped advisory lock while it reads the version and applies what is missing; DDL
//! is transactional in PostgreSQL, so a migration applies whole or not at all.
//!
//! Written here rather than taken from a crate: the migration crates for tokio-postgres
//! (refinery) do not take a lock, and the runner is these few lines.

use tokio_postgres::Config;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::store::OpenError;

/// The schema's migrations, oldest first. Never edit one that has shipped: add the next.
pub const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_schema.sql")];

/// The advisory lock's key: any constant the database's other users do not take (b"SIGNPOST").
const LOCK_KEY: i64 = 0x5349_474E_504F_5354;

/// Connects with `config` and `tls` (used only when `config` asks for TLS) on a runtime of its
/// own and applies what is missing.
pub fn run_blocking(config: &Config, tls: MakeRustlsConnect) -> Result<(), OpenError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| OpenError::Engine(Box::new(e)))?;
    runtime.block_on(async {
        let (mut client, connection) = config
            .connect(tls)
            .await
            .map_err(|e| OpenError::Engine(Box::new(e)))?;
        let connection = tokio::spawn(connection);
        let applied = apply(&mut client, MIGRATIONS).await;
        drop(client);
        let _ = connection.await;
        applied
    })
}

/// Applies the migrations after the ones already recorded, in one transaction.
pub async fn apply(
    client: &mut tokio_postgres::Client,
    migrations: &[&str],
) -> Result<(), OpenError> {
    let failed = |e: tokio_postgres::Error| OpenError::Migration(Box::new(e));
    let tx = client.transaction().await.map_err(failed)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await
        .map_err(failed)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS signpost_migrations (
             version    bigint PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await
    .map_err(failed)?;
    let current: i64 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM signpost_migrations",
            &[],
        )
        .await
        .map_err(failed)?
        .get(0);
    let known = migrations.len() as i64;
    if current > known {
        return Err(OpenError::Migration(
            format!(
                "the database is at schema version {current}, newer than this service's {known}: \
                 run the newer service, or restore a backup made for this one"
            )
            .into(),
        ));
    }
    for (version, sql) in (1_i64..).zip(migrations).skip(current as usize) {
        tx.batch_execute(sql).await.map_err(failed)?;
        tx.execute(
            "INSERT INTO signpost_migrations (version) VALUES ($1)",
            &[&version],
        )
        .await
        .map_err(failed)?;
    }
    tx.commit().await.map_err(failed)
}
