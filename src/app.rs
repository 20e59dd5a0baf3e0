//! The providers and the step switch, nothing else.

use std::rc::Rc;

use signpost_core::Language;
use yew::prelude::*;

use crate::components::ExitThisPage;
use crate::config::Config;
use crate::hooks::{use_focus_on_change, use_send};
use crate::i18n::Messages;
use crate::journey::{Action, Journey, Setting, Step};
use crate::pages;

pub type JourneyContext = UseReducerHandle<Journey>;

#[hook]
pub fn use_journey() -> JourneyContext {
    use_context::<JourneyContext>().expect("App provides the journey")
}

#[hook]
pub fn use_messages() -> Messages {
    use_context::<Messages>().expect("App provides the messages")
}

#[hook]
pub fn use_config() -> Rc<Config> {
    use_context::<Rc<Config>>().expect("App provides the config")
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: Rc<Config>,
}

#[function_component]
pub fn App(props: &AppProps) -> Html {
    let config = props.config.clone();
    let journey = use_reducer({
        let config = config.clone();
        move || {
            Journey::new(Setting {
                practice: config.practice.clone(),
                channel: config.channel(),
                language: config.language,
            })
        }
    });
    let messages = use_memo((), |_| Messages::english());
    use_send(journey.clone(), config.clone());
    html! {
        <ContextProvider<Rc<Config>> context={config}>
            <ContextProvider<Messages> context={(*messages).clone()}>
                <ContextProvider<JourneyContext> context={journey}>
                    <Frame />
                </ContextProvider<JourneyContext>>
            </ContextProvider<Messages>>
        </ContextProvider<Rc<Config>>>
    }
}

/// What every page has: *Exit this page*, the way to urgent help, and the page itself.
#[function_component]
fn Frame() -> Html {
    let journey = use_journey();
    let messages = use_messages();
    let page_ref = use_node_ref();
    let focus_key = (std::mem::discriminant(&journey.step), journey.urgent_help_open, journey.errors.clone());
    use_focus_on_change(focus_key, page_ref.clone());

    let open_urgent_help = {
        let journey = journey.clone();
        Callback::from(move |_| journey.dispatch(Action::OpenUrgentHelp))
    };
    let (lang, dir) = match journey.setting.language {
        Language::En => ("en", "ltr"),
        Language::Gd => ("gd", "ltr"),
        Language::Pl => ("pl", "ltr"),
        Language::Ar => ("ar", "rtl"),
    };
    let page = if journey.urgent_help_open {
        html! { <pages::UrgentHelp /> }
    } else {
        match &journey.step {
            Step::Start => html! { <pages::Start /> },
            Step::Needs => html! { <pages::Needs /> },
            Step::Name => html! { <pages::Name /> },
            Step::Contact => html! { <pages::Contact /> },
            Step::Consent => html! { <pages::Consent /> },
            Step::Sending(delivery) => html! { <pages::Sending delivery={delivery.clone()} /> },
            Step::Confirmation { reference } => html! { <pages::Confirmation reference={reference.clone()} /> },
        }
    };
    html! {
        <section class="sp-widget" {lang} {dir} aria-label={messages.t("widget.name").to_owned()}>
            <div class="sp-widget__bar">
                <ExitThisPage />
                if !journey.urgent_help_open {
                    <button type="button" class="sp-urgent-link" onclick={open_urgent_help}>
                        { messages.t("urgent.link") }
                    </button>
                }
            </div>
            <div class="sp-widget__page" ref={page_ref}>{ page }</div>
        </section>
    }
}
