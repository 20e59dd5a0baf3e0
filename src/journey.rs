//! The whole flow of a referral as plain data: `Step`, `Action` and the reducer. The pages come
//! from the questionnaire file; components render a `Journey` and dispatch `Action`s, and every
//! decision is made here, so the flow is tested natively with ordinary `#[test]`s.

use std::rc::Rc;

use signpost_core::answers::check_answer;
use signpost_core::fields::{CalendarDate, DateOfBirth};
use signpost_core::questionnaire::{Page, QuestionKind};
use signpost_core::{
    AnswerError, AnswerValue, Answers, Channel, ConsentPurpose, Instrument, Language, Questionnaire, QuestionnaireRef,
    RawReferral, RawWellbeing, CONSENT_VERSION, SCHEMA,
};
use signpost_core::checkin::{CheckinInfo, CheckinResult, RawCheckin, CHECKIN_SCHEMA};
use signpost_core::referral::RawConsent;
use std::collections::BTreeSet;
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
    Confirmation { reference: String },
    FollowUp(FollowUpStep),
}

/// The steps of a follow-up check-in (journey 3), after its link is read.
#[derive(Debug, Clone, PartialEq)]
pub enum FollowUpStep {
    /// Asking the service what the link is for.
    Loading,
    Unavailable(Unavailable),
    Intro,
    Questions,
    /// The scores over time, from the service: reached only once it has stored the answers.
    Result(CheckinResult),
}

/// What this journey is for: a new referral, or a follow-up check-in from a link.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    Referral,
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
    Answer { question: String, error: AnswerError },
    /// A wellbeing statement left unanswered (numbered from 1), when others were answered.
    WellbeingItem { item: usize },
    Consent(ConsentPurpose),
    /// Assisted mode: the volunteer has not confirmed the person is present and agrees.
    VolunteerConfirmation,
}

impl Problem {
    /// The wire-format path of the field, from which the control's id is derived.
    pub fn field(&self) -> String {
        match self {
            Problem::Answer { question, .. } => format!("answers.{question}"),
            Problem::WellbeingItem { item } => format!("wellbeing.items.{item}"),
            Problem::Consent(_) => "consent.purposes".to_owned(),
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
    pub questionnaire: Rc<Questionnaire>,
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
    pub answers: Answers,
    pub wellbeing: Option<Wellbeing>,
    pub consent: BTreeSet<ConsentPurpose>,
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
    SetAnswer { question: String, value: String },
    /// Ticks or unticks one option of a several-choice question.
    ToggleChoice { question: String, option: String },
    SetWellbeingItem { item: usize, value: u8 },
    SkipWellbeing,
    SetConsent(ConsentPurpose, bool),
    Continue,
    Back,
    /// A Change link on the check-answers page: go to that page, then come back.
    Change { page: usize },
    /// *Agree and send*; the key is made by the caller so the reducer stays pure.
    Send { idempotency_key: String },
    Retrying { attempt: u32 },
    Sent { reference: String },
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

/// The question whose "yes" leads to the urgent advice.
const URGENT_QUESTION: &str = "urgent";

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
            answers: Answers::new(),
            wellbeing,
            consent: BTreeSet::new(),
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

    /// A follow-up journey starts by looking its link up; without a link there is nothing to do.
    fn start_follow_up(self) -> Self {
        match &self.setting.purpose {
            Purpose::Referral => self,
            Purpose::FollowUp { token: Some(_) } => {
                Self { wellbeing: None, step: Step::FollowUp(FollowUpStep::Loading), ..self }
            }
            Purpose::FollowUp { token: None } => {
                Self { wellbeing: None, step: Step::FollowUp(FollowUpStep::Unavailable(Unavailable::NoLink)), ..self }
            }
        }
    }

    /// The follow-up link's token, if this is a follow-up journey with one.
    pub fn follow_up_token(&self) -> Option<&str> {
        match &self.setting.purpose {
            Purpose::FollowUp { token } => token.as_deref(),
            Purpose::Referral => None,
        }
    }

    pub fn is_follow_up(&self) -> bool {
        matches!(self.setting.purpose, Purpose::FollowUp { .. })
    }

    /// The follow-up check-in as it will be sent: the scale's items and the language, nothing else.
    pub fn raw_checkin(&self) -> Option<RawCheckin> {
        let wellbeing = self.wellbeing.as_ref()?;
        let items: Option<Vec<u8>> = wellbeing.items.iter().copied().collect();
        Some(RawCheckin {
            schema: CHECKIN_SCHEMA.to_owned(),
            language: self.language,
            wellbeing: RawWellbeing { instrument: wellbeing.instrument, items: items? },
        })
    }

    /// Whether there is anything about a person to clear: used to start the idle timer.
    pub fn holds_anything(&self) -> bool {
        self.step != Step::Start || self.volunteer_confirmed
    }

    pub fn questionnaire(&self) -> &Questionnaire {
        &self.setting.questionnaire
    }

    pub fn page(&self, index: usize) -> &Page {
        &self.questionnaire().pages()[index]
    }

    /// The questionnaire pages this person is asked, in order, given their answers so far.
    pub fn visible_pages(&self) -> Vec<usize> {
        let answers = self.answers_for_checking();
        self.questionnaire()
            .visible_pages(&answers)
            .filter(|(_, page)| !self.is_wellbeing_page(page) || self.wellbeing.is_some())
            .map(|(index, _)| index)
            .collect()
    }

    /// Whether page `index` is the wellbeing check-in, which has a page of its own.
    pub fn is_wellbeing(&self, index: usize) -> bool {
        self.is_wellbeing_page(self.page(index))
    }

    fn is_wellbeing_page(&self, page: &Page) -> bool {
        page.questions.iter().any(|q| q.kind == QuestionKind::Instrument)
    }

    /// "Page 3 of 12": the visible pages, then check answers and consent.
    pub fn progress(&self) -> Option<(usize, usize)> {
        let pages = self.visible_pages();
        let total = pages.len() + 2;
        let current = match self.step {
            Step::Page(index) => pages.iter().position(|p| *p == index)? + 1,
            Step::CheckAnswers => pages.len() + 1,
            Step::Consent => pages.len() + 2,
            _ => return None,
        };
        Some((current, total))
    }

    /// The answers as core checks them: dates typed as day, month and year become YYYY-MM-DD.
    pub fn answers_for_checking(&self) -> Answers {
        let mut answers = self.answers.clone();
        for page in self.questionnaire().pages() {
            for question in page.questions.iter().filter(|q| q.kind == QuestionKind::Date) {
                if let Some(AnswerValue::One(parts)) = answers.get(&question.id) {
                    if parts.split('-').all(|part| part.trim().is_empty()) {
                        answers.remove(&question.id);
                        continue;
                    }
                    let iso = date_parts(parts).and_then(|(d, m, y)| {
                        DateOfBirth::from_parts(d, m, y, self.setting.today).ok().map(|dob| dob.date().to_iso())
                    });
                    let value = iso.unwrap_or_else(|| parts.clone());
                    answers.insert(question.id.clone(), AnswerValue::One(value));
                }
            }
        }
        answers
    }

    /// The referral as it will be sent: only the answers to questions asked, in canonical form.
    pub fn raw_referral(&self) -> RawReferral {
        let questionnaire = self.questionnaire();
        let mut answers = self.answers_for_checking();
        // Answers to questions no longer asked (a need unticked) stay in memory for going back,
        // but are never sent.
        let asked: BTreeSet<String> = questionnaire.asked_questions(&answers).into_iter().map(str::to_owned).collect();
        answers.retain(|id, _| asked.contains(id));
        let canonical = questionnaire.canonical_answers(&answers, self.setting.today).unwrap_or(answers);
        let wellbeing = self.wellbeing.as_ref().filter(|w| !w.skipped).and_then(|w| {
            let items: Option<Vec<u8>> = w.items.iter().copied().collect();
            items.map(|items| RawWellbeing { instrument: w.instrument, items })
        });
        RawReferral {
            schema: SCHEMA.to_owned(),
            practice: self.setting.practice.clone(),
            channel: self.setting.channel,
            organisation: self.setting.organisation.clone().filter(|_| self.setting.channel == Channel::Assisted),
            language: self.language,
            questionnaire: QuestionnaireRef {
                id: questionnaire.id().to_owned(),
                version: questionnaire.version().to_owned(),
            },
            answers: canonical,
            wellbeing,
            consent: RawConsent { version: CONSENT_VERSION.to_owned(), purposes: self.consent.iter().copied().collect() },
        }
    }

    /// The problems on page `index`; date errors come from the typed parts, as people typed them.
    fn page_problems(&self, index: usize) -> Vec<Problem> {
        let page = self.page(index);
        if self.is_wellbeing_page(page) {
            return self.wellbeing_problems();
        }
        let answers = self.answers_for_checking();
        self.questionnaire()
            .visible_questions(page, &answers)
            .filter_map(|question| {
                let error = match (&question.kind, self.answers.get(&question.id)) {
                    (QuestionKind::Date, Some(AnswerValue::One(parts))) => match date_parts(parts) {
                        Some((d, m, y)) => DateOfBirth::from_parts(d, m, y, self.setting.today)
                            .err()
                            .map(signpost_core::AnswerError::Date)
                            .filter(|e| !e.is_missing() || question.required),
                        None => check_answer(question, answers.get(&question.id), self.setting.today).err(),
                    },
                    _ => check_answer(question, answers.get(&question.id), self.setting.today).err(),
                };
                error.map(|error| Problem::Answer { question: question.id.clone(), error })
            })
            .collect()
    }

    /// All statements answered, none answered (then Continue asks to answer or skip), or some:
    /// each unanswered one is named.
    fn wellbeing_problems(&self) -> Vec<Problem> {
        let Some(wellbeing) = &self.wellbeing else { return Vec::new() };
        if wellbeing.skipped {
            return Vec::new();
        }
        let unanswered: Vec<usize> =
            wellbeing.items.iter().enumerate().filter(|(_, v)| v.is_none()).map(|(i, _)| i + 1).collect();
        if unanswered.len() == wellbeing.items.len() {
            return vec![Problem::Answer { question: "wellbeing".into(), error: AnswerError::Missing }];
        }
        unanswered.into_iter().map(|item| Problem::WellbeingItem { item }).collect()
    }

    fn next_after(&self, index: usize) -> Step {
        let pages = self.visible_pages();
        if self.changing {
            // Back to the check-answers page, unless the change revealed a page still to answer.
            let unanswered = pages.iter().find(|p| **p > index && !self.page_problems(**p).is_empty());
            return unanswered.map_or(Step::CheckAnswers, |p| Step::Page(*p));
        }
        pages.into_iter().find(|p| *p > index).map_or(Step::CheckAnswers, Step::Page)
    }

    fn previous(&self) -> Step {
        let pages = self.visible_pages();
        let before = |index: usize| pages.iter().rev().find(|p| **p < index).map_or(Step::Start, |p| Step::Page(*p));
        match &self.step {
            Step::Page(index) => before(*index),
            Step::UrgentAdvice => self.urgent_page().map_or(Step::Start, Step::Page),
            Step::CheckAnswers => pages.last().map_or(Step::Start, |p| Step::Page(*p)),
            Step::Sending(_) if self.is_follow_up() => Step::FollowUp(FollowUpStep::Questions),
            // The intro only exists once the link was looked up, so the scale is known by then.
            Step::FollowUp(FollowUpStep::Questions) => Step::FollowUp(FollowUpStep::Intro),
            Step::Consent | Step::Sending(_) => Step::CheckAnswers,
            step => step.clone(),
        }
    }

    fn urgent_page(&self) -> Option<usize> {
        self.questionnaire().pages().iter().position(|p| p.questions.iter().any(|q| q.id == URGENT_QUESTION))
    }

    fn answering(&self) -> bool {
        !matches!(
            self.step,
            Step::Sending(Delivery::InFlight { .. })
                | Step::Confirmation { .. }
                | Step::FollowUp(FollowUpStep::Result(_) | FollowUpStep::Loading | FollowUpStep::Unavailable(_))
        )
    }

    fn change_answers(mut self, change: impl FnOnce(&mut Self)) -> Self {
        if !self.answering() {
            return self;
        }
        let before = (self.answers.clone(), self.wellbeing.clone(), self.consent.clone());
        change(&mut self);
        if (self.answers.clone(), self.wellbeing.clone(), self.consent.clone()) != before {
            self.idempotency_key = None;
        }
        self
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

    fn continue_from_page(self, index: usize) -> Self {
        let problems = self.page_problems(index);
        if !problems.is_empty() {
            return Self { problems, ..self };
        }
        let urgent = self.page(index).questions.iter().any(|q| q.id == URGENT_QUESTION)
            && self.answers.get(URGENT_QUESTION) == Some(&AnswerValue::One("yes".into()));
        if urgent {
            return self.go_to(Step::UrgentAdvice);
        }
        let next = self.next_after(index);
        self.go_to(next)
    }

    /// The reducer, by value so it can be tested without `Rc`.
    pub fn apply(self, action: Action) -> Self {
        match action {
            Action::Begin if self.step == Step::Start && self.setting.channel == Channel::Assisted && !self.volunteer_confirmed => {
                Self { problems: vec![Problem::VolunteerConfirmation], ..self }
            }
            Action::ConfirmPresent(confirmed) if self.step == Step::Start => {
                Self { volunteer_confirmed: confirmed, problems: Vec::new(), ..self }
            }
            Action::IdleWarning if self.holds_anything() => Self { idle_warning: true, ..self },
            Action::StillHere => Self { idle_warning: false, ..self },
            Action::IdleTimeout => Self { timed_out: true, ..Self::new(self.setting) },
            Action::CheckinLoaded(result) if self.step == Step::FollowUp(FollowUpStep::Loading) => match result {
                Ok(info) => {
                    let wellbeing = Some(Wellbeing {
                        instrument: info.instrument,
                        items: vec![None; info.instrument.item_count()],
                        skipped: false,
                    });
                    Self { wellbeing, ..self }.go_to(Step::FollowUp(FollowUpStep::Intro))
                }
                Err(reason) => self.go_to(Step::FollowUp(FollowUpStep::Unavailable(reason))),
            },
            Action::RetryLoad if self.step == Step::FollowUp(FollowUpStep::Unavailable(Unavailable::Unreachable)) => {
                let loads_started = self.loads_started + 1;
                Self { loads_started, ..self }.go_to(Step::FollowUp(FollowUpStep::Loading))
            }
            Action::Begin if self.step == Step::FollowUp(FollowUpStep::Intro) => {
                self.go_to(Step::FollowUp(FollowUpStep::Questions))
            }
            Action::Continue if self.step == Step::FollowUp(FollowUpStep::Questions) => match self.wellbeing_problems() {
                problems if !problems.is_empty() => Self { problems, ..self },
                _ => {
                    let sends_started = self.sends_started + 1;
                    Self { sends_started, ..self }.go_to(Step::Sending(Delivery::InFlight { attempt: 1 }))
                }
            },
            Action::CheckinSent(result) if matches!(self.step, Step::Sending(_)) && self.is_follow_up() => {
                // Stored: the answers are forgotten; only the scores the service sent back remain.
                Self { wellbeing: None, ..self }.go_to(Step::FollowUp(FollowUpStep::Result(result)))
            }
            Action::SendFailed(SendFailure::Unavailable(reason)) if matches!(self.step, Step::Sending(_)) => {
                Self { wellbeing: None, ..self }.go_to(Step::FollowUp(FollowUpStep::Unavailable(reason)))
            }
            Action::Begin if self.step == Step::Start => {
                let first = self.visible_pages().first().map_or(Step::CheckAnswers, |p| Step::Page(*p));
                self.go_to(first)
            }
            Action::SetLanguage(language) if self.answering() => {
                let changed = language != self.language;
                Self { language, idempotency_key: self.idempotency_key.filter(|_| !changed), ..self }
            }
            Action::SetAnswer { question, value } => self.change_answers(|j| {
                j.answers.insert(question, AnswerValue::One(value));
            }),
            Action::ToggleChoice { question, option } => self.change_answers(|j| {
                let entry = j.answers.entry(question).or_insert_with(|| AnswerValue::Many(Vec::new()));
                if let AnswerValue::Many(chosen) = entry {
                    match chosen.iter().position(|c| *c == option) {
                        Some(at) => {
                            chosen.remove(at);
                        }
                        None => chosen.push(option),
                    }
                }
            }),
            Action::SetWellbeingItem { item, value } => self.change_answers(|j| {
                if let Some(wellbeing) = &mut j.wellbeing {
                    if let (Some(slot), 1..=5) = (wellbeing.items.get_mut(item), value) {
                        *slot = Some(value);
                        wellbeing.skipped = false;
                    }
                }
            }),
            Action::SkipWellbeing => match self.step {
                Step::Page(index) if self.is_wellbeing_page(self.page(index)) => {
                    let skipped = self.change_answers(|j| {
                        if let Some(w) = &mut j.wellbeing {
                            w.skipped = true;
                            w.items.iter_mut().for_each(|v| *v = None);
                        }
                    });
                    let next = skipped.next_after(index);
                    skipped.go_to(next)
                }
                _ => self,
            },
            Action::SetConsent(purpose, agreed) => self.change_answers(|j| {
                if agreed {
                    j.consent.insert(purpose);
                } else {
                    j.consent.remove(&purpose);
                }
            }),
            Action::Continue => match self.step {
                Step::Page(index) => self.continue_from_page(index),
                Step::UrgentAdvice => {
                    let next = self.urgent_page().map_or(Step::CheckAnswers, |p| self.next_after(p));
                    self.go_to(next)
                }
                Step::CheckAnswers => self.go_to(Step::Consent),
                _ => self,
            },
            Action::Change { page } if self.step == Step::CheckAnswers && self.visible_pages().contains(&page) => {
                Self { changing: true, ..self }.go_to(Step::Page(page))
            }
            Action::Send { idempotency_key } if self.step == Step::Consent => {
                let missing: Vec<Problem> = ConsentPurpose::REQUIRED
                    .into_iter()
                    .filter(|p| !self.consent.contains(p))
                    .map(Problem::Consent)
                    .collect();
                if !missing.is_empty() {
                    return Self { problems: missing, ..self };
                }
                let key = self.idempotency_key.clone().unwrap_or(idempotency_key);
                let sends_started = self.sends_started + 1;
                Self { idempotency_key: Some(key), sends_started, ..self }
                    .go_to(Step::Sending(Delivery::InFlight { attempt: 1 }))
            }
            Action::Retrying { attempt } if matches!(self.step, Step::Sending(_)) => {
                self.go_to(Step::Sending(Delivery::InFlight { attempt }))
            }
            Action::Sent { reference } if matches!(self.step, Step::Sending(_)) => {
                // Acknowledged: the answers have done their job and are forgotten at once.
                let language = self.language;
                Self { language, ..Self::new(self.setting) }.go_to(Step::Confirmation { reference })
            }
            Action::SendFailed(failure) if matches!(self.step, Step::Sending(_)) => {
                self.go_to(Step::Sending(Delivery::Failed(failure)))
            }
            Action::Retry if matches!(self.step, Step::Sending(Delivery::Failed(_))) => {
                let sends_started = self.sends_started + 1;
                Self { sends_started, ..self }.go_to(Step::Sending(Delivery::InFlight { attempt: 1 }))
            }
            Action::Back if self.answering() => {
                let previous = self.previous();
                self.go_to(previous)
            }
            Action::OpenUrgentHelp => Self { urgent_help_open: true, ..self },
            Action::CloseUrgentHelp => Self { urgent_help_open: false, ..self },
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

impl Reducible for Journey {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Rc::unwrap_or_clone(self).apply(action))
    }
}

#[cfg(test)]
mod tests;
