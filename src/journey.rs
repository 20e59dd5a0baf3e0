//! The whole flow of a referral as plain data: `Step`, `Action` and the reducer. The pages come
//! from the questionnaire file; components render a `Journey` and dispatch `Action`s, and every
//! decision is made here, so the flow is tested natively with ordinary `#[test]`s.

mod follow_up;
#[cfg(feature = "referral")]
mod referral;
mod start;

pub use start::Loaded;

use std::rc::Rc;

use signpost_core::checkin::{CheckinInfo, CheckinResult};
use signpost_core::fields::CalendarDate;
#[cfg(feature = "referral")]
use signpost_core::Answers;
#[cfg(feature = "referral")]
use signpost_core::Questionnaire;
use signpost_core::{AnswerError, Channel, ConsentPurpose, Instrument, Language};
use yew::Reducible;

/// Where the person is in the journey.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Start,
    /// A page of the questionnaire, by its index in the file.
    Page(usize),
    /// After "yes" to "Do you need help urgently today?": the crisis lines, then on with the form.
    UrgentAdvice,
    CheckAnswers,
    Consent,
    /// The referral is on its way, or failed to go; the answers are kept until it is acknowledged.
    Sending(Delivery),
    /// Reached only with the reference the service returned: no confirmation without acknowledgement.
    Confirmation {
        reference: String,
    },
    FollowUp(FollowUpStep),
}

/// The steps of a follow-up check-in (journey 3), after its link is read.
#[derive(Debug, Clone, PartialEq)]
pub enum FollowUpStep {
    /// Asking the service what the link is for.
    Loading,
    Unavailable(Unavailable),
    /// The statements, under a few words on what they are for: one page, no start page before it.
    Questions,
    /// The scores over time, from the service: reached only once it has stored the answers.
    Result(CheckinResult),
}

/// What this journey is for: a new referral, or a follow-up check-in from a link.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// A new referral, answering this questionnaire. Only the full build of the widget has it.
    #[cfg(feature = "referral")]
    Referral { questionnaire: Rc<Questionnaire> },
    /// The link's token, if the page has one.
    FollowUp { token: Option<String> },
}

/// The state of a send that has not been acknowledged.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    InFlight { attempt: u32 },
    Failed(SendFailure),
}

/// Why a send failed, in terms of what the person can do about it.
#[derive(Debug, Clone, PartialEq)]
pub enum SendFailure {
    /// The network or the service was down: trying again may work.
    Unreachable,
    /// The service refused the answers: its stable code (translated where the widget knows it)
    /// and its plain-English reason.
    Rejected { code: String, message: String },
    /// A follow-up link that can no longer be used (answered meanwhile, or expired).
    Unavailable(Unavailable),
}

/// Why a follow-up link cannot be used, in terms of what the person can do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// The page was opened without a follow-up link's token.
    NoLink,
    /// No such link: mistyped or cut short.
    Unknown,
    Expired,
    /// Already answered: each link is for one check-in.
    Used,
    /// The service could not be reached: trying again may work.
    Unreachable,
}

impl Unavailable {
    /// The last part of its message's key, `followup.unavailable.{key}`.
    pub fn key(self) -> &'static str {
        match self {
            Unavailable::NoLink => "no_link",
            Unavailable::Unknown => "unknown",
            Unavailable::Expired => "expired",
            Unavailable::Used => "used",
            Unavailable::Unreachable => "unreachable",
        }
    }
}

/// A problem on the current page, found when the person pressed Continue.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Answer {
        question: String,
        error: AnswerError,
    },
    /// A wellbeing statement left unanswered (numbered from 1), when others were answered.
    WellbeingItem { item: usize },
    #[cfg(feature = "referral")]
    Consent(ConsentPurpose),
    /// Assisted mode: the volunteer has not confirmed the person is present and agrees.
    #[cfg(feature = "referral")]
    VolunteerConfirmation,
}

impl Problem {
    /// The wire-format path of the field, from which the control's id is derived.
    pub fn field(&self) -> String {
        match self {
            Problem::Answer { question, .. } => format!("answers.{question}"),
            Problem::WellbeingItem { item } => format!("wellbeing.items.{item}"),
            #[cfg(feature = "referral")]
            Problem::Consent(_) => "consent.purposes".to_owned(),
            #[cfg(feature = "referral")]
            Problem::VolunteerConfirmation => "volunteer.present".to_owned(),
        }
    }
}

/// The wellbeing check-in's answers: one per statement, or skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Wellbeing {
    pub instrument: Instrument,
    pub items: Vec<Option<u8>>,
    pub skipped: bool,
}

/// What the embedding page told the widget, and what it loaded; fixed for a journey.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub practice: String,
    pub channel: Channel,
    /// The organisation helping, recorded with assisted referrals.
    pub organisation: Option<String>,
    pub language: Language,
    /// The scale the embedding page chose; `None` leaves the check-in out.
    pub instrument: Option<Instrument>,
    /// Bounds dates of birth; the widget reads the browser's clock once at start.
    pub today: CalendarDate,
    pub purpose: Purpose,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Journey {
    pub setting: Setting,
    pub step: Step,
    /// The language the widget speaks now; the person may change it on any page.
    pub language: Language,
    /// Every answer given, kept when going back; hidden questions' answers are not sent.
    /// A referral's only (as is `consent`): the follow-up build carries neither, nor their code.
    #[cfg(feature = "referral")]
    pub answers: Answers,
    pub wellbeing: Option<Wellbeing>,
    /// What the person agreed to, in `ConsentPurpose`'s order, each once. A sorted `Vec`: a
    /// `BTreeSet` of three values cost the wasm 6 KiB of tree code.
    #[cfg(feature = "referral")]
    pub consent: Vec<ConsentPurpose>,
    pub problems: Vec<Problem>,
    /// Set by a Change link on the check-answers page: Continue goes back there.
    pub changing: bool,
    /// Made once per referral and kept across retries, so a repeated send is recognised.
    /// Cleared when an answer changes: different answers are a different referral.
    pub idempotency_key: Option<String>,
    /// Whether the urgent-help page is shown over the current step.
    pub urgent_help_open: bool,
    /// Counts the sends started (first tries and *Try again*), so the view starts each exactly once.
    pub sends_started: u32,
    /// Assisted mode: the volunteer confirmed the person is present and agrees.
    pub volunteer_confirmed: bool,
    /// Assisted mode: the idle warning is showing.
    pub idle_warning: bool,
    /// The last journey was cleared because no one used the widget: say so on the start page.
    pub timed_out: bool,
    /// Counts the follow-up link look-ups started, so the view starts each exactly once.
    pub loads_started: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Begin,
    /// Speak another language from now on; every answer is kept.
    SetLanguage(Language),
    /// A single answer: text, a choice, yes/no, or a date as `year-month-day` parts.
    SetAnswer {
        question: String,
        value: String,
    },
    /// Ticks or unticks one option of a several-choice question.
    ToggleChoice {
        question: String,
        option: String,
    },
    SetWellbeingItem {
        item: usize,
        value: u8,
    },
    SkipWellbeing,
    SetConsent(ConsentPurpose, bool),
    Continue,
    Back,
    /// A Change link on the check-answers page: go to that page, then come back.
    Change {
        page: usize,
    },
    /// *Agree and send*; the key is made by the caller so the reducer stays pure.
    Send {
        idempotency_key: String,
    },
    Retrying {
        attempt: u32,
    },
    Sent {
        reference: String,
    },
    SendFailed(SendFailure),
    Retry,
    OpenUrgentHelp,
    CloseUrgentHelp,
    /// Forget everything about the person and go back to the start.
    Reset,
    /// Assisted mode: the volunteer confirms the person is present and agrees.
    ConfirmPresent(bool),
    /// Assisted mode: no one has touched the widget for the idle spell.
    IdleWarning,
    /// Assisted mode: someone asked for more time.
    StillHere,
    /// Assisted mode: no answer to the warning: clear everything.
    IdleTimeout,
    /// Follow-up: what the service said about the link.
    CheckinLoaded(Result<CheckinInfo, Unavailable>),
    /// Follow-up: look the link up again after the service could not be reached.
    RetryLoad,
    /// Follow-up: the service stored the answers and sent back the scores over time.
    CheckinSent(CheckinResult),
}

impl Journey {
    pub fn new(setting: Setting) -> Self {
        let wellbeing = setting.instrument.map(|instrument| Wellbeing {
            instrument,
            items: vec![None; instrument.item_count()],
            skipped: false,
        });
        Self {
            language: setting.language,
            setting,
            step: Step::Start,
            #[cfg(feature = "referral")]
            answers: Answers::new(),
            wellbeing,
            #[cfg(feature = "referral")]
            consent: Vec::new(),
            problems: Vec::new(),
            changing: false,
            idempotency_key: None,
            urgent_help_open: false,
            sends_started: 0,
            volunteer_confirmed: false,
            idle_warning: false,
            timed_out: false,
            loads_started: 0,
        }
        .start_follow_up()
    }

    pub fn is_follow_up(&self) -> bool {
        matches!(self.setting.purpose, Purpose::FollowUp { .. })
    }

    /// Whether there is anything about a person to clear: used to start the idle timer.
    pub fn holds_anything(&self) -> bool {
        self.step != Step::Start || self.volunteer_confirmed
    }

    /// "Page 3 of 12" on a referral's questionnaire pages; a follow-up is a single page.
    pub fn progress(&self) -> Option<(usize, usize)> {
        match &self.setting.purpose {
            #[cfg(feature = "referral")]
            Purpose::Referral { .. } => self.referral_progress(),
            Purpose::FollowUp { .. } => None,
        }
    }

    /// All statements answered, none answered (then Continue asks to answer or skip), or some:
    /// each unanswered one is named.
    fn wellbeing_problems(&self) -> Vec<Problem> {
        let Some(wellbeing) = &self.wellbeing else {
            return Vec::new();
        };
        if wellbeing.skipped {
            return Vec::new();
        }
        let unanswered: Vec<usize> = wellbeing
            .items
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_none())
            .map(|(i, _)| i + 1)
            .collect();
        if unanswered.len() == wellbeing.items.len() {
            return vec![Problem::Answer {
                question: "wellbeing".into(),
                error: AnswerError::Missing,
            }];
        }
        unanswered
            .into_iter()
            .map(|item| Problem::WellbeingItem { item })
            .collect()
    }

    fn answering(&self) -> bool {
        !matches!(
            self.step,
            Step::Sending(Delivery::InFlight { .. })
                | Step::Confirmation { .. }
                | Step::FollowUp(
                    FollowUpStep::Result(_) | FollowUpStep::Loading | FollowUpStep::Unavailable(_)
                )
        )
    }

    fn change_answers(mut self, change: impl FnOnce(&mut Self)) -> Self {
        if !self.answering() {
            return self;
        }
        // Only a key already made needs the check: copying every answer on each keystroke does not.
        if self.idempotency_key.is_none() {
            change(&mut self);
            return self;
        }
        let before = self.answered();
        change(&mut self);
        if self.answered() != before {
            self.idempotency_key = None;
        }
        self
    }

    /// Everything the person has answered: what an idempotency key stands for.
    #[cfg(feature = "referral")]
    fn answered(&self) -> (Answers, Option<Wellbeing>, Vec<ConsentPurpose>) {
        (
            self.answers.clone(),
            self.wellbeing.clone(),
            self.consent.clone(),
        )
    }

    #[cfg(not(feature = "referral"))]
    fn answered(&self) -> Option<Wellbeing> {
        self.wellbeing.clone()
    }

    fn go_to(mut self, step: Step) -> Self {
        if matches!(step, Step::CheckAnswers | Step::Start) {
            self.changing = false;
        }
        self.step = step;
        self.problems.clear();
        self.urgent_help_open = false;
        self
    }

    /// The reducer, by value so it can be tested without `Rc`. Each purpose has its own steps;
    /// what every journey shares is in `apply_common`.
    pub fn apply(self, action: Action) -> Self {
        match &self.setting.purpose {
            #[cfg(feature = "referral")]
            Purpose::Referral { .. } => self.apply_referral(action),
            Purpose::FollowUp { .. } => self.apply_follow_up(action),
        }
    }

    /// What any journey does, whatever it is for.
    fn apply_common(self, action: Action) -> Self {
        match action {
            Action::IdleWarning if self.holds_anything() => Self {
                idle_warning: true,
                ..self
            },
            Action::StillHere => Self {
                idle_warning: false,
                ..self
            },
            Action::IdleTimeout => Self {
                timed_out: true,
                ..Self::new(self.setting)
            },
            Action::SetLanguage(language) if self.answering() => {
                let changed = language != self.language;
                Self {
                    language,
                    idempotency_key: self.idempotency_key.filter(|_| !changed),
                    ..self
                }
            }
            Action::SetWellbeingItem { item, value } => self.change_answers(|j| {
                if let Some(wellbeing) = &mut j.wellbeing {
                    if let (Some(slot), 1..=5) = (wellbeing.items.get_mut(item), value) {
                        *slot = Some(value);
                        wellbeing.skipped = false;
                    }
                }
            }),
            Action::Retrying { attempt } if matches!(self.step, Step::Sending(_)) => {
                self.go_to(Step::Sending(Delivery::InFlight { attempt }))
            }
            Action::SendFailed(failure) if matches!(self.step, Step::Sending(_)) => {
                self.go_to(Step::Sending(Delivery::Failed(failure)))
            }
            Action::Retry if matches!(self.step, Step::Sending(Delivery::Failed(_))) => {
                let sends_started = self.sends_started + 1;
                Self {
                    sends_started,
                    ..self
                }
                .go_to(Step::Sending(Delivery::InFlight { attempt: 1 }))
            }
            Action::OpenUrgentHelp => Self {
                urgent_help_open: true,
                ..self
            },
            Action::CloseUrgentHelp => Self {
                urgent_help_open: false,
                ..self
            },
            Action::Reset => Self::new(self.setting),
            // Anything else is out of place for the current step (a double click, a stale event).
            _ => self,
        }
    }
}

/// A date answer is kept as the parts the person typed, `year-month-day`, until it is sent.
pub fn date_parts(value: &str) -> Option<(&str, &str, &str)> {
    let mut parts = value.splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    Some((day, month, year))
}

/// The parts as typed, kept as `date_parts` reads them.
pub fn typed_date(day: &str, month: &str, year: &str) -> String {
    format!("{year}-{month}-{day}")
}

impl Reducible for Journey {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Rc::unwrap_or_clone(self).apply(action))
    }
}

#[cfg(all(test, feature = "referral"))]
mod tests;
