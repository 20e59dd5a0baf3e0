use super::*;
use signpost_core::fields::{DateOfBirthError, PhoneNumberError};
use signpost_core::{default_questionnaire, AnswerValue, Referral, CONSENT_VERSION};

const TODAY: CalendarDate = CalendarDate {
    year: 2026,
    month: 11,
    day: 25,
};

fn journey_with(instrument: Option<Instrument>) -> Journey {
    Journey::new(Setting {
        practice: "43210".into(),
        channel: Channel::SelfReferral,
        organisation: None,
        language: Language::En,
        instrument,
        today: TODAY,
        purpose: Purpose::Referral {
            questionnaire: Rc::new(default_questionnaire()),
        },
    })
}

fn journey() -> Journey {
    journey_with(Some(Instrument::Swemwbs))
}

fn run(journey: Journey, actions: impl IntoIterator<Item = Action>) -> Journey {
    actions.into_iter().fold(journey, Journey::apply)
}

fn set(question: &str, value: &str) -> Action {
    Action::SetAnswer {
        question: question.into(),
        value: value.into(),
    }
}

fn tick(question: &str, option: &str) -> Action {
    Action::ToggleChoice {
        question: question.into(),
        option: option.into(),
    }
}

fn index_of(page: &str) -> usize {
    default_questionnaire()
        .pages()
        .iter()
        .position(|p| p.id == page)
        .unwrap()
}

fn page_id(journey: &Journey) -> &str {
    match journey.step {
        Step::Page(index) => &journey.page(index).id,
        _ => panic!("not on a questionnaire page: {:?}", journey.step),
    }
}

/// Answers up to the check-answers page: housing and food, phone contact, wellbeing skipped.
fn to_check_answers() -> Journey {
    run(to_wellbeing(), [Action::SkipWellbeing])
}

/// Answers up to the wellbeing check-in.
fn to_wellbeing() -> Journey {
    run(
        journey(),
        [
            Action::Begin,
            set("urgent", "no"),
            Action::Continue,
            tick("needs", "housing"),
            tick("needs", "food"),
            Action::Continue,
            set("housing_at_risk", "yes"),
            Action::Continue,
            set("food_gone_without", "no"),
            Action::Continue,
            set("name", "Morag Campbell"),
            set("date_of_birth", "1971-6-14"),
            set("postcode", "g31 2er"),
            Action::Continue,
            tick("contact_methods", "phone"),
            Action::Continue,
            set("phone", "07700 900123"),
            set("safe_voicemail", "no"),
            Action::Continue,
            set("interpreter", "no"),
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
fn the_journey_starts_with_the_urgent_question() {
    let started = run(journey(), [Action::Begin]);
    assert_eq!(page_id(&started), "urgent");
    assert_eq!(started.progress().map(|(current, _)| current), Some(1));
}

#[test]
fn urgent_yes_shows_the_crisis_lines_then_carries_on() {
    let urgent = run(
        journey(),
        [Action::Begin, set("urgent", "yes"), Action::Continue],
    );
    assert_eq!(urgent.step, Step::UrgentAdvice);
    assert_eq!(page_id(&run(urgent.clone(), [Action::Back])), "urgent");
    assert_eq!(page_id(&run(urgent, [Action::Continue])), "needs");
}

#[test]
fn a_follow_up_page_for_each_need_chosen_in_order() {
    let on_follow_up = run(
        journey(),
        [
            Action::Begin,
            set("urgent", "no"),
            Action::Continue,
            tick("needs", "food"),
            tick("needs", "housing"),
            Action::Continue,
        ],
    );
    assert_eq!(
        page_id(&on_follow_up),
        "about_housing",
        "the questionnaire's order, not the ticking order"
    );
    let next = run(
        on_follow_up,
        [set("housing_at_risk", "no"), Action::Continue],
    );
    assert_eq!(page_id(&next), "about_food");
    assert_eq!(
        page_id(&run(
            next,
            [set("food_gone_without", "no"), Action::Continue]
        )),
        "about_you"
    );
}

#[test]
fn unticking_a_need_removes_its_follow_up_page_and_its_answer() {
    let on_housing = run(
        journey(),
        [
            Action::Begin,
            set("urgent", "no"),
            Action::Continue,
            tick("needs", "housing"),
            tick("needs", "food"),
            Action::Continue,
            set("housing_at_risk", "yes"),
        ],
    );
    let changed = run(
        on_housing,
        [Action::Back, tick("needs", "housing"), Action::Continue],
    );
    assert_eq!(page_id(&changed), "about_food");
    assert!(
        !changed
            .raw_referral()
            .answers
            .contains_key("housing_at_risk"),
        "not asked, so not sent"
    );
}

#[test]
fn continue_without_an_answer_names_the_question() {
    let stuck = run(journey(), [Action::Begin, Action::Continue]);
    assert_eq!(page_id(&stuck), "urgent");
    assert_eq!(
        stuck.problems,
        [Problem::Answer {
            question: "urgent".into(),
            error: AnswerError::Missing
        }]
    );
    assert_eq!(stuck.problems[0].field(), "answers.urgent");
}

#[test]
fn about_you_reports_each_problem_as_typed() {
    let on_about_you = run(
        to_check_answers(),
        [Action::Change {
            page: index_of("about_you"),
        }],
    );
    assert_eq!(page_id(&on_about_you), "about_you");
    let bad = run(
        on_about_you,
        [
            set("name", " "),
            set("date_of_birth", "1981-2-29"),
            set("postcode", "75001"),
            Action::Continue,
        ],
    );
    let errors: Vec<_> = bad
        .problems
        .iter()
        .map(|p| match p {
            Problem::Answer { question, error } => (question.as_str(), *error),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        errors,
        [
            ("name", AnswerError::Missing),
            (
                "date_of_birth",
                AnswerError::Date(DateOfBirthError::NotADate)
            ),
            (
                "postcode",
                AnswerError::Postcode(signpost_core::fields::PostcodeError::NotUkPostcode)
            ),
        ]
    );
}

#[test]
fn contact_details_ask_only_for_the_ways_chosen() {
    let on_details = run(
        to_check_answers(),
        [
            Action::Change {
                page: index_of("contact_methods"),
            },
            tick("contact_methods", "phone"),
            tick("contact_methods", "email"),
            Action::Continue,
        ],
    );
    assert_eq!(page_id(&on_details), "contact_details");
    let stuck = run(on_details, [Action::Continue]);
    assert_eq!(
        stuck.problems,
        [Problem::Answer {
            question: "email".into(),
            error: AnswerError::Missing
        }]
    );
    let bad_phone = run(
        stuck,
        [
            Action::Back,
            tick("contact_methods", "text"),
            Action::Continue,
            set("phone", "123"),
            set("safe_text", "yes"),
            set("email", "m@example.com"),
            Action::Continue,
        ],
    );
    assert_eq!(
        bad_phone.problems,
        [Problem::Answer {
            question: "phone".into(),
            error: AnswerError::Phone(PhoneNumberError::NotUkNumber)
        }]
    );
}

#[test]
fn a_change_link_returns_to_check_answers() {
    let checking = to_check_answers();
    assert_eq!(checking.step, Step::CheckAnswers);
    let changed = run(
        checking,
        [
            Action::Change {
                page: index_of("about_you"),
            },
            set("name", "Morag C"),
            Action::Continue,
        ],
    );
    assert_eq!(changed.step, Step::CheckAnswers);
    assert_eq!(changed.answers["name"], AnswerValue::One("Morag C".into()));
}

#[test]
fn a_change_that_reveals_a_page_asks_it_before_returning() {
    let changed = run(
        to_check_answers(),
        [
            Action::Change {
                page: index_of("needs"),
            },
            tick("needs", "caring"),
            Action::Continue,
        ],
    );
    assert_eq!(page_id(&changed), "about_caring");
    let back = run(changed, [set("caring_has_support", "no"), Action::Continue]);
    assert_eq!(back.step, Step::CheckAnswers);
}

#[test]
fn wellbeing_is_all_or_nothing_and_can_be_skipped() {
    let on_wellbeing = to_wellbeing();
    assert_eq!(page_id(&on_wellbeing), "wellbeing");
    let none = run(on_wellbeing.clone(), [Action::Continue]);
    assert_eq!(
        none.problems,
        [Problem::Answer {
            question: "wellbeing".into(),
            error: AnswerError::Missing
        }]
    );
    let some = run(
        on_wellbeing.clone(),
        [
            Action::SetWellbeingItem { item: 0, value: 3 },
            Action::Continue,
        ],
    );
    assert_eq!(some.problems.len(), 6, "each unanswered statement is named");
    assert_eq!(some.problems[0], Problem::WellbeingItem { item: 2 });
    let all = run(
        on_wellbeing,
        (0..7)
            .map(|item| Action::SetWellbeingItem { item, value: 4 })
            .chain([Action::Continue]),
    );
    assert_eq!(all.step, Step::CheckAnswers);
    assert_eq!(all.raw_referral().wellbeing.unwrap().items, vec![4; 7]);
}

#[test]
fn no_instrument_means_no_wellbeing_page() {
    let pages = journey_with(None).visible_pages();
    let questionnaire = default_questionnaire();
    assert!(pages
        .iter()
        .all(|p| questionnaire.pages()[*p].id != "wellbeing"));
}

#[test]
fn going_back_keeps_every_answer() {
    let back = run(
        to_check_answers(),
        [Action::Back, Action::Back, Action::Back, Action::Back],
    );
    assert_eq!(page_id(&back), "contact_methods");
    assert_eq!(
        back.answers["phone"],
        AnswerValue::One("07700 900123".into())
    );
}

#[test]
fn the_referral_sent_is_valid_and_canonical() {
    let ready = run(to_check_answers(), [Action::Continue]);
    assert_eq!(ready.step, Step::Consent);
    let raw = run(ready, agreed()).raw_referral();
    assert_eq!(
        raw.answers["date_of_birth"],
        AnswerValue::One("1971-06-14".into())
    );
    assert_eq!(raw.wellbeing, None, "skipped");
    let referral = Referral::parse(raw, &default_questionnaire(), TODAY)
        .expect("a finished journey is a valid referral");
    assert_eq!(referral.answer("postcode"), Some("G31 2ER"));
    assert_eq!(referral.consent().version(), CONSENT_VERSION);
}

#[test]
fn nothing_is_sent_without_both_required_consents() {
    let only_share = run(
        to_check_answers(),
        [
            Action::Continue,
            Action::SetConsent(ConsentPurpose::ShareWithService, true),
            Action::Send {
                idempotency_key: "k".into(),
            },
        ],
    );
    assert_eq!(only_share.step, Step::Consent);
    assert_eq!(
        only_share.problems,
        [Problem::Consent(ConsentPurpose::ContactMe)]
    );
    assert_eq!(only_share.idempotency_key, None);
}

fn sending() -> Journey {
    run(
        to_check_answers(),
        [Action::Continue]
            .into_iter()
            .chain(agreed())
            .chain([Action::Send {
                idempotency_key: "first".into(),
            }]),
    )
}

#[test]
fn one_idempotency_key_per_referral_across_retries() {
    let failed = run(
        sending(),
        [Action::SendFailed(SendFailure::Unreachable), Action::Back],
    );
    assert_eq!(failed.step, Step::CheckAnswers);
    let resent = run(
        failed,
        [
            Action::Continue,
            Action::Send {
                idempotency_key: "second".into(),
            },
        ],
    );
    assert_eq!(
        resent.idempotency_key.as_deref(),
        Some("first"),
        "same answers, same key"
    );
}

#[test]
fn changing_an_answer_after_a_failed_send_makes_a_new_referral() {
    let changed = run(
        sending(),
        [
            Action::SendFailed(SendFailure::Unreachable),
            Action::Back,
            Action::Change {
                page: index_of("about_you"),
            },
            set("name", "Someone"),
        ],
    );
    assert_eq!(changed.idempotency_key, None);
}

#[test]
fn answers_cannot_change_while_a_send_is_in_flight() {
    let in_flight = sending();
    assert_eq!(
        run(
            in_flight.clone(),
            [set("name", "Someone else"), Action::Back]
        ),
        in_flight
    );
}

#[test]
fn confirmation_only_after_acknowledgement_and_then_answers_are_forgotten() {
    let premature = run(
        to_check_answers(),
        [Action::Sent {
            reference: "SP-FAKE".into(),
        }],
    );
    assert_eq!(
        premature.step,
        Step::CheckAnswers,
        "no confirmation without a send"
    );
    let sent = run(
        sending(),
        [Action::Sent {
            reference: "SP-ABCD-EFGH".into(),
        }],
    );
    assert_eq!(
        sent.step,
        Step::Confirmation {
            reference: "SP-ABCD-EFGH".into()
        }
    );
    assert!(sent.answers.is_empty());
    assert_eq!(sent.idempotency_key, None);
}

#[test]
fn retry_after_failure_starts_a_new_send() {
    let failed = run(
        sending(),
        [
            Action::Retrying { attempt: 2 },
            Action::SendFailed(SendFailure::Unreachable),
        ],
    );
    assert_eq!(
        failed.step,
        Step::Sending(Delivery::Failed(SendFailure::Unreachable))
    );
    let retried = run(failed.clone(), [Action::Retry]);
    assert_eq!(
        retried.step,
        Step::Sending(Delivery::InFlight { attempt: 1 })
    );
    assert_eq!(retried.sends_started, failed.sends_started + 1);
}

#[test]
fn reset_forgets_everything_but_the_setting() {
    assert_eq!(
        run(to_check_answers(), [Action::OpenUrgentHelp, Action::Reset]),
        journey()
    );
}

#[test]
fn urgent_help_opens_over_any_step_and_closes_back_to_it() {
    let open = run(to_check_answers(), [Action::OpenUrgentHelp]);
    assert!(open.urgent_help_open);
    let closed = run(open, [Action::CloseUrgentHelp]);
    assert_eq!(closed.step, Step::CheckAnswers);
}

#[test]
fn switching_language_keeps_every_answer_and_is_recorded() {
    let before = to_check_answers();
    let switched = run(before.clone(), [Action::SetLanguage(Language::Pl)]);
    assert_eq!(switched.answers, before.answers);
    assert_eq!(switched.step, before.step);
    assert_eq!(switched.raw_referral().language, Language::Pl);
}

fn assisted() -> Journey {
    let mut setting = journey().setting;
    setting.channel = Channel::Assisted;
    setting.organisation = Some("Southside Foodbank".into());
    Journey::new(setting)
}

#[test]
fn assisted_mode_starts_only_once_the_volunteer_confirms() {
    let refused = run(assisted(), [Action::Begin]);
    assert_eq!(refused.step, Step::Start);
    assert_eq!(refused.problems, [Problem::VolunteerConfirmation]);
    let started = run(refused, [Action::ConfirmPresent(true), Action::Begin]);
    assert_eq!(page_id(&started), "urgent");
    assert_eq!(started.raw_referral().channel, Channel::Assisted);
    assert_eq!(
        started.raw_referral().organisation.as_deref(),
        Some("Southside Foodbank")
    );
}

/// The preview's *Start now* (static/embed/preview.js) moves on to the first question only once
/// the volunteer's box is ticked; the widget that takes over then starts where a press would have.
#[test]
fn a_journey_begun_on_the_preview_starts_where_start_now_would_have_taken_it() {
    for (mode, pressed) in [
        ("self", vec![Action::Begin]),
        (
            "assisted",
            vec![Action::ConfirmPresent(true), Action::Begin],
        ),
    ] {
        let config = crate::config::Config::from_attributes(
            |name| (name == "mode").then(|| mode.to_owned()),
            &[],
        );
        let loaded = |begun| Loaded {
            today: TODAY,
            purpose: Purpose::Referral {
                questionnaire: Rc::new(default_questionnaire()),
            },
            looked_up: None,
            begun,
        };
        let begun = loaded(true).journey(&config);
        assert_eq!(page_id(&begun), "urgent", "{mode}");
        assert!(begun.problems.is_empty(), "{mode}: {:?}", begun.problems);
        assert_eq!(
            begun,
            run(loaded(false).journey(&config), pressed),
            "{mode}"
        );
    }
}

#[test]
fn an_idle_timeout_clears_everything_and_says_why() {
    let busy = run(
        assisted(),
        [
            Action::ConfirmPresent(true),
            Action::Begin,
            set("urgent", "no"),
            Action::Continue,
        ],
    );
    let warned = run(busy.clone(), [Action::IdleWarning]);
    assert!(warned.idle_warning);
    let extended = run(warned.clone(), [Action::StillHere]);
    assert!(!extended.idle_warning);
    assert_eq!(
        extended.answers, busy.answers,
        "more time keeps every answer"
    );
    let cleared = run(warned, [Action::IdleTimeout]);
    assert_eq!(cleared.step, Step::Start);
    assert!(cleared.answers.is_empty());
    assert!(!cleared.volunteer_confirmed);
    assert!(cleared.timed_out);
}

#[test]
fn nothing_to_clear_means_no_warning() {
    let idle = run(assisted(), [Action::IdleWarning]);
    assert!(
        !idle.idle_warning,
        "an untouched start page has nothing to protect"
    );
}

#[test]
fn the_confirmation_keeps_the_language_but_nothing_else() {
    let arabic = run(
        to_check_answers(),
        [Action::SetLanguage(Language::Ar), Action::Continue]
            .into_iter()
            .chain(agreed()),
    );
    let sent = run(
        arabic,
        [
            Action::Send {
                idempotency_key: "k".into(),
            },
            Action::Sent {
                reference: "SP-ABCD-EFGH".into(),
            },
        ],
    );
    assert_eq!(sent.language, Language::Ar);
    assert!(sent.answers.is_empty());
}
