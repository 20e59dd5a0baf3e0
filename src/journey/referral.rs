//! Journeys 1 and 2: a referral, self-made or assisted. The pages, their order and their
//! checks come from the questionnaire; only this build of the widget carries them (the
//! follow-up build leaves the `referral` feature out, and with it all of this).

use std::collections::BTreeSet;

use signpost_core::answers::check_answer;
use signpost_core::fields::DateOfBirth;
use signpost_core::questionnaire::{Page, QuestionKind};
use signpost_core::referral::RawConsent;
use signpost_core::{
    AnswerError, AnswerValue, Answers, Channel, ConsentPurpose, Questionnaire, QuestionnaireRef,
    RawReferral, RawWellbeing, CONSENT_VERSION, SCHEMA,
};

use super::{date_parts, Action, Delivery, Journey, Problem, Purpose, Step};

/// The question whose "yes" leads to the urgent advice.
const URGENT_QUESTION: &str = "urgent";

impl Journey {
    /// The questionnaire this referral answers. Only referral journeys reach the code below:
    /// `apply` sends a follow-up to its own reducer, which never asks for one.
    pub fn questionnaire(&self) -> &Questionnaire {
        match &self.setting.purpose {
            Purpose::Referral { questionnaire } => questionnaire,
            Purpose::FollowUp { .. } => unreachable!("a follow-up check-in has no questionnaire"),
        }
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
        page.questions
            .iter()
            .any(|q| q.kind == QuestionKind::Instrument)
    }

    /// "Page 3 of 12": the visible pages, then check answers and consent.
    pub(super) fn referral_progress(&self) -> Option<(usize, usize)> {
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
            for question in page
                .questions
                .iter()
                .filter(|q| q.kind == QuestionKind::Date)
            {
                if let Some(AnswerValue::One(parts)) = answers.get(&question.id) {
                    if parts.split('-').all(|part| part.trim().is_empty()) {
                        answers.remove(&question.id);
                        continue;
                    }
                    let iso = date_parts(parts).and_then(|(d, m, y)| {
                        DateOfBirth::from_parts(d, m, y, self.setting.today)
                            .ok()
                            .map(|dob| dob.date().to_iso())
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
        let asked: BTreeSet<String> = questionnaire
            .asked_questions(&answers)
            .into_iter()
            .map(str::to_owned)
            .collect();
        answers.retain(|id, _| asked.contains(id));
        let canonical = questionnaire
            .canonical_answers(&answers, self.setting.today)
            .unwrap_or(answers);
        let wellbeing = self
            .wellbeing
            .as_ref()
            .filter(|w| !w.skipped)
            .and_then(|w| {
                let items: Option<Vec<u8>> = w.items.iter().copied().collect();
                items.map(|items| RawWellbeing {
                    instrument: w.instrument,
                    items,
                })
            });
        RawReferral {
            schema: SCHEMA.to_owned(),
            practice: self.setting.practice.clone(),
            channel: self.setting.channel,
            organisation: self
                .setting
                .organisation
                .clone()
                .filter(|_| self.setting.channel == Channel::Assisted),
            language: self.language,
            questionnaire: QuestionnaireRef {
                id: questionnaire.id().to_owned(),
                version: questionnaire.version().to_owned(),
            },
            answers: canonical,
            wellbeing,
            consent: RawConsent {
                version: CONSENT_VERSION.to_owned(),
                purposes: self.consent.clone(),
            },
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
                    (QuestionKind::Date, Some(AnswerValue::One(parts))) => {
                        match date_parts(parts) {
                            Some((d, m, y)) => DateOfBirth::from_parts(d, m, y, self.setting.today)
                                .err()
                                .map(AnswerError::Date)
                                .filter(|e| !e.is_missing() || question.required),
                            None => check_answer(
                                question,
                                answers.get(&question.id),
                                self.setting.today,
                            )
                            .err(),
                        }
                    }
                    _ => {
                        check_answer(question, answers.get(&question.id), self.setting.today).err()
                    }
                };
                error.map(|error| Problem::Answer {
                    question: question.id.clone(),
                    error,
                })
            })
            .collect()
    }

    fn next_after(&self, index: usize) -> Step {
        let pages = self.visible_pages();
        if self.changing {
            // Back to the check-answers page, unless the change revealed a page still to answer.
            let unanswered = pages
                .iter()
                .find(|p| **p > index && !self.page_problems(**p).is_empty());
            return unanswered.map_or(Step::CheckAnswers, |p| Step::Page(*p));
        }
        pages
            .into_iter()
            .find(|p| *p > index)
            .map_or(Step::CheckAnswers, Step::Page)
    }

    fn previous(&self) -> Step {
        let pages = self.visible_pages();
        let before = |index: usize| {
            pages
                .iter()
                .rev()
                .find(|p| **p < index)
                .map_or(Step::Start, |p| Step::Page(*p))
        };
        match &self.step {
            Step::Page(index) => before(*index),
            Step::UrgentAdvice => self.urgent_page().map_or(Step::Start, Step::Page),
            Step::CheckAnswers => pages.last().map_or(Step::Start, |p| Step::Page(*p)),
            Step::Consent | Step::Sending(_) => Step::CheckAnswers,
            step => step.clone(),
        }
    }

    fn urgent_page(&self) -> Option<usize> {
        self.questionnaire()
            .pages()
            .iter()
            .position(|p| p.questions.iter().any(|q| q.id == URGENT_QUESTION))
    }

    fn continue_from_page(self, index: usize) -> Self {
        let problems = self.page_problems(index);
        if !problems.is_empty() {
            return Self { problems, ..self };
        }
        let urgent = self
            .page(index)
            .questions
            .iter()
            .any(|q| q.id == URGENT_QUESTION)
            && self.answers.get(URGENT_QUESTION) == Some(&AnswerValue::One("yes".into()));
        if urgent {
            return self.go_to(Step::UrgentAdvice);
        }
        let next = self.next_after(index);
        self.go_to(next)
    }

    pub(super) fn apply_referral(self, action: Action) -> Self {
        match action {
            Action::Begin
                if self.step == Step::Start
                    && self.setting.channel == Channel::Assisted
                    && !self.volunteer_confirmed =>
            {
                Self {
                    problems: vec![Problem::VolunteerConfirmation],
                    ..self
                }
            }
            Action::ConfirmPresent(confirmed) if self.step == Step::Start => Self {
                volunteer_confirmed: confirmed,
                problems: Vec::new(),
                ..self
            },
            Action::Begin if self.step == Step::Start => {
                let first = self
                    .visible_pages()
                    .first()
                    .map_or(Step::CheckAnswers, |p| Step::Page(*p));
                self.go_to(first)
            }
            Action::SetAnswer { question, value } => self.change_answers(|j| {
                j.answers.insert(question, AnswerValue::One(value));
            }),
            Action::ToggleChoice { question, option } => self.change_answers(|j| {
                let entry = j
                    .answers
                    .entry(question)
                    .or_insert_with(|| AnswerValue::Many(Vec::new()));
                if let AnswerValue::Many(chosen) = entry {
                    match chosen.iter().position(|c| *c == option) {
                        Some(at) => {
                            chosen.remove(at);
                        }
                        None => chosen.push(option),
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
                    if !j.consent.contains(&purpose) {
                        j.consent.push(purpose);
                        j.consent.sort_unstable();
                    }
                } else {
                    j.consent.retain(|p| *p != purpose);
                }
            }),
            Action::Continue => match self.step {
                Step::Page(index) => self.continue_from_page(index),
                Step::UrgentAdvice => {
                    let next = self
                        .urgent_page()
                        .map_or(Step::CheckAnswers, |p| self.next_after(p));
                    self.go_to(next)
                }
                Step::CheckAnswers => self.go_to(Step::Consent),
                _ => self,
            },
            Action::Change { page }
                if self.step == Step::CheckAnswers && self.visible_pages().contains(&page) =>
            {
                Self {
                    changing: true,
                    ..self
                }
                .go_to(Step::Page(page))
            }
            Action::Send { idempotency_key } if self.step == Step::Consent => {
                let missing: Vec<Problem> = ConsentPurpose::REQUIRED
                    .into_iter()
                    .filter(|p| !self.consent.contains(p))
                    .map(Problem::Consent)
                    .collect();
                if !missing.is_empty() {
                    return Self {
                        problems: missing,
                        ..self
                    };
                }
                let key = self.idempotency_key.clone().unwrap_or(idempotency_key);
                let sends_started = self.sends_started + 1;
                Self {
                    idempotency_key: Some(key),
                    sends_started,
                    ..self
                }
                .go_to(Step::Sending(Delivery::InFlight { attempt: 1 }))
            }
            Action::Sent { reference } if matches!(self.step, Step::Sending(_)) => {
                // Acknowledged: the answers have done their job and are forgotten at once.
                let language = self.language;
                Self {
                    language,
                    ..Self::new(self.setting)
                }
                .go_to(Step::Confirmation { reference })
            }
            Action::Back if self.answering() => {
                let previous = self.previous();
                self.go_to(previous)
            }
            action => self.apply_common(action),
        }
    }
}
