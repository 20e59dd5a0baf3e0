//! Who may sign in to the inbox, and what they may see: the types the store keeps for an account,
//! and the one-time links by which an account gets its password.
//!
//! Types only: how they are stored is the store's business, how they are checked is here.

use std::fmt;

use signpost_core::fields::{Email, EmailError, PracticeCode};
use time::{Duration, OffsetDateTime};

use super::token::{RandomnessUnavailable, SecretToken, TokenHash};

/// An account's number in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub i64);

/// What an account is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    LinkWorker,
    Admin,
}

impl Role {
    /// As the command line and the store write it (`--role link-worker|admin`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::LinkWorker => "link-worker",
            Role::Admin => "admin",
        }
    }

    pub fn parse(input: &str) -> Option<Role> {
        match input {
            "link-worker" => Some(Role::LinkWorker),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// An account's email address, the name it signs in with: checked with signpost-core's rule and
/// lower-cased, so that `Morag@NHS.scot` and `morag@nhs.scot` are one account (and one lock-out
/// counter). Lower-casing the local part is stricter than RFC 5321, and right for a sign-in name.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AccountEmail(String);

impl AccountEmail {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let email = Email::parse(input)?;
        Ok(Self(email.as_ref().to_lowercase()))
    }

    /// The part before the `@`, which a password must not contain.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map_or(&self.0, |(local, _)| local)
    }
}

impl AsRef<str> for AccountEmail {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An email is personal data: keep it out of `Debug` output, which may reach a log.
impl fmt::Debug for AccountEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccountEmail(…)")
    }
}

/// Whose referrals an account sees. A link worker covers one or more practices; an admin sees
/// every referral. A link worker with no practice cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    LinkWorker { practices: Practices },
    Admin,
}

impl Access {
    pub fn role(&self) -> Role {
        match self {
            Access::LinkWorker { .. } => Role::LinkWorker,
            Access::Admin => Role::Admin,
        }
    }

    /// Whether a referral of this practice may be shown; when not, the inbox answers 404.
    pub fn may_see(&self, practice: &PracticeCode) -> bool {
        match self {
            Access::LinkWorker { practices } => practices.contains(practice),
            Access::Admin => true,
        }
    }
}

/// The practices a link worker covers: at least one, each once, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practices(Vec<PracticeCode>);

/// A link worker must cover at least one practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoPractices;

impl Practices {
    pub fn new(codes: impl IntoIterator<Item = PracticeCode>) -> Result<Self, NoPractices> {
        let mut unique: Vec<PracticeCode> = Vec::new();
        for code in codes {
            if !unique.contains(&code) {
                unique.push(code);
            }
        }
        if unique.is_empty() {
            Err(NoPractices)
        } else {
            Ok(Self(unique))
        }
    }

    pub fn contains(&self, code: &PracticeCode) -> bool {
        self.0.contains(code)
    }

    pub fn iter(&self) -> impl Iterator<Item = &PracticeCode> {
        self.0.iter()
    }
}

/// Where an account is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountState {
    /// Made, with a set-password link outstanding; it cannot sign in yet.
    Invited,
    /// Has a password; signs in with it and a TOTP code.
    Active,
    /// Turned off by an admin: cannot sign in, and its sessions are revoked when it is disabled.
    Disabled,
}

impl AccountState {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::Invited => "invited",
            AccountState::Active => "active",
            AccountState::Disabled => "disabled",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        match input {
            "invited" => Some(AccountState::Invited),
            "active" => Some(AccountState::Active),
            "disabled" => Some(AccountState::Disabled),
            _ => None,
        }
    }

    /// Only an active account may sign in. The inbox still runs the password check for the
    /// others (against the dummy hash), so the answer takes as long and reads the same.
    pub fn may_sign_in(self) -> bool {
        self == AccountState::Active
    }
}

/// How long a set-password link stays open unless the admin says otherwise: three days, so that
/// a link sent on a Friday still works on Monday.
pub const SET_PASSWORD_LINK_VALIDITY: Duration = Duration::hours(72);

/// A one-time set-password link as the store keeps it: the SHA-256 of its token, never the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetPasswordLink {
    pub user: UserId,
    pub token_hash: TokenHash,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// Set once, when the password is set. The store marks it used only where it is still unused
    /// (`… WHERE used_at IS NULL`), so of two racing uses exactly one succeeds.
    pub used_at: Option<OffsetDateTime>,
}

/// Why a set-password link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    /// No link has this token (or the token is not even the shape of one).
    Unknown,
    Expired,
    Used,
}

impl LinkRefusal {
    /// What the page says. Unknown, expired and used links say the same thing beyond the first
    /// sentence, so nobody learns more than they need to ask an admin for a new link.
    pub fn message(self) -> &'static str {
        match self {
            LinkRefusal::Unknown => "This link is not valid. Ask your admin for a new link.",
            LinkRefusal::Expired => "This link has expired. Ask your admin for a new link.",
            LinkRefusal::Used => {
                "This link has already been used. Ask your admin for a new link if you need to set your password again."
            }
        }
    }
}

impl SetPasswordLink {
    /// A new link for `user`: the token to send (never stored, never logged) and the row to store.
    pub fn issue(
        user: UserId,
        now: OffsetDateTime,
        validity: Duration,
    ) -> Result<(SecretToken, SetPasswordLink), RandomnessUnavailable> {
        let token = SecretToken::generate()?;
        let link = SetPasswordLink {
            user,
            token_hash: token.hash(),
            created_at: now,
            expires_at: now + validity,
            used_at: None,
        };
        Ok((token, link))
    }

    /// Whether the link may set a password now. A used link stays "used" after it has expired.
    pub fn check(&self, now: OffsetDateTime) -> Result<UserId, LinkRefusal> {
        if self.used_at.is_some() {
            Err(LinkRefusal::Used)
        } else if now >= self.expires_at {
            Err(LinkRefusal::Expired)
        } else {
            Ok(self.user)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> PracticeCode {
        PracticeCode::parse(text).unwrap()
    }

    #[test]
    fn emails_are_checked_and_lower_cased() {
        let email = AccountEmail::parse("  Morag.Brown@NHS.Scot ").unwrap();
        assert_eq!(email.as_ref(), "morag.brown@nhs.scot");
        assert_eq!(email.local_part(), "morag.brown");
        assert_eq!(
            AccountEmail::parse("morag"),
            Err(EmailError::NotAnEmailAddress)
        );
        assert_eq!(AccountEmail::parse(""), Err(EmailError::Empty));
        assert!(!format!("{email:?}").contains("morag"));
    }

    #[test]
    fn roles_and_states_round_trip_through_their_names() {
        for role in [Role::LinkWorker, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        for state in [
            AccountState::Invited,
            AccountState::Active,
            AccountState::Disabled,
        ] {
            assert_eq!(AccountState::parse(state.as_str()), Some(state));
        }
        assert!(AccountState::Active.may_sign_in());
        assert!(!AccountState::Invited.may_sign_in());
        assert!(!AccountState::Disabled.may_sign_in());
    }

    #[test]
    fn a_link_worker_covers_at_least_one_practice_and_sees_only_those() {
        assert_eq!(Practices::new([]), Err(NoPractices));
        let practices = Practices::new([code("43210"), code("43210"), code("gla-east")]).unwrap();
        assert_eq!(practices.iter().count(), 2);
        let worker = Access::LinkWorker { practices };
        assert_eq!(worker.role(), Role::LinkWorker);
        assert!(worker.may_see(&code("43210")));
        assert!(worker.may_see(&code("GLA-EAST")));
        assert!(!worker.may_see(&code("99999")));
        assert!(Access::Admin.may_see(&code("99999")));
    }

    #[test]
    fn a_set_password_link_is_stored_as_a_hash_and_works_once_before_it_expires() {
        let now = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        let (token, link) =
            SetPasswordLink::issue(UserId(7), now, SET_PASSWORD_LINK_VALIDITY).unwrap();
        assert_eq!(link.token_hash, token.hash());
        assert_eq!(link.expires_at - link.created_at, Duration::hours(72));
        assert_eq!(link.check(now + Duration::hours(71)), Ok(UserId(7)));
        assert_eq!(
            link.check(now + Duration::hours(72)),
            Err(LinkRefusal::Expired)
        );
        let used = SetPasswordLink {
            used_at: Some(now),
            ..link
        };
        assert_eq!(used.check(now), Err(LinkRefusal::Used));
        assert_eq!(used.check(now + Duration::days(9)), Err(LinkRefusal::Used));
    }
}
