//! `referral show REFERENCE`: one stored referral as JSON on stdout.

use clap::Subcommand;

use super::{block_on, check_reference, open_existing, DbArg};
use crate::view::ShownReferral;

#[derive(Debug, Subcommand)]
pub enum ReferralCommand {
    /// Print one stored referral as JSON.
    Show {
        /// The reference, like SP-7K3M-Q9X2.
        reference: String,
        #[command(flatten)]
        db: DbArg,
    },
}

pub fn run(command: ReferralCommand) -> Result<(), String> {
    match command {
        ReferralCommand::Show { reference, db } => show(&reference, &db),
    }
}

fn show(reference: &str, db: &DbArg) -> Result<(), String> {
    check_reference(reference)?;
    let path = &db.path;
    let store = open_existing(path)?;
    let stored = block_on(store.find_referral(reference))?
        .map_err(|e| format!("could not read {}: {e}", path.display()))?
        .ok_or_else(|| format!("no referral {reference} in {}", path.display()))?;
    let shown = ShownReferral::new(stored)
        .map_err(|e| format!("the stored referral {reference} is not valid JSON: {e}"))?;
    let json = serde_json::to_string(&shown).map_err(|e| e.to_string())?;
    println!("{json}");
    Ok(())
}
