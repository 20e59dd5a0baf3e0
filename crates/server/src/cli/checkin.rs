//! `checkin create --reference REFERENCE`: issues a follow-up link and prints it, one line.

use clap::{Args, Subcommand};

use super::{block_on, check_reference, open_existing, DbArg};
use crate::followup::{self, IssueError};

#[derive(Debug, Subcommand)]
pub enum CheckinCommand {
    /// Issue a follow-up link for a referral and print it (one line). The link asks the scale the
    /// person answered at the start (WEMWBS if they skipped it), and works once.
    Create(CreateArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The referral's reference, like SP-7K3M-Q9X2.
    #[arg(long)]
    reference: String,
    #[command(flatten)]
    db: DbArg,
    /// How many days the link stays open (0 to 366; 0 makes a link that has already expired).
    #[arg(long, default_value_t = followup::DEFAULT_VALID_DAYS,
          value_parser = clap::value_parser!(u16).range(0..=i64::from(followup::MAX_VALID_DAYS)))]
    valid_days: u16,
    /// The page that embeds the widget in follow-up mode; the link adds `?checkin=TOKEN` to it.
    #[arg(long, env = "SIGNPOST_CHECKIN_BASE_URL", default_value = followup::DEFAULT_BASE_URL,
          value_parser = followup::parse_base_url)]
    base_url: String,
}

pub fn run(command: CheckinCommand) -> Result<(), String> {
    match command {
        CheckinCommand::Create(args) => create(&args),
    }
}

/// Prints the follow-up link, and nothing else, on stdout. The token is in that line only: the
/// database keeps its hash.
fn create(args: &CreateArgs) -> Result<(), String> {
    let reference = args.reference.trim();
    check_reference(reference)?;
    let path = &args.db.path;
    let store = open_existing(path)?;
    let issued = block_on(followup::issue(store.as_ref(), reference, args.valid_days))?.map_err(
        |e| match e {
            IssueError::UnknownReference => {
                format!("no referral {reference} in {}", path.display())
            }
            other => format!("could not issue a follow-up link: {other}"),
        },
    )?;
    tracing::info!(
        reference,
        instrument = issued.instrument.as_str(),
        expires_at = %issued.expires_at,
        "follow-up link issued"
    );
    println!(
        "{}",
        followup::follow_up_link(&args.base_url, &issued.token)
    );
    Ok(())
}
