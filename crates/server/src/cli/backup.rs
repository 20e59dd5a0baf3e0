//! `backup --to FILE`: a consistent copy of the database, taken while the service runs.
//!
//! To restore: stop the service, move the damaged database aside (with its `-wal` and `-shm`
//! files), put the backup in its place under the database's name, and start the service; it
//! migrates the copy if it came from an older version. README.md, "Backups", says the same.

use std::path::PathBuf;

use clap::Args;

use super::{block_on, open_existing, DbArg};

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    db: DbArg,
    /// The file to write; it must not exist yet, so a backup never overwrites another.
    #[arg(long)]
    to: PathBuf,
}

pub fn run(args: BackupArgs) -> Result<(), String> {
    if args.to.exists() {
        return Err(format!(
            "{} already exists; give a new file for the backup",
            args.to.display()
        ));
    }
    let store = open_existing(&args.db.path)?;
    block_on(store.backup(&args.to))?.map_err(|e| {
        format!(
            "could not back up {} to {}: {e}",
            args.db.path.display(),
            args.to.display()
        )
    })?;
    tracing::info!("backup written");
    println!("{}", args.to.display());
    Ok(())
}
