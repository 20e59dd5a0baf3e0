//! Erasing a referral (admins only): what erasing deletes and keeps, a link to download
//! everything held first, and the reference to type to confirm, so that nobody erases the wrong
//! referral with one press.

use askama::Template;

use super::form::{ErrorSummary, SummaryItem};
use super::layout::Layout;
use crate::inbox::casework::view::when;
use crate::inbox::paths;
use crate::inbox::SignedIn;
use crate::store::StoredReferral;

/// The typed reference's input: its id, name and the error summary's anchor.
pub const FIELD: &str = "reference";

/// Why the typed reference does not confirm the erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotConfirmed {
    Empty,
    /// Typed, but not this referral's reference.
    Different,
}

#[derive(Template)]
#[template(path = "erase_referral.html")]
pub struct EraseReferralPage {
    pub layout: Layout,
    pub summary: ErrorSummary,
    pub reference: String,
    pub name: String,
    pub practice: String,
    pub received: String,
    pub back: String,
    pub export_href: String,
    pub action: String,
    pub csrf: String,
    pub field: &'static str,
    /// What was typed, shown again after an error.
    pub typed: String,
    pub error: Option<String>,
}

impl NotConfirmed {
    pub fn message(self, reference: &str) -> String {
        match self {
            NotConfirmed::Empty => {
                format!("Type the reference {reference} to erase this referral")
            }
            NotConfirmed::Different => format!(
                "What you typed is not this referral's reference, so nothing has been erased: type {reference}"
            ),
        }
    }
}

impl EraseReferralPage {
    pub fn new(
        admin: &SignedIn,
        referral: &StoredReferral,
        typed: &str,
        problem: Option<NotConfirmed>,
    ) -> EraseReferralPage {
        let reference = referral.reference.clone();
        let error = problem.map(|p| p.message(&reference));
        let body: serde_json::Value = serde_json::from_str(&referral.body).unwrap_or_default();
        EraseReferralPage {
            layout: Layout::signed_in("Erase this referral", admin).with_errors(error.is_some()),
            summary: ErrorSummary {
                items: error
                    .iter()
                    .map(|message| SummaryItem {
                        field_id: FIELD,
                        message: message.clone(),
                    })
                    .collect(),
            },
            name: body["answers"]["name"]
                .as_str()
                .unwrap_or("No name given")
                .to_owned(),
            practice: referral.practice.clone(),
            received: when(&referral.received_at),
            back: paths::referral(&reference),
            export_href: paths::of_referral(paths::REFERRAL_PERSON_EXPORT, &reference),
            action: paths::of_referral(paths::REFERRAL_ERASE, &reference),
            csrf: admin.csrf.as_str().to_owned(),
            field: FIELD,
            typed: typed.to_owned(),
            error,
            reference,
        }
    }
}
