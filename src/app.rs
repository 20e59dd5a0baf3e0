//! The providers and the step switch, nothing else.

use std::rc::Rc;

use signpost_core::fields::CalendarDate;
use signpost_core::{Channel, Language};
use yew::prelude::*;

use crate::components::{exit_now, exit_this_page, language_switcher};
use crate::config::Config;
use crate::hooks::{
    use_checkin_load, use_error_title, use_exit_shortcut, use_focus_on_change, use_messages_for,
    use_send,
};
use crate::i18n::{is_rtl, Messages};
use crate::journey::{Action, FollowUpStep, Journey, Purpose, Setting, Step, Unavailable};
use crate::pages;
use crate::send::EarlyLookup;
use signpost_core::checkin::CheckinInfo;

pub type JourneyContext = UseReducerHandle<Journey>;

/// What every page reads: the settings, the words and the journey. One context rather than three:
/// each context provider is a few KiB of wasm, and the words and settings seldom change.
#[derive(Clone, PartialEq)]
pub struct Shared {
    pub config: Rc<Config>,
    pub words: Words,
    pub journey: JourneyContext,
}

#[hook]
pub fn use_shared() -> Shared {
    use_context::<Shared>().expect("App provides the shared context")
}

#[hook]
pub fn use_journey() -> JourneyContext {
    use_shared().journey
}

#[hook]
pub fn use_messages() -> Messages {
    use_shared().words.messages
}

#[hook]
pub fn use_config() -> Rc<Config> {
    use_shared().config
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: Rc<Config>,
    pub setting: Loaded,
    /// The widget's own address (ending in `/`), where the other languages' files are.
    #[prop_or_default]
    pub assets: AttrValue,
    /// A follow-up link's look-up that `embed.js` has already started.
    #[prop_or_default]
    pub early_lookup: Option<EarlyLookup>,
    /// Called each time a follow-up's link has been looked up and its page is drawn, so
    /// `embed.js` can hand over from the questions it showed while the wasm downloaded.
    #[prop_or_default]
    pub on_shown: Option<Callback<()>>,
}

/// The words on screen, and the language they are in: the chosen one once its file has arrived.
/// One context for both, since they change together.
#[derive(Clone, PartialEq)]
pub struct Words {
    pub messages: Messages,
    pub shown: Language,
}

/// What the widget reads once at start: today's date and what the journey is for (a referral's
/// questionnaire, or a follow-up link's token read from the page address), and what the service
/// said of that link if `embed.js` had its answer already.
#[derive(Clone, PartialEq)]
pub struct Loaded {
    pub today: CalendarDate,
    pub purpose: Purpose,
    pub looked_up: Option<Result<CheckinInfo, Unavailable>>,
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
        match self.looked_up {
            Some(result) => journey.apply(Action::CheckinLoaded(result)),
            None => journey,
        }
    }
}

#[function_component]
pub fn App(props: &AppProps) -> Html {
    let config = props.config.clone();
    let journey = use_reducer({
        let config = config.clone();
        let setting = props.setting.clone();
        move || setting.journey(&config)
    });
    let (messages, shown) = use_messages_for(journey.language, props.assets.clone());
    use_send(journey.clone(), config.clone());
    use_checkin_load(journey.clone(), config.clone(), props.early_lookup.clone());
    let drawn = journey.step != Step::FollowUp(FollowUpStep::Loading);
    use_effect_with((drawn, props.on_shown.clone()), |(drawn, on_shown)| {
        if let Some(on_shown) = on_shown.as_ref().filter(|_| *drawn) {
            on_shown.emit(());
        }
    });
    crate::hooks::use_idle_timeout(
        journey.clone(),
        config.channel() == Channel::Assisted && journey.holds_anything(),
        config.idle_ms,
        config.idle_warning_ms,
    );
    let words = Words { messages, shown };
    html! {
        <ContextProvider<Shared> context={Shared { config, words, journey }}>
            <Frame />
        </ContextProvider<Shared>>
    }
}

/// What every page has: *Exit this page*, the way to urgent help, and the page itself.
#[function_component]
pub(crate) fn Frame() -> Html {
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
            { language_switcher(&journey, &messages) }
            <div class="sp-widget__page" ref={page_ref}>{ page }</div>
            <div class="sp-visually-hidden" role="status" aria-live="polite">{ (*announcement).clone() }</div>
            if cfg!(feature = "referral") && journey.idle_warning {
                <crate::components::IdleWarning />
            }
        </section>
    }
}
