//! Journey 3: a follow-up check-in from a link. The link is looked up, the scale answered and
//! sent; the service's scores come back. Nothing here needs the questionnaire.

use signpost_core::checkin::{RawCheckin, CHECKIN_SCHEMA};
use signpost_core::RawWellbeing;

use super::{
    Action, Delivery, FollowUpStep, Journey, Purpose, SendFailure, Step, Unavailable, Wellbeing,
};

impl Journey {
    /// A follow-up journey starts by looking its link up; without a link there is nothing to do.
    pub(super) fn start_follow_up(self) -> Self {
        match &self.setting.purpose {
            Purpose::FollowUp { token: Some(_) } => Self {
                wellbeing: None,
                step: Step::FollowUp(FollowUpStep::Loading),
                ..self
            },
            Purpose::FollowUp { token: None } => Self {
                wellbeing: None,
                step: Step::FollowUp(FollowUpStep::Unavailable(Unavailable::NoLink)),
                ..self
            },
            #[cfg(feature = "referral")]
            Purpose::Referral { .. } => self,
        }
    }

    /// The follow-up link's token, if this is a follow-up journey with one.
    pub fn follow_up_token(&self) -> Option<&str> {
        match &self.setting.purpose {
            Purpose::FollowUp { token } => token.as_deref(),
            #[cfg(feature = "referral")]
            Purpose::Referral { .. } => None,
        }
    }

    /// The follow-up check-in as it will be sent: the scale's items and the language, nothing else.
    pub fn raw_checkin(&self) -> Option<RawCheckin> {
        let wellbeing = self.wellbeing.as_ref()?;
        let items: Option<Vec<u8>> = wellbeing.items.iter().copied().collect();
        Some(RawCheckin {
            schema: CHECKIN_SCHEMA.to_owned(),
            language: self.language,
            wellbeing: RawWellbeing {
                instrument: wellbeing.instrument,
                items: items?,
            },
        })
    }

    pub(super) fn apply_follow_up(self, action: Action) -> Self {
        match action {
            Action::CheckinLoaded(result) if self.step == Step::FollowUp(FollowUpStep::Loading) => {
                match result {
                    Ok(info) => {
                        let wellbeing = Some(Wellbeing {
                            instrument: info.instrument,
                            items: vec![None; info.instrument.item_count()],
                            skipped: false,
                        });
                        Self { wellbeing, ..self }.go_to(Step::FollowUp(FollowUpStep::Questions))
                    }
                    Err(reason) => self.go_to(Step::FollowUp(FollowUpStep::Unavailable(reason))),
                }
            }
            Action::RetryLoad
                if self.step
                    == Step::FollowUp(FollowUpStep::Unavailable(Unavailable::Unreachable)) =>
            {
                let loads_started = self.loads_started + 1;
                Self {
                    loads_started,
                    ..self
                }
                .go_to(Step::FollowUp(FollowUpStep::Loading))
            }
            Action::Continue if self.step == Step::FollowUp(FollowUpStep::Questions) => {
                match self.wellbeing_problems() {
                    problems if !problems.is_empty() => Self { problems, ..self },
                    _ => {
                        let sends_started = self.sends_started + 1;
                        Self {
                            sends_started,
                            ..self
                        }
                        .go_to(Step::Sending(Delivery::InFlight { attempt: 1 }))
                    }
                }
            }
            Action::CheckinSent(result) if matches!(self.step, Step::Sending(_)) => {
                // Stored: the answers are forgotten; only the scores the service sent back remain.
                Self {
                    wellbeing: None,
                    ..self
                }
                .go_to(Step::FollowUp(FollowUpStep::Result(result)))
            }
            Action::SendFailed(SendFailure::Unavailable(reason))
                if matches!(self.step, Step::Sending(_)) =>
            {
                Self {
                    wellbeing: None,
                    ..self
                }
                .go_to(Step::FollowUp(FollowUpStep::Unavailable(reason)))
            }
            // From a failed send back to the answers; the questions page is the first, so it has no back.
            Action::Back if matches!(self.step, Step::Sending(Delivery::Failed(_))) => {
                self.go_to(Step::FollowUp(FollowUpStep::Questions))
            }
            action => self.apply_common(action),
        }
    }
}

#[cfg(test)]
mod tests;
