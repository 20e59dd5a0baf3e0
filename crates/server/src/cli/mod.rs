//! The `signpost-server` command: `serve` runs the service; `referral show` prints a stored
//! referral (the browser journeys use it to check what was stored); `checkin create` issues a
//! follow-up link; `user …` manages the inbox's accounts. One file a subcommand; `main.rs` parses and dispatches.
//!
//! stdout carries only what a script reads (the listening line, the JSON, the link); logs and
//! errors go to stderr.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

use crate::config::DEFAULT_DB;
use crate::reference;
use crate::store::{self, Create, Location, Store};

pub mod backup;
pub mod checkin;
pub mod demo_account;
pub mod demo_data;
pub mod export;
pub mod person;
pub mod purge;
pub mod referral;
pub mod serve;
pub mod user;

#[derive(Debug, Parser)]
#[command(name = "signpost-server", version, about = "Signpost's intake service")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service: the API and the site.
    // Boxed: its flags, notifications and limits included, are most of the enum's size.
    Serve(Box<serve::ServeArgs>),
    /// Read stored referrals.
    Referral {
        #[command(subcommand)]
        command: referral::ReferralCommand,
    },
    /// FOR THE DEMO ONLY: a link worker account with its password and authenticator secret
    /// printed once, so a newcomer can sign in to the inbox at once (`scripts/run.sh`).
    DemoAccount(demo_account::DemoAccountArgs),
    /// Delete closed referrals past the retention period and unused expired follow-up links.
    Purge(purge::PurgeArgs),
    /// A person's rights: everything held about one referral, or its erasure.
    Person {
        #[command(subcommand)]
        command: person::PersonCommand,
    },
    /// Write a consistent copy of the database to a new file, while the service runs.
    Backup(backup::BackupArgs),
    /// Export a period's referrals: the minimum dataset (`--format csv`) or FHIR R4 (`--format fhir`).
    Export(export::ExportArgs),
    /// Follow-up wellbeing check-ins.
    Checkin {
        #[command(subcommand)]
        command: checkin::CheckinCommand,
    },
    /// Fill a database with invented referrals, histories and follow-ups, for a demonstration.
    DemoData(demo_data::DemoDataArgs),
    /// The inbox's accounts: add, disable, list, reset-password (and totp-code, for the demo).
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
}

/// The database every subcommand takes.
#[derive(Debug, Args)]
pub struct DbArg {
    /// The database: a SQLite file (`serve` creates it and its folder if missing), or a
    /// PostgreSQL URL, `postgres://USER:PASSWORD@HOST:PORT/DATABASE`, with `?sslmode=verify-full`
    /// (and `&sslrootcert=CA.pem`) for verified TLS.
    #[arg(long = "db", env = "SIGNPOST_DB", default_value = DEFAULT_DB)]
    pub path: PathBuf,
}

impl Cli {
    /// Runs the command; the error is the one line printed after `signpost-server: `.
    pub fn run(self) -> Result<(), String> {
        match self.command {
            Command::Serve(args) => serve::run(*args),
            Command::Referral { command } => referral::run(command),
            Command::Checkin { command } => checkin::run(command),
            Command::Backup(args) => backup::run(args),
            Command::Export(args) => export::run(args),
            Command::Person { command } => person::run(command),
            Command::Purge(args) => purge::run(args),
            Command::DemoAccount(args) => demo_account::run(args),
            Command::User { command } => user::run(command),
            Command::DemoData(args) => demo_data::run(args),
        }
    }
}

/// A typo in a reference is told apart from a reference that is not there.
fn check_reference(reference: &str) -> Result<(), String> {
    if reference::is_well_formed(reference) {
        Ok(())
    } else {
        Err(format!(
            "{reference:?} is not a reference; they look like SP-7K3M-Q9X2"
        ))
    }
}

/// Opens a database that must already exist: a read command never leaves one behind a typo.
fn open_existing(path: &Path) -> Result<Arc<dyn Store>, String> {
    let location = Location::parse(path);
    store::open(&location, Create::Never).map_err(|e| format!("{}: {e}", location.described()))
}

/// Runs one piece of the store's async work to its end, for a command that does one thing.
fn block_on<F: Future>(work: F) -> Result<F::Output, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("could not start the runtime: {e}"))?;
    Ok(runtime.block_on(work))
}
