//! The audit log, as the store keeps it: append-only entries of who did what, when and from where.
//! Every sign-in (and failed attempt), view of a referral, change, note, export and account change
//! writes one. An entry names a referral by its reference and never holds what the person said.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::StoreError;

/// What was done. [`AuditAction::as_str`] is the stable name stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    SignedIn,
    SignInFailed,
    SignedOut,
    SignedOutEverywhere,
    SessionExpired,
    PasswordSet,
    AuthenticatorSetUp,
    RecoveryCodeUsed,
    AccountAdded,
    AccountDisabled,
    PasswordReset,
    ViewedList,
    ViewedReferral,
    ChangedStatus,
    AddedNote,
    AddedOnwardReferral,
    RecordedUptake,
    CreatedFollowUp,
    ViewedMonitoring,
    ViewedAuditLog,
    Exported,
    PersonExported,
    PersonErased,
    Purged,
}

impl AuditAction {
    pub const ALL: [AuditAction; 24] = [
        AuditAction::SignedIn,
        AuditAction::SignInFailed,
        AuditAction::SignedOut,
        AuditAction::SignedOutEverywhere,
        AuditAction::SessionExpired,
        AuditAction::PasswordSet,
        AuditAction::AuthenticatorSetUp,
        AuditAction::RecoveryCodeUsed,
        AuditAction::AccountAdded,
        AuditAction::AccountDisabled,
        AuditAction::PasswordReset,
        AuditAction::ViewedList,
        AuditAction::ViewedReferral,
        AuditAction::ChangedStatus,
        AuditAction::AddedNote,
        AuditAction::AddedOnwardReferral,
        AuditAction::RecordedUptake,
        AuditAction::CreatedFollowUp,
        AuditAction::ViewedMonitoring,
        AuditAction::ViewedAuditLog,
        AuditAction::Exported,
        AuditAction::PersonExported,
        AuditAction::PersonErased,
        AuditAction::Purged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignedIn => "signed_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::SignedOut => "signed_out",
            AuditAction::SignedOutEverywhere => "signed_out_everywhere",
            AuditAction::SessionExpired => "session_expired",
            AuditAction::PasswordSet => "password_set",
            AuditAction::AuthenticatorSetUp => "authenticator_set_up",
            AuditAction::RecoveryCodeUsed => "recovery_code_used",
            AuditAction::AccountAdded => "account_added",
            AuditAction::AccountDisabled => "account_disabled",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::ViewedList => "viewed_list",
            AuditAction::ViewedReferral => "viewed_referral",
            AuditAction::ChangedStatus => "changed_status",
            AuditAction::AddedNote => "added_note",
            AuditAction::AddedOnwardReferral => "added_onward_referral",
            AuditAction::RecordedUptake => "recorded_uptake",
            AuditAction::CreatedFollowUp => "created_follow_up",
            AuditAction::ViewedMonitoring => "viewed_monitoring",
            AuditAction::ViewedAuditLog => "viewed_audit_log",
            AuditAction::Exported => "exported",
            AuditAction::PersonExported => "person_exported",
            AuditAction::PersonErased => "person_erased",
            AuditAction::Purged => "purged",
        }
    }

    pub fn from_name(name: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// What an admin reading the log sees.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::SignedIn => "Signed in",
            AuditAction::SignInFailed => "Sign-in failed",
            AuditAction::SignedOut => "Signed out",
            AuditAction::SignedOutEverywhere => "Signed out everywhere",
            AuditAction::SessionExpired => "Session expired",
            AuditAction::PasswordSet => "Set a password",
            AuditAction::AuthenticatorSetUp => "Set up an authenticator app",
            AuditAction::RecoveryCodeUsed => "Used a recovery code",
            AuditAction::AccountAdded => "Added an account",
            AuditAction::AccountDisabled => "Disabled an account",
            AuditAction::PasswordReset => "Reset a password",
            AuditAction::ViewedList => "Viewed the referral list",
            AuditAction::ViewedReferral => "Viewed a referral",
            AuditAction::ChangedStatus => "Changed a status",
            AuditAction::AddedNote => "Added a note",
            AuditAction::AddedOnwardReferral => "Added an onward referral",
            AuditAction::RecordedUptake => "Recorded whether an onward referral was taken up",
            AuditAction::CreatedFollowUp => "Created a follow-up link",
            AuditAction::ViewedMonitoring => "Viewed monitoring",
            AuditAction::ViewedAuditLog => "Viewed the audit log",
            AuditAction::Exported => "Exported data",
            AuditAction::PersonExported => "Exported everything held about one referral",
            AuditAction::PersonErased => "Erased a referral",
            AuditAction::Purged => "Deleted records past their retention period",
        }
    }
}

/// One entry to append. `detail` is for codes and counts only (a status, an export's format and
/// row count): never a name, an answer or a note's text.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    pub at: OffsetDateTime,
    /// The inbox account that acted; `None` for the command line or the service itself.
    pub actor: Option<i64>,
    pub action: AuditAction,
    /// The referral it is about, by its reference.
    pub reference: Option<String>,
    /// Where the request came from (the client's address), when it came over HTTP.
    pub client: Option<String>,
    pub detail: Option<String>,
}

impl NewAuditEntry {
    pub fn new(action: AuditAction, at: OffsetDateTime) -> NewAuditEntry {
        NewAuditEntry {
            at,
            actor: None,
            action,
            reference: None,
            client: None,
            detail: None,
        }
    }

    pub fn by(mut self, actor: i64) -> Self {
        self.actor = Some(actor);
        self
    }

    pub fn about(mut self, reference: impl Into<String>) -> Self {
        self.reference = Some(reference.into());
        self
    }

    pub fn from_client(mut self, client: Option<String>) -> Self {
        self.client = client;
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339 UTC, as `clock::timestamp` writes it.
    pub at: String,
    pub actor: Option<i64>,
    pub action: AuditAction,
    pub reference: Option<String>,
    pub client: Option<String>,
    pub detail: Option<String>,
}

/// Which entries to read, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only entries about this referral.
    pub reference: Option<String>,
    /// Only entries older than this id (the next page).
    pub before: Option<i64>,
    /// At most this many (the store caps it at 500).
    pub limit: u32,
}

#[async_trait]
pub trait Audit: Send + Sync {
    /// Appends one entry. The log is append-only: nothing can change or remove it afterwards.
    async fn audit(&self, entry: NewAuditEntry) -> Result<(), StoreError>;

    /// Entries, newest first.
    async fn audit_log(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_distinct_stable_name_that_reads_back() {
        let mut names: Vec<_> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_name(action.as_str()), Some(action));
            assert!(!action.label().is_empty());
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AuditAction::ALL.len());
    }
}
