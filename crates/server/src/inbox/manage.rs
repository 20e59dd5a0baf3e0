//! Managing accounts, the same from the command line (`signpost-server user …`) and from the
//! admin pages: adding one with a one-time set-password link, disabling one, resetting one (a new
//! link; its password, authenticator, recovery codes and sessions are gone). Each change writes
//! an audit entry naming the account by its number, never its email.

use signpost_core::fields::PracticeCode;
use time::OffsetDateTime;

use super::auth::token::SecretToken;
use super::auth::users::{
    Access, AccountEmail, Practices, Role, SetPasswordLink, UserId, SET_PASSWORD_LINK_VALIDITY,
};
use super::error::InboxError;
use super::paths;
use crate::store::accounts::{Added, NewAccount};
use crate::store::{AuditAction, NewAuditEntry, Store};

/// Who made a change (or an export), for the audit log: an admin in the inbox (and from where),
/// or the command line (no actor, no address). `crate::person` takes it too.
#[derive(Debug, Clone, Default)]
pub struct ChangedBy {
    pub actor: Option<UserId>,
    pub client: Option<String>,
}

impl ChangedBy {
    pub fn command_line() -> Self {
        Self::default()
    }

    /// `entry`, with who made it and from where.
    pub fn stamp(&self, entry: NewAuditEntry) -> NewAuditEntry {
        let entry = entry.from_client(self.client.clone());
        match self.actor {
            Some(actor) => entry.by(actor.0),
            None => entry,
        }
    }

    fn entry(&self, action: AuditAction, now: OffsetDateTime, detail: String) -> NewAuditEntry {
        self.stamp(NewAuditEntry::new(action, now).detail(detail))
    }
}

/// Why an account's role and practices were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessError {
    /// A link worker must cover at least one practice.
    NoPractice,
    /// An admin sees every practice: naming some would suggest otherwise.
    AdminWithPractices,
    /// Not a practice code (1–12 letters, digits and dashes).
    BadPractice(String),
}

impl AccessError {
    pub fn message(&self) -> String {
        match self {
            AccessError::NoPractice => {
                "Enter the practice code of at least one practice the link worker covers".into()
            }
            AccessError::AdminWithPractices => {
                "An admin sees the referrals of every practice: leave the practices empty".into()
            }
            AccessError::BadPractice(code) => format!(
                "{code:?} is not a practice code: use 1 to 12 letters, numbers and dashes, like 43210"
            ),
        }
    }
}

/// What a role and a list of practice codes give an account.
pub fn access(role: Role, practices: &[String]) -> Result<Access, AccessError> {
    let codes: Vec<&str> = practices
        .iter()
        .map(|code| code.trim())
        .filter(|code| !code.is_empty())
        .collect();
    match role {
        Role::Admin if codes.is_empty() => Ok(Access::Admin),
        Role::Admin => Err(AccessError::AdminWithPractices),
        Role::LinkWorker => {
            let parsed = codes
                .iter()
                .map(|code| {
                    PracticeCode::parse(code)
                        .map_err(|_| AccessError::BadPractice(code.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let practices = Practices::new(parsed).map_err(|_| AccessError::NoPractice)?;
            Ok(Access::LinkWorker { practices })
        }
    }
}

/// The address of a set-password link on the inbox at `origin` (`https://inbox.example.scot`).
pub fn link_address(origin: &str, token: &SecretToken) -> String {
    format!(
        "{}{}",
        origin.trim_end_matches('/'),
        paths::set_password(token.as_str())
    )
}

/// A new account, invited: its number and its link's token (to give to the person, once).
/// `None` when the email has an account already.
pub async fn add(
    store: &dyn Store,
    email: AccountEmail,
    access: Access,
    now: OffsetDateTime,
    by: &ChangedBy,
) -> Result<Option<(UserId, SecretToken)>, InboxError> {
    let role = access.role();
    let (token, link) = SetPasswordLink::issue(UserId(0), now, SET_PASSWORD_LINK_VALIDITY)?;
    let new = NewAccount {
        email,
        access,
        created_at: now,
    };
    match store.add_account(new, link).await? {
        Added::EmailTaken => Ok(None),
        Added::Added(id) => {
            let detail = format!("account {} ({})", id.0, role.as_str());
            store
                .audit(by.entry(AuditAction::AccountAdded, now, detail))
                .await?;
            Ok(Some((id, token)))
        }
    }
}

/// Disables an account and ends its sessions; `false` when there is no such account.
pub async fn disable(
    store: &dyn Store,
    id: UserId,
    now: OffsetDateTime,
    by: &ChangedBy,
) -> Result<bool, InboxError> {
    if !store.disable_account(id).await? {
        return Ok(false);
    }
    let detail = format!("account {}", id.0);
    store
        .audit(by.entry(AuditAction::AccountDisabled, now, detail))
        .await?;
    Ok(true)
}

/// Resets an account to a new set-password link; the link's token, or `None` when there is no
/// such account.
pub async fn reset(
    store: &dyn Store,
    id: UserId,
    now: OffsetDateTime,
    by: &ChangedBy,
) -> Result<Option<SecretToken>, InboxError> {
    let (token, link) = SetPasswordLink::issue(id, now, SET_PASSWORD_LINK_VALIDITY)?;
    if !store.reset_account(id, link).await? {
        return Ok(None);
    }
    let detail = format!("account {}", id.0);
    store
        .audit(by.entry(AuditAction::PasswordReset, now, detail))
        .await?;
    Ok(Some(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &[&str]) -> Vec<String> {
        list.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn a_link_worker_needs_practices_and_an_admin_has_none() {
        let worker = access(Role::LinkWorker, &codes(&["43210", " gla-east ", ""])).unwrap();
        assert!(worker.may_see(&PracticeCode::parse("GLA-EAST").unwrap()));
        assert_eq!(
            access(Role::LinkWorker, &codes(&[" "])),
            Err(AccessError::NoPractice)
        );
        assert_eq!(access(Role::Admin, &[]), Ok(Access::Admin));
        assert_eq!(
            access(Role::Admin, &codes(&["43210"])),
            Err(AccessError::AdminWithPractices)
        );
        let bad = access(Role::LinkWorker, &codes(&["43 210"])).unwrap_err();
        assert_eq!(bad, AccessError::BadPractice("43 210".into()));
        assert!(bad.message().contains("\"43 210\""));
    }

    #[test]
    fn a_link_is_the_origin_and_the_path() {
        let token = SecretToken::generate().unwrap();
        let address = link_address("https://inbox.example.scot/", &token);
        assert_eq!(
            address,
            format!(
                "https://inbox.example.scot/inbox/set-password/{}",
                token.as_str()
            )
        );
    }
}
