//! A consistent copy of a live PostgreSQL database: `pg_dump`, PostgreSQL's own tool, which reads
//! everything in one snapshot while the instances carry on writing. The copy is a custom-format
//! archive; README shows how `pg_restore` brings it back.

use std::path::Path;

use tokio::process::Command;
use tokio_postgres::config::Host;

use super::connect::Target;
use crate::store::StoreError;

pub async fn dump(url: &str, to: &Path) -> Result<(), StoreError> {
    if to.exists() {
        return Err(StoreError::engine(format!(
            "{} already exists",
            to.display()
        )));
    }
    let target = Target::parse(url).map_err(|e| StoreError::engine(e.to_string()))?;
    let config = &target.config;
    let mut command = Command::new("pg_dump");
    command
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(to);
    if let Some(Host::Tcp(host)) = config.get_hosts().first() {
        command.arg("--host").arg(host);
    }
    if let Some(port) = config.get_ports().first() {
        command.arg("--port").arg(port.to_string());
    }
    if let Some(user) = config.get_user() {
        command.arg("--username").arg(user);
    }
    if let Some(name) = config.get_dbname() {
        command.arg("--dbname").arg(name);
    }
    // A password goes in the environment, not the arguments, which `ps` shows to everyone.
    if let Some(password) = config.get_password() {
        command.env("PGPASSWORD", String::from_utf8_lossy(password).into_owned());
    }
    // TLS as the service connects: required and verified, or off.
    command.envs(target.libpq_environment());
    let output = command
        .output()
        .await
        .map_err(|e| StoreError::engine(format!("could not run pg_dump: {e}")))?;
    if output.status.success() {
        Ok(())
    } else {
        let _ = std::fs::remove_file(to);
        Err(StoreError::engine(format!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}
