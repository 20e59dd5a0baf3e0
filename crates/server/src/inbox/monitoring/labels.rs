//! The words the page uses for the stored names: need areas as the widget asks them (its English
//! texts, `static/i18n/en.json`), channels, languages and scales.

use std::collections::HashMap;
use std::sync::OnceLock;

use signpost_core::evaluation::{ChannelKey, Cohort, InstrumentKey};
use signpost_core::{Channel, Language};

const ENGLISH: &str = include_str!("../../../../../static/i18n/en.json");

fn texts() -> &'static HashMap<String, String> {
    static TEXTS: OnceLock<HashMap<String, String>> = OnceLock::new();
    TEXTS.get_or_init(|| serde_json::from_str(ENGLISH).unwrap_or_default())
}

/// "Money and debt" for `money_and_debt`; a need the texts do not know reads as its name.
pub fn need(name: &str) -> String {
    texts()
        .get(&format!("question.needs.option.{name}"))
        .cloned()
        .unwrap_or_else(|| name.replace('_', " "))
}

pub fn channel(channel: Channel) -> &'static str {
    match channel {
        Channel::SelfReferral => "Self-referral",
        Channel::Assisted => "Assisted (with a helper)",
    }
}

pub fn language(language: Language) -> &'static str {
    match language {
        Language::En => "English",
        Language::Gd => "Gaelic",
        Language::Pl => "Polish",
        Language::Ar => "Arabic",
    }
}

pub fn cohort(cohort: Cohort) -> String {
    let scale = match cohort.instrument {
        InstrumentKey::Wemwbs => "WEMWBS (14 items, 14 to 70)",
        InstrumentKey::Swemwbs => "SWEMWBS (7 items, 7 to 35)",
    };
    let how = match cohort.channel {
        ChannelKey::SelfCompleted => "baseline completed alone",
        ChannelKey::Assisted => "baseline completed with help",
    };
    format!("{scale}, {how}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_read_as_the_widget_asks_them() {
        assert_eq!(need("money_and_debt"), "Money and debt");
        assert_eq!(need("made_up_need"), "made up need");
    }
}
