//! How a journey starts: from the page's attributes and what the widget read once at start.

use signpost_core::checkin::CheckinInfo;
use signpost_core::fields::CalendarDate;
use signpost_core::Channel;

use super::{Action, Journey, Purpose, Setting, Unavailable};
use crate::config::Config;

/// What the widget reads once at start: today's date and what the journey is for (a referral's
/// questionnaire, or a follow-up link's token read from the page address), and what the service
/// said of that link if `embed.js` had its answer already, and whether *Start now* was already
/// pressed on the start page's preview.
#[derive(Clone, PartialEq)]
pub struct Loaded {
    pub today: CalendarDate,
    pub purpose: Purpose,
    pub looked_up: Option<Result<CheckinInfo, Unavailable>>,
    /// A referral whose *Start now* was pressed on the preview `embed.js` showed while the wasm
    /// downloaded (static/embed/preview.js), the volunteer's box ticked first where there is one:
    /// the preview then shows the first question, and the journey starts there too.
    pub begun: bool,
}

impl Loaded {
    /// The journey as it starts: set by the page's attributes and what was read at start.
    pub fn journey(self, config: &Config) -> Journey {
        let journey = Journey::new(Setting {
            practice: config.practice.clone(),
            channel: config.channel(),
            organisation: config.organisation.clone(),
            language: config.language,
            instrument: config.instrument,
            today: self.today,
            purpose: self.purpose,
        });
        let journey = match self.looked_up {
            Some(result) => journey.apply(Action::CheckinLoaded(result)),
            None => journey,
        };
        if !self.begun {
            return journey;
        }
        // The preview moves on from the start page only once the volunteer's box is ticked.
        let confirmed = if journey.setting.channel == Channel::Assisted {
            journey.apply(Action::ConfirmPresent(true))
        } else {
            journey
        };
        confirmed.apply(Action::Begin)
    }
}
