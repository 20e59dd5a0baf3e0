use serde::{Deserialize, Serialize};

/// The version of the consent wording the widget shows. Change it whenever the wording changes,
/// so each stored referral says which words the person agreed to.
pub const CONSENT_VERSION: &str = "2026-11-25";

/// What a person can agree to, each separately (DESIGN.md, journey 1, step 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentPurpose {
    /// Share these answers with the link worker service. Required: without it nothing is sent.
    ShareWithService,
    /// Contact me by the ways I chose. Required: a referral nobody may act on helps nobody.
    ContactMe,
    /// Use my answers, without my name, to evaluate the service. Optional.
    Evaluation,
}

impl ConsentPurpose {
    /// Every purpose, in the order the consent page asks them.
    pub const ALL: [ConsentPurpose; 3] = [
        ConsentPurpose::ShareWithService,
        ConsentPurpose::ContactMe,
        ConsentPurpose::Evaluation,
    ];

    /// The purposes a referral cannot be sent without.
    pub const REQUIRED: [ConsentPurpose; 2] =
        [ConsentPurpose::ShareWithService, ConsentPurpose::ContactMe];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentPurpose::ShareWithService => "share_with_service",
            ConsentPurpose::ContactMe => "contact_me",
            ConsentPurpose::Evaluation => "evaluation",
        }
    }

    /// The purpose whose wire name ([`ConsentPurpose::as_str`]) is `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }
}
