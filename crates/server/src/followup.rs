//! Follow-up links (journey 3): issuing one for a referral, and the address a person is sent.
//! The command line issues them today, the inbox's button later; answering one is the API's
//! (`api/checkins.rs`).

use std::fmt;

use signpost_core::Instrument;
use time::{Duration, OffsetDateTime};

use crate::clock::timestamp;
use crate::config::after_web_scheme;
use crate::store::{NewCheckin, Store, StoreError};
use crate::token::Token;

/// How long a follow-up link stays open unless the link worker says otherwise.
pub const DEFAULT_VALID_DAYS: u16 = 30;

/// The longest a link may stay open: a year and a day.
pub const MAX_VALID_DAYS: u16 = 366;

/// Where the widget runs in follow-up mode, for the link, unless the service says otherwise:
/// the demo site's follow-up page.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080/demo/follow-up.html";

/// A follow-up link just issued. The token exists only here and in the link: it is not stored.
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: Token,
    /// The scale the link asks: the baseline's, or WEMWBS if the person skipped it at the start.
    pub instrument: Instrument,
    pub created_at: String,
    pub expires_at: String,
}

/// Why a link could not be issued.
#[derive(Debug)]
pub enum IssueError {
    UnknownReference,
    Random(rand::rand_core::OsError),
    Database(StoreError),
}

impl fmt::Display for IssueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IssueError::UnknownReference => f.write_str("there is no such referral"),
            IssueError::Random(e) => write!(f, "the system could not give random bytes: {e}"),
            IssueError::Database(e) => write!(f, "could not use the database: {e}"),
        }
    }
}

impl std::error::Error for IssueError {}

impl From<StoreError> for IssueError {
    fn from(e: StoreError) -> Self {
        IssueError::Database(e)
    }
}

/// Issues a follow-up link for the referral `reference`, open for `valid_days` from now (0 makes
/// a link that has already expired). It asks the scale the person answered at the start, or
/// WEMWBS if they skipped the check-in then.
pub async fn issue(
    store: &dyn Store,
    reference: &str,
    valid_days: u16,
) -> Result<Issued, IssueError> {
    issue_at(store, reference, valid_days, OffsetDateTime::now_utc()).await
}

/// As [`issue`], as if it were `now` (the demo data issues links in its invented past).
pub async fn issue_at(
    store: &dyn Store,
    reference: &str,
    valid_days: u16,
    now: OffsetDateTime,
) -> Result<Issued, IssueError> {
    let token = Token::generate().map_err(IssueError::Random)?;
    let referral = store
        .find_referral(reference)
        .await?
        .ok_or(IssueError::UnknownReference)?;
    let instrument = referral
        .wellbeing
        .map_or(Instrument::Wemwbs, |baseline| baseline.instrument);
    let new = NewCheckin {
        reference: reference.to_owned(),
        token: token.hash(),
        instrument,
        created_at: timestamp(now),
        expires_at: timestamp(now + Duration::days(i64::from(valid_days))),
    };
    let (created_at, expires_at) = (new.created_at.clone(), new.expires_at.clone());
    if !store.add_checkin(new).await? {
        return Err(IssueError::UnknownReference);
    }
    Ok(Issued {
        token,
        instrument,
        created_at,
        expires_at,
    })
}

/// The link a person is sent: `{base_url}?checkin={token}` (or `&checkin=` when the base already
/// has a query). The token needs no escaping.
pub fn follow_up_link(base_url: &str, token: &Token) -> String {
    let separator = if base_url.contains('?') { '&' } else { '?' };
    format!("{base_url}{separator}checkin={}", token.as_str())
}

/// Checks a base URL for follow-up links: http or https, no fragment (it would swallow the query).
pub fn parse_base_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    let rest = after_web_scheme(text)?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(['#', ' ']) {
        return Err(format!(
            "{text:?} must be an address like https://practice.example.scot/follow-up, with no #"
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_the_token_as_a_query_parameter() {
        let token = Token::from_text("abc-_XYZ");
        assert_eq!(
            follow_up_link(DEFAULT_BASE_URL, &token),
            "http://127.0.0.1:8080/demo/follow-up.html?checkin=abc-_XYZ"
        );
        assert_eq!(
            follow_up_link("https://practice.example.scot/refer?lang=gd", &token),
            "https://practice.example.scot/refer?lang=gd&checkin=abc-_XYZ"
        );
        assert!(parse_base_url("https://practice.example.scot/follow-up").is_ok());
        assert!(parse_base_url("practice.example.scot").is_err());
        assert!(parse_base_url("https://practice.example.scot/#top").is_err());
        assert!(parse_base_url("https://").is_err());
    }
}
