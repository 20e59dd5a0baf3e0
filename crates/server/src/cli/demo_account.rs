//! `demo-account`: FOR THE DEMO ONLY. `scripts/run.sh` makes one link worker account on its first
//! run so that a newcomer can sign in to the inbox at once: active, with a generated password and
//! an authenticator secret, both printed once on stdout (never logged), with the command that
//! prints the current 6-digit code for someone without an authenticator app. A real service adds
//! accounts with `user add`, which prints a one-time set-password link and never a password.

use clap::Args;
use time::OffsetDateTime;

use super::{block_on, DbArg};
use crate::inbox::auth::password::{self, NewPassword};
use crate::inbox::auth::recovery;
use crate::inbox::auth::token::SecretToken;
use crate::inbox::auth::totp::{TimeStep, TotpSecret};
use crate::inbox::auth::users::{AccountEmail, Role};
use crate::inbox::manage::{self, ChangedBy};
use crate::store::{self, Create, Location, Store};

#[derive(Debug, Args)]
pub struct DemoAccountArgs {
    #[arg(long, default_value = "demo.linkworker@example.scot")]
    email: String,
    /// The practice the demo link worker covers.
    #[arg(long, default_value = "43210")]
    practice: String,
    #[command(flatten)]
    db: DbArg,
}

pub fn run(args: DemoAccountArgs) -> Result<(), String> {
    let email = AccountEmail::parse(&args.email)
        .map_err(|_| format!("{:?} is not an email address", args.email))?;
    let path = &args.db.path;
    let location = Location::parse(path);
    if let Some(folder) = location.folder() {
        std::fs::create_dir_all(folder)
            .map_err(|e| format!("could not create {}: {e}", folder.display()))?;
    }
    let store = store::open(&location, Create::IfMissing)
        .map_err(|e| format!("{}: {e}", location.described()))?;
    let made = block_on(make(store.as_ref(), email.clone(), &args.practice))??;
    let Some((password, secret)) = made else {
        println!("the demo account {} is there already", email.as_ref());
        return Ok(());
    };
    println!("A demo link worker account, for trying the demo only:");
    println!("  email:                {}", email.as_ref());
    println!("  password:             {password}");
    println!("  authenticator secret: {}", secret.to_grouped_base32());
    println!("Add the secret to an authenticator app, or print the current code with:");
    println!(
        "  signpost-server user totp-code --email {} --db {}",
        email.as_ref(),
        location.described()
    );
    Ok(())
}

/// The account's password and authenticator secret, or `None` if it exists already.
async fn make(
    store: &dyn Store,
    email: AccountEmail,
    practice: &str,
) -> Result<Option<(String, TotpSecret)>, String> {
    let failed = |e: &dyn std::fmt::Display| format!("could not make the demo account: {e}");
    let now = OffsetDateTime::now_utc();
    let access =
        manage::access(Role::LinkWorker, &[practice.to_owned()]).map_err(|e| e.message())?;
    let added = manage::add(
        store,
        email.clone(),
        access,
        now,
        &ChangedBy::command_line(),
    )
    .await
    .map_err(|e| failed(&e))?;
    let Some((id, link)) = added else {
        return Ok(None);
    };
    // 24 random URL-safe characters (about 143 bits): past the policy's length and guessability.
    let generated = SecretToken::generate().map_err(|e| failed(&e))?;
    let text: String = generated.as_str().chars().take(24).collect();
    let checked = NewPassword::parse(&text, &text, &email).map_err(|e| failed(&e.message()))?;
    let hash = password::hash_blocking(checked)
        .await
        .map_err(|e| failed(&e))?
        .map_err(|e| failed(&e))?;
    store
        .set_password(&link.hash(), hash, now)
        .await
        .map_err(|e| failed(&e))?
        .map_err(|e| failed(&format!("{e:?}")))?;
    let secret = TotpSecret::generate().map_err(|e| failed(&e))?;
    store
        .set_pending_authenticator(id, &secret)
        .await
        .map_err(|e| failed(&e))?;
    // The step before now: the current code is then the first one accepted.
    let unix = u64::try_from(now.unix_timestamp()).unwrap_or(0);
    let step = TimeStep(TimeStep::at(unix).0.saturating_sub(1));
    let codes = recovery::generate().map_err(|e| failed(&e))?;
    store
        .confirm_authenticator(id, step, codes.stored)
        .await
        .map_err(|e| failed(&e))?;
    Ok(Some((text, secret)))
}
