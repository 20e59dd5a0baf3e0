//! `user …`: the inbox's accounts from the command line. `add` and `reset-password` print the
//! one-time set-password link and nothing else; no command takes or prints a password, and
//! `list` shows no secret. Each change is in the audit log (with no actor: the command line).

use clap::{Args, Subcommand};
use time::OffsetDateTime;

use super::{block_on, open_existing, DbArg};
use crate::config::parse_origin;
use crate::inbox::auth::totp;
use crate::inbox::auth::users::{AccountEmail, Role};
use crate::inbox::manage::{self, ChangedBy};
use crate::inbox::page::account::practices_label;
use crate::store::accounts::Account;
use crate::store::{self, Create, Location, Store};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an inbox account and print its one-time set-password link (valid 72 hours, once).
    Add(AddArgs),
    /// Disable an account: it cannot sign in, and its sessions end at once.
    Disable(EmailArgs),
    /// List the accounts: email, role, practices, state. Nothing secret.
    List(ListArgs),
    /// Reset an account and print a new set-password link: its password, authenticator app,
    /// recovery codes and sessions stop working.
    ResetPassword(LinkArgs),
    /// FOR THE DEMO ONLY: print the account's current 6-digit authenticator code, for someone
    /// trying the demo without an authenticator app. It reads the TOTP secret from the database,
    /// so whoever can run it can pass the second factor: never use it on a real service.
    TotpCode(EmailArgs),
}

/// Where links start.
#[derive(Debug, Args)]
pub struct OriginArg {
    /// The inbox's origin as people reach it, like https://inbox.example.scot; the link starts
    /// with it.
    #[arg(long, env = "SIGNPOST_INBOX_ORIGIN", default_value = "http://127.0.0.1:8080",
          value_parser = parse_inbox_origin)]
    inbox_origin: String,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The person's work email address: they sign in with it.
    #[arg(long)]
    email: String,
    /// `link-worker` (sees their practices' referrals) or `admin` (sees all, manages accounts).
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// A practice code the link worker covers; repeat for several. Not for an admin.
    #[arg(long = "practice")]
    practices: Vec<String>,
    #[command(flatten)]
    origin: OriginArg,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Debug, Args)]
pub struct EmailArgs {
    #[arg(long)]
    email: String,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    #[arg(long)]
    email: String,
    #[command(flatten)]
    origin: OriginArg,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    db: DbArg,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| format!("{text:?} is not a role: use link-worker or admin"))
}

fn parse_inbox_origin(text: &str) -> Result<String, String> {
    parse_origin(text).map(|_| text.trim().to_owned())
}

fn parse_email(text: &str) -> Result<AccountEmail, String> {
    AccountEmail::parse(text).map_err(|_| format!("{:?} is not an email address", text.trim()))
}

pub fn run(command: UserCommand) -> Result<(), String> {
    match command {
        UserCommand::Add(args) => add(args),
        UserCommand::Disable(args) => disable(args),
        UserCommand::List(args) => list(args),
        UserCommand::ResetPassword(args) => reset(args),
        UserCommand::TotpCode(args) => totp_code(args),
    }
}

fn add(args: AddArgs) -> Result<(), String> {
    let email = parse_email(&args.email)?;
    let access = manage::access(args.role, &args.practices).map_err(|e| e.message())?;
    // Adding the first account may come before the service has ever run: make the database.
    let path = &args.db.path;
    let location = Location::parse(path);
    if let Some(folder) = location.folder() {
        std::fs::create_dir_all(folder)
            .map_err(|e| format!("could not create {}: {e}", folder.display()))?;
    }
    let store = store::open(&location, Create::IfMissing)
        .map_err(|e| format!("{}: {e}", location.described()))?;
    let now = OffsetDateTime::now_utc();
    let added = block_on(manage::add(
        store.as_ref(),
        email.clone(),
        access,
        now,
        &ChangedBy::command_line(),
    ))?
    .map_err(|e| format!("could not add the account: {}", e))?;
    let (_, token) =
        added.ok_or_else(|| format!("there is already an account for {}", email.as_ref()))?;
    println!(
        "{}",
        manage::link_address(&args.origin.inbox_origin, &token)
    );
    Ok(())
}

/// The account with `email`, or a message naming it.
fn find(store: &dyn Store, email: &AccountEmail) -> Result<Account, String> {
    block_on(store.account_by_email(email))?
        .map_err(|e| format!("could not read the accounts: {e}"))?
        .ok_or_else(|| format!("there is no account for {}", email.as_ref()))
}

fn disable(args: EmailArgs) -> Result<(), String> {
    let email = parse_email(&args.email)?;
    let store = open_existing(&args.db.path)?;
    let account = find(store.as_ref(), &email)?;
    let now = OffsetDateTime::now_utc();
    block_on(manage::disable(
        store.as_ref(),
        account.id,
        now,
        &ChangedBy::command_line(),
    ))?
    .map_err(|e| format!("could not disable the account: {}", e))?;
    eprintln!("disabled {}; its sessions have ended", email.as_ref());
    Ok(())
}

fn reset(args: LinkArgs) -> Result<(), String> {
    let email = parse_email(&args.email)?;
    let store = open_existing(&args.db.path)?;
    let account = find(store.as_ref(), &email)?;
    let now = OffsetDateTime::now_utc();
    let token = block_on(manage::reset(
        store.as_ref(),
        account.id,
        now,
        &ChangedBy::command_line(),
    ))?
    .map_err(|e| format!("could not reset the account: {}", e))?
    .ok_or_else(|| format!("there is no account for {}", email.as_ref()))?;
    println!(
        "{}",
        manage::link_address(&args.origin.inbox_origin, &token)
    );
    Ok(())
}

fn list(args: ListArgs) -> Result<(), String> {
    let store = open_existing(&args.db.path)?;
    let accounts =
        block_on(store.accounts())?.map_err(|e| format!("could not read the accounts: {e}"))?;
    println!("email\trole\tpractices\tstate");
    for account in accounts {
        let practices = match account.access.role() {
            Role::Admin => "all".to_owned(),
            Role::LinkWorker => practices_label(&account.access),
        };
        println!(
            "{}\t{}\t{}\t{}",
            account.email.as_ref(),
            account.access.role().as_str(),
            practices,
            account.state.as_str()
        );
    }
    Ok(())
}

fn totp_code(args: EmailArgs) -> Result<(), String> {
    let email = parse_email(&args.email)?;
    let store = open_existing(&args.db.path)?;
    let account = find(store.as_ref(), &email)?;
    let authenticator = block_on(store.authenticator(account.id))?
        .map_err(|e| format!("could not read the account: {e}"))?
        .ok_or_else(|| {
            format!(
                "{} has not set up an authenticator yet: sign in with the set-password link first",
                email.as_ref()
            )
        })?;
    let now = u64::try_from(OffsetDateTime::now_utc().unix_timestamp()).unwrap_or(0);
    println!("{}", totp::current_code(&authenticator.secret, now));
    Ok(())
}
