//! `purge`: delete now what the daily task inside `serve` deletes (see `retention.rs`).

use clap::Args;
use time::OffsetDateTime;

use super::{block_on, open_existing, DbArg};
use crate::retention::{self, DEFAULT_RETENTION_DAYS};

#[derive(Debug, Args)]
pub struct PurgeArgs {
    #[command(flatten)]
    db: DbArg,
    /// Days a closed referral is kept after closing.
    #[arg(long, env = "SIGNPOST_RETENTION_DAYS", default_value_t = DEFAULT_RETENTION_DAYS,
          value_parser = clap::value_parser!(u16).range(30..))]
    retention_days: u16,
}

pub fn run(args: PurgeArgs) -> Result<(), String> {
    let store = open_existing(&args.db.path)?;
    let purged = block_on(retention::purge(
        store.as_ref(),
        args.retention_days,
        OffsetDateTime::now_utc(),
    ))?
    .map_err(|e| format!("could not purge {}: {e}", args.db.path.display()))?;
    println!(
        "deleted {} closed referrals and {} unused expired follow-up links; kept {} closed before closing times were recorded",
        purged.referrals, purged.follow_up_links, purged.kept_without_closing_time
    );
    Ok(())
}
