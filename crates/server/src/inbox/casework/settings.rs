//! How a service sets up its casework: when a follow-up is due, which kinds of service a person
//! can be referred on to, and where follow-up links lead.

use signpost_core::questionnaire::QuestionKind;
use signpost_core::Questionnaire;

use super::words;
use crate::followup::{DEFAULT_BASE_URL, DEFAULT_VALID_DAYS};

/// By default a follow-up is due 12 weeks after the baseline: the interval the Scottish link
/// worker evaluations use for a second WEMWBS.
pub const DEFAULT_FOLLOW_UP_WEEKS: u16 = 12;

/// A kind of service a person can be referred on to: a stable id (stored) and its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnwardKind {
    pub id: String,
    pub label: String,
}

impl OnwardKind {
    /// `id=Label`, as `--onward-kind` takes it.
    pub fn parse(text: &str) -> Result<OnwardKind, String> {
        let (id, label) = text
            .split_once('=')
            .ok_or_else(|| format!("{text:?} must be id=Label, like food=Food banks and meals"))?;
        let (id, label) = (id.trim(), label.trim());
        let id_ok = (1..=64).contains(&id.len())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !id_ok || label.is_empty() || label.chars().count() > 100 {
            return Err(format!(
                "{text:?}: the id must be 1-64 of a-z, 0-9 and _, and the label 1-100 characters"
            ));
        }
        Ok(OnwardKind {
            id: id.to_owned(),
            label: label.to_owned(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseworkConfig {
    pub follow_up_after_weeks: u16,
    /// The service's own kinds; `None` means the need areas of the questionnaire.
    pub onward_kinds: Option<Vec<OnwardKind>>,
    /// The page embedding the widget in follow-up mode, which links lead to.
    pub checkin_base_url: String,
    pub link_valid_days: u16,
}

impl Default for CaseworkConfig {
    fn default() -> Self {
        CaseworkConfig {
            follow_up_after_weeks: DEFAULT_FOLLOW_UP_WEEKS,
            onward_kinds: None,
            checkin_base_url: DEFAULT_BASE_URL.to_owned(),
            link_valid_days: DEFAULT_VALID_DAYS,
        }
    }
}

impl CaseworkConfig {
    /// The kinds to offer: the service's own, or one a need area of `questionnaire`, in the
    /// widget's own words.
    pub fn onward_kinds(&self, questionnaire: &Questionnaire) -> Vec<OnwardKind> {
        if let Some(kinds) = &self.onward_kinds {
            return kinds.clone();
        }
        need_areas(questionnaire)
            .into_iter()
            .map(|id| OnwardKind {
                label: words::option("needs", &id),
                id,
            })
            .collect()
    }
}

/// The options of the questionnaire's `needs` question.
pub fn need_areas(questionnaire: &Questionnaire) -> Vec<String> {
    match questionnaire.question("needs").map(|q| &q.kind) {
        Some(QuestionKind::MultipleChoice { options } | QuestionKind::SingleChoice { options }) => {
            options.clone()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_kinds_are_the_need_areas_in_the_widgets_words() {
        let kinds = CaseworkConfig::default().onward_kinds(&signpost_core::default_questionnaire());
        assert_eq!(kinds[0].id, "money_and_debt");
        assert_eq!(kinds[0].label, "Money and debt");
        assert!(kinds.iter().any(|k| k.label == "Housing or homelessness"));
        assert_eq!(kinds.len(), 14);
    }

    #[test]
    fn a_kind_is_an_id_and_its_words() {
        assert_eq!(
            OnwardKind::parse("walking_group = Walking groups").unwrap(),
            OnwardKind {
                id: "walking_group".into(),
                label: "Walking groups".into()
            }
        );
        assert!(OnwardKind::parse("Walking groups").is_err());
        assert!(OnwardKind::parse("Walking=Walking groups").is_err());
        assert!(OnwardKind::parse("walk=").is_err());
    }
}

/// `serve`'s casework flags.
#[derive(Debug, Clone, clap::Args)]
pub struct CaseworkArgs {
    /// Weeks after the baseline check-in at which a follow-up is due.
    #[arg(long, env = "SIGNPOST_FOLLOW_UP_WEEKS", default_value_t = DEFAULT_FOLLOW_UP_WEEKS,
          value_parser = clap::value_parser!(u16).range(1..=156))]
    follow_up_weeks: u16,
    /// A kind of service a person can be referred on to, as id=Label (repeat for several); by
    /// default the questionnaire's need areas.
    #[arg(long = "onward-kind", env = "SIGNPOST_ONWARD_KINDS", value_delimiter = ',', value_parser = OnwardKind::parse)]
    onward_kinds: Vec<OnwardKind>,
    /// The page embedding the widget with mode="follow-up", which the inbox's follow-up links
    /// lead to.
    #[arg(long, env = "SIGNPOST_CHECKIN_BASE_URL", default_value = DEFAULT_BASE_URL,
          value_parser = crate::followup::parse_base_url)]
    checkin_base_url: String,
}

impl CaseworkArgs {
    pub fn config(&self) -> CaseworkConfig {
        CaseworkConfig {
            follow_up_after_weeks: self.follow_up_weeks,
            onward_kinds: (!self.onward_kinds.is_empty()).then(|| self.onward_kinds.clone()),
            checkin_base_url: self.checkin_base_url.clone(),
            link_valid_days: DEFAULT_VALID_DAYS,
        }
    }
}
