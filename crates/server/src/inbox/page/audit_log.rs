//! The audit log (admins only): newest first, a page at a time, filtered by a referral's
//! reference.

use std::collections::HashMap;

use askama::Template;

use super::form::{ErrorSummary, Field, InputKind};
use super::layout::Layout;
use crate::inbox::auth::users::UserId;
use crate::inbox::paths;
use crate::inbox::SignedIn;
use crate::store::AuditEntry;

pub struct AuditRow {
    pub at: String,
    pub who: String,
    pub what: &'static str,
    pub reference: String,
    pub client: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit_log.html")]
pub struct AuditLogPage {
    pub layout: Layout,
    pub summary: ErrorSummary,
    pub action: &'static str,
    pub reference: Field,
    pub filtered: bool,
    pub rows: Vec<AuditRow>,
    /// The next page's address, when there are older entries.
    pub older: Option<String>,
    /// The first page's, when this is not it.
    pub newest: Option<String>,
}

/// A stored time as people read it: `2026-12-02 09:04:05` (UTC, to the second).
pub fn readable_time(stored: &str) -> String {
    match stored.split_once('T') {
        Some((date, time)) => format!("{date} {}", time.get(..8).unwrap_or(time)),
        None => stored.to_owned(),
    }
}

/// The query of a page of the log.
pub fn page_address(reference: Option<&str>, before: Option<i64>) -> String {
    let mut query: Vec<(&str, String)> = Vec::new();
    if let Some(reference) = reference {
        query.push(("reference", reference.to_owned()));
    }
    if let Some(before) = before {
        query.push(("before", before.to_string()));
    }
    if query.is_empty() {
        paths::ADMIN_AUDIT_LOG.to_owned()
    } else {
        let encoded = serde_urlencoded::to_string(&query).expect("text pairs encode");
        format!("{}?{encoded}", paths::ADMIN_AUDIT_LOG)
    }
}

pub struct AuditLogView<'a> {
    pub entries: &'a [AuditEntry],
    /// Account numbers to emails, to say who acted.
    pub emails: &'a HashMap<UserId, String>,
    /// The filter as typed (shown again as typed), and its error.
    pub reference: &'a str,
    pub reference_error: Option<&'static str>,
    /// The reference the entries are filtered by (when it was well formed).
    pub filter: Option<&'a str>,
    pub older_than: Option<i64>,
    pub first_page: bool,
}

impl AuditLogPage {
    pub fn new(signed_in: &SignedIn, view: AuditLogView<'_>) -> Self {
        let rows = view
            .entries
            .iter()
            .map(|entry| AuditRow {
                at: readable_time(&entry.at),
                who: match entry.actor {
                    Some(id) => view
                        .emails
                        .get(&UserId(id))
                        .cloned()
                        .unwrap_or_else(|| format!("account {id}")),
                    None => "Command line or the service".into(),
                },
                what: entry.action.label(),
                reference: entry.reference.clone().unwrap_or_default(),
                client: entry.client.clone().unwrap_or_default(),
                detail: entry.detail.clone().unwrap_or_default(),
            })
            .collect();
        let reference = Field::new("reference", "Referral reference", InputKind::Text, "off")
            .hint("Only entries about one referral, like SP-7K3M-Q9X2")
            .width(20)
            .value(view.reference)
            .error(view.reference_error);
        let summary = ErrorSummary::of(&[&reference]);
        Self {
            layout: Layout::signed_in("Audit log", signed_in).with_errors(!summary.is_empty()),
            summary,
            action: paths::ADMIN_AUDIT_LOG,
            reference,
            filtered: view.filter.is_some(),
            rows,
            older: view
                .older_than
                .map(|before| page_address(view.filter, Some(before))),
            newest: (!view.first_page).then(|| page_address(view.filter, None)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_to_the_second_and_pages_keep_the_filter() {
        assert_eq!(
            readable_time("2026-12-02T09:04:05.120Z"),
            "2026-12-02 09:04:05"
        );
        assert_eq!(
            page_address(Some("SP-7K3M-Q9X2"), Some(40)),
            "/inbox/admin/audit-log?reference=SP-7K3M-Q9X2&before=40"
        );
        assert_eq!(page_address(None, None), "/inbox/admin/audit-log");
    }
}
