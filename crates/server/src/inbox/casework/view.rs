//! What the casework templates share: choices for selects and radios, tags, times and who.

use std::collections::HashMap;

use signpost_core::workflow::{Closure, Status};

use super::answers::uk_date;

/// One option of a select or a radio group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, chosen: Option<&str>) -> Self {
        let value = value.into();
        Choice {
            selected: chosen == Some(value.as_str()),
            label: label.into(),
            value,
        }
    }
}

/// A GOV.UK tag: its words and its colour's modifier class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub text: String,
    pub class: &'static str,
}

/// A status as a tag, with a closed referral's reason.
pub fn status_tag(status: Status, closure: Option<Closure>) -> Tag {
    let class = match status {
        Status::New => "sp-inbox-tag--blue",
        Status::Contacted => "sp-inbox-tag--turquoise",
        Status::Supporting => "sp-inbox-tag--green",
        Status::OnHold => "sp-inbox-tag--yellow",
        Status::Closed => "sp-inbox-tag--grey",
    };
    let text = match closure {
        Some(closure) => format!("{}: {}", status.label(), closure_words(closure)),
        None => status.label().to_owned(),
    };
    Tag { text, class }
}

/// A closure in words, with a completed one's outcome.
pub fn closure_words(closure: Closure) -> String {
    match closure.outcome() {
        Some(outcome) => format!("{} ({})", closure.label(), outcome.label().to_lowercase()),
        None => closure.label().to_owned(),
    }
}

/// `2026-12-01T09:05:00.000Z` as `01/12/2026 09:05` (UTC, as stored).
pub fn when(at: &str) -> String {
    match at.get(11..16) {
        Some(time) => format!("{} {time}", uk_date(at)),
        None => uk_date(at),
    }
}

/// Who an account id is, by its email; an account that is gone by its number.
pub fn who(emails: &HashMap<i64, String>, id: i64) -> String {
    emails
        .get(&id)
        .cloned()
        .unwrap_or_else(|| format!("Account {id}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_core::workflow::Outcome;

    #[test]
    fn statuses_and_times_read_as_a_link_worker_says_them() {
        assert_eq!(when("2026-12-01T09:05:00.000Z"), "01/12/2026 09:05");
        let tag = status_tag(
            Status::Closed,
            Some(Closure::Completed(Outcome::ReferredOn)),
        );
        assert_eq!(tag.text, "Closed: Completed (referred on)");
        assert_eq!(status_tag(Status::OnHold, None).text, "On hold");
        assert!(Choice::new("a", "A", Some("a")).selected);
    }
}
