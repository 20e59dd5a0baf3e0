//! The widget: the journey's state and what keeps it moving (sending, the follow-up look-up, the
//! idle clear), provided to the frame and its pages. Nothing else.

use std::rc::Rc;

use signpost_core::Channel;
use yew::prelude::*;

use crate::config::Config;
use crate::context::{provide, Shared, Words};
use crate::frame::Frame;
use crate::hooks::{use_checkin_load, use_idle_timeout, use_messages_for, use_send};
use crate::journey::{FollowUpStep, Loaded, Step};
use crate::send::EarlyLookup;

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
    use_idle_timeout(
        journey.clone(),
        config.channel() == Channel::Assisted && journey.holds_anything(),
        config.idle_ms,
        config.idle_warning_ms,
    );
    let words = Words { messages, shown };
    provide(
        Shared {
            config,
            words,
            journey,
        },
        html! { <Frame /> },
    )
}
