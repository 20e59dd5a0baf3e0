//! The whole flow of a referral as plain data: `Step`, `Action` and the reducer.
//! Components render a `Journey` and dispatch `Action`s; every decision is made here,
//! so the flow is tested natively with ordinary `#[test]`s.

use std::collections::BTreeSet;
use std::rc::Rc;

use signpost_core::fields::{Email, PersonName, PhoneNumber};
use signpost_core::referral::{RawConsent, RawContact, RawPerson};
use signpost_core::{
    Channel, ConsentPurpose, ContactMethod, Language, Need, RawReferral, ReferralError, CONSENT_VERSION, SCHEMA,
};
use yew::Reducible;

/// Where the person is in the journey.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Start,
    Needs,
    Name,
    Contact,
    Consent,
    /// The referral is on its way, or failed to go; the answers are kept until it is acknowledged.
    Sending(Delivery),
    /// Reached only with the reference the service returned: no confirmation without acknowledgement.
    Confirmation { reference: String },
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
}

/// Every answer the person has given so far, kept when they go back or change an answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    pub needs: BTreeSet<Need>,
    pub name: String,
    pub contact_method: Option<ContactMethod>,
    pub phone: String,
    pub email: String,
    pub consent: BTreeSet<ConsentPurpose>,
}

/// What the embedding page told the widget; fixed for the life of a journey.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub practice: String,
    pub channel: Channel,
    pub language: Language,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Journey {
    pub setting: Setting,
    pub step: Step,
    pub answers: Answers,
    /// The problems found on the current page when the person last pressed Continue.
    pub errors: Vec<ReferralError>,
    /// Made once per referral and kept across retries, so a repeated send is recognised.
    /// Cleared when an answer changes: different answers are a different referral.
    pub idempotency_key: Option<String>,
    /// Whether the urgent-help page is shown over the current step.
    pub urgent_help_open: bool,
    /// Counts the sends started (first tries and *Try again*), so the view starts each exactly once.
    pub sends_started: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Begin,
    ToggleNeed(Need),
    SetName(String),
    ChooseContact(ContactMethod),
    SetPhone(String),
    SetEmail(String),
    SetConsent(ConsentPurpose, bool),
    Continue,
    Back,
    /// Consent page's "Agree and send"; the key is made by the caller so the reducer stays pure.
    Send { idempotency_key: String },
    Retrying { attempt: u32 },
    Sent { reference: String },
    SendFailed(SendFailure),
    Retry,
    OpenUrgentHelp,
    CloseUrgentHelp,
    /// Forget everything about the person and go back to the start.
    Reset,
}

impl Journey {
    pub fn new(setting: Setting) -> Self {
        Self {
            setting,
            step: Step::Start,
            answers: Answers::default(),
            errors: Vec::new(),
            idempotency_key: None,
            urgent_help_open: false,
            sends_started: 0,
        }
    }

    /// The question pages in order; used for Continue, Back and the progress indicator.
    pub const QUESTIONS: [Step; 4] = [Step::Needs, Step::Name, Step::Contact, Step::Consent];

    /// "Question 2 of 4", for the progress indicator; `None` off the question pages.
    pub fn progress(&self) -> Option<(usize, usize)> {
        let index = Self::QUESTIONS.iter().position(|s| *s == self.step)?;
        Some((index + 1, Self::QUESTIONS.len()))
    }

    /// The referral as it will be sent: built from the answers, never from page state.
    pub fn raw_referral(&self) -> RawReferral {
        let answers = &self.answers;
        let method = answers.contact_method;
        let wants_phone = method.is_some_and(ContactMethod::needs_phone);
        let wants_email = method == Some(ContactMethod::Email);
        RawReferral {
            schema: SCHEMA.to_owned(),
            practice: self.setting.practice.clone(),
            channel: self.setting.channel,
            language: self.setting.language,
            needs: answers.needs.iter().copied().collect(),
            person: RawPerson { name: answers.name.trim().to_owned() },
            contact: RawContact {
                methods: method.into_iter().collect(),
                // Only the detail for the chosen way travels: data minimisation.
                phone: wants_phone.then(|| answers.phone.trim().to_owned()),
                email: wants_email.then(|| answers.email.trim().to_owned()),
            },
            consent: RawConsent {
                version: CONSENT_VERSION.to_owned(),
                purposes: answers.consent.iter().copied().collect(),
            },
        }
    }

    fn page_errors(&self) -> Vec<ReferralError> {
        let answers = &self.answers;
        let mut errors = Vec::new();
        match self.step {
            Step::Needs if answers.needs.is_empty() => errors.push(ReferralError::NoNeeds),
            Step::Name => errors.extend(PersonName::parse(&answers.name).err().map(ReferralError::Name)),
            Step::Contact => match answers.contact_method {
                None => errors.push(ReferralError::NoContactMethod),
                Some(ContactMethod::Email) => {
                    errors.extend(Email::parse(&answers.email).err().map(ReferralError::Email))
                }
                Some(_) => errors.extend(PhoneNumber::parse(&answers.phone).err().map(ReferralError::Phone)),
            },
            Step::Consent => errors.extend(
                ConsentPurpose::REQUIRED
                    .into_iter()
                    .filter(|p| !answers.consent.contains(p))
                    .map(ReferralError::ConsentMissing),
            ),
            _ => {}
        }
        errors
    }

    fn next_question(&self) -> Option<Step> {
        let index = Self::QUESTIONS.iter().position(|s| *s == self.step)?;
        Self::QUESTIONS.get(index + 1).cloned()
    }

    fn previous(&self) -> Step {
        match &self.step {
            Step::Start | Step::Confirmation { .. } => self.step.clone(),
            Step::Sending(_) => Step::Consent,
            step => {
                let index = Self::QUESTIONS.iter().position(|s| s == step).unwrap_or(0);
                index.checked_sub(1).map_or(Step::Start, |i| Self::QUESTIONS[i].clone())
            }
        }
    }

    fn answering(&self) -> bool {
        !matches!(self.step, Step::Sending(Delivery::InFlight { .. }) | Step::Confirmation { .. })
    }

    fn change_answer(mut self, change: impl FnOnce(&mut Answers)) -> Self {
        if !self.answering() {
            return self;
        }
        let before = self.answers.clone();
        change(&mut self.answers);
        if self.answers != before {
            self.idempotency_key = None;
        }
        self
    }

    fn go_to(mut self, step: Step) -> Self {
        self.step = step;
        self.errors.clear();
        self.urgent_help_open = false;
        self
    }

    /// The reducer, by value so it can be tested without `Rc`.
    pub fn apply(self, action: Action) -> Self {
        match action {
            Action::Begin if self.step == Step::Start => self.go_to(Step::Needs),
            Action::ToggleNeed(need) => self.change_answer(|a| {
                if !a.needs.remove(&need) {
                    a.needs.insert(need);
                }
            }),
            Action::SetName(name) => self.change_answer(|a| a.name = name),
            Action::ChooseContact(method) => self.change_answer(|a| a.contact_method = Some(method)),
            Action::SetPhone(phone) => self.change_answer(|a| a.phone = phone),
            Action::SetEmail(email) => self.change_answer(|a| a.email = email),
            Action::SetConsent(purpose, agreed) => self.change_answer(|a| {
                if agreed {
                    a.consent.insert(purpose);
                } else {
                    a.consent.remove(&purpose);
                }
            }),
            Action::Continue => match self.page_errors() {
                errors if !errors.is_empty() => Self { errors, ..self },
                _ => match self.next_question() {
                    Some(next) => self.go_to(next),
                    None => self,
                },
            },
            Action::Send { idempotency_key } if self.step == Step::Consent => match self.page_errors() {
                errors if !errors.is_empty() => Self { errors, ..self },
                _ => {
                    let key = self.idempotency_key.clone().unwrap_or(idempotency_key);
                    let sends_started = self.sends_started + 1;
                    Self { idempotency_key: Some(key), sends_started, ..self }
                        .go_to(Step::Sending(Delivery::InFlight { attempt: 1 }))
                }
            },
            Action::Retrying { attempt } if matches!(self.step, Step::Sending(_)) => {
                self.go_to(Step::Sending(Delivery::InFlight { attempt }))
            }
            Action::Sent { reference } if matches!(self.step, Step::Sending(_)) => {
                // Acknowledged: the answers have done their job and are forgotten at once.
                Self::new(self.setting).go_to(Step::Confirmation { reference })
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

impl Reducible for Journey {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Rc::unwrap_or_clone(self).apply(action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_core::fields::{FreeTextError, PhoneNumberError};
    use signpost_core::Referral;

    fn journey() -> Journey {
        Journey::new(Setting { practice: "43210".into(), channel: Channel::SelfReferral, language: Language::En })
    }

    fn run(journey: Journey, actions: impl IntoIterator<Item = Action>) -> Journey {
        actions.into_iter().fold(journey, Journey::apply)
    }

    fn answered_to_consent() -> Journey {
        run(
            journey(),
            [
                Action::Begin,
                Action::ToggleNeed(Need::Housing),
                Action::Continue,
                Action::SetName("Morag Campbell".into()),
                Action::Continue,
                Action::ChooseContact(ContactMethod::Phone),
                Action::SetPhone("07700 900123".into()),
                Action::Continue,
            ],
        )
    }

    fn agreed() -> [Action; 2] {
        [
            Action::SetConsent(ConsentPurpose::ShareWithService, true),
            Action::SetConsent(ConsentPurpose::ContactMe, true),
        ]
    }

    #[test]
    fn the_happy_path_reaches_consent_with_progress() {
        let journey = answered_to_consent();
        assert_eq!(journey.step, Step::Consent);
        assert_eq!(journey.progress(), Some((4, 4)));
        assert!(journey.errors.is_empty());
    }

    #[test]
    fn continue_without_an_answer_stays_and_names_the_problem() {
        let on_needs = run(journey(), [Action::Begin, Action::Continue]);
        assert_eq!(on_needs.step, Step::Needs);
        assert_eq!(on_needs.errors, [ReferralError::NoNeeds]);

        let on_name = run(journey(), [Action::Begin, Action::ToggleNeed(Need::Food), Action::Continue, Action::Continue]);
        assert_eq!(on_name.errors, [ReferralError::Name(FreeTextError::Empty)]);

        let on_contact = run(on_name, [Action::SetName("A".into()), Action::Continue, Action::Continue]);
        assert_eq!(on_contact.errors, [ReferralError::NoContactMethod]);
        let bad_phone = run(on_contact, [Action::ChooseContact(ContactMethod::Text), Action::SetPhone("123".into()), Action::Continue]);
        assert_eq!(bad_phone.errors, [ReferralError::Phone(PhoneNumberError::NotUkNumber)]);
    }

    #[test]
    fn errors_clear_when_the_page_is_put_right() {
        let fixed = run(journey(), [Action::Begin, Action::Continue, Action::ToggleNeed(Need::Food), Action::Continue]);
        assert_eq!(fixed.step, Step::Name);
        assert!(fixed.errors.is_empty());
    }

    #[test]
    fn going_back_keeps_every_answer() {
        let journey = run(answered_to_consent(), [Action::Back, Action::Back, Action::Back]);
        assert_eq!(journey.step, Step::Needs);
        assert!(journey.answers.needs.contains(&Need::Housing));
        assert_eq!(journey.answers.name, "Morag Campbell");
        assert_eq!(run(journey, [Action::Back]).step, Step::Start);
    }

    #[test]
    fn nothing_is_sent_without_both_required_consents() {
        let only_share = run(answered_to_consent(), [
            Action::SetConsent(ConsentPurpose::ShareWithService, true),
            Action::Send { idempotency_key: "k1".into() },
        ]);
        assert_eq!(only_share.step, Step::Consent);
        assert_eq!(only_share.errors, [ReferralError::ConsentMissing(ConsentPurpose::ContactMe)]);
        assert_eq!(only_share.idempotency_key, None);
    }

    #[test]
    fn the_referral_sent_is_valid_and_carries_only_the_chosen_contact_detail() {
        let journey = run(answered_to_consent(), [Action::SetEmail("old@example.com".into())]);
        let journey = run(journey, agreed());
        let raw = journey.raw_referral();
        assert_eq!(raw.contact.email, None);
        let referral = Referral::try_from(raw).expect("a finished journey makes a valid referral");
        assert_eq!(referral.contact().phone().unwrap().as_ref(), "07700900123");
        assert_eq!(referral.consent().version(), CONSENT_VERSION);
    }

    #[test]
    fn one_idempotency_key_per_referral_across_retries() {
        let sending = run(answered_to_consent(), agreed().into_iter().chain([Action::Send { idempotency_key: "first".into() }]));
        assert_eq!(sending.step, Step::Sending(Delivery::InFlight { attempt: 1 }));
        let failed = run(sending, [Action::SendFailed(SendFailure::Unreachable), Action::Back]);
        assert_eq!(failed.step, Step::Consent);
        let resent = run(failed, [Action::Send { idempotency_key: "second".into() }]);
        assert_eq!(resent.idempotency_key.as_deref(), Some("first"), "same answers, same key");
    }

    #[test]
    fn changing_an_answer_after_a_failed_send_makes_a_new_referral() {
        let failed = run(
            answered_to_consent(),
            agreed().into_iter().chain([
                Action::Send { idempotency_key: "first".into() },
                Action::SendFailed(SendFailure::Rejected { code: "phone_not_uk".into(), message: "no".into() }),
                Action::Back,
                Action::Back,
                Action::SetPhone("07700 900999".into()),
            ]),
        );
        assert_eq!(failed.idempotency_key, None);
    }

    #[test]
    fn answers_cannot_change_while_a_send_is_in_flight() {
        let sending = run(answered_to_consent(), agreed().into_iter().chain([Action::Send { idempotency_key: "k".into() }]));
        let after = run(sending.clone(), [Action::SetName("Someone else".into()), Action::Back]);
        assert_eq!(after, sending);
    }

    #[test]
    fn confirmation_only_after_acknowledgement_and_then_answers_are_forgotten() {
        let on_consent = run(answered_to_consent(), agreed());
        let premature = run(on_consent.clone(), [Action::Sent { reference: "SP-FAKE".into() }]);
        assert_eq!(premature.step, Step::Consent, "no confirmation without a send");

        let sent = run(on_consent, [Action::Send { idempotency_key: "k".into() }, Action::Sent { reference: "SP-ABCD-EFGH".into() }]);
        assert_eq!(sent.step, Step::Confirmation { reference: "SP-ABCD-EFGH".into() });
        assert_eq!(sent.answers, Answers::default());
        assert_eq!(sent.idempotency_key, None);
    }

    #[test]
    fn retry_after_failure_sends_again() {
        let failed = run(
            answered_to_consent(),
            agreed().into_iter().chain([
                Action::Send { idempotency_key: "k".into() },
                Action::Retrying { attempt: 2 },
                Action::SendFailed(SendFailure::Unreachable),
            ]),
        );
        assert_eq!(failed.step, Step::Sending(Delivery::Failed(SendFailure::Unreachable)));
        let retried = run(failed.clone(), [Action::Retry]);
        assert_eq!(retried.step, Step::Sending(Delivery::InFlight { attempt: 1 }));
        assert_eq!(retried.sends_started, failed.sends_started + 1, "a retry starts a new send");
    }

    #[test]
    fn reset_forgets_everything_but_the_setting() {
        let reset = run(answered_to_consent(), [Action::OpenUrgentHelp, Action::Reset]);
        assert_eq!(reset, journey());
    }

    #[test]
    fn urgent_help_opens_over_any_step_and_closes_back_to_it() {
        let open = run(answered_to_consent(), [Action::OpenUrgentHelp]);
        assert!(open.urgent_help_open);
        let closed = run(open, [Action::CloseUrgentHelp]);
        assert_eq!(closed.step, Step::Consent);
        assert!(!closed.urgent_help_open);
    }
}
