//! What every page has: *Exit this page*, the way to urgent help, the languages, and the page
//! the journey's step calls for.

use signpost_core::Channel;
use yew::prelude::*;

use crate::components::{exit_now, exit_this_page, language_switcher};
use crate::context::{use_shared, Shared, Words};
use crate::hooks::{use_error_title, use_exit_shortcut, use_focus_on_change};
use crate::i18n::is_rtl;
use crate::journey::{Action, FollowUpStep, Step};
use crate::pages;

/// What every page has: *Exit this page*, the way to urgent help, and the page itself.
#[function_component]
pub fn Frame() -> Html {
    let Shared {
        config,
        words: Words { messages, shown },
        journey,
    } = use_shared();
    let page_ref = use_node_ref();
    // The page says the language its words are in (`shown`), which lags the choice while a file loads.
    // *Exit this page*, by its button or by the Shift shortcut.
    let leave = {
        let journey = journey.clone();
        let config = config.clone();
        Callback::from(move |()| {
            journey.dispatch(Action::Reset);
            exit_now(&config.exit_url);
        })
    };
    use_exit_shortcut(leave.clone());
    // A new language re-reads the page from its heading too: the button pressed becomes plain text.
    let focus_key = (
        journey.step.clone(),
        journey.urgent_help_open,
        journey.problems.clone(),
        shown,
    );
    use_focus_on_change(focus_key, page_ref.clone());
    use_error_title(
        !journey.problems.is_empty(),
        messages.t("common.error_prefix").to_owned(),
    );
    // Told politely after each move, alongside the heading that takes focus: where the person is.
    // Worked out at the move only: a need ticked changes the count of pages, and saying so at each
    // tick would interrupt someone who is answering (issue 15).
    let announcement = {
        let (progress, messages) = (journey.progress(), messages.clone());
        use_memo((journey.step.clone(), shown), move |_| {
            progress
                .map(|(current, total)| {
                    messages.tf(
                        "common.step_of",
                        &[
                            ("current", &current.to_string()),
                            ("total", &total.to_string()),
                        ],
                    )
                })
                .unwrap_or_default()
        })
    };

    let open_urgent_help = {
        let journey = journey.clone();
        Callback::from(move |_| journey.dispatch(Action::OpenUrgentHelp))
    };
    let choose_language = {
        let journey = journey.clone();
        Callback::from(move |language| journey.dispatch(Action::SetLanguage(language)))
    };
    let still_here = {
        let journey = journey.clone();
        Callback::from(move |()| journey.dispatch(Action::StillHere))
    };
    let lang = shown.as_str();
    let dir = if is_rtl(shown) { "rtl" } else { "ltr" };
    let page = if journey.urgent_help_open {
        pages::urgent_help(&journey, &messages)
    } else {
        match &journey.step {
            Step::Sending(delivery) => pages::sending(&journey, &messages, delivery),
            Step::FollowUp(FollowUpStep::Loading) => pages::follow_up_loading(&messages),
            Step::FollowUp(FollowUpStep::Unavailable(reason)) => {
                pages::follow_up_unavailable(&journey, &messages, *reason)
            }
            Step::FollowUp(FollowUpStep::Questions) => html! { <pages::Wellbeing /> },
            Step::FollowUp(FollowUpStep::Result(result)) => {
                pages::follow_up_result(&messages, journey.language, result)
            }
            #[cfg(feature = "referral")]
            step => pages::referral_page(&journey, step),
            // Only a referral reaches the other steps, and this build has none.
            #[cfg(not(feature = "referral"))]
            _ => html! {},
        }
    };
    html! {
        <section class={crate::components::class_list([Some("sp-widget"), (journey.setting.channel == Channel::Assisted).then_some("sp-widget--touch")])} {lang} {dir} aria-label={messages.t("widget.name").to_owned()}>
            <div class="sp-widget__bar">
                { exit_this_page(&leave, &messages) }
                if !journey.urgent_help_open {
                    <button type="button" class="sp-urgent-link" onclick={open_urgent_help}>
                        { messages.t("urgent.link") }
                    </button>
                }
            </div>
            { language_switcher(&messages, journey.language, &choose_language) }
            <div class="sp-widget__page" ref={page_ref}>{ page }</div>
            <div class="sp-visually-hidden" role="status" aria-live="polite">{ (*announcement).clone() }</div>
            if cfg!(feature = "referral") && journey.idle_warning {
                <crate::components::IdleWarning on_more_time={still_here} />
            }
        </section>
    }
}
