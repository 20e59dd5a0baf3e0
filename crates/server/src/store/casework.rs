//! Casework, as the store keeps it: each referral's moves through signpost-core's workflow with
//! who, when and why; notes; onward referrals and whether they were taken up; and the list link
//! workers work from, with its filters, counts and safety flags.
//!
//! The text a link worker types arrives here already checked ([`NoteText`], [`ReasonNote`],
//! [`DirectoryLink`]), and a status change only as a [`Move`] that signpost-core allowed, so the
//! store cannot be asked to keep something the rules forbid.

use async_trait::async_trait;
use signpost_core::fields::{FreeText, FreeTextError, Lines};
use signpost_core::workflow::{Closure, Move, Status};
use signpost_core::Channel;
use time::OffsetDateTime;

use super::StoreError;

/// The longest note, in characters.
pub const NOTE_MAX_CHARS: usize = 2000;
/// The longest reason given for a change of status, in characters.
pub const REASON_MAX_CHARS: usize = 500;
/// The longest directory link.
pub const LINK_MAX_CHARS: usize = 500;
/// The most rows one page of the list holds.
pub const MAX_PAGE_SIZE: u32 = 100;

/// A note's text: several lines, 1–2000 characters, no control characters or bidirectional
/// overrides (signpost-core's [`FreeText`] rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteText(FreeText);

impl NoteText {
    pub fn parse(input: &str) -> Result<Self, FreeTextError> {
        FreeText::parse(input, NOTE_MAX_CHARS, Lines::Many).map(Self)
    }
}

impl AsRef<str> for NoteText {
    fn as_ref(&self) -> &str {
        self.0.as_ref()
    }
}

/// Why a status changed, in the link worker's words: optional, up to 500 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonNote(FreeText);

impl ReasonNote {
    /// `None` for a blank reason (it is optional).
    pub fn parse(input: &str) -> Result<Option<Self>, FreeTextError> {
        match FreeText::parse(input, REASON_MAX_CHARS, Lines::Many) {
            Ok(text) => Ok(Some(Self(text))),
            Err(FreeTextError::Empty) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl AsRef<str> for ReasonNote {
    fn as_ref(&self) -> &str {
        self.0.as_ref()
    }
}

/// Why a directory link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    /// Not `https://` and a host: a plain-http or `javascript:` link never reaches the page.
    NotHttps,
    TooLong,
}

/// A link to a service's page in a directory such as ALISS: `https://`, a host, no spaces or
/// control characters, at most 500 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryLink(String);

impl DirectoryLink {
    /// `None` for a blank link (it is optional).
    pub fn parse(input: &str) -> Result<Option<Self>, LinkError> {
        let text = input.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > LINK_MAX_CHARS {
            return Err(LinkError::TooLong);
        }
        let rest = text.strip_prefix("https://").ok_or(LinkError::NotHttps)?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let well_formed = !host.is_empty()
            && !host.contains('@')
            && !text.chars().any(|c| c.is_whitespace() || c.is_control());
        if well_formed {
            Ok(Some(Self(text.to_owned())))
        } else {
            Err(LinkError::NotHttps)
        }
    }
}

impl AsRef<str> for DirectoryLink {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Whether the person took up an onward referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uptake {
    Yes,
    No,
    NotYet,
}

impl Uptake {
    pub const ALL: [Uptake; 3] = [Uptake::Yes, Uptake::No, Uptake::NotYet];

    pub fn as_str(self) -> &'static str {
        match self {
            Uptake::Yes => "yes",
            Uptake::No => "no",
            Uptake::NotYet => "not_yet",
        }
    }

    pub fn from_name(name: &str) -> Option<Uptake> {
        Uptake::ALL.into_iter().find(|u| u.as_str() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            Uptake::Yes => "Yes",
            Uptake::No => "No",
            Uptake::NotYet => "Not yet",
        }
    }
}

/// A move to store: checked by signpost-core (its `from` is the status the link worker saw).
#[derive(Debug, Clone)]
pub struct NewStatusChange {
    pub reference: String,
    pub change: Move,
    pub reason: Option<ReasonNote>,
    pub by: i64,
    pub at: OffsetDateTime,
}

/// What a status change came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChanged {
    Changed,
    /// Someone else moved the referral since the link worker looked: it is now at `now`, and
    /// nothing was changed.
    Stale {
        now: Status,
    },
    UnknownReference,
}

#[derive(Debug, Clone)]
pub struct NewNote {
    pub reference: String,
    pub text: NoteText,
    pub by: i64,
    pub at: OffsetDateTime,
}

/// An onward referral to add. `kind` is one of the service's configured kinds, which the inbox
/// checks (the list can change; what was recorded stays as it was).
#[derive(Debug, Clone)]
pub struct NewOnwardReferral {
    pub reference: String,
    pub kind: String,
    pub link: Option<DirectoryLink>,
    pub by: i64,
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct NewUptake {
    pub reference: String,
    pub onward_id: i64,
    pub uptake: Uptake,
    pub by: i64,
    pub at: OffsetDateTime,
}

/// One move as kept in the history.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChangeRow {
    pub from: Status,
    pub to: Status,
    pub closure: Option<Closure>,
    pub reason: Option<String>,
    pub by: i64,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoteRow {
    pub text: String,
    pub by: i64,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OnwardRow {
    pub id: i64,
    pub kind: String,
    pub link: Option<String>,
    pub uptake: Uptake,
    pub by: i64,
    pub at: String,
    /// Who recorded the uptake and when, once someone has.
    pub uptake_recorded: Option<(i64, String)>,
}

/// A referral's casework, oldest first in each part.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseRecord {
    /// `None` while open, and for a referral closed before reasons were kept.
    pub closure: Option<Closure>,
    pub history: Vec<StatusChangeRow>,
    pub notes: Vec<NoteRow>,
    pub onward: Vec<OnwardRow>,
}

/// Whose referrals a query may return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// An admin's: every practice.
    All,
    /// A link worker's practices (codes as stored: upper-case).
    Practices(Vec<String>),
}

/// Which follow-up state to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpFilter {
    Due,
    Outstanding,
}

/// Where a referral is with its follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUp {
    /// No baseline score, or not yet time, or closed without support.
    NotDue,
    /// Its baseline is old enough and nobody has sent a link, or the last one ran out unanswered.
    Due,
    /// A link was issued and is still open.
    Outstanding,
    /// A follow-up was answered.
    Answered,
}

/// The list's filters. Dates are UTC calendar days, `YYYY-MM-DD`, both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub scope: Scope,
    pub status: Option<Status>,
    pub need: Option<String>,
    pub practice: Option<String>,
    pub channel: Option<Channel>,
    pub urgent_only: bool,
    pub follow_up: Option<FollowUpFilter>,
    pub received_from: Option<time::Date>,
    pub received_to: Option<time::Date>,
    /// From 1.
    pub page: u32,
    pub page_size: u32,
    pub now: OffsetDateTime,
    /// A follow-up is due this many weeks after the baseline.
    pub follow_up_after_weeks: u16,
    /// Rows received after this are "new since you last looked".
    pub seen_until: Option<String>,
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRow {
    pub reference: String,
    pub received_at: String,
    pub status: Status,
    pub closure: Option<Closure>,
    pub practice: String,
    pub channel: Channel,
    /// The person's name as they gave it (absent from referrals before questionnaires).
    pub name: Option<String>,
    pub needs: Vec<String>,
    pub urgent: bool,
    pub unsafe_at_home: bool,
    pub no_voicemail: bool,
    pub follow_up: FollowUp,
    pub is_new: bool,
}

/// One page of the list, with the counts the filters give.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralList {
    pub rows: Vec<ListRow>,
    /// How many match every filter (the pages' total).
    pub total: u64,
    /// How many match every filter but the status, by status, in `Status::ALL`'s order.
    pub by_status: Vec<(Status, u64)>,
    /// How many in the scope arrived since the viewer last looked (filters aside).
    pub new_since_last_look: u64,
}

#[async_trait]
pub trait Casework: Send + Sync {
    /// Applies a checked move if the referral is still at the status the link worker saw, and
    /// records it in the history, in one transaction.
    async fn change_status(&self, change: NewStatusChange) -> Result<StatusChanged, StoreError>;

    /// `false` when there is no such referral.
    async fn add_note(&self, note: NewNote) -> Result<bool, StoreError>;

    /// `false` when there is no such referral.
    async fn add_onward_referral(&self, onward: NewOnwardReferral) -> Result<bool, StoreError>;

    /// `false` when the referral has no such onward referral.
    async fn record_uptake(&self, uptake: NewUptake) -> Result<bool, StoreError>;

    /// The referral's history, notes and onward referrals; `None` when there is no such referral.
    async fn case_record(&self, reference: &str) -> Result<Option<CaseRecord>, StoreError>;

    /// One page of the list, newest first.
    async fn list_referrals(&self, query: ListQuery) -> Result<ReferralList, StoreError>;

    /// Records that `user` looked at the list at `now` and answers where the previous visit
    /// ended (what is older is not new): a look less than `visit_gap` after the last one belongs
    /// to the same visit, so paging and reloading keep the same "new" rows.
    async fn look_at_list(
        &self,
        user: i64,
        now: OffsetDateTime,
        visit_gap: time::Duration,
    ) -> Result<Option<String>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_and_reasons_follow_free_text_rules() {
        assert_eq!(
            NoteText::parse(" Phoned, no answer.\r\nWill try again. ")
                .unwrap()
                .as_ref(),
            "Phoned, no answer.\nWill try again."
        );
        assert_eq!(NoteText::parse("  "), Err(FreeTextError::Empty));
        assert_eq!(
            NoteText::parse(&"a".repeat(NOTE_MAX_CHARS + 1)),
            Err(FreeTextError::TooLong {
                max: NOTE_MAX_CHARS
            })
        );
        assert_eq!(
            NoteText::parse("abc\u{202E}def"),
            Err(FreeTextError::HiddenCharacter)
        );
        assert_eq!(ReasonNote::parse(" "), Ok(None));
        assert!(ReasonNote::parse("Asked to pause\0").is_err());
        assert!(NoteText::parse("مرحبا =HYPERLINK(\"x\") <script>").is_ok());
    }

    #[test]
    fn directory_links_are_https_with_a_host() {
        let link = |s| DirectoryLink::parse(s);
        assert_eq!(
            link("https://www.aliss.org/services/1234")
                .unwrap()
                .unwrap()
                .as_ref(),
            "https://www.aliss.org/services/1234"
        );
        assert_eq!(link(""), Ok(None));
        for bad in [
            "http://www.aliss.org/",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https://user@evil.example/",
            "https://www.aliss.org/a b",
        ] {
            assert_eq!(link(bad), Err(LinkError::NotHttps), "{bad}");
        }
        let long = format!("https://a.scot/{}", "a".repeat(LINK_MAX_CHARS));
        assert_eq!(link(&long), Err(LinkError::TooLong));
    }

    #[test]
    fn uptake_names_read_back() {
        for uptake in Uptake::ALL {
            assert_eq!(Uptake::from_name(uptake.as_str()), Some(uptake));
        }
        assert_eq!(Uptake::from_name("maybe"), None);
    }
}
