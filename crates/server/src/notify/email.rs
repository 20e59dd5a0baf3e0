//! The two emails a practice's team gets: a new referral, and one that asks for urgent help.
//!
//! A [`Notification`] is made only of a [`Kind`], a [`Reference`] (like `SP-7K3M-Q9X2`), a
//! [`PracticeCode`] and a link built from the inbox's address and the reference. None of these
//! can hold a name, a phone number, a need or an answer, so no email can carry one: email is
//! read on phones, forwarded and kept for years, and the person's details belong only in the
//! inbox, behind sign-in.

use std::fmt;

use signpost_core::fields::PracticeCode;
use signpost_core::Referral;

/// The question whose "yes" makes a referral urgent (`static/questionnaire/default.json`:
/// "Do you need help urgently today?").
pub const URGENT_QUESTION: &str = "urgent";

/// Which email a referral gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    New,
    /// The person answered yes to "Do you need help urgently today?".
    Urgent,
}

impl Kind {
    /// As the outbox stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::New => "new",
            Kind::Urgent => "urgent",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "new" => Some(Kind::New),
            "urgent" => Some(Kind::Urgent),
            _ => None,
        }
    }
}

/// Urgent when the person said they need help urgently today; new otherwise.
///
/// The other safety flags (not safe to be contacted at home, to get a voicemail, a text or a
/// letter) say *how* to reach the person safely, not *how soon*: they are read first in the
/// inbox, and never written in an email, where they would tell whoever reads it about the
/// person's home. A questionnaire without the `urgent` question makes every referral new.
pub fn kind_for(referral: &Referral) -> Kind {
    match referral.answer(URGENT_QUESTION) {
        Some("yes") => Kind::Urgent,
        _ => Kind::New,
    }
}

/// A referral's reference, checked to have the shape of `SP-7K3M-Q9X2`, so that nothing else can
/// ride in a subject line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAReference;

impl Reference {
    pub fn parse(text: &str) -> Result<Reference, NotAReference> {
        if crate::reference::is_well_formed(text) {
            Ok(Reference(text.to_owned()))
        } else {
            Err(NotAReference)
        }
    }
}

impl AsRef<str> for Reference {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where the inbox is, e.g. `https://inbox.signpost.example.scot/inbox/`: the base of every link
/// an email carries. Always ends with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxUrl(String);

/// The inbox's page for one referral, relative to [`InboxUrl`].
pub const REFERRAL_PAGE: &str = "referrals/";

impl InboxUrl {
    /// An `http://` or `https://` address with a host and perhaps a path; no query, fragment,
    /// user name or password (a link in an email must not carry any), nothing that needs escaping.
    pub fn parse(text: &str) -> Result<InboxUrl, String> {
        let text = text.trim();
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(|| format!("{text:?} must start with https:// or http://"))?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || host.contains('@') {
            return Err(format!(
                "{text:?} must name a host, with no user name or password"
            ));
        }
        let plain = |c: char| c.is_ascii_alphanumeric() || "-._~/:[]%".contains(c);
        if !rest.chars().all(plain) {
            return Err(format!(
                "{text:?} must be a plain address like https://inbox.example.scot/inbox/, \
                 with no query (?), fragment (#) or spaces"
            ));
        }
        let mut url = text.to_owned();
        if !url.ends_with('/') {
            url.push('/');
        }
        Ok(InboxUrl(url))
    }

    /// The link to one referral's page.
    pub fn referral(&self, reference: &Reference) -> String {
        format!("{}{REFERRAL_PAGE}{reference}", self.0)
    }
}

impl AsRef<str> for InboxUrl {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// What a team is told about one referral, and all it can be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    kind: Kind,
    reference: Reference,
    practice: PracticeCode,
    inbox_url: String,
}

impl Notification {
    pub fn new(
        kind: Kind,
        reference: Reference,
        practice: PracticeCode,
        inbox: &InboxUrl,
    ) -> Notification {
        let inbox_url = inbox.referral(&reference);
        Notification {
            kind,
            reference,
            practice,
            inbox_url,
        }
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }
    pub fn reference(&self) -> &Reference {
        &self.reference
    }
    pub fn practice(&self) -> &PracticeCode {
        &self.practice
    }
    pub fn inbox_url(&self) -> &str {
        &self.inbox_url
    }

    /// The email, in plain text only: it shows the same in every mail client, phones included,
    /// mail clients turn the address into a link, and there is no markup to escape or to load.
    pub fn email(&self) -> Email {
        let Notification {
            kind,
            reference,
            practice,
            inbox_url,
        } = self;
        let practice = practice.as_ref();
        let (subject, paragraphs) = match kind {
            Kind::New => (
                format!("New referral for practice {practice} — {reference}"),
                vec![
                    format!("A new referral has arrived for practice {practice}."),
                    format!("Reference: {reference}"),
                    format!(
                        "Read it in the Signpost inbox (you will need to sign in):\n{inbox_url}"
                    ),
                ],
            ),
            Kind::Urgent => (
                format!("URGENT: a referral asks for help today — {reference}"),
                vec![
                    format!(
                        "URGENT: the person who sent referral {reference} (practice {practice}) \
                         answered yes to \"Do you need help urgently today?\"."
                    ),
                    format!(
                        "The form showed them crisis line numbers and told them it cannot get \
                         them help today. Please read the referral in the Signpost inbox as soon \
                         as you can, today (you will need to sign in):\n{inbox_url}"
                    ),
                    format!("Reference: {reference}"),
                ],
            ),
        };
        let mut text: Vec<String> = paragraphs.iter().map(|p| wrap(p)).collect();
        text.push(wrap(FOOTER));
        let text = text.join("\n\n") + "\n";
        Email {
            kind: *kind,
            message_key: format!("{reference}.{}", kind.as_str()),
            subject,
            text,
        }
    }
}

const FOOTER: &str = "This email holds no personal details on purpose: they are only in the \
    inbox. It was sent automatically by Signpost.";

/// The longest line of the text, as RFC 5322 recommends (78) less a margin for quoting: short
/// lines read well in every client and let the message travel as plain 7-bit text, which the
/// tests can read on the wire as it is.
pub const LINE_WIDTH: usize = 72;

/// Fills a paragraph's lines to [`LINE_WIDTH`], breaking at spaces; a word longer than that
/// (the link) gets a line of its own, unbroken. Line breaks already in it stay.
fn wrap(paragraph: &str) -> String {
    let mut lines = Vec::new();
    for given in paragraph.lines() {
        let mut line = String::new();
        for word in given.split(' ').filter(|w| !w.is_empty()) {
            if !line.is_empty() && line.len() + 1 + word.len() > LINE_WIDTH {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// A rendered notification, ready for a [`super::Mailer`]. Only [`Notification::email`] makes
/// one, so a mailer cannot be handed anything else to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    kind: Kind,
    message_key: String,
    subject: String,
    text: String,
}

impl Email {
    pub fn kind(&self) -> Kind {
        self.kind
    }
    /// Unique to the referral and the kind (`SP-7K3M-Q9X2.urgent`): the mailer makes the
    /// Message-ID from it, so that a message sent twice (a worker that died between the server's
    /// "250 OK" and recording it) is the same message to mail clients that drop duplicates.
    pub fn message_key(&self) -> &str {
        &self.message_key
    }
    pub fn subject(&self) -> &str {
        &self.subject
    }
    pub fn text(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_core::fields::CalendarDate;
    use signpost_core::{default_questionnaire, AnswerValue, RawReferral};

    const VALID: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/referrals/valid"
    );
    const TODAY: CalendarDate = CalendarDate {
        year: 2026,
        month: 11,
        day: 25,
    };

    /// Every named valid fixture, as sent.
    fn fixtures() -> Vec<(String, RawReferral)> {
        let mut found: Vec<_> = std::fs::read_dir(VALID)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .map(|path| {
                let name = path.file_stem().unwrap().to_string_lossy().into_owned();
                let raw = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                (name, raw)
            })
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(found.len() >= 3, "the valid fixtures are found");
        found
    }

    fn parse(raw: RawReferral) -> Referral {
        Referral::parse(raw, &default_questionnaire(), TODAY).unwrap()
    }

    fn urgent(mut raw: RawReferral) -> RawReferral {
        raw.answers
            .insert(URGENT_QUESTION.into(), AnswerValue::One("yes".into()));
        raw
    }

    fn notification(kind: Kind) -> Notification {
        Notification::new(
            kind,
            Reference::parse("SP-7K3M-Q9X2").unwrap(),
            PracticeCode::parse("43210").unwrap(),
            &InboxUrl::parse("https://inbox.example.scot/inbox").unwrap(),
        )
    }

    #[test]
    fn a_referral_that_asks_for_urgent_help_is_urgent_and_every_other_is_new() {
        for (name, raw) in fixtures() {
            assert_eq!(raw.answers[URGENT_QUESTION], AnswerValue::One("no".into()));
            assert_eq!(kind_for(&parse(raw.clone())), Kind::New, "{name}");
            assert_eq!(kind_for(&parse(urgent(raw))), Kind::Urgent, "{name}");
        }
    }

    #[test]
    fn unsafe_contact_does_not_make_a_referral_urgent() {
        // phone-self-referral says a voicemail is not safe: the inbox shows that first, but it
        // is no reason to say the person asked for help today.
        let (_, raw) = fixtures()
            .into_iter()
            .find(|(name, _)| name == "phone-self-referral")
            .unwrap();
        assert_eq!(raw.answers["safe_voicemail"], AnswerValue::One("no".into()));
        assert_eq!(kind_for(&parse(raw)), Kind::New);
    }

    #[test]
    fn the_urgent_subject_cannot_be_missed_and_the_new_one_is_plain() {
        let urgent = notification(Kind::Urgent).email();
        assert_eq!(
            urgent.subject(),
            "URGENT: a referral asks for help today — SP-7K3M-Q9X2"
        );
        assert!(urgent.text().starts_with("URGENT: "));
        let new = notification(Kind::New).email();
        assert_eq!(
            new.subject(),
            "New referral for practice 43210 — SP-7K3M-Q9X2"
        );
        assert!(!new.subject().contains("URGENT") && !new.text().contains("URGENT"));
    }

    #[test]
    fn each_email_carries_the_reference_and_the_link_to_its_page() {
        for kind in [Kind::New, Kind::Urgent] {
            let email = notification(kind).email();
            assert!(email.text().contains("Reference: SP-7K3M-Q9X2"), "{kind:?}");
            assert!(
                email
                    .text()
                    .contains("\nhttps://inbox.example.scot/inbox/referrals/SP-7K3M-Q9X2\n"),
                "{kind:?}: {}",
                email.text()
            );
            assert_eq!(
                email.message_key(),
                format!("SP-7K3M-Q9X2.{}", kind.as_str())
            );
        }
    }

    #[test]
    fn lines_are_short_but_the_link_is_never_broken() {
        let long =
            InboxUrl::parse(&format!("https://inbox.example.scot/{}", "x".repeat(80))).unwrap();
        for kind in [Kind::New, Kind::Urgent] {
            let notification = Notification::new(
                kind,
                Reference::parse("SP-7K3M-Q9X2").unwrap(),
                PracticeCode::parse("ABCDEFGHIJKL").unwrap(),
                &long,
            );
            let email = notification.email();
            for line in email.text().lines() {
                assert!(
                    line.len() <= LINE_WIDTH || line == notification.inbox_url(),
                    "{kind:?}: {line:?}"
                );
                assert!(line.is_ascii() && !line.ends_with(' '), "{line:?}");
            }
            assert!(email
                .text()
                .contains(&format!("\n{}\n", notification.inbox_url())));
        }
        assert_eq!(wrap("a  b\nc"), "a b\nc");
    }

    #[test]
    fn kinds_round_trip_as_stored() {
        for kind in [Kind::New, Kind::Urgent] {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("URGENT"), None);
    }

    #[test]
    fn only_a_well_formed_reference_is_accepted() {
        assert!(Reference::parse("SP-7K3M-Q9X2").is_ok());
        for bad in [
            "",
            "Morag Campbell",
            "SP-7K3M-Q9X2 07700 900123",
            "sp-7k3m-q9x2",
        ] {
            assert_eq!(Reference::parse(bad), Err(NotAReference), "{bad}");
        }
    }

    #[test]
    fn the_inbox_address_is_a_plain_http_address() {
        assert_eq!(
            InboxUrl::parse("http://127.0.0.1:8080").unwrap().as_ref(),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(
            InboxUrl::parse("https://inbox.example.scot/inbox/")
                .unwrap()
                .as_ref(),
            "https://inbox.example.scot/inbox/"
        );
        for bad in [
            "inbox.example.scot",
            "ftp://inbox.example.scot/",
            "https://",
            "https://user:secret@inbox.example.scot/",
            "https://inbox.example.scot/?name=Morag",
            "https://inbox.example.scot/#x",
            "https://inbox.example.scot/a b",
        ] {
            assert!(InboxUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
