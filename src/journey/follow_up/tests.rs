//! The follow-up reducer's tests: they run in both builds (`cargo test --no-default-features` too).

use signpost_core::checkin::{CheckinInfo, CheckinResult};
use signpost_core::fields::CalendarDate;
use signpost_core::{Channel, Instrument, Language};

use crate::journey::{
    Action, Delivery, FollowUpStep, Journey, Purpose, SendFailure, Setting, Step, Unavailable,
};

fn run(journey: Journey, actions: impl IntoIterator<Item = Action>) -> Journey {
    actions.into_iter().fold(journey, Journey::apply)
}

fn follow_up(token: Option<&str>) -> Journey {
    Journey::new(Setting {
        practice: "43210".into(),
        channel: Channel::SelfReferral,
        organisation: None,
        language: Language::En,
        instrument: None,
        today: CalendarDate {
            year: 2026,
            month: 11,
            day: 25,
        },
        purpose: Purpose::FollowUp {
            token: token.map(str::to_owned),
        },
    })
}

fn loaded(instrument: Instrument, has_baseline: bool) -> Journey {
    run(
        follow_up(Some("t0k3n")),
        [Action::CheckinLoaded(Ok(CheckinInfo {
            instrument,
            has_baseline,
        }))],
    )
}

/// Every statement answered `value`, and Send pressed.
fn sent(instrument: Instrument, value: u8) -> Journey {
    run(
        loaded(instrument, true),
        (0..instrument.item_count())
            .map(|item| Action::SetWellbeingItem { item, value })
            .chain([Action::Continue]),
    )
}

#[test]
fn a_follow_up_without_a_link_says_what_to_do() {
    assert_eq!(
        follow_up(None).step,
        Step::FollowUp(FollowUpStep::Unavailable(Unavailable::NoLink))
    );
    assert_eq!(
        follow_up(Some("t")).step,
        Step::FollowUp(FollowUpStep::Loading)
    );
}

#[test]
fn a_used_expired_or_unknown_link_gets_its_own_page() {
    for reason in [
        Unavailable::Used,
        Unavailable::Expired,
        Unavailable::Unknown,
    ] {
        let refused = run(follow_up(Some("t")), [Action::CheckinLoaded(Err(reason))]);
        assert_eq!(
            refused.step,
            Step::FollowUp(FollowUpStep::Unavailable(reason))
        );
        assert_eq!(
            run(refused.clone(), [Action::RetryLoad]),
            refused,
            "only an unreachable service is worth retrying"
        );
    }
    let unreachable = run(
        follow_up(Some("t")),
        [Action::CheckinLoaded(Err(Unavailable::Unreachable))],
    );
    let retried = run(unreachable, [Action::RetryLoad]);
    assert_eq!(retried.step, Step::FollowUp(FollowUpStep::Loading));
    assert_eq!(retried.loads_started, 1);
}

#[test]
fn a_follow_up_asks_the_baselines_scale_and_needs_every_answer() {
    let asking = loaded(Instrument::Swemwbs, true);
    assert_eq!(asking.step, Step::FollowUp(FollowUpStep::Questions));
    assert_eq!(asking.wellbeing.as_ref().unwrap().items.len(), 7);
    let incomplete = run(
        asking.clone(),
        [
            Action::SetWellbeingItem { item: 0, value: 2 },
            Action::Continue,
        ],
    );
    assert_eq!(incomplete.problems.len(), 6);
    assert_eq!(incomplete.step, Step::FollowUp(FollowUpStep::Questions));
    let complete = run(
        asking,
        (0..7)
            .map(|item| Action::SetWellbeingItem { item, value: 4 })
            .chain([Action::SetLanguage(Language::Pl), Action::Continue]),
    );
    assert_eq!(
        complete.step,
        Step::Sending(Delivery::InFlight { attempt: 1 })
    );
    let raw = complete.raw_checkin().unwrap();
    assert_eq!(raw.wellbeing.items, vec![4; 7]);
    assert_eq!(raw.language, Language::Pl);
    assert_eq!(
        run(complete.clone(), [Action::Back]),
        complete,
        "no going back while it is on its way"
    );
    assert_eq!(
        run(incomplete.clone(), [Action::Back]),
        incomplete,
        "the questions are the first page"
    );
}

#[test]
fn the_result_arrives_only_from_the_service_and_the_answers_are_then_forgotten() {
    let sending = sent(Instrument::Wemwbs, 3);
    let result = CheckinResult::new(Instrument::Wemwbs, vec![]);
    let done = run(sending.clone(), [Action::CheckinSent(result.clone())]);
    assert_eq!(done.step, Step::FollowUp(FollowUpStep::Result(result)));
    assert_eq!(done.wellbeing, None);
    let used = run(
        sending,
        [Action::SendFailed(SendFailure::Unavailable(
            Unavailable::Used,
        ))],
    );
    assert_eq!(
        used.step,
        Step::FollowUp(FollowUpStep::Unavailable(Unavailable::Used))
    );
}

#[test]
fn after_a_failed_send_back_returns_to_the_answers_as_they_were() {
    let sending = sent(Instrument::Swemwbs, 2);
    let failed = run(sending, [Action::SendFailed(SendFailure::Unreachable)]);
    assert_eq!(
        failed.step,
        Step::Sending(Delivery::Failed(SendFailure::Unreachable))
    );
    let back = run(failed, [Action::Back]);
    assert_eq!(back.step, Step::FollowUp(FollowUpStep::Questions));
    assert_eq!(back.raw_checkin().unwrap().wellbeing.items, vec![2; 7]);
}
