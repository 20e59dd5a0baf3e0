//! `person export --reference …` prints everything held about one referral as JSON; `person erase
//! --reference … --confirm` deletes the referral and everything that hangs from it. The work is
//! `crate::person`'s, shared with the inbox's admin pages; each leaves an audit entry, which names
//! the reference and nothing else.

use clap::Subcommand;
use time::OffsetDateTime;

use super::{block_on, check_reference, open_existing, DbArg};
use crate::inbox::manage::ChangedBy;
use crate::person;

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Print everything held about one referral (answers, history, follow-ups, audit entries
    /// about it) as JSON, for a subject access request.
    Export {
        #[arg(long)]
        reference: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Delete one referral and everything held with it; an audit entry records that it was.
    Erase {
        #[arg(long)]
        reference: String,
        /// Say that you mean it: erasure cannot be undone (restore from a backup to get it back).
        #[arg(long)]
        confirm: bool,
        #[command(flatten)]
        db: DbArg,
    },
}

pub fn run(command: PersonCommand) -> Result<(), String> {
    let by = ChangedBy::command_line();
    match command {
        PersonCommand::Export { reference, db } => {
            check_reference(&reference)?;
            let store = open_existing(&db.path)?;
            let record = block_on(person::export(
                store.as_ref(),
                &reference,
                &by,
                OffsetDateTime::now_utc(),
            ))??
            .ok_or_else(|| format!("no referral {reference} in {}", db.path.display()))?;
            print!("{}", person::to_json(&record).map_err(|e| e.to_string())?);
            Ok(())
        }
        PersonCommand::Erase {
            reference,
            confirm,
            db,
        } => {
            check_reference(&reference)?;
            if !confirm {
                return Err(format!(
                    "erasing {reference} cannot be undone; add --confirm if you mean it"
                ));
            }
            let store = open_existing(&db.path)?;
            let erased = block_on(person::erase(
                store.as_ref(),
                &reference,
                &by,
                OffsetDateTime::now_utc(),
            ))??;
            if !erased {
                return Err(format!("no referral {reference} in {}", db.path.display()));
            }
            println!("erased {reference}");
            Ok(())
        }
    }
}
