//! Follow-up links (journey 3): the random token a link carries, issuing a link for a referral,
//! and looking up and answering a check-in by its token.
//!
//! Only the SHA-256 of a token is stored. A check-in is found by looking that hash up through the
//! `token_sha256` UNIQUE index, so no secret is ever compared byte by byte in Rust: the database
//! compares hashes, and learning how much of a *hash* matched tells an attacker nothing about the
//! token (finding a token whose hash shares a prefix with a stored one is a preimage search).
//! Constant-time comparison is therefore unnecessary here.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::OsRng;
use rand::TryRngCore;
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};
use signpost_core::{
    Checkin, CheckinErrors, CheckinResult, Instrument, RawCheckin, ScoreKind, ScorePoint,
};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

use crate::db::{Db, Wellbeing};

/// 32 bytes = 256 bits from the operating system's generator: far beyond guessing, even with
/// every open link at once as a target.
pub const TOKEN_BYTES: usize = 32;

/// How long a follow-up link stays open unless the link worker says otherwise.
pub const DEFAULT_VALID_DAYS: u16 = 30;

/// The longest a link may stay open: a year and a day.
pub const MAX_VALID_DAYS: u16 = 366;

/// Where the widget runs in follow-up mode, for the link, unless the service says otherwise:
/// the demo site's follow-up page.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080/demo/follow-up.html";

/// A follow-up link's secret: 32 random bytes as URL-safe base64 without padding (43 characters
/// of `A-Z a-z 0-9 - _`). That alphabet needs no percent-encoding in a query string (standard
/// base64's `+` would be read back as a space and `/`, `=` would need escaping), and it is shorter
/// than hex (43 characters rather than 64) for a link that may be typed from a letter.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A fresh token from the OS generator. Fails only if the OS cannot give randomness, in which
    /// case no link must be made.
    pub fn generate() -> Result<Token, rand::rand_core::OsError> {
        let mut bytes = [0u8; TOKEN_BYTES];
        OsRng.try_fill_bytes(&mut bytes)?;
        Ok(Token(URL_SAFE_NO_PAD.encode(bytes)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What is stored and looked up: the hex SHA-256 of the token's text.
    pub fn sha256_hex(&self) -> String {
        token_sha256(&self.0)
    }
}

/// A token is a key to someone's check-in: keep it out of logs and panic messages.
impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

/// The lowercase hex SHA-256 of a token as received (whatever its shape: an ill-formed token
/// simply matches nothing).
pub fn token_sha256(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or_else(|| format!("{text:?} must start with https:// or http://"))?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(['#', ' ']) {
        return Err(format!(
            "{text:?} must be an address like https://practice.example.scot/follow-up, with no #"
        ));
    }
    Ok(text.to_owned())
}

/// A time as stored: RFC 3339, UTC, to the millisecond (`2026-11-25T10:04:05.123Z`).
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// A follow-up link just issued. The token exists only here and in the link: it is not stored.
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: Token,
    /// The scale the link asks: the baseline's, or WEMWBS if the person skipped it at the start.
    pub instrument: Instrument,
    pub created_at: String,
    pub expires_at: String,
}

/// Issues a follow-up link for the referral `reference`, open for `valid_days` from `now` (0 makes
/// a link that has already expired). `None` when there is no such referral.
pub fn create(
    conn: &Connection,
    reference: &str,
    token: Token,
    valid_days: u16,
    now: OffsetDateTime,
) -> rusqlite::Result<Option<Issued>> {
    let referral = conn
        .query_row(
            "SELECT id, wellbeing_instrument FROM referrals WHERE reference = ?1",
            [reference],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Option<String>>(1)?)),
        )
        .optional()?;
    let Some((referral_id, baseline_instrument)) = referral else {
        return Ok(None);
    };
    let instrument = match baseline_instrument {
        Some(text) => instrument_from_sql(&text, 1)?,
        None => Instrument::Wemwbs,
    };
    let created_at = timestamp(now);
    let expires_at = timestamp(now + Duration::days(i64::from(valid_days)));
    conn.execute(
        "INSERT INTO checkins (referral_id, token_sha256, instrument, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![
            referral_id,
            token.sha256_hex(),
            instrument.as_str(),
            created_at,
            expires_at
        ],
    )?;
    Ok(Some(Issued {
        token,
        instrument,
        created_at,
        expires_at,
    }))
}

/// Why a link could not be issued.
#[derive(Debug)]
pub enum IssueError {
    UnknownReference,
    Random(rand::rand_core::OsError),
    Database(rusqlite::Error),
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

/// Issues a follow-up link now, on the current thread: what the command line (and, later, the
/// inbox's button, through `Db::call` and [`create`]) does.
pub fn issue(db: &Db, reference: &str, valid_days: u16) -> Result<Issued, IssueError> {
    let token = Token::generate().map_err(IssueError::Random)?;
    let now = OffsetDateTime::now_utc();
    db.call_blocking(|conn| create(conn, reference, token, valid_days, now))
        .map_err(IssueError::Database)?
        .ok_or(IssueError::UnknownReference)
}

/// What a token opens.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    Unknown,
    Expired,
    Used,
    Open(OpenCheckin),
}

/// A check-in that can still be answered.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenCheckin {
    pub id: i64,
    pub instrument: Instrument,
    /// The referral's own score, when it had one on this scale.
    pub baseline: Option<ScorePoint>,
}

/// Finds the check-in whose token hashes to `token_sha256`, as of `now`. A used link is `Used`
/// even once it has also expired: that is the more useful thing to tell the person.
pub fn look_up(
    conn: &Connection,
    token_sha256: &str,
    now: OffsetDateTime,
) -> rusqlite::Result<Lookup> {
    let found = conn
        .query_row(
            "SELECT c.id, c.instrument, c.expires_at, c.used_at IS NOT NULL,
                    r.received_at, r.wellbeing_instrument, r.wellbeing_score
             FROM checkins c JOIN referrals r ON r.id = c.referral_id
             WHERE c.token_sha256 = ?1",
            [token_sha256],
            |row| {
                let instrument = instrument_from_sql(&row.get::<_, String>(1)?, 1)?;
                let expires_at: String = row.get(2)?;
                let expires_at = OffsetDateTime::parse(&expires_at, &Rfc3339).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(2, Type::Text, Box::new(e))
                })?;
                let baseline_instrument = row
                    .get::<_, Option<String>>(5)?
                    .map(|text| instrument_from_sql(&text, 5))
                    .transpose()?;
                let baseline = match (baseline_instrument, row.get::<_, Option<f64>>(6)?) {
                    (Some(scale), Some(score)) if scale == instrument => Some(ScorePoint {
                        at: row.get(4)?,
                        score,
                        kind: ScoreKind::Baseline,
                    }),
                    _ => None,
                };
                Ok((
                    row.get::<_, i64>(0)?,
                    instrument,
                    expires_at,
                    row.get::<_, bool>(3)?,
                    baseline,
                ))
            },
        )
        .optional()?;
    Ok(match found {
        None => Lookup::Unknown,
        Some((.., true, _)) => Lookup::Used,
        Some((_, _, expires_at, false, _)) if now >= expires_at => Lookup::Expired,
        Some((id, instrument, _, false, baseline)) => Lookup::Open(OpenCheckin {
            id,
            instrument,
            baseline,
        }),
    })
}

/// What answering a check-in came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Answered {
    Unknown,
    Expired,
    Used,
    Invalid(CheckinErrors),
    /// Stored just now; the scores to show the person.
    Stored(CheckinResult),
}

/// Checks `raw` against the link's scale and stores it, scored by the service, at most once per
/// token. The lookup, the check and the write share one IMMEDIATE transaction, and the write only
/// touches a row that is still unused, so of two answers racing each other (even from two
/// processes) exactly one is stored and the other finds the link used.
pub fn answer(
    conn: &mut Connection,
    token_sha256: &str,
    raw: RawCheckin,
    now: OffsetDateTime,
) -> rusqlite::Result<Answered> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let open = match look_up(&tx, token_sha256, now)? {
        Lookup::Unknown => return Ok(Answered::Unknown),
        Lookup::Expired => return Ok(Answered::Expired),
        Lookup::Used => return Ok(Answered::Used),
        Lookup::Open(open) => open,
    };
    let checkin = match Checkin::parse(raw, open.instrument) {
        Ok(checkin) => checkin,
        Err(errors) => return Ok(Answered::Invalid(errors)),
    };
    // Scored here from the checked items, exactly as a referral's check-in is.
    let scored = Wellbeing::score(checkin.responses());
    let used_at = timestamp(now);
    let updated = tx.execute(
        "UPDATE checkins SET used_at = ?1, items = ?2, score = ?3, raw = ?4, language = ?5
         WHERE id = ?6 AND used_at IS NULL",
        rusqlite::params![
            used_at,
            scored.items,
            scored.score,
            scored.raw,
            checkin.language().as_str(),
            open.id
        ],
    )?;
    if updated != 1 {
        return Ok(Answered::Used);
    }
    tx.commit()?;
    let follow_up = ScorePoint {
        at: used_at,
        score: scored.score,
        kind: ScoreKind::FollowUp,
    };
    let scores = open.baseline.into_iter().chain([follow_up]).collect();
    Ok(Answered::Stored(CheckinResult::new(
        open.instrument,
        scores,
    )))
}

/// A check-in as stored, for the inbox and the tests.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCheckin {
    pub referral_reference: String,
    pub instrument: String,
    pub created_at: String,
    pub expires_at: String,
    pub used_at: Option<String>,
    /// `None` until answered; then what the service scored, as for a referral.
    pub answer: Option<(Wellbeing, String)>,
}

/// Every check-in of the referral `reference`, oldest first.
pub fn for_referral(conn: &Connection, reference: &str) -> rusqlite::Result<Vec<StoredCheckin>> {
    let mut statement = conn.prepare(
        "SELECT r.reference, c.instrument, c.created_at, c.expires_at, c.used_at,
                c.items, c.score, c.raw, c.language
         FROM checkins c JOIN referrals r ON r.id = c.referral_id
         WHERE r.reference = ?1 ORDER BY c.id",
    )?;
    let rows = statement.query_map([reference], |row| {
        let instrument: String = row.get(1)?;
        let answer = match (row.get(5)?, row.get(6)?, row.get(7)?, row.get(8)?) {
            (Some(items), Some(score), Some(raw), Some(language)) => Some((
                Wellbeing {
                    instrument: instrument.clone(),
                    items,
                    score,
                    raw,
                },
                language,
            )),
            _ => None,
        };
        Ok(StoredCheckin {
            referral_reference: row.get(0)?,
            instrument,
            created_at: row.get(2)?,
            expires_at: row.get(3)?,
            used_at: row.get(4)?,
            answer,
        })
    })?;
    rows.collect()
}

fn instrument_from_sql(text: &str, column: usize) -> rusqlite::Result<Instrument> {
    match text {
        "wemwbs" => Ok(Instrument::Wemwbs),
        "swemwbs" => Ok(Instrument::Swemwbs),
        other => Err(rusqlite::Error::FromSqlConversionFailure(
            column,
            Type::Text,
            format!("{other:?} is not an instrument").into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters_of_256_random_bits() {
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let token = Token::generate().unwrap();
            let text = token.as_str();
            assert_eq!(text.len(), 43, "{text}");
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{text}"
            );
            assert_eq!(URL_SAFE_NO_PAD.decode(text).unwrap().len(), TOKEN_BYTES);
            assert!(seen.insert(text.to_owned()), "a repeated token");
        }
        assert_eq!(format!("{:?}", Token::generate().unwrap()), "Token(…)");
    }

    #[test]
    fn the_stored_hash_is_lowercase_hex_sha256_of_the_token_text() {
        // The SHA-256 of "abc", from FIPS 180-2, appendix B.1.
        assert_eq!(
            token_sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let token = Token("abc".into());
        assert_eq!(token.sha256_hex(), token_sha256("abc"));
    }

    #[test]
    fn links_carry_the_token_as_a_query_parameter() {
        let token = Token("abc-_XYZ".into());
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

    #[test]
    fn timestamps_are_utc_to_the_millisecond() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_795_600_000_123_456_789).unwrap();
        let text = timestamp(at.to_offset(UtcOffset::from_hms(1, 0, 0).unwrap()));
        assert_eq!(text, "2026-11-25T09:46:40.123Z");
        assert!(OffsetDateTime::parse(&text, &Rfc3339).is_ok());
        let whole = OffsetDateTime::from_unix_timestamp(1_795_600_000).unwrap();
        assert_eq!(timestamp(whole), "2026-11-25T09:46:40.000Z");
    }
}
